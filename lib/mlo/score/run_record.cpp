#include "mlo/score/run_record.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace mlo {

namespace {

// Shadow: agreement of the two versions; canary: how many rows the challenger scored.
void emit_challenger(YAML::Emitter& out, const ScoreRunInfo& info) {
  const ChallengerStats& c = info.summary->challenger;
  out << YAML::Key << "challenger" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "mode" << YAML::Value << info.challenger_mode;
  out << YAML::Key << "ref" << YAML::Value << info.challenger_ref;
  out << YAML::Key << "manifest_digest" << YAML::Value << info.challenger_digest;
  if (info.challenger_mode == "shadow") {
    out << YAML::Key << "rows" << YAML::Value << c.rows;
    out << YAML::Key << "mean_abs_delta" << YAML::Value << fmt::format("{}", c.mean_abs_delta());
    if (info.task == "binary")
      out << YAML::Key << "label_agreement" << YAML::Value
          << fmt::format("{}", c.label_agreement());
  } else {
    out << YAML::Key << "percent" << YAML::Value << fmt::format("{}", info.canary_percent);
    out << YAML::Key << "id_column" << YAML::Value << info.canary_id_column;
    out << YAML::Key << "canary_rows" << YAML::Value << c.canary_rows;
  }
  out << YAML::EndMap;
}

}  // namespace

std::string score_run_record_yaml(const ScoreRunInfo& info) {
  const ScoreSummary& s = *info.summary;
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "apiVersion" << YAML::Value << "mlo/v1";
  out << YAML::Key << "kind" << YAML::Value << "ScoreRun";
  out << YAML::Key << "run_id" << YAML::Value << info.run_id;
  out << YAML::Key << "started" << YAML::Value << info.started;
  out << YAML::Key << "actor" << YAML::Value << info.actor;
  out << YAML::Key << "model" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "ref" << YAML::Value << info.ref;
  out << YAML::Key << "name" << YAML::Value << info.model_name;
  out << YAML::Key << "version" << YAML::Value << info.model_version;
  out << YAML::Key << "manifest_digest" << YAML::Value << info.manifest_digest;
  out << YAML::Key << "task" << YAML::Value << info.task;
  out << YAML::Key << "engine" << YAML::Value << info.engine;
  out << YAML::EndMap;
  out << YAML::Key << "input" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "path" << YAML::Value << s.input_name;
  out << YAML::Key << "digest" << YAML::Value << s.input_digest;
  out << YAML::Key << "format" << YAML::Value << s.input_format;
  out << YAML::Key << "compression" << YAML::Value << s.input_compression;
  out << YAML::Key << "bytes" << YAML::Value << s.input_bytes;
  out << YAML::Key << "uncompressed_bytes" << YAML::Value << s.input_text_bytes;
  out << YAML::EndMap;
  out << YAML::Key << "output" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "path" << YAML::Value << s.output_name;
  out << YAML::Key << "format" << YAML::Value << s.output_format;
  out << YAML::Key << "compression" << YAML::Value << s.output_compression;
  out << YAML::Key << "bytes" << YAML::Value << s.output_bytes;
  out << YAML::Key << "columns" << YAML::Value << YAML::Flow << s.output_columns;
  out << YAML::EndMap;
  out << YAML::Key << "options" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "shard" << YAML::Value << info.shard;
  out << YAML::Key << "threshold" << YAML::Value << fmt::format("{}", info.threshold);
  out << YAML::Key << "on_bad_row" << YAML::Value << info.on_bad_row;
  out << YAML::Key << "threads" << YAML::Value << s.threads;
  out << YAML::EndMap;
  out << YAML::Key << "rows" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "in" << YAML::Value << s.rows_in;
  out << YAML::Key << "out" << YAML::Value << s.rows_out;
  out << YAML::Key << "skipped" << YAML::Value << s.rows_skipped;
  out << YAML::Key << "other_shards" << YAML::Value << s.rows_other_shards;
  out << YAML::Key << "unseen_categories" << YAML::Value << s.unseen_categories;
  if (!s.first_skip_reason.empty())
    out << YAML::Key << "first_skip_reason" << YAML::Value << s.first_skip_reason;
  out << YAML::EndMap;
  if (!info.challenger_mode.empty()) emit_challenger(out, info);
  out << YAML::Key << "timings" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "load_s" << YAML::Value << fmt::format("{:.3f}", info.load_seconds);
  out << YAML::Key << "score_s" << YAML::Value << fmt::format("{:.3f}", s.seconds);
  out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace mlo
