// retrain: refit from the stored recipe, champion comparison on the same rows, parent and
// digests recorded, determinism, dry run, the drift gate and bad input with the store unchanged.
#include <atomic>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "mlo/core/digest.hpp"
#include "mlo/registry/alias.hpp"
#include "mlo/registry/keys.hpp"
#include "mlo/retrain/retrain.hpp"
#include "train/train_test_data.hpp"

using namespace mlo;
using namespace mlo::retrain;

namespace {

std::atomic<int> g_counter{0};

std::unique_ptr<Store> fresh_store() {
  auto s = open_store("memory://retrain-test-" + std::to_string(++g_counter));
  REQUIRE(s.ok());
  return std::move(*s);
}

// Trains the tiny recipe on `data` (with `overrides`) and registers it: version 1.
ModelVersion train_v1(Store& store, const std::string& data,
                      const std::vector<std::string>& overrides = {}) {
  auto recipe = train::parse_recipe(test::kBinaryRecipe, "recipe");
  REQUIRE(recipe.ok());
  for (const auto& o : overrides) REQUIRE(train::apply_param_override(*recipe, o).ok());
  train::TrainInputs in;
  in.data_path = data;
  in.threads = 1;
  auto out = train::train_recipe(*recipe, in);
  REQUIRE(out.ok());
  auto reg = register_version(store, out->request);
  REQUIRE(reg.ok());
  return reg->manifest;
}

void set_alias(Store& store, const std::string& name, const std::string& alias, int64_t version) {
  auto rec = load_version_record(store, name, version);
  REQUIRE(rec.ok());
  AliasRecord a;
  a.alias = alias;
  a.version = version;
  a.manifest = rec->digest;
  REQUIRE(store.put_new(alias_key(name, alias), a.to_yaml()).ok());
}

RetrainOptions options(const std::string& ref, const std::string& data) {
  RetrainOptions o;
  o.ref = ref;
  o.data_path = data;
  o.threads = 1;
  return o;
}

std::vector<std::string> keys(Store& store) {
  auto k = store.list("");
  REQUIRE(k.ok());
  return *k;
}

}  // namespace

TEST_CASE("retrain refits the parent's recipe on new data and records the parent") {
  test::TempDir dir;
  auto store = fresh_store();
  auto v1 = train_v1(*store, test::write_binary_csv(dir / "a.csv", 500, 1), {"eta=0.2"});
  auto newdata = test::write_binary_csv(dir / "b.csv", 500, 2, 0.5);
  auto r = retrain::retrain(*store, options("tiny:1", newdata));
  REQUIRE(r.ok());
  CHECK_FALSE(r->skipped);
  CHECK(r->parent_ref == "tiny:1");
  const ModelVersion& mv = r->registered.manifest;
  CHECK(mv.version == 2);
  CHECK(mv.status == "candidate");
  REQUIRE(mv.parent);
  CHECK(*mv.parent == 1);
  CHECK(mv.params.at("eta") == "0.2");  // the train-time override carried over
  CHECK(mv.params.at("seed") == "7");
  CHECK(mv.features.size() == v1.features.size());
  CHECK(mv.training_data->digest != v1.training_data->digest);
  CHECK(mv.eval_data->digest == r->eval_data.digest);
  CHECK_FALSE(r->champion);
  CHECK_THAT(r->champion_note, Catch::Contains("no alias 'champion'"));
  CHECK(mv.artifacts.count("comparison"));
  CHECK(mv.artifacts.count("baseline"));
  auto aliases = list_aliases(*store, "tiny");
  REQUIRE(aliases.ok());
  CHECK(aliases->empty());  // never moves an alias
}

TEST_CASE("the champion is scored on exactly the candidate's eval rows") {
  test::TempDir dir;
  auto store = fresh_store();
  auto data = test::write_binary_csv(dir / "a.csv", 500, 1);
  train_v1(*store, data);
  set_alias(*store, "tiny", "champion", 1);
  // Refit on the same data: the candidate IS the champion's model, so on the same rows every
  // metric must agree (through two different scoring paths).
  auto same = retrain::retrain(*store, options("tiny:1", data));
  REQUIRE(same.ok());
  REQUIRE(same->champion);
  CHECK(same->champion->version == 1);
  CHECK_FALSE(same->deltas.empty());
  for (const auto& [k, d] : same->deltas) {
    INFO(k);
    CHECK(std::abs(d.delta) < 1e-6);
  }
  auto model1 = read_artifact(*store, *load_version(*store, "tiny", 1), "model");
  auto model2 = read_artifact(*store, same->registered.manifest, "model");
  REQUIRE(model1.ok());
  REQUIRE(model2.ok());
  CHECK(*model1 == *model2);

  // New, shifted data: both are evaluated on the new holdout; the comparison is stored.
  auto shifted = test::write_binary_csv(dir / "b.csv", 500, 9, 1.0);
  auto r = retrain::retrain(*store, options("tiny@champion", shifted));
  REQUIRE(r.ok());
  REQUIRE(r->champion);
  CHECK(r->champion->metrics.count("auc"));
  CHECK(r->deltas.count("auc"));
  CHECK(r->deltas.at("auc").delta ==
        r->training.metrics.at("auc") - r->champion->metrics.at("auc"));
  auto cmp = read_artifact(*store, r->registered.manifest, "comparison");
  REQUIRE(cmp.ok());
  auto doc = nlohmann::json::parse(*cmp);
  CHECK(doc["champion"]["version"] == 1);
  REQUIRE(r->registered.manifest.champion);  // training.eval.champion, for the promotion gate
  CHECK(r->registered.manifest.champion->metrics == r->champion->metrics);
  CHECK(doc["eval_data"]["digest"] == r->registered.manifest.eval_data->digest);
  CHECK(doc["champion"]["metrics"]["auc"].get<double>() == r->champion->metrics.at("auc"));
}

TEST_CASE("the compared alias comes from the promotion policy unless one is given") {
  test::TempDir dir;
  auto store = fresh_store();
  auto data = test::write_binary_csv(dir / "a.csv", 300, 1);
  train_v1(*store, data);
  set_alias(*store, "tiny", "production", 1);
  // Built-in policy: alias champion, which does not exist here.
  auto none = retrain::retrain(*store, [&] {
    auto o = options("tiny:1", data);
    o.dry_run = true;
    return o;
  }());
  REQUIRE(none.ok());
  CHECK_FALSE(none->champion);
  REQUIRE(store
              ->put_new("policies/tiny.yaml",
                        "apiVersion: mlo/v1\nkind: PromotionPolicy\nalias: production\n")
              .ok());
  auto o = options("tiny:1", data);
  o.dry_run = true;
  auto by_policy = retrain::retrain(*store, o);
  REQUIRE(by_policy.ok());
  REQUIRE(by_policy->champion);
  CHECK(by_policy->champion->alias == "production");
  o.champion_alias = "champion";  // an explicit alias wins over the policy
  auto explicit_alias = retrain::retrain(*store, o);
  REQUIRE(explicit_alias.ok());
  CHECK_FALSE(explicit_alias->champion);
}

TEST_CASE("retrain is reproducible: two stores, byte-identical model blobs") {
  test::TempDir dir;
  auto a = test::write_binary_csv(dir / "a.csv", 400, 1);
  auto b = test::write_binary_csv(dir / "b.csv", 400, 2, 0.3);
  std::vector<std::string> digests;
  for (int i = 0; i < 2; ++i) {
    auto store = fresh_store();
    train_v1(*store, a);
    auto r = retrain::retrain(*store, options("tiny", b));
    REQUIRE(r.ok());
    digests.push_back(r->registered.manifest.artifacts.at("model").digest);
  }
  CHECK(digests[0] == digests[1]);
}

TEST_CASE("a dry run writes nothing") {
  test::TempDir dir;
  auto store = fresh_store();
  train_v1(*store, test::write_binary_csv(dir / "a.csv", 300, 1));
  auto before = keys(*store);
  auto o = options("tiny:1", test::write_binary_csv(dir / "b.csv", 300, 2));
  o.dry_run = true;
  auto r = retrain::retrain(*store, o);
  REQUIRE(r.ok());
  CHECK(r->registered.manifest_digest.empty());
  CHECK(keys(*store) == before);
}

TEST_CASE("the drift gate refits only when the report found drift") {
  test::TempDir dir;
  auto store = fresh_store();
  train_v1(*store, test::write_binary_csv(dir / "a.csv", 300, 1));
  auto data = test::write_binary_csv(dir / "b.csv", 300, 2);
  auto report = [&](const std::string& model, bool drift) {
    std::string path = dir / (model + (drift ? "-drift.json" : "-calm.json"));
    nlohmann::json doc{{"model", model},
                       {"version", 1},
                       {"verdict",
                        {{"drift", drift},
                         {"data_quality_failed", false},
                         {"performance_degraded", false},
                         {"drifted_features", drift ? 2 : 0},
                         {"features", 3},
                         {"finding", drift},
                         {"exit_code", drift ? 8 : 0}}}};
    test::write_text(path, doc.dump());
    return path;
  };
  auto before = keys(*store);
  auto o = options("tiny:1", data);
  o.drift_report = report("tiny", false);
  auto calm = retrain::retrain(*store, o);
  REQUIRE(calm.ok());
  CHECK(calm->skipped);
  CHECK_THAT(calm->reason, Catch::Contains("no drift found"));
  CHECK(keys(*store) == before);

  o.drift_report = report("tiny", true);
  auto drifted = retrain::retrain(*store, o);
  REQUIRE(drifted.ok());
  CHECK_FALSE(drifted->skipped);
  CHECK(drifted->registered.manifest.version == 2);
  before = keys(*store);

  o.drift_report = report("other", true);
  auto other = retrain::retrain(*store, o);
  REQUIRE_FALSE(other.ok());
  CHECK(other.error().code == ErrorCode::kInvalidInput);
  test::write_text(dir / "bad.json", "{\"model\": \"tiny\", \"verdict\": {\"drift\": \"yes\"}}");
  o.drift_report = dir / "bad.json";
  auto bad = retrain::retrain(*store, o);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidInput);
  CHECK_THAT(bad.error().message, Catch::Contains("bad.json"));
  o.drift_report = dir / "missing.json";
  CHECK(retrain::retrain(*store, o).error().code == ErrorCode::kNotFound);
  CHECK(keys(*store) == before);
}

TEST_CASE("bad input leaves the store unchanged") {
  test::TempDir dir;
  auto store = fresh_store();
  auto data = test::write_binary_csv(dir / "a.csv", 300, 1);
  train_v1(*store, data);
  auto before = keys(*store);
  CHECK(retrain::retrain(*store, options("nope:1", data)).error().code == ErrorCode::kNotFound);
  CHECK(retrain::retrain(*store, options("tiny:7", data)).error().code == ErrorCode::kNotFound);
  CHECK(retrain::retrain(*store, options("tiny:1", dir / "missing.csv")).error().code ==
        ErrorCode::kNotFound);
  test::write_text(dir / "no-col.csv", "id,x1,c,y\nr1,1,a,1\n");
  CHECK(retrain::retrain(*store, options("tiny:1", dir / "no-col.csv")).error().code ==
        ErrorCode::kInvalidInput);
  CHECK(keys(*store) == before);

  // A version registered without a recipe cannot be refit.
  RegisterRequest req;
  req.manifest.name = "bare";
  req.manifest.features = {{"x1", "numeric"}};
  req.artifacts["model"] = ArtifactInput{"application/json", std::string("{}"), std::nullopt};
  REQUIRE(register_version(*store, req).ok());
  auto bare = retrain::retrain(*store, options("bare:1", data));
  REQUIRE_FALSE(bare.ok());
  CHECK(bare.error().code == ErrorCode::kInvalidInput);
  CHECK_THAT(bare.error().message, Catch::Contains("no stored recipe"));
}
