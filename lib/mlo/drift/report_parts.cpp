#include "mlo/drift/report_parts.hpp"

#include <cmath>
#include <cstdio>

#include "mlo/metrics/metrics.hpp"

namespace mlo::drift::report_parts {

std::string percent(double share) {
  if (std::isnan(share)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", share * 100);
  return buf;
}

std::string change(double ref, double cur, bool pct) {
  auto f = [pct](double v) { return pct ? percent(v) : fmt_num(v); };
  if (std::isnan(ref) && std::isnan(cur)) return "-";
  std::string s = f(ref) + " → " + f(cur);
  if (!std::isnan(ref) && !std::isnan(cur)) {
    const double d = cur - ref;
    s += " (" + std::string(d >= 0 ? "+" : "") + (pct ? percent(d) : fmt_num(d)) + ")";
  }
  return s;
}

namespace {

std::string short_digest(const std::string& d) {
  return d.size() > 19 ? d.substr(0, 19) + "…" : d;
}

std::string join_metrics(const std::map<std::string, double>& m) {
  std::string s;
  for (const auto& [k, v] : m) s += (s.empty() ? "" : ", ") + k + " " + fmt_num(v);
  return s;
}

}  // namespace

std::vector<std::string> context_lines(const DriftReport& r) {
  const ReportMeta& m = r.meta;
  std::vector<std::string> out;
  std::string current;
  for (size_t i = 0; i < m.current.size(); ++i) current += (i ? ", " : "") + m.current[i];
  out.push_back("Current: " + current + " (" + std::to_string(r.drift.current_rows) + " rows)");
  out.push_back("Reference: " + m.reference + " (" + std::to_string(r.drift.reference_rows) +
                " rows) · mode " + m.mode + " · policy " + m.policy + " · " + m.created);
  const ModelInfo& mi = m.model;
  std::string model =
      "Model: " + mi.name + " v" + std::to_string(mi.version) + " (" + mi.task + ")";
  if (!mi.created.empty()) model += ", created " + mi.created;
  if (!mi.manifest_digest.empty()) model += ", manifest " + short_digest(mi.manifest_digest);
  out.push_back(model);
  if (!mi.training_data_digest.empty())
    out.push_back("Training data: " + short_digest(mi.training_data_digest) + " (" +
                  std::to_string(mi.training_rows) + " rows)");
  if (!mi.params.empty()) {
    std::string p;
    for (const auto& [k, v] : mi.params) p += (p.empty() ? "" : ", ") + k + "=" + v;
    out.push_back("Params: " + p);
  }
  if (!mi.eval_metrics.empty())
    out.push_back("Recorded eval metrics: " + join_metrics(mi.eval_metrics));
  if (r.labels)
    out.push_back("Labels: " + std::to_string(r.labels->labelled) + " labelled rows, " +
                  std::to_string(r.labels->unlabelled) + " without a label (not scored)");
  return out;
}

Table feature_table(const DatasetDrift& drift) {
  Table t{{"feature", "type", "status", "method", "value", "threshold", "importance", "rows",
           "null rate", "mean", "std", "median", "unseen", "issues"},
          {}};
  for (const auto& f : drift.features) {
    std::string issues;
    for (const auto& i : f.issues) issues += (issues.empty() ? "" : "; ") + i;
    const bool numeric = f.kind == FeatureKind::kNumeric;
    auto q = f.quality.find("unseen_share");
    t.rows.push_back({f.name, numeric ? "numeric" : "categorical",
                      !f.present ? "MISSING" : (f.drifted ? "DRIFT" : "ok"), f.method,
                      fmt_num(f.value), fmt_num(f.threshold), fmt_num(f.importance),
                      std::to_string(f.reference.rows) + " → " + std::to_string(f.current.rows),
                      change(f.reference.null_rate, f.current.null_rate, true),
                      numeric ? change(f.reference.mean, f.current.mean) : "-",
                      numeric ? change(f.reference.std, f.current.std) : "-",
                      numeric ? change(f.reference.p50, f.current.p50) : "-",
                      q == f.quality.end() ? "-" : percent(q->second),
                      issues.empty() ? "-" : issues});
  }
  return t;
}

Table metric_table(const DriftReport& r) {
  const ConceptResult& c = *r.concept_result;
  Table t{{"metric", "recorded", "current", "delta", "status"}, {}};
  for (const auto& [name, now] : c.overall.metrics) {
    if (name == "expected_logloss" || name == "excess_logloss" || name == "excess_logloss_z")
      continue;
    auto rec = r.meta.model.eval_metrics.find(name);
    const double recorded = rec == r.meta.model.eval_metrics.end() ? NAN : rec->second;
    std::string status = "-";
    for (const auto& d : c.overall.degraded)
      if (d.rfind(name + " ", 0) == 0) status = "DEGRADED";
    if (status == "-" && !std::isnan(recorded)) status = "ok";
    const double delta = now - recorded;
    t.rows.push_back({name, fmt_num(recorded), fmt_num(now),
                      std::isnan(delta) ? "-" : (delta >= 0 ? "+" : "") + fmt_num(delta), status});
  }
  return t;
}

Table cbpe_table(const CbpeResult& c, const ModelInfo& model) {
  Table t{{"metric", "estimated", "95% band", "recorded", "status"}, {}};
  if (!c.available) return t;
  for (const auto& [name, est] : c.estimate) {
    auto rec = model.eval_metrics.find(name);
    auto band = c.band.find(name);
    std::string status = rec == model.eval_metrics.end() ? "-" : "ok";
    for (const auto& d : c.degraded)
      if (d.rfind("estimated " + name + " ", 0) == 0) status = "DEGRADED";
    t.rows.push_back({name, fmt_num(est),
                      band == c.band.end()
                          ? "-"
                          : fmt_num(band->second.first) + " – " + fmt_num(band->second.second),
                      rec == model.eval_metrics.end() ? "-" : fmt_num(rec->second), status});
  }
  return t;
}

Table confusion(const SliceQuality& q) {
  Table t{{"", "predicted 1", "predicted 0"}, {}};
  if (q.tp + q.fp + q.tn + q.fn == 0) return t;
  t.rows.push_back({"actual 1", std::to_string(q.tp) + " (TP)", std::to_string(q.fn) + " (FN)"});
  t.rows.push_back({"actual 0", std::to_string(q.fp) + " (FP)", std::to_string(q.tn) + " (TN)"});
  return t;
}

Table slice_table(const ConceptResult& c) {
  const char* second = c.task == "regression" ? "mae" : "accuracy";
  Table t{{c.slice_by, "rows", c.slice_metric, second, "status"}, {}};
  for (size_t i = 0; i < c.slices.size() && i < kMaxSlicesShown; ++i) {
    const SliceQuality& s = c.slices[i];
    auto get = [&s](const std::string& k) {
      auto it = s.metrics.find(k);
      return it == s.metrics.end() ? std::string("-") : fmt_num(it->second);
    };
    t.rows.push_back({s.slice, std::to_string(s.rows), get(c.slice_metric), get(second),
                      !s.degraded.empty() ? "DEGRADED" : (s.eligible ? "ok" : "too few rows")});
  }
  return t;
}

}  // namespace mlo::drift::report_parts
