#include "mlo/registry/alias.hpp"

#include <yaml-cpp/yaml.h>

#include "mlo/core/digest.hpp"
#include "mlo/core/yaml_io.hpp"
#include "mlo/registry/keys.hpp"
#include "mlo/registry/manifest.hpp"
#include "mlo/registry/yaml_fields.hpp"

namespace mlo {
namespace {

Result<AliasRecord> decode_alias(const YAML::Node& doc, const std::string& what,
                                 const std::string& alias) {
  if (!doc.IsMap()) return make_error(ErrorCode::kInvalidInput, what + ": not a mapping");
  AliasRecord rec;
  rec.alias = alias;
  MLO_ASSIGN_OR_RETURN(rec.version, require_int(doc, "version", what));
  if (rec.version < 1)
    return make_error(ErrorCode::kInvalidInput, what + ": field 'version': must be >= 1");
  MLO_ASSIGN_OR_RETURN(rec.manifest, optional_string(doc, "manifest", what));
  if (!rec.manifest.empty() && !is_valid_digest(rec.manifest))
    return make_error(ErrorCode::kInvalidInput, what + ": field 'manifest': not a sha256 digest");
  MLO_ASSIGN_OR_RETURN(rec.event, optional_int(doc, "event", what, 0));
  MLO_ASSIGN_OR_RETURN(rec.id, optional_string(doc, "id", what));
  MLO_ASSIGN_OR_RETURN(rec.type, optional_string(doc, "type", what));
  MLO_ASSIGN_OR_RETURN(rec.actor, optional_string(doc, "actor", what));
  MLO_ASSIGN_OR_RETURN(rec.time, optional_string(doc, "time", what));
  MLO_ASSIGN_OR_RETURN(rec.reason, optional_string(doc, "reason", what));
  MLO_ASSIGN_OR_RETURN(rec.previous_version, optional_int(doc, "previous_version", what, 0));
  if (rec.previous_version < 0)
    return make_error(ErrorCode::kInvalidInput, what + ": field 'previous_version': negative");
  MLO_ASSIGN_OR_RETURN(rec.previous_manifest, optional_string(doc, "previous_manifest", what));
  if (!rec.previous_manifest.empty() && !is_valid_digest(rec.previous_manifest))
    return make_error(ErrorCode::kInvalidInput,
                      what + ": field 'previous_manifest': not a sha256 digest");
  return rec;
}

}  // namespace

std::string AliasRecord::to_yaml() const {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "version" << YAML::Value << version;
  out << YAML::Key << "manifest" << YAML::Value << manifest;
  if (event != 0 || id.empty()) out << YAML::Key << "event" << YAML::Value << event;
  auto text = [&out](const char* key, const std::string& value) {
    if (!value.empty()) out << YAML::Key << key << YAML::Value << value;
  };
  text("id", id);
  text("type", type);
  text("actor", actor);
  text("time", time);
  text("reason", reason);
  if (previous_version > 0) {
    out << YAML::Key << "previous_version" << YAML::Value << previous_version;
    text("previous_manifest", previous_manifest);
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

Result<AliasRecord> AliasRecord::from_yaml(const std::string& text, const std::string& what,
                                           const std::string& alias) {
  MLO_ASSIGN_OR_RETURN(YAML::Node doc, parse_yaml(text, what));
  try {
    return decode_alias(doc, what, alias);
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kInvalidInput, what + ": " + e.msg);
  }
}

Status validate_alias_name(const std::string& alias) {
  auto bad = [&](const std::string& why) {
    return make_error(ErrorCode::kUsage, "invalid alias '" + alias + "': " + why);
  };
  if (alias.empty()) return bad("empty");
  if (alias.size() > 64) return bad("longer than 64 characters");
  auto lower_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_alnum(alias[0])) return bad("must start with a lowercase letter or digit");
  for (char c : alias)
    if (!lower_alnum(c) && c != '.' && c != '_' && c != '-')
      return bad("only lowercase letters, digits, '.', '_' and '-' are allowed");
  if (alias.find("..") != std::string::npos) return bad("must not contain '..'");
  return {};
}

Result<AliasRecord> read_alias(Store& store, const std::string& name, const std::string& alias) {
  MLO_TRY(validate_model_name(name));
  MLO_TRY(validate_alias_name(alias));
  const std::string key = alias_key(name, alias);
  auto bytes = store.get(key);
  if (!bytes.ok()) {
    if (bytes.error().code == ErrorCode::kNotFound)
      return make_error(ErrorCode::kNotFound, "model '" + name + "' has no alias '" + alias + "'");
    return bytes.error();
  }
  return AliasRecord::from_yaml(*bytes, key, alias);
}

Result<std::vector<AliasRecord>> list_aliases(Store& store, const std::string& name) {
  MLO_TRY(validate_model_name(name));
  const std::string prefix = aliases_prefix(name);
  MLO_ASSIGN_OR_RETURN(std::vector<std::string> keys, store.list(prefix));
  std::vector<AliasRecord> out;
  for (const auto& key : keys) {
    std::string leaf = key.substr(prefix.size());
    if (leaf.size() <= 5 || leaf.substr(leaf.size() - 5) != ".yaml") continue;
    std::string alias = leaf.substr(0, leaf.size() - 5);
    if (!validate_alias_name(alias).ok()) continue;
    MLO_ASSIGN_OR_RETURN(std::string bytes, store.get(key));
    MLO_ASSIGN_OR_RETURN(AliasRecord rec, AliasRecord::from_yaml(bytes, key, alias));
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace mlo
