// Evaluation metrics recorded by `mlo train` in training.eval.metrics. Binary and regression
// use lib/mlo/drift/metrics.hpp (so drift compares like with like); multiclass is here:
//   accuracy  share of rows whose most probable class (first on ties) is the label
//   mlogloss  mean of -log(p[label]) with p clipped to [1e-15, 1 - 1e-15], as XGBoost/sklearn
#pragma once

#include <map>
#include <span>
#include <string>

namespace mlo::train {

// `pred`: rows x num_class probabilities for multiclass, one value per row otherwise.
std::map<std::string, double> eval_metrics(const std::string& task, std::span<const float> y,
                                           std::span<const float> pred, int num_class);

std::map<std::string, double> multiclass_metrics(std::span<const float> y,
                                                 std::span<const float> prob, int num_class);

}  // namespace mlo::train
