#include <catch2/catch.hpp>

#include <atomic>
#include <ctime>

#include "mlo/core/digest.hpp"
#include "mlo/registry/gc.hpp"
#include "mlo/registry/keys.hpp"
#include "mlo/registry/registry.hpp"
#include "mlo/store/faulty/faulty_store.hpp"
#include "mlo/store/memory/memory_store.hpp"

using namespace mlo;

namespace {

constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 24 * kHour;

std::atomic<int> g_counter{0};

std::unique_ptr<MemoryStore> fresh_store() {
  return MemoryStore::open_named("gc-test-" + std::to_string(++g_counter));
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

int64_t now() {
  return static_cast<int64_t>(std::time(nullptr));
}

// An unreferenced blob last written `age` seconds ago; returns its key.
std::string orphan(MemoryStore& store, const std::string& bytes, int64_t age) {
  auto blob = put_blob_bytes(store, bytes);
  REQUIRE(blob.ok());
  const std::string key = blob_key(blob->digest);
  REQUIRE(store.set_mtime(key, now() - age).ok());
  return key;
}

// Makes every key in the store `age` seconds old (registered blobs included).
void age_everything(MemoryStore& store, int64_t age) {
  auto keys = store.list("");
  REQUIRE(keys.ok());
  for (const auto& k : *keys) REQUIRE(store.set_mtime(k, now() - age).ok());
}

}  // namespace

TEST_CASE("gc removes old unreferenced blobs and keeps referenced and young ones", "[gc]") {
  auto store = fresh_store();
  REQUIRE(register_version(*store, request("m", "model-one")).ok());
  age_everything(*store, 10 * kDay);
  const std::string old_orphan = orphan(*store, "left by a crash", 2 * kDay);
  const std::string young_orphan = orphan(*store, "register in progress", kHour);

  auto report = collect_garbage(*store, GcOptions{});
  REQUIRE(report.ok());
  CHECK(report->blobs == 3);
  CHECK(report->referenced == 1);
  CHECK(report->young == 1);
  CHECK(report->manifests == 1);
  REQUIRE(report->removed.size() == 1);
  CHECK(report->removed[0].name == old_orphan);
  CHECK(report->removed_count(GcItem::Kind::kBlob) == 1);
  CHECK(report->removed_bytes(GcItem::Kind::kBlob) == std::string("left by a crash").size());
  CHECK_FALSE(store->head(old_orphan).ok());
  CHECK(store->head(young_orphan).ok());

  // The registered version still reads back in full; a second run finds nothing to do.
  auto again = collect_garbage(*store, GcOptions{});
  REQUIRE(again.ok());
  CHECK(again->removed.empty());
  CHECK(again->referenced == 1);
}

TEST_CASE("gc --dry-run reports without removing", "[gc]") {
  auto store = fresh_store();
  const std::string key = orphan(*store, "orphan", 3 * kDay);
  GcOptions options;
  options.dry_run = true;
  auto report = collect_garbage(*store, options);
  REQUIRE(report.ok());
  CHECK(report->dry_run);
  REQUIRE(report->removed.size() == 1);
  CHECK(report->removed[0].name == key);
  CHECK(store->head(key).ok());
}

TEST_CASE("gc's grace period is configurable and 0 takes everything unreferenced", "[gc]") {
  auto store = fresh_store();
  const std::string key = orphan(*store, "orphan", 2 * kHour);
  GcOptions options;
  options.grace_seconds = 3 * kHour;
  REQUIRE(collect_garbage(*store, options)->removed.empty());
  options.grace_seconds = kHour;
  REQUIRE(collect_garbage(*store, options)->removed.size() == 1);
  CHECK_FALSE(store->head(key).ok());
  options.grace_seconds = -1;
  CHECK(collect_garbage(*store, options).error().code == ErrorCode::kUsage);
}

TEST_CASE("gc keeps an old blob that a writer reuses while it runs", "[gc]") {
  // The orphan is old when gc lists the blobs; a register of the same bytes then writes a
  // manifest referring to it before gc lists the manifests: kept (rule 2).
  auto store = fresh_store();
  const std::string key = orphan(*store, "same bytes", 5 * kDay);
  GcOptions options;
  options.after_blob_listing = [&] {
    REQUIRE(register_version(*store, request("m", "same bytes")).ok());
  };
  auto report = collect_garbage(*store, options);
  REQUIRE(report.ok());
  CHECK(report->removed.empty());
  CHECK(report->referenced == 1);
  CHECK(store->head(key).ok());
}

TEST_CASE("gc keeps a reused blob whose manifest is not written yet", "[gc]") {
  // Rule 1 and 3: put_blob of bytes already stored refreshes the blob's mtime, so a writer
  // between its put_blob and its manifest keeps an old orphan alive.
  auto store = fresh_store();
  const std::string key = orphan(*store, "same bytes", 5 * kDay);
  GcOptions options;
  options.after_blob_listing = [&] {
    auto blob = put_blob_bytes(*store, "same bytes");
    REQUIRE(blob.ok());
    CHECK(blob->existed);
  };
  auto report = collect_garbage(*store, options);
  REQUIRE(report.ok());
  CHECK(report->removed.empty());
  CHECK(report->young == 1);
  CHECK(store->head(key).ok());
}

TEST_CASE("gc removes nothing when a manifest cannot be parsed", "[gc]") {
  auto store = fresh_store();
  REQUIRE(register_version(*store, request("m", "model-one")).ok());
  const std::string key = orphan(*store, "orphan", 3 * kDay);
  REQUIRE(store->put_new(version_key("broken", 1), "not: [a manifest").ok());
  auto report = collect_garbage(*store, GcOptions{});
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().code == ErrorCode::kIntegrity);
  CHECK(report.error().message.find("models/broken/versions/1.yaml") != std::string::npos);
  CHECK(store->head(key).ok());
}

TEST_CASE("gc leaves keys under objects/ that are not blob keys alone", "[gc]") {
  auto store = fresh_store();
  REQUIRE(store->put_new("objects/notes.txt", "hello").ok());
  REQUIRE(store->put_new("objects/sha256/zz/not-a-digest", "x").ok());
  REQUIRE(store->set_mtime("objects/notes.txt", now() - 9 * kDay).ok());
  REQUIRE(store->set_mtime("objects/sha256/zz/not-a-digest", now() - 9 * kDay).ok());
  auto report = collect_garbage(*store, GcOptions{});
  REQUIRE(report.ok());
  CHECK(report->blobs == 0);
  CHECK(report->removed.empty());
  CHECK(store->head("objects/notes.txt").ok());
}

TEST_CASE("gc stops at a failing removal and reports it", "[gc]") {
  auto inner = fresh_store();
  orphan(*inner, "one", 3 * kDay);
  orphan(*inner, "two", 3 * kDay);
  FaultyStore faulty(*inner, FaultyOptions{2, false, 0});
  auto report = collect_garbage(faulty, GcOptions{});
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().code == ErrorCode::kRuntime);
  auto left = inner->list("objects/");
  REQUIRE(left.ok());
  CHECK(left->size() == 1);  // the first went, the second failed and stays
  // A rerun finishes the job.
  REQUIRE(collect_garbage(*inner, GcOptions{})->removed.size() == 1);
}

TEST_CASE("digest_of_blob_key inverts blob_key for blob keys only", "[gc]") {
  const std::string digest = digest_bytes("x");
  CHECK(digest_of_blob_key(blob_key(digest)) == digest);
  CHECK(digest_of_blob_key("objects/sha256/ab").empty());
  CHECK(digest_of_blob_key("models/m/versions/1.yaml").empty());
  std::string upper = blob_key(digest);
  upper.back() = 'G';
  CHECK(digest_of_blob_key(upper).empty());
}
