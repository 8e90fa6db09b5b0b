// AWS Signature Version 4 for S3 requests (header-based), as specified in
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-signing.html. Pure functions, so
// the published test vectors can check them byte for byte (tests/unit/store/sigv4_test.cpp).
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlo::s3 {

using Pairs = std::vector<std::pair<std::string, std::string>>;

struct Credentials {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  // empty unless temporary credentials
};

struct SignInput {
  std::string method;        // "GET", "PUT", ...
  std::string path;          // already URI-encoded ("/bucket/a%24b"), see uri_encode()
  Pairs query;               // raw (not encoded) names and values; order does not matter
  Pairs headers;             // every header to sign, including host and x-amz-date
  std::string payload_hash;  // hex sha256 of the body, or "UNSIGNED-PAYLOAD"
  std::string region;
  std::string service = "s3";
};

// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters kept, everything else %XX
// (upper case); '/' kept when `keep_slash` (paths), encoded otherwise (query values).
std::string uri_encode(std::string_view text, bool keep_slash);
// "20130524T000000Z"
std::string amz_date(std::time_t when);
std::string hex_sha256(std::string_view bytes);
// Sorted, encoded "a=1&b=2" (also what should be sent on the wire, so the two always agree).
std::string canonical_query(const Pairs& query);
std::string canonical_request(const SignInput& in);
// The Authorization header value. `date` is the request's x-amz-date value.
std::string authorization(const SignInput& in, const Credentials& creds, std::string_view date);

}  // namespace mlo::s3
