#include "mlo/drift/policy.hpp"

#include <set>

#include "mlo/core/yaml_io.hpp"

namespace mlo::drift {

bool is_pvalue_method(const std::string& method) {
  return method == "ks_pvalue" || method == "chi2_pvalue";
}

bool is_known_method(const std::string& method, bool categorical) {
  static const std::set<std::string> numeric{"psi", "js",        "ks_robust",
                                             "ks",  "ks_pvalue", "wasserstein"};
  static const std::set<std::string> cat{"psi", "js", "chi2_pvalue", "linf"};
  return categorical ? cat.count(method) > 0 : numeric.count(method) > 0;
}

const FeatureRule* Policy::rule_for(const std::string& feature) const {
  auto it = features.find(feature);
  return it == features.end() ? nullptr : &it->second;
}

namespace {

using Node = YAML::Node;

Status check_keys(const Node& map, const std::set<std::string>& allowed, const std::string& where) {
  if (!map.IsMap()) return make_error(ErrorCode::kInvalidInput, where + ": expected a mapping");
  for (const auto& kv : map) {
    const auto key = kv.first.as<std::string>();
    if (!allowed.count(key))
      return make_error(ErrorCode::kInvalidInput, where + ": unknown key '" + key + "'");
  }
  return {};
}

Result<double> number(const Node& n, const std::string& where, double min = 0) {
  try {
    const double v = n.as<double>();
    if (!(v >= min))
      return make_error(ErrorCode::kInvalidInput, where + ": must be >= " + std::to_string(min));
    return v;
  } catch (const YAML::Exception&) {
    return make_error(ErrorCode::kInvalidInput, where + ": not a number");
  }
}

Result<bool> boolean(const Node& n, const std::string& where) {
  try {
    return n.as<bool>();
  } catch (const YAML::Exception&) {
    return make_error(ErrorCode::kInvalidInput, where + ": not a boolean");
  }
}

Result<Rule> parse_rule(const Node& n, const std::string& where, bool categorical,
                        std::optional<bool> any_kind) {
  MLO_TRY(check_keys(n, {"method", "threshold"}, where));
  Rule r;
  if (!n["method"] || !n["threshold"])
    return make_error(ErrorCode::kInvalidInput, where + ": needs method and threshold");
  r.method = n["method"].as<std::string>();
  const bool ok = any_kind ? (is_known_method(r.method, false) || is_known_method(r.method, true))
                           : is_known_method(r.method, categorical);
  if (!ok)
    return make_error(ErrorCode::kInvalidInput, where + ": unknown method '" + r.method + "'");
  MLO_ASSIGN_OR_RETURN(r.threshold, number(n["threshold"], where + ".threshold"));
  return r;
}

Status parse_features(const Node& n, Policy& p, const std::string& what) {
  if (!n.IsMap())
    return make_error(ErrorCode::kInvalidInput, what + ": features: expected a mapping");
  for (const auto& kv : n) {
    const auto name = kv.first.as<std::string>();
    const std::string where = what + ": features." + name;
    MLO_TRY(check_keys(kv.second, {"method", "threshold", "weight", "ignore"}, where));
    FeatureRule fr;
    if (kv.second["method"] || kv.second["threshold"]) {
      Node rule;
      rule["method"] = kv.second["method"];
      rule["threshold"] = kv.second["threshold"];
      MLO_ASSIGN_OR_RETURN(Rule r, parse_rule(rule, where, false, true));
      fr.rule = r;
    }
    if (kv.second["weight"]) {
      MLO_ASSIGN_OR_RETURN(fr.weight, number(kv.second["weight"], where + ".weight"));
    }
    if (kv.second["ignore"]) {
      MLO_ASSIGN_OR_RETURN(fr.ignore, boolean(kv.second["ignore"], where + ".ignore"));
    }
    p.features[name] = fr;
  }
  return {};
}

Status parse_quality(const Node& n, QualityLimits& q, const std::string& where) {
  MLO_TRY(check_keys(
      n,
      {"max_null_rate_increase", "max_out_of_range_share", "max_type_error_share",
       "max_unseen_share", "allow_missing_columns", "allow_empty_batch", "fail_on_constant"},
      where));
  auto num = [&](const char* key, double& out) -> Status {
    if (n[key]) {
      MLO_ASSIGN_OR_RETURN(out, number(n[key], where + "." + key));
    }
    return {};
  };
  auto flag = [&](const char* key, bool& out) -> Status {
    if (n[key]) {
      MLO_ASSIGN_OR_RETURN(out, boolean(n[key], where + "." + key));
    }
    return {};
  };
  MLO_TRY(num("max_null_rate_increase", q.max_null_rate_increase));
  MLO_TRY(num("max_out_of_range_share", q.max_out_of_range_share));
  MLO_TRY(num("max_type_error_share", q.max_type_error_share));
  MLO_TRY(num("max_unseen_share", q.max_unseen_share));
  MLO_TRY(flag("allow_missing_columns", q.allow_missing_columns));
  MLO_TRY(flag("allow_empty_batch", q.allow_empty_batch));
  MLO_TRY(flag("fail_on_constant", q.fail_on_constant));
  return {};
}

Status parse_concept(const Node& n, ConceptPolicy& c, const std::string& where) {
  MLO_TRY(check_keys(n,
                     {"tolerance", "min_slice_ratio", "slice_metric", "min_slice_rows", "threshold",
                      "slice_excess_logloss", "slice_z"},
                     where));
  if (n["tolerance"]) {
    if (!n["tolerance"].IsMap())
      return make_error(ErrorCode::kInvalidInput, where + ".tolerance: expected a mapping");
    for (const auto& kv : n["tolerance"]) {
      const auto metric = kv.first.as<std::string>();
      MLO_ASSIGN_OR_RETURN(c.tolerance[metric], number(kv.second, where + ".tolerance." + metric));
    }
  }
  if (n["min_slice_ratio"]) {
    MLO_ASSIGN_OR_RETURN(c.min_slice_ratio,
                         number(n["min_slice_ratio"], where + ".min_slice_ratio"));
  }
  if (n["slice_metric"]) c.slice_metric = n["slice_metric"].as<std::string>();
  if (n["min_slice_rows"]) {
    MLO_ASSIGN_OR_RETURN(double rows, number(n["min_slice_rows"], where + ".min_slice_rows"));
    c.min_slice_rows = static_cast<uint64_t>(rows);
  }
  if (n["threshold"]) {
    MLO_ASSIGN_OR_RETURN(c.threshold, number(n["threshold"], where + ".threshold"));
  }
  if (n["slice_excess_logloss"]) {
    MLO_ASSIGN_OR_RETURN(c.slice_excess_logloss,
                         number(n["slice_excess_logloss"], where + ".slice_excess_logloss"));
  }
  if (n["slice_z"]) {
    MLO_ASSIGN_OR_RETURN(c.slice_z, number(n["slice_z"], where + ".slice_z"));
  }
  return {};
}

Result<Policy> parse_policy(const Node& root, const std::string& what) {
  Policy p;
  if (!root || root.IsNull()) return p;
  MLO_TRY(check_keys(root, {"defaults", "features", "dataset", "quality", "concept"}, what));
  if (const Node d = root["defaults"]) {
    MLO_TRY(check_keys(d, {"numeric", "categorical"}, what + ": defaults"));
    if (d["numeric"]) {
      MLO_ASSIGN_OR_RETURN(
          p.numeric, parse_rule(d["numeric"], what + ": defaults.numeric", false, std::nullopt));
    }
    if (d["categorical"]) {
      MLO_ASSIGN_OR_RETURN(
          p.categorical,
          parse_rule(d["categorical"], what + ": defaults.categorical", true, std::nullopt));
    }
  }
  if (root["features"]) MLO_TRY(parse_features(root["features"], p, what));
  if (const Node d = root["dataset"]) {
    MLO_TRY(check_keys(d, {"drift_share"}, what + ": dataset"));
    if (d["drift_share"]) {
      MLO_ASSIGN_OR_RETURN(p.drift_share, number(d["drift_share"], what + ": dataset.drift_share"));
    }
    if (p.drift_share > 1)
      return make_error(ErrorCode::kInvalidInput, what + ": dataset.drift_share must be <= 1");
  }
  if (root["quality"]) MLO_TRY(parse_quality(root["quality"], p.quality, what + ": quality"));
  if (root["concept"]) MLO_TRY(parse_concept(root["concept"], p.performance, what + ": concept"));
  return p;
}

}  // namespace

Result<Policy> Policy::from_yaml(const std::string& text, const std::string& what) {
  MLO_ASSIGN_OR_RETURN(Node root, parse_yaml(text, what));
  try {
    return parse_policy(root, what);
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kInvalidInput, what + ": " + e.msg);
  }
}

}  // namespace mlo::drift
