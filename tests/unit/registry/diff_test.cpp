#include <catch2/catch.hpp>

#include "mlo/registry/diff.hpp"

using namespace mlo;

namespace {

const FieldDiff* find(const std::vector<FieldDiff>& diffs, const std::string& field) {
  for (const auto& d : diffs)
    if (d.field == field) return &d;
  return nullptr;
}

}  // namespace

TEST_CASE("diff reports params, metrics, schema and artifacts that differ") {
  ModelVersion a;
  a.name = "m";
  a.version = 1;
  a.params = {{"eta", "0.1"}, {"max_depth", "6"}};
  a.metrics = {{"auc", 0.7}};
  a.features = {{"x", "numeric"}};
  a.artifacts["model"] = {"sha256:" + std::string(64, 'a'), 10, "application/json"};
  ModelVersion b = a;
  b.version = 2;
  b.params["eta"] = "0.2";
  b.params.erase("max_depth");
  b.metrics["logloss"] = 0.4;
  b.features.push_back({"y", "categorical"});
  b.artifacts["model"].digest = "sha256:" + std::string(64, 'b');

  auto diffs = diff_versions(a, b);
  REQUIRE(find(diffs, "version"));
  REQUIRE(find(diffs, "params.eta"));
  CHECK(find(diffs, "params.eta")->a == "0.1");
  CHECK(find(diffs, "params.eta")->b == "0.2");
  REQUIRE(find(diffs, "params.max_depth"));
  CHECK(find(diffs, "params.max_depth")->b.empty());
  REQUIRE(find(diffs, "metrics.logloss"));
  CHECK(find(diffs, "metrics.logloss")->a.empty());
  CHECK_FALSE(find(diffs, "metrics.auc"));
  REQUIRE(find(diffs, "schema.features[1]"));
  CHECK(find(diffs, "schema.features[1]")->b == "y (categorical)");
  CHECK_FALSE(find(diffs, "schema.features[0]"));
  REQUIRE(find(diffs, "artifacts.model"));
  CHECK(diff_versions(a, a).empty());
}
