#include <catch2/catch.hpp>

#include <zlib.h>  // prototypes only: zlib is opened through the table, not called directly

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "mlo/core/archive_api.hpp"
#include "mlo/core/curl_api.hpp"
#include "mlo/core/lazy_library.hpp"

using namespace mlo;

namespace {

#define TEST_ZLIB_FUNCTIONS(X) X(zlibVersion) X(crc32)
struct ZlibApi {
  TEST_ZLIB_FUNCTIONS(MLO_LAZY_FIELD)
};
ZlibApi api;  // MLO_LAZY_SLOT binds into `api`

Status bind_zlib(const LibrarySymbols& symbols) {
  return symbols.resolve_all({TEST_ZLIB_FUNCTIONS(MLO_LAZY_SLOT)});
}

}  // namespace

TEST_CASE("LazyLibrary opens a library on first use and binds a typed table") {
  LazyLibrary zlib({"zlib library", "libz.so.1", nullptr}, bind_zlib);
  REQUIRE(zlib.load().ok());
  CHECK(std::string(api.zlibVersion()) == ZLIB_VERSION);
  const char text[] = "hello";
  CHECK(api.crc32(0, reinterpret_cast<const Bytef*>(text), 5) == 0x3610a686u);
  CHECK(zlib.load().ok());  // kept
}

TEST_CASE("A missing library is one kRuntime error naming the file, kept for every call") {
  int binds = 0;
  LazyLibrary missing({"test library", "libmlo-no-such-library.so.0", nullptr},
                      [&](const LibrarySymbols&) -> Status {
                        ++binds;
                        return {};
                      });
  Status first = missing.load();
  REQUIRE_FALSE(first.ok());
  CHECK(first.error().code == ErrorCode::kRuntime);
  CHECK(first.error().message.rfind(
            "test library libmlo-no-such-library.so.0 could not be loaded: ", 0) == 0);
  CHECK(first.error().message.find("No such file") != std::string::npos);
  Status second = missing.load();
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().message == first.error().message);
  CHECK(binds == 0);
}

TEST_CASE("A missing symbol fails the whole load") {
  LazyLibrary old_zlib({"zlib library", "libz.so.1", nullptr}, [](const LibrarySymbols& s) {
    return s.resolve_all({SymbolSlot{"mlo_no_such_symbol", [](void*) {}}});
  });
  Status st = old_zlib.load();
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code == ErrorCode::kRuntime);
  CHECK(st.error().message.rfind("zlib library libz.so.1 lacks mlo_no_such_symbol: ", 0) == 0);
}

TEST_CASE("The override variable replaces the soname when set and not empty") {
  const LazyLibrarySpec spec{"test library", "libz.so.1", "MLO_TEST_LAZY_LIBRARY"};
  unsetenv("MLO_TEST_LAZY_LIBRARY");
  CHECK(library_file(spec) == "libz.so.1");
  setenv("MLO_TEST_LAZY_LIBRARY", "", 1);
  CHECK(library_file(spec) == "libz.so.1");
  setenv("MLO_TEST_LAZY_LIBRARY", "/nonexistent/libz.so.1", 1);
  CHECK(library_file(spec) == "/nonexistent/libz.so.1");
  LazyLibrary overridden(spec, bind_zlib);
  Status st = overridden.load();
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message.rfind("test library /nonexistent/libz.so.1 could not be loaded", 0) ==
        0);
  unsetenv("MLO_TEST_LAZY_LIBRARY");
  CHECK(library_file(LazyLibrarySpec{"x", "libx.so", nullptr}) == "libx.so");
}

TEST_CASE("Concurrent first calls open and bind exactly once") {
  std::atomic<int> binds{0};
  LazyLibrary zlib({"zlib library", "libz.so.1", nullptr}, [&](const LibrarySymbols& s) {
    ++binds;
    return bind_zlib(s);
  });
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) threads.emplace_back([&] { ok += zlib.load().ok() ? 1 : 0; });
  for (auto& t : threads) t.join();
  CHECK(binds == 1);
  CHECK(ok == 8);
}

TEST_CASE("libcurl's table loads once and its typed setopt refuses a value of the wrong type") {
  auto loaded = curl_api();
  REQUIRE(loaded.ok());
  auto again = curl_api();
  REQUIRE(again.ok());
  CHECK(*again == *loaded);
  const CurlApi& c = **loaded;
  CURL* h = c.curl_easy_init();
  REQUIRE(h != nullptr);
  CHECK(c.setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK);
  CHECK(c.setopt(h, CURLOPT_URL, "http://127.0.0.1:9/") == CURLE_OK);
  CHECK(c.setopt_off(h, CURLOPT_INFILESIZE_LARGE, curl_off_t{10}) == CURLE_OK);
  auto discard = [](char*, size_t size, size_t n, void*) -> size_t { return size * n; };
  CHECK(c.setopt(h, CURLOPT_WRITEFUNCTION, +discard) == CURLE_OK);
  CHECK(c.setopt(h, CURLOPT_URL, 1L) == CURLE_BAD_FUNCTION_ARGUMENT);
  CHECK(c.setopt(h, CURLOPT_NOSIGNAL, "1") == CURLE_BAD_FUNCTION_ARGUMENT);
  CHECK(c.setopt_off(h, CURLOPT_TIMEOUT, curl_off_t{1}) == CURLE_BAD_FUNCTION_ARGUMENT);
  CHECK(c.setopt(h, CURLOPT_URL, +discard) == CURLE_BAD_FUNCTION_ARGUMENT);
  long code = -1;
  CHECK(c.getinfo(h, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK);
  CHECK(code == 0);
  CHECK(c.getinfo(h, CURLINFO_EFFECTIVE_URL, &code) == CURLE_BAD_FUNCTION_ARGUMENT);
  c.curl_easy_cleanup(h);
  auto version = curl_library_version();
  REQUIRE(version.ok());
  CHECK(*version == curl_build_version());
}

TEST_CASE("libarchive's table loads and is the version of the headers") {
  auto loaded = archive_api();
  REQUIRE(loaded.ok());
  archive* a = (*loaded)->archive_write_new();
  REQUIRE(a != nullptr);
  CHECK((*loaded)->archive_write_add_filter_zstd(a) == ARCHIVE_OK);
  (*loaded)->archive_write_free(a);
  auto version = archive_library_version();
  REQUIRE(version.ok());
  CHECK(*version == archive_build_version());
}
