// Aliases: models/<name>/aliases/<alias>.yaml = {version, manifest, event}. `manifest` is the
// digest of the version's manifest bytes, `event` the number of the audit event that moved the
// alias there (0 when none). Written with put_if (compare-and-swap) by promote/rollback.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/store/store.hpp"

namespace mlo {

struct AliasRecord {
  std::string alias;
  int64_t version = 0;
  std::string manifest;  // "sha256:<hex>" of the manifest bytes
  int64_t event = 0;

  std::string to_yaml() const;
  static Result<AliasRecord> from_yaml(const std::string& text, const std::string& what,
                                       const std::string& alias);
};

// Alias names: [a-z0-9][a-z0-9._-]{0,63}, no "..". kUsage otherwise.
Status validate_alias_name(const std::string& alias);
// kNotFound when the alias does not exist.
Result<AliasRecord> read_alias(Store& store, const std::string& name, const std::string& alias);
// Every alias of a model, sorted by alias name; unreadable aliases are errors.
Result<std::vector<AliasRecord>> list_aliases(Store& store, const std::string& name);

}  // namespace mlo
