#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>

#include "mlo/registry/registry.hpp"
#include "mlo/registry/run_log.hpp"

using namespace mlo;

namespace {

std::atomic<int> g_counter{0};

std::unique_ptr<Store> fresh_store() {
  auto store = open_store("memory://run-log-test-" + std::to_string(++g_counter));
  REQUIRE(store.ok());
  return std::move(*store);
}

std::string drift_yaml(const std::string& model, const std::string& created, double distance,
                       bool drifted) {
  return "kind: drift\nmodel: " + model + "\nversion: 2\ncreated: " + created +
         "\nactor: t\ninputs:\n  - path: cur.csv\n    digest: sha256:ab\nverdict:\n  drift: " +
         (drifted ? "true" : "false") + "\n  data_quality_failed: false\n" +
         "  performance_degraded: false\n  exit_code: " + (drifted ? "8" : "0") +
         "\nfeatures:\n  distance:\n    method: psi\n    value: " + std::to_string(distance) +
         "\n    drifted: " + (drifted ? "true" : "false") +
         "\n  origin:\n    method: chi2\n    value: 0.01\n    drifted: false\n";
}

std::string score_yaml(const std::string& model, const std::string& started) {
  return "apiVersion: mlo/v1\nkind: ScoreRun\nrun_id: 20261122T120000Z-0000abcd\nstarted: " +
         started + "\nactor: t\nmodel:\n  ref: " + model + "\n  name: " + model +
         "\n  version: 1\ninput:\n  path: in.csv\n  digest: sha256:cd\n" +
         "rows:\n  in: 100\n  out: 98\n  skipped: 2\n";
}

void put(Store& store, const std::string& key, const std::string& text) {
  REQUIRE(store.put_new(key, text).ok());
}

}  // namespace

TEST_CASE("run log lists one model's runs oldest first with their kinds") {
  auto store = fresh_store();
  // Keys sort opposite to times, so order must come from the records.
  put(*store, "runs/2026-11-22/a.yaml", drift_yaml("m", "2026-11-22T12:00:00Z", 0.5, true));
  put(*store, "runs/2026-11-21/b.yaml", drift_yaml("m", "2026-11-21T12:00:00Z", 0.01, false));
  put(*store, "runs/2026-11-21/c.yaml", drift_yaml("other", "2026-11-21T13:00:00Z", 0.9, true));
  put(*store, "runs/2026-11-23/d.yaml", score_yaml("m", "2026-11-23T08:00:00Z"));
  put(*store, "runs/2026-11-23/e.yaml", score_yaml("other", "2026-11-23T09:00:00Z"));

  auto log = read_run_log(*store, {"m", "", "", "", 0});
  REQUIRE(log.ok());
  CHECK(log->problems.empty());
  REQUIRE(log->runs.size() == 3);
  CHECK(log->runs[0].key == "runs/2026-11-21/b.yaml");
  CHECK(log->runs[0].run_id == "b");
  CHECK(log->runs[0].kind == "drift");
  CHECK_FALSE(log->runs[0].drift);
  CHECK(log->runs[1].key == "runs/2026-11-22/a.yaml");
  CHECK(log->runs[1].drift);
  CHECK(log->runs[1].exit_code == 8);
  CHECK(log->runs[1].version == 2);
  REQUIRE(log->runs[1].features.size() == 2);
  CHECK(log->runs[1].features[0].name == "distance");
  CHECK(log->runs[1].features[0].value == Approx(0.5));
  REQUIRE(log->runs[1].inputs.size() == 1);
  CHECK(log->runs[1].inputs[0].digest == "sha256:ab");
  const RunSummary& s = log->runs[2];
  CHECK(s.kind == "score");
  CHECK(s.run_id == "20261122T120000Z-0000abcd");
  CHECK(s.version == 1);
  CHECK(s.rows_in == 100);
  CHECK(s.rows_out == 98);
  CHECK(s.rows_skipped == 2);
  REQUIRE(s.inputs.size() == 1);
  CHECK(s.inputs[0].path == "in.csv");
}

TEST_CASE("run log filters by kind, feature, since and limit") {
  auto store = fresh_store();
  put(*store, "runs/2026-11-20/a.yaml", drift_yaml("m", "2026-11-20T12:00:00Z", 0.01, false));
  put(*store, "runs/2026-11-21/b.yaml", drift_yaml("m", "2026-11-21T12:00:00Z", 0.2, false));
  put(*store, "runs/2026-11-22/c.yaml", drift_yaml("m", "2026-11-22T12:00:00Z", 0.5, true));
  put(*store, "runs/2026-11-22/d.yaml", score_yaml("m", "2026-11-22T13:00:00Z"));

  auto drift = read_run_log(*store, {"m", "drift", "", "", 0});
  REQUIRE(drift.ok());
  CHECK(drift->runs.size() == 3);
  auto score = read_run_log(*store, {"m", "score", "", "", 0});
  REQUIRE(score.ok());
  REQUIRE(score->runs.size() == 1);
  CHECK(score->runs[0].key == "runs/2026-11-22/d.yaml");

  auto feature = read_run_log(*store, {"m", "", "distance", "", 0});
  REQUIRE(feature.ok());
  REQUIRE(feature->runs.size() == 3);  // the score run has no features
  for (const auto& r : feature->runs) {
    REQUIRE(r.features.size() == 1);
    CHECK(r.features[0].name == "distance");
  }
  CHECK_FALSE(feature->runs[1].features[0].drifted);
  CHECK(feature->runs[2].features[0].drifted);
  auto absent = read_run_log(*store, {"m", "", "nope", "", 0});
  REQUIRE(absent.ok());
  CHECK(absent->runs.empty());

  auto since = read_run_log(*store, {"m", "", "", "2026-11-21", 0});
  REQUIRE(since.ok());
  REQUIRE(since->runs.size() == 3);
  CHECK(since->runs[0].key == "runs/2026-11-21/b.yaml");

  auto limited = read_run_log(*store, {"m", "drift", "", "", 2});
  REQUIRE(limited.ok());
  REQUIRE(limited->runs.size() == 2);  // the newest two, oldest first
  CHECK(limited->runs[0].key == "runs/2026-11-21/b.yaml");
  CHECK(limited->runs[1].key == "runs/2026-11-22/c.yaml");
}

TEST_CASE("run log skips corrupt records and reports them as problems") {
  auto store = fresh_store();
  put(*store, "runs/2026-11-22/good.yaml", drift_yaml("m", "2026-11-22T12:00:00Z", 0.1, false));
  put(*store, "runs/2026-11-22/syntax.yaml", "kind: drift\nmodel: [m\n");
  put(*store, "runs/2026-11-22/dup.yaml", "kind: drift\nmodel: m\nmodel: m\n");
  put(*store, "runs/2026-11-22/list.yaml", "- 1\n- 2\n");
  put(*store, "runs/2026-11-22/nomodel.yaml", "kind: drift\ncreated: x\n");
  put(*store, "runs/2026-11-22/badtype.yaml",
      "kind: drift\nmodel: m\nversion: 1\ncreated: 2026-11-22T13:00:00Z\n"
      "features:\n  distance:\n    method: psi\n    value: high\n    drifted: false\n");
  // Another model's malformed record is not this model's problem.
  put(*store, "runs/2026-11-22/other.yaml",
      "kind: drift\nmodel: other\nversion: 1\ncreated: 2026-11-22T13:00:00Z\n"
      "verdict: {drift: maybe}\n");

  auto log = read_run_log(*store, {"m", "", "", "", 0});
  REQUIRE(log.ok());
  REQUIRE(log->runs.size() == 1);
  CHECK(log->runs[0].run_id == "good");
  REQUIRE(log->problems.size() == 5);
  std::string all;
  for (const auto& p : log->problems) all += p + "\n";
  for (const char* key : {"syntax", "dup", "list", "nomodel", "badtype"})
    CHECK(all.find(std::string("runs/2026-11-22/") + key + ".yaml: ") != std::string::npos);
  CHECK(all.find("duplicate key") != std::string::npos);
  CHECK(all.find("other.yaml") == std::string::npos);
}

TEST_CASE("run log rejects bad queries") {
  auto store = fresh_store();
  for (RunQuery q : {RunQuery{"m", "retrain", "", "", 0}, RunQuery{"m", "", "", "2026-13-01", 0},
                     RunQuery{"m", "", "", "yesterday", 0}, RunQuery{"", "", "", "", 0},
                     RunQuery{"m", "score", "distance", "", 0}}) {
    auto log = read_run_log(*store, q);
    REQUIRE_FALSE(log.ok());
    CHECK(log.error().code == ErrorCode::kUsage);
  }
  auto empty = read_run_log(*store, {"m", "", "", "", 0});
  REQUIRE(empty.ok());
  CHECK(empty->runs.empty());
}

TEST_CASE("run log reads what write_run_record wrote") {
  auto store = fresh_store();
  auto key = write_run_record(*store, drift_yaml("m", "2026-11-22T12:00:00Z", 0.3, true));
  REQUIRE(key.ok());
  auto log = read_run_log(*store, {"m", "drift", "distance", "", 0});
  REQUIRE(log.ok());
  REQUIRE(log->runs.size() == 1);
  CHECK(log->runs[0].key == *key);
  CHECK(log->runs[0].features[0].drifted);
}
