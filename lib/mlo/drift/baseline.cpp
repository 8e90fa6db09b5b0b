#include "mlo/drift/baseline.hpp"

#include "mlo/drift/stream.hpp"

namespace mlo::drift {

std::vector<FeatureDecl> feature_decls(const std::vector<std::string>& numeric,
                                       const std::vector<std::string>& categorical) {
  std::vector<FeatureDecl> decls;
  decls.reserve(numeric.size() + categorical.size());
  for (const auto& n : numeric) decls.push_back({n, FeatureKind::kNumeric});
  for (const auto& n : categorical) decls.push_back({n, FeatureKind::kCategorical});
  return decls;
}

Result<std::string> build_baseline(const std::string& path,
                                   const std::vector<FeatureDecl>& features) {
  auto builder = ProfileBuilder::baseline(features);
  auto streamed = profile_stream(path, builder);
  if (!streamed.ok()) return streamed.error();
  for (size_t f = 0; f < features.size(); ++f) {
    if (!streamed->present[f])
      return make_error(ErrorCode::kInvalidInput, path + ": no column '" + features[f].name + "'");
  }
  if (streamed->rows == 0) return make_error(ErrorCode::kInvalidInput, path + ": no data rows");
  return builder.finish().to_json();
}

}  // namespace mlo::drift
