// State changes of model versions, each recorded as an audit event: reviews (approve, reject,
// archive, annotate) and alias moves (promote, rollback).
//
// An alias move is a compare-and-swap of the alias record (Store::put_if on the etag read before
// the gates ran) followed by its event. Before the swap, the event of the record being replaced
// is appended if a crash had left it out (append_event_once on the record's id), so the chain
// holds alias moves in the order they happened and the last one always matches the record (or
// is finished by the next move). The loser of a race gets kConflict and writes nothing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/registry/alias.hpp"
#include "mlo/registry/gates.hpp"
#include "mlo/registry/registry.hpp"
#include "mlo/store/store.hpp"

namespace mlo {

enum class Review { kApprove, kReject, kArchive };

struct ReviewRequest {
  std::string ref;
  Review kind = Review::kApprove;
  std::string text;  // approve: comment (optional); reject/archive: reason (reject: required)
};

struct ReviewResult {
  std::string name;
  int64_t version = 0;
  Event event;
  VersionState state;  // after the event
};

// kRefused when the version's status forbids it (approving a rejected or archived version,
// rejecting an archived one, archiving a version that an alias points at); kUsage when a
// reject has no reason.
Result<ReviewResult> review_version(Store& store, const ReviewRequest& request);

struct AnnotateRequest {
  std::string ref;
  std::map<std::string, std::string> labels;  // an empty value removes the label
  std::optional<std::string> description;
};
// kUsage when there is nothing to record or a label key is malformed.
Result<ReviewResult> annotate_version(Store& store, const AnnotateRequest& request);

struct PromoteRequest {
  std::string ref;
  std::string alias;
  std::string reason;
  bool force = false;  // bypass failed gates; needs a reason; recorded as `forced`
  std::optional<std::string> policy_file;
  std::string scorer_xgboost;  // the running binary's XGBoost version
  bool dry_run = false;        // evaluate the gates and say what would happen; write nothing
};

struct PromoteResult {
  std::string name;
  int64_t version = 0;
  std::string alias;
  int64_t previous_version = 0;  // 0: the alias did not exist
  std::vector<GateResult> gates;
  std::string policy_source;
  bool refused = false;    // a gate failed and force was not set: nothing written
  bool forced = false;     // a gate failed and force bypassed it
  bool unchanged = false;  // the alias already pointed at this version: nothing written
  bool dry_run = false;    // the request was a dry run: nothing written (refused/forced say
                           // what the real run would do)
  Event event;             // the promoted/forced event (when written)
};

// kRefused is NOT returned for failed gates: `refused` is set so the caller can show every gate.
Result<PromoteResult> promote_version(Store& store, const PromoteRequest& request);

struct RollbackResult {
  std::string name;
  std::string alias;
  int64_t from_version = 0;
  int64_t to_version = 0;
  Event event;
};
// Moves the alias back to the version it held before its last move (kNotFound when there was
// none), as a new `rolled_back` event.
Result<RollbackResult> rollback_alias(Store& store, const std::string& name,
                                      const std::string& alias, const std::string& reason);

// The event an alias record stands for (type, alias, version, from, id, reason, …).
Event alias_move_event(const std::string& name, const AliasRecord& record);

}  // namespace mlo
