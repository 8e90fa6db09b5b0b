#include "mlo/data/preprocess.hpp"

#include <cmath>
#include <unordered_set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "mlo/core/text.hpp"
#include "mlo/core/yaml_io.hpp"

namespace mlo {

namespace {

// Shortest text that reads back as the same double ("0.1", "812.5", "1e-07").
std::string number_text(double v) {
  return fmt::format("{}", v);
}

Result<double> read_number(const YAML::Node& node, const std::string& where) {
  if (!node.IsScalar()) return make_error(ErrorCode::kInvalidInput, where + ": expected a number");
  const std::string& text = node.Scalar();
  if (text == ".nan" || text == ".NaN" || text == "nan" || text == "NaN")
    return static_cast<double>(NAN);
  try {
    size_t used = 0;
    double v = std::stod(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  return make_error(ErrorCode::kInvalidInput, where + ": " + quote_value(text) + " is not a number");
}

Result<FeatureEncoding> read_feature(const YAML::Node& node, size_t index,
                                     const std::string& what) {
  std::string where = what + ": features[" + std::to_string(index) + "]";
  if (!node.IsMap()) return make_error(ErrorCode::kInvalidInput, where + ": expected a mapping");
  FeatureEncoding f;
  for (const auto& kv : node) {
    std::string key = kv.first.as<std::string>();
    if (key != "name" && key != "type" && key != "impute" && key != "mean" && key != "std" &&
        key != "categories")
      return make_error(ErrorCode::kInvalidInput, where + ": unknown field " + quote_value(key));
  }
  MLO_ASSIGN_OR_RETURN(f.name, require_string(node, "name", where));
  if (f.name.empty())
    return make_error(ErrorCode::kInvalidInput, where + ": field 'name' is empty");
  where = what + ": feature '" + f.name + "'";
  MLO_ASSIGN_OR_RETURN(std::string type, require_string(node, "type", where));
  if (type == "numeric") {
    f.type = FeatureEncoding::Type::kNumeric;
  } else if (type == "categorical") {
    f.type = FeatureEncoding::Type::kCategorical;
  } else {
    return make_error(ErrorCode::kInvalidInput,
                      where + ": field 'type': " + quote_value(type) + " is not numeric or categorical");
  }
  for (auto [key, slot] : {std::pair{"impute", &f.impute}, {"mean", &f.mean}, {"std", &f.std}}) {
    if (!node[key]) continue;
    MLO_ASSIGN_OR_RETURN(*slot, read_number(node[key], where + ": field '" + key + "'"));
  }
  if (node["categories"]) {
    if (f.type != FeatureEncoding::Type::kCategorical)
      return make_error(ErrorCode::kInvalidInput,
                        where + ": field 'categories' on a numeric feature");
    const YAML::Node cats = node["categories"];
    if (!cats.IsSequence())
      return make_error(ErrorCode::kInvalidInput, where + ": field 'categories': expected a list");
    std::unordered_set<std::string> seen;
    for (const auto& c : cats) {
      if (!c.IsScalar())
        return make_error(ErrorCode::kInvalidInput,
                          where + ": field 'categories': expected strings");
      std::string value = c.Scalar();
      if (!seen.insert(value).second)
        return make_error(ErrorCode::kInvalidInput, where + ": duplicate category " + quote_value(value));
      f.categories.push_back(std::move(value));
    }
  }
  if (f.type == FeatureEncoding::Type::kCategorical && f.categories.empty())
    return make_error(ErrorCode::kInvalidInput, where + ": categorical feature without categories");
  return f;
}

}  // namespace

std::string PreprocessSpec::to_yaml() const {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "features" << YAML::Value << YAML::BeginSeq;
  for (const auto& f : features) {
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << YAML::DoubleQuoted << f.name;
    out << YAML::Key << "type" << YAML::Value
        << (f.type == FeatureEncoding::Type::kNumeric ? "numeric" : "categorical");
    for (auto [key, value] : {std::pair{"impute", f.impute}, {"mean", f.mean}, {"std", f.std}})
      if (!std::isnan(value)) out << YAML::Key << key << YAML::Value << number_text(value);
    if (f.type == FeatureEncoding::Type::kCategorical) {
      // Quoted so that categories like "007", "true" or "null" read back as the same text.
      out << YAML::Key << "categories" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (const auto& c : f.categories) out << YAML::DoubleQuoted << c;
      out << YAML::EndSeq;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

namespace {

Result<PreprocessSpec> spec_from_node(const YAML::Node& root, const std::string& what) {
  if (!root.IsMap())
    return make_error(ErrorCode::kInvalidInput, what + ": expected a mapping with 'features'");
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>();
    if (key != "features" && key != "apiVersion" && key != "kind")
      return make_error(ErrorCode::kInvalidInput, what + ": unknown field " + quote_value(key));
  }
  MLO_ASSIGN_OR_RETURN(YAML::Node list, require_field(root, "features", what));
  if (!list.IsSequence() || list.size() == 0)
    return make_error(ErrorCode::kInvalidInput,
                      what + ": field 'features': expected a non-empty list");
  PreprocessSpec spec;
  std::unordered_set<std::string> names;
  for (size_t i = 0; i < list.size(); ++i) {
    MLO_ASSIGN_OR_RETURN(FeatureEncoding f, read_feature(list[i], i, what));
    if (!names.insert(f.name).second)
      return make_error(ErrorCode::kInvalidInput, what + ": duplicate feature " + quote_value(f.name));
    spec.features.push_back(std::move(f));
  }
  return spec;
}

}  // namespace

Result<PreprocessSpec> PreprocessSpec::from_yaml(const std::string& text, const std::string& what) {
  MLO_ASSIGN_OR_RETURN(YAML::Node root, parse_yaml(text, what));
  try {
    return spec_from_node(root, what);
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kInvalidInput, what + ": " + e.msg);
  }
}

}  // namespace mlo
