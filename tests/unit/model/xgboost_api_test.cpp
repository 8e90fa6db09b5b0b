#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "mlo/model/xgboost_api.hpp"
#include "mlo/model/xgboost_model.hpp"
#include "model_test_data.hpp"

using namespace mlo;
using mlo::test::make_data;
using mlo::test::Task;

TEST_CASE("The XGBoost table resolves every function once, from the library of the headers") {
  auto first = xgboost_api();
  REQUIRE(first.ok());
  auto second = xgboost_api();
  REQUIRE(second.ok());
  CHECK(*first == *second);
  const XgbApi* api = *first;
#define CHECK_BOUND(fn) CHECK(api->fn != nullptr);
  MLO_XGBOOST_FUNCTIONS(CHECK_BOUND)
#undef CHECK_BOUND
  auto version = xgboost_library_version();
  REQUIRE(version.ok());
  CHECK(*version == xgboost_build_version());
  CHECK(xgboost_version() == *version);
}

TEST_CASE("A prediction through the raw table equals XgbModel's") {
  auto d = make_data(600, 4, Task::kBinary, 3);
  TrainOptions opt;
  opt.params = {{"objective", "binary:logistic"}, {"max_depth", "4"}};
  opt.num_boost_round = 8;
  opt.nthread = 1;
  auto model = XgbModel::train(d.view(), d.y, nullptr, nullptr, opt);
  REQUIRE(model.ok());
  auto test = make_data(200, 4, Task::kBinary, 4);
  std::vector<float> through_model;
  REQUIRE(model->predict(test.view(), through_model).ok());

  auto json = model->save_json();
  REQUIRE(json.ok());
  const XgbApi& x = **xgboost_api();
  BoosterHandle booster = nullptr;
  REQUIRE(x.XGBoosterCreate(nullptr, 0, &booster) == 0);
  REQUIRE(x.XGBoosterLoadModelFromBuffer(booster, json->data(), json->size()) == 0);
  DMatrixHandle m = nullptr;
  REQUIRE(x.XGDMatrixCreateFromMat(test.x.data(), test.rows, test.cols, NAN, &m) == 0);
  const char* config =
      R"({"type":0,"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false})";
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* out = nullptr;
  REQUIRE(x.XGBoosterPredictFromDMatrix(booster, m, config, &shape, &dim, &out) == 0);
  REQUIRE(dim == 1);
  REQUIRE(shape[0] == through_model.size());
  for (size_t i = 0; i < through_model.size(); ++i) CHECK(out[i] == through_model[i]);
  x.XGDMatrixFree(m);
  x.XGBoosterFree(booster);
}
