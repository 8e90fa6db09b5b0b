#include <catch2/catch.hpp>

#include <cmath>
#include <nlohmann/json.hpp>

#include "mlo/model/xgboost_model.hpp"
#include "model_test_data.hpp"

using namespace mlo;
using mlo::test::make_data;
using mlo::test::Task;

namespace {

XgbModel train_small(Task task, std::map<std::string, std::string> params, int rounds = 10) {
  auto d = make_data(800, 5, task, 7);
  TrainOptions opt;
  opt.params = std::move(params);
  opt.num_boost_round = rounds;
  opt.nthread = 1;
  auto m = XgbModel::train(d.view(), d.y, nullptr, nullptr, opt);
  REQUIRE(m.ok());
  return std::move(m).value();
}

void require_same_predictions(const XgbModel& a, const XgbModel& b) {
  auto d = make_data(300, 5, Task::kBinary, 11);
  std::vector<float> pa, pb;
  REQUIRE(a.predict(d.view(), pa).ok());
  REQUIRE(b.predict(d.view(), pb).ok());
  REQUIRE(pa.size() == pb.size());
  for (size_t i = 0; i < pa.size(); ++i) REQUIRE(pa[i] == pb[i]);
}

}  // namespace

TEST_CASE("XgbModel trains and reports its shape") {
  auto m = train_small(Task::kBinary, {{"objective", "binary:logistic"}, {"max_depth", "3"}});
  CHECK(m.objective() == "binary:logistic");
  CHECK(m.num_features() == 5);
  CHECK(m.num_outputs() == 1);
  CHECK(m.best_iteration() == -1);
  auto mc = train_small(Task::kMulticlass, {{"objective", "multi:softprob"}, {"num_class", "3"}});
  CHECK(mc.num_outputs() == 3);
  auto d = make_data(10, 5, Task::kBinary, 3);
  std::vector<float> out;
  REQUIRE(mc.predict(d.view(), out).ok());
  CHECK(out.size() == 30);
  CHECK(!xgboost_version().empty());
}

TEST_CASE("XgbModel round-trips through JSON and UBJSON") {
  auto m = train_small(Task::kBinary, {{"objective", "binary:logistic"}, {"max_depth", "4"}});
  auto ubj = m.save_ubjson();
  auto js = m.save_json();
  REQUIRE(ubj.ok());
  REQUIRE(js.ok());
  CHECK(js->front() == '{');
  auto from_ubj = XgbModel::load(*ubj);
  auto from_json = XgbModel::load(*js);
  REQUIRE(from_ubj.ok());
  REQUIRE(from_json.ok());
  CHECK(from_ubj->objective() == "binary:logistic");
  CHECK(from_json->num_features() == 5);
  require_same_predictions(m, *from_ubj);
  require_same_predictions(m, *from_json);
  // Pretty-printed JSON (as written by tools) loads too.
  auto pretty = nlohmann::json::parse(*js).dump(2);
  auto from_pretty = XgbModel::load(pretty);
  REQUIRE(from_pretty.ok());
  CHECK(from_pretty->num_features() == 5);
}

TEST_CASE("XgbModel load rejects garbage and truncated models") {
  auto m = train_small(Task::kBinary, {{"objective", "binary:logistic"}});
  auto ubj = *m.save_ubjson();
  auto js = *m.save_json();
  for (std::string bad :
       {std::string(), std::string("hello"), std::string("{not json"), std::string("{}"),
        std::string("{\"learner\": 1}"), ubj.substr(0, ubj.size() / 2),
        ubj.substr(0, ubj.size() - 3), js.substr(0, js.size() / 2), js.substr(0, js.size() - 1)}) {
    auto r = XgbModel::load(bad);
    INFO("input size " << bad.size());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInvalidInput);
    CHECK(r.error().message.find('\n') == std::string::npos);
  }
}

TEST_CASE("XgbModel train reports bad parameters and labels as invalid input") {
  auto d = make_data(100, 3, Task::kRegression, 1);
  TrainOptions opt;
  opt.num_boost_round = 2;
  opt.params = {{"objective", "binary:logistic"}};  // regression labels are outside [0, 1]
  auto r = XgbModel::train(d.view(), d.y, nullptr, nullptr, opt);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kInvalidInput);
  CHECK(r.error().message.find('\n') == std::string::npos);
  opt.params = {{"objective", "reg:squarederror"}, {"max_depth", "deep"}};
  r = XgbModel::train(d.view(), d.y, nullptr, nullptr, opt);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kInvalidInput);
  std::vector<float> short_y(d.y.begin(), d.y.begin() + 10);
  opt.params = {{"objective", "reg:squarederror"}};
  CHECK_FALSE(XgbModel::train(d.view(), short_y, nullptr, nullptr, opt).ok());
  opt.early_stopping_rounds = 3;
  CHECK_FALSE(XgbModel::train(d.view(), d.y, nullptr, nullptr, opt).ok());
}

TEST_CASE("XgbModel early stopping keeps the best iteration") {
  auto train = make_data(600, 5, Task::kBinary, 21);
  auto eval = make_data(400, 5, Task::kBinary, 22);
  TrainOptions opt;
  opt.params = {{"objective", "binary:logistic"},
                {"max_depth", "8"},
                {"eta", "0.9"},
                {"eval_metric", "logloss"}};
  opt.num_boost_round = 200;
  opt.early_stopping_rounds = 5;
  opt.nthread = 1;
  std::vector<double> metrics;
  opt.on_round = [&](int round, const std::string& name, double metric) {
    CHECK(round == static_cast<int>(metrics.size()));
    CHECK(name == "logloss");
    metrics.push_back(metric);
  };
  DenseView ev = eval.view();
  auto m = XgbModel::train(train.view(), train.y, &ev, &eval.y, opt);
  REQUIRE(m.ok());
  int best = m->best_iteration();
  REQUIRE(best >= 0);
  REQUIRE(metrics.size() < 200);  // an overfitting eta 0.9 model stops early
  CHECK(static_cast<int>(metrics.size()) == best + 1 + 5);
  for (double v : metrics) CHECK(v >= metrics[static_cast<size_t>(best)]);
  // The kept model is the best iteration's: its eval log-loss is the best one seen.
  std::vector<float> p;
  REQUIRE(m->predict(ev, p).ok());
  double ll = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    double q = std::clamp(static_cast<double>(p[i]), 1e-15, 1 - 1e-15);
    ll -= eval.y[i] > 0.5 ? std::log(q) : std::log(1 - q);
  }
  CHECK(ll / static_cast<double>(p.size()) ==
        Approx(metrics[static_cast<size_t>(best)]).epsilon(1e-4));
  auto reloaded = XgbModel::load(*m->save_ubjson());
  REQUIRE(reloaded.ok());
  CHECK(reloaded->best_iteration() == best);
}

TEST_CASE("XgbModel predict checks the column count") {
  auto m = train_small(Task::kBinary, {{"objective", "binary:logistic"}});
  auto d = make_data(10, 4, Task::kBinary, 3);
  std::vector<float> out;
  auto st = m.predict(d.view(), out);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code == ErrorCode::kInvalidInput);
}
