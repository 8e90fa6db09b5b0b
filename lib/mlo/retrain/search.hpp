// Hyperparameter search for `mlo retrain --search`: candidate parameter sets from the recipe's
// `search:` ranges, each scored by k-fold cross-validation on the new data (train::CvData),
// ranked by the task's primary metric (train::primary_metric). The best set is then refit on
// all of the new training rows by retrain. Every trial is kept for the run record.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/train/recipe.hpp"
#include "mlo/train/train_pipeline.hpp"

namespace mlo::retrain {

enum class SearchMode { kNone, kGrid, kRandom };

struct SearchOptions {
  SearchMode mode = SearchMode::kNone;
  int trials = 0;  // grid: cap (0 = every combination); random: how many (0 = 10)
  int folds = 5;
};

// "grid" | "random"; kUsage naming the text otherwise.
Result<SearchMode> parse_search_mode(const std::string& text);

using ParamSet = std::map<std::string, std::string>;

// Deterministic candidates. Grid: the cartesian product of the ranges, keys in name order, the
// last key varying fastest. Random: `trials` distinct combinations drawn without replacement
// with the recipe's seed (every combination when there are fewer). kInvalidInput when the
// recipe has no `search:` ranges or the grid exceeds 10000 combinations.
Result<std::vector<ParamSet>> search_candidates(const train::Recipe& recipe,
                                                const SearchOptions& options);

struct Trial {
  ParamSet params;
  std::map<std::string, double> metrics;  // means over the folds
};

struct SearchResult {
  SearchMode mode = SearchMode::kNone;
  int folds = 0;
  std::string metric;  // the ranking metric
  uint64_t rows = 0;   // rows the folds were cut from
  std::vector<Trial> trials;
  size_t best = 0;  // index into trials; the first of equals wins
};

// Runs every candidate through k-fold CV on `inputs` (see train::CvData for which rows).
// `on_trial` (optional) is told after each trial.
Result<SearchResult> run_search(
    const train::Recipe& recipe, const train::TrainInputs& inputs, const SearchOptions& options,
    const std::function<void(size_t, size_t, const Trial&)>& on_trial = nullptr);

// `recipe` with a trial's parameters applied (validated like overrides).
Result<train::Recipe> with_params(train::Recipe recipe, const ParamSet& params);

}  // namespace mlo::retrain
