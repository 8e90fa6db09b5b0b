#include "mlo/monitor/importance.hpp"

#include <algorithm>

#include "mlo/drift/prediction.hpp"
#include "mlo/registry/registry.hpp"

namespace mlo::monitor {

Result<std::vector<FeatureImportance>> feature_importance(Store& store, const ModelVersion& mv) {
  const std::string what = mv.name + ":" + std::to_string(mv.version);
  if (!mv.artifacts.count("monitoring"))
    return make_error(ErrorCode::kNotFound,
                      what +
                          ": no feature importance stored (the version was not trained by "
                          "this mlo)");
  MLO_ASSIGN_OR_RETURN(std::string bytes, read_artifact(store, mv, "monitoring"));
  MLO_ASSIGN_OR_RETURN(drift::MonitoringBaseline m,
                       drift::MonitoringBaseline::from_json(bytes, what + " monitoring artifact"));
  if (m.importance.empty())
    return make_error(ErrorCode::kNotFound, what + ": no feature importance stored");
  std::vector<FeatureImportance> out;
  double total = 0;
  for (const auto& [f, v] : m.importance) {
    out.push_back({f, v, 0});
    total += v;
  }
  for (auto& f : out) f.share = total > 0 ? f.mean_abs_shap / total : 0;
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.mean_abs_shap > b.mean_abs_shap; });
  return out;
}

}  // namespace mlo::monitor
