#include "mlo/drift/report.hpp"

#include <cmath>
#include <cstdio>

namespace mlo::drift {

using nlohmann::json;

std::string fmt_num(double v) {
  if (std::isnan(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

namespace {

// "a, b, c and 2 more"
std::string name_list(const std::vector<std::string>& names, size_t shown = 3) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < shown; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > shown) out += " and " + std::to_string(names.size() - shown) + " more";
  return out;
}

// "auc 0.74 vs 0.75 recorded" for the first tolerance metric present on both sides.
std::string quality_phrase(const ConceptResult& c, const ModelInfo& model) {
  for (const char* m : {"auc", "accuracy", "rmse", "mae", "f1"}) {
    auto now = c.overall.metrics.find(m);
    if (now == c.overall.metrics.end()) continue;
    auto rec = model.eval_metrics.find(m);
    return std::string(m) + " " + fmt_num(now->second) +
           (rec == model.eval_metrics.end() ? "" : " vs " + fmt_num(rec->second) + " recorded");
  }
  return "";
}

std::string headline(const DriftReport& r) {
  const Verdict& v = r.verdict;
  std::vector<std::string> parts;
  std::vector<std::string> drifted, quality;
  for (const auto& f : r.drift.features) {
    if (f.drifted) drifted.push_back(f.name);
    if (!f.issues.empty()) quality.push_back(f.name);
  }
  if (v.drift || !drifted.empty())
    parts.push_back(std::to_string(drifted.size()) + " of " + std::to_string(v.features) +
                    " features drifted (" + name_list(drifted) + ")");
  else
    parts.push_back("no drift in " + std::to_string(v.features) + " features");
  if (v.quality_failed) {
    std::string q = "data-quality limits exceeded";
    if (!quality.empty()) q += " on " + name_list(quality);
    for (const auto& i : r.drift.dataset_issues) q += "; " + i;
    parts.push_back(q);
  }
  if (v.prediction_drift) {
    std::vector<std::string> names;
    for (const auto& f : r.predictions->drift->features)
      if (f.drifted) names.push_back(f.name + " " + f.method + " " + fmt_num(f.value));
    parts.push_back("model output distribution drifted (" + name_list(names) + ")");
  }
  if (!r.concept_result && r.predictions && r.predictions->cbpe && r.predictions->cbpe->available) {
    const CbpeResult& c = *r.predictions->cbpe;
    if (auto it = c.estimate.find("auc"); it != c.estimate.end()) {
      const auto band = c.band.at("auc");
      auto rec = r.meta.model.eval_metrics.find("auc");
      parts.push_back("estimated auc " + fmt_num(it->second) + " (" + fmt_num(band.first) + "–" +
                      fmt_num(band.second) + ")" +
                      (rec == r.meta.model.eval_metrics.end()
                           ? ""
                           : " vs " + fmt_num(rec->second) + " recorded") +
                      (c.poorly_calibrated ? ", scores poorly calibrated" : ""));
    }
  }
  if (r.concept_result) {
    const ConceptResult& c = *r.concept_result;
    if (c.degraded && !c.findings.empty())
      parts.push_back(
          "model quality degraded: " + c.findings.front() +
          (c.findings.size() > 1 ? " (+" + std::to_string(c.findings.size() - 1) + " more)" : ""));
    else if (std::string q = quality_phrase(c, r.meta.model); !q.empty())
      parts.push_back(q);
  }
  std::string action = "no action needed";
  if (v.performance_degraded)
    action = "retrain suggested";
  else if (v.quality_failed)
    action = "check the upstream data";
  else if (v.drift)
    action = "investigate the drifted features; retrain if it persists";
  std::string line = v.finding ? "FINDING: " : "OK: ";
  for (size_t i = 0; i < parts.size(); ++i) line += (i ? "; " : "") + parts[i];
  return line + " — " + action;
}

json num_or_null(double v) {
  return std::isfinite(v) ? json(v) : json(nullptr);
}

json side_json(const SideStats& s) {
  return {{"rows", s.rows},
          {"count", s.count},
          {"nulls", s.nulls},
          {"null_rate", s.null_rate},
          {"mean", num_or_null(s.mean)},
          {"std", num_or_null(s.std)},
          {"min", num_or_null(s.min)},
          {"max", num_or_null(s.max)},
          {"p05", num_or_null(s.p05)},
          {"p25", num_or_null(s.p25)},
          {"p50", num_or_null(s.p50)},
          {"p75", num_or_null(s.p75)},
          {"p95", num_or_null(s.p95)},
          {"categories", s.categories}};
}

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
  if (!std::isnan(f.importance)) j["importance"] = f.importance;
  j["reference"] = side_json(f.reference);
  j["current"] = side_json(f.current);
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

json model_json(const ModelInfo& m) {
  json j{{"name", m.name},       {"version", m.version}, {"task", m.task},
         {"created", m.created}, {"params", m.params},   {"eval_metrics", m.eval_metrics}};
  if (!m.manifest_digest.empty()) j["manifest_digest"] = m.manifest_digest;
  if (!m.training_data_digest.empty())
    j["training_data"] = {{"digest", m.training_data_digest}, {"rows", m.training_rows}};
  return j;
}

}  // namespace

void decide(DriftReport& r) {
  Verdict& v = r.verdict;
  const PredictionReport* p = r.predictions ? &*r.predictions : nullptr;
  v.prediction_drift = p && p->drift && p->drift->drift;
  v.drift = r.drift.drift || v.prediction_drift;
  v.quality_failed = r.drift.quality_failed;
  // Measured quality wins over the estimate when labels are there.
  v.performance_degraded =
      r.concept_result ? r.concept_result->degraded : (p && p->cbpe && !p->cbpe->degraded.empty());
  v.features = static_cast<int>(r.drift.features.size());
  v.drifted_features = 0;
  for (const auto& f : r.drift.features) v.drifted_features += f.drifted ? 1 : 0;
  v.finding = v.drift || v.quality_failed || v.performance_degraded;
  v.exit_code = v.finding ? 8 : 0;
  v.headline = headline(r);
}

json report_json(const DriftReport& r) {
  const ReportMeta& meta = r.meta;
  json doc{{"model", meta.model.name},    {"version", meta.model.version},
           {"reference", meta.reference}, {"current", meta.current},
           {"mode", meta.mode},           {"policy", meta.policy},
           {"created", meta.created}};
  doc["verdict"] = {{"headline", r.verdict.headline},
                    {"drift", r.verdict.drift},
                    {"prediction_drift", r.verdict.prediction_drift},
                    {"data_quality_failed", r.verdict.quality_failed},
                    {"performance_degraded", r.verdict.performance_degraded},
                    {"drifted_features", r.verdict.drifted_features},
                    {"features", r.verdict.features},
                    {"finding", r.verdict.finding},
                    {"exit_code", r.verdict.exit_code}};
  doc["model_info"] = model_json(meta.model);
  doc["dataset"] = {
      {"reference_rows", r.drift.reference_rows}, {"current_rows", r.drift.current_rows},
      {"drifted_share", r.drift.drifted_share},   {"drift", r.drift.drift},
      {"quality_failed", r.drift.quality_failed}, {"issues", r.drift.dataset_issues}};
  doc["features"] = json::array();
  for (const auto& f : r.drift.features) doc["features"].push_back(feature_json(f));
  if (r.predictions) {
    const PredictionReport& p = *r.predictions;
    json pj{{"unscored_rows", p.unscored_rows}};
    if (!p.first_unscored.empty()) pj["first_unscored"] = p.first_unscored;
    if (p.drift) {
      pj["drift"] = p.drift->drift;
      pj["features"] = json::array();
      for (const auto& f : p.drift->features) pj["features"].push_back(feature_json(f));
    }
    if (p.cbpe) {
      const CbpeResult& c = *p.cbpe;
      json band = json::object();
      for (const auto& [k, b] : c.band) band[k] = {b.first, b.second};
      pj["cbpe"] = {{"available", c.available},
                    {"note", c.note},
                    {"rows", c.rows},
                    {"estimate", c.estimate},
                    {"band", band},
                    {"degraded", c.degraded},
                    {"poorly_calibrated", c.poorly_calibrated},
                    {"calibration_ece", c.calibration_ece}};
    }
    doc["predictions"] = pj;
  }
  if (r.concept_result) {
    const ConceptResult& c = *r.concept_result;
    json cj{{"task", c.task},
            {"overall", slice_json(c.overall)},
            {"degraded", c.degraded},
            {"findings", c.findings}};
    if (r.labels)
      cj["labels"] = {{"labelled", r.labels->labelled}, {"unlabelled", r.labels->unlabelled}};
    if (!c.slice_by.empty()) {
      cj["slice_by"] = c.slice_by;
      cj["slice_metric"] = c.slice_metric;
      cj["worst_to_best"] = c.worst_to_best;
      cj["slices"] = json::array();
      for (const auto& s : c.slices) cj["slices"].push_back(slice_json(s));
    }
    doc["concept"] = cj;
  }
  return doc;
}

}  // namespace mlo::drift
