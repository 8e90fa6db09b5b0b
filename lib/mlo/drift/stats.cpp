#include "mlo/drift/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mlo::drift {

namespace {

// Both walk the merged order of the distinct values, one run of ties at a time: i and j are the
// counts of a's and b's values <= the current value.
double ks_runs(SampleRuns a, SampleRuns b, size_t na, size_t nb) {
  if (na == 0 || nb == 0) return 0.0;
  const double n = static_cast<double>(na), m = static_cast<double>(nb);
  size_t i = 0, j = 0;
  double d = 0;
  while (!a.done() && !b.done()) {  // evaluate after consuming every copy of the value
    const double x = std::min(a.value(), b.value());
    if (a.value() == x) i = a.end(), a.next();
    if (b.value() == x) j = b.end(), b.next();
    d = std::max(d, std::abs(static_cast<double>(i) / n - static_cast<double>(j) / m));
  }
  return d;
}

// Same construction as scipy's _cdf_distance(p=1): integrate |F_a - F_b| between consecutive
// points of the merged sorted sample.
double wasserstein_runs(SampleRuns a, SampleRuns b, size_t na, size_t nb) {
  if (na == 0 || nb == 0) return 0.0;
  const double n = static_cast<double>(na), m = static_cast<double>(nb);
  size_t i = 0, j = 0;
  double prev = std::min(a.value(), b.value());
  double total = 0;
  while (!a.done() || !b.done()) {
    const double x = b.done() || (!a.done() && a.value() <= b.value()) ? a.value() : b.value();
    total += std::abs(static_cast<double>(i) / n - static_cast<double>(j) / m) * (x - prev);
    if (!a.done() && a.value() == x) i = a.end(), a.next();
    if (!b.done() && b.value() == x) j = b.end(), b.next();
    prev = x;
  }
  return total;
}

}  // namespace

double ks_statistic(std::span<const double> a, std::span<const double> b) {
  return ks_runs(SampleRuns(a), SampleRuns(b), a.size(), b.size());
}

double ks_statistic(const SortedSample& a, const SortedSample& b) {
  return ks_runs(a.runs(), b.runs(), a.size(), b.size());
}

double wasserstein_sorted(std::span<const double> a, std::span<const double> b) {
  return wasserstein_runs(SampleRuns(a), SampleRuns(b), a.size(), b.size());
}

double wasserstein_sorted(const SortedSample& a, const SortedSample& b) {
  return wasserstein_runs(a.runs(), b.runs(), a.size(), b.size());
}

double ks_robust(double d, uint64_t n, uint64_t m, double c) {
  if (n == 0 || m == 0) return 0.0;
  const double nn = static_cast<double>(n), mm = static_cast<double>(m);
  return std::max(0.0, d - c * std::sqrt((nn + mm) / (nn * mm)));
}

namespace {
double sum(std::span<const double> v) {
  return std::accumulate(v.begin(), v.end(), 0.0);
}
double rel_entr(double x, double y) {
  return x > 0 && y > 0 ? x * std::log(x / y) : 0.0;
}
}  // namespace

double js_distance(std::span<const double> p, std::span<const double> q) {
  const double sp = sum(p), sq = sum(q);
  if (sp <= 0 || sq <= 0 || p.size() != q.size()) return 0.0;
  double js = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const double pi = p[i] / sp, qi = q[i] / sq, mi = (pi + qi) / 2;
    js += rel_entr(pi, mi) + rel_entr(qi, mi);
  }
  return std::sqrt(std::max(0.0, js / 2));
}

double psi(std::span<const double> p, std::span<const double> q) {
  const double sp = sum(p), sq = sum(q);
  if (sp <= 0 || sq <= 0 || p.size() != q.size()) return 0.0;
  double total = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const double pi = std::max(p[i] / sp, kPsiEps), qi = std::max(q[i] / sq, kPsiEps);
    total += (qi - pi) * std::log(qi / pi);
  }
  return total;
}

double linf_distance(std::span<const double> p, std::span<const double> q) {
  const double sp = sum(p), sq = sum(q);
  if (sp <= 0 || sq <= 0 || p.size() != q.size()) return 0.0;
  double d = 0;
  for (size_t i = 0; i < p.size(); ++i) d = std::max(d, std::abs(p[i] / sp - q[i] / sq));
  return d;
}

namespace {
// Regularised gamma functions (series for x < a + 1, Lentz continued fraction otherwise).
double gamma_p_series(double a, double x) {
  double term = 1.0 / a, total = term;
  for (int k = 1; k < 100000; ++k) {
    term *= x / (a + k);
    total += term;
    if (std::abs(term) < std::abs(total) * 1e-17) break;
  }
  return total * std::exp(-x + a * std::log(x) - std::lgamma(a));
}
double gamma_q_fraction(double a, double x) {
  const double tiny = 1e-300;
  double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (int i = 1; i < 100000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1) < 1e-16) break;
  }
  return std::exp(-x + a * std::log(x) - std::lgamma(a)) * h;
}
}  // namespace

double chi2_sf(double x, double dof) {
  if (dof <= 0) return 1.0;
  if (!(x > 0)) return 1.0;
  const double a = dof / 2, y = x / 2;
  if (y < a + 1) return std::clamp(1.0 - gamma_p_series(a, y), 0.0, 1.0);
  return std::clamp(gamma_q_fraction(a, y), 0.0, 1.0);
}

Chi2Result chi2_contingency(std::span<const double> row0, std::span<const double> row1) {
  Chi2Result r;
  std::vector<std::pair<double, double>> cols;
  for (size_t i = 0; i < std::min(row0.size(), row1.size()); ++i) {
    if (row0[i] + row1[i] > 0) cols.emplace_back(row0[i], row1[i]);
  }
  double t0 = 0, t1 = 0;
  for (const auto& [a, b] : cols) t0 += a, t1 += b;
  if (cols.size() < 2 || t0 <= 0 || t1 <= 0) return r;
  r.dof = static_cast<int>(cols.size()) - 1;
  const double total = t0 + t1;
  for (const auto& [a, b] : cols) {
    const double col = a + b;
    const double e0 = t0 * col / total, e1 = t1 * col / total;
    double d0 = a - e0, d1 = b - e1;
    if (r.dof == 1) {  // Yates: move each observation 0.5 towards its expectation, not past it
      d0 = std::copysign(std::max(0.0, std::abs(d0) - 0.5), d0);
      d1 = std::copysign(std::max(0.0, std::abs(d1) - 0.5), d1);
    }
    r.statistic += d0 * d0 / e0 + d1 * d1 / e1;
  }
  r.pvalue = chi2_sf(r.statistic, r.dof);
  return r;
}

}  // namespace mlo::drift
