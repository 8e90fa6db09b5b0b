// Recipe parsing and validation: every problem is kInvalidInput naming the field.
#include <catch2/catch.hpp>

#include "mlo/train/recipe.hpp"
#include "train/train_test_data.hpp"

using namespace mlo;
using namespace mlo::train;

namespace {

Error parse_error(const std::string& text) {
  auto r = parse_recipe(text, "recipe r.yaml");
  REQUIRE_FALSE(r.ok());
  return r.error();
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}

}  // namespace

TEST_CASE("a complete recipe parses into its fields") {
  auto r = parse_recipe(test::kBinaryRecipe, "recipe r.yaml");
  REQUIRE(r.ok());
  CHECK(r->name == "tiny");
  CHECK(r->task == "binary");
  CHECK(r->target == "y");
  CHECK(r->id == std::vector<std::string>{"id"});
  CHECK(r->numeric == std::vector<std::string>{"x1", "x2"});
  CHECK(r->categorical == std::vector<std::string>{"c"});
  CHECK(r->num_boost_round == 20);  // taken out of params
  CHECK_FALSE(r->params.count("num_boost_round"));
  CHECK(r->params.at("max_depth") == "3");
  CHECK(r->early_stopping_rounds == 5);
  CHECK(r->objective() == "binary:logistic");
  CHECK(r->text == test::kBinaryRecipe);
}

TEST_CASE("the objective follows the task unless given") {
  auto reg = parse_recipe(replace(test::kBinaryRecipe, "task: binary", "task: regression"), "r");
  REQUIRE(reg.ok());
  CHECK(reg->objective() == "reg:squarederror");
  auto multi = parse_recipe(replace(test::kBinaryRecipe, "task: binary", "task: multiclass"), "r");
  REQUIRE(multi.ok());
  CHECK(multi->objective() == "multi:softprob");
}

TEST_CASE("bad recipes name the field") {
  struct Case {
    std::string from, to, field;
  };
  const std::vector<Case> cases = {
      {"task: binary", "task: ranking", "field 'task'"},
      {"task: binary", "colour: red\ntask: binary", "field 'colour'"},
      {"target: y\n", "", "field 'target'"},
      {"numeric: [x1, x2]", "numeric: [x1, x1]", "listed twice"},
      {"numeric: [x1, x2]", "numeric: [x1, y]", "cannot be a feature"},
      {"id: id", "id: y", "field 'id'"},
      {"seed: 7}", "seed: 7, objective: 'reg:squarederror'}", "params.objective"},
      {"seed: 7}", "seed: 7, num_class: 3}", "params.num_class"},
      {"num_boost_round: 20", "num_boost_round: many", "params.num_boost_round"},
      {"name: tiny", "name: Bad/Name", "field 'name'"},
  };
  for (const auto& c : cases) {
    INFO(c.to);
    Error e = parse_error(replace(test::kBinaryRecipe, c.from, c.to));
    CHECK(e.code == ErrorCode::kInvalidInput);
    CHECK_THAT(e.message, Catch::Contains(c.field));
    CHECK_THAT(e.message, Catch::Contains("recipe r.yaml"));
  }
  CHECK(parse_error("- a\n- b\n").code == ErrorCode::kInvalidInput);
  CHECK(parse_error("task: [unclosed\n").code == ErrorCode::kInvalidInput);
}

TEST_CASE("parameter overrides are validated like the recipe") {
  auto r = parse_recipe(test::kBinaryRecipe, "r");
  REQUIRE(r.ok());
  REQUIRE(apply_param_override(*r, "eta=0.05").ok());
  CHECK(r->params.at("eta") == "0.05");
  REQUIRE(apply_param_override(*r, "num_boost_round=50").ok());
  CHECK(r->num_boost_round == 50);
  REQUIRE(apply_param_override(*r, "early_stopping_rounds=0").ok());
  CHECK(r->early_stopping_rounds == 0);
  CHECK(apply_param_override(*r, "no-equals-sign").error().code == ErrorCode::kUsage);
  CHECK(apply_param_override(*r, "=1").error().code == ErrorCode::kUsage);
  CHECK(apply_param_override(*r, "num_boost_round=0").error().code == ErrorCode::kInvalidInput);
  REQUIRE(apply_param_override(*r, "objective=multi:softprob").ok());
  CHECK(validate_recipe(*r, "r").error().code == ErrorCode::kInvalidInput);
}

TEST_CASE("search ranges parse into lists of candidate values") {
  auto r = parse_recipe(
      std::string(test::kBinaryRecipe) + "search: {max_depth: [4, 6, 8], eta: [0.05, 0.1]}\n", "r");
  REQUIRE(r.ok());
  CHECK(r->search.at("max_depth") == std::vector<std::string>{"4", "6", "8"});
  CHECK(r->search.at("eta") == std::vector<std::string>{"0.05", "0.1"});
  CHECK(parse_recipe(std::string(test::kBinaryRecipe) + "search: [eta]\n", "r").error().code ==
        ErrorCode::kInvalidInput);
}
