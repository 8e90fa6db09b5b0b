#include <catch2/catch.hpp>

#include <cmath>

#include "data_test_util.hpp"
#include "mlo/data/rows.hpp"

using namespace mlo;
using namespace mlo::test;

namespace {

Parsed must_parse(const std::string& path, size_t chunk, OnBadRow mode = OnBadRow::kFail) {
  auto r = parse_file(path, chunk, mode);
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("csv: quotes, embedded delimiters, doubled quotes, CRLF") {
  TempDir dir;
  std::string path = dir.file("a.csv");
  write_bytes(path,
              "id,name,note\r\n1,\"Smith, J\",\"said \"\"hi\"\"\"\r\n2,plain,\r\n3,\"\",x\r\n");
  for (size_t chunk : {64, 5, 1}) {
    Parsed p = must_parse(path, chunk);
    REQUIRE(p.header == std::vector<std::string>{"id", "name", "note"});
    REQUIRE(p.rows.size() == 3);
    CHECK(p.rows[0] == std::vector<std::string>{"1", "Smith, J", "said \"hi\""});
    CHECK(p.rows[1] == std::vector<std::string>{"2", "plain", ""});
    CHECK(p.rows[2] == std::vector<std::string>{"3", "", "x"});
    CHECK(p.lines == std::vector<uint64_t>{2, 3, 4});
  }
}

TEST_CASE("csv: embedded newlines survive every chunk boundary") {
  TempDir dir;
  std::string path = dir.file("nl.csv");
  std::string text = "a,b\n";
  for (int i = 0; i < 50; ++i) text += std::to_string(i) + ",\"line1\nline2, \"\"q\"\"\nline3\"\n";
  text += "last,\"x\"";  // no final newline
  write_bytes(path, text);
  // Chunk sizes smaller than a row, equal-ish and larger: the cut must never fall inside quotes.
  for (size_t chunk : {64, 7, 13, 31, 100, 4096}) {
    Parsed p = must_parse(path, chunk);
    REQUIRE(p.rows.size() == 51);
    for (int i = 0; i < 50; ++i) {
      CHECK(p.rows[static_cast<size_t>(i)][0] == std::to_string(i));
      CHECK(p.rows[static_cast<size_t>(i)][1] == "line1\nline2, \"q\"\nline3");
      CHECK(p.lines[static_cast<size_t>(i)] == static_cast<uint64_t>(2 + 3 * i));
      CHECK(p.row_ids[static_cast<size_t>(i)] == static_cast<uint64_t>(i));
    }
    CHECK(p.rows[50] == std::vector<std::string>{"last", "x"});
    CHECK(p.lines[50] == 152);
  }
}

TEST_CASE("csv: ragged rows fail with the line number, or are skipped and counted") {
  TempDir dir;
  std::string path = dir.file("r.csv");
  write_bytes(path, "a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n");
  auto r = parse_file(path, 8);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kInvalidInput);
  CHECK(r.error().message == "line 3: expected 3 fields, got 2");
  Parsed p = must_parse(path, 8, OnBadRow::kSkip);
  CHECK(p.rows.size() == 2);
  CHECK(p.bad == 2);
  CHECK(p.first_bad == "line 3: expected 3 fields, got 2");
  CHECK(p.row_ids == std::vector<uint64_t>{0, 2});
}

TEST_CASE("csv: unterminated quote and text after a closing quote are errors") {
  TempDir dir;
  std::string path = dir.file("q.csv");
  write_bytes(path, "a,b\n1,\"open\n");
  auto r = parse_file(path, 1024);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message ==
        "line 2: quoted field opened here is never closed (unterminated quote)");
  // Structural under every mode: skipping would silently drop the rest of the file.
  write_bytes(path, "a,b\n1,2\n3,\"open\n4,5\n6,7\n");
  for (size_t chunk : {16u, 1024u}) {
    r = parse_file(path, chunk, OnBadRow::kSkip);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInvalidInput);
    CHECK(r.error().message ==
          "line 3: quoted field opened here is never closed (unterminated quote)");
  }
  // The line named is where the field opened, not where the row did.
  write_bytes(path, "a,b\n1,\"x\ny\"\n\"p\nq\",\"open\nrest\n");
  r = parse_file(path, 1024, OnBadRow::kSkip);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message ==
        "line 5: quoted field opened here is never closed (unterminated quote)");
  write_bytes(path, "a,b\n1,\"x\"y\n");
  r = parse_file(path, 1024);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "line 2: unexpected text after a closing quote");
}

TEST_CASE("csv: header only is zero rows; empty input is detected") {
  TempDir dir;
  std::string path = dir.file("h.csv");
  write_bytes(path, "a,b\n");
  Parsed p = must_parse(path, 16);
  CHECK(p.header.size() == 2);
  CHECK(p.rows.empty());
  write_bytes(path, "a,b");  // no newline at all
  CHECK(must_parse(path, 16).rows.empty());
  write_bytes(path, "");
  auto r = parse_file(path, 16);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "empty input");
}

TEST_CASE("csv: header validation: duplicates, empty names, binary data, BOM") {
  CHECK_FALSE(parse_csv_header("a,b,a").ok());
  CHECK(parse_csv_header("a,b,a").error().message == "line 1 (header): duplicate column 'a'");
  CHECK_FALSE(parse_csv_header("a,,b").ok());
  CHECK_FALSE(parse_csv_header(std::string_view("a\0b", 3)).ok());
  TempDir dir;
  std::string path = dir.file("bom.csv");
  write_bytes(path, "\xEF\xBB\xBFid,x\n1,2\n");
  CHECK(must_parse(path, 1024).header[0] == "id");
}

TEST_CASE("csv: blank lines are skipped but keep row numbering") {
  TempDir dir;
  std::string path = dir.file("b.csv");
  write_bytes(path, "a,b\n1,2\n\n3,4\n");
  Parsed p = must_parse(path, 1024);
  REQUIRE(p.rows.size() == 2);
  CHECK(p.lines == std::vector<uint64_t>{2, 4});
}

TEST_CASE("rows: missing tokens and number parsing") {
  for (const char* t : {"", "NA", "NaN", "null", "nan"}) CHECK(is_missing_token(t));
  for (const char* t : {"na", "N/A", "0", "NULL "}) CHECK_FALSE(is_missing_token(t));
  float v = 0;
  CHECK(parse_float_field("1.5", v));
  CHECK(v == 1.5f);
  CHECK(parse_float_field(" +2e3 ", v));
  CHECK(v == 2000.0f);
  CHECK(parse_float_field("-0.1", v));
  CHECK(v == -0.1f);
  CHECK(parse_float_field("NA", v));
  CHECK(std::isnan(v));
  for (const char* bad : {"1.5x", "abc", "0x10", "1,5", "+", "+-1", "--1"}) {
    INFO(bad);
    CHECK_FALSE(parse_float_field(bad, v));
  }
  // Rounded through double like pandas + XGBoost: 0.1 as double, then to float.
  CHECK(parse_float_field("0.1000000000000000055511151231257827", v));
  CHECK(v == static_cast<float>(0.1));
}

TEST_CASE("csv: writer quoting round-trips through the reader") {
  std::string line;
  append_csv_field(line, "plain");
  line += ',';
  append_csv_field(line, "a,b");
  line += ',';
  append_csv_field(line, "say \"x\"\nnext");
  CHECK(line == "plain,\"a,b\",\"say \"\"x\"\"\nnext\"");
  TempDir dir;
  std::string path = dir.file("w.csv");
  write_bytes(path, "a,b,c\n" + line + "\n");
  Parsed p = must_parse(path, 3);
  REQUIRE(p.rows.size() == 1);
  CHECK(p.rows[0] == std::vector<std::string>{"plain", "a,b", "say \"x\"\nnext"});
}

TEST_CASE("rows: the decimal fast path agrees with strtod for random numbers") {
  uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (int i = 0; i < 200000; ++i) {
    std::string text = (next() % 4 == 0 ? "-" : "") + std::to_string(next() % 100000000);
    int decimals = static_cast<int>(next() % 9);
    if (decimals)
      text += "." + std::to_string(next() % 1000000000).substr(0, static_cast<size_t>(decimals));
    float got = 0;
    REQUIRE(parse_float_field(text, got));
    float want = static_cast<float>(std::strtod(text.c_str(), nullptr));
    if (got != want) FAIL(text);
  }
}
