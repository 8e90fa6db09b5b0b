// The run record of one score-batch run (runs/<date>/<run-id>.yaml in the store): which model
// version scored which input bytes into what, how many rows, how long. Written through
// write_run_record() before the output is committed, so every output file has a record.
#pragma once

#include <string>

#include "mlo/score/score_batch.hpp"

namespace mlo {

struct ScoreRunInfo {
  std::string run_id;
  std::string started;  // RFC 3339
  std::string actor;
  std::string ref;  // as given on the command line
  std::string model_name;
  int64_t model_version = 0;
  std::string manifest_digest;
  std::string engine;
  std::string kernel;  // the native evaluator's kernel, "" with XGBoost
  std::string task;
  std::string shard;  // "k/N"
  double threshold = 0.5;
  std::string on_bad_row;
  std::string explain;  // "" (none), K or "all"
  double load_seconds = 0;
  // Champion/challenger: "" | "shadow" | "canary", the challenger's "name:N" and manifest digest.
  std::string challenger_mode;
  std::string challenger_ref;
  std::string challenger_digest;
  double canary_percent = 0;
  std::string canary_id_column;
  const ScoreSummary* summary = nullptr;
};

// The mlo/run/v1 record text (kind: score, see registry/run_record.hpp); "" only for an unsafe
// run id, which write_run_record refuses.
std::string score_run_record_yaml(const ScoreRunInfo& info);

}  // namespace mlo
