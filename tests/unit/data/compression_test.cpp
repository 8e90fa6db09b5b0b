#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "data_test_util.hpp"
#include "mlo/core/digest.hpp"
#include "mlo/data/output.hpp"

using namespace mlo;
using namespace mlo::test;

namespace {

std::string sample_csv(int rows) {
  std::string s = "id,x,cat\n";
  for (int i = 0; i < rows; ++i)
    s += std::to_string(i) + "," + std::to_string(i * 0.25) + ",\"c,\n" + std::to_string(i % 7) +
         "\"\n";
  return s;
}

Result<std::string> read_all(const std::string& path) {
  MLO_ASSIGN_OR_RETURN(InputStream in, InputStream::open(path));
  std::string out;
  char buf[777];
  for (;;) {
    MLO_ASSIGN_OR_RETURN(size_t n, in.read(buf, sizeof buf));
    if (n == 0) break;
    out.append(buf, n);
  }
  return out;
}

}  // namespace

TEST_CASE("input: gzip, zstd, xz, bzip2 detected by content and decoded") {
  TempDir dir;
  std::string plain = dir.file("d.csv");
  std::string text = sample_csv(2000);
  write_bytes(plain, text);
  auto base = parse_file(plain, 1000);
  REQUIRE(base.ok());
  for (auto [tool, ext, name] : {std::tuple{"gzip", ".gz", "gzip"},
                                 {"zstd", ".zst", "zstd"},
                                 {"xz", ".xz", "xz"},
                                 {"bzip2", ".bz2", "bzip2"}}) {
    INFO(tool);
    REQUIRE(compress_with(tool, plain));
    // Renamed without its extension: detection must not rely on the name.
    std::string renamed = dir.file(std::string("noext-") + name + ".csv");
    std::rename((plain + ext).c_str(), renamed.c_str());
    auto in = InputStream::open(renamed);
    REQUIRE(in.ok());
    CHECK(in->compression() == name);
    auto all = read_all(renamed);
    REQUIRE(all.ok());
    CHECK(*all == text);
    auto parsed = parse_file(renamed, 1000);
    REQUIRE(parsed.ok());
    CHECK(parsed->rows == base->rows);
    CHECK(parsed->lines == base->lines);
  }
}

TEST_CASE("input: raw digest is the digest of the file bytes; missing file is kNotFound") {
  TempDir dir;
  std::string path = dir.file("d.csv");
  write_bytes(path, sample_csv(100));
  REQUIRE(compress_with("gzip", path));
  auto in = InputStream::open(path + ".gz");
  REQUIRE(in.ok());
  char buf[64];
  while (*in->read(buf, sizeof buf) > 0) {
  }
  CHECK(in->raw_digest() == *digest_file(path + ".gz"));
  auto missing = InputStream::open(dir.file("nope.csv"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kNotFound);
}

TEST_CASE("input: truncated gzip is kInvalidInput") {
  TempDir dir;
  std::string path = dir.file("d.csv");
  write_bytes(path, sample_csv(5000));
  REQUIRE(compress_with("gzip", path));
  std::string gz = slurp(path + ".gz");
  write_bytes(path + ".gz", gz.substr(0, gz.size() / 2));
  auto all = read_all(path + ".gz");
  REQUIRE_FALSE(all.ok());
  CHECK(all.error().code == ErrorCode::kInvalidInput);
  CHECK(all.error().message.find("truncated or corrupt gzip data") != std::string::npos);
}

TEST_CASE("output: compression by extension round-trips through the input detector") {
  TempDir dir;
  std::string text = sample_csv(3000);
  for (auto [ext, name] : {std::pair{".csv", "none"},
                           {".csv.gz", "gzip"},
                           {".csv.zst", "zstd"},
                           {".csv.xz", "xz"},
                           {".csv.bz2", "bzip2"}}) {
    INFO(ext);
    std::string path = dir.file(std::string("out") + ext);
    auto out = OutputStream::open(path);
    REQUIRE(out.ok());
    CHECK(out->compression() == name);
    for (size_t pos = 0; pos < text.size(); pos += 1000)
      REQUIRE(out->write(std::string_view(text).substr(pos, 1000)).ok());
    REQUIRE(out->commit().ok());
    auto in = InputStream::open(path);
    REQUIRE(in.ok());
    CHECK(in->compression() == name);
    auto back = read_all(path);
    REQUIRE(back.ok());
    CHECK(*back == text);
  }
  // The system tools accept the files (no trailing padding after the compressed stream).
  CHECK(std::system(("gzip -t " + dir.file("out.csv.gz")).c_str()) == 0);
  CHECK(std::system(("zstd -q -t " + dir.file("out.csv.zst")).c_str()) == 0);
}

TEST_CASE("output: nothing appears at the target until commit; failed runs leave nothing") {
  TempDir dir;
  std::string path = dir.file("res.csv");
  {
    auto out = OutputStream::open(path);
    REQUIRE(out.ok());
    REQUIRE(out->write("a,b\n1,2\n").ok());
    struct stat st;
    CHECK(::stat(path.c_str(), &st) != 0);
  }  // destroyed without commit
  size_t entries = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path)) (void)e, ++entries;
  CHECK(entries == 0);
  write_bytes(path, "old\n");
  {
    auto out = OutputStream::open(path);
    REQUIRE(out->write("new\n").ok());
  }
  CHECK(slurp(path) == "old\n");
  auto missing_dir = OutputStream::open(dir.file("no/such/dir/out.csv"));
  REQUIRE_FALSE(missing_dir.ok());
  CHECK(missing_dir.error().code == ErrorCode::kNotFound);
}

namespace {

// Reads everything; the error (if any) must come before read() reports the end.
Status drain(const std::string& path) {
  MLO_ASSIGN_OR_RETURN(InputStream in, InputStream::open(path));
  std::vector<char> buf(1 << 16);
  for (;;) {
    MLO_ASSIGN_OR_RETURN(size_t n, in.read(buf.data(), buf.size()));
    if (n == 0) return {};
  }
}

std::string flip_byte(const std::string& bytes, size_t from_end) {
  std::string out = bytes;
  out[out.size() - from_end] = static_cast<char>(out[out.size() - from_end] ^ 0x55);
  return out;
}

}  // namespace

TEST_CASE("input: every compressed format is verified to its end (checksums, trailing bytes)") {
  TempDir dir;
  std::string plain = dir.file("v.csv");
  write_bytes(plain, sample_csv(3000));
  struct Format {
    const char* tool;
    const char* ext;
    size_t checksum_from_end;  // a byte inside the format's final checksum
  };
  // gzip: CRC-32 then ISIZE; zstd: 4-byte XXH64 content checksum; lz4: 4-byte content
  // checksum after the end mark; xz: the stream footer's CRC; bzip2: the stream CRC.
  for (auto f : {Format{"gzip", ".gz", 6}, Format{"gzip", ".gz", 2}, Format{"zstd", ".zst", 2},
                 Format{"xz", ".xz", 10}, Format{"bzip2", ".bz2", 3}, Format{"lz4", ".lz4", 2}}) {
    INFO(f.tool << " byte " << f.checksum_from_end << " from the end");
    if (std::string(f.tool) == "lz4") {
      REQUIRE(std::system(("lz4 -q -f " + plain + " " + plain + ".lz4").c_str()) == 0);
    } else {
      REQUIRE(compress_with(f.tool, plain));
    }
    const std::string good = slurp(plain + f.ext);
    REQUIRE(drain(plain + f.ext).ok());

    std::string bad = dir.file(std::string("bad") + f.ext);
    write_bytes(bad, flip_byte(good, f.checksum_from_end));
    auto st = drain(bad);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == ErrorCode::kInvalidInput);
    CHECK(st.error().message.rfind(bad + ": truncated or corrupt ", 0) == 0);

    write_bytes(bad, good + "garbage after the end");
    st = drain(bad);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == ErrorCode::kInvalidInput);
    CHECK(st.error().message.rfind(bad + ": ", 0) == 0);

    write_bytes(bad, good.substr(0, good.size() - 5));  // truncated
    st = drain(bad);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == ErrorCode::kInvalidInput);
  }
}

TEST_CASE("input: concatenated gzip members are one stream") {
  TempDir dir;
  std::string a = dir.file("a.csv"), b = dir.file("b.csv");
  write_bytes(a, "x,y\n1,2\n");
  write_bytes(b, "3,4\n");
  REQUIRE(compress_with("gzip", a));
  REQUIRE(compress_with("gzip", b));
  std::string both = dir.file("both.csv.gz");
  write_bytes(both, slurp(a + ".gz") + slurp(b + ".gz"));
  auto all = read_all(both);
  REQUIRE(all.ok());
  CHECK(*all == "x,y\n1,2\n3,4\n");
}
