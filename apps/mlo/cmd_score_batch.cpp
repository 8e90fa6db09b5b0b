// mlo score-batch REF --input IN --output OUT: score a file with a registered model version.
// Flags -> ScoreOptions -> lib/mlo/score; the run record is written to the store before the
// output is renamed into place. Exit codes: 2 bad flag, 3 bad input/schema, 4 unknown model,
// input file or output directory, 1 I/O.
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "command.hpp"
#include "mlo/core/output_file.hpp"
#include "mlo/core/time.hpp"
#include "mlo/registry/registry.hpp"
#include "mlo/score/run_record.hpp"
#include "mlo/score/score_batch.hpp"
#include "output.hpp"
#include "progress.hpp"

namespace mlo::cli {
namespace {

struct ScoreBatchFlags {
  std::string ref;
  std::string input;
  std::string output;
  int threads = 0;
  std::string shard = "0/1";
  double threshold = 0.5;
  std::string output_format;
  std::string input_format;
  std::vector<std::string> columns;
  bool no_columns = false;
  std::string engine = "auto";
  std::string on_bad_row = "fail";
  size_t chunk_kib = 256;
  std::string shadow;   // --shadow REF2
  std::string canary;   // --canary REF2:P%
  std::string explain;  // --explain K|all
};

Status parse_shard(const std::string& text, ScoreOptions& o) {
  const auto bad = [&] {
    return usage_error(
        "score-batch",
        "--shard '" + text + "': expected k/N with 0 <= k < N <= 2^63 (0-based, e.g. 0/4 .. 3/4)");
  };
  const auto slash = text.find('/');
  if (slash == std::string::npos) return bad();
  // from_chars refuses signs, spaces and values past 2^64; N is capped at 2^63 so that k and N
  // survive any signed 64-bit arithmetic downstream.
  auto number = [](std::string_view part, uint64_t& out) {
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return !part.empty() && ec == std::errc() && end == part.data() + part.size();
  };
  uint64_t k = 0, n = 0;
  const std::string_view all(text);
  if (!number(all.substr(0, slash), k) || !number(all.substr(slash + 1), n)) return bad();
  if (n == 0 || k >= n || n > (uint64_t{1} << 63)) return bad();
  o.shard_index = k;
  o.shard_count = n;
  return {};
}

Result<ScoreOptions> make_options(const ScoreBatchFlags& f) {
  ScoreOptions o;
  o.input = f.input;
  o.output = f.output;
  o.threads = f.threads;  // range checked by add_threads_option
  MLO_TRY(parse_shard(f.shard, o));
  if (!(f.threshold >= 0.0 && f.threshold <= 1.0))
    return usage_error("score-batch", "--threshold must be between 0 and 1");
  o.threshold = f.threshold;
  if (f.output_format == "csv")
    o.output_format = OutputFormat::kCsv;
  else if (f.output_format == "jsonl")
    o.output_format = OutputFormat::kJsonl;
  else if (!f.output_format.empty())
    return usage_error("score-batch",
                       "--output-format '" + f.output_format + "': expected csv or jsonl");
  if (f.input_format == "csv")
    o.input_format = DataFormat::kCsv;
  else if (f.input_format == "jsonl")
    o.input_format = DataFormat::kJsonl;
  else if (!f.input_format.empty())
    return usage_error("score-batch",
                       "--input-format '" + f.input_format + "': expected csv or jsonl");
  if (f.on_bad_row == "skip")
    o.on_bad_row = OnBadRow::kSkip;
  else if (f.on_bad_row != "fail")
    return usage_error("score-batch", "--on-bad-row '" + f.on_bad_row + "': expected fail or skip");
  if (f.no_columns && !f.columns.empty())
    return usage_error("score-batch", "--columns and --no-columns exclude each other");
  if (f.no_columns)
    o.columns = std::vector<std::string>{};
  else if (!f.columns.empty())
    o.columns = f.columns;
  if (f.chunk_kib < 16 || f.chunk_kib > (1u << 20))
    return usage_error("score-batch", "--chunk-kib must be between 16 and 1048576");
  o.chunk_bytes = f.chunk_kib << 10;
  if (f.explain == "all") {
    o.explain = ExplainOptions{0, true};
  } else if (!f.explain.empty()) {
    size_t k = 0;
    auto [end, ec] = std::from_chars(f.explain.data(), f.explain.data() + f.explain.size(), k);
    if (ec != std::errc() || end != f.explain.data() + f.explain.size() || k == 0)
      return usage_error("score-batch", "--explain '" + f.explain +
                                            "': expected a number of features (1..) or all");
    o.explain = ExplainOptions{k, false};
  }
  return o;
}

// --canary "REF2:P%" -> (REF2, P). REF2 may itself hold ':' (name:N), so split at the last.
Result<std::pair<std::string, double>> parse_canary(const std::string& text) {
  const size_t colon = text.rfind(':');
  const std::string bad =
      "--canary '" + text + "': expected REF:P% with 0 < P <= 100 (e.g. m@challenger:10%)";
  if (colon == std::string::npos || colon == 0 || text.back() != '%')
    return usage_error("score-batch", bad);
  const std::string pct = text.substr(colon + 1, text.size() - colon - 2);
  size_t used = 0;
  double p = 0;
  try {
    p = std::stod(pct, &used);
  } catch (const std::exception&) {
    return usage_error("score-batch", bad);
  }
  if (pct.empty() || used != pct.size() || !(p > 0 && p <= 100))
    return usage_error("score-batch", bad);
  return std::make_pair(text.substr(0, colon), p);
}

// The second version of --shadow/--canary, loaded through the trusted read path.
struct Challenger {
  VersionRecord rec;
  std::optional<Predictor> predictor;
  ChallengerOptions options;
};

Result<std::optional<Challenger>> load_challenger(Store& store, const ScoreBatchFlags& f,
                                                  const ModelVersion& primary, Engine engine) {
  if (f.shadow.empty() && f.canary.empty()) return std::optional<Challenger>();
  if (!f.shadow.empty() && !f.canary.empty())
    return usage_error("score-batch", "--shadow and --canary are exclusive");
  std::optional<Challenger> c(std::in_place);
  std::string ref = f.shadow;
  c->options.mode = ChallengerMode::kShadow;
  if (!f.canary.empty()) {
    MLO_ASSIGN_OR_RETURN(auto parsed, parse_canary(f.canary));
    ref = parsed.first;
    c->options.mode = ChallengerMode::kCanary;
    c->options.percent = parsed.second;
    if (primary.passthrough.empty())
      return usage_error("score-batch", "--canary routes on the id column, but " + primary.name +
                                            " has no schema.passthrough id column");
    c->options.id_column = primary.passthrough.front();
  }
  auto rec = resolve_version(store, ref);
  if (!rec.ok())
    return make_error(rec.error().code, "challenger " + ref + ": " + rec.error().message);
  c->rec = std::move(*rec);
  MLO_ASSIGN_OR_RETURN(Predictor p, Predictor::load(store, c->rec.manifest, engine));
  c->predictor.emplace(std::move(p));  // options.predictor is set once c has its final home
  c->options.label = c->rec.manifest.name + ":" + std::to_string(c->rec.manifest.version);
  c->options.primary_label = primary.name + ":" + std::to_string(primary.version);
  return c;
}

Result<Engine> parse_engine(const std::string& text) {
  if (text == "auto") return Engine::kAuto;
  if (text == "native") return Engine::kNative;
  if (text == "xgboost") return Engine::kXgboost;
  return usage_error("score-batch", "--engine '" + text + "': expected auto, native or xgboost");
}

nlohmann::json challenger_json(const ScoreRunInfo& info) {
  if (info.challenger_mode.empty()) return nullptr;
  const ChallengerStats& c = info.summary->challenger;
  nlohmann::json j = {{"mode", info.challenger_mode},
                      {"ref", info.challenger_ref},
                      {"manifest_digest", info.challenger_digest}};
  if (info.challenger_mode == "shadow") {
    j["rows"] = c.rows;
    j["mean_abs_delta"] = c.mean_abs_delta();
    if (info.task == "binary") j["label_agreement"] = c.label_agreement();
  } else {
    j["percent"] = info.canary_percent;
    j["id_column"] = info.canary_id_column;
    j["canary_rows"] = c.canary_rows;
  }
  return j;
}

nlohmann::json summary_json(const ScoreRunInfo& info, const std::string& record_key) {
  const ScoreSummary& s = *info.summary;
  double mb = static_cast<double>(s.input_text_bytes) / 1e6;
  return {{"run_id", info.run_id},
          {"run_record", record_key},
          {"model",
           {{"ref", info.ref},
            {"name", info.model_name},
            {"version", info.model_version},
            {"manifest_digest", info.manifest_digest},
            {"task", info.task},
            {"engine", info.engine},
            {"kernel", info.kernel}}},
          {"input",
           {{"path", s.input_name},
            {"digest", s.input_digest},
            {"format", s.input_format},
            {"compression", s.input_compression},
            {"bytes", s.input_bytes},
            {"uncompressed_bytes", s.input_text_bytes}}},
          {"output",
           {{"path", s.output_name},
            {"format", s.output_format},
            {"compression", s.output_compression},
            {"bytes", s.output_bytes},
            {"columns", s.output_columns}}},
          {"rows",
           {{"in", s.rows_in},
            {"out", s.rows_out},
            {"skipped", s.rows_skipped},
            {"other_shards", s.rows_other_shards},
            {"unseen_categories", s.unseen_categories}}},
          {"first_skip_reason", s.first_skip_reason},
          {"shard", info.shard},
          {"threads", s.threads},
          {"seconds", {{"load", info.load_seconds}, {"score", s.seconds}}},
          {"mb_per_s", s.seconds > 0 ? mb / s.seconds : 0.0},
          {"challenger", challenger_json(info)}};
}

Result<int> score(const Context& ctx, const ScoreBatchFlags& f) {
  MLO_ASSIGN_OR_RETURN(Engine engine, parse_engine(f.engine));
  if (f.input.empty() || f.output.empty())
    return usage_error("score-batch",
                       "--input and --output must not be empty (use - for stdin/stdout)");
  if (f.input != "-" && f.output != "-" && same_existing_file(f.input, f.output))
    return usage_error("score-batch",
                       "--output " + f.output + " is the input file; scoring would destroy it");
  MLO_ASSIGN_OR_RETURN(ScoreOptions options, make_options(f));  // usage errors before any I/O
  MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
  const auto t0 = std::chrono::steady_clock::now();
  MLO_ASSIGN_OR_RETURN(VersionRecord rec, resolve_version(*store, f.ref));
  const ModelVersion& mv = rec.manifest;
  options.default_columns = mv.passthrough;
  MLO_ASSIGN_OR_RETURN(Predictor predictor,
                       Predictor::load(*store, mv, engine, options.explain.has_value()));
  MLO_ASSIGN_OR_RETURN(std::optional<Challenger> challenger,
                       load_challenger(*store, f, mv, engine));
  if (challenger) {
    challenger->options.predictor = &*challenger->predictor;
    options.challenger = challenger->options;
  }

  ScoreRunInfo run;
  run.run_id = new_run_id();
  run.started = now_rfc3339();
  run.actor = current_actor();
  run.ref = f.ref;
  run.model_name = mv.name;
  run.model_version = mv.version;
  run.manifest_digest = rec.digest;
  run.engine = predictor.engine();
  run.kernel = predictor.kernel();
  run.task = mv.task;
  run.shard = f.shard;
  run.threshold = f.threshold;
  run.on_bad_row = f.on_bad_row;
  run.explain = f.explain;
  if (challenger) {
    run.challenger_mode = challenger->options.mode == ChallengerMode::kShadow ? "shadow" : "canary";
    run.challenger_ref = challenger->options.label;
    run.challenger_digest = challenger->rec.digest;
    run.canary_percent = challenger->options.percent;
    run.canary_id_column = challenger->options.id_column;
  }
  run.load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::string record_key;
  options.before_commit = [&](const ScoreSummary& s) -> Status {
    run.summary = &s;
    auto key = write_run_record(*store, score_run_record_yaml(run));
    if (!key.ok())
      return make_error(key.error().code, "writing the run record: " + key.error().message);
    record_key = *key;
    return {};
  };
  std::optional<ProgressLine> progress;
  if (ctx.show_progress()) {
    progress.emplace("scoring", known_input_size(f.input));
    options.on_progress = [&progress](uint64_t bytes, uint64_t rows) {
      progress->update(bytes, rows);
    };
  }
  auto result = score_batch(predictor, options);
  progress.reset();
  if (!result.ok()) {
    if (result.error().code == ErrorCode::kUsage && options.explain)
      return make_error(ErrorCode::kUsage,
                        "--explain " + f.explain + ": " + result.error().message);
    return result.error();
  }
  const ScoreSummary& s = *result;
  run.summary = &s;

  if (ctx.global.json) {
    // stdout carries the scores when --output is '-': the summary then goes to stderr.
    std::string doc = summary_json(run, record_key).dump(2);
    (f.output == "-" ? std::cerr : std::cout) << doc << "\n";
  } else {
    info(fmt::format(
        "scored {} of {} rows with {}:{} ({}) in {:.2f} s, {:.0f} MB/s -> {}", s.rows_out,
        s.rows_in, mv.name, mv.version,
        predictor.kernel().empty() ? predictor.engine()
                                   : predictor.engine() + " " + predictor.kernel(),
        s.seconds, s.seconds > 0 ? static_cast<double>(s.input_text_bytes) / 1e6 / s.seconds : 0.0,
        s.output_name));
    if (s.rows_skipped)
      info(fmt::format("skipped {} bad rows; first: {}", s.rows_skipped, s.first_skip_reason));
    if (s.unseen_categories)
      info(fmt::format("{} categorical values were not seen in training (scored as missing)",
                       s.unseen_categories));
    info("run record: " + record_key);
  }
  return 0;
}

}  // namespace

void setup_score_batch(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<ScoreBatchFlags>();
  app.add_option("ref", f->ref,
                 "Model reference: name, name:N, name@alias or sha256:<manifest digest>")
      ->required();
  app.add_option(
         "-i,--input", f->input,
         "Input CSV or JSON Lines file, s3://bucket/key, or - for stdin (compression detected)")
      ->required();
  app.add_option("-o,--output", f->output,
                 "Output file, s3://bucket/key, or - for stdout (.gz/.zst/.xz/.bz2/.lz4 compress)")
      ->required();
  add_threads_option(app, f->threads, "Worker threads, 1..4 x cores (default: all cores)");
  app.add_option("--shard", f->shard,
                 "Score only rows with index % N == k (k/N, 0-based; default 0/1)");
  app.add_option("--threshold", f->threshold,
                 "Binary label threshold: label = score >= threshold (default 0.5)");
  app.add_option("--output-format", f->output_format,
                 "csv | jsonl (default: from the output name, else csv)");
  app.add_option("--input-format", f->input_format,
                 "csv | jsonl (default: from the input name, else csv)");
  app.add_option("--columns", f->columns,
                 "Passthrough columns, comma-separated (default: the manifest's)")
      ->delimiter(',');
  app.add_flag("--no-columns", f->no_columns, "No passthrough columns, only the predictions");
  app.add_option("--engine", f->engine,
                 "auto | native | xgboost (default auto: native when it supports the model)");
  app.add_option("--on-bad-row", f->on_bad_row, "fail | skip (default fail)");
  app.add_option("--chunk-kib", f->chunk_kib, "Bytes of input per work unit, in KiB (default 256)");
  app.add_option("--shadow", f->shadow,
                 "Also score every row with this version: column shadow_score, agreement in the "
                 "run record");
  app.add_option("--canary", f->canary,
                 "REF:P% - route P% of rows (hash of the id column) to REF: column scored_by");
  app.add_option("--explain", f->explain,
                 "K | all - per row, the K features with the largest |SHAP contribution| "
                 "(column explain; all: every feature and explain_bias)");
  app.callback([&ctx, f] {
    ctx.run = [&ctx, f]() -> Result<int> {
      auto rc = score(ctx, *f);
      if (!rc.ok())
        return make_error(rc.error().code, "score-batch " + f->ref + ": " + rc.error().message);
      return rc;
    };
  });
}

}  // namespace mlo::cli
