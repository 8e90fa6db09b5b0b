#include "mlo/registry/policy.hpp"

#include <cmath>
#include <set>

#include "mlo/core/yaml_io.hpp"
#include "mlo/registry/alias.hpp"
#include "mlo/registry/manifest.hpp"
#include "mlo/registry/yaml_fields.hpp"

namespace mlo {
namespace {

constexpr const char* kDefaultPolicy = R"(apiVersion: mlo/v1
kind: PromotionPolicy
alias: champion
metric:
  enabled: true
  name: auc
  higher_is_better: true
  margin: 0.0
approvals:
  required: 1
  actors: []
  not_creator: true
environment:
  xgboost: true
  schema: true
)";

Error bad(const std::string& what, const std::string& why) {
  return make_error(ErrorCode::kInvalidInput, what + ": " + why);
}

Status only_keys(const YAML::Node& map, const std::set<std::string>& allowed,
                 const std::string& what) {
  if (!map.IsMap()) return bad(what, "must be a mapping");
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    if (!allowed.count(key)) return bad(what, "unknown key '" + key + "'");
  }
  return {};
}

Result<bool> optional_bool(const YAML::Node& map, const std::string& key, const std::string& what,
                           bool fallback) {
  const YAML::Node node = map[key];
  if (!node) return fallback;
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
    return bad(what, "field '" + key + "': must be true or false");
  return value;
}

Result<PromotionPolicy> decode(const YAML::Node& doc, const std::string& what) {
  MLO_TRY(
      only_keys(doc, {"apiVersion", "kind", "alias", "metric", "approvals", "environment"}, what));
  MLO_ASSIGN_OR_RETURN(std::string api, require_string(doc, "apiVersion", what));
  if (api != kApiVersion) return bad(what, "unsupported apiVersion '" + api + "'");
  MLO_ASSIGN_OR_RETURN(std::string kind, require_string(doc, "kind", what));
  if (kind != "PromotionPolicy")
    return bad(what, "kind is '" + kind + "', expected PromotionPolicy");
  PromotionPolicy p;
  if (doc["alias"]) {
    MLO_ASSIGN_OR_RETURN(p.alias, optional_string(doc, "alias", what));
    if (Status st = validate_alias_name(p.alias); !st.ok())
      return bad(what, "field 'alias': " + st.error().message);
  }
  if (const YAML::Node m = doc["metric"]) {
    const std::string w = what + ": metric";
    MLO_TRY(only_keys(m, {"enabled", "name", "higher_is_better", "margin"}, w));
    MLO_ASSIGN_OR_RETURN(p.compare_metric, optional_bool(m, "enabled", w, true));
    MLO_ASSIGN_OR_RETURN(std::string name, optional_string(m, "name", w));
    if (m["name"] && name.empty()) return bad(w, "field 'name': empty");
    if (!name.empty()) p.metric = name;
    MLO_ASSIGN_OR_RETURN(p.higher_is_better, optional_bool(m, "higher_is_better", w, true));
    if (const YAML::Node margin = m["margin"]) {
      if (!margin.IsScalar() || !YAML::convert<double>::decode(margin, p.margin) ||
          !std::isfinite(p.margin) || p.margin < 0)
        return bad(w, "field 'margin': must be a number >= 0");
    }
  }
  if (const YAML::Node a = doc["approvals"]) {
    const std::string w = what + ": approvals";
    MLO_TRY(only_keys(a, {"required", "actors", "not_creator"}, w));
    MLO_ASSIGN_OR_RETURN(long long required, optional_int(a, "required", w, 1));
    if (required < 0 || required > 100) return bad(w, "field 'required': must be 0..100");
    p.required_approvals = static_cast<int>(required);
    MLO_ASSIGN_OR_RETURN(p.allowed_actors, optional_string_list(a, "actors", w));
    MLO_ASSIGN_OR_RETURN(p.approver_not_creator, optional_bool(a, "not_creator", w, true));
  }
  if (const YAML::Node e = doc["environment"]) {
    const std::string w = what + ": environment";
    MLO_TRY(only_keys(e, {"xgboost", "schema"}, w));
    MLO_ASSIGN_OR_RETURN(p.match_xgboost, optional_bool(e, "xgboost", w, true));
    MLO_ASSIGN_OR_RETURN(p.match_schema, optional_bool(e, "schema", w, true));
  }
  p.source = what;
  return p;
}

}  // namespace

const char* default_policy_yaml() {
  return kDefaultPolicy;
}

Result<PromotionPolicy> parse_policy(const std::string& text, const std::string& what) {
  MLO_ASSIGN_OR_RETURN(YAML::Node doc, parse_yaml(text, what));
  try {
    return decode(doc, what);
  } catch (const YAML::Exception& e) {
    return bad(what, e.msg);
  }
}

Result<PromotionPolicy> resolve_policy(Store& store, const std::string& model,
                                       const std::optional<std::string>& file) {
  if (file) {
    MLO_ASSIGN_OR_RETURN(YAML::Node doc, load_yaml_file(*file));
    try {
      return decode(doc, *file);
    } catch (const YAML::Exception& e) {
      return bad(*file, e.msg);
    }
  }
  const std::string keys[] = {"policies/" + model + ".yaml", "policies/promotion.yaml"};
  for (const std::string& key : keys) {
    auto bytes = store.get(key);
    if (bytes.ok()) return parse_policy(*bytes, key);
    if (bytes.error().code != ErrorCode::kNotFound) return bytes.error();
  }
  return parse_policy(kDefaultPolicy, "built-in default");
}

}  // namespace mlo
