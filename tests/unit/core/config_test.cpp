#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "core/temp_dir.hpp"
#include "mlo/core/config.hpp"

using namespace mlo;
namespace fs = std::filesystem;

namespace {

// Puts the process in `dir` with MLO_STORE unset; restores both afterwards.
class ScopedEnv {
 public:
  explicit ScopedEnv(const std::string& dir) : old_cwd_(fs::current_path()) {
    if (const char* v = std::getenv("MLO_STORE")) old_store_ = v;
    ::unsetenv("MLO_STORE");
    fs::current_path(dir);
  }
  ~ScopedEnv() {
    fs::current_path(old_cwd_);
    if (old_store_)
      ::setenv("MLO_STORE", old_store_->c_str(), 1);
    else
      ::unsetenv("MLO_STORE");
  }

 private:
  fs::path old_cwd_;
  std::optional<std::string> old_store_;
};

}  // namespace

TEST_CASE("config: default store when nothing is configured") {
  test::TempDir dir;
  ScopedEnv env(dir.path());
  if (fs::exists("/tmp/.mlo.yaml") || fs::exists("/.mlo.yaml")) {
    WARN("a .mlo.yaml above the temp dir exists; default case not checked");
    return;
  }
  auto s = resolve_settings(std::nullopt);
  REQUIRE(s.ok());
  CHECK(s->store == "./.mlo");
  CHECK(s->store_source == "default");
}

TEST_CASE("config: precedence default -> .mlo.yaml (found upwards) -> MLO_STORE -> flag") {
  test::TempDir dir;
  fs::create_directories(dir / "proj/sub/deeper");
  test::write_text(dir / "proj/.mlo.yaml", "store: data/store\n");
  ScopedEnv env(dir / "proj/sub/deeper");

  auto from_file = resolve_settings(std::nullopt);
  REQUIRE(from_file.ok());
  CHECK(fs::path(from_file->store) ==
        fs::path(dir / "proj") / "data/store");  // relative to the file
  CHECK(fs::equivalent(from_file->store_source, dir / "proj/.mlo.yaml"));

  ::setenv("MLO_STORE", "memory://env", 1);
  auto from_env = resolve_settings(std::nullopt);
  REQUIRE(from_env.ok());
  CHECK(from_env->store == "memory://env");
  CHECK(from_env->store_source == "MLO_STORE");

  auto from_flag = resolve_settings(std::string("/srv/flag-store"));
  REQUIRE(from_flag.ok());
  CHECK(from_flag->store == "/srv/flag-store");
  CHECK(from_flag->store_source == "--store");

  ::setenv("MLO_STORE", "", 1);  // empty means unset
  auto empty_env = resolve_settings(std::nullopt);
  REQUIRE(empty_env.ok());
  CHECK(empty_env->store_source != "MLO_STORE");
}

TEST_CASE("config: the nearest .mlo.yaml wins, URLs are kept as they are") {
  test::TempDir dir;
  fs::create_directories(dir / "outer/inner");
  test::write_text(dir / "outer/.mlo.yaml", "store: /outer-store\n");
  test::write_text(dir / "outer/inner/.mlo.yaml", "store: memory://inner\n");
  ScopedEnv env(dir / "outer/inner");
  auto s = resolve_settings(std::nullopt);
  REQUIRE(s.ok());
  CHECK(s->store == "memory://inner");
}

TEST_CASE("config: bad values are errors") {
  test::TempDir dir;
  ScopedEnv env(dir.path());
  CHECK(resolve_settings(std::string()).error().code == ErrorCode::kUsage);
  test::write_text(dir / ".mlo.yaml", "store: [a, b]\n");
  CHECK(resolve_settings(std::nullopt).error().code == ErrorCode::kInvalidInput);
  test::write_text(dir / ".mlo.yaml", "store: a\nstore: b\n");
  auto dup = resolve_settings(std::nullopt);
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().code == ErrorCode::kInvalidInput);
  CHECK_THAT(dup.error().message, Catch::Contains("duplicate key 'store'"));
}
