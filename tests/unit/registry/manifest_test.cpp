#include <catch2/catch.hpp>

#include "mlo/registry/manifest.hpp"

using namespace mlo;

namespace {

ModelVersion sample() {
  ModelVersion mv;
  mv.name = "flights-delay";
  mv.version = 3;
  mv.created = "2026-11-22T12:00:00Z";
  mv.created_by = "alice";
  mv.task = "binary";
  mv.artifacts["model"] = {"sha256:" + std::string(64, 'a'), 1234, "application/ubjson"};
  mv.artifacts["preprocess"] = {"sha256:" + std::string(64, 'b'), 56, "application/yaml"};
  mv.features = {{"distance", "numeric"}, {"origin", "categorical"}};
  mv.target = "delayed";
  mv.passthrough = {"id"};
  mv.training_data = DataRef{"sha256:" + std::string(64, 'c'), 480000, "flights-m1.csv"};
  mv.params = {{"objective", "binary:logistic"},
               {"max_depth", "8"},
               {"eta", "0.1"},
               {"empty", ""},
               {"n", "null"}};
  mv.eval_data = DataRef{"sha256:" + std::string(64, 'd'), 0, ""};
  mv.metrics = {{"auc", 0.73}, {"logloss", 0.41}};
  mv.parent = 2;
  mv.environment = {{"mlo", "0.1.0"}, {"xgboost", "1.7.4"}};
  mv.labels = {{"team", "ops"}};
  return mv;
}

}  // namespace

TEST_CASE("manifest round-trips through YAML byte for byte") {
  const ModelVersion mv = sample();
  const std::string yaml = mv.to_yaml();
  auto back = ModelVersion::from_yaml(yaml, "m");
  REQUIRE(back.ok());
  CHECK(back->to_yaml() == yaml);
  CHECK(back->params.at("empty").empty());
  CHECK(back->params.at("n") == "null");
  CHECK(back->metrics.at("auc") == 0.73);
  CHECK(back->parent == std::optional<int64_t>(2));
  CHECK(back->features[1].type == "categorical");
  CHECK(back->passthrough == std::vector<std::string>{"id"});
  CHECK(yaml.rfind("apiVersion: mlo/v1\nkind: ModelVersion\nname: flights-delay\nversion: 3\n",
                   0) == 0);
  CHECK(yaml.find("auc: 0.73") != std::string::npos);
}

TEST_CASE("minimal manifest round-trips") {
  ModelVersion mv;
  mv.name = "m";
  mv.version = 1;
  mv.created = "2026-01-01T00:00:00Z";
  auto back = ModelVersion::from_yaml(mv.to_yaml(), "m");
  REQUIRE(back.ok());
  CHECK(back->to_yaml() == mv.to_yaml());
  CHECK(!back->training_data);
  CHECK(back->artifacts.empty());
}

TEST_CASE("manifest validation rejects foreign or broken documents") {
  const std::string good = sample().to_yaml();
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return ModelVersion::from_yaml(s, "models/x/versions/3.yaml");
  };
  auto expect_invalid = [](const Result<ModelVersion>& r, const std::string& fragment) {
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInvalidInput);
    CHECK(r.error().message.find(fragment) != std::string::npos);
  };
  expect_invalid(with("apiVersion: mlo/v1", "apiVersion: mlo/v9"), "unsupported apiVersion");
  expect_invalid(with("kind: ModelVersion", "kind: Other"), "kind");
  expect_invalid(with("version: 3", "version: three"), "version");
  expect_invalid(with("version: 3", "version: 0"), "version");
  expect_invalid(with("task: binary", "task: ranking"), "task");
  expect_invalid(with("status: candidate", "status: shiny"), "status");
  expect_invalid(with("type: categorical", "type: text"), "type");
  expect_invalid(with("size: 1234", "size: -1"), "size");
  expect_invalid(with("sha256:" + std::string(64, 'a'), "sha256:xyz"), "digest");
  expect_invalid(with("name: flights-delay", "name: ../etc"), "invalid model name");
  expect_invalid(with("auc: 0.73", "auc: high"), "metrics");
  expect_invalid(ModelVersion::from_yaml("- just\n- a list\n", "m"), "not a mapping");
  expect_invalid(ModelVersion::from_yaml("apiVersion: [unclosed\n", "m"), "m");
  expect_invalid(ModelVersion::from_yaml("a: 1\na: 2\n", "m"), "duplicate");
}

TEST_CASE("model names") {
  CHECK(validate_model_name("flights-delay").ok());
  CHECK(validate_model_name("m.v2_x").ok());
  CHECK(validate_model_name("0abc").ok());
  for (const char* bad : {"", "Upper", "a/b", "..", "a..b", ".hidden", "-x", "a b", "ä"}) {
    INFO(bad);
    auto st = validate_model_name(bad);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == ErrorCode::kUsage);
  }
  CHECK_FALSE(validate_model_name(std::string(129, 'a')).ok());
  CHECK(validate_model_name(std::string(128, 'a')).ok());
}
