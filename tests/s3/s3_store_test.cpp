// S3-only behaviour against the test server (built into unit_store_s3 only, tag [s3]): multipart
// blobs, list pagination, skipping present blobs, and no secret in any error.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <thread>

#include "mlo/core/digest.hpp"
#include "store/store_fixtures.hpp"

using namespace mlo;

TEST_CASE("s3 store: a blob above the part size goes up in parallel parts", "[s3]") {
  ::setenv("MLO_S3_PART_SIZE", "8", 1);
  test::S3Fixture f;
  ::unsetenv("MLO_S3_PART_SIZE");
  std::string big(20 * (1 << 20) + 5, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 7919) % 251);
  test::write_text(f.files / "big.bin", big);
  auto first = put_blob_file(f.store, f.files / "big.bin");
  REQUIRE(first.ok());
  CHECK_FALSE(first->existed);
  CHECK(first->digest == digest_bytes(big));
  auto info = f.store.head(blob_key(first->digest));
  REQUIRE(info.ok());
  CHECK(info->size == big.size());
  CHECK_THAT(info->etag, Catch::EndsWith("-3"));  // 8 + 8 + 4 MiB
  // Streamed back with the digest checked on the way.
  Sha256 hash;
  uint64_t received = 0;
  REQUIRE(get_blob_to(f.store, first->digest, [&](const char* d, size_t n) -> Status {
            hash.update(d, n);
            received += n;
            return {};
          }).ok());
  CHECK(received == big.size());
  CHECK(hash.finish() == first->digest);
  // Present: HEAD says so, nothing is uploaded again.
  auto again = put_blob_file(f.store, f.files / "big.bin");
  REQUIRE(again.ok());
  CHECK(again->existed);
  CHECK(*f.store.list("objects/") == std::vector<std::string>{blob_key(first->digest)});
}

TEST_CASE("s3 store: list follows continuation tokens past 1000 keys", "[s3]") {
  test::S3Fixture f;
  constexpr int kKeys = 1003;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      auto s = f.another();
      for (int i = t; i < kKeys; i += 8) {
        char key[64];
        std::snprintf(key, sizeof key, "models/m/versions/%05d.yaml", i);
        if (!s->put_new(key, "x").ok()) ++failures;
      }
    });
  for (auto& th : threads) th.join();
  REQUIRE(failures == 0);
  auto keys = f.store.list("models/");
  REQUIRE(keys.ok());
  REQUIRE(keys->size() == kKeys);
  CHECK(keys->front() == "models/m/versions/00000.yaml");
  CHECK(keys->back() == "models/m/versions/01002.yaml");
  CHECK(std::is_sorted(keys->begin(), keys->end()));
  CHECK(*f.store.list_children("models/") == std::vector<std::string>{"m/"});
}

TEST_CASE("s3 store: a wrong secret fails with exit 1 and the secret appears nowhere", "[s3]") {
  test::S3Fixture f;  // creates the bucket with the right credentials
  const std::string real = std::getenv("AWS_SECRET_ACCESS_KEY");
  ::setenv("AWS_SECRET_ACCESS_KEY", "WRONGSECRETwrongsecret", 1);
  auto wrong = test::S3Fixture::open(f.url);
  ::setenv("AWS_SECRET_ACCESS_KEY", real.c_str(), 1);
  for (const Error& e :
       {wrong->get("k").error(), wrong->put_new("k", "v").error(), wrong->list("").error()}) {
    INFO(e.message);
    CHECK(e.code == ErrorCode::kRuntime);
    CHECK_THAT(e.message, Catch::Contains("403"));
    CHECK_THAT(e.message, !Catch::Contains("WRONGSECRET"));
    CHECK_THAT(e.message, !Catch::Contains(real));
    CHECK_THAT(e.message, !Catch::Contains("Signature="));
  }
}

TEST_CASE("s3 store: an unreachable endpoint is a clean kRuntime after bounded retries", "[s3]") {
  const std::string endpoint = std::getenv("MLO_S3_ENDPOINT");
  ::setenv("MLO_S3_ENDPOINT", "http://127.0.0.1:9", 1);  // discard port: nothing listens
  ::setenv("MLO_S3_MAX_ATTEMPTS", "2", 1);
  auto s = S3Store::open("s3://nowhere/x");
  ::unsetenv("MLO_S3_MAX_ATTEMPTS");
  ::setenv("MLO_S3_ENDPOINT", endpoint.c_str(), 1);
  REQUIRE(s.ok());
  auto r = (*s)->get("k");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kRuntime);
  CHECK_THAT(r.error().message, Catch::Contains("after 2 attempts"));
}

TEST_CASE("s3 store: open_writer makes a data output appear only when published", "[s3]") {
  ::setenv("MLO_S3_PART_SIZE", "8", 1);
  test::S3Fixture f;
  ::unsetenv("MLO_S3_PART_SIZE");
  std::string big(17 * (1 << 20) + 3, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 31) % 253);
  REQUIRE(f.store.put_new("out/old.csv", "old").ok());

  SECTION("multipart: three parts, complete at publish") {
    auto w = f.store.open_writer("out/old.csv");
    REQUIRE(w.ok());
    for (size_t off = 0; off < big.size(); off += 1000003)
      REQUIRE((*w)->write(big.data() + off, std::min<size_t>(1000003, big.size() - off)).ok());
    REQUIRE((*w)->prepare().ok());
    CHECK(*f.store.get("out/old.csv") == "old");  // parts are up, the object is not replaced
    CHECK(f.store.list_strays()->size() == 1);    // the upload in flight
    REQUIRE((*w)->publish().ok());
    CHECK(*f.store.get("out/old.csv") == big);
    CHECK_THAT(f.store.head("out/old.csv")->etag, Catch::EndsWith("-3"));
    CHECK(f.store.list_strays()->empty());
  }
  SECTION("dropped unpublished: the upload is aborted, the old object kept") {
    {
      auto w = f.store.open_writer("out/old.csv");
      REQUIRE(w.ok());
      REQUIRE((*w)->write(big.data(), big.size()).ok());
      CHECK(f.store.list_strays()->size() == 1);
    }
    CHECK(f.store.list_strays()->empty());
    CHECK(*f.store.get("out/old.csv") == "old");
    auto small = f.store.open_writer("out/new.csv");
    REQUIRE(small.ok());
    REQUIRE((*small)->write("abc", 3).ok());
    REQUIRE((*small)->prepare().ok());
    CHECK(f.store.head("out/new.csv").error().code == ErrorCode::kNotFound);
    REQUIRE((*small)->publish().ok());
    CHECK(*f.store.get("out/new.csv") == "abc");
  }
  CHECK_FALSE(f.store.open_writer("../x").ok());
}
