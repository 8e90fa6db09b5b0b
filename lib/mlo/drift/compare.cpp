// Applies the policy to per-feature statistics: verdicts, data quality, dataset rule.
#include "mlo/drift/compare.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "mlo/drift/feature_stats.hpp"

namespace mlo::drift {

double quantile_linear(const SortedSample& v, double q) {
  if (v.empty()) return 0.0;
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  const double t = pos - static_cast<double>(lo);
  // numpy's _lerp: symmetric form keeps the result monotone and exact at t = 1
  const double diff = v[hi] - v[lo];
  return t >= 0.5 ? v[hi] - diff * (1 - t) : v[lo] + diff * t;
}

void rank_by_importance(DatasetDrift& drift, const std::map<std::string, double>& importance) {
  double top = 0;
  for (const auto& [name, v] : importance) top = std::max(top, v);
  if (top <= 0) return;
  for (auto& f : drift.features) {
    auto it = importance.find(f.name);
    f.importance = it == importance.end() ? 0.0 : it->second / top;
  }
  auto key = [](const FeatureDrift& f) {
    return std::make_tuple(!f.issues.empty(), f.drifted, f.severity * f.importance, f.severity);
  };
  std::stable_sort(drift.features.begin(), drift.features.end(),
                   [&](const FeatureDrift& a, const FeatureDrift& b) { return key(a) > key(b); });
}

double profile_quantile(const FeatureProfile& p, double q) {
  if (p.count == 0 || p.bins.empty()) return NAN;
  const double target = q * static_cast<double>(p.count);
  double cum = 0;
  for (size_t k = 0; k < p.bins.size(); ++k) {
    const double n = static_cast<double>(p.bins[k]);
    if (n > 0 && cum + n >= target) {
      const double lo = k == 0 ? p.min : std::max(p.min, p.edges[k - 1]);
      const double hi = k < p.edges.size() ? std::min(p.max, p.edges[k]) : p.max;
      const double t = std::clamp((target - cum) / n, 0.0, 1.0);
      return std::clamp(lo + (hi - lo) * t, p.min, p.max);
    }
    cum += n;
  }
  return p.max;
}

SideStats side_stats(const FeatureProfile& p) {
  SideStats s;
  s.rows = p.rows;
  s.count = p.count;
  s.nulls = p.nulls;
  s.null_rate = p.rows > 0 ? static_cast<double>(p.nulls) / static_cast<double>(p.rows) : 0.0;
  if (p.kind == FeatureKind::kCategorical) {
    s.categories = p.categories.size();
    return s;
  }
  if (p.count == 0) return s;
  s.mean = p.mean;
  s.std = std::sqrt(p.variance());
  s.min = p.min;
  s.max = p.max;
  s.p05 = profile_quantile(p, 0.05);
  s.p25 = profile_quantile(p, 0.25);
  s.p50 = profile_quantile(p, 0.5);
  s.p75 = profile_quantile(p, 0.75);
  s.p95 = profile_quantile(p, 0.95);
  return s;
}

namespace {

constexpr double kMaxSeverity = 1e6;

double rate(uint64_t part, uint64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

bool constant(const FeatureProfile& f) {
  if (f.kind == FeatureKind::kNumeric) return f.count > 1 && f.min == f.max;
  return f.count > 1 && f.categories.size() == 1 && f.other == 0;
}

std::string pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", v * 100);
  return buf;
}

void quality(const FeatureProfile& ref, const FeatureProfile& cur, const QualityLimits& q,
             FeatureDrift& out) {
  const double ref_null = rate(ref.nulls, ref.rows), cur_null = rate(cur.nulls, cur.rows);
  out.quality["reference_null_rate"] = ref_null;
  out.quality["null_rate"] = cur_null;
  out.quality["null_rate_change"] = cur_null - ref_null;
  out.quality["type_error_share"] = rate(cur.type_errors, cur.rows);
  out.quality["constant_in_batch"] = constant(cur) ? 1 : 0;
  out.quality["constant_in_reference"] = constant(ref) ? 1 : 0;
  if (cur_null - ref_null > q.max_null_rate_increase)
    out.issues.push_back("null rate " + pct(cur_null) + " (reference " + pct(ref_null) + ")");
  if (out.quality.count("out_of_range_share") &&
      out.quality["out_of_range_share"] > q.max_out_of_range_share)
    out.issues.push_back(pct(out.quality["out_of_range_share"]) +
                         " of values outside the reference range");
  if (out.quality["type_error_share"] > q.max_type_error_share)
    out.issues.push_back(pct(out.quality["type_error_share"]) + " of values are not numbers");
  if (out.quality.count("unseen_share") && out.quality["unseen_share"] > q.max_unseen_share)
    out.issues.push_back(pct(out.quality["unseen_share"]) + " unseen categories");
  if (q.fail_on_constant && constant(cur) && !constant(ref))
    out.issues.push_back("constant in the batch");
}

Status verdict(const Policy& policy, FeatureDrift& out) {
  const FeatureRule* fr = policy.rule_for(out.name);
  const bool categorical = out.kind == FeatureKind::kCategorical;
  Rule rule = categorical ? policy.categorical : policy.numeric;
  if (fr && fr->rule) rule = *fr->rule;
  if (fr) out.weight = fr->weight;
  if (!is_known_method(rule.method, categorical))
    return make_error(ErrorCode::kInvalidInput, "policy: feature '" + out.name + "': method '" +
                                                    rule.method + "' does not apply to a " +
                                                    (categorical ? "categorical" : "numeric") +
                                                    " feature");
  out.method = rule.method;
  out.threshold = rule.threshold;
  out.value = out.stats.count(rule.method) ? out.stats[rule.method] : 0.0;
  if (is_pvalue_method(rule.method)) {
    out.drifted = out.current_count > 0 && out.value < rule.threshold;
    out.severity = std::min(kMaxSeverity, rule.threshold / std::max(out.value, 1e-300));
  } else {
    out.drifted = out.value > rule.threshold;
    out.severity = rule.threshold > 0 ? std::min(kMaxSeverity, out.value / rule.threshold)
                                      : (out.value > 0 ? kMaxSeverity : 0);
  }
  return {};
}

}  // namespace

Result<DatasetDrift> compare(const Profile& reference, const Profile& current,
                             const std::vector<ExactSamples>& exact,
                             const std::vector<bool>& present, const Policy& policy) {
  DatasetDrift result;
  result.reference_rows = reference.rows;
  result.current_rows = current.rows;
  if (current.rows == 0 && !policy.quality.allow_empty_batch) {
    result.dataset_issues.push_back("empty batch: no rows");
    result.quality_failed = true;
  }
  double total_weight = 0, drifted_weight = 0;
  for (size_t i = 0; i < reference.features.size(); ++i) {
    const FeatureProfile& ref = reference.features[i];
    const FeatureRule* fr = policy.rule_for(ref.name);
    if (fr && fr->ignore) continue;
    const FeatureProfile* cur = current.find(ref.name);
    FeatureDrift fd;
    fd.name = ref.name;
    fd.kind = ref.kind;
    fd.present = cur != nullptr && (i >= present.size() || present[i]);
    fd.reference_count = ref.count;
    fd.reference = side_stats(ref);
    if (!fd.present) {
      fd.issues.push_back("column missing from the batch");
      if (fr) fd.weight = fr->weight;
      result.features.push_back(std::move(fd));
      continue;
    }
    if (cur->kind != ref.kind)
      return make_error(
          ErrorCode::kInvalidInput,
          "feature '" + ref.name + "': kind differs between reference and batch profiles");
    fd.current_count = cur->count;
    fd.current_rows = cur->rows;
    fd.current = side_stats(*cur);
    if (ref.kind == FeatureKind::kNumeric) {
      detail::numeric_stats(ref, *cur, i < exact.size() ? exact[i] : ExactSamples{}, fd);
    } else {
      detail::categorical_stats(ref, *cur, fd);
    }
    quality(ref, *cur, policy.quality, fd);
    MLO_TRY(verdict(policy, fd));
    total_weight += fd.weight;
    if (fd.drifted) drifted_weight += fd.weight;
    result.features.push_back(std::move(fd));
  }
  for (const auto& f : result.features) {
    if (!f.issues.empty() && (f.present || !policy.quality.allow_missing_columns))
      result.quality_failed = true;
  }
  result.drifted_share = total_weight > 0 ? drifted_weight / total_weight : 0.0;
  result.drift = drifted_weight > 0 && result.drifted_share >= policy.drift_share;
  std::stable_sort(result.features.begin(), result.features.end(),
                   [](const FeatureDrift& a, const FeatureDrift& b) {
                     const double sa = a.severity + (a.issues.empty() ? 0 : kMaxSeverity),
                                  sb = b.severity + (b.issues.empty() ? 0 : kMaxSeverity);
                     return sa > sb;
                   });
  return result;
}

}  // namespace mlo::drift
