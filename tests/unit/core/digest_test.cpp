#include <catch2/catch.hpp>

#include "core/temp_dir.hpp"
#include "mlo/core/digest.hpp"

using namespace mlo;

namespace {
constexpr const char* kEmpty =
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kAbc =
    "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
}  // namespace

TEST_CASE("digest: known SHA-256 vectors") {
  CHECK(digest_bytes("") == kEmpty);
  CHECK(digest_bytes("abc") == kAbc);
  CHECK(digest_bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("digest: streaming in pieces equals one shot") {
  std::string data(3'000'001, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 131 % 251);
  Sha256 h;
  for (size_t off = 0; off < data.size(); off += 7919)
    h.update(std::string_view(data).substr(off, 7919));
  CHECK(h.finish() == digest_bytes(data));
}

TEST_CASE("digest: digest_file matches digest_bytes, missing file is kNotFound") {
  test::TempDir dir;
  test::write_text(dir / "f", "abc");
  auto d = digest_file(dir / "f");
  REQUIRE(d.ok());
  CHECK(*d == kAbc);
  auto missing = digest_file(dir / "nope");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kNotFound);
}

TEST_CASE("digest: is_valid_digest") {
  CHECK(is_valid_digest(kAbc));
  CHECK_FALSE(is_valid_digest("sha256:"));
  CHECK_FALSE(
      is_valid_digest("md5:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  CHECK_FALSE(
      is_valid_digest("sha256:BA7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  CHECK_FALSE(
      is_valid_digest("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a"));
}
