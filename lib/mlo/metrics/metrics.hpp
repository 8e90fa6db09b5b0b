// Model quality metrics, one neutral place shared by train/retrain (eval metrics recorded in the
// manifest) and drift (concept drift), so both compare like with like. Conventions follow
// scikit-learn:
//  - binary labels are 0/1 (any value > 0.5 is positive); scores are P(y=1);
//  - precision/recall/F1 are 0 when undefined (zero_division=0);
//  - AUC is the area under the ROC curve with tied scores counted half (roc_auc_score);
//    NaN when only one class is present;
//  - log-loss clips probabilities to [eps, 1-eps] with eps = 1e-15.
// Regression: RMSE, MAE, R^2 (as r2_score: with a constant target, 1 for exact predictions,
// else 0, never -inf or NaN). Empty inputs give all-zero metrics with n = 0.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>

namespace mlo::metrics {

struct BinaryMetrics {
  uint64_t n = 0;
  uint64_t tp = 0, fp = 0, tn = 0, fn = 0;  // at `threshold`
  double accuracy = 0, precision = 0, recall = 0, f1 = 0;
  double auc = 0;  // NaN with one class
  double logloss = 0;

  // {"accuracy":..,"precision":..,"recall":..,"f1":..,"auc":..,"logloss":..} (auc omitted if NaN)
  std::map<std::string, double> as_map() const;
};

struct RegressionMetrics {
  uint64_t n = 0;
  double rmse = 0, mae = 0, r2 = 0;
  std::map<std::string, double> as_map() const;  // {"rmse","mae","r2"}
};

inline constexpr double kLogLossEps = 1e-15;

BinaryMetrics binary_metrics(std::span<const double> y_true, std::span<const double> score,
                             double threshold = 0.5);
double roc_auc(std::span<const double> y_true, std::span<const double> score);
double log_loss(std::span<const double> y_true, std::span<const double> score,
                double eps = kLogLossEps);
RegressionMetrics regression_metrics(std::span<const double> y_true, std::span<const double> pred);

// Whether a metric is "higher is better" (auc, accuracy, f1, precision, recall, r2) or lower
// (logloss, mlogloss, rmse, mae). Unknown names count as higher-is-better.
bool higher_is_better(const std::string& metric);

// Multiclass: `prob` is rows x num_class probabilities.
//   accuracy  share of rows whose most probable class (first on ties) is the label
//   mlogloss  mean of -log(p[label]) with p clipped to [1e-15, 1 - 1e-15], as XGBoost/sklearn
std::map<std::string, double> multiclass_metrics(std::span<const float> y,
                                                 std::span<const float> prob, int num_class);

// The metrics recorded for a task ("binary" | "regression" | "multiclass"). `pred`: one value
// per row, or rows x num_class probabilities for multiclass.
std::map<std::string, double> eval_metrics(const std::string& task, std::span<const float> y,
                                           std::span<const float> pred, int num_class);

}  // namespace mlo::metrics
