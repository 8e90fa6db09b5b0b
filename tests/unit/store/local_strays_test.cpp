// LocalStore::list_strays / remove_stray (what verify and gc see beyond the keys), and the
// refresh of a reused blob's mtime that gc's safety relies on.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <ctime>
#include <filesystem>

#include "mlo/store/memory/memory_store.hpp"
#include "store/store_fixtures.hpp"

using namespace mlo;
namespace fs = std::filesystem;

namespace {

void set_age(const std::string& path, int64_t seconds) {
  const auto t = fs::file_time_type::clock::now() - std::chrono::seconds(seconds);
  fs::last_write_time(path, t);
}

}  // namespace

TEST_CASE("local store: list_strays reports temp files and symlinks, never the keys") {
  test::LocalFixture f;
  REQUIRE(f.store.put_new("models/m/versions/1.yaml", "v").ok());
  REQUIRE(put_blob_bytes(f.store, "abc").ok());
  test::write_text(f.root + "/models/m/versions/.2.yaml.tmp-abc123", "partial");
  test::write_text(f.root + "/objects/.incoming.tmp-zz", "12345");
  fs::create_symlink("/etc/passwd", f.root + "/models/m/versions/3.yaml");
  fs::create_directory_symlink("/etc", f.root + "/models/m/aliases");
  set_age(f.root + "/objects/.incoming.tmp-zz", 7200);

  auto strays = f.store.list_strays();
  REQUIRE(strays.ok());
  REQUIRE(strays->size() == 4);
  const auto& s = *strays;  // sorted by name
  CHECK(s[0].name == "models/m/aliases");
  CHECK(s[0].kind == StrayEntry::Kind::kSymlink);
  CHECK(s[1].name == "models/m/versions/.2.yaml.tmp-abc123");
  CHECK(s[1].kind == StrayEntry::Kind::kTemp);
  CHECK(s[1].size == 7);
  CHECK(s[2].name == "models/m/versions/3.yaml");
  CHECK(s[2].kind == StrayEntry::Kind::kSymlink);
  CHECK(s[3].name == "objects/.incoming.tmp-zz");
  CHECK(s[3].size == 5);
  CHECK(std::time(nullptr) - s[3].mtime >= 7190);

  // Only temps can be removed; links and made-up entries are refused.
  CHECK(f.store.remove_stray(s[0]).error().code == ErrorCode::kUsage);
  StrayEntry escape{StrayEntry::Kind::kTemp, "x", 0, 0, "../outside/.a.tmp-1"};
  CHECK(f.store.remove_stray(escape).error().code == ErrorCode::kUsage);
  StrayEntry key{StrayEntry::Kind::kTemp, "x", 0, 0, "models/m/versions/1.yaml"};
  CHECK(f.store.remove_stray(key).error().code == ErrorCode::kUsage);
  StrayEntry through_link{StrayEntry::Kind::kTemp, "x", 0, 0, "models/m/aliases/.a.tmp-1"};
  CHECK_FALSE(f.store.remove_stray(through_link).ok());

  REQUIRE(f.store.remove_stray(s[3]).ok());
  CHECK_FALSE(fs::exists(f.root + "/objects/.incoming.tmp-zz"));
  CHECK(f.store.remove_stray(s[3]).error().code == ErrorCode::kNotFound);
  CHECK(fs::exists("/etc/passwd"));
}

TEST_CASE("local store: list_strays of a store never written is empty") {
  test::LocalFixture f;
  auto strays = f.store.list_strays();
  REQUIRE(strays.ok());
  CHECK(strays->empty());
}

TEST_CASE("memory store: no strays, remove_stray refuses") {
  MemoryStore store;
  CHECK(store.list_strays()->empty());
  CHECK(store.remove_stray(StrayEntry{}).error().code == ErrorCode::kUsage);
}

TEST_CASE("local store: storing a blob that exists refreshes its mtime") {
  test::LocalFixture f;
  auto first = put_blob_bytes(f.store, "reused");
  REQUIRE(first.ok());
  const std::string path = f.root + "/" + blob_key(first->digest);
  set_age(path, 5 * 86400);
  REQUIRE(std::time(nullptr) - f.store.head(blob_key(first->digest))->mtime > 86400);

  auto again = put_blob_bytes(f.store, "reused");
  REQUIRE(again.ok());
  CHECK(again->existed);
  CHECK(std::time(nullptr) - f.store.head(blob_key(first->digest))->mtime < 60);

  // Through put_file too.
  set_age(path, 5 * 86400);
  const std::string src = f.files / "reused.bin";
  test::write_text(src, "reused");
  auto file = f.store.put_file(src);
  REQUIRE(file.ok());
  CHECK(file->existed);
  CHECK(std::time(nullptr) - f.store.head(blob_key(first->digest))->mtime < 60);
}

TEST_CASE("local store: remove_if_unchanged removes only what head() saw") {
  test::LocalFixture f;
  auto blob = put_blob_bytes(f.store, "blob");
  REQUIRE(blob.ok());
  const std::string key = blob_key(blob->digest);
  set_age(f.root + "/" + key, 3 * 86400);
  auto seen = f.store.head(key);
  REQUIRE(seen.ok());

  // A writer reuses the blob after gc's head: the touch changes the mtime, the blob stays, and
  // nothing is left aside.
  REQUIRE(put_blob_bytes(f.store, "blob")->existed);
  CHECK(f.store.remove_if_unchanged(key, *seen).error().code == ErrorCode::kConflict);
  CHECK(f.store.get(key).ok());
  CHECK(f.store.list_strays()->empty());

  auto now_seen = f.store.head(key);
  REQUIRE(now_seen.ok());
  REQUIRE(f.store.remove_if_unchanged(key, *now_seen).ok());
  CHECK(f.store.head(key).error().code == ErrorCode::kNotFound);
  CHECK(f.store.remove_if_unchanged(key, *now_seen).error().code == ErrorCode::kNotFound);
  CHECK(f.store.list_strays()->empty());

  // Other keys go through the locked remove.
  REQUIRE(f.store.put_new("models/m/versions/1.yaml", "v").ok());
  auto manifest = f.store.head("models/m/versions/1.yaml");
  REQUIRE(manifest.ok());
  REQUIRE(f.store.remove_if_unchanged("models/m/versions/1.yaml", *manifest).ok());
  CHECK_FALSE(f.store.head("models/m/versions/1.yaml").ok());
}

TEST_CASE("memory store: remove_if_unchanged compares size and mtime") {
  MemoryStore store;
  auto blob = put_blob_bytes(store, "blob");
  REQUIRE(blob.ok());
  const std::string key = blob_key(blob->digest);
  REQUIRE(store.set_mtime(key, 1000).ok());
  auto seen = store.head(key);
  REQUIRE(seen.ok());
  REQUIRE(put_blob_bytes(store, "blob").ok());  // touched
  CHECK(store.remove_if_unchanged(key, *seen).error().code == ErrorCode::kConflict);
  auto again = store.head(key);
  REQUIRE(store.remove_if_unchanged(key, *again).ok());
  CHECK(store.remove_if_unchanged(key, *again).error().code == ErrorCode::kNotFound);
}
