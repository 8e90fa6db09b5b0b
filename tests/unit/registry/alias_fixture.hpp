// Shared by the registry unit tests.
#pragma once

#include <string>

#include "mlo/registry/alias.hpp"

// An alias record as written before moves carried their event (legacy form).
inline mlo::AliasRecord legacy_alias(const std::string& alias, int64_t version,
                                     const std::string& manifest) {
  mlo::AliasRecord r;
  r.alias = alias;
  r.version = version;
  r.manifest = manifest;
  return r;
}
