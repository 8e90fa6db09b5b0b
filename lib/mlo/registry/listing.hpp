// Model summaries for `mlo list`, built from key listings only plus (optionally) one manifest
// per model: the model names come from one list_children("models/"), version counts and
// aliases from listing each model's versions/ and aliases/ (events/ is never read), so listing
// a store of thousands of versions parses only the latest manifest of each model. Sorted by
// name.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/registry/manifest.hpp"
#include "mlo/registry/state.hpp"
#include "mlo/store/store.hpp"

namespace mlo {

struct ModelSummary {
  std::string name;
  size_t versions = 0;
  int64_t latest = 0;
  std::vector<std::string> aliases;             // alias names, sorted
  std::optional<ModelVersion> latest_manifest;  // when read_latest; nullopt if it failed to load
  std::string latest_error;                     // why it failed to load
};

Result<std::vector<ModelSummary>> summarize_models(Store& store, bool read_latest);

// Versions matching every given filter, with their effective state (state.hpp) from the audit
// chain. Reads each candidate model's manifests and events, so it is for one model or a
// moderate store, not the fast path above.
struct VersionQuery {
  std::string name;                           // "" = every model
  std::map<std::string, std::string> labels;  // effective label k must equal v
  std::string status;                         // "" or candidate|approved|rejected|archived
  std::string alias;                          // "" or an alias the version must hold
  std::string sort_metric;  // "" = by name, version; else by this metric, highest first
};

struct VersionRow {
  ModelVersion manifest;
  std::string digest;
  VersionState state;
  std::vector<std::string> aliases;
};

// kUsage for a bad status, alias or model name; kNotFound for an unknown named model.
Result<std::vector<VersionRow>> query_versions(Store& store, const VersionQuery& query);

}  // namespace mlo
