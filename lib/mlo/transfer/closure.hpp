// The closure of a model: every key that makes up its history in a store, read once so a copy
// or an export works from one consistent snapshot (DESIGN.md section 8).
//
//   models/<name>/events/1..E.yaml     the audit chain, contiguous, links checked
//   models/<name>/versions/N.yaml      the manifests (each parsed, name and number checked)
//   models/<name>/aliases/<a>.yaml     the alias records
//   objects/sha256/..                  every blob a manifest's artifacts name
//
// With a version, the closure is that version's history: the chain up to and including the
// event that registered it, the versions registered in that prefix (so every `registered`
// event still names a manifest that is present) and the aliases whose last move is in it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/registry/alias.hpp"
#include "mlo/registry/registry.hpp"
#include "mlo/store/store.hpp"

namespace mlo {

struct ClosureDoc {
  std::string key;
  std::string bytes;
};

struct ClosureBlob {
  std::string digest;  // "sha256:<hex>"
  uint64_t size = 0;   // as recorded by the manifest
};

struct ModelClosure {
  std::string name;
  std::vector<ClosureBlob> blobs;     // unique, in order of first reference
  std::vector<ClosureDoc> manifests;  // ascending version
  std::vector<ClosureDoc> events;     // 1..E in order
  std::vector<ClosureDoc> aliases;    // by alias name
  std::vector<Event> parsed_events;   // events[i] parsed (alias ancestry)

  uint64_t blob_bytes() const;
};

// kNotFound when the model (or the version) does not exist; kInvalidInput for a document that
// does not parse; kIntegrity for a gap or broken link in the chain, a manifest under another
// name or number than its key, a `registered` event whose manifest is missing or has other
// bytes than it recorded, or an alias to a missing version or other manifest bytes: a closure
// is always a history `verify` accepts, so a copy never spreads a damaged one.
Result<ModelClosure> model_closure(Store& store, const std::string& name,
                                   std::optional<int64_t> version = std::nullopt);

// Where in the chain an alias record's move is: the number of the move event that carries its
// id (or, for legacy records, its `event` number); kPending (after every event) when the record
// has an id the chain does not hold yet (a move whose event a crash left out); nullopt when
// the record cannot be placed at all.
inline constexpr int64_t kPendingMove = INT64_MAX;
std::optional<int64_t> alias_move_position(const std::vector<Event>& chain,
                                           const AliasRecord& record);

}  // namespace mlo
