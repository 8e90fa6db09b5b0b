// The YAML form of audit events (models/<name>/events/<N>.yaml). Each event holds the digest
// of event N-1's exact bytes in `previous`, so rewriting any past event breaks the chain.
// With MLO_AUDIT_KEY set, event_to_yaml also signs the text (audit.hpp).
// append_event/read_events (registry.hpp) use these.
#pragma once

#include <string>

#include "mlo/core/result.hpp"
#include "mlo/registry/registry.hpp"

namespace mlo {

std::string event_to_yaml(const std::string& model, const Event& event);
// Validates apiVersion/kind/model/number/type; kInvalidInput naming `what` otherwise.
Result<Event> event_from_yaml(const std::string& text, const std::string& what,
                              const std::string& model);

// A read event with the digest of its bytes, for chain checks.
struct StoredEvent {
  Event event;
  std::string digest;
};
// Like append_event, but idempotent by fields["id"] (required): when the chain already holds
// an event with that id, that event is returned and nothing is written. Used where a write is
// recorded in two places (alias record, then event) so a crash between them can be finished
// later without a duplicate.
Result<Event> append_event_once(Store& store, const std::string& name, Event event);

// Reads events 1..N in order. Unparsable events are errors (kInvalidInput naming the key).
Result<std::vector<StoredEvent>> read_stored_events(Store& store, const std::string& name);

}  // namespace mlo
