#include "mlo/drift/concept.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mlo::drift {

using namespace mlo::metrics;  // quality metrics live in lib/mlo/metrics

void ConceptAccumulator::add(double label, double score, std::string_view slice) {
  labels_.push_back(static_cast<float>(label));
  scores_.push_back(static_cast<float>(score));
  auto it = slice_ids_.find(std::string(slice));
  if (it == slice_ids_.end()) {
    it = slice_ids_.emplace(std::string(slice), static_cast<uint32_t>(slice_names_.size())).first;
    slice_names_.emplace_back(slice);
  }
  slice_of_.push_back(it->second);
}

namespace {

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

void check_tolerances(SliceQuality& q, const std::map<std::string, double>& recorded,
                      const ConceptPolicy& policy) {
  for (const auto& [metric, tol] : policy.tolerance) {
    auto rec = recorded.find(metric);
    auto now = q.metrics.find(metric);
    if (rec == recorded.end() || now == q.metrics.end()) continue;
    const bool higher = higher_is_better(metric);
    const bool worse = higher ? now->second < rec->second - tol : now->second > rec->second + tol;
    if (worse) {
      q.degraded.push_back(metric + " " + fmt(now->second) + (higher ? " < " : " > ") +
                           "recorded " + fmt(rec->second) + (higher ? " - " : " + ") + fmt(tol));
    }
  }
}

// Log-loss the model expects if its scores are calibrated (mean binary entropy) and the
// standard error of the observed log-loss around it.
void expected_logloss(const std::vector<double>& s, SliceQuality& q) {
  double h = 0, var = 0;
  for (double p : s) {
    const double c = std::clamp(p, kLogLossEps, 1 - kLogLossEps);
    const double logit = std::log(c / (1 - c));
    h += -c * std::log(c) - (1 - c) * std::log1p(-c);
    var += c * (1 - c) * logit * logit;
  }
  const double n = static_cast<double>(std::max<size_t>(s.size(), 1));
  q.metrics["expected_logloss"] = h / n;
  q.metrics["excess_logloss"] = q.metrics["logloss"] - h / n;
  const double se = std::sqrt(var) / n;
  q.metrics["excess_logloss_z"] = se > 0 ? q.metrics["excess_logloss"] / se : 0.0;
}

SliceQuality measure(const std::string& task, const std::vector<double>& y,
                     const std::vector<double>& s, double threshold) {
  SliceQuality q;
  q.rows = y.size();
  if (task == "regression") {
    q.metrics = regression_metrics(y, s).as_map();
    return q;
  }
  const BinaryMetrics m = binary_metrics(y, s, threshold);
  q.metrics = m.as_map();
  q.tp = m.tp, q.fp = m.fp, q.tn = m.tn, q.fn = m.fn;
  expected_logloss(s, q);
  return q;
}

void check_slice(SliceQuality& q, const std::string& task,
                 const std::map<std::string, double>& recorded, const ConceptPolicy& policy) {
  if (task == "regression") return check_tolerances(q, recorded, policy);
  const double excess = q.metrics["excess_logloss"], z = q.metrics["excess_logloss_z"];
  if (excess > policy.slice_excess_logloss && z > policy.slice_z)
    q.degraded.push_back("logloss " + fmt(q.metrics["logloss"]) + " exceeds the model's expected " +
                         fmt(q.metrics["expected_logloss"]) + " by " + fmt(excess) + " (z " +
                         fmt(z) + ")");
}

}  // namespace

ConceptResult ConceptAccumulator::finish(const std::map<std::string, double>& recorded,
                                         const ConceptPolicy& policy,
                                         const std::string& slice_by) const {
  ConceptResult r;
  r.task = task_;
  r.slice_by = slice_by;
  const std::vector<double> y(labels_.begin(), labels_.end()), s(scores_.begin(), scores_.end());
  r.overall = measure(task_, y, s, policy.threshold);
  check_tolerances(r.overall, recorded, policy);
  for (const auto& d : r.overall.degraded) r.findings.push_back("overall: " + d);
  r.slice_metric = policy.slice_metric;
  if (task_ == "regression" &&
      (r.slice_metric == "auc" || r.slice_metric == "accuracy" || r.slice_metric == "f1"))
    r.slice_metric = "rmse";
  if (!slice_by.empty()) {
    std::vector<std::vector<double>> ys(slice_names_.size()), ss(slice_names_.size());
    for (size_t i = 0; i < slice_of_.size(); ++i)
      ys[slice_of_[i]].push_back(y[i]), ss[slice_of_[i]].push_back(s[i]);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < slice_names_.size(); ++k) {
      SliceQuality q = measure(task_, ys[k], ss[k], policy.threshold);
      q.slice = slice_names_[k];
      q.eligible = q.rows >= policy.min_slice_rows;
      if (q.eligible) {
        check_slice(q, task_, recorded, policy);
        for (const auto& d : q.degraded) r.findings.push_back(slice_by + "=" + q.slice + ": " + d);
        auto m = q.metrics.find(r.slice_metric);
        if (m != q.metrics.end() && std::isfinite(m->second))
          lo = std::min(lo, m->second), hi = std::max(hi, m->second);
      }
      r.slices.push_back(std::move(q));
    }
    if (std::isfinite(lo) && hi > 0 && lo >= 0) r.worst_to_best = lo / hi;
    if (policy.min_slice_ratio > 0 && r.worst_to_best < policy.min_slice_ratio)
      r.findings.push_back("worst-to-best " + r.slice_metric + " ratio across " + slice_by +
                           " slices " + fmt(r.worst_to_best) + " < " + fmt(policy.min_slice_ratio));
    const bool higher = higher_is_better(r.slice_metric);
    const std::string metric = r.slice_metric;
    std::stable_sort(r.slices.begin(), r.slices.end(),
                     [&](const SliceQuality& a, const SliceQuality& b) {
                       if (a.eligible != b.eligible) return a.eligible;
                       const double va = a.metrics.count(metric) ? a.metrics.at(metric) : 0,
                                    vb = b.metrics.count(metric) ? b.metrics.at(metric) : 0;
                       return higher ? va < vb : va > vb;
                     });
  }
  r.degraded = !r.findings.empty();
  return r;
}

}  // namespace mlo::drift
