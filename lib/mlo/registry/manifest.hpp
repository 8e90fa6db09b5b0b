// ModelVersion: the manifest at models/<name>/versions/<N>.yaml (DESIGN.md section 3).
// Written once, never edited. from_yaml validates everything a later command relies on, so a
// corrupt or foreign manifest fails with kInvalidInput here and nowhere deeper.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlo/core/result.hpp"

namespace mlo {

inline constexpr const char* kApiVersion = "mlo/v1";

struct Artifact {
  std::string digest;  // "sha256:<hex>"
  uint64_t size = 0;
  std::string media_type;  // "application/ubjson", "application/yaml", ...
};

struct FeatureSpec {
  std::string name;
  std::string type;  // "numeric" | "categorical"
};

struct DataRef {
  std::string digest;
  uint64_t rows = 0;
  std::string source;
};

// training.eval.champion: the alias holder at retrain time, evaluated on THIS version's eval data
// (training.eval.data), so the promotion gate can compare the two on the same rows.
struct ChampionEval {
  std::string alias;  // the alias it held, may be empty
  int64_t version = 0;
  std::string manifest;  // digest of that version's manifest, may be empty
  std::map<std::string, double> metrics;
};

struct ModelVersion {
  std::string name;
  int64_t version = 0;
  std::string created;  // RFC 3339
  std::string created_by;
  std::string task = "binary";  // binary | regression | multiclass
  std::string status = "candidate";
  std::map<std::string, Artifact> artifacts;  // model, preprocess, baseline, recipe, ...
  std::vector<FeatureSpec> features;          // schema.features, in model order
  std::string target;                         // schema.target.name, may be empty
  std::vector<std::string> passthrough;       // schema.passthrough (id columns)
  std::optional<DataRef> training_data;
  std::map<std::string, std::string> params;  // hyperparameters as given
  std::optional<DataRef> eval_data;
  std::map<std::string, double> metrics;  // training.eval.metrics
  std::optional<ChampionEval> champion;   // training.eval.champion
  std::optional<int64_t> parent;
  std::map<std::string, std::string> environment;  // mlo, xgboost, os, arch
  std::map<std::string, std::string> labels;

  std::string to_yaml() const;
  static Result<ModelVersion> from_yaml(const std::string& text, const std::string& what);
};

// What verify needs of a manifest it does not re-validate.
struct ManifestRefs {
  std::string name;
  int64_t version = 0;
  std::map<std::string, Artifact> artifacts;
};
// Reads name, version and artifacts from a manifest in the form to_yaml() writes, without a
// YAML tree. Only for bytes already known to be a manifest from_yaml() accepted (they hash to
// the digest a `registered` event recorded): it checks the form of these three fields, not the
// rest of the document. nullopt when the text is not in that form; use from_yaml() then.
std::optional<ManifestRefs> scan_manifest_refs(std::string_view text);

// Model names: [a-z0-9][a-z0-9._-]{0,127}, no "..". Anything else is kUsage.
Status validate_model_name(const std::string& name);

}  // namespace mlo
