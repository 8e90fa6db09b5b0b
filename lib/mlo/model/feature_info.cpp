#include "mlo/model/feature_info.hpp"

#include <set>

#include "mlo/model/model_document.hpp"

namespace mlo {

Result<std::vector<EmbeddedFeature>> embedded_features(const ModelDocument& model) {
  const std::vector<std::string>& names = model.feature_names;
  const std::vector<std::string>& types = model.feature_types;
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

Result<std::vector<EmbeddedFeature>> embedded_features(std::string_view model_bytes) {
  MLO_ASSIGN_OR_RETURN(ModelDocument model, ModelDocument::parse(model_bytes));
  return embedded_features(model);
}

}  // namespace mlo
