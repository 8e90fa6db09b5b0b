#include <catch2/catch.hpp>

#include "registry/alias_fixture.hpp"

#include <atomic>
#include <set>
#include <thread>

#include "mlo/core/digest.hpp"
#include "mlo/registry/alias.hpp"
#include "mlo/registry/events.hpp"
#include "mlo/registry/keys.hpp"
#include "mlo/registry/listing.hpp"
#include "mlo/registry/registry.hpp"

using namespace mlo;

namespace {

std::atomic<int> g_store_counter{0};

std::unique_ptr<Store> fresh_store() {
  auto store = open_store("memory://registry-test-" + std::to_string(++g_store_counter));
  REQUIRE(store.ok());
  return std::move(*store);
}

RegisterRequest request(const std::string& name, const std::string& model_bytes) {
  RegisterRequest req;
  req.manifest.name = name;
  req.manifest.task = "binary";
  req.manifest.features = {{"f0", "numeric"}};
  req.manifest.params = {{"eta", "0.1"}};
  req.artifacts["model"] = ArtifactInput{"application/json", model_bytes, std::nullopt};
  return req;
}

}  // namespace

TEST_CASE("register allocates versions and appends linked events") {
  auto store = fresh_store();
  auto r1 = register_version(*store, request("m", "model-one"));
  REQUIRE(r1.ok());
  CHECK(r1->manifest.version == 1);
  CHECK_FALSE(r1->existed);
  auto r2 = register_version(*store, request("m", "model-two"));
  REQUIRE(r2.ok());
  CHECK(r2->manifest.version == 2);

  auto versions = list_versions(*store, "m");
  REQUIRE(versions.ok());
  CHECK(*versions == std::vector<int64_t>{1, 2});
  auto events = read_stored_events(*store, "m");
  REQUIRE(events.ok());
  REQUIRE(events->size() == 2);
  CHECK((*events)[0].event.previous.empty());
  CHECK((*events)[1].event.previous == (*events)[0].digest);
  CHECK((*events)[1].event.fields.at("version") == "2");
  CHECK((*events)[1].event.fields.at("manifest") == r2->manifest_digest);

  auto model = read_artifact(*store, r2->manifest, "model");
  REQUIRE(model.ok());
  CHECK(*model == "model-two");
  CHECK(r2->manifest.environment.count("mlo") == 1);
}

TEST_CASE("if_new returns the identical version and a dry run writes nothing") {
  auto store = fresh_store();
  REQUIRE(register_version(*store, request("m", "bytes")).ok());
  auto again = request("m", "bytes");
  again.if_new = true;
  auto r = register_version(*store, again);
  REQUIRE(r.ok());
  CHECK(r->existed);
  CHECK(r->manifest.version == 1);

  auto changed = request("m", "bytes");
  changed.if_new = true;
  changed.manifest.params["eta"] = "0.2";
  auto r2 = register_version(*store, changed);
  REQUIRE(r2.ok());
  CHECK_FALSE(r2->existed);
  CHECK(r2->manifest.version == 2);

  auto before = store->list("");
  REQUIRE(before.ok());
  auto dry = request("m", "new bytes");
  dry.dry_run = true;
  auto r3 = register_version(*store, dry);
  REQUIRE(r3.ok());
  CHECK(r3->manifest.version == 3);
  CHECK(*store->list("") == *before);
}

TEST_CASE("references resolve by name, number, alias and digest") {
  auto store = fresh_store();
  auto r1 = register_version(*store, request("m", "one"));
  auto r2 = register_version(*store, request("m", "two"));
  REQUIRE((r1.ok() && r2.ok()));
  AliasRecord alias = legacy_alias("champion", 1, r1->manifest_digest);
  REQUIRE(store->put_if(alias_key("m", "champion"), alias.to_yaml(), "").ok());

  CHECK(resolve_ref(*store, "m")->version == 2);
  CHECK(resolve_ref(*store, "m:1")->version == 1);
  CHECK(resolve_ref(*store, "m@champion")->version == 1);
  CHECK(resolve_ref(*store, r2->manifest_digest)->version == 2);

  auto code = [&](const std::string& ref) {
    auto r = resolve_ref(*store, ref);
    return r.ok() ? 0 : r.error().exit_code();
  };
  CHECK(code("nope") == 4);
  CHECK(code("m:9") == 4);
  CHECK(code("m@canary") == 4);
  CHECK(code("nope@champion") == 4);
  CHECK(code("sha256:" + std::string(64, '0')) == 4);
  CHECK(code("m:0") == 2);
  CHECK(code("m:x") == 2);
  CHECK(code("m:") == 2);
  CHECK(code("m@") == 2);
  CHECK(code("M") == 2);
  CHECK(code("../m") == 2);
  CHECK(code("sha256:abc") == 2);
  CHECK(code("") == 2);

  // An alias whose recorded manifest digest no longer matches is an integrity failure.
  AliasRecord stale = legacy_alias("stale", 1, r2->manifest_digest);
  REQUIRE(store->put_if(alias_key("m", "stale"), stale.to_yaml(), "").ok());
  CHECK(code("m@stale") == 6);
}

TEST_CASE("a manifest whose content does not match its key is an integrity failure") {
  auto store = fresh_store();
  auto r1 = register_version(*store, request("m", "one"));
  REQUIRE(r1.ok());
  ModelVersion other = r1->manifest;
  other.version = 7;
  REQUIRE(store->put_new(version_key("m", 2), other.to_yaml()).ok());
  auto r = load_version(*store, "m", 2);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kIntegrity);
  REQUIRE(store->put_new(version_key("m", 3), "apiVersion: mlo/v2\n").ok());
  CHECK(load_version(*store, "m", 3).error().code == ErrorCode::kInvalidInput);
}

TEST_CASE("concurrent registers get distinct versions and one linked chain") {
  auto store = fresh_store();
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::vector<int64_t> got(kThreads, 0);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto r = register_version(*store, request("m", "same bytes"));
      if (r.ok()) got[static_cast<size_t>(i)] = r->manifest.version;
    });
  }
  for (auto& t : threads) t.join();
  std::set<int64_t> distinct(got.begin(), got.end());
  CHECK(distinct == std::set<int64_t>{1, 2, 3, 4, 5, 6, 7, 8});
  auto events = read_stored_events(*store, "m");
  REQUIRE(events.ok());
  REQUIRE(events->size() == kThreads);
  for (size_t i = 1; i < events->size(); ++i)
    CHECK((*events)[i].event.previous == (*events)[i - 1].digest);
}

TEST_CASE("append_event links to the previous event's bytes") {
  auto store = fresh_store();
  Event e;
  e.type = "promoted";
  e.fields = {{"alias", "champion"}, {"version", "1"}};
  auto a = append_event(*store, "m", e);
  auto b = append_event(*store, "m", e);
  REQUIRE((a.ok() && b.ok()));
  CHECK(a->number == 1);
  CHECK(b->number == 2);
  CHECK(b->previous == digest_bytes(*store->get(event_key("m", 1))));
  auto events = read_events(*store, "m");
  REQUIRE(events.ok());
  CHECK(events->at(1).fields.at("alias") == "champion");
  CHECK_FALSE(events->at(0).actor.empty());
}

TEST_CASE("run records are written create-only under runs/<date>/") {
  auto store = fresh_store();
  auto key = write_run_record(*store, "kind: ScoreRun\nrows: 10\n");
  REQUIRE(key.ok());
  CHECK(key->rfind("runs/", 0) == 0);
  CHECK(*store->get(*key) == "kind: ScoreRun\nrows: 10\n");
  auto bad = write_run_record(*store, "- not a map\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidInput);
}

TEST_CASE("numbered keys") {
  CHECK(parse_numbered_key("models/m/versions/12.yaml", "models/m/versions/") ==
        std::optional<int64_t>(12));
  CHECK_FALSE(parse_numbered_key("models/m/versions/012.yaml", "models/m/versions/"));
  CHECK_FALSE(parse_numbered_key("models/m/versions/x.yaml", "models/m/versions/"));
  CHECK_FALSE(parse_numbered_key("models/m/versions/1.yml", "models/m/versions/"));
  CHECK_FALSE(parse_numbered_key("models/m/versions/.yaml", "models/m/versions/"));
  auto k = split_model_key("models/m/aliases/champion.yaml");
  REQUIRE(k);
  CHECK(k->name == "m");
  CHECK(k->kind == "aliases");
  CHECK(k->leaf == "champion.yaml");
  CHECK_FALSE(split_model_key("models/m"));
  CHECK_FALSE(split_model_key("objects/sha256/aa/bb"));
}

TEST_CASE("model summaries come from the key listing") {
  auto store = fresh_store();
  for (int i = 0; i < 3; ++i)
    REQUIRE(register_version(*store, request("a", "a" + std::to_string(i))).ok());
  REQUIRE(register_version(*store, request("b", "b")).ok());
  AliasRecord alias = legacy_alias("champion", 2, "");
  REQUIRE(store->put_if(alias_key("a", "champion"), alias.to_yaml(), "").ok());

  auto quick = summarize_models(*store, false);
  REQUIRE(quick.ok());
  REQUIRE(quick->size() == 2);
  CHECK((*quick)[0].name == "a");
  CHECK((*quick)[0].versions == 3);
  CHECK((*quick)[0].latest == 3);
  CHECK((*quick)[0].aliases == std::vector<std::string>{"champion"});
  CHECK_FALSE((*quick)[0].latest_manifest);

  auto full = summarize_models(*store, true);
  REQUIRE(full.ok());
  REQUIRE((*full)[1].latest_manifest);
  CHECK((*full)[1].latest_manifest->name == "b");
  auto names = list_models(*store);
  REQUIRE(names.ok());
  CHECK(*names == std::vector<std::string>{"a", "b"});
}
