// The effective state of versions, derived from the audit chain (manifests are immutable, so a
// status change, an approval or a label is an event). Pure functions over read events.
//
// Status rules, in chain order per version: `approved` adds its actor to the approvers and makes
// a candidate approved; `rejected` makes it rejected; `archived` makes it archived. `annotated`
// sets labels (fields "label.<k>" = v, an empty v removes k) and the description.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mlo/registry/manifest.hpp"
#include "mlo/registry/registry.hpp"

namespace mlo {

inline constexpr const char* kLabelFieldPrefix = "label.";

struct VersionState {
  int64_t version = 0;
  std::string status = "candidate";  // candidate | approved | rejected | archived
  std::vector<std::string> approvers;  // distinct actors, first approval first
  std::map<std::string, std::string> labels;  // the manifest's, overlaid by annotations
  std::string description;
};

// The state of `mv` given its model's events (other versions' events are ignored).
VersionState derive_state(const ModelVersion& mv, const std::vector<Event>& events);

// fields["version"] as a number; 0 when absent or malformed.
int64_t event_version(const Event& event);

}  // namespace mlo
