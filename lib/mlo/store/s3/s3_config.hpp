// Where an s3:// store lives and how to reach it, resolved once at open time from the URL and
// the environment (docs/s3.md). No network access.
//
//   endpoint     MLO_S3_ENDPOINT, else AWS_ENDPOINT_URL, else https://s3.<region>.amazonaws.com
//   addressing   MLO_S3_ADDRESSING=path|virtual; default path for a custom endpoint, virtual
//                (bucket.host) for AWS
//   region       AWS_REGION, AWS_DEFAULT_REGION, `region` of the profile in ~/.aws/config
//                (AWS_CONFIG_FILE), else us-east-1
//   credentials  AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), else the
//                profile AWS_PROFILE (default "default") in ~/.aws/credentials
//                (AWS_SHARED_CREDENTIALS_FILE)
//   tuning       MLO_S3_CONNECT_TIMEOUT (s, 10), MLO_S3_READ_TIMEOUT (s without progress, 60),
//                MLO_S3_MAX_ATTEMPTS (5), MLO_S3_PART_SIZE (MiB, 16; clamped to 8..64),
//                MLO_S3_CONCURRENCY (parallel part uploads, 4)
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "mlo/core/result.hpp"
#include "mlo/store/s3/sigv4.hpp"

namespace mlo::s3 {

struct S3Config {
  std::string bucket;
  std::string prefix;    // "" or "a/b" (no leading or trailing '/')
  std::string endpoint;  // "http://127.0.0.1:7480" (scheme://host[:port], no path)
  bool path_style = true;
  std::string region = "us-east-1";
  Credentials credentials;
  long connect_timeout_s = 10;
  long read_timeout_s = 60;
  int max_attempts = 5;
  uint64_t part_size = 16ull << 20;
  int concurrency = 4;
};

// Looks up an environment variable ("" when unset); injectable for tests.
using EnvFn = std::function<std::string(const char*)>;
std::string process_env(const char* name);

// kUsage for a malformed URL, an invalid setting or missing credentials. Messages never contain
// a secret.
Result<S3Config> load_s3_config(std::string_view url, const EnvFn& env = process_env);

// Reads `key` from section `section` of an INI file (the AWS shared config format); "" if absent.
std::string ini_value(const std::string& text, std::string_view section, std::string_view key);

}  // namespace mlo::s3
