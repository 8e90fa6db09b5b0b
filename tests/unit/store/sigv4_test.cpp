// SigV4 against the examples published by AWS: the S3 header-signing examples
// (docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html) and get-vanilla from
// the aws-sig-v4-test-suite.
#include "mlo/store/s3/sigv4.hpp"

#include <catch2/catch.hpp>

using namespace mlo::s3;

namespace {

const Credentials kS3Example{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                             ""};
constexpr const char* kDate = "20130524T000000Z";
constexpr const char* kEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

SignInput s3_example(std::string method, std::string path, Pairs query, std::string payload) {
  SignInput in;
  in.method = std::move(method);
  in.path = std::move(path);
  in.query = std::move(query);
  in.region = "us-east-1";
  in.payload_hash = payload;
  in.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                {"x-amz-date", kDate},
                {"x-amz-content-sha256", payload}};
  return in;
}

std::string signature_of(const std::string& authorization) {
  return authorization.substr(authorization.rfind('=') + 1);
}

}  // namespace

TEST_CASE("sigv4: GET Object with a Range header (AWS S3 example)") {
  SignInput in = s3_example("GET", "/test.txt", {}, kEmpty);
  in.headers.emplace_back("Range", "bytes=0-9");
  CHECK(canonical_request(in) ==
        "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
        "x-amz-content-sha256:" +
            std::string(kEmpty) +
            "\nx-amz-date:20130524T000000Z\n\n"
            "host;range;x-amz-content-sha256;x-amz-date\n" +
            kEmpty);
  const std::string auth = authorization(in, kS3Example, kDate);
  CHECK(auth ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST_CASE("sigv4: PUT Object with an encoded path and extra headers (AWS S3 example)") {
  const std::string payload = hex_sha256("Welcome to Amazon S3.");
  SignInput in = s3_example("PUT", "/" + uri_encode("test$file.text", true), {}, payload);
  in.headers.emplace_back("Date", "Fri, 24 May 2013 00:00:00 GMT");
  in.headers.emplace_back("x-amz-storage-class", "REDUCED_REDUNDANCY");
  CHECK(in.path == "/test%24file.text");
  CHECK(signature_of(authorization(in, kS3Example, kDate)) ==
        "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST_CASE("sigv4: a query key without a value and an unsorted query (AWS S3 examples)") {
  SignInput lifecycle = s3_example("GET", "/", {{"lifecycle", ""}}, kEmpty);
  CHECK(signature_of(authorization(lifecycle, kS3Example, kDate)) ==
        "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  SignInput list = s3_example("GET", "/", {{"prefix", "J"}, {"max-keys", "2"}}, kEmpty);
  CHECK(canonical_query(list.query) == "max-keys=2&prefix=J");
  CHECK(signature_of(authorization(list, kS3Example, kDate)) ==
        "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST_CASE("sigv4: get-vanilla from the aws-sig-v4-test-suite (service 'service')") {
  SignInput in;
  in.method = "GET";
  in.path = "/";
  in.region = "us-east-1";
  in.service = "service";
  in.payload_hash = kEmpty;
  in.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  const Credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  CHECK(authorization(in, creds, "20150830T123600Z") ==
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, "
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST_CASE("sigv4: encoding, header canonicalisation, dates") {
  CHECK(uri_encode("a b/c~d_e.f-g", true) == "a%20b/c~d_e.f-g");
  CHECK(uri_encode("a/b", false) == "a%2Fb");
  CHECK(uri_encode("\xc3\xa9", false) == "%C3%A9");
  CHECK(canonical_query({{"uploads", ""}, {"a", "x y"}}) == "a=x%20y&uploads=");
  CHECK(canonical_query({{"continuation-token", "1/a+b="}, {"list-type", "2"}}) ==
        "continuation-token=1%2Fa%2Bb%3D&list-type=2");
  SignInput in;
  in.method = "GET";
  in.path = "/";
  in.payload_hash = kEmpty;
  in.headers = {{"X-Amz-Meta-A", "  two   spaces  "}, {"Host", "h"}};
  CHECK(canonical_request(in) ==
        "GET\n/\n\nhost:h\nx-amz-meta-a:two spaces\n\nhost;x-amz-meta-a\n" + std::string(kEmpty));
  CHECK(amz_date(1369353600) == "20130524T000000Z");
}

TEST_CASE("sigv4: a session token is signed; the secret never appears in the header") {
  SignInput in = s3_example("GET", "/k", {}, kEmpty);
  in.headers.emplace_back("x-amz-security-token", "TOKEN");
  const std::string auth = authorization(in, kS3Example, kDate);
  CHECK_THAT(auth, Catch::Contains("x-amz-security-token"));
  CHECK_THAT(auth, !Catch::Contains(kS3Example.secret_key));
}
