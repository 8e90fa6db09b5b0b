// The registry: model versions, references and the audit chain over a Store.
// Write order is always blobs -> manifest -> event, so a crash leaves only unreferenced blobs or
// a complete version without its `registered` event (verify reports it as a note).
// Version and event numbers are allocated by put_new of N, retrying N+1 on kConflict.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/registry/manifest.hpp"
#include "mlo/store/store.hpp"

namespace mlo {

// An artifact to store: either bytes in memory or a file path (streamed, any size).
struct ArtifactInput {
  std::string media_type;
  std::optional<std::string> bytes;
  std::optional<std::string> path;
};

struct RegisterRequest {
  // Copied into the new manifest as given, except: version, created and created_by are set by
  // register_version; artifacts are replaced by the stored `artifacts` below; environment keeps
  // the caller's entries (e.g. xgboost, which lib/registry does not link against) and gains
  // mlo/os/arch when absent.
  ModelVersion manifest;
  std::map<std::string, ArtifactInput> artifacts;  // key: "model", "preprocess", "baseline", ...
  bool if_new = false;   // identical artifacts+metadata already registered -> return that version
  bool dry_run = false;  // validate and hash, write nothing
};

struct RegisterResult {
  ModelVersion manifest;
  bool existed = false;         // --if-new found an identical version
  std::string manifest_digest;  // digest of the manifest bytes (empty for a dry run)
  // Set when the manifest was written but its `registered` event could not be appended (after
  // retries): the version exists but reads refuse it until repair_registration runs.
  std::string event_warning;
  double hash_seconds = 0;      // time spent storing artifacts (hash, plus copy when new)
  uint64_t hashed_bytes = 0;    // their total size
};

Result<RegisterResult> register_version(Store& store, RegisterRequest request);

// Appends the missing `registered` event of a version whose registration was interrupted after
// its manifest was written, recording the manifest's current digest (marked repaired: true).
// kConflict when the version already has one. Returns the event number.
Result<int64_t> repair_registration(Store& store, const std::string& name, int64_t version);

// "name" (latest), "name:N", "name@alias", "sha256:<manifest digest>".
// kUsage for a malformed reference, kNotFound when it resolves to nothing.
Result<ModelVersion> resolve_ref(Store& store, const std::string& ref);

// A manifest with where it lives and the digest of its bytes (what `sha256:` refs and events name).
struct VersionRecord {
  ModelVersion manifest;
  std::string key;
  std::string digest;
};
// Every read through a reference is trusted: the manifest's bytes must hash to the digest
// recorded by the version's `registered` event (name, name:N) or by the alias record
// (name@alias); kIntegrity otherwise, and for a version without a `registered` event. `name`
// alone means the newest version that has a `registered` event.
Result<VersionRecord> resolve_version(Store& store, const std::string& ref);
// name:N with the trust check above.
Result<VersionRecord> load_trusted_version(Store& store, const std::string& name, int64_t version);
// Loads and validates models/<name>/versions/<N>.yaml; kIntegrity when its content names
// another model or version than its key.
Result<VersionRecord> load_version_record(Store& store, const std::string& name, int64_t version);
Result<ModelVersion> load_version(Store& store, const std::string& name, int64_t version);
Result<std::vector<std::string>> list_models(Store& store);
// Sorted ascending; empty when the model has no versions.
Result<std::vector<int64_t>> version_numbers(Store& store, const std::string& name);
// Sorted ascending; kNotFound when the model has no versions.
Result<std::vector<int64_t>> list_versions(Store& store, const std::string& name);

// Reads an artifact's bytes by manifest key ("model", "preprocess", "baseline"), digest-checked.
Result<std::string> read_artifact(Store& store, const ModelVersion& mv, const std::string& key);

struct Event {
  int64_t number = 0;
  // registered | approved | rejected | promoted | forced | rolled_back | archived | annotated
  std::string type;
  std::string time;
  std::string actor;
  std::string previous;                       // digest of event N-1's bytes ("" for the first)
  std::map<std::string, std::string> fields;  // version, alias, reason, ...
};

// Appends an event to models/<name>/events/<N>.yaml (create-only), linking it to the previous
// one; on a lost race it re-reads the latest event and retries. Fills number and previous,
// and time/actor when empty. The event's YAML form is in events.hpp.
Result<Event> append_event(Store& store, const std::string& name, Event event);
Result<std::vector<Event>> read_events(Store& store, const std::string& name);

// Run records: runs/<yyyy-mm-dd>/<run-id>.yaml, create-only. `yaml_text` must be a YAML
// mapping (kInvalidInput otherwise); it is stored as given. Returns the key.
Result<std::string> write_run_record(Store& store, const std::string& yaml_text);

}  // namespace mlo
