// Quality metrics against scikit-learn conventions (expected values from
// tests/unit/drift/make_expected.py, shared with the drift statistics tests).
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "mlo/metrics/metrics.hpp"

namespace {
#include "drift/scipy_expected.inc"
}  // namespace

using namespace mlo::metrics;
using Catch::Matchers::WithinAbs;

TEST_CASE("binary metrics follow scikit-learn conventions") {
  const auto m = binary_metrics(kY, kS, 0.5);
  CHECK(m.n == 12);
  // threshold 0.5: predicted positive = scores >= 0.5 -> indices 0,2,3,4,6,9,10,11
  CHECK(m.tp == 6);
  CHECK(m.fp == 2);
  CHECK(m.fn == 1);
  CHECK(m.tn == 3);
  CHECK_THAT(m.accuracy, WithinAbs(9.0 / 12, 1e-12));
  CHECK_THAT(m.precision, WithinAbs(6.0 / 8, 1e-12));
  CHECK_THAT(m.recall, WithinAbs(6.0 / 7, 1e-12));
  CHECK_THAT(m.f1, WithinAbs(12.0 / 15, 1e-12));
  CHECK_THAT(m.auc, WithinAbs(kAuc, 1e-12));
  CHECK_THAT(m.logloss, WithinAbs(kLogLoss, 1e-12));
  const std::vector<double> ones{1, 1}, s{0.2, 0.9};
  CHECK(std::isnan(roc_auc(ones, s)));
  CHECK(binary_metrics(ones, s, 0.95).precision == 0.0);
}

TEST_CASE("regression metrics") {
  const std::vector<double> y{1, 2, 3, 4}, p{1.5, 2, 2.5, 5};
  const auto r = regression_metrics(y, p);
  CHECK_THAT(r.mae, WithinAbs(0.5, 1e-12));
  CHECK_THAT(r.rmse, WithinAbs(std::sqrt(1.5 / 4), 1e-12));
  CHECK_THAT(r.r2, WithinAbs(1 - 1.5 / 5.0, 1e-12));
  const std::vector<double> c{2, 2};
  CHECK(regression_metrics(c, c).r2 == 1.0);
  CHECK(regression_metrics(c, std::vector<double>{1, 2}).r2 == 0.0);
}

TEST_CASE("multiclass metrics: argmax accuracy (first on ties) and clipped mlogloss") {
  const std::vector<float> y{0, 1, 2, 1};
  const std::vector<float> p{0.7f, 0.2f, 0.1f,   //
                             0.5f, 0.5f, 0.0f,   // tie: class 0 wins, label 1 -> wrong
                             0.1f, 0.1f, 0.8f,   //
                             0.0f, 0.0f, 1.0f};  // p[label] = 0 is clipped to 1e-15
  const auto m = multiclass_metrics(y, p, 3);
  CHECK_THAT(m.at("accuracy"), WithinAbs(0.5, 1e-12));
  const double expected = -(std::log(0.7f) + std::log(0.5f) + std::log(0.8f) + std::log(1e-15)) / 4;
  CHECK_THAT(m.at("mlogloss"), WithinAbs(expected, 1e-6));
  CHECK(eval_metrics("multiclass", y, p, 3) == m);
  CHECK(
      eval_metrics("regression", std::vector<float>{1, 2}, std::vector<float>{1, 2}, 0).at("r2") ==
      1.0);
}
