// What differs between two versions, field by field, for `mlo diff`. Bookkeeping that always
// differs (version, created) is reported too, so the output says what the two versions are.
#pragma once

#include <string>
#include <vector>

#include "mlo/registry/manifest.hpp"

namespace mlo {

struct FieldDiff {
  std::string field;  // dotted path: "params.max_depth", "metrics.auc", "artifacts.model",
                      // "schema.features[2]"
  std::string a;      // "" when absent on that side
  std::string b;
};

// In a stable order: header fields, artifacts, schema, training, params, metrics, environment,
// labels.
std::vector<FieldDiff> diff_versions(const ModelVersion& a, const ModelVersion& b);

}  // namespace mlo
