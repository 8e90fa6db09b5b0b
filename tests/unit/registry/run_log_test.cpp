#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>

#include "mlo/registry/registry.hpp"
#include "mlo/registry/run_log.hpp"
#include "mlo/registry/run_record.hpp"

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
  return "schema: mlo/run/v1\nkind: drift\nid: r" + std::to_string(++g_counter) +
         "\nstarted: " + created + "\nfinished: " + created +
         "\nactor: t\nexit_code: " + (drifted ? "8" : "0") + "\nmodel: {ref: " + model +
         ", name: " + model + ", version: 2, manifest_digest: sha256:ef}\n" +
         "inputs:\n  - {role: current, path: /data/cur.csv, digest: sha256:ab}\noutputs: []\n" +
         "body:\n  verdict:\n    headline: h\n    drift: " + (drifted ? "true" : "false") +
         "\n    data_quality_failed: false\n    performance_degraded: false\n" +
         "  features:\n    distance:\n      method: psi\n      value: " + std::to_string(distance) +
         "\n      drifted: " + (drifted ? "true" : "false") +
         "\n    origin:\n      method: chi2\n      value: 0.01\n      drifted: false\n";
}

std::string score_yaml(const std::string& model, const std::string& started) {
  return "schema: mlo/run/v1\nkind: score\nid: 20261122T120000Z-0000abcd\nstarted: " + started +
         "\nfinished: " + started + "\nactor: t\nexit_code: 0\nmodel:\n  ref: " + model +
         "\n  name: " + model + "\n  version: 1\n  manifest_digest: sha256:ef\n" +
         "inputs:\n  - {role: input, path: in.csv, digest: sha256:cd}\n" +
         "outputs:\n  - {role: output, path: out.csv}\n" +
         "body:\n  rows:\n    in: 100\n    out: 98\n    skipped: 2\n";
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
  CHECK(log->runs[0].run_id.rfind("r", 0) == 0);
  CHECK(log->runs[0].manifest_digest == "sha256:ef");
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
  const std::string head = "schema: mlo/run/v1\nkind: drift\n";
  put(*store, "runs/2026-11-22/syntax.yaml", head + "model: [m\n");
  put(*store, "runs/2026-11-22/dup.yaml", head + "model: {name: m}\nmodel: {name: m}\n");
  put(*store, "runs/2026-11-22/list.yaml", "- 1\n- 2\n");
  // The pre-v1 drift shape is not read any more.
  put(*store, "runs/2026-11-22/old.yaml",
      "kind: drift\nmodel: m\nversion: 1\ncreated: 2026-11-22T13:00:00Z\n");
  put(*store, "runs/2026-11-22/nomodel.yaml", head + "started: x\n");
  put(*store, "runs/2026-11-22/badtype.yaml",
      head +
          "model: {name: m, version: 1}\nstarted: 2026-11-22T13:00:00Z\n"
          "body:\n  features:\n    distance:\n      method: psi\n      value: high\n");
  // Another model's malformed record is not this model's problem.
  put(*store, "runs/2026-11-22/other.yaml",
      head +
          "model: {name: other, version: 1}\nstarted: 2026-11-22T13:00:00Z\n"
          "body:\n  verdict: {drift: maybe}\n");

  auto log = read_run_log(*store, {"m", "", "", "", 0});
  REQUIRE(log.ok());
  REQUIRE(log->runs.size() == 1);
  CHECK(log->runs[0].key == "runs/2026-11-22/good.yaml");
  REQUIRE(log->problems.size() == 6);
  std::string all;
  for (const auto& p : log->problems) all += p + "\n";
  for (const char* key : {"syntax", "dup", "list", "nomodel", "badtype", "old"})
    CHECK(all.find(std::string("runs/2026-11-22/") + key + ".yaml: ") != std::string::npos);
  CHECK(all.find("duplicate key") != std::string::npos);
  CHECK(all.find("other.yaml") == std::string::npos);
}

TEST_CASE("run log rejects bad queries") {
  auto store = fresh_store();
  for (RunQuery q : {RunQuery{"m", "Drift!", "", "", 0}, RunQuery{"m", "", "", "2026-13-01", 0},
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

TEST_CASE("typed run records: one header for every kind, a body per kind") {
  auto store = fresh_store();
  RunHeader h;
  h.kind = "retrain";
  h.started = "2026-11-22T12:00:00Z";
  h.exit_code = 0;
  h.model = {"m@champion", "m", 3, "sha256:ab"};
  h.inputs.push_back({"data", "/data/new.csv", "sha256:cd", 42});
  h.outputs.push_back({"version", "m:4", "", 0});
  YAML::Node body;
  body["parent"] = 3;
  body["metrics"]["auc"] = 0.75;
  auto key = write_run_record(*store, h, body);
  REQUIRE(key.ok());
  auto text = store->get(*key);
  REQUIRE(text.ok());
  auto run = parse_run_record(*key, *text);
  REQUIRE(run.ok());
  CHECK(run->kind == "retrain");
  CHECK(run->model == "m");
  CHECK(run->version == 3);
  CHECK(run->manifest_digest == "sha256:ab");
  CHECK(run->time == "2026-11-22T12:00:00Z");
  CHECK_FALSE(run->finished.empty());
  CHECK_FALSE(run->actor.empty());
  REQUIRE(run->inputs.size() == 1);
  CHECK(run->inputs[0].role == "data");
  REQUIRE(run->outputs.size() == 1);
  CHECK(run->outputs[0].path == "m:4");
  CHECK(text->find("body:") != std::string::npos);
  CHECK(text->find("parent: 3") != std::string::npos);
  auto listed = read_run_log(*store, {"m", "retrain", "", "", 0});
  REQUIRE(listed.ok());
  CHECK(listed->runs.size() == 1);

  RunHeader bad = h;
  bad.kind = "../x";
  CHECK(write_run_record(*store, bad, body).error().code == ErrorCode::kInvalidInput);
  RunHeader list_body = h;
  CHECK_FALSE(write_run_record(*store, list_body, YAML::Load("[1, 2]")).ok());
  // The text form accepts only a mlo/run/v1 record.
  CHECK(write_run_record(*store, std::string("kind: drift\nmodel: m\n")).error().code ==
        ErrorCode::kInvalidInput);
}
