// LocalStore::list over its hand-written directory walk (dir_walk.hpp): global key order
// without a final sort, symlinks, and a root reached through a symlink.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "store_fixtures.hpp"

namespace mlo {
namespace fs = std::filesystem;

TEST_CASE("local store: list order is byte-wise over whole keys, across directory levels") {
  test::LocalFixture f;
  // '-' (0x2d) and '.' (0x2e) sort before '/' (0x2f), '0' after it: a per-directory sort of
  // plain names would put "m/a/x" before "m/a-b" and "m/a.yaml".
  std::vector<std::string> keys = {"m/a/x", "m/a-b", "m/a.yaml", "m/a0",      "m/a/b/c", "m/ab/z",
                                   "m/A",   "n",     "m/a/b-/q", "m/a/b.txt", "m/a/b/c2"};
  for (const auto& k : keys) REQUIRE(f.store.put_new(k, k).ok());
  std::vector<std::string> want = keys;
  std::sort(want.begin(), want.end());
  CHECK(*f.store.list("") == want);
  std::vector<std::string> under_a;
  for (const auto& k : want)
    if (k.rfind("m/a", 0) == 0) under_a.push_back(k);
  CHECK(*f.store.list("m/a") == under_a);
  CHECK(*f.store.list("m/a/b") ==
        std::vector<std::string>{"m/a/b-/q", "m/a/b.txt", "m/a/b/c", "m/a/b/c2"});
}

TEST_CASE("local store: list includes symlinked files, does not follow symlinked directories") {
  test::LocalFixture f;
  REQUIRE(f.store.put_new("models/m/versions/1.yaml", "v1").ok());
  test::write_text(f.files / "outside.yaml", "x");
  fs::create_directories(f.files / "dir");
  test::write_text(f.files / "dir/inner.yaml", "y");
  REQUIRE(::symlink((f.files / "outside.yaml").c_str(),
                    (f.root + "/models/m/versions/2.yaml").c_str()) == 0);
  REQUIRE(::symlink((f.files / "dir").c_str(), (f.root + "/models/m/linked").c_str()) == 0);
  REQUIRE(::symlink((f.files / "missing").c_str(), (f.root + "/models/m/dangling").c_str()) == 0);
  CHECK(*f.store.list("models/") ==
        std::vector<std::string>{"models/m/versions/1.yaml", "models/m/versions/2.yaml"});
}

TEST_CASE("local store: list works when the store root is a symlink, and on a missing root") {
  test::LocalFixture f;
  REQUIRE(f.store.put_new("models/m/versions/1.yaml", "v1").ok());
  const std::string link = f.files / "store-link";
  REQUIRE(::symlink(f.root.c_str(), link.c_str()) == 0);
  LocalStore via_link(link);
  CHECK(*via_link.list("") == std::vector<std::string>{"models/m/versions/1.yaml"});
  LocalStore missing(f.files / "no-such-store");
  auto none = missing.list("models/");
  REQUIRE(none.ok());
  CHECK(none->empty());
}

TEST_CASE("local store: list reports an unreadable directory") {
  if (::geteuid() == 0) return;  // root reads everything: nothing to check
  test::LocalFixture f;
  REQUIRE(f.store.put_new("models/m/versions/1.yaml", "v1").ok());
  fs::permissions(f.root + "/models/m", fs::perms::none);
  auto listed = f.store.list("models/");
  fs::permissions(f.root + "/models/m", fs::perms::owner_all);
  REQUIRE_FALSE(listed.ok());
  CHECK(listed.error().code == ErrorCode::kRuntime);
  CHECK_THAT(listed.error().message, Catch::Contains("models/m"));
}

}  // namespace mlo
