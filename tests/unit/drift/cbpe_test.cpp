// CBPE on generated data: scores with a known P(y=1 | score), so the true AUC of a batch is
// computable from its drawn labels and the estimate (from scores only) can be checked.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "mlo/drift/calibration.hpp"
#include "mlo/drift/cbpe.hpp"
#include "mlo/metrics/metrics.hpp"

using namespace mlo::drift;

namespace {

struct Sample {
  std::vector<float> y, s;
};

double beta(std::mt19937_64& rng, double a, double b) {
  std::gamma_distribution<double> ga(a, 1.0), gb(b, 1.0);
  const double x = ga(rng), z = gb(rng);
  return x / (x + z);
}

// Scores ~ Beta(a, b); P(y = 1 | s) = truth(s): the model is informative but not calibrated
// (s^1.5 instead of s), so CBPE must go through the isotonic map to get it right.
double truth(double s) {
  return std::pow(s, 1.5);
}

Sample draw(std::mt19937_64& rng, size_t n, double a, double b) {
  Sample out;
  std::uniform_real_distribution<double> u(0, 1);
  for (size_t i = 0; i < n; ++i) {
    const double s = beta(rng, a, b);
    out.s.push_back(static_cast<float>(s));
    out.y.push_back(u(rng) < truth(s) ? 1.0f : 0.0f);
  }
  return out;
}

double true_auc(const Sample& b) {
  std::vector<double> y(b.y.begin(), b.y.end()), s(b.s.begin(), b.s.end());
  return mlo::metrics::roc_auc(y, s);
}

CbpeResult estimate(const CalibrationMap& map, const Sample& b,
                    const std::map<std::string, double>& recorded = {}) {
  CbpeAccumulator acc(map, 0.5);
  for (float s : b.s) acc.add(s);
  return acc.finish(recorded, {{"auc", 0.03}, {"accuracy", 0.03}});
}

}  // namespace

TEST_CASE("isotonic calibration is monotone, bounded and recovers the true curve") {
  std::mt19937_64 rng(1);
  const Sample eval = draw(rng, 50000, 2, 2);
  const CalibrationMap map = fit_isotonic(eval.y, eval.s);
  REQUIRE_FALSE(map.empty());
  CHECK(map.x.size() <= kMaxCalibrationPoints);
  CHECK(std::is_sorted(map.y.begin(), map.y.end()));
  for (double s : {0.2, 0.4, 0.6, 0.8}) CHECK(map.apply(s) == Approx(truth(s)).margin(0.04));
  CHECK(map.ece_raw > 0.03);  // s is not P(y|s)
  auto round = CalibrationMap::from_json(map.to_json(), "test");
  REQUIRE(round.ok());
  CHECK(round->apply(0.37) == Approx(map.apply(0.37)));
  // Calibrated scores have a small ECE.
  std::vector<float> cal;
  for (float s : eval.s) cal.push_back(static_cast<float>(truth(s)));
  CHECK(expected_calibration_error(eval.y, cal) < 0.01);
}

TEST_CASE("binned metrics match the exact metrics when every score has its own bin") {
  // Scores 0.1..0.9 with known labels: pos/neg per bin are the label counts.
  std::vector<double> pos{0, 1, 0, 1, 1}, neg{1, 0, 1, 0, 0};
  auto m = binned_metrics(pos, neg, 3);  // bins 3, 4 predicted positive
  std::vector<double> y{0, 1, 0, 1, 1}, s{0.1, 0.3, 0.5, 0.7, 0.9};
  CHECK(m.at("auc") == Approx(mlo::metrics::roc_auc(y, s)));
  const auto b = mlo::metrics::binary_metrics(y, s, 0.6);
  CHECK(m.at("accuracy") == Approx(b.accuracy));
  CHECK(m.at("precision") == Approx(b.precision));
  CHECK(m.at("recall") == Approx(b.recall));
  CHECK(m.at("f1") == Approx(b.f1));
}

TEST_CASE("CBPE without concept drift: the band holds the true AUC in >= 90% of 50 batches") {
  std::mt19937_64 rng(7);
  const Sample eval = draw(rng, 50000, 2, 2);
  const CalibrationMap fitted = fit_isotonic(eval.y, eval.s);
  int inside = 0;
  double worst = 0;
  for (int k = 0; k < 50; ++k) {
    const Sample batch = draw(rng, 3000, 2, 2);
    const CbpeResult r = estimate(fitted, batch);
    REQUIRE(r.available);
    const double t = true_auc(batch);
    const auto band = r.band.at("auc");
    CHECK(band.first <= r.estimate.at("auc"));
    CHECK(r.estimate.at("auc") <= band.second);
    if (band.first <= t && t <= band.second) ++inside;
    worst = std::max(worst, std::fabs(r.estimate.at("auc") - t));
  }
  INFO("batches whose band holds the true AUC: " << inside << "/50, worst error " << worst);
  CHECK(inside >= 45);
}

TEST_CASE("CBPE under covariate shift follows the true AUC within 0.03") {
  std::mt19937_64 rng(11);
  const Sample eval = draw(rng, 50000, 2, 2);
  const CalibrationMap map = fit_isotonic(eval.y, eval.s);
  const double reference_auc = true_auc(eval);
  // Scores move: the batch's score mix shifts towards high and low scores; P(y|s) is unchanged.
  for (auto [a, b] : {std::pair{5.0, 2.0}, std::pair{1.0, 4.0}, std::pair{0.7, 0.7}}) {
    const Sample batch = draw(rng, 20000, a, b);
    const CbpeResult r = estimate(map, batch, {{"auc", reference_auc}});
    REQUIRE(r.available);
    const double t = true_auc(batch);
    INFO("Beta(" << a << "," << b << "): true " << t << ", estimated " << r.estimate.at("auc")
                 << ", reference " << reference_auc);
    CHECK(std::fabs(r.estimate.at("auc") - t) < 0.03);
  }
}

TEST_CASE("CBPE flags an estimate below the recorded metric minus tolerance") {
  std::mt19937_64 rng(3);
  const Sample eval = draw(rng, 20000, 2, 2);
  const CalibrationMap map = fit_isotonic(eval.y, eval.s);
  const Sample batch = draw(rng, 5000, 2, 2);
  const double est = estimate(map, batch).estimate.at("auc");
  CHECK(estimate(map, batch, {{"auc", est + 0.02}}).degraded.empty());
  const auto r = estimate(map, batch, {{"auc", est + 0.1}});
  REQUIRE(r.degraded.size() == 1);
  CHECK(r.degraded[0].find("estimated auc") == 0);
}

TEST_CASE("CBPE is unavailable for scores that are not probabilities or without a map") {
  std::mt19937_64 rng(5);
  const Sample eval = draw(rng, 2000, 2, 2);
  CbpeAccumulator acc(fit_isotonic(eval.y, eval.s), 0.5);
  acc.add(0.3);
  acc.add(2.5);
  const CbpeResult r = acc.finish({}, {});
  CHECK_FALSE(r.available);
  CHECK(r.note.find("outside [0, 1]") != std::string::npos);
  CbpeAccumulator none(CalibrationMap{}, 0.5);
  none.add(0.3);
  CHECK_FALSE(none.finish({}, {}).available);
}
