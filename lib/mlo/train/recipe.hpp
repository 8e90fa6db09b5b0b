// Recipe: what `mlo train` (and later `mlo retrain`) fits, as written in recipe.yaml.
//
//   name: flights-delay                  # model name; --name overrides
//   task: binary                         # binary | regression | multiclass
//   target: delayed
//   id: id                               # passthrough column(s): a name or a list
//   features:
//     numeric: [month, day, distance]
//     categorical: [origin, dest]
//   params: {max_depth: 8, eta: 0.1, num_boost_round: 300, seed: 42}   # XGBoost params
//   early_stopping_rounds: 20            # optional; on the eval set
//   max_categories: 1000                 # optional; most frequent levels kept per column
//   labels: {team: ops}                  # optional; copied to the version
//   search: {max_depth: [4, 6, 8], eta: [0.05, 0.1]}   # optional; ranges for `retrain --search`
//
// Every problem is kInvalidInput naming the field ("recipe: field 'task': ...").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"

namespace mlo::train {

struct Recipe {
  std::string name;
  std::string task;  // binary | regression | multiclass
  std::string target;
  std::vector<std::string> id;
  std::vector<std::string> numeric;
  std::vector<std::string> categorical;
  std::map<std::string, std::string> params;  // XGBoost params, without num_boost_round
  int num_boost_round = 100;
  int early_stopping_rounds = 0;
  size_t max_categories = 1000;
  std::map<std::string, std::string> labels;
  // Candidate values per parameter for a hyperparameter search (retrain); each value is
  // validated like an override. Training a recipe does not use them.
  std::map<std::string, std::vector<std::string>> search;
  std::string text;  // the YAML as given (stored as the "recipe" artifact)

  // The objective implied by the task unless params.objective is set (checked to fit the task).
  std::string objective() const;
};

// Parses and validates. `what` names the source in messages.
Result<Recipe> parse_recipe(const std::string& text, const std::string& what);

// Applies a `--param key=value` override (num_boost_round and early_stopping_rounds included)
// and re-validates the parameter. kUsage for a malformed "k=v", kInvalidInput for a bad value.
Status apply_param_override(Recipe& recipe, const std::string& assignment);

// Checks the combination of task, objective and parameters (after overrides).
Status validate_recipe(const Recipe& recipe, const std::string& what);

}  // namespace mlo::train
