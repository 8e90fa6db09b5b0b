// The Store contract (store.hpp), run against every backend.
#include <catch2/catch.hpp>

#include "mlo/core/digest.hpp"
#include "store/store_fixtures.hpp"

using namespace mlo;
using test::LocalFixture;
using test::MemoryFixture;

TEMPLATE_TEST_CASE("store contract: get/head/remove", "", MLO_STORE_BACKENDS) {
  TestType f;
  Store& s = f.store;
  CHECK(s.get("models/a/versions/1.yaml").error().code == ErrorCode::kNotFound);
  CHECK(s.head("models/a/versions/1.yaml").error().code == ErrorCode::kNotFound);
  CHECK(s.remove("models/a/versions/1.yaml").error().code == ErrorCode::kNotFound);

  REQUIRE(s.put_new("models/a/versions/1.yaml", "v1").ok());
  CHECK(*s.get("models/a/versions/1.yaml") == "v1");
  auto info = s.head("models/a/versions/1.yaml");
  REQUIRE(info.ok());
  CHECK(info->size == 2);
  CHECK_FALSE(info->etag.empty());
  if (TestType::kEtagIsDigest) CHECK(info->etag == digest_bytes("v1"));
  CHECK(info->mtime > 1'700'000'000);  // a plausible modification time
  // A directory-like prefix is not a key.
  CHECK(s.get("models/a").error().code == ErrorCode::kNotFound);
  CHECK(s.head("models/a/versions").error().code == ErrorCode::kNotFound);

  REQUIRE(s.put_new("empty", "").ok());
  CHECK(*s.get("empty") == "");
  CHECK(s.head("empty")->size == 0);

  REQUIRE(s.remove("models/a/versions/1.yaml").ok());
  CHECK(s.get("models/a/versions/1.yaml").error().code == ErrorCode::kNotFound);
  // Visible through another handle on the same store.
  CHECK(*f.another()->get("empty") == "");
}

TEMPLATE_TEST_CASE("store contract: list is recursive, sorted, prefix-filtered", "",
                   MLO_STORE_BACKENDS) {
  TestType f;
  Store& s = f.store;
  auto none = s.list("");
  REQUIRE(none.ok());
  CHECK(none->empty());
  for (const char* key :
       {"models/b/versions/2.yaml", "models/a/versions/10.yaml", "models/a/versions/1.yaml",
        "models/a/aliases/champion.yaml", "runs/2026-11-22/r1.yaml", "models/ab/x"})
    REQUIRE(s.put_new(key, key).ok());
  REQUIRE(s.put_if("models/a/aliases/canary.yaml", "c", "").ok());  // leaves a lock file on disk

  CHECK(*s.list("") == std::vector<std::string>{
                           "models/a/aliases/canary.yaml", "models/a/aliases/champion.yaml",
                           "models/a/versions/1.yaml", "models/a/versions/10.yaml", "models/ab/x",
                           "models/b/versions/2.yaml", "runs/2026-11-22/r1.yaml"});
  CHECK(*s.list("models/a/") ==
        std::vector<std::string>{"models/a/aliases/canary.yaml", "models/a/aliases/champion.yaml",
                                 "models/a/versions/1.yaml", "models/a/versions/10.yaml"});
  CHECK(*s.list("models/a") ==
        std::vector<std::string>{"models/a/aliases/canary.yaml", "models/a/aliases/champion.yaml",
                                 "models/a/versions/1.yaml", "models/a/versions/10.yaml",
                                 "models/ab/x"});
  CHECK(*s.list("models/a/versions/1") ==
        std::vector<std::string>{"models/a/versions/1.yaml", "models/a/versions/10.yaml"});
  CHECK(s.list("nothing/here/")->empty());
  CHECK(s.list("runs/2026-11-22/r1.yaml")->size() == 1);
}

TEMPLATE_TEST_CASE("store contract: put_blob is content-addressed and idempotent", "",
                   MLO_STORE_BACKENDS) {
  TestType f;
  Store& s = f.store;
  auto first = put_blob_bytes(s, "model bytes");
  REQUIRE(first.ok());
  CHECK(first->digest == digest_bytes("model bytes"));
  CHECK(first->size == 11);
  CHECK_FALSE(first->existed);
  auto again = put_blob_bytes(s, "model bytes");
  REQUIRE(again.ok());
  CHECK(again->digest == first->digest);
  CHECK(again->existed);
  CHECK(*s.list("objects/") == std::vector<std::string>{blob_key(first->digest)});
  CHECK(*get_blob(s, first->digest) == "model bytes");
  if (TestType::kEtagIsDigest) CHECK(s.head(blob_key(first->digest))->etag == first->digest);

  auto empty = put_blob_bytes(s, "");
  REQUIRE(empty.ok());
  CHECK(empty->digest == digest_bytes(""));
  CHECK(*get_blob(s, empty->digest) == "");

  // Larger than one 1 MiB buffer, streamed in odd-sized chunks.
  std::string big(3 * (1 << 20) + 17, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i % 253);
  size_t off = 0;
  auto streamed = s.put_blob([&](char* buf, size_t cap) -> Result<size_t> {
    size_t n = std::min({cap, size_t{77'777}, big.size() - off});
    std::copy_n(big.data() + off, n, buf);
    off += n;
    return n;
  });
  REQUIRE(streamed.ok());
  CHECK(streamed->digest == digest_bytes(big));
  CHECK(*get_blob(s, streamed->digest) == big);

  // A failing stream stores nothing.
  auto failing = s.put_blob(
      [](char*, size_t) -> Result<size_t> { return make_error(ErrorCode::kRuntime, "boom"); });
  REQUIRE_FALSE(failing.ok());
  CHECK(failing.error().message == "boom");
  CHECK(s.list("objects/")->size() == 3);
}

TEMPLATE_TEST_CASE("store contract: put_new is create-only", "", MLO_STORE_BACKENDS) {
  TestType f;
  Store& s = f.store;
  REQUIRE(s.put_new("models/m/versions/1.yaml", "first").ok());
  auto again = s.put_new("models/m/versions/1.yaml", "second");
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::kConflict);
  CHECK(*s.get("models/m/versions/1.yaml") == "first");
}

TEMPLATE_TEST_CASE("store contract: put_if compare-and-swap", "", MLO_STORE_BACKENDS) {
  TestType f;
  Store& s = f.store;
  const std::string key = "models/m/aliases/champion.yaml";
  // Empty expected etag: must not exist yet.
  REQUIRE(s.put_if(key, "v1", "").ok());
  CHECK(s.put_if(key, "v1b", "").error().code == ErrorCode::kConflict);
  CHECK(*s.get(key) == "v1");

  std::string etag = s.head(key)->etag;
  CHECK(s.put_if(key, "v2", digest_bytes("not the current bytes")).error().code ==
        ErrorCode::kConflict);
  REQUIRE(s.put_if(key, "v2", etag).ok());
  CHECK(*s.get(key) == "v2");
  CHECK(s.head(key)->etag != etag);
  // The old etag is now stale.
  CHECK(s.put_if(key, "v3", etag).error().code == ErrorCode::kConflict);
  CHECK(*s.get(key) == "v2");
  // Expected etag on a missing key: conflict (it was removed under us).
  CHECK(s.put_if("models/m/aliases/none.yaml", "x", etag).error().code == ErrorCode::kConflict);
  CHECK(s.get("models/m/aliases/none.yaml").error().code == ErrorCode::kNotFound);
  // put_if with empty etag on a key created by put_new conflicts too.
  REQUIRE(s.put_new("k/new", "a").ok());
  CHECK(s.put_if("k/new", "b", "").error().code == ErrorCode::kConflict);
}

TEMPLATE_TEST_CASE("store contract: hostile keys are rejected with kUsage", "",
                   MLO_STORE_BACKENDS) {
  TestType f;
  Store& s = f.store;
  for (const std::string& key : std::vector<std::string>{
           "../x", "/abs", "a//b", "a/./b", "a/../../b", "", "a/", ".", "..", "a\\b",
           std::string("a\0b", 3), "a/\nb", ".hidden", "a/.x.lock", std::string(2000, 'k')}) {
    INFO("key: " << key);
    CHECK(s.put_new(key, "x").error().code == ErrorCode::kUsage);
    CHECK(s.put_if(key, "x", "").error().code == ErrorCode::kUsage);
    CHECK(s.get(key).error().code == ErrorCode::kUsage);
    CHECK(s.head(key).error().code == ErrorCode::kUsage);
    CHECK(s.remove(key).error().code == ErrorCode::kUsage);
  }
  CHECK(s.list("")->empty());
}
