#include <catch2/catch.hpp>

#include "mlo/registry/keys.hpp"
#include "mlo/transfer/closure.hpp"
#include "transfer/transfer_fixture.hpp"

using namespace mlo;
using namespace transfer_test;

TEST_CASE("closure holds the chain, the manifests, the aliases and every referenced blob") {
  auto store = fresh_store();
  add_version(*store, "m", "model-one", "baseline-one");
  add_version(*store, "m", "model-two", "baseline-one");  // shares a blob with version 1
  promote(*store, "m:2", "champion");
  add_version(*store, "other", "other-model");

  auto c = model_closure(*store, "m");
  REQUIRE_OK(c);
  CHECK(c->events.size() == 3);
  CHECK(c->events[0].key == event_key("m", 1));
  CHECK(c->events[2].key == event_key("m", 3));
  REQUIRE(c->manifests.size() == 2);
  CHECK(c->manifests[1].key == version_key("m", 2));
  REQUIRE(c->aliases.size() == 1);
  CHECK(c->aliases[0].key == alias_key("m", "champion"));
  CHECK(c->blobs.size() == 3);  // model-one, baseline-one, model-two
  CHECK(c->blob_bytes() == 9 + 12 + 9);
}

TEST_CASE("closure of one version stops at its registration") {
  auto store = fresh_store();
  add_version(*store, "m", "model-one");
  promote(*store, "m:1", "early");
  add_version(*store, "m", "model-two");
  promote(*store, "m:2", "champion");

  auto c = model_closure(*store, "m", 1);
  REQUIRE_OK(c);
  CHECK(c->events.size() == 1);
  CHECK(c->manifests.size() == 1);
  CHECK(c->aliases.empty());  // `early` moved after event 1
  CHECK(c->blobs.size() == 1);

  auto c2 = model_closure(*store, "m", 2);
  REQUIRE_OK(c2);
  CHECK(c2->events.size() == 3);
  CHECK(c2->manifests.size() == 2);
  REQUIRE(c2->aliases.size() == 1);
  CHECK(c2->aliases[0].key == alias_key("m", "early"));
}

TEST_CASE("closure refuses what it cannot carry faithfully") {
  auto store = fresh_store();
  CHECK(model_closure(*store, "missing").error().code == ErrorCode::kNotFound);
  add_version(*store, "m", "model-one");
  add_version(*store, "m", "model-two");
  CHECK(model_closure(*store, "m", 7).error().code == ErrorCode::kNotFound);
  CHECK(model_closure(*store, "../x").error().code == ErrorCode::kUsage);

  SECTION("a gap in the chain") {
    REQUIRE(store->remove(event_key("m", 1)).ok());
    CHECK(model_closure(*store, "m").error().code == ErrorCode::kIntegrity);
  }
  SECTION("a rewritten event breaks the link") {
    auto bytes = store->get(event_key("m", 1));
    REQUIRE_OK(bytes);
    REQUIRE(store->remove(event_key("m", 1)).ok());
    REQUIRE(store->put_new(event_key("m", 1), *bytes + "# edited\n").ok());
    CHECK(model_closure(*store, "m").error().code == ErrorCode::kIntegrity);
  }
  SECTION("a manifest edited after its registration") {
    auto bytes = store->get(version_key("m", 2));
    REQUIRE_OK(bytes);
    REQUIRE(store->remove(version_key("m", 2)).ok());
    REQUIRE(store->put_new(version_key("m", 2), *bytes + "# edited\n").ok());
    auto c = model_closure(*store, "m");
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().code == ErrorCode::kIntegrity);
    CHECK(c.error().message.find("modified after registration") != std::string::npos);
  }
  SECTION("an alias to a version that does not exist") {
    AliasRecord rec;
    rec.alias = "ghost";
    rec.version = 9;
    REQUIRE(store->put_new(alias_key("m", "ghost"), rec.to_yaml()).ok());
    auto c = model_closure(*store, "m");
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().code == ErrorCode::kIntegrity);
    CHECK(c.error().message.find("does not exist") != std::string::npos);
  }
  SECTION("a manifest under another number") {
    auto bytes = store->get(version_key("m", 2));
    REQUIRE_OK(bytes);
    REQUIRE(store->put_new(version_key("m", 3), *bytes).ok());
    CHECK(model_closure(*store, "m").error().code == ErrorCode::kIntegrity);
  }
}

TEST_CASE("alias positions follow the chain") {
  std::vector<Event> chain(3);
  for (int i = 0; i < 3; ++i) chain[i].number = i + 1;
  chain[1].type = "promoted";
  chain[1].fields = {{"alias", "champion"}, {"id", "abc"}, {"version", "1"}};
  AliasRecord rec;
  rec.alias = "champion";
  rec.id = "abc";
  CHECK(alias_move_position(chain, rec) == 2);
  rec.id = "later";
  CHECK(alias_move_position(chain, rec) == kPendingMove);
  rec.id.clear();
  rec.event = 2;
  CHECK(alias_move_position(chain, rec) == 2);
  rec.event = 0;
  CHECK_FALSE(alias_move_position(chain, rec).has_value());
}
