// write_drift_outputs: all reports and the run record, or none of them.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "mlo/monitor/drift_run.hpp"
#include "monitor/monitor_fixture.hpp"

using namespace mlo;
using namespace mlo::monitor;
namespace fs = std::filesystem;

namespace {

size_t run_records(Store& store) {
  auto keys = store.list("runs/");
  REQUIRE(keys.ok());
  return keys->size();
}

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

size_t entries(const std::string& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), {}));
}

}  // namespace

TEST_CASE("drift outputs: every report and the run record, or nothing") {
  test::TrainedVersion tv;
  const std::string batch = test::write_binary_csv(tv.dir / "b.csv", 300, 4);
  DriftOptions o;
  o.ref = "tiny:1";
  o.current = {batch};
  auto result = run_drift(*tv.store, o);
  REQUIRE(result.ok());
  fs::create_directory(tv.dir / "out");
  const std::string json = tv.dir / "out/r.json", md = tv.dir / "out/r.md",
                    html = tv.dir / "out/r.html";
  test::write_text(md, "old markdown\n");
  const size_t records = run_records(*tv.store);

  // An unknown extension is refused before anything is written.
  auto bad = write_drift_outputs(*tv.store, *result, {{json, tv.dir / "out/r.pdf"}, true});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kUsage);
  CHECK(entries(tv.dir / "out") == 1);
  CHECK(run_records(*tv.store) == records);

  // A report whose directory does not exist fails after the first temp was written: the temp
  // is removed, the existing report keeps its bytes, no run record is written.
  bad = write_drift_outputs(*tv.store, *result, {{json, md, tv.dir / "nodir/r.html"}, true});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("report " + tv.dir / "nodir/r.html") == 0);
  CHECK(entries(tv.dir / "out") == 1);
  CHECK(slurp(md) == "old markdown\n");
  CHECK(run_records(*tv.store) == records);

  auto key = write_drift_outputs(*tv.store, *result, {{json, md, html}, true});
  REQUIRE(key.ok());
  CHECK(key->rfind("runs/", 0) == 0);
  CHECK(run_records(*tv.store) == records + 1);
  CHECK(entries(tv.dir / "out") == 3);
  CHECK(slurp(md) != "old markdown\n");
  CHECK(slurp(json).find("\"verdict\"") != std::string::npos);
  CHECK(slurp(html).rfind("<!DOCTYPE html>", 0) == 0);

  auto unrecorded = write_drift_outputs(*tv.store, *result, {{json}, false});
  REQUIRE(unrecorded.ok());
  CHECK(unrecorded->empty());
  CHECK(run_records(*tv.store) == records + 1);
}
