#include "mlo/drift/report.hpp"

namespace mlo::drift {

using nlohmann::json;

namespace {

json feature_json(const FeatureDrift& f) {
  json j{{"name", f.name},
         {"kind", f.kind == FeatureKind::kNumeric ? "numeric" : "categorical"},
         {"present", f.present},
         {"exact", f.exact},
         {"reference_count", f.reference_count},
         {"current_count", f.current_count},
         {"current_rows", f.current_rows},
         {"method", f.method},
         {"threshold", f.threshold},
         {"value", f.value},
         {"severity", f.severity},
         {"weight", f.weight},
         {"drifted", f.drifted},
         {"stats", f.stats},
         {"quality", f.quality},
         {"issues", f.issues}};
  j["histogram"] = {{"labels", f.histogram.labels},
                    {"reference", f.histogram.reference},
                    {"current", f.histogram.current}};
  return j;
}

json slice_json(const SliceQuality& q) {
  json j{
      {"rows", q.rows}, {"metrics", q.metrics}, {"eligible", q.eligible}, {"degraded", q.degraded}};
  if (!q.slice.empty()) j["slice"] = q.slice;
  if (q.tp + q.fp + q.tn + q.fn > 0)
    j["confusion"] = {{"tp", q.tp}, {"fp", q.fp}, {"tn", q.tn}, {"fn", q.fn}};
  return j;
}

}  // namespace

json report_json(const ReportMeta& meta, const DatasetDrift& drift,
                 const std::optional<ConceptResult>& concept_result) {
  json doc{{"model", meta.model},     {"version", meta.version}, {"reference", meta.reference},
           {"current", meta.current}, {"mode", meta.mode},       {"policy", meta.policy},
           {"created", meta.created}};
  doc["dataset"] = {{"reference_rows", drift.reference_rows}, {"current_rows", drift.current_rows},
                    {"drifted_share", drift.drifted_share},   {"drift", drift.drift},
                    {"quality_failed", drift.quality_failed}, {"issues", drift.dataset_issues}};
  doc["features"] = json::array();
  int drifted = 0;
  for (const auto& f : drift.features) {
    doc["features"].push_back(feature_json(f));
    drifted += f.drifted ? 1 : 0;
  }
  bool degraded = false;
  if (concept_result) {
    const ConceptResult& c = *concept_result;
    json cj{{"task", c.task},
            {"overall", slice_json(c.overall)},
            {"degraded", c.degraded},
            {"findings", c.findings}};
    if (!c.slice_by.empty()) {
      cj["slice_by"] = c.slice_by;
      cj["slice_metric"] = c.slice_metric;
      cj["worst_to_best"] = c.worst_to_best;
      cj["slices"] = json::array();
      for (const auto& s : c.slices) cj["slices"].push_back(slice_json(s));
    }
    doc["concept"] = cj;
    degraded = c.degraded;
  }
  const bool finding = drift.drift || drift.quality_failed || degraded;
  doc["verdict"] = {{"drift", drift.drift},
                    {"data_quality_failed", drift.quality_failed},
                    {"performance_degraded", degraded},
                    {"drifted_features", drifted},
                    {"features", drift.features.size()},
                    {"finding", finding},
                    {"exit_code", finding ? 8 : 0}};
  return doc;
}

}  // namespace mlo::drift
