// One run-record schema for every kind of run (score, drift, retrain, promote, …), stored at
// runs/<yyyy-mm-dd>/<id>.yaml, create-only:
//
//   schema: mlo/run/v1
//   kind: drift                      # score | drift | retrain | promote | …
//   id: 20261122T120000Z-1a2b3c4d
//   started: 2026-11-22T12:00:00Z
//   finished: 2026-11-22T12:00:04Z
//   actor: alice
//   exit_code: 8
//   model: {ref: flights@champion, name: flights, version: 3, manifest_digest: sha256:…}
//   inputs:  [{role: current, path: /abs/batch.csv, digest: sha256:…, bytes: 123}]
//   outputs: [{role: report, path: /abs/drift.html}]
//   body: {…}                        # kind-specific mapping, written by the kind's owner
//
// `mlo log --runs` reads this shape only (run_log.hpp). A kind adds its own body through
// write_run_record(store, header, body) without touching the header code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "mlo/core/result.hpp"
#include "mlo/store/store.hpp"

namespace mlo {

inline constexpr const char* kRunSchema = "mlo/run/v1";

struct RunFile {
  std::string role;    // "input", "current", "reference", "output", "report", …
  std::string path;    // absolute where it is a local file; "-" for stdin/stdout
  std::string digest;  // "sha256:…" or "" when not computed
  uint64_t bytes = 0;
};

struct RunModel {
  std::string ref;  // as given on the command line
  std::string name;
  int64_t version = 0;
  std::string manifest_digest;
};

struct RunHeader {
  std::string kind;
  std::string id;                 // new_run_id() when empty
  std::string started, finished;  // RFC 3339; finished = now when empty
  std::string actor;              // current_actor() when empty
  int exit_code = 0;
  RunModel model;
  std::vector<RunFile> inputs, outputs;
};

// An absolute, normalised form of a local path ("-" and URLs unchanged).
std::string absolute_path(const std::string& path);

// The record's YAML text. kInvalidInput for an empty or unsafe kind/id or a body that is
// neither null nor a mapping. Fills id/finished/actor when empty (on `header`).
Result<std::string> run_record_yaml(RunHeader& header, const YAML::Node& body);

// Writes the record at runs/<today>/<id>.yaml (create-only). Returns the key.
Result<std::string> write_run_record(Store& store, RunHeader header, const YAML::Node& body);

}  // namespace mlo
