// JSON views of registry documents for `--json` output. The field names follow the YAML forms
// (docs/store-format.md), so a script reading either sees the same structure.
#pragma once

#include <nlohmann/json.hpp>

#include "mlo/registry/alias.hpp"
#include "mlo/registry/manifest.hpp"
#include "mlo/registry/registry.hpp"

namespace mlo {

nlohmann::json manifest_to_json(const ModelVersion& mv);
nlohmann::json event_to_json(const Event& event);
nlohmann::json alias_to_json(const AliasRecord& alias);

}  // namespace mlo
