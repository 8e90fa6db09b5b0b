// `mlo retrain`: refit a version's stored recipe on new data and compare the candidate with the
// current champion on the SAME evaluation rows.
//
//  1. Resolve the parent REF; read its "recipe" artifact and re-apply the parameters recorded
//     in its manifest (so `train --param` overrides carry over): same features, target,
//     preprocessing method and XGBoost parameters, seed included. Encoders, statistics and the
//     baseline profile are refit on the new data (train::train_recipe).
//  2. The evaluation rows are the eval file's, or a holdout of the new data (seeded split).
//     While train_recipe holds them, the champion (the version the alias points at) scores
//     exactly those rows through the normal Predictor and the task's metrics are computed the
//     same way as the candidate's.
//     With a search, the recipe's `search:` ranges are tried first by k-fold cross-validation
//     on the new training rows (search.hpp) and the best parameter set is refit on all of them;
//     every trial goes to a run record (kind: retrain) and the comparison artifact.
//  3. The candidate is registered with status candidate, parent = the parent's version, the
//     data and eval digests, and a "comparison" artifact (JSON, see comparison_json) holding
//     both metric sets. No alias is ever moved.
// Same data, recipe and seed give a byte-identical model blob.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "mlo/core/result.hpp"
#include "mlo/registry/registry.hpp"
#include "mlo/retrain/drift_gate.hpp"
#include "mlo/retrain/search.hpp"
#include "mlo/store/store.hpp"
#include "mlo/train/distributed.hpp"
#include "mlo/train/train_pipeline.hpp"

namespace mlo::retrain {

struct RetrainOptions {
  std::string ref;  // the parent: "name", "name:N", "name@alias", "sha256:..."
  std::string data_path;
  std::optional<std::string> eval_path;  // else a holdout of data_path
  double holdout = 0.2;
  std::string name;  // register under this name (default: the parent's)
  // Compared against; "" = the alias named in the model's promotion policy (default
  // "champion"). An alias that does not exist yet means no comparison.
  std::string champion_alias;
  std::optional<std::string> drift_report;  // refit only if this drift report found drift
  SearchOptions search;                     // mode kNone: refit the parent's parameters
  int threads = 0;                          // 0 = all cores (per worker when distributed)
  // Set: the final fit runs on XGBoost's collective across local worker processes
  // (train::train_recipe_distributed); a search's cross-validation still runs in-process.
  std::optional<train::DistributedOptions> distributed;
  bool dry_run = false;  // everything but the store writes
};

struct MetricDelta {
  double candidate = 0, champion = 0;
  double delta = 0;     // candidate - champion
  bool better = false;  // strictly better in the metric's direction (metrics::higher_is_better)
};

// The champion's evaluation on the candidate's eval rows: the manifest's training.eval.champion
// (mlo::ChampionEval), which the promotion gate compares against.
using ChampionEval = mlo::ChampionEval;

struct RetrainOutcome {
  // --if-drift: the report found no drift, nothing else was done.
  bool skipped = false;
  std::string reason;      // the drift verdict, when a report was given
  std::string parent_ref;  // "name:N"
  int64_t parent_version = 0;
  train::TrainOutcome training;  // candidate metrics, rows, rounds
  RegisterResult registered;     // the candidate (version 0 and no digest for a dry run)
  std::optional<ChampionEval> champion;
  std::string champion_note;  // why there is no comparison ("no alias 'champion'", ...)
  std::map<std::string, MetricDelta> deltas;  // metrics both have
  DataRef eval_data;
  std::optional<SearchResult> search;  // with a search: every trial; the best was refit
  std::string run_key;                 // the search's run record (none for a dry run)
  std::string run_warning;             // the candidate is registered but the record failed
};

// Errors: kNotFound for an unknown REF, a missing data/eval file or drift report; kInvalidInput
// for a parent without a stored recipe, data that does not fit the recipe, a malformed drift
// report or one about another model; store errors as they come. Nothing is written on error.
Result<RetrainOutcome> retrain(Store& store, const RetrainOptions& options,
                               const train::TrainProgress& progress = {});

// The "comparison" artifact: {"eval_data":{digest,rows,source},"candidate":{metrics},
// "champion":{alias,version,manifest,metrics}|null,"note":...,"deltas":{m:{...}},
// "search":{mode,folds,metric,rows,best,trials:[{params,metrics}]}?}.
std::string comparison_json(const RetrainOutcome& outcome);

// The run record of a search (kind: retrain): model, version, parent, inputs, every trial.
std::string search_run_yaml(const RetrainOutcome& outcome);

}  // namespace mlo::retrain
