// The registry: model versions, references and the audit chain over a Store.
// Write order is always blobs -> manifest -> event, so a crash leaves only unreferenced blobs.
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
  // Everything except name/version/created/created_by/artifacts/environment is copied into
  // the manifest as given; those are filled in by register_version.
  ModelVersion manifest;
  std::map<std::string, ArtifactInput> artifacts;  // key: "model", "preprocess", "baseline", ...
  bool if_new = false;   // identical artifacts+metadata already registered -> return that version
  bool dry_run = false;  // validate and hash, write nothing
};

struct RegisterResult {
  ModelVersion manifest;
  bool existed = false;  // --if-new found an identical version
};

Result<RegisterResult> register_version(Store& store, RegisterRequest request);

// "name" (latest), "name:N", "name@alias", "sha256:<manifest digest>".
// kUsage for a malformed reference, kNotFound when it resolves to nothing.
Result<ModelVersion> resolve_ref(Store& store, const std::string& ref);
Result<ModelVersion> load_version(Store& store, const std::string& name, int64_t version);
Result<std::vector<std::string>> list_models(Store& store);
Result<std::vector<int64_t>> list_versions(Store& store, const std::string& name);

// Reads an artifact's bytes by manifest key ("model", "preprocess", "baseline"), digest-checked.
Result<std::string> read_artifact(Store& store, const ModelVersion& mv, const std::string& key);

struct Event {
  int64_t number = 0;
  std::string type;  // registered | promoted | approved | rolled_back | status
  std::string time;
  std::string actor;
  std::string previous;  // digest of event N-1's bytes ("" for the first)
  std::map<std::string, std::string> fields;  // version, alias, reason, ...
};

// Appends an event to models/<name>/events/, linking it to the previous one.
Result<Event> append_event(Store& store, const std::string& name, Event event);
Result<std::vector<Event>> read_events(Store& store, const std::string& name);

// Run records: runs/<yyyy-mm-dd>/<run-id>.yaml. `record` is a YAML mapping text body.
Result<std::string> write_run_record(Store& store, const std::string& yaml_text);  // returns key

}  // namespace mlo
