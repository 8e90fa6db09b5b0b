// Reading a model's run records (runs/<yyyy-mm-dd>/<id>.yaml, the mlo/run/v1 shape of
// run_record.hpp) back for `mlo log --runs`: one summary per run of any kind, oldest first, so a
// feature's drift can be followed over time. Records of another shape are problems. Records are
// parsed with the hardened YAML loader; a record that cannot be read or understood is skipped and
// named in `problems` (the caller decides how to report it).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/store/store.hpp"

namespace mlo {

struct RunFeature {
  std::string name;
  std::string method;
  double value = 0;
  bool drifted = false;
};

struct RunInput {
  std::string path;
  std::string digest;
  std::string role;
};

struct RunSummary {
  std::string key;     // runs/<date>/<id>.yaml
  std::string run_id;  // the record's run_id field, else the key's file stem
  std::string kind;    // "drift" | "score" | "retrain" | … (the record's kind)
  std::string time;    // RFC 3339, when the run started
  std::string finished;
  std::string actor;
  std::string model;
  int64_t version = 0;
  std::string manifest_digest;
  std::vector<RunInput> inputs;
  std::vector<RunInput> outputs;
  int exit_code = 0;
  // drift runs
  std::string headline;  // the verdict line
  bool drift = false;
  bool quality_failed = false;
  bool performance_degraded = false;
  std::vector<RunFeature> features;                     // in record order
  std::vector<std::pair<std::string, double>> metrics;  // concept metrics, when labelled
  // score runs
  uint64_t rows_in = 0;
  uint64_t rows_out = 0;
  uint64_t rows_skipped = 0;
};

struct RunQuery {
  std::string model;    // required: only this model's runs
  std::string kind;     // "" = any, else one kind ("drift", "score", "retrain", …)
  std::string feature;  // non-empty: drift runs recording this feature, features cut to it
  std::string since;    // "" or YYYY-MM-DD: runs on or after that UTC day
  size_t limit = 0;     // 0 = all, else the newest `limit` runs (still oldest first)
};

struct RunLog {
  std::vector<RunSummary> runs;       // oldest first (time, then run id)
  std::vector<std::string> problems;  // "runs/...: why it was skipped"
};

// kUsage for a bad kind or since; store listing errors pass through. Unreadable or malformed
// records never fail the call; they land in `problems`.
Result<RunLog> read_run_log(Store& store, const RunQuery& query);

// Parses one record's text; kInvalidInput when it is not a run record this reader knows
// (no model, wrong field types). Exposed for tests.
Result<RunSummary> parse_run_record(const std::string& key, const std::string& text);

}  // namespace mlo
