#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "core/temp_dir.hpp"
#include "mlo/core/atomic_file.hpp"

using namespace mlo;
namespace fs = std::filesystem;

namespace {
size_t entries(const std::string& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}
}  // namespace

TEST_CASE("atomic_file: commit replaces the target, temp sits beside it until then") {
  test::TempDir dir;
  test::write_text(dir / "out.txt", "old");
  auto file = AtomicFile::create(dir / "out.txt");
  REQUIRE(file.ok());
  CHECK(fs::path(file->temp_path()).parent_path() == fs::path(dir.path()));
  CHECK(fs::path(file->temp_path()).filename().string().rfind(".out.txt.tmp-", 0) == 0);
  REQUIRE(file->write("new ").ok());
  REQUIRE(file->write("bytes").ok());
  CHECK(test::read_text(dir / "out.txt") == "old");  // untouched until commit
  REQUIRE(file->commit().ok());
  CHECK(test::read_text(dir / "out.txt") == "new bytes");
  CHECK(entries(dir.path()) == 1);  // no temp left behind
}

TEST_CASE("atomic_file: destroying an uncommitted file removes the temp and keeps the target") {
  test::TempDir dir;
  test::write_text(dir / "t", "keep");
  std::string temp;
  {
    auto file = AtomicFile::create(dir / "t");
    REQUIRE(file.ok());
    temp = file->temp_path();
    REQUIRE(file->write("discard me").ok());
    CHECK(fs::exists(temp));
  }
  CHECK_FALSE(fs::exists(temp));
  CHECK(test::read_text(dir / "t") == "keep");
  CHECK(entries(dir.path()) == 1);
}

TEST_CASE("atomic_file: moved-from file does not remove the temp twice") {
  test::TempDir dir;
  auto file = AtomicFile::create(dir / "m");
  REQUIRE(file.ok());
  AtomicFile moved = std::move(*file);
  REQUIRE(moved.write("x").ok());
  REQUIRE(moved.commit().ok());
  CHECK(test::read_text(dir / "m") == "x");
}

TEST_CASE("atomic_file: commit_new creates, and conflicts when the target exists") {
  test::TempDir dir;
  auto first = AtomicFile::create(dir / "n");
  REQUIRE(first.ok());
  REQUIRE(first->write("one").ok());
  REQUIRE(first->commit_new().ok());
  auto second = AtomicFile::create(dir / "n");
  REQUIRE(second.ok());
  REQUIRE(second->write("two").ok());
  auto s = second->commit_new();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == ErrorCode::kConflict);
  CHECK(test::read_text(dir / "n") == "one");
  CHECK(entries(dir.path()) == 1);  // the losing temp is gone
}

TEST_CASE("atomic_file: missing directory is kNotFound") {
  test::TempDir dir;
  auto file = AtomicFile::create(dir / "no/such/dir/f");
  REQUIRE_FALSE(file.ok());
  CHECK(file.error().code == ErrorCode::kNotFound);
  auto w = write_file_atomic(dir / "missing/f", "x");
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().code == ErrorCode::kNotFound);
}

TEST_CASE("atomic_file: read-only directory is kRuntime with the reason") {
  if (::geteuid() == 0) {
    WARN("running as root: permissions are not enforced, check skipped");
    return;
  }
  test::TempDir dir;
  fs::create_directory(dir / "ro");
  fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  auto file = AtomicFile::create(dir / "ro/f");
  fs::permissions(dir / "ro", fs::perms::owner_all);
  REQUIRE_FALSE(file.ok());
  CHECK(file.error().code == ErrorCode::kRuntime);
  CHECK_THAT(file.error().message, Catch::Contains("Permission denied"));
}

TEST_CASE("atomic_file: write_file_atomic, read_file and fsync_dir") {
  test::TempDir dir;
  std::string big(1 << 20, 'z');
  REQUIRE(write_file_atomic(dir / "w", big).ok());
  auto back = read_file(dir / "w");
  REQUIRE(back.ok());
  CHECK(*back == big);
  auto missing = read_file(dir / "nope");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kNotFound);
  CHECK(fsync_dir(dir.path()).ok());
  CHECK(fsync_dir(dir / "nope").error().code == ErrorCode::kNotFound);
}
