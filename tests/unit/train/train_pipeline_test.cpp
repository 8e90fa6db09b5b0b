// train_recipe on tiny generated data: a complete registration, deterministic model bytes,
// the holdout split, the eval-rows hook and the one baseline function.
#include <catch2/catch.hpp>

#include "mlo/drift/baseline.hpp"
#include "mlo/drift/profile.hpp"
#include "mlo/train/train_pipeline.hpp"
#include "train/train_test_data.hpp"

using namespace mlo;
using namespace mlo::train;

namespace {

Recipe recipe() {
  auto r = parse_recipe(test::kBinaryRecipe, "recipe");
  REQUIRE(r.ok());
  return *r;
}

TrainInputs inputs(const std::string& data) {
  TrainInputs in;
  in.data_path = data;
  in.threads = 1;
  return in;
}

}  // namespace

TEST_CASE("train_recipe fits, evaluates and assembles a complete registration") {
  test::TempDir dir;
  auto data = test::write_binary_csv(dir / "train.csv", 600, 1);
  std::vector<size_t> seen_rows;
  TrainInputs in = inputs(data);
  in.on_eval_rows = [&](const Table& table, const std::vector<size_t>& rows) -> Status {
    CHECK(table.rows == 600);
    seen_rows = rows;
    return {};
  };
  auto out = train_recipe(recipe(), in);
  REQUIRE(out.ok());
  CHECK(out->eval_rows == 120);  // 20% holdout
  CHECK(out->train_rows == 480);
  CHECK(seen_rows.size() == 120);
  CHECK(std::is_sorted(seen_rows.begin(), seen_rows.end()));
  CHECK(out->objective == "binary:logistic");
  CHECK(out->rounds_trained >= 1);
  CHECK(out->rounds_trained <= 20);
  CHECK(out->metrics.at("auc") > 0.75);  // the signal is strong; a broken pipeline is ~0.5

  const ModelVersion& mv = out->request.manifest;
  CHECK(mv.name == "tiny");
  CHECK(mv.features.size() == 3);
  CHECK(mv.features[0].name == "x1");
  CHECK(mv.features[2].type == "categorical");
  CHECK(mv.passthrough == std::vector<std::string>{"id"});
  REQUIRE(mv.training_data);
  CHECK(mv.training_data->rows == 600);
  REQUIRE(mv.eval_data);
  CHECK(mv.eval_data->rows == 120);
  CHECK_THAT(mv.eval_data->source, Catch::Contains("#holdout=0.2,seed=7"));
  CHECK(mv.params.at("seed") == "7");
  CHECK(mv.params.at("num_boost_round") == "20");
  CHECK(mv.params.at("early_stopping_rounds") == "5");
  for (const char* key : {"model", "preprocess", "baseline", "recipe"})
    CHECK(out->request.artifacts.count(key));
  CHECK(*out->request.artifacts.at("recipe").bytes == test::kBinaryRecipe);
}

TEST_CASE("the baseline is the one drift function's profile of the whole training file") {
  test::TempDir dir;
  auto data = test::write_binary_csv(dir / "train.csv", 300, 2);
  auto out = train_recipe(recipe(), inputs(data));
  REQUIRE(out.ok());
  auto direct = drift::build_baseline(data, drift::feature_decls({"x1", "x2"}, {"c"}));
  REQUIRE(direct.ok());
  CHECK(*out->request.artifacts.at("baseline").bytes == *direct);
  auto profile = drift::Profile::from_json(*direct, "baseline");
  REQUIRE(profile.ok());
  CHECK(profile->rows == 300);
  REQUIRE(profile->find("x2"));
  CHECK(profile->find("x2")->nulls == 18);  // rows 0, 17, ..., 289
}

TEST_CASE("same data, recipe and seed give byte-identical model bytes") {
  test::TempDir dir;
  auto data = test::write_binary_csv(dir / "train.csv", 400, 3);
  auto a = train_recipe(recipe(), inputs(data));
  auto b = train_recipe(recipe(), inputs(data));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(*a->request.artifacts.at("model").bytes == *b->request.artifacts.at("model").bytes);
  CHECK(a->metrics == b->metrics);
  Recipe other = recipe();
  REQUIRE(apply_param_override(other, "seed=8").ok());
  auto c = train_recipe(other, inputs(data));
  REQUIRE(c.ok());
  CHECK(c->request.manifest.eval_data->digest != a->request.manifest.eval_data->digest);
}

TEST_CASE("an eval file is read and digested on its own") {
  test::TempDir dir;
  auto data = test::write_binary_csv(dir / "train.csv", 300, 4);
  auto eval = test::write_binary_csv(dir / "eval.csv", 100, 5);
  TrainInputs in = inputs(data);
  in.eval_path = eval;
  auto out = train_recipe(recipe(), in);
  REQUIRE(out.ok());
  CHECK(out->train_rows == 300);
  CHECK(out->eval_rows == 100);
  CHECK(out->request.manifest.eval_data->source == eval);
  CHECK(out->request.manifest.eval_data->digest != out->request.manifest.training_data->digest);
}

TEST_CASE("bad data is invalid input naming the problem") {
  test::TempDir dir;
  test::write_text(dir / "bad-label.csv", "id,x1,x2,c,y\nr1,1,2,a,1\nr2,2,3,b,2\nr3,1,1,a,0\n");
  auto labels = train_recipe(recipe(), inputs(dir / "bad-label.csv"));
  REQUIRE_FALSE(labels.ok());
  CHECK(labels.error().code == ErrorCode::kInvalidInput);
  CHECK_THAT(labels.error().message, Catch::Contains("binary labels must be 0 or 1"));

  test::write_text(dir / "no-col.csv", "id,x1,c,y\nr1,1,a,1\n");
  auto column = train_recipe(recipe(), inputs(dir / "no-col.csv"));
  REQUIRE_FALSE(column.ok());
  CHECK(column.error().code == ErrorCode::kInvalidInput);
  CHECK_THAT(column.error().message, Catch::Contains("x2"));

  auto data = test::write_binary_csv(dir / "train.csv", 50, 6);
  TrainInputs in = inputs(data);
  in.holdout = 1.0;
  CHECK(train_recipe(recipe(), in).error().code == ErrorCode::kInvalidInput);
  in.holdout = 0.2;
  in.on_eval_rows = [](const Table&, const std::vector<size_t>&) -> Status {
    return make_error(ErrorCode::kRuntime, "hook failed");
  };
  auto hooked = train_recipe(recipe(), in);
  REQUIRE_FALSE(hooked.ok());
  CHECK(hooked.error().message == "hook failed");
}
