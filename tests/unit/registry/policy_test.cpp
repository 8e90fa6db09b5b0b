#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "mlo/registry/policy.hpp"
#include "mlo/store/store.hpp"

using namespace mlo;

namespace {

std::string shipped_example() {
  // MLO_TEST_DATA_DIR is <source>/tests/data (it need not exist, so no "..").
  std::string root = MLO_TEST_DATA_DIR;
  root.resize(root.size() - std::string("/tests/data").size());
  std::ifstream in(root + "/share/mlo/promotion.example.yaml");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("the shipped example policy is the built-in default") {
  auto shipped = parse_policy(shipped_example(), "example");
  auto builtin = parse_policy(default_policy_yaml(), "built-in");
  REQUIRE(shipped.ok());
  REQUIRE(builtin.ok());
  CHECK(shipped->alias == builtin->alias);
  CHECK(builtin->alias == "champion");
  CHECK(shipped->metric == builtin->metric);
  CHECK(shipped->compare_metric == builtin->compare_metric);
  CHECK(shipped->higher_is_better == builtin->higher_is_better);
  CHECK(shipped->margin == builtin->margin);
  CHECK(shipped->required_approvals == builtin->required_approvals);
  CHECK(shipped->allowed_actors == builtin->allowed_actors);
  CHECK(shipped->approver_not_creator == builtin->approver_not_creator);
  CHECK(shipped->match_xgboost == builtin->match_xgboost);
  CHECK(shipped->match_schema == builtin->match_schema);
}

TEST_CASE("policies reject typos and bad values") {
  const std::string head = "apiVersion: mlo/v1\nkind: PromotionPolicy\n";
  auto code = [&](const std::string& body) {
    auto p = parse_policy(head + body, "p.yaml");
    return p.ok() ? 0 : p.error().exit_code();
  };
  CHECK(code("") == 0);
  CHECK(code("metric: {name: logloss, higher_is_better: false, margin: 0.01}\n") == 0);
  CHECK(code("approvals: {required: 2, actors: [alice, bob], not_creator: false}\n") == 0);
  CHECK(parse_policy(head + "alias: production\n", "p")->alias == "production");
  CHECK(code("alias: 'no/slash'\n") == 3);
  CHECK(code("approval: {required: 2}\n") == 3);
  CHECK(code("metric: {name: auc, margn: 0.1}\n") == 3);
  CHECK(code("metric: {name: auc, margin: -1}\n") == 3);
  CHECK(code("approvals: {required: many}\n") == 3);
  CHECK(code("environment: {xgboost: maybe}\n") == 3);
  CHECK(parse_policy("kind: PromotionPolicy\n", "p").error().exit_code() == 3);
}

TEST_CASE("policy resolution: store model policy, store policy, built-in") {
  auto store = open_store("memory://policy-test");
  REQUIRE(store.ok());
  auto p = resolve_policy(**store, "m", std::nullopt);
  REQUIRE(p.ok());
  CHECK(p->source == "built-in default");
  const std::string head = "apiVersion: mlo/v1\nkind: PromotionPolicy\n";
  REQUIRE((*store)->put_new("policies/promotion.yaml", head + "approvals: {required: 2}\n").ok());
  CHECK(resolve_policy(**store, "m", std::nullopt)->required_approvals == 2);
  REQUIRE((*store)->put_new("policies/m.yaml", head + "approvals: {required: 0}\n").ok());
  CHECK(resolve_policy(**store, "m", std::nullopt)->required_approvals == 0);
  CHECK(resolve_policy(**store, "other", std::nullopt)->required_approvals == 2);
  CHECK(resolve_policy(**store, "m", std::string("/nonexistent/p.yaml")).error().exit_code() == 4);
}
