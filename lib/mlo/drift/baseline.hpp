// The "baseline" artifact of a version: ONE function builds it for train, register and retrain,
// so a version's drift reference never depends on which command registered it.
//
// One streaming pass over the file (CSV or JSON Lines, any compression; memory bounded by the
// chunk size plus the baseline's retained numeric values, see ProfileBuilder::baseline) over
// the given features. Numeric values are rounded to float precision, as the model sees them.
#pragma once

#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/drift/profile.hpp"

namespace mlo::drift {

// Declarations in model order: `numeric` then `categorical` (the order train encodes).
std::vector<FeatureDecl> feature_decls(const std::vector<std::string>& numeric,
                                       const std::vector<std::string>& categorical);

// The baseline profile's JSON bytes (media type kProfileMediaType). kInvalidInput naming the
// file when a feature column is missing or the file has no data rows; read errors keep their
// code and name the file.
Result<std::string> build_baseline(const std::string& path,
                                   const std::vector<FeatureDecl>& features);

}  // namespace mlo::drift
