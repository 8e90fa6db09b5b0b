// The S3 backend as a contract-test fixture: a fresh prefix per test in one bucket of the test
// server (tests/s3/server.sh exports MLO_S3_ENDPOINT and credentials). Only unit_store_s3 uses it.
#pragma once

#include <atomic>
#include <cstdlib>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

#include "core/temp_dir.hpp"
#include "mlo/store/s3/s3_store.hpp"

namespace mlo::test {

inline constexpr const char* kS3TestBucket = "mlo-unit-tests";

struct S3Fixture {
  static constexpr const char* kName = "s3";
  static constexpr bool kEtagIsDigest = false;  // the server's ETag (an MD5)
  static constexpr int kScale = 6;              // each round trip costs milliseconds

  TempDir files;
  std::string url = std::string("s3://") + kS3TestBucket + "/" + unique_prefix();
  std::unique_ptr<S3Store> owned = open(url);
  S3Store& store = *owned;
  std::unique_ptr<Store> another() { return open(url); }

  static std::unique_ptr<S3Store> open(const std::string& u) {
    if (std::getenv("MLO_S3_ENDPOINT") == nullptr)
      throw std::runtime_error("MLO_S3_ENDPOINT is not set: run under tests/s3/server.sh run");
    auto s = S3Store::open(u);
    if (!s.ok()) throw std::runtime_error(s.error().message);
    static bool bucket_made = false;
    if (!bucket_made) {
      auto made = (*s)->create_bucket();
      if (!made.ok()) throw std::runtime_error(made.error().message);
      bucket_made = true;
    }
    return std::move(s).value();
  }

 private:
  static std::string unique_prefix() {
    static std::atomic<int> n{0};
    static const std::string run = std::to_string(std::random_device{}());
    return "t" + run + "-" + std::to_string(n++);
  }
};

}  // namespace mlo::test
