#include "mlo/data/chunk_pipeline.hpp"

#include <catch2/catch.hpp>

#include <numeric>

#include "data_test_util.hpp"

using namespace mlo;
using namespace mlo::test;

namespace {

// "id\n0\n1\n...": a file of `rows` integers, read in chunks of ~64 bytes (many chunks).
std::string numbers_file(const TempDir& dir, int rows) {
  std::string text = "id\n";
  for (int i = 0; i < rows; ++i) text += std::to_string(i) + "\n";
  const std::string path = dir.file("n.csv");
  write_bytes(path, text);
  return path;
}

struct Sum {
  RowBlock block;
  uint64_t sum = 0;  // of this chunk's ids
};

struct Outcome {
  Status status;
  std::vector<uint64_t> consumed;  // chunk indexes in consume order
  uint64_t total = 0;
};

// Sums the ids: work parses and sums a chunk, consume records its index. fail_work/fail_consume
// make that chunk's step fail.
Outcome run(const std::string& path, size_t workers, uint64_t fail_work = UINT64_MAX,
            uint64_t fail_consume = UINT64_MAX) {
  Outcome o;
  auto in = InputStream::open(path);
  REQUIRE(in.ok());
  ChunkReader reader(*in, format_from_path(path), 64);
  REQUIRE(reader.first_row().ok());
  o.status = for_each_chunk_ordered<Sum>(
      reader, workers,
      [&](const Chunk& chunk, Sum& s) -> Status {
        if (chunk.index == fail_work) return make_error(ErrorCode::kInvalidInput, "work failed");
        MLO_TRY(parse_csv_chunk(chunk, 1, OnBadRow::kFail, s.block));
        s.sum = 0;
        for (size_t r = 0; r < s.block.rows(); ++r)
          s.sum += std::stoull(std::string(s.block.at(r, 0)));
        return {};
      },
      [&](const Chunk& chunk, Sum& s) -> Status {
        if (chunk.index == fail_consume) return make_error(ErrorCode::kRuntime, "consume failed");
        o.consumed.push_back(chunk.index);
        o.total += s.sum;
        return {};
      });
  return o;
}

std::vector<uint64_t> first_n(uint64_t n) {
  std::vector<uint64_t> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

}  // namespace

TEST_CASE("for_each_chunk_ordered: every chunk consumed once, in order, for any worker count") {
  TempDir dir;
  const std::string path = numbers_file(dir, 5000);
  const Outcome serial = run(path, 1);
  REQUIRE(serial.status.ok());
  REQUIRE(serial.consumed.size() > 100);  // really many chunks
  CHECK(serial.consumed == first_n(serial.consumed.size()));
  CHECK(serial.total == 4999ull * 5000 / 2);
  for (size_t workers : {2, 3, 4, 8}) {
    const Outcome o = run(path, workers);
    REQUIRE(o.status.ok());
    CHECK(o.consumed == serial.consumed);
    CHECK(o.total == serial.total);
  }
}

TEST_CASE("for_each_chunk_ordered: the first error in chunk order stops the loop") {
  TempDir dir;
  const std::string path = numbers_file(dir, 5000);
  for (size_t workers : {1, 2, 4}) {
    const Outcome w = run(path, workers, /*fail_work=*/7);
    REQUIRE_FALSE(w.status.ok());
    CHECK(w.status.error().message == "work failed");
    CHECK(w.consumed == first_n(7));  // the chunks before it, none after

    const Outcome c = run(path, workers, UINT64_MAX, /*fail_consume=*/3);
    REQUIRE_FALSE(c.status.ok());
    CHECK(c.status.error().message == "consume failed");
    CHECK(c.consumed == first_n(3));

    // Both fail: the work error of chunk 2 comes first in chunk order.
    const Outcome both = run(path, workers, 2, 5);
    REQUIRE_FALSE(both.status.ok());
    CHECK(both.status.error().message == "work failed");
  }
}

TEST_CASE("for_each_chunk_ordered: a read error comes after the chunks read before it") {
  TempDir dir;
  const std::string path = numbers_file(dir, 20000);
  REQUIRE(compress_with("gzip", path));
  const std::string gz = slurp(path + ".gz");
  write_bytes(path + ".gz", gz.substr(0, gz.size() / 2));  // truncated
  for (size_t workers : {1, 2, 4}) {
    const Outcome o = run(path + ".gz", workers);
    REQUIRE_FALSE(o.status.ok());
    CHECK(o.status.error().code == ErrorCode::kInvalidInput);
    REQUIRE_FALSE(o.consumed.empty());  // the readable first half was consumed, in order
    CHECK(o.consumed == first_n(o.consumed.size()));
  }
}
