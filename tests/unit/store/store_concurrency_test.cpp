// Racing writers: put_new has exactly one winner, put_if never loses an update. Each thread
// uses its own store handle, as separate processes would.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "mlo/core/digest.hpp"
#include "store/store_fixtures.hpp"

using namespace mlo;
using test::LocalFixture;
using test::MemoryFixture;

namespace {

constexpr const char* kCounter = "models/m/aliases/counter.yaml";

// Reads the counter and writes counter+1 with put_if, retrying on kConflict. The etag is read
// before the bytes: if the bytes are newer than the etag, put_if fails and the loop retries.
Status increment(Store& s, const std::string& key) {
  for (;;) {
    auto info = s.head(key);
    if (!info.ok()) return info.error();
    auto bytes = s.get(key);
    if (!bytes.ok()) return bytes.error();
    auto put = s.put_if(key, std::to_string(std::stoi(*bytes) + 1), info->etag);
    if (put.ok()) return {};
    if (put.error().code != ErrorCode::kConflict) return put;
  }
}

}  // namespace

TEMPLATE_TEST_CASE("store concurrency: 8 threads put_new the same key, exactly one wins", "",
                   MLO_STORE_BACKENDS) {
  TestType f;
  for (int round = 0; round < 5; ++round) {
    const std::string key = "models/m/versions/" + std::to_string(round) + ".yaml";
    std::atomic<int> wins{0}, conflicts{0}, other{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        auto store = f.another();
        auto s = store->put_new(key, "writer " + std::to_string(t));
        if (s.ok())
          ++wins;
        else if (s.error().code == ErrorCode::kConflict)
          ++conflicts;
        else
          ++other;
      });
    }
    for (auto& th : threads) th.join();
    CHECK(wins == 1);
    CHECK(conflicts == 7);
    CHECK(other == 0);
    CHECK_THAT(*f.store.get(key), Catch::StartsWith("writer "));
  }
  CHECK(f.store.list("")->size() == 5);  // no temp files listed or left as keys
}

TEMPLATE_TEST_CASE("store concurrency: 8 threads x N put_if increments lose no update", "",
                   MLO_STORE_BACKENDS) {
  TestType f;
  REQUIRE(f.store.put_if(kCounter, "0", "").ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      auto store = f.another();
      for (int i = 0; i < TestType::kScale; ++i)
        if (!increment(*store, kCounter).ok()) ++failures;
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  CHECK(*f.store.get(kCounter) == std::to_string(8 * TestType::kScale));
  CHECK(*f.store.list("") == std::vector<std::string>{kCounter});
}

TEST_CASE("store concurrency: local put_if is safe across processes") {
  LocalFixture f;
  REQUIRE(f.store.put_if(kCounter, "0", "").ok());
  constexpr int kProcs = 4, kEach = 25;
  std::vector<pid_t> pids;
  for (int p = 0; p < kProcs; ++p) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      LocalStore store(f.root);
      int bad = 0;
      for (int i = 0; i < kEach; ++i) bad += increment(store, kCounter).ok() ? 0 : 1;
      ::_exit(bad == 0 ? 0 : 1);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  CHECK(*f.store.get(kCounter) == std::to_string(kProcs * kEach));
}

TEMPLATE_TEST_CASE("store concurrency: racing put_blob of the same bytes", "", MLO_STORE_BACKENDS) {
  TestType f;
  std::string bytes(200'000, 'b');
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      auto store = f.another();
      if (put_blob_bytes(*store, bytes).ok()) ++ok;
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok == 8);
  CHECK(*get_blob(f.store, digest_bytes(bytes)) == bytes);
  CHECK(f.store.list("")->size() == 1);
}
