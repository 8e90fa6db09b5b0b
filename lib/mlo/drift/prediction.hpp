// Prediction drift and the monitoring artifact. At train time the version stores, next to the
// feature baseline, a "monitoring" artifact (JSON, schema mlo/monitoring/v1) computed on the
// evaluation data:
//   - a profile of the model's own outputs: "prediction" (numeric: P(y=1) for binary, the value
//     for regression, the top probability for multiclass) and, for classifiers,
//     "predicted_class" (categorical: the class at the decision threshold / the argmax);
//   - binary: the isotonic calibration map used by CBPE (calibration.hpp, cbpe.hpp);
//   - optionally the global feature importance (mean |SHAP| per feature).
// drift profiles a batch's outputs against it with the same statistics and policy as features.
#pragma once

#include <map>
#include <span>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/drift/calibration.hpp"
#include "mlo/drift/profile.hpp"

namespace mlo::drift {

inline constexpr const char* kMonitoringSchema = "mlo/monitoring/v1";
inline constexpr const char* kPredictionFeature = "prediction";
inline constexpr const char* kPredictedClassFeature = "predicted_class";

struct MonitoringBaseline {
  std::string task;  // binary | regression | multiclass
  double threshold = 0.5;
  uint64_t rows = 0;  // eval rows it was computed on
  Profile predictions;
  CalibrationMap calibration;                // binary only
  std::map<std::string, double> importance;  // feature -> mean |SHAP|; may be empty

  std::string to_json() const;
  static Result<MonitoringBaseline> from_json(std::string_view bytes, const std::string& what);
};

// Rows of the eval data whose SHAP values make the stored importance (bounds train-time cost).
inline constexpr size_t kImportanceRows = 20000;

// `outputs`: rows x num_outputs values as the model predicts them (num_outputs = num_class for
// multiclass, else 1); `labels` 0/1 for binary (used for calibration), ignored otherwise.
// `contributions`: XGBoost pred_contribs of the first rows (rows' x groups x (features + 1));
// empty for no importance.
MonitoringBaseline monitoring_baseline(const std::string& task, std::span<const float> labels,
                                       std::span<const float> outputs, int num_outputs,
                                       const std::vector<std::string>& feature_names = {},
                                       std::span<const float> contributions = {},
                                       double threshold = 0.5);

// Mean |SHAP| per feature over rows and groups (bias excluded).
std::map<std::string, double> mean_abs_contribution(const std::vector<std::string>& feature_names,
                                                    std::span<const float> contributions);

// The prediction features of one row of outputs, as (value, class label) for ProfileBuilder;
// class is "" for regression.
std::pair<double, std::string> prediction_of(const std::string& task, const float* outputs,
                                             int num_outputs, double threshold);

}  // namespace mlo::drift
