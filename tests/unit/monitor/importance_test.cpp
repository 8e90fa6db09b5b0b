// feature_importance: mean |SHAP| per feature stored at train time, most important first,
// shares summing to 1; versions without it are kNotFound.
#include <catch2/catch.hpp>

#include <algorithm>

#include "mlo/monitor/importance.hpp"
#include "monitor/monitor_fixture.hpp"

using namespace mlo;

TEST_CASE("importance: stored at train time, sorted, shares sum to 1") {
  test::TrainedVersion tv;
  auto imp = monitor::feature_importance(*tv.store, tv.mv);
  REQUIRE(imp.ok());
  REQUIRE(imp->size() == 3);
  std::vector<std::string> names;
  double share = 0;
  for (size_t i = 0; i < imp->size(); ++i) {
    names.push_back((*imp)[i].feature);
    share += (*imp)[i].share;
    CHECK((*imp)[i].mean_abs_shap >= 0);
    if (i) CHECK((*imp)[i - 1].mean_abs_shap >= (*imp)[i].mean_abs_shap);
  }
  CHECK(share == Approx(1.0));
  // x1 carries the largest coefficient (1.5) of the generating logit.
  CHECK((*imp)[0].feature == "x1");
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"c", "x1", "x2"});
}

TEST_CASE("importance: a version without a monitoring artifact is not found") {
  test::TrainedVersion tv;
  ModelVersion bare = tv.mv;
  bare.artifacts.erase("monitoring");
  auto imp = monitor::feature_importance(*tv.store, bare);
  REQUIRE_FALSE(imp.ok());
  CHECK(imp.error().code == ErrorCode::kNotFound);
  CHECK(imp.error().message.find("tiny:1: no feature importance stored") == 0);
}
