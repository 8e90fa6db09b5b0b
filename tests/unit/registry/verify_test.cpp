#include <catch2/catch.hpp>

#include "registry/alias_fixture.hpp"

#include <atomic>

#include "mlo/core/digest.hpp"
#include "mlo/registry/alias.hpp"
#include "mlo/registry/keys.hpp"
#include "mlo/registry/registry.hpp"
#include "mlo/registry/store_init.hpp"
#include "mlo/registry/verify.hpp"

using namespace mlo;

namespace {

std::atomic<int> g_counter{0};

struct Fixture {
  std::unique_ptr<Store> store;
  RegisterResult v1, v2;

  Fixture() {
    auto opened = open_store("memory://verify-test-" + std::to_string(++g_counter));
    REQUIRE(opened.ok());
    store = std::move(*opened);
    REQUIRE(init_store(*store).ok());
    v1 = reg("model one");
    v2 = reg("model two");
  }

  RegisterResult reg(const std::string& bytes) {
    RegisterRequest req;
    req.manifest.name = "m";
    req.manifest.features = {{"f0", "numeric"}};
    req.artifacts["model"] = ArtifactInput{"application/json", bytes, std::nullopt};
    auto r = register_version(*store, req);
    REQUIRE(r.ok());
    return *r;
  }

  // Replaces a key's bytes (what bit rot or a hand edit would do).
  void overwrite(const std::string& key, const std::string& bytes) {
    REQUIRE(store->remove(key).ok());
    REQUIRE(store->put_new(key, bytes).ok());
  }

  VerifyReport verify(const std::string& model = "") {
    VerifyOptions options;
    options.model = model;
    auto r = verify_store(*store, options);
    REQUIRE(r.ok());
    return *r;
  }
};

bool names(const VerifyReport& r, const std::string& key) {
  for (const auto& p : r.problems)
    if (p.key == key) return true;
  return false;
}

}  // namespace

TEST_CASE("verify passes on a healthy store") {
  Fixture f;
  auto r = f.verify();
  CHECK(r.ok());
  CHECK(r.notes.empty());
  CHECK(r.versions == 2);
  CHECK(r.events == 2);
  CHECK(r.blobs == 2);
  CHECK(f.verify("m").ok());
}

TEST_CASE("verify names a corrupted blob") {
  Fixture f;
  const std::string key = blob_key(f.v1.manifest.artifacts.at("model").digest);
  f.overwrite(key, "model onf");
  auto r = f.verify();
  CHECK_FALSE(r.ok());
  CHECK(names(r, key));
  CHECK(names(f.verify("m"), key));
}

TEST_CASE("verify names a missing blob") {
  Fixture f;
  const std::string key = blob_key(f.v2.manifest.artifacts.at("model").digest);
  REQUIRE(f.store->remove(key).ok());
  auto r = f.verify();
  CHECK(names(r, version_key("m", 2)));
}

TEST_CASE("verify names a manifest edited after registration") {
  Fixture f;
  const std::string key = version_key("m", 1);
  std::string bytes = *f.store->get(key);
  bytes[bytes.find("created_by: ") + 12] ^= 1;
  f.overwrite(key, bytes);
  auto r = f.verify();
  CHECK(names(r, key));
}

TEST_CASE("verify names an unparsable manifest") {
  Fixture f;
  f.overwrite(version_key("m", 2), "apiVersion: mlo/v1\nkind: [\n");
  CHECK(names(f.verify(), version_key("m", 2)));
}

TEST_CASE("verify names a broken audit chain") {
  Fixture f;
  std::string bytes = *f.store->get(event_key("m", 1));
  bytes[bytes.find("actor: ") + 7] ^= 1;
  f.overwrite(event_key("m", 1), bytes);
  CHECK(names(f.verify(), event_key("m", 2)));
}

TEST_CASE("verify checks aliases") {
  Fixture f;
  AliasRecord bad = legacy_alias("champion", 9, "");
  REQUIRE(f.store->put_if(alias_key("m", "champion"), bad.to_yaml(), "").ok());
  CHECK(names(f.verify(), alias_key("m", "champion")));
}

TEST_CASE("a version without its registered event is a note, not a problem") {
  Fixture f;
  ModelVersion v3 = f.v2.manifest;
  v3.version = 3;
  REQUIRE(f.store->put_new(version_key("m", 3), v3.to_yaml()).ok());
  auto r = f.verify();
  CHECK(r.ok());
  REQUIRE(r.notes.size() == 1);
  CHECK(r.notes[0].key == version_key("m", 3));
  // The next registration still links onto the chain.
  auto v4 = f.reg("model four");
  CHECK(v4.manifest.version == 4);
  CHECK(f.verify().ok());
}

TEST_CASE("verify of an unknown model is not found") {
  Fixture f;
  VerifyOptions options;
  options.model = "nope";
  auto r = verify_store(*f.store, options);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kNotFound);
}

TEST_CASE("init is idempotent and rejects a foreign marker") {
  auto store = open_store("memory://verify-test-init-" + std::to_string(++g_counter));
  REQUIRE(store.ok());
  auto first = init_store(**store);
  REQUIRE(first.ok());
  CHECK(first->created);
  auto second = init_store(**store);
  REQUIRE(second.ok());
  CHECK_FALSE(second->created);
  CHECK(second->info.created == first->info.created);
  REQUIRE((*store)->remove(kStoreMarkerKey).ok());
  REQUIRE((*store)
              ->put_new(kStoreMarkerKey,
                        "apiVersion: mlo/v1\nkind: Store\nformat: 7\ndigest: sha256\ncreated: x\n")
              .ok());
  auto third = init_store(**store);
  REQUIRE_FALSE(third.ok());
  CHECK(third.error().code == ErrorCode::kInvalidInput);
}
