#include "mlo/model/feature_info.hpp"

#include <set>

#include <nlohmann/json.hpp>

#include "mlo/model/model_document.hpp"

namespace mlo {

namespace {

Result<nlohmann::json> parse_model(std::string_view bytes) {
  // XGBoost writes JSON starting with '{' and UBJSON starting with its '{' marker too, so the
  // text parser is tried first and UBJSON second.
  // Bare NaN tokens (categorical split conditions) are not JSON: see json_without_nonfinite.
  const std::optional<std::string> finite =
      model_is_json_text(bytes) ? json_without_nonfinite(bytes) : std::nullopt;
  if (finite) bytes = *finite;
  nlohmann::json doc = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded())
    doc = nlohmann::json::from_ubjson(bytes, /*strict=*/true, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return make_error(ErrorCode::kInvalidInput, "not an XGBoost JSON or UBJSON model");
  return doc;
}

Result<std::vector<std::string>> string_list(const nlohmann::json& learner, const char* key) {
  std::vector<std::string> out;
  auto it = learner.find(key);
  if (it == learner.end() || it->is_null()) return out;
  if (!it->is_array())
    return make_error(ErrorCode::kInvalidInput, std::string("learner.") + key + " is not a list");
  for (const auto& v : *it) {
    if (!v.is_string())
      return make_error(ErrorCode::kInvalidInput,
                        std::string("learner.") + key + " holds a non-string entry");
    out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

Result<std::vector<EmbeddedFeature>> embedded_features(std::string_view model_bytes) {
  MLO_ASSIGN_OR_RETURN(nlohmann::json doc, parse_model(model_bytes));
  auto learner = doc.find("learner");
  if (learner == doc.end() || !learner->is_object())
    return make_error(ErrorCode::kInvalidInput, "the model has no 'learner' object");
  MLO_ASSIGN_OR_RETURN(std::vector<std::string> names, string_list(*learner, "feature_names"));
  MLO_ASSIGN_OR_RETURN(std::vector<std::string> types, string_list(*learner, "feature_types"));
  std::vector<EmbeddedFeature> out;
  if (names.empty()) return out;
  if (!types.empty() && types.size() != names.size())
    return make_error(ErrorCode::kInvalidInput,
                      "the model lists " + std::to_string(names.size()) + " feature names but " +
                          std::to_string(types.size()) + " feature types");
  std::set<std::string> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!seen.insert(names[i]).second)
      return make_error(ErrorCode::kInvalidInput, "duplicate feature name '" + names[i] + "'");
    EmbeddedFeature f{names[i], false};
    const std::string type = types.empty() ? "q" : types[i];
    if (type == "c")
      f.categorical = true;
    else if (type != "q" && type != "float" && type != "int" && type != "i")
      return make_error(ErrorCode::kInvalidInput,
                        "feature '" + names[i] + "' has unknown type '" + type + "'");
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace mlo
