// Store::list_children(): the delimiter-style listing (S3 ListObjectsV2 with delimiter '/'),
// for every backend and for the default built on list().
#include <catch2/catch.hpp>
#include <filesystem>

#include "mlo/store/faulty/faulty_store.hpp"
#include "store_fixtures.hpp"

namespace mlo {
using test::LocalFixture;
using test::MemoryFixture;

namespace {

using Keys = std::vector<std::string>;

void put_tree(Store& s) {
  for (const char* key : {"models/a/versions/1.yaml", "models/a/versions/2.yaml",
                          "models/a/events/1.yaml", "models/a-b/versions/1.yaml", "models/a.txt",
                          "models/b/aliases/x.yaml", "mlo-store.yaml", "runs/r1/out.yaml"})
    REQUIRE(s.put_new(key, key).ok());
}

// Only list() and the basics: list_children() comes from the Store default.
class ListOnly : public Store {
 public:
  explicit ListOnly(Store& inner) : inner_(inner) {}
  Result<std::string> get(const std::string& k) override { return inner_.get(k); }
  Result<ObjectInfo> head(const std::string& k) override { return inner_.head(k); }
  Result<std::vector<std::string>> list(const std::string& p) override { return inner_.list(p); }
  Status remove(const std::string& k) override { return inner_.remove(k); }
  Result<BlobInfo> put_blob(const ReadFn& r) override { return inner_.put_blob(r); }
  Status put_new(const std::string& k, std::string_view b) override { return inner_.put_new(k, b); }
  Status put_if(const std::string& k, std::string_view b, const std::string& e) override {
    return inner_.put_if(k, b, e);
  }
  std::string url() const override { return inner_.url(); }

 private:
  Store& inner_;
};

void check_children(Store& s) {
  CHECK(*s.list_children("") == Keys{"mlo-store.yaml", "models/", "runs/"});
  CHECK(*s.list_children("models/") == Keys{"a-b/", "a.txt", "a/", "b/"});
  CHECK(*s.list_children("models/a/") == Keys{"events/", "versions/"});
  CHECK(*s.list_children("models/a/versions/") == Keys{"1.yaml", "2.yaml"});
  CHECK(s.list_children("models/zz/")->empty());
  CHECK(s.list_children("models/a.txt/")->empty());  // a key, not a level
  for (const char* bad : {"models", "models//", "../x/", "/models/", "models/.hidden/"}) {
    auto r = s.list_children(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kUsage);
  }
}

}  // namespace

TEMPLATE_TEST_CASE("store contract: list_children lists one level, sorted like full keys", "",
                   MLO_STORE_BACKENDS) {
  TestType f;
  CHECK(f.store.list_children("")->empty());
  CHECK(f.store.list_children("models/")->empty());
  put_tree(f.store);
  REQUIRE(f.store.put_if("models/b/aliases/y.yaml", "y", "").ok());  // leaves a lock file
  check_children(f.store);
  CHECK(*f.store.list_children("models/b/aliases/") == Keys{"x.yaml", "y.yaml"});
}

TEST_CASE("store: the default list_children, derived from list(), agrees with the backends") {
  MemoryFixture f;
  put_tree(f.store);
  ListOnly derived(f.store);
  check_children(derived);
}

TEST_CASE("faulty store: list_children passes through and counts as a read") {
  MemoryFixture f;
  put_tree(f.store);
  FaultyStore s(f.store, FaultyOptions{1, true, 0});
  check_children(s);
  CHECK(s.counters().reads > 0);
  CHECK(s.counters().mutations == 0);
}

TEST_CASE("local store: list_children reports directories, skips dot-files") {
  LocalFixture f;
  put_tree(f.store);
  std::filesystem::create_directories(f.root + "/models/.trash/x");
  std::filesystem::create_directories(f.root + "/models/empty");
  CHECK(*f.store.list_children("models/") == Keys{"a-b/", "a.txt", "a/", "b/", "empty/"});
  CHECK(f.store.list("models/empty/")->empty());
}

}  // namespace mlo
