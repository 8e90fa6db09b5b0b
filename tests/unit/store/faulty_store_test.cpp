#include <catch2/catch.hpp>

#include "mlo/core/digest.hpp"
#include "mlo/core/yaml_io.hpp"
#include "mlo/store/faulty/faulty_store.hpp"
#include "store/store_fixtures.hpp"

using namespace mlo;

TEST_CASE("faulty store: passes everything through when not armed, and counts") {
  MemoryStore inner;
  FaultyStore s(inner);
  REQUIRE(s.put_new("a", "1").ok());
  REQUIRE(s.put_if("b", "2", "").ok());
  REQUIRE(put_blob_bytes(s, "blob").ok());
  REQUIRE(s.get("a").ok());
  REQUIRE(s.head("b").ok());
  REQUIRE(s.list("").ok());
  REQUIRE(s.remove("a").ok());
  auto c = s.counters();
  CHECK(c.reads == 3);
  CHECK(c.mutations == 4);
  CHECK(c.writes == 3);
  CHECK(c.injected == 0);
  CHECK(s.url() == inner.url());
}

TEST_CASE("faulty store: fail_at makes exactly the k-th mutation fail without effect") {
  MemoryStore inner;
  FaultyStore s(inner, FaultyOptions{2, false, 0});
  REQUIRE(s.put_new("one", "1").ok());
  auto second = s.put_new("two", "2");
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().code == ErrorCode::kRuntime);
  CHECK_THAT(second.error().message, Catch::Contains("injected fault"));
  CHECK(inner.get("two").error().code == ErrorCode::kNotFound);
  REQUIRE(s.put_new("three", "3").ok());  // only the 2nd one
  CHECK(s.counters().injected == 1);

  s.reset(FaultyOptions{1, false, 0});
  auto blob = put_blob_bytes(s, "data");
  REQUIRE_FALSE(blob.ok());
  CHECK(inner.list("objects/")->empty());
  s.reset(FaultyOptions{1, false, 0});
  CHECK_FALSE(s.remove("one").ok());
  CHECK(inner.get("one").ok());
}

TEST_CASE("faulty store: fail_from keeps failing after the crash point") {
  MemoryStore inner;
  FaultyStore s(inner, FaultyOptions{2, true, 0});
  REQUIRE(s.put_new("a", "1").ok());
  CHECK_FALSE(s.put_new("b", "2").ok());
  CHECK_FALSE(s.put_if("c", "3", "").ok());
  CHECK(s.get("a").ok());  // reads still work
  CHECK(*inner.list("") == std::vector<std::string>{"a"});
}

TEMPLATE_TEST_CASE("faulty store: a torn blob write is detected by get_blob", "",
                   test::LocalFixture, test::MemoryFixture) {
  TestType f;
  FaultyStore s(f.store, FaultyOptions{0, false, 1});
  const std::string bytes(10'000, 'm');
  auto torn = put_blob_bytes(s, bytes);
  REQUIRE_FALSE(torn.ok());
  CHECK_THAT(torn.error().message, Catch::Contains("injected torn write"));
  // The prefix is there under the blob's key, as a broken backend would leave it...
  CHECK(f.store.head(blob_key(digest_bytes(bytes)))->size == 5'000);
  // ...and readers refuse it.
  auto read = get_blob(f.store, digest_bytes(bytes));
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code == ErrorCode::kIntegrity);
}

TEST_CASE("faulty store: a torn manifest write is caught by the YAML parser") {
  MemoryStore inner;
  FaultyStore s(inner, FaultyOptions{0, false, 1});
  const std::string manifest =
      "apiVersion: mlo/v1\nkind: ModelVersion\nname: \"flights-delay\"\nversion: 3\n";
  CHECK_FALSE(s.put_new("models/f/versions/3.yaml", manifest).ok());
  auto stored = inner.get("models/f/versions/3.yaml");
  REQUIRE(stored.ok());
  CHECK(*stored == manifest.substr(0, manifest.size() / 2));
  auto doc = parse_yaml(*stored, "manifest");
  bool detected = !doc.ok() || !require_int(*doc, "version", "manifest").ok();
  CHECK(detected);
}
