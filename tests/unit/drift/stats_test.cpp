// Statistics against values computed by scipy/numpy (make_expected.py -> scipy_expected.inc).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include "mlo/drift/stats.hpp"

namespace {
#include "drift/scipy_expected.inc"

std::vector<double> sorted(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v;
}
}  // namespace

using namespace mlo::drift;
using Catch::Matchers::WithinAbs;

TEST_CASE("ks_2samp statistic and exact p-value match scipy") {
  const auto a = sorted(kA), b = sorted(kB), c = sorted(kC);
  CHECK_THAT(ks_statistic(a, b), WithinAbs(kKsAB, 1e-12));
  CHECK_THAT(ks_pvalue(ks_statistic(a, b), a.size(), b.size()), WithinAbs(kKsAB_p, 1e-9));
  CHECK_THAT(ks_statistic(a, c), WithinAbs(kKsAC, 1e-12));
  CHECK_THAT(ks_pvalue(ks_statistic(a, c), a.size(), c.size()), WithinAbs(kKsAC_p, 1e-9));
}

TEST_CASE("ks asymptotic p-value matches scipy kstwo.sf") {
  for (const auto& k : kAsymp) {
    INFO("d=" << k.d << " n=" << k.n << " m=" << k.m);
    CHECK_THAT(ks_pvalue(k.d, k.n, k.m), WithinAbs(k.p, 1e-6));
  }
}

TEST_CASE("robust ks subtracts the critical value and never goes negative") {
  CHECK(ks_robust(0.001, 1000000, 1000000) == 0.0);
  CHECK_THAT(ks_robust(0.2, 100, 100), WithinAbs(0.2 - 1.36 * std::sqrt(0.02), 1e-12));
  CHECK(ks_robust(0.5, 0, 10) == 0.0);
}

TEST_CASE("wasserstein, jensen-shannon, psi, chi2 match scipy/numpy") {
  CHECK_THAT(wasserstein_sorted(sorted(kA), sorted(kB)), WithinAbs(kWassAB, 1e-12));
  CHECK_THAT(js_distance(kP, kQ), WithinAbs(kJsPQ, 1e-12));
  CHECK_THAT(psi(kP, kQ), WithinAbs(kPsiPQ, 1e-12));
  const std::vector<double> r0{30, 70}, r1{45, 55};
  const auto t2 = chi2_contingency(r0, r1);
  CHECK(t2.dof == 1);
  CHECK_THAT(t2.statistic, WithinAbs(kChi2_2, 1e-9));
  CHECK_THAT(t2.pvalue, WithinAbs(kChi2_2p, 1e-9));
  const std::vector<double> s0{120, 30, 45, 5}, s1{100, 50, 40, 9};
  const auto t4 = chi2_contingency(s0, s1);
  CHECK(t4.dof == 3);
  CHECK_THAT(t4.statistic, WithinAbs(kChi2_4, 1e-9));
  CHECK_THAT(t4.pvalue, WithinAbs(kChi2_4p, 1e-9));
  CHECK_THAT(chi2_sf(7.5, 3), WithinAbs(kChi2Sf_3_7p5, 1e-12));
  CHECK_THAT(chi2_sf(55.0, 40), WithinAbs(kChi2Sf_40_55, 1e-12));
}

TEST_CASE("degenerate inputs give finite neutral values") {
  const std::vector<double> empty, one{1.0}, zeros{0, 0};
  CHECK(ks_statistic(empty, one) == 0.0);
  CHECK(ks_pvalue(0.0, 0, 5) == 1.0);
  CHECK(wasserstein_sorted(empty, one) == 0.0);
  CHECK(js_distance(zeros, zeros) == 0.0);
  CHECK(psi(zeros, one) == 0.0);
  const auto t = chi2_contingency(std::vector<double>{5, 0}, std::vector<double>{7, 0});
  CHECK(t.pvalue == 1.0);
  CHECK(t.dof == 0);
  const std::vector<double> constant(50, 3.0);
  CHECK(ks_statistic(constant, constant) == 0.0);
  CHECK(wasserstein_sorted(constant, constant) == 0.0);
}
