// SHAP contributions (XGBoost's exact TreeSHAP, pred_contribs): per row they plus the bias
// sum to the margin, for binary and regression models, with missing values.
#include <catch2/catch.hpp>

#include "model_test_data.hpp"

using namespace mlo;
using namespace mlo::test;

namespace {

void check_sums_to_margin(Task task, const char* objective) {
  auto d = make_data(600, 5, task, 3);
  TrainOptions opt;
  opt.params = {{"objective", objective}, {"max_depth", "4"}, {"eta", "0.3"}};
  opt.num_boost_round = 15;
  opt.nthread = 1;
  auto m = XgbModel::train(d.view(), d.y, nullptr, nullptr, opt);
  REQUIRE(m.ok());
  auto t = make_data(200, 5, task, 9);  // 10% NaN
  std::vector<float> contrib, margin;
  REQUIRE(m->contributions(t.view(), contrib).ok());
  REQUIRE(m->predict_margin(t.view(), margin).ok());
  REQUIRE(contrib.size() == t.rows * (t.cols + 1));
  REQUIRE(margin.size() == t.rows);
  bool nonzero = false;
  for (size_t r = 0; r < t.rows; ++r) {
    double sum = 0;
    for (size_t c = 0; c <= t.cols; ++c) sum += contrib[r * (t.cols + 1) + c];
    REQUIRE(sum == Approx(margin[r]).margin(1e-5));
    nonzero = nonzero || contrib[r * (t.cols + 1)] != 0.0f;
  }
  CHECK(nonzero);
  if (task == Task::kBinary) {  // the transformed score is sigmoid(margin)
    std::vector<float> p;
    REQUIRE(m->predict(t.view(), p).ok());
    for (size_t r = 0; r < t.rows; ++r)
      CHECK(p[r] == Approx(1.0 / (1.0 + std::exp(-margin[r]))).margin(1e-6));
  }
}

}  // namespace

TEST_CASE("contributions plus bias equal the margin: binary") {
  check_sums_to_margin(Task::kBinary, "binary:logistic");
}

TEST_CASE("contributions plus bias equal the margin: regression") {
  check_sums_to_margin(Task::kRegression, "reg:squarederror");
}
