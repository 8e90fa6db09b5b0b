// verify on a worker pool reports exactly what a serial walk reports, in the same order, on a
// store with many kinds of damage spread over several models that share blobs.
#include <catch2/catch.hpp>

#include "mlo/core/digest.hpp"
#include "mlo/registry/events.hpp"
#include "mlo/registry/keys.hpp"
#include "mlo/registry/registry.hpp"
#include "mlo/registry/store_init.hpp"
#include "mlo/registry/verify.hpp"

using namespace mlo;

namespace {

void reg(Store& store, const std::string& name, const std::string& bytes) {
  RegisterRequest req;
  req.manifest.name = name;
  req.manifest.features = {{"f0", "numeric"}};
  req.artifacts["model"] = ArtifactInput{"application/json", bytes, std::nullopt};
  req.artifacts["notes"] = ArtifactInput{"text/plain", "shared notes", std::nullopt};
  REQUIRE(register_version(store, req).ok());
}

void overwrite(Store& store, const std::string& key, const std::string& bytes) {
  REQUIRE(store.remove(key).ok());
  REQUIRE(store.put_new(key, bytes).ok());
}

std::string flip(std::string bytes, const std::string& after) {
  bytes[bytes.find(after) + after.size()] ^= 1;
  return bytes;
}

std::vector<std::string> lines(const std::vector<VerifyIssue>& issues) {
  std::vector<std::string> out;
  for (const auto& i : issues) out.push_back(i.key + ": " + i.message);
  return out;
}

}  // namespace

TEST_CASE("parallel verify reports the same findings as serial on a damaged store") {
  auto opened = open_store("memory://verify-parallel-test");
  REQUIRE(opened.ok());
  Store& store = **opened;
  REQUIRE(init_store(store).ok());
  for (int m = 0; m < 12; ++m)
    for (int v = 0; v < 3; ++v)
      reg(store, "m" + std::to_string(m), "model " + std::to_string(m * 10 + v % 2));
  // A flipped blob (shared by two versions), a missing blob, an unparsable manifest, a manifest
  // edited after registration, a broken chain, a gap in a chain, a registered event naming a
  // version that does not exist, an unexpected key.
  const std::string shared = blob_key(digest_bytes("model 10"));
  overwrite(store, shared, "model 1O");
  REQUIRE(store.remove(blob_key(digest_bytes("model 31"))).ok());
  overwrite(store, version_key("m4", 2), "apiVersion: mlo/v1\nkind: [\n");
  overwrite(store, version_key("m5", 1), flip(*store.get(version_key("m5", 1)), "created_by: "));
  overwrite(store, event_key("m6", 1), flip(*store.get(event_key("m6", 1)), "actor: "));
  REQUIRE(store.remove(event_key("m7", 2)).ok());
  REQUIRE(store.remove(version_key("m8", 3)).ok());
  REQUIRE(store.put_new("models/m9/stray.txt", "x").ok());

  VerifyOptions serial;
  serial.threads = 1;
  auto expected = verify_store(store, serial);
  REQUIRE(expected.ok());
  const auto problems = lines(expected->problems);
  CHECK(problems.size() >= 8);
  auto has = [&](const std::string& key) {
    for (const auto& p : expected->problems)
      if (p.key == key) return true;
    return false;
  };
  CHECK(has(shared));
  CHECK(has(version_key("m3", 2)));  // refers to the missing blob
  CHECK(has(version_key("m4", 2)));
  CHECK(has(version_key("m5", 1)));
  CHECK(has(event_key("m6", 2)));
  CHECK(has(event_key("m7", 2)));
  CHECK(has(event_key("m8", 3)));
  CHECK_FALSE(expected->notes.empty());

  for (const std::string model : {"", "m1"}) {
    serial.model = model;
    auto one = verify_store(store, serial);
    REQUIRE(one.ok());
    for (int threads : {2, 4, 16}) {
      VerifyOptions parallel;
      parallel.model = model;
      parallel.threads = threads;
      auto r = verify_store(store, parallel);
      REQUIRE(r.ok());
      INFO("model '" << model << "', " << threads << " threads");
      CHECK(lines(r->problems) == lines(one->problems));
      CHECK(lines(r->notes) == lines(one->notes));
      CHECK(r->models == one->models);
      CHECK(r->versions == one->versions);
      CHECK(r->events == one->events);
      CHECK(r->blobs == one->blobs);
      CHECK(r->blob_bytes == one->blob_bytes);
    }
  }
}

TEST_CASE("events and manifests mlo wrote read the same with and without the YAML tree") {
  auto opened = open_store("memory://verify-parallel-forms");
  REQUIRE(opened.ok());
  Store& store = **opened;
  REQUIRE(init_store(store).ok());
  reg(store, "m", "model");
  reg(store, "m", "model 2");
  const std::string ev = *store.get(event_key("m", 2));
  // A trailing comment keeps the document's meaning but sends it through yaml-cpp.
  auto fast = event_from_yaml(ev, "e", "m");
  auto slow = event_from_yaml(ev + "# comment\n", "e", "m");
  REQUIRE(fast.ok());
  REQUIRE(slow.ok());
  CHECK(fast->number == slow->number);
  CHECK(fast->type == slow->type);
  CHECK(fast->time == slow->time);
  CHECK(fast->actor == slow->actor);
  CHECK(fast->previous == slow->previous);
  CHECK(fast->fields == slow->fields);
  CHECK_FALSE(event_from_yaml(ev, "e", "other").ok());  // the owner is still checked

  const std::string text = *store.get(version_key("m", 2));
  auto refs = scan_manifest_refs(text);
  auto mv = ModelVersion::from_yaml(text, "v");
  REQUIRE(refs);
  REQUIRE(mv.ok());
  CHECK(refs->name == mv->name);
  CHECK(refs->version == mv->version);
  REQUIRE(refs->artifacts.size() == mv->artifacts.size());
  for (const auto& [k, a] : mv->artifacts) {
    CHECK(refs->artifacts.at(k).digest == a.digest);
    CHECK(refs->artifacts.at(k).size == a.size);
    CHECK(refs->artifacts.at(k).media_type == a.media_type);
  }
  CHECK_FALSE(scan_manifest_refs("name: m\nversion: 01\nartifacts: {}\n"));
}
