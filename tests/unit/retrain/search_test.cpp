// Hyperparameter search: deterministic candidates, k-fold CV ranking, the best set refit and
// every trial recorded in the run record and the comparison artifact.
#include <atomic>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "mlo/registry/run_log.hpp"
#include "mlo/retrain/retrain.hpp"
#include "mlo/retrain/search.hpp"
#include "mlo/train/cross_validate.hpp"
#include "train/train_test_data.hpp"

using namespace mlo;
using namespace mlo::retrain;

namespace {

train::Recipe search_recipe(const std::string& ranges) {
  auto r = train::parse_recipe(std::string(test::kBinaryRecipe) + "search: " + ranges + "\n", "r");
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("grid candidates are the cartesian product, last key fastest") {
  auto r = search_recipe("{max_depth: [2, 4], eta: [0.1, 0.3, 0.5]}");
  auto grid = search_candidates(r, {SearchMode::kGrid, 0, 3});
  REQUIRE(grid.ok());
  REQUIRE(grid->size() == 6);
  CHECK((*grid)[0] == ParamSet{{"eta", "0.1"}, {"max_depth", "2"}});
  CHECK((*grid)[1] == ParamSet{{"eta", "0.1"}, {"max_depth", "4"}});
  CHECK((*grid)[5] == ParamSet{{"eta", "0.5"}, {"max_depth", "4"}});
  auto capped = search_candidates(r, {SearchMode::kGrid, 2, 3});
  REQUIRE(capped.ok());
  CHECK(capped->size() == 2);
}

TEST_CASE("random candidates are distinct, seeded and bounded by the grid") {
  auto r = search_recipe("{max_depth: [2, 3, 4, 5], eta: [0.1, 0.2, 0.3]}");
  auto a = search_candidates(r, {SearchMode::kRandom, 5, 3});
  auto b = search_candidates(r, {SearchMode::kRandom, 5, 3});
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(*a == *b);
  CHECK(std::set<ParamSet>(a->begin(), a->end()).size() == 5);
  auto all = search_candidates(r, {SearchMode::kRandom, 100, 3});
  REQUIRE(all.ok());
  CHECK(all->size() == 12);
}

TEST_CASE("search ranges are validated; a recipe without them cannot search") {
  auto bad = train::parse_recipe(
      std::string(test::kBinaryRecipe) + "search: {num_boost_round: [10, x]}\n", "r");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message, Catch::Contains("num_boost_round"));
  auto empty = train::parse_recipe(std::string(test::kBinaryRecipe) + "search: {eta: []}\n", "r");
  REQUIRE_FALSE(empty.ok());
  CHECK_THAT(empty.error().message, Catch::Contains("search.eta"));
  auto plain = train::parse_recipe(test::kBinaryRecipe, "r");
  REQUIRE(plain.ok());
  CHECK(search_candidates(*plain, {SearchMode::kGrid, 0, 3}).error().code ==
        ErrorCode::kInvalidInput);
  CHECK(parse_search_mode("bayes").error().code == ErrorCode::kUsage);
}

TEST_CASE("cross-validation ranks a useless model below a useful one") {
  test::TempDir dir;
  auto data = test::write_binary_csv(dir / "d.csv", 600, 11);
  // eta 0 learns nothing (AUC 0.5 on every fold); eta 0.3 learns the signal.
  auto r = search_recipe("{eta: [0, 0.3]}");
  train::TrainInputs in;
  in.data_path = data;
  in.threads = 1;
  auto s = run_search(r, in, {SearchMode::kGrid, 0, 3});
  REQUIRE(s.ok());
  REQUIRE(s->trials.size() == 2);
  CHECK(s->metric == "auc");
  CHECK(s->rows == 480);  // the 20% holdout is never used for the search
  CHECK(s->trials[0].metrics.at("auc") == Approx(0.5).margin(1e-9));
  CHECK(s->trials[1].metrics.at("auc") > 0.7);
  CHECK(s->best == 1);
  auto again = run_search(r, in, {SearchMode::kGrid, 0, 3});
  REQUIRE(again.ok());
  CHECK(again->trials[1].metrics == s->trials[1].metrics);  // same folds every run
}

TEST_CASE("retrain --search refits the best trial and records every trial") {
  test::TempDir dir;
  auto store = open_store("memory://search-test");
  REQUIRE(store.ok());
  const std::string recipe =
      std::string(test::kBinaryRecipe) + "search: {eta: [0, 0.3], max_depth: [2]}\n";
  auto parsed = train::parse_recipe(recipe, "r");
  REQUIRE(parsed.ok());
  train::TrainInputs tin;
  tin.data_path = test::write_binary_csv(dir / "a.csv", 400, 1);
  tin.threads = 1;
  auto v1 = train::train_recipe(*parsed, tin);
  REQUIRE(v1.ok());
  REQUIRE(register_version(**store, v1->request).ok());

  RetrainOptions o;
  o.ref = "tiny:1";
  o.data_path = test::write_binary_csv(dir / "b.csv", 500, 2);
  o.threads = 1;
  o.search = {SearchMode::kGrid, 0, 3};
  auto r = retrain::retrain(**store, o);
  REQUIRE(r.ok());
  REQUIRE(r->search);
  CHECK(r->search->trials.size() == 2);
  CHECK(r->search->best == 1);
  const auto& mv = r->registered.manifest;
  CHECK(mv.params.at("eta") == "0.3");
  CHECK(mv.params.at("max_depth") == "2");
  REQUIRE_FALSE(r->run_key.empty());
  auto text = (*store)->get(r->run_key);
  REQUIRE(text.ok());
  CHECK_THAT(*text, Catch::Contains("kind: retrain"));
  CHECK_THAT(*text, Catch::Contains("trials:"));
  RunQuery q;
  q.model = "tiny";
  auto log = read_run_log(**store, q);
  REQUIRE(log.ok());
  REQUIRE(log->runs.size() == 1);
  CHECK(log->runs[0].kind == "retrain");
  CHECK(log->runs[0].version == mv.version);
  auto cmp = read_artifact(**store, mv, "comparison");
  REQUIRE(cmp.ok());
  auto doc = nlohmann::json::parse(*cmp);
  CHECK(doc["search"]["trials"].size() == 2);
  CHECK(doc["search"]["best"] == 1);
}
