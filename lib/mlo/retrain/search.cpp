#include "mlo/retrain/search.hpp"

#include <cmath>

#include <fmt/format.h>

#include "mlo/metrics/metrics.hpp"
#include "mlo/train/cross_validate.hpp"
#include "mlo/train/dataset.hpp"

namespace mlo::retrain {

namespace {

constexpr size_t kMaxGrid = 10000;

// a strictly better than b in the metric's direction; NaN never wins.
bool better(double a, double b, bool higher) {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  return higher ? a > b : a < b;
}

}  // namespace

Result<SearchMode> parse_search_mode(const std::string& text) {
  if (text == "grid") return SearchMode::kGrid;
  if (text == "random") return SearchMode::kRandom;
  return make_error(ErrorCode::kUsage, "search mode '" + text + "': expected grid or random");
}

Result<std::vector<ParamSet>> search_candidates(const train::Recipe& recipe,
                                                const SearchOptions& o) {
  if (recipe.search.empty())
    return make_error(ErrorCode::kInvalidInput,
                      "the recipe has no search ranges (search: {param: [values], ...})");
  size_t total = 1;
  for (const auto& [key, values] : recipe.search) {
    total *= values.size();
    if (total > kMaxGrid)
      return make_error(ErrorCode::kInvalidInput,
                        fmt::format("search ranges give more than {} combinations", kMaxGrid));
  }
  // Combination i: mixed-radix digits of i, the last key varying fastest.
  auto combination = [&](size_t i) {
    ParamSet p;
    for (auto it = recipe.search.rbegin(); it != recipe.search.rend(); ++it) {
      p[it->first] = it->second[i % it->second.size()];
      i /= it->second.size();
    }
    return p;
  };
  std::vector<size_t> order(total);
  for (size_t i = 0; i < total; ++i) order[i] = i;
  size_t n = total;
  if (o.mode == SearchMode::kRandom) {
    train::shuffle_rows(order, train::recipe_seed(recipe));
    n = std::min(total, static_cast<size_t>(o.trials > 0 ? o.trials : 10));
  } else if (o.trials > 0) {
    n = std::min(total, static_cast<size_t>(o.trials));
  }
  std::vector<ParamSet> out;
  for (size_t i = 0; i < n; ++i) out.push_back(combination(order[i]));
  return out;
}

Result<train::Recipe> with_params(train::Recipe recipe, const ParamSet& params) {
  for (const auto& [k, v] : params) MLO_TRY(train::apply_param_override(recipe, k + "=" + v));
  MLO_TRY(train::validate_recipe(recipe, "search"));
  return recipe;
}

Result<SearchResult> run_search(const train::Recipe& recipe, const train::TrainInputs& inputs,
                                const SearchOptions& o,
                                const std::function<void(size_t, size_t, const Trial&)>& on_trial) {
  MLO_ASSIGN_OR_RETURN(std::vector<ParamSet> candidates, search_candidates(recipe, o));
  MLO_ASSIGN_OR_RETURN(train::CvData cv, train::CvData::prepare(recipe, inputs, o.folds));
  SearchResult r;
  r.mode = o.mode;
  r.folds = o.folds;
  r.metric = train::primary_metric(recipe.task);
  r.rows = cv.rows();
  const bool higher = metrics::higher_is_better(r.metric);
  for (size_t i = 0; i < candidates.size(); ++i) {
    MLO_ASSIGN_OR_RETURN(train::Recipe trial, with_params(recipe, candidates[i]));
    Trial t{candidates[i], {}};
    MLO_ASSIGN_OR_RETURN(t.metrics, cv.evaluate(trial, inputs.threads));
    r.trials.push_back(std::move(t));
    const double score = r.trials.back().metrics[r.metric];
    if (i > 0 && better(score, r.trials[r.best].metrics[r.metric], higher)) r.best = i;
    if (on_trial) on_trial(i, candidates.size(), r.trials.back());
  }
  return r;
}

}  // namespace mlo::retrain
