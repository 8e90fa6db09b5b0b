// mlo retrain REF --data NEW [--eval EVAL | --holdout F] [--if-drift REPORT.json] [--name NAME]
//             [--alias A] [--search grid|random [--trials N] [--folds K]] [--workers N]
//             [--dry-run] [--threads N]
// Refits REF's stored recipe on NEW through lib/mlo/retrain, compares the candidate with the
// champion on the same eval rows, registers it as a candidate (no alias moves) and prints both
// metric sets, the differences and the `mlo promote` command a person would run.
#include <cmath>

#include <fmt/format.h>

#include "command.hpp"
#include "mlo/registry/manifest_json.hpp"
#include "mlo/retrain/retrain.hpp"
#include "output.hpp"
#include "train_progress.hpp"
#include "train_workers.hpp"

namespace mlo::cli {

namespace {

struct RetrainCliOptions {
  retrain::RetrainOptions lib;
  std::string eval;
  std::string if_drift;
  std::string search;
  bool holdout_given = false;
  bool trials_given = false, folds_given = false;
  int workers = 0;
};

std::string num(double v) {
  return std::isnan(v) ? "-" : fmt::format("{:.4f}", v);
}

std::string promote_command(const retrain::RetrainOutcome& r) {
  const auto& mv = r.registered.manifest;
  std::string why = fmt::format("retrained {} on {}", r.parent_ref, mv.training_data->source);
  if (r.champion) {
    for (const auto& [k, d] : r.deltas) {
      why += fmt::format("; {} {} vs {} ({}:{})", k, num(d.candidate), num(d.champion), mv.name,
                         r.champion->version);
      break;  // the first metric is enough for a reason line; the manifest holds them all
    }
  }
  return fmt::format("mlo promote {}:{} --to {} --reason \"{}\"", mv.name, mv.version,
                     r.champion ? r.champion->alias : std::string("champion"), why);
}

void print_text(const retrain::RetrainOutcome& r, const std::string& ref) {
  std::cout << ref << "\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& [k, v] : r.training.metrics) {
    std::vector<std::string> row{k, num(v), "-", "-", ""};
    if (auto it = r.deltas.find(k); it != r.deltas.end()) {
      row[2] = num(it->second.champion);
      row[3] = fmt::format("{:+.4f}", it->second.delta);
      row[4] = it->second.delta == 0 ? "same" : (it->second.better ? "better" : "worse");
    }
    rows.push_back(row);
  }
  const std::string champ = r.champion ? fmt::format("{}:{} (@{})", r.registered.manifest.name,
                                                     r.champion->version, r.champion->alias)
                                       : "champion";
  print_table({"metric", ref, champ, "delta", ""}, rows);
}

nlohmann::json search_json(const retrain::RetrainOutcome& r) {
  if (!r.search) return nullptr;
  const auto& s = *r.search;
  nlohmann::json trials = nlohmann::json::array();
  for (const auto& t : s.trials) trials.push_back({{"params", t.params}, {"metrics", t.metrics}});
  return {{"mode", s.mode == retrain::SearchMode::kGrid ? "grid" : "random"},
          {"folds", s.folds},
          {"metric", s.metric},
          {"rows", s.rows},
          {"best", s.best},
          {"trials", trials},
          {"run", r.run_key}};
}

void report_search(const retrain::RetrainOutcome& r) {
  if (!r.search) return;
  const auto& s = *r.search;
  const auto& best = s.trials[s.best];
  std::string params;
  for (const auto& [k, v] : best.params) params += fmt::format(" {}={}", k, v);
  info(fmt::format("search: {} trials, {}-fold CV on {} rows; best{} ({} {})", s.trials.size(),
                   s.folds, s.rows, params, s.metric, num(best.metrics.at(s.metric))));
  if (!r.run_key.empty()) info("search trials recorded in " + r.run_key);
  if (!r.run_warning.empty())
    info("warning: the search run record was not written: " + r.run_warning);
}

void print_json_outcome(const retrain::RetrainOutcome& r, const std::string& ref, bool dry_run) {
  nlohmann::json deltas = nlohmann::json::object();
  for (const auto& [k, d] : r.deltas)
    deltas[k] = {{"candidate", d.candidate},
                 {"champion", d.champion},
                 {"delta", d.delta},
                 {"better", d.better}};
  nlohmann::json champion = nullptr;
  if (r.champion)
    champion = {{"alias", r.champion->alias},
                {"version", r.champion->version},
                {"manifest", r.champion->manifest},
                {"metrics", r.champion->metrics}};
  print_json({{"ref", ref},
              {"name", r.registered.manifest.name},
              {"version", r.registered.manifest.version},
              {"parent", r.parent_ref},
              {"dry_run", dry_run},
              {"eval_data",
               {{"digest", r.eval_data.digest},
                {"rows", r.eval_data.rows},
                {"source", r.eval_data.source}}},
              {"metrics", r.training.metrics},
              {"champion", champion},
              {"champion_note", r.champion_note},
              {"deltas", deltas},
              {"rounds", r.training.rounds_trained},
              {"best_iteration", r.training.best_iteration},
              {"train_rows", r.training.train_rows},
              {"eval_rows", r.training.eval_rows},
              {"drift", r.reason},
              {"search", search_json(r)},
              {"promote_command", dry_run ? "" : promote_command(r)},
              {"manifest", manifest_to_json(r.registered.manifest)}});
}

Result<int> run_retrain(const Context& ctx, RetrainCliOptions& o) {
  if (!o.eval.empty() && o.holdout_given)
    return make_error(ErrorCode::kUsage, "retrain: --eval and --holdout exclude each other");
  if (!o.eval.empty()) o.lib.eval_path = o.eval;
  if (!o.if_drift.empty()) o.lib.drift_report = o.if_drift;
  if (!o.search.empty()) {
    auto mode = retrain::parse_search_mode(o.search);
    if (!mode.ok())
      return make_error(ErrorCode::kUsage, "retrain: --search: " + mode.error().message);
    o.lib.search.mode = *mode;
    if (o.lib.search.folds < 2)
      return make_error(ErrorCode::kUsage, "retrain: --folds must be at least 2");
    if (o.lib.search.trials < 0)
      return make_error(ErrorCode::kUsage, "retrain: --trials must be positive");
  } else if (o.trials_given || o.folds_given) {
    return make_error(ErrorCode::kUsage, "retrain: --trials and --folds need --search");
  }
  if (!o.lib.eval_path && !(o.lib.holdout > 0.0 && o.lib.holdout < 1.0))
    return make_error(
        ErrorCode::kInvalidInput,
        fmt::format("retrain: --holdout {}: must be between 0 and 1 (exclusive)", o.lib.holdout));
  if (o.workers > 0) {
    MLO_ASSIGN_OR_RETURN(train::DistributedOptions d, local_workers(o.workers));
    o.lib.distributed = std::move(d);
  }
  MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
  auto outcome = retrain::retrain(*store, o.lib, make_train_progress(ctx));
  if (!outcome.ok())
    return make_error(outcome.error().code,
                      "retrain " + o.lib.ref + ": " + outcome.error().message);
  const retrain::RetrainOutcome& r = *outcome;
  if (r.skipped) {
    info("retrain " + r.parent_ref + ": nothing to do: " + r.reason);
    if (ctx.global.json)
      print_json({{"skipped", true}, {"parent", r.parent_ref}, {"drift", r.reason}});
    return 0;
  }
  const auto& mv = r.registered.manifest;
  const std::string ref = fmt::format("{}:{}", mv.name, mv.version);
  if (!r.reason.empty()) info(r.reason);
  if (ctx.global.json)
    print_json_outcome(r, ref, o.lib.dry_run);
  else
    print_text(r, ref);
  info(fmt::format("refit {} on {} rows ({} rounds, best {}); eval on {} rows of {} ({})",
                   r.parent_ref, r.training.train_rows, r.training.rounds_trained,
                   r.training.best_iteration + 1, r.eval_data.rows, r.eval_data.source,
                   r.eval_data.digest.substr(0, 19)));
  if (!r.champion_note.empty()) info(r.champion_note);
  report_search(r);
  if (o.lib.dry_run) {
    info("dry run: would register " + mv.name + " as a candidate; nothing written");
    return 0;
  }
  if (!r.registered.event_warning.empty())
    info("warning: " + ref +
         " was registered but its audit event was not written: " + r.registered.event_warning);
  info("registered " + ref + " as a candidate; no alias moved. To promote it:");
  info("  " + promote_command(r));
  return 0;
}

}  // namespace

void setup_retrain(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<RetrainCliOptions>();
  app.add_option("ref", o->lib.ref, "The version to refit: NAME, NAME:N, NAME@ALIAS")->required();
  app.add_option("--data", o->lib.data_path,
                 "New training data: CSV or JSON Lines, a path or s3://bucket/key")
      ->required();
  app.add_option("--eval", o->eval,
                 "Evaluation data for both models, a path or s3://bucket/key (default: a holdout)");
  app.add_option("--holdout", o->lib.holdout,
                 "Fraction of --data held out for evaluation, in (0, 1) (default 0.2)");
  app.add_option("--if-drift", o->if_drift,
                 "Drift report JSON (mlo drift --report); retrain only if it found drift");
  app.add_option("--name", o->lib.name, "Register under this model name (default: REF's)");
  app.add_option("--alias", o->lib.champion_alias,
                 "Compare with this alias's holder (default: the policy's alias, champion)");
  add_workers_option(app, o->workers);
  add_threads_option(app, o->lib.threads,
                     "Threads for reading and training, 1..4 x cores (default: all cores)");
  app.add_option("--search", o->search,
                 "Tune from the recipe's search: ranges by k-fold CV: grid or random");
  app.add_option("--trials", o->lib.search.trials,
                 "Trials (random: default 10; grid: cap, default every combination)");
  app.add_option("--folds", o->lib.search.folds, "Cross-validation folds (default 5)");
  app.add_flag("--dry-run", o->lib.dry_run, "Refit and compare, write nothing to the store");
  app.callback([&ctx, o, &app] {
    o->holdout_given = app.count("--holdout") > 0;
    o->trials_given = app.count("--trials") > 0;
    o->folds_given = app.count("--folds") > 0;
    ctx.run = [&ctx, o]() -> Result<int> { return run_retrain(ctx, *o); };
  });
}

}  // namespace mlo::cli
