// Aliases: models/<name>/aliases/<alias>.yaml. `manifest` is the digest of the version's
// manifest bytes (what reads through name@alias trust). Written with put_if (compare-and-swap)
// by promote/rollback, BEFORE the audit event of the move: the record carries everything that
// event holds (id, type, actor, time, reason, the previous holder), so a crash between the two
// writes is finished later by appending the event from the record (append_event_once on `id`).
// Records written before ids existed have `event` (a number) instead.
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
  int64_t event = 0;  // legacy: number of the event that moved it (0 when unknown)
  std::string id;     // id of the audit event of this move ("" for legacy records)
  std::string type;   // promoted | forced | rolled_back
  std::string actor;
  std::string time;
  std::string reason;
  int64_t previous_version = 0;  // the holder before this move (0: none)
  std::string previous_manifest;

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
