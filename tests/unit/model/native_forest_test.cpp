#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "mlo/model/native_forest.hpp"
#include "model_test_data.hpp"

using namespace mlo;
using mlo::test::Data;
using mlo::test::make_data;
using mlo::test::Task;

namespace {

XgbModel train(const Data& d, std::map<std::string, std::string> params, int rounds) {
  TrainOptions opt;
  opt.params = std::move(params);
  opt.params.emplace("seed", "1");
  opt.num_boost_round = rounds;
  opt.nthread = 2;
  auto m = XgbModel::train(d.view(), d.y, nullptr, nullptr, opt);
  REQUIRE(m.ok());
  return std::move(m).value();
}

// Scoring rows: fresh data, plus rows of all-NaN, infinities and exact copies of training rows.
Data scoring_rows(const Data& train_data, Task task) {
  Data d = make_data(1000 + 37, train_data.cols, task, 99, 0.15);
  std::vector<float> extra(train_data.cols, NAN);
  d.x.insert(d.x.end(), extra.begin(), extra.end());
  for (size_t c = 0; c < d.cols; ++c)
    d.x.push_back(c % 2 ? std::numeric_limits<float>::infinity()
                        : -std::numeric_limits<float>::infinity());
  d.x.insert(d.x.end(), train_data.x.begin(),
             train_data.x.begin() + static_cast<long>(200 * train_data.cols));
  d.rows += 202;
  return d;
}

// Bit-for-bit: the native evaluator must produce XGBoost's floats exactly, on both paths.
void require_identical(const XgbModel& model, const Data& rows) {
  std::vector<float> want;
  REQUIRE(model.predict(rows.view(), want).ok());
  auto forest = NativeForest::build(model);
  REQUIRE(forest.ok());
  REQUIRE(forest->supported());
  REQUIRE(forest->num_outputs() == model.num_outputs());
  REQUIRE(want.size() == rows.rows * static_cast<size_t>(forest->num_outputs()));
  for (auto path : {NativeForest::Path::kPortable, NativeForest::Path::kAvx512,
                    NativeForest::Path::kAvx512Vbmi}) {
    forest->set_path(path);
    if (forest->path() != path) {
      // The CPU or the byte layout's limits refused it; the slower path that runs instead is
      // tested in its own iteration. (Tests below check that the byte path is taken where it
      // should be.)
      if (path == NativeForest::Path::kAvx512) CHECK_FALSE(NativeForest::cpu_has_avx512());
      continue;
    }
    std::vector<float> got(want.size(), -1.0f);
    forest->predict(rows.view(), got.data());
    size_t mismatches = 0;
    for (size_t i = 0; i < want.size(); ++i) {
      if (std::memcmp(&want[i], &got[i], sizeof(float)) != 0) {
        if (mismatches++ < 5)
          UNSCOPED_INFO("row value " << i << ": xgboost " << want[i] << " native " << got[i]);
      }
    }
    INFO("path " << NativeForest::path_name(path));
    CHECK(mismatches == 0);
  }
}

}  // namespace

TEST_CASE("NativeForest matches XGBoost bit for bit: binary:logistic") {
  for (int depth : {1, 3, 6, 8}) {
    auto d = make_data(3000, 6, Task::kBinary, 5 + static_cast<uint32_t>(depth));
    auto m = train(d,
                   {{"objective", "binary:logistic"},
                    {"max_depth", std::to_string(depth)},
                    {"tree_method", "hist"}},
                   40);
    INFO("depth " << depth);
    require_identical(m, scoring_rows(d, Task::kBinary));
  }
}

TEST_CASE("NativeForest matches XGBoost bit for bit: every depth from 1 to 12") {
  // Each depth changes which levels use permutes, which use gathers, and how leaves are read;
  // depths 1-10 have their own unrolled AVX-512 walk, deeper trees a run-time loop.
  auto d = make_data(2500, 9, Task::kRegression, 31, 0.2);
  for (int depth = 1; depth <= 12; ++depth) {
    INFO("depth " << depth);
    auto model = train(d,
                       {{"objective", "reg:squarederror"},
                        {"max_depth", std::to_string(depth)},
                        {"tree_method", "exact"},
                        {"eta", "0.4"}},
                       6);
    if (depth == 12) {  // the deep-tree loop must really run
      auto forest = NativeForest::build(model);
      REQUIRE(forest.ok());
      CHECK(forest->max_depth() > 10);
    }
    require_identical(model, scoring_rows(d, Task::kRegression));
  }
}

TEST_CASE("NativeForest matches XGBoost bit for bit: 1, 2, 16, 17 and 40 features") {
  // Register layouts of 2, 4, 8 and 16 floats per row, and the gather fallback above 16.
  for (size_t cols : {size_t{1}, size_t{2}, size_t{3}, size_t{16}, size_t{17}, size_t{40}}) {
    INFO("features " << cols);
    auto d = make_data(1500, cols, Task::kBinary, 40 + static_cast<uint32_t>(cols));
    require_identical(train(d, {{"objective", "binary:logistic"}, {"max_depth", "6"}}, 8),
                      scoring_rows(d, Task::kBinary));
  }
}

TEST_CASE("NativeForest matches XGBoost bit for bit: exact and approx trees, base_score") {
  auto d = make_data(2000, 7, Task::kBinary, 17);
  require_identical(
      train(d, {{"objective", "binary:logistic"}, {"max_depth", "7"}, {"tree_method", "exact"}},
            25),
      scoring_rows(d, Task::kBinary));
  require_identical(train(d,
                          {{"objective", "binary:logistic"},
                           {"max_depth", "5"},
                           {"tree_method", "approx"},
                           {"base_score", "0.37"}},
                          25),
                    scoring_rows(d, Task::kBinary));
  require_identical(train(d, {{"objective", "reg:logistic"}, {"max_depth", "4"}}, 20),
                    scoring_rows(d, Task::kBinary));
  require_identical(train(d, {{"objective", "binary:logitraw"}, {"max_depth", "4"}}, 20),
                    scoring_rows(d, Task::kBinary));
}

TEST_CASE("NativeForest matches XGBoost bit for bit: reg:squarederror") {
  auto d = make_data(3000, 5, Task::kRegression, 8);
  require_identical(
      train(d, {{"objective", "reg:squarederror"}, {"max_depth", "8"}, {"eta", "0.3"}}, 60),
      scoring_rows(d, Task::kRegression));
  // Deeper than the permute levels: level 8+ lookups use gathers.
  require_identical(train(d,
                          {{"objective", "reg:squarederror"},
                           {"max_depth", "10"},
                           {"tree_method", "exact"},
                           {"eta", "0.5"}},
                          10),
                    scoring_rows(d, Task::kRegression));
}

TEST_CASE("NativeForest matches XGBoost bit for bit: multi:softprob and multi:softmax") {
  auto d = make_data(3000, 6, Task::kMulticlass, 9, 0.1, 4);
  require_identical(
      train(d, {{"objective", "multi:softprob"}, {"num_class", "4"}, {"max_depth", "6"}}, 20),
      scoring_rows(d, Task::kMulticlass));
  require_identical(
      train(d, {{"objective", "multi:softmax"}, {"num_class", "4"}, {"max_depth", "3"}}, 15),
      scoring_rows(d, Task::kMulticlass));
}

TEST_CASE("NativeForest matches XGBoost bit for bit: features with more than 254 thresholds") {
  // Exact trees on two features split at many distinct values: the byte kernel then spreads a
  // feature's thresholds over several byte features of 254 each.
  auto d = make_data(4000, 2, Task::kRegression, 23, 0.05);
  auto m = train(d,
                 {{"objective", "reg:squarederror"},
                  {"tree_method", "exact"},
                  {"max_depth", "8"},
                  {"eta", "0.3"}},
                 60);
  auto forest = NativeForest::build(m);
  REQUIRE(forest.ok());
  if (NativeForest::cpu_has_avx512_vbmi()) {
    forest->set_path(NativeForest::Path::kAvx512Vbmi);
    CHECK(forest->path() == NativeForest::Path::kAvx512Vbmi);
  }
  Data rows = scoring_rows(d, Task::kRegression);
  // Signed zeros and values next to the training values, which are the thresholds' neighbours.
  for (float v : {0.0f, -0.0f, 1e-30f, -1e-30f}) {
    rows.x.push_back(v);
    rows.x.push_back(-v);
    rows.y.push_back(0);
    ++rows.rows;
  }
  for (size_t i = 0; i < 300; ++i) {
    rows.x.push_back(std::nextafter(d.x[2 * i], INFINITY));
    rows.x.push_back(std::nextafter(d.x[2 * i + 1], -INFINITY));
    rows.y.push_back(0);
    ++rows.rows;
  }
  require_identical(m, rows);
}

TEST_CASE("NativeForest scores rows wider than the kernels' 32-bit offsets reach") {
  auto d = make_data(2000, 4, Task::kBinary, 12);
  auto m = train(d, {{"objective", "binary:logistic"}, {"max_depth", "4"}}, 5);
  auto forest = NativeForest::build(m);
  REQUIRE(forest.ok());
  // Wider than kMaxKernelColumns, so predict scores a compact copy (an offset would overflow
  // only past a few hundred such rows in one block, 8 GB, which a test cannot hold).
  const size_t rows = 3, wide = 4300000;
  std::vector<float> x(rows * wide, 0.0f);
  for (size_t r = 0; r < rows; ++r)
    std::copy_n(d.x.begin() + static_cast<long>(r * 4), 4, x.begin() + static_cast<long>(r * wide));
  std::vector<float> want(rows), got(rows);
  forest->predict(DenseView{d.x.data(), rows, 4}, want.data());
  forest->predict(DenseView{x.data(), rows, wide}, got.data());
  CHECK(std::memcmp(want.data(), got.data(), rows * sizeof(float)) == 0);
}

TEST_CASE("NativeForest handles a few rows, one row and zero rows") {
  auto d = make_data(500, 4, Task::kBinary, 2);
  auto m = train(d, {{"objective", "binary:logistic"}, {"max_depth", "5"}}, 10);
  for (size_t n : {size_t{1}, size_t{15}, size_t{64}, size_t{65}}) {
    Data few = d;
    few.rows = n;
    few.x.resize(n * d.cols);
    require_identical(m, few);
  }
  auto forest = NativeForest::build(m);
  REQUIRE(forest.ok());
  forest->predict(DenseView{d.x.data(), 0, d.cols}, nullptr);
}

TEST_CASE("NativeForest declines what it cannot reproduce") {
  auto d = make_data(500, 4, Task::kRegression, 3);
  auto dart = train(d, {{"booster", "dart"}, {"objective", "reg:squarederror"}}, 3);
  auto f1 = NativeForest::build(dart);
  REQUIRE(f1.ok());
  CHECK_FALSE(f1->supported());
  CHECK(f1->unsupported_reason().find("dart") != std::string::npos);
  auto linear = train(d, {{"booster", "gblinear"}, {"objective", "reg:squarederror"}}, 3);
  auto f2 = NativeForest::build(linear);
  REQUIRE(f2.ok());
  CHECK_FALSE(f2->supported());
  for (auto& y : d.y) y = std::abs(std::round(y));
  auto poisson = train(d, {{"objective", "count:poisson"}}, 3);
  auto f3 = NativeForest::build(poisson);
  REQUIRE(f3.ok());
  CHECK_FALSE(f3->supported());
  CHECK(f3->unsupported_reason().find("count:poisson") != std::string::npos);
}

TEST_CASE("NativeForest rejects malformed model documents") {
  CHECK_FALSE(NativeForest::from_json("{").ok());
  CHECK_FALSE(NativeForest::from_json("{\"learner\": {}}").ok());
  CHECK_FALSE(NativeForest::from_ubjson("garbage").ok());
  auto d = make_data(300, 3, Task::kBinary, 4);
  auto m = train(d, {{"objective", "binary:logistic"}}, 3);
  auto js = m.save_json();
  REQUIRE(js.ok());
  auto from_text = NativeForest::from_json(*js);
  REQUIRE(from_text.ok());
  CHECK(from_text->supported());
  CHECK(from_text->num_trees() == 3);
  CHECK(from_text->num_features() == 3);
  // A split on a feature index the model does not have is an error, not a crash.
  std::string broken = *js;
  auto at = broken.find("\"split_indices\":[");
  REQUIRE(at != std::string::npos);
  auto end = broken.find_first_of(",]", at + 17);
  broken.replace(at + 17, end - (at + 17), "99");
  CHECK_FALSE(NativeForest::from_json(broken).ok());
}

TEST_CASE("NativeForest picks the fastest path the CPU and the forest allow, unless capped") {
  auto d = make_data(300, 3, Task::kBinary, 4);
  auto m = train(d, {{"objective", "binary:logistic"}}, 2);
  ::unsetenv("MLO_NATIVE_FOREST");
  auto f = NativeForest::build(m);
  REQUIRE(f.ok());
  CHECK(f->path() == (NativeForest::cpu_has_avx512_vbmi() ? NativeForest::Path::kAvx512Vbmi
                      : NativeForest::cpu_has_avx512()    ? NativeForest::Path::kAvx512
                                                          : NativeForest::Path::kPortable));
  ::setenv("MLO_NATIVE_FOREST", "avx512", 1);
  auto capped = NativeForest::build(m);
  REQUIRE(capped.ok());
  CHECK(capped->path() == (NativeForest::cpu_has_avx512() ? NativeForest::Path::kAvx512
                                                          : NativeForest::Path::kPortable));
  // Trees deeper than 8 do not fit the byte layout: the float AVX-512 kernel runs them.
  auto deep = train(make_data(3000, 4, Task::kRegression, 6),
                    {{"objective", "reg:squarederror"}, {"max_depth", "10"}}, 3);
  ::unsetenv("MLO_NATIVE_FOREST");
  auto deep_forest = NativeForest::build(deep);
  REQUIRE(deep_forest.ok());
  if (deep_forest->max_depth() > 8)
    CHECK(deep_forest->path() == (NativeForest::cpu_has_avx512() ? NativeForest::Path::kAvx512
                                                                 : NativeForest::Path::kPortable));
  ::setenv("MLO_NATIVE_FOREST", "portable", 1);
  auto p = NativeForest::build(m);
  ::unsetenv("MLO_NATIVE_FOREST");
  REQUIRE(p.ok());
  CHECK(p->path() == NativeForest::Path::kPortable);
  // set_path(kAvx512) is honoured only when the CPU has it.
  p->set_path(NativeForest::Path::kAvx512);
  CHECK((p->path() == NativeForest::Path::kAvx512) == NativeForest::cpu_has_avx512());
}
