#include "mlo/score/run_record.hpp"

#include <fmt/format.h>

#include "mlo/registry/run_record.hpp"

namespace mlo {

namespace {

// Shadow: agreement of the two versions; canary: how many rows the challenger scored.
YAML::Node challenger_body(const ScoreRunInfo& info) {
  const ChallengerStats& c = info.summary->challenger;
  YAML::Node n;
  n["mode"] = info.challenger_mode;
  n["ref"] = info.challenger_ref;
  n["manifest_digest"] = info.challenger_digest;
  if (info.challenger_mode == "shadow") {
    n["rows"] = c.rows;
    n["mean_abs_delta"] = fmt::format("{}", c.mean_abs_delta());
    if (info.task == "binary") n["label_agreement"] = fmt::format("{}", c.label_agreement());
  } else {
    n["percent"] = fmt::format("{}", info.canary_percent);
    n["id_column"] = info.canary_id_column;
    n["canary_rows"] = c.canary_rows;
  }
  return n;
}

YAML::Node score_body(const ScoreRunInfo& info) {
  const ScoreSummary& s = *info.summary;
  YAML::Node b;
  b["task"] = info.task;
  b["engine"] = info.engine;
  if (!info.kernel.empty()) b["kernel"] = info.kernel;
  YAML::Node in;
  in["format"] = s.input_format;
  in["compression"] = s.input_compression;
  in["uncompressed_bytes"] = s.input_text_bytes;
  b["input"] = in;
  YAML::Node out;
  out["format"] = s.output_format;
  out["compression"] = s.output_compression;
  out["columns"] = s.output_columns;
  out["columns"].SetStyle(YAML::EmitterStyle::Flow);
  b["output"] = out;
  YAML::Node opt;
  opt["shard"] = info.shard;
  opt["threshold"] = fmt::format("{}", info.threshold);
  opt["on_bad_row"] = info.on_bad_row;
  opt["threads"] = s.threads;
  if (!info.explain.empty()) opt["explain"] = info.explain;
  b["options"] = opt;
  YAML::Node rows;
  rows["in"] = s.rows_in;
  rows["out"] = s.rows_out;
  rows["skipped"] = s.rows_skipped;
  rows["other_shards"] = s.rows_other_shards;
  rows["unseen_categories"] = s.unseen_categories;
  if (!s.first_skip_reason.empty()) rows["first_skip_reason"] = s.first_skip_reason;
  b["rows"] = rows;
  if (!info.challenger_mode.empty()) b["challenger"] = challenger_body(info);
  YAML::Node t;
  t["load_s"] = fmt::format("{:.3f}", info.load_seconds);
  t["score_s"] = fmt::format("{:.3f}", s.seconds);
  b["timings"] = t;
  return b;
}

}  // namespace

std::string score_run_record_yaml(const ScoreRunInfo& info) {
  const ScoreSummary& s = *info.summary;
  RunHeader h;
  h.kind = "score";
  h.id = info.run_id;
  h.started = info.started;
  h.actor = info.actor;
  h.exit_code = 0;  // written just before the output is committed: only successful runs
  h.model = {info.ref, info.model_name, info.model_version, info.manifest_digest};
  h.inputs.push_back({"input", absolute_path(s.input_name), s.input_digest, s.input_bytes});
  h.outputs.push_back({"output", absolute_path(s.output_name), "", s.output_bytes});
  auto text = run_record_yaml(h, score_body(info));
  return text.ok() ? *text : std::string();  // "" is refused by write_run_record
}

}  // namespace mlo
