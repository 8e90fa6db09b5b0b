// Global feature importance of a version: mean |SHAP| per feature on (up to 20,000 rows of) its
// evaluation data, computed with XGBoost's exact TreeSHAP at train time and stored in the
// version's monitoring artifact (drift/prediction.hpp).
#pragma once

#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/registry/manifest.hpp"
#include "mlo/store/store.hpp"

namespace mlo::monitor {

struct FeatureImportance {
  std::string feature;
  double mean_abs_shap = 0;
  double share = 0;  // of the sum over features
};

// Most important first. kNotFound when the version stores no importance (registered without
// training, or trained by an older mlo).
Result<std::vector<FeatureImportance>> feature_importance(Store& store, const ModelVersion& mv);

}  // namespace mlo::monitor
