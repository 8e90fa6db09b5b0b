#include <catch2/catch.hpp>

#include "mlo/registry/alias.hpp"
#include "mlo/registry/keys.hpp"
#include "mlo/store/faulty/faulty_store.hpp"
#include "mlo/transfer/copy.hpp"
#include "transfer/transfer_fixture.hpp"

using namespace mlo;
using namespace transfer_test;

namespace {

void make_history(Store& store) {
  add_version(store, "m", "model-one", "baseline");
  add_version(store, "m", "model-two", "baseline");
  promote(store, "m:2", "champion");
}

}  // namespace

TEST_CASE("copy_model reproduces the history and a re-run writes nothing") {
  auto src = fresh_store();
  auto dst = fresh_store();
  make_history(*src);
  auto r = copy_model(*src, *dst, "m");
  REQUIRE_OK(r);
  CHECK(r->blobs.copied == 3);
  CHECK(r->manifests.copied == 2);
  CHECK(r->events.copied == 3);
  CHECK(r->aliases.copied == 1);
  CHECK(r->bytes_copied == r->bytes_total);
  // Blobs before manifests before events before aliases.
  REQUIRE(r->written.size() == 9);
  CHECK(r->written[0].rfind("objects/", 0) == 0);
  CHECK(r->written[3] == version_key("m", 1));
  CHECK(r->written[5] == event_key("m", 1));
  CHECK(r->written[8] == alias_key("m", "champion"));
  require_verifies(*dst);
  auto want = snapshot(*src);
  auto got = snapshot(*dst);
  for (const auto& [key, bytes] : want)
    if (key != kStoreMarkerKey) CHECK(got[key] == bytes);

  auto again = copy_model(*src, *dst, "m");
  REQUIRE_OK(again);
  CHECK(again->written.empty());
  CHECK(again->blobs.present == 3);
  CHECK(again->events.present == 3);
  CHECK(again->aliases.present == 1);
}

TEST_CASE("a dry run decides everything and writes nothing") {
  auto src = fresh_store();
  auto dst = fresh_store();
  make_history(*src);
  const auto before = snapshot(*dst);
  CopyOptions options;
  options.dry_run = true;
  auto r = copy_model(*src, *dst, "m", options);
  REQUIRE_OK(r);
  CHECK(r->written.size() == 9);
  CHECK(snapshot(*dst) == before);
}

TEST_CASE("a conflicting history is refused and nothing is overwritten") {
  auto src = fresh_store();
  auto dst = fresh_store();
  make_history(*src);
  add_version(*dst, "m", "something-else");
  const auto before = snapshot(*dst);
  auto r = copy_model(*src, *dst, "m");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kConflict);
  CHECK(r.error().message.find(version_key("m", 1)) != std::string::npos);
  CHECK(snapshot(*dst) == before);  // not even a blob: conflicts are found before writing
}

TEST_CASE("histories that diverge after a copy conflict on the next event") {
  auto src = fresh_store();
  auto dst = fresh_store();
  make_history(*src);
  REQUIRE(copy_model(*src, *dst, "m").ok());
  add_version(*src, "m", "model-three");
  add_version(*dst, "m", "model-four");
  auto r = copy_model(*src, *dst, "m");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kConflict);
}

TEST_CASE("aliases move forward, stay when the destination is ahead, conflict otherwise") {
  auto src = fresh_store();
  auto dst = fresh_store();
  make_history(*src);
  REQUIRE(copy_model(*src, *dst, "m").ok());

  SECTION("forward: the source moved the alias again") {
    promote(*src, "m:1", "champion");
    auto r = copy_model(*src, *dst, "m");
    REQUIRE_OK(r);
    CHECK(r->aliases.copied == 1);
    auto rec = read_alias(*dst, "m", "champion");
    REQUIRE_OK(rec);
    CHECK(rec->version == 1);
    require_verifies(*dst);
  }
  SECTION("the destination moved it later: kept") {
    promote(*dst, "m:1", "champion");
    auto r = copy_model(*src, *dst, "m");
    REQUIRE_OK(r);
    CHECK(r->aliases.kept == 1);
    auto rec = read_alias(*dst, "m", "champion");
    REQUIRE_OK(rec);
    CHECK(rec->version == 1);
  }
  SECTION("a record the chain does not explain: conflict") {
    auto bytes = dst->get(alias_key("m", "champion"));
    auto info = dst->head(alias_key("m", "champion"));
    REQUIRE_OK(info);
    AliasRecord forged;
    forged.alias = "champion";
    forged.version = 1;
    REQUIRE(dst->put_if(alias_key("m", "champion"), forged.to_yaml(), info->etag).ok());
    const auto before = snapshot(*dst);
    auto r = copy_model(*src, *dst, "m");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kConflict);
    CHECK(snapshot(*dst) == before);
  }
}

TEST_CASE("an interrupted copy is finished by running it again") {
  auto src = fresh_store();
  make_history(*src);
  // 3 blobs + 2 manifests + 3 events + 1 alias = 9 writes; fail at each one in turn.
  for (uint64_t k = 1; k <= 9; ++k) {
    INFO("fault at write " << k);
    auto dst = fresh_store();
    FaultyStore faulty(*dst, FaultyOptions{k, true, 0});
    auto r = copy_model(*src, faulty, "m");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kRuntime);
    // Whatever landed is consistent: verify finds no problem (only unreferenced blobs).
    require_verifies(*dst);
    auto done = copy_model(*src, *dst, "m");
    REQUIRE_OK(done);
    CHECK(done->written.size() == 9 - (k - 1));
    require_verifies(*dst);
  }
}

TEST_CASE("a torn blob at the destination is reported, not trusted") {
  // FaultyStore's torn write leaves a prefix under the blob's key (what a broken backend could
  // do): the size no longer matches the manifest, so the copy stops with kIntegrity naming it
  // instead of pointing a manifest at it.
  auto src = fresh_store();
  make_history(*src);
  auto dst = fresh_store();
  FaultyStore faulty(*dst, FaultyOptions{0, false, 1});
  auto r = copy_model(*src, faulty, "m");
  REQUIRE_FALSE(r.ok());
  auto again = copy_model(*src, *dst, "m");
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::kIntegrity);
  CHECK(again.error().message.find("objects/sha256/") != std::string::npos);
  auto models = dst->list("models/");
  REQUIRE_OK(models);
  CHECK(models->empty());
}

TEST_CASE("a corrupted source blob never reaches the destination") {
  auto src = fresh_store();
  auto dst = fresh_store();
  add_version(*src, "m", "model-one");
  auto mv = load_version(*src, "m", 1);
  REQUIRE_OK(mv);
  const std::string key = blob_key(mv->artifacts.at("model").digest);
  REQUIRE(src->remove(key).ok());
  REQUIRE(src->put_new(key, "model-onE").ok());
  auto r = copy_model(*src, *dst, "m");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kIntegrity);
  CHECK_FALSE(dst->head(key).ok());
  auto models = dst->list("models/");
  REQUIRE_OK(models);
  CHECK(models->empty());
}

TEST_CASE("copy_blob streams a blob larger than its queue") {
  auto src = fresh_store();
  auto dst = fresh_store();
  std::string big(40u << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 2654435761u >> 24);
  auto info = put_blob_bytes(*src, big);
  REQUIRE_OK(info);
  auto copied = copy_blob(*src, *dst, info->digest);
  REQUIRE_OK(copied);
  CHECK(copied->size == big.size());
  auto back = get_blob(*dst, info->digest);
  REQUIRE_OK(back);
  CHECK(*back == big);
}

TEST_CASE("references and markers") {
  auto src = fresh_store();
  auto dst = fresh_store();
  make_history(*src);
  CHECK(parse_transfer_ref("m@champion").error().code == ErrorCode::kUsage);
  CHECK(parse_transfer_ref("m:0").error().code == ErrorCode::kUsage);
  CHECK(parse_transfer_ref("m:x").error().code == ErrorCode::kUsage);
  auto ref = parse_transfer_ref("m:2");
  REQUIRE_OK(ref);
  CHECK(ref->version == 2);
  auto r = transfer_ref(*src, *dst, "m:1");
  REQUIRE_OK(r);
  CHECK(r->manifests.copied == 1);
  CHECK(r->aliases.copied == 0);
  require_verifies(*dst);
  auto bare = open_store("memory://transfer-test-uninitialised");
  REQUIRE_OK(bare);
  CHECK(transfer_ref(*src, **bare, "m").error().code == ErrorCode::kNotFound);

  auto many = copy_models(*src, *dst, {});
  REQUIRE_OK(many);
  REQUIRE(many->models.size() == 1);
  CHECK(many->models[0].events.copied == 2);
}
