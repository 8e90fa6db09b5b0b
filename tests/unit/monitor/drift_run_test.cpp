// run_drift: option validation (usage errors before any I/O), unknown versions, a batch from
// the training distribution vs a shifted one, labels through the Predictor.
#include <catch2/catch.hpp>

#include "mlo/monitor/drift_run.hpp"
#include "monitor/monitor_fixture.hpp"

using namespace mlo;
using namespace mlo::monitor;

namespace {

DriftOptions options(const std::vector<std::string>& current) {
  DriftOptions o;
  o.ref = "tiny";
  o.current = current;
  o.chunk_rows = 128;
  return o;
}

}  // namespace

TEST_CASE("drift run: option combinations that make no sense are usage errors") {
  auto store = test::fresh_monitor_store();  // empty: validation comes before any lookup
  DriftOptions none = options({});
  auto r = run_drift(*store, none);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kUsage);
  CHECK(r.error().message == "drift: no batch to compare");
  DriftOptions slice = options({"b.csv"});
  slice.slice_by = "c";
  CHECK(run_drift(*store, slice).error().message == "drift: slicing needs labels");
  DriftOptions label = options({"b.csv"});
  label.label_column = "y";
  CHECK(run_drift(*store, label).error().message == "drift: a label column needs labels");
  CHECK(run_drift(*store, options({"b.csv"})).error().code == ErrorCode::kNotFound);
}

TEST_CASE("drift run: same distribution passes, a shifted batch drifts, labels are scored") {
  test::TrainedVersion tv;
  const std::string same = test::write_binary_csv(tv.dir / "same.csv", 600, 2);
  const std::string shifted = test::write_binary_csv(tv.dir / "shift.csv", 600, 3, 2.0);

  auto calm = run_drift(*tv.store, options({same}));
  REQUIRE(calm.ok());
  CHECK(calm->exit_code() == 0);
  REQUIRE(calm->inputs.size() == 1);
  CHECK(calm->inputs[0].rows == 600);
  CHECK(calm->inputs[0].digest.rfind("sha256:", 0) == 0);
  CHECK(calm->report.predictions);  // a trained version has a monitoring baseline

  uint64_t last_rows = 0;
  DriftOptions o = options({shifted});
  o.on_progress = [&](uint64_t, uint64_t rows) { last_rows = rows; };
  auto moved = run_drift(*tv.store, o);
  REQUIRE(moved.ok());
  CHECK(moved->exit_code() == 8);
  CHECK(last_rows == 600);
  bool x1 = false;
  for (const auto& f : moved->report.drift.features) x1 |= f.name == "x1" && f.drifted;
  CHECK(x1);

  DriftOptions labelled = options({same});
  labelled.labels = true;
  labelled.slice_by = "c";
  auto q = run_drift(*tv.store, labelled);
  REQUIRE(q.ok());
  REQUIRE(q->report.concept_result);
  CHECK(q->report.concept_result->overall.rows == 600);
  CHECK(q->report.concept_result->slices.size() == 4);
  CHECK(q->report.concept_result->overall.metrics.count("auc"));

  // A label that is not 0/1 fails the run naming the file and line.
  test::write_text(tv.dir / "bad.csv", "id,x1,x2,c,y\nr0,0.1,0.2,a,1\nr1,0.3,0.1,b,7\n");
  labelled.current = {tv.dir / "bad.csv"};
  labelled.slice_by.clear();
  auto bad = run_drift(*tv.store, labelled);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidInput);
  CHECK(bad.error().message ==
        tv.dir / "bad.csv" + ": line 3: label '7' in column 'y' is not 0 or 1");
}
