#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "mlo/registry/keys.hpp"
#include "mlo/transfer/bundle.hpp"
#include "transfer/transfer_fixture.hpp"

using namespace mlo;
using namespace transfer_test;

namespace {

std::string temp_path(const std::string& leaf) {
  const char* tmp = std::getenv("TMPDIR");
  return std::string(tmp && *tmp ? tmp : "/tmp") + "/mlo-bundle-test-" +
         std::to_string(::getpid()) + "-" + leaf;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("export then import reproduces the history") {
  auto src = fresh_store();
  add_version(*src, "m", "model-one", "baseline");
  add_version(*src, "m", "model-two", "baseline");
  promote(*src, "m:2", "champion");
  const std::string path = temp_path("m.mlo.tar.zst");

  auto ex = export_bundle(*src, "m", path);
  REQUIRE_OK(ex);
  CHECK(ex->entries == 1 + 3 + 2 + 3 + 1);
  CHECK(ex->blobs == 3);
  const std::string archive = read_file(path);
  CHECK(archive.size() == ex->archive_bytes);
  CHECK(archive.substr(0, 4) == std::string("\x28\xb5\x2f\xfd", 4));  // zstd magic

  auto dst = fresh_store();
  const auto before = snapshot(*dst);
  ImportOptions dry;
  dry.dry_run = true;
  auto planned = import_bundle(*dst, path, dry);
  REQUIRE_OK(planned);
  CHECK(planned->copy.written.size() == 9);
  CHECK(snapshot(*dst) == before);

  auto im = import_bundle(*dst, path);
  REQUIRE_OK(im);
  CHECK(im->entries == ex->entries);
  CHECK(im->copy.events.copied == 3);
  require_verifies(*dst);
  auto again = import_bundle(*dst, path);
  REQUIRE_OK(again);
  CHECK(again->copy.written.empty());

  SECTION("a conflicting destination: kConflict, nothing written") {
    auto other = fresh_store();
    add_version(*other, "m", "different");
    const auto kept = snapshot(*other);
    auto r = import_bundle(*other, path);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kConflict);
    CHECK(snapshot(*other) == kept);
  }
  SECTION("limits") {
    auto other = fresh_store();
    ImportOptions tight;
    tight.limits.max_entries = 5;
    auto r = import_bundle(*other, path, tight);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInvalidInput);
    CHECK(r.error().message.find("entries") != std::string::npos);
    CHECK(snapshot(*other).size() == 1);
  }
  std::remove(path.c_str());
}

TEST_CASE("export of one version and of a missing model") {
  auto src = fresh_store();
  add_version(*src, "m", "model-one");
  add_version(*src, "m", "model-two");
  const std::string path = temp_path("v1.mlo.tar.zst");
  auto ex = export_bundle(*src, "m:1", path);
  REQUIRE_OK(ex);
  CHECK(ex->entries == 1 + 1 + 1 + 1);
  auto dst = fresh_store();
  auto im = import_bundle(*dst, path);
  REQUIRE_OK(im);
  auto versions = version_numbers(*dst, "m");
  REQUIRE_OK(versions);
  CHECK(*versions == std::vector<int64_t>{1});
  require_verifies(*dst);
  std::remove(path.c_str());

  auto missing = export_bundle(*src, "nope", path);
  CHECK(missing.error().code == ErrorCode::kNotFound);
  CHECK(::access(path.c_str(), F_OK) != 0);  // nothing left behind
}
