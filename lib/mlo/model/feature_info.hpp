// The feature names and types an XGBoost model carries when it was trained elsewhere, e.g.
// from a pandas DataFrame (`learner.feature_names` / `learner.feature_types` in the saved
// model). `mlo register` uses them instead of inventing f0..fN when no preprocess spec is given.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/model/model_document.hpp"

namespace mlo {

struct EmbeddedFeature {
  std::string name;
  bool categorical = false;  // feature type "c" (XGBoost's native categorical features)
};

// The features a parsed model records, in model order, or an empty list when it records no
// names. Types: "c" is categorical; "q", "float", "int", "i" and a missing
// type list are numeric. kInvalidInput for unparsable bytes, a type list whose length differs
// from the name list, an unknown type or a duplicate name.
Result<std::vector<EmbeddedFeature>> embedded_features(const ModelDocument& model);
// The same from a JSON or UBJSON model file (ModelDocument::parse's errors first).
Result<std::vector<EmbeddedFeature>> embedded_features(std::string_view model_bytes);

}  // namespace mlo
