// Behaviour specific to the directory backend: layout on disk, hidden temp/lock files,
// lazy creation, lock timeout, permissions.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "mlo/core/digest.hpp"
#include "store/store_fixtures.hpp"

using namespace mlo;
namespace fs = std::filesystem;

TEST_CASE("local store: the root and its parents are created on the first write only") {
  test::TempDir dir;
  LocalStore store(dir / "a/b/store/");
  CHECK(store.url() == dir / "a/b/store");
  CHECK(store.list("")->empty());
  CHECK(store.get("k").error().code == ErrorCode::kNotFound);
  CHECK_FALSE(fs::exists(dir / "a"));
  REQUIRE(store.put_new("models/x/versions/1.yaml", "v").ok());
  CHECK(test::read_text(dir / "a/b/store/models/x/versions/1.yaml") == "v");
}

TEST_CASE("local store: blobs live at objects/sha256/<2>/<62>, no temp files remain") {
  test::LocalFixture f;
  auto info = put_blob_bytes(f.store, "abc");
  REQUIRE(info.ok());
  CHECK(test::read_text(
            f.root +
            "/objects/sha256/ba/7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") ==
        "abc");
  REQUIRE(put_blob_bytes(f.store, "abc").ok());
  size_t files = 0;
  for (auto& e : fs::recursive_directory_iterator(f.root))
    if (e.is_regular_file()) ++files;
  CHECK(files == 1);
}

TEST_CASE("local store: list skips hidden temp and lock files and foreign dot-files") {
  test::LocalFixture f;
  REQUIRE(f.store.put_if("models/m/aliases/champion.yaml", "1", "").ok());
  CHECK(fs::exists(f.root + "/models/m/aliases/.champion.yaml.lock"));
  test::write_text(f.root + "/models/m/aliases/.champion.yaml.tmp-deadbeef", "partial");
  fs::create_directories(f.root + "/.git/objects");
  test::write_text(f.root + "/.git/objects/x", "git");
  CHECK(*f.store.list("") == std::vector<std::string>{"models/m/aliases/champion.yaml"});
}

TEST_CASE("local store: put_if gives up with kConflict when the key stays locked") {
  test::LocalFixture f;
  const std::string key = "models/m/aliases/champion.yaml";
  REQUIRE(f.store.put_if(key, "1", "").ok());
  int fd = ::open((f.root + "/models/m/aliases/.champion.yaml.lock").c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX) == 0);
  f.store.set_lock_timeout(std::chrono::milliseconds(100));
  auto s = f.store.put_if(key, "2", digest_bytes("1"));
  ::close(fd);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == ErrorCode::kConflict);
  CHECK_THAT(s.error().message, Catch::Contains("lock timeout"));
  fd = ::open((f.root + "/models/m/aliases/.champion.yaml.lock").c_str(), O_RDWR);
  REQUIRE(::flock(fd, LOCK_EX) == 0);
  auto removed = f.store.remove(key);  // remove takes the same lock
  ::close(fd);
  CHECK(removed.error().code == ErrorCode::kConflict);
  CHECK(*f.store.get(key) == "1");
  REQUIRE(f.store.put_if(key, "2", digest_bytes("1")).ok());  // released: works again
  CHECK(*f.store.get(key) == "2");
}

TEST_CASE("local store: a non-writable root is a one-line kRuntime error") {
  if (::geteuid() == 0) {
    WARN("running as root: permissions are not enforced, check skipped");
    return;
  }
  test::TempDir dir;
  fs::create_directory(dir / "ro");
  fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  LocalStore store(dir / "ro");
  auto s = store.put_new("models/x/versions/1.yaml", "v");
  auto b = put_blob_bytes(store, "x");
  fs::permissions(dir / "ro", fs::perms::owner_all);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == ErrorCode::kRuntime);
  CHECK(s.error().message == "store " + (dir / "ro") + ": cannot write: Permission denied");
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().message == "store " + (dir / "ro") + ": cannot write: Permission denied");
}

TEST_CASE("local store: a file where a directory should be is an error, not a crash") {
  test::LocalFixture f;
  REQUIRE(f.store.put_new("a", "file").ok());
  auto s = f.store.put_new("a/b", "x");
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == ErrorCode::kRuntime);
  CHECK(f.store.get("a/b").error().code == ErrorCode::kNotFound);
}

TEST_CASE("local store: put_blob_file leaves no temp files, whether the blob is new or not") {
  test::LocalFixture f;
  std::string content(5 * (1 << 20) + 3, 'q');
  test::write_text(f.files / "big.bin", content);
  auto count_files = [&] {
    size_t n = 0;
    for (auto& e : fs::recursive_directory_iterator(f.root))
      if (e.is_regular_file()) ++n;
    return n;
  };
  auto first = put_blob_file(f.store, f.files / "big.bin");
  REQUIRE(first.ok());
  CHECK_FALSE(first->existed);
  CHECK(count_files() == 1);
  auto second = put_blob_file(f.store, f.files / "big.bin");
  REQUIRE(second.ok());
  CHECK(second->existed);
  CHECK(count_files() == 1);
  CHECK(test::read_text(f.root + "/" + blob_key(first->digest)) == content);
}

TEST_CASE("local store: reads never follow a symlink inside the store (kIntegrity)") {
  test::LocalFixture f;
  REQUIRE(f.store.put_new("models/m/versions/1.yaml", "v1").ok());
  auto blob = put_blob_bytes(f.store, "blob");
  REQUIRE(blob.ok());
  test::write_text(f.files / "outside.yaml", "secret outside the store");
  fs::create_directories(f.files / "outside-dir");
  test::write_text(f.files / "outside-dir/1.yaml", "outside");
  // A symlinked manifest, a symlinked blob and a symlinked directory on the way to a key.
  fs::create_symlink(f.files / "outside.yaml", f.root + "/models/m/versions/2.yaml");
  const std::string blob_path = f.root + "/" + blob_key(blob->digest);
  fs::remove(blob_path);
  fs::create_symlink(f.files / "outside.yaml", blob_path);
  fs::create_directories(f.root + "/models/evil");
  fs::create_directory_symlink(f.files / "outside-dir", f.root + "/models/evil/versions");
  for (const std::string key : {"models/m/versions/2.yaml", blob_key(blob->digest),
                                "models/evil/versions/1.yaml"}) {
    INFO(key);
    CHECK(f.store.get(key).error().code == ErrorCode::kIntegrity);
    CHECK(f.store.head(key).error().code == ErrorCode::kIntegrity);
    CHECK_THAT(f.store.get(key).error().message, Catch::Contains("symlink"));
  }
  CHECK(get_blob(f.store, blob->digest).error().code == ErrorCode::kIntegrity);
  CHECK(*f.store.get("models/m/versions/1.yaml") == "v1");  // ordinary keys still read
  // The root itself may be a symlink (a store mounted elsewhere).
  fs::create_directory_symlink(f.root, f.dir / "link");
  LocalStore via_link(f.dir / "link");
  CHECK(*via_link.get("models/m/versions/1.yaml") == "v1");
  auto info = via_link.head("models/m/versions/1.yaml");
  REQUIRE(info.ok());
  CHECK(info->mtime > 1'700'000'000);
}
