#include "mlo/train/recipe.hpp"

#include <set>

#include <fmt/format.h>

#include "mlo/core/yaml_io.hpp"
#include "mlo/registry/manifest.hpp"

namespace mlo::train {

namespace {

Error field_error(const std::string& what, const std::string& field, const std::string& why) {
  return make_error(ErrorCode::kInvalidInput, fmt::format("{}: field '{}': {}", what, field, why));
}

// A scalar or a sequence of scalars -> names.
Result<std::vector<std::string>> name_list(const YAML::Node& node, const std::string& what,
                                           const std::string& field) {
  std::vector<std::string> out;
  if (!node || node.IsNull()) return out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      if (!item.IsScalar()) return field_error(what, field, "expected a list of column names");
      out.push_back(item.Scalar());
    }
  } else {
    return field_error(what, field, "expected a column name or a list of names");
  }
  for (const auto& n : out)
    if (n.empty()) return field_error(what, field, "empty column name");
  return out;
}

Result<int> parse_int(const std::string& text, const std::string& what, const std::string& field,
                      int min) {
  size_t used = 0;
  long v = 0;
  try {
    v = std::stol(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size())
    return field_error(what, field, "'" + text + "' is not an integer");
  if (v < min || v > 1000000)
    return field_error(what, field, fmt::format("{} is out of range (>= {})", v, min));
  return static_cast<int>(v);
}

// Parameters mlo handles itself rather than passing to XGBoost.
Status set_param(Recipe& r, const std::string& key, const std::string& value,
                 const std::string& what) {
  if (key.empty()) return field_error(what, "params", "empty parameter name");
  if (key == "num_boost_round" || key == "n_estimators") {
    MLO_ASSIGN_OR_RETURN(r.num_boost_round, parse_int(value, what, "params." + key, 1));
  } else if (key == "early_stopping_rounds") {
    MLO_ASSIGN_OR_RETURN(r.early_stopping_rounds, parse_int(value, what, key, 0));
  } else {
    r.params[key] = value;
  }
  return {};
}

const std::set<std::string> kKnownKeys = {"name",
                                          "task",
                                          "target",
                                          "id",
                                          "features",
                                          "params",
                                          "early_stopping_rounds",
                                          "max_categories",
                                          "labels",
                                          "description",
                                          "search"};

}  // namespace

std::string Recipe::objective() const {
  if (auto it = params.find("objective"); it != params.end()) return it->second;
  if (task == "regression") return "reg:squarederror";
  if (task == "multiclass") return "multi:softprob";
  return "binary:logistic";
}

Result<Recipe> parse_recipe(const std::string& text, const std::string& what) {
  MLO_ASSIGN_OR_RETURN(YAML::Node doc, parse_yaml(text, what));
  if (!doc.IsMap())
    return make_error(ErrorCode::kInvalidInput, what + ": expected a mapping of recipe fields");
  Recipe r;
  r.text = text;
  try {
    for (const auto& kv : doc) {
      std::string key = kv.first.Scalar();
      if (!kKnownKeys.count(key)) return field_error(what, key, "unknown field");
    }
    if (doc["name"]) r.name = doc["name"].Scalar();
    if (!doc["task"] || !doc["task"].IsScalar())
      return field_error(what, "task", "required: binary | regression | multiclass");
    r.task = doc["task"].Scalar();
    if (!doc["target"] || !doc["target"].IsScalar() || doc["target"].Scalar().empty())
      return field_error(what, "target", "required: the label column");
    r.target = doc["target"].Scalar();
    MLO_ASSIGN_OR_RETURN(r.id, name_list(doc["id"], what, "id"));
    YAML::Node features = doc["features"];
    if (!features || !features.IsMap())
      return field_error(what, "features", "required: {numeric: [...], categorical: [...]}");
    for (const auto& kv : features) {
      std::string k = kv.first.Scalar();
      if (k != "numeric" && k != "categorical")
        return field_error(what, "features." + k, "expected numeric or categorical");
    }
    MLO_ASSIGN_OR_RETURN(r.numeric, name_list(features["numeric"], what, "features.numeric"));
    MLO_ASSIGN_OR_RETURN(r.categorical,
                         name_list(features["categorical"], what, "features.categorical"));
    if (YAML::Node params = doc["params"]; params && !params.IsNull()) {
      if (!params.IsMap())
        return field_error(what, "params", "expected a mapping of XGBoost parameters");
      for (const auto& kv : params) {
        if (!kv.second.IsScalar())
          return field_error(what, "params." + kv.first.Scalar(), "expected a scalar value");
        MLO_TRY(set_param(r, kv.first.Scalar(), kv.second.Scalar(), what));
      }
    }
    if (doc["early_stopping_rounds"]) {
      MLO_ASSIGN_OR_RETURN(r.early_stopping_rounds, parse_int(doc["early_stopping_rounds"].Scalar(),
                                                              what, "early_stopping_rounds", 0));
    }
    if (doc["max_categories"]) {
      MLO_ASSIGN_OR_RETURN(int cap,
                           parse_int(doc["max_categories"].Scalar(), what, "max_categories", 1));
      r.max_categories = static_cast<size_t>(cap);
    }
    if (YAML::Node search = doc["search"]; search && !search.IsNull()) {
      if (!search.IsMap())
        return field_error(what, "search", "expected a mapping of parameter: [values]");
      for (const auto& kv : search) {
        const std::string key = kv.first.Scalar();
        const std::string field = "search." + key;
        if (!kv.second.IsSequence() || kv.second.size() == 0)
          return field_error(what, field, "expected a non-empty list of values");
        for (const auto& v : kv.second) {
          if (!v.IsScalar()) return field_error(what, field, "expected scalar values");
          Recipe probe;  // each candidate must be a valid value for its parameter
          MLO_TRY(set_param(probe, key, v.Scalar(), what));
          r.search[key].push_back(v.Scalar());
        }
      }
    }
    if (YAML::Node labels = doc["labels"]; labels && !labels.IsNull()) {
      if (!labels.IsMap()) return field_error(what, "labels", "expected a mapping");
      for (const auto& kv : labels) r.labels[kv.first.Scalar()] = kv.second.Scalar();
    }
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kInvalidInput, what + ": " + e.what());
  }
  MLO_TRY(validate_recipe(r, what));
  return r;
}

Status apply_param_override(Recipe& recipe, const std::string& assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    return make_error(ErrorCode::kUsage, "--param '" + assignment + "': expected KEY=VALUE");
  return set_param(recipe, assignment.substr(0, eq), assignment.substr(eq + 1), "--param");
}

Status validate_recipe(const Recipe& r, const std::string& what) {
  if (!r.name.empty()) {
    if (auto st = validate_model_name(r.name); !st.ok())
      return field_error(what, "name", st.error().message);
  }
  if (r.task != "binary" && r.task != "regression" && r.task != "multiclass")
    return field_error(what, "task",
                       "'" + r.task + "' is not one of binary, regression, multiclass");
  if (r.numeric.empty() && r.categorical.empty())
    return field_error(what, "features", "no features listed");
  std::set<std::string> seen;
  for (const auto* list : {&r.numeric, &r.categorical}) {
    for (const auto& f : *list) {
      if (!seen.insert(f).second)
        return field_error(what, "features", "'" + f + "' is listed twice");
      if (f == r.target)
        return field_error(what, "features", "the target '" + f + "' cannot be a feature");
    }
  }
  for (const auto& id : r.id)
    if (id == r.target)
      return field_error(what, "id", "the target '" + id + "' cannot be an id column");
  const std::string obj = r.objective();
  bool fits = (r.task == "binary" && obj == "binary:logistic") ||
              (r.task == "regression" && obj.rfind("reg:", 0) == 0 && obj != "reg:logistic") ||
              (r.task == "multiclass" && obj == "multi:softprob");
  if (!fits)
    return field_error(
        what, "params.objective",
        "'" + obj + "' does not fit task " + r.task +
            " (binary: binary:logistic, regression: reg:*, multiclass: multi:softprob)");
  if (r.params.count("num_class") && r.task != "multiclass")
    return field_error(what, "params.num_class", "only for task multiclass");
  return {};
}

}  // namespace mlo::train
