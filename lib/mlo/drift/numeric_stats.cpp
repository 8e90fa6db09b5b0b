// Numeric feature statistics; see compare.hpp for the profile-mode error bounds.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "mlo/drift/feature_stats.hpp"
#include "mlo/drift/stats.hpp"

namespace mlo::drift::detail {

namespace {

double share(double part, double whole) {
  return whole > 0 ? part / whole : 0.0;
}

// Wasserstein divisor: the reference std, or when that is 0 (constant column) max(|mean|, 1)
// so a shift away from a constant still shows and nothing divides by zero.
double w_scale(const FeatureProfile& ref) {
  const double sd = std::sqrt(ref.variance());
  return sd > 0 ? sd : std::max(std::abs(ref.mean), 1.0);
}

// Integral of |g| over [0, w] for g linear from g0 to g1.
double abs_linear_integral(double g0, double g1, double w) {
  if ((g0 >= 0) == (g1 >= 0)) return std::abs(g0 + g1) / 2 * w;
  const double a = std::abs(g0), b = std::abs(g1);
  return w * (a * a + b * b) / (2 * (a + b));
}

struct Coarse {
  std::vector<double> ref, cur;
  std::vector<std::string> labels;
};

// Groups the fine bins into <= 10 bins at reference deciles (a boundary after fine bin k
// when the reference cumulative share first reaches q/10).
Coarse coarsen(const FeatureProfile& ref, const FeatureProfile& cur) {
  Coarse c;
  const size_t nb = ref.bins.size();
  const double total = static_cast<double>(std::max<uint64_t>(ref.count, 1));
  std::vector<size_t> cut;
  double cum = 0;
  int q = 1;
  for (size_t k = 0; k + 1 < nb && q < kPsiBins; ++k) {
    cum += static_cast<double>(ref.bins[k]);
    bool crossed = false;
    while (q < kPsiBins && cum >= total * q / kPsiBins) ++q, crossed = true;
    if (crossed) cut.push_back(k);
  }
  size_t start = 0;
  auto push = [&](size_t end) {  // fine bins [start, end]
    double r = 0, x = 0;
    for (size_t k = start; k <= end; ++k)
      r += static_cast<double>(ref.bins[k]), x += static_cast<double>(cur.bins[k]);
    c.ref.push_back(r);
    c.cur.push_back(x);
    const std::string lo = start == 0 ? "-inf" : format_edge(ref.edges[start - 1]);
    const std::string hi = end >= ref.edges.size() ? "+inf" : format_edge(ref.edges[end]);
    c.labels.push_back("(" + lo + ", " + hi + "]");
    start = end + 1;
  };
  for (size_t k : cut) push(k);
  if (start < nb) push(nb - 1);
  return c;
}

void profile_ks_wasserstein(const FeatureProfile& ref, const FeatureProfile& cur,
                            FeatureDrift& out) {
  const double nr = static_cast<double>(ref.count), nc = static_cast<double>(cur.count);
  double cr = 0, cc = 0, d = 0, ks_err = share(static_cast<double>(cur.below_range), nc);
  const size_t ne = ref.edges.size();
  for (size_t k = 0; k < ne; ++k) {
    cr += static_cast<double>(ref.bins[k]);
    cc += static_cast<double>(cur.bins[k]);
    d = std::max(d, std::abs(cr / nr - cc / nc));
    if (k > 0)
      ks_err = std::max(
          {ks_err, static_cast<double>(ref.bins[k]) / nr, static_cast<double>(cur.bins[k]) / nc});
  }
  out.stats["ks"] = d;
  out.stats["ks_error"] = ks_err;
  out.stats["ks_pvalue"] = ks_pvalue(d, ref.count, cur.count);
  out.stats["ks_robust"] = ks_robust(d, ref.count, cur.count);

  // Knots lo, edges..., hi; both CDFs linear between knots.
  std::vector<double> x, fr, fc;
  const double lo = std::min(cur.min, ref.edges.front()), hi = std::max(cur.max, ref.edges.back());
  if (lo < ref.edges.front()) x.push_back(lo), fr.push_back(0), fc.push_back(0);
  cr = cc = 0;
  for (size_t k = 0; k < ne; ++k) {
    cr += static_cast<double>(ref.bins[k]);
    cc += static_cast<double>(cur.bins[k]);
    x.push_back(ref.edges[k]), fr.push_back(cr / nr), fc.push_back(cc / nc);
  }
  if (hi > ref.edges.back()) x.push_back(hi), fr.push_back(1), fc.push_back(1);
  double w = 0, err = 0;
  for (size_t i = 1; i < x.size(); ++i) {
    const double width = x[i] - x[i - 1];
    w += abs_linear_integral(fr[i - 1] - fc[i - 1], fr[i] - fc[i], width);
    err += width * ((fr[i] - fr[i - 1]) + (fc[i] - fc[i - 1]));
  }
  out.stats["wasserstein"] = w / w_scale(ref);
  out.stats["wasserstein_raw"] = w;
  out.stats["wasserstein_error"] = err / w_scale(ref);
}

void exact_ks_wasserstein(const FeatureProfile& ref, const ExactSamples& ex, FeatureDrift& out) {
  const auto& a = *ex.reference;
  const auto& b = *ex.current;
  const double d = ks_statistic(a, b);
  out.stats["ks"] = d;
  out.stats["ks_pvalue"] = ks_pvalue(d, a.size(), b.size());
  out.stats["ks_robust"] = ks_robust(d, a.size(), b.size());
  const double w = wasserstein_sorted(a, b);
  out.stats["wasserstein"] = w / w_scale(ref);
  out.stats["wasserstein_raw"] = w;
}

Coarse exact_bins(const ExactSamples& ex) {
  const auto& a = *ex.reference;
  std::vector<double> edges;
  for (int q = 1; q < kPsiBins; ++q) {
    const double e = quantile_linear(a, static_cast<double>(q) / kPsiBins);
    if (edges.empty() || e > edges.back()) edges.push_back(e);
  }
  Coarse c;
  c.ref.assign(edges.size() + 1, 0);
  c.cur.assign(edges.size() + 1, 0);
  auto count = [&](const SortedSample& v, std::vector<double>& bins) {
    size_t k = 0;
    uint64_t prev = 0;
    for (SampleRuns r = v.runs(); !r.done(); r.next()) {  // sorted: bin = number of edges < x
      while (k < edges.size() && edges[k] < r.value()) ++k;
      bins[k] += static_cast<double>(r.end() - prev);  // whole counts: exact
      prev = r.end();
    }
  };
  count(a, c.ref);
  count(*ex.current, c.cur);
  for (size_t i = 0; i <= edges.size(); ++i) {
    const std::string lo = i == 0 ? "-inf" : format_edge(edges[i - 1]);
    const std::string hi = i == edges.size() ? "+inf" : format_edge(edges[i]);
    c.labels.push_back("(" + lo + ", " + hi + "]");
  }
  return c;
}

}  // namespace

std::string format_edge(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

void numeric_stats(const FeatureProfile& ref, const FeatureProfile& cur, const ExactSamples& exact,
                   FeatureDrift& out) {
  const double nc = static_cast<double>(cur.count);
  if (ref.count > 0 && cur.count > 0) {
    out.quality["out_of_range_share"] =
        share(static_cast<double>(cur.below_range + cur.bins.back()), nc);
  }
  if (ref.count == 0 || cur.count == 0 || ref.edges.empty()) {
    for (const char* k : {"psi", "js", "ks", "ks_robust", "wasserstein"}) out.stats[k] = 0.0;
    out.stats["ks_pvalue"] = 1.0;
    return;
  }
  const bool use_exact = exact.reference != nullptr && exact.current != nullptr;
  out.exact = use_exact;
  Coarse c = use_exact ? exact_bins(exact) : coarsen(ref, cur);
  out.stats["psi"] = psi(c.ref, c.cur);
  out.stats["js"] = js_distance(c.ref, c.cur);
  if (use_exact)
    exact_ks_wasserstein(ref, exact, out);
  else
    profile_ks_wasserstein(ref, cur, out);
  double sr = 0, sc = 0;
  for (size_t i = 0; i < c.ref.size(); ++i) sr += c.ref[i], sc += c.cur[i];
  for (size_t i = 0; i < c.ref.size(); ++i) {
    out.histogram.labels.push_back(c.labels[i]);
    out.histogram.reference.push_back(share(c.ref[i], sr));
    out.histogram.current.push_back(share(c.cur[i], sc));
  }
}

}  // namespace mlo::drift::detail
