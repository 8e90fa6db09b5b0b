// The registry's key layout in a store (DESIGN.md section 2, docs/store-format.md).
// Names passed here must already be validated (validate_model_name / validate_alias_name).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mlo {

inline constexpr const char* kStoreMarkerKey = "mlo-store.yaml";
inline constexpr const char* kModelsPrefix = "models/";
inline constexpr const char* kObjectsPrefix = "objects/";

inline std::string model_prefix(const std::string& name) {
  return kModelsPrefix + name + "/";
}
inline std::string versions_prefix(const std::string& name) {
  return model_prefix(name) + "versions/";
}
inline std::string events_prefix(const std::string& name) {
  return model_prefix(name) + "events/";
}
inline std::string aliases_prefix(const std::string& name) {
  return model_prefix(name) + "aliases/";
}
inline std::string version_key(const std::string& name, int64_t n) {
  return versions_prefix(name) + std::to_string(n) + ".yaml";
}
inline std::string event_key(const std::string& name, int64_t n) {
  return events_prefix(name) + std::to_string(n) + ".yaml";
}
inline std::string alias_key(const std::string& name, const std::string& alias) {
  return aliases_prefix(name) + alias + ".yaml";
}

// "<prefix><N>.yaml" with N a positive decimal without leading zeros -> N; anything else ->
// nullopt.
std::optional<int64_t> parse_numbered_key(std::string_view key, std::string_view prefix);

// "objects/sha256/ab/<62 hex>" -> "sha256:ab<62 hex>"; "" for any other key (the inverse of
// blob_key for valid blob keys only).
std::string digest_of_blob_key(std::string_view key);

// Splits "models/<name>/<kind>/<leaf>" into its parts; nullopt for keys of any other shape.
struct ModelKey {
  std::string name;
  std::string kind;  // "versions" | "events" | "aliases" | anything else found in the store
  std::string leaf;
};
std::optional<ModelKey> split_model_key(std::string_view key);

}  // namespace mlo
