// Model summaries for `mlo list`, built from key listings only plus (optionally) one manifest
// per model: the model names come from one list_children("models/"), version counts and
// aliases from listing each model's versions/ and aliases/ (events/ is never read), so listing
// a store of thousands of versions parses only the latest manifest of each model. Sorted by
// name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/registry/manifest.hpp"
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

}  // namespace mlo
