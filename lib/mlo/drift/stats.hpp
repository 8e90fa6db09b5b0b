// Two-sample statistics used by drift, written to match scipy 1.10 / numpy on the same inputs:
//   ks_statistic + ks_pvalue  == scipy.stats.ks_2samp(a, b) (method='auto', two-sided)
//   wasserstein_sorted        == scipy.stats.wasserstein_distance(a, b)
//   js_distance(p, q)         == scipy.spatial.distance.jensenshannon(p, q)   (base e)
//   chi2_contingency(table)   == scipy.stats.chi2_contingency (Yates only when dof == 1)
//   psi(p, q)                 == sum((q - p) * ln(q / p)) after clipping shares to kPsiEps
// Nothing here divides by zero or returns NaN for degenerate input (empty, constant, all in
// one bin); such cases return 0 distance / p-value 1 as documented per function.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "mlo/drift/samples.hpp"

namespace mlo::drift {

inline constexpr double kPsiEps = 1e-4;  // share floor for PSI bins (avoids ln(0))

// Sup |F_a - F_b| of the empirical CDFs of two ascending arrays; 0 when either is empty.
double ks_statistic(std::span<const double> a_sorted, std::span<const double> b_sorted);
// Two-sided p-value of KS statistic d for sample sizes n, m as ks_2samp(method='auto'):
// exact lattice-path count when max(n, m) <= 10000, otherwise kstwo.sf(d, round(n*m/(n+m)))
// (Simard & L'Ecuyer's selection of Durbin matrix / Pelz-Good / exact Smirnov). 1 if n or m is 0.
double ks_pvalue(double d, uint64_t n, uint64_t m);
// Kolmogorov distribution survival function P(D_n > x) (scipy.stats.kstwo.sf).
double kolmogorov_sf(uint64_t n, double x);
// Sample-size-robust KS: max(0, d - c * sqrt((n + m) / (n * m))); c = 1.36 is the 5% critical
// value of the asymptotic distribution, so same-distribution batches score ~0 at any size.
double ks_robust(double d, uint64_t n, uint64_t m, double c = 1.36);

// Earth mover's distance between two ascending arrays (integral of |F_a - F_b|).
double wasserstein_sorted(std::span<const double> a_sorted, std::span<const double> b_sorted);
// The same two on samples stored either way (exact mode): the same results, bit for bit, as on
// the expanded arrays, in time linear in the number of runs.
double ks_statistic(const SortedSample& a, const SortedSample& b);
double wasserstein_sorted(const SortedSample& a, const SortedSample& b);

// Jensen-Shannon distance (sqrt of the divergence, natural log) of two count/weight vectors,
// each normalised to sum 1. 0 when either sums to 0.
double js_distance(std::span<const double> p, std::span<const double> q);
// Population stability index on two count vectors (reference p, current q), shares clipped
// below at kPsiEps. 0 when either sums to 0.
double psi(std::span<const double> p, std::span<const double> q);
// max_i |p_i - q_i| on normalised vectors.
double linf_distance(std::span<const double> p, std::span<const double> q);

struct Chi2Result {
  double statistic = 0;
  double pvalue = 1;
  int dof = 0;
};
// Chi-square test of independence on a 2 x k table (row 0: reference counts, row 1: current).
// Columns with zero total are dropped first (scipy would reject them); dof = k' - 1; dof 0 or
// an empty row gives statistic 0, p-value 1.
Chi2Result chi2_contingency(std::span<const double> row0, std::span<const double> row1);
// Upper tail of the chi-square distribution (scipy.stats.chi2.sf).
double chi2_sf(double x, double dof);

}  // namespace mlo::drift
