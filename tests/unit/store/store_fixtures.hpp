// Test fixtures: one per backend, so the contract tests run unchanged against each.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "core/temp_dir.hpp"
#include "mlo/store/local/local_store.hpp"
#include "mlo/store/memory/memory_store.hpp"

namespace mlo::test {

struct LocalFixture {
  static constexpr const char* kName = "local";
  static constexpr bool kEtagIsDigest = true;  // etag == digest of the bytes
  static constexpr int kScale = 50;            // rounds for the slower concurrency tests
  TempDir dir;
  TempDir files;                     // scratch space for input files
  std::string root = dir / "store";  // does not exist yet: created on first write
  LocalStore store{root};
  // A second handle on the same data, as another process would have.
  std::unique_ptr<Store> another() { return std::make_unique<LocalStore>(root); }
};

struct MemoryFixture {
  static constexpr const char* kName = "memory";
  static constexpr bool kEtagIsDigest = true;
  static constexpr int kScale = 50;
  TempDir files;  // scratch space for input files
  std::string name = "contract-" + std::to_string(counter()++);
  std::unique_ptr<MemoryStore> owned = MemoryStore::open_named(name);
  MemoryStore& store = *owned;
  std::unique_ptr<Store> another() { return MemoryStore::open_named(name); }

 private:
  static std::atomic<int>& counter() {
    static std::atomic<int> c{0};
    return c;
  }
};

}  // namespace mlo::test

// The backends the contract tests run against. unit_store_s3 (built with MLO_TEST_S3, run by
// ctest inside the S3 test server's namespace) runs the same tests against S3 only.
#ifdef MLO_TEST_S3
#include "store/s3_fixture.hpp"
#define MLO_STORE_BACKENDS mlo::test::S3Fixture
#else
#define MLO_STORE_BACKENDS mlo::test::LocalFixture, mlo::test::MemoryFixture
#endif
