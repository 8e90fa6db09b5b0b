#include "mlo/drift/prediction.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

namespace mlo::drift {

std::pair<double, std::string> prediction_of(const std::string& task, const float* out, int k,
                                             double threshold) {
  if (task == "regression") return {out[0], ""};
  if (task == "multiclass" && k > 1) {
    const auto best = std::max_element(out, out + k);
    return {*best, std::to_string(best - out)};
  }
  return {out[0], out[0] >= threshold ? "1" : "0"};
}

std::map<std::string, double> mean_abs_contribution(const std::vector<std::string>& names,
                                                    std::span<const float> c) {
  std::map<std::string, double> out;
  const size_t stride = names.size() + 1;
  if (names.empty() || c.size() < stride || c.size() % stride) return out;
  std::vector<double> sum(names.size(), 0.0);
  const size_t blocks = c.size() / stride;  // rows x groups
  for (size_t b = 0; b < blocks; ++b)
    for (size_t f = 0; f < names.size(); ++f) sum[f] += std::fabs(c[b * stride + f]);
  for (size_t f = 0; f < names.size(); ++f) out[names[f]] = sum[f] / static_cast<double>(blocks);
  return out;
}

MonitoringBaseline monitoring_baseline(const std::string& task, std::span<const float> labels,
                                       std::span<const float> outputs, int k,
                                       const std::vector<std::string>& feature_names,
                                       std::span<const float> contributions, double threshold) {
  MonitoringBaseline m;
  m.task = task;
  m.threshold = threshold;
  const size_t width = static_cast<size_t>(std::max(1, k));
  m.rows = outputs.size() / width;
  std::vector<FeatureDecl> decls{{kPredictionFeature, FeatureKind::kNumeric}};
  if (task != "regression") decls.push_back({kPredictedClassFeature, FeatureKind::kCategorical});
  auto builder = ProfileBuilder::baseline(decls);
  std::vector<float> scores;
  for (size_t r = 0; r < m.rows; ++r) {
    const auto [value, cls] = prediction_of(task, outputs.data() + r * width, k, threshold);
    builder.add_value(0, value);
    if (decls.size() > 1) builder.add_category(1, cls);
    builder.end_row();
    scores.push_back(static_cast<float>(value));
  }
  m.predictions = builder.finish();
  if (task == "binary") m.calibration = fit_isotonic(labels, scores);
  m.importance = mean_abs_contribution(feature_names, contributions);
  return m;
}

std::string MonitoringBaseline::to_json() const {
  nlohmann::json j{{"schema", kMonitoringSchema},
                   {"task", task},
                   {"threshold", threshold},
                   {"rows", rows},
                   {"predictions", nlohmann::json::parse(predictions.to_json())},
                   {"importance", importance}};
  if (!calibration.empty()) j["calibration"] = calibration.to_json();
  return j.dump();
}

Result<MonitoringBaseline> MonitoringBaseline::from_json(std::string_view bytes,
                                                         const std::string& what) {
  MonitoringBaseline m;
  try {
    const auto j = nlohmann::json::parse(bytes);
    if (j.at("schema").get<std::string>() != kMonitoringSchema)
      return make_error(ErrorCode::kInvalidInput,
                        what + ": not a " + kMonitoringSchema + " document");
    m.task = j.at("task").get<std::string>();
    m.threshold = j.at("threshold").get<double>();
    m.rows = j.at("rows").get<uint64_t>();
    MLO_ASSIGN_OR_RETURN(m.predictions, Profile::from_json(j.at("predictions").dump(), what));
    if (j.contains("importance"))
      m.importance = j.at("importance").get<std::map<std::string, double>>();
    if (j.contains("calibration")) {
      MLO_ASSIGN_OR_RETURN(m.calibration, CalibrationMap::from_json(j.at("calibration"), what));
    }
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorCode::kInvalidInput, what + ": " + e.what());
  }
  return m;
}

}  // namespace mlo::drift
