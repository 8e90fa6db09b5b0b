// Helpers in store.hpp: key validation, blob keys, URL dispatch, file/blob helpers.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "mlo/core/digest.hpp"
#include "store/store_fixtures.hpp"

using namespace mlo;
namespace fs = std::filesystem;

TEST_CASE("store: validate_key accepts store layout keys") {
  for (const char* key :
       {"mlo-store.yaml", "objects/sha256/ab/cdef", "models/flights-delay/versions/3.yaml",
        "runs/2026-11-22/run-1.yaml", "a b/c", "a..b", "x."})
    CHECK(validate_key(key).ok());
}

TEST_CASE("store: validate_key rejects hostile keys with the reason") {
  struct Case {
    std::string key;
    const char* why;
  };
  for (const auto& c : std::vector<Case>{{"", "empty"},
                                         {"/abs", "relative"},
                                         {"../x", "'..'"},
                                         {"a/../b", "'..'"},
                                         {"a/./b", "'.'"},
                                         {"a//b", "empty path segment"},
                                         {"a/", "empty path segment"},
                                         {"a\\b", "backslash"},
                                         {std::string("a\0b", 3), "control"},
                                         {"a\tb", "control"},
                                         {"a/.lock", "reserved"},
                                         {std::string(1025, 'a'), "longer than 1024"},
                                         {std::string(256, 'a'), "longer than 255"}}) {
    INFO("key: " << c.key);
    auto s = validate_key(c.key);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == ErrorCode::kUsage);
    CHECK_THAT(s.error().message, Catch::Contains(c.why));
  }
}

TEST_CASE("store: blob_key splits the digest") {
  std::string d = digest_bytes("abc");
  CHECK(blob_key(d) ==
        "objects/sha256/ba/7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(validate_key(blob_key(d)).ok());
}

TEST_CASE("store: open_store dispatches on the scheme") {
  test::TempDir dir;
  auto local = open_store(dir / "s");
  REQUIRE(local.ok());
  CHECK((*local)->url() == dir / "s");
  CHECK_FALSE(fs::exists(dir / "s"));  // opening creates nothing

  auto file_url = open_store("file://" + (dir / "f"));
  REQUIRE(file_url.ok());
  CHECK((*file_url)->url() == dir / "f");
  REQUIRE((*file_url)->put_new("k", "v").ok());
  CHECK(test::read_text(dir / "f/k") == "v");

  auto m1 = open_store("memory://shared-name");
  auto m2 = open_store("memory://shared-name");
  auto other = open_store("memory://other-name");
  REQUIRE((m1.ok() && m2.ok() && other.ok()));
  REQUIRE((*m1)->put_new("k", "v").ok());
  CHECK(*(*m2)->get("k") == "v");  // same name, same data
  CHECK((*other)->get("k").error().code == ErrorCode::kNotFound);
  CHECK((*m1)->url() == "memory://shared-name");

  // s3:// opens without any network access (credentials from the environment).
  ::setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
  auto s3 = open_store("s3://bucket/prefix/");
  REQUIRE(s3.ok());
  CHECK((*s3)->url() == "s3://bucket/prefix");
  CHECK(open_store("s3://Bad_Bucket").error().code == ErrorCode::kUsage);
  for (const char* bad : {"http://x/y", "gs://b", "", "memory://", "file://relative/path"}) {
    INFO(bad);
    CHECK(open_store(bad).error().code == ErrorCode::kUsage);
  }
}

TEMPLATE_TEST_CASE("store: put_blob_file streams a file, missing file is kNotFound", "",
                   test::LocalFixture, test::MemoryFixture) {
  TestType f;
  std::string content(2 * (1 << 20) + 5, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 7 % 256);
  test::write_text(f.files / "model.bin", content);
  auto first = put_blob_file(f.store, f.files / "model.bin");
  REQUIRE(first.ok());
  CHECK(first->digest == digest_bytes(content));
  CHECK(first->size == content.size());
  CHECK_FALSE(first->existed);
  auto again = put_blob_file(f.store, f.files / "model.bin");
  REQUIRE(again.ok());
  CHECK(again->existed);
  CHECK(*get_blob(f.store, first->digest) == content);
  CHECK(f.store.list("")->size() == 1);

  auto missing = put_blob_file(f.store, f.files / "missing.bin");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kNotFound);
  CHECK(put_blob_file(f.store, f.files.path()).error().code == ErrorCode::kUsage);
}

TEMPLATE_TEST_CASE("store: get_blob verifies the digest", "", test::LocalFixture,
                   test::MemoryFixture) {
  TestType f;
  auto info = put_blob_bytes(f.store, "original");
  REQUIRE(info.ok());
  // Corrupt the stored blob behind the store's back (same key, different bytes).
  const std::string key = blob_key(info->digest);
  REQUIRE(f.store.remove(key).ok());
  REQUIRE(f.store.put_new(key, "tampered").ok());
  auto r = get_blob(f.store, info->digest);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kIntegrity);
  CHECK_THAT(r.error().message, Catch::Contains(key));
  CHECK(get_blob(f.store, digest_bytes("never stored")).error().code == ErrorCode::kNotFound);
  CHECK(get_blob(f.store, "sha256:xyz").error().code == ErrorCode::kInvalidInput);
}
