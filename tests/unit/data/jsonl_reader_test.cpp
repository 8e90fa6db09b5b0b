#include <catch2/catch.hpp>

#include "data_test_util.hpp"

using namespace mlo;
using namespace mlo::test;

TEST_CASE("jsonl: columns from the first object, nulls, escapes, missing keys") {
  TempDir dir;
  std::string path = dir.file("a.jsonl");
  write_bytes(path,
              "\n{\"id\": 1, \"x\": 2.5, \"s\": \"a\\\"b\\u00e9\"}\n"
              "{\"x\": null, \"id\": 2, \"extra\": [1]}\n");
  auto r = parse_file(path, 1024);
  // "extra" holds an array: an error even though the key is ignored.
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "line 3: nested objects and arrays are not supported");
  write_bytes(path,
              "\n{\"id\": 1, \"x\": 2.5, \"s\": \"a\\\"b\\u00e9\"}\n"
              "{\"x\": null, \"id\": 2, \"extra\": 3}\n"
              "{\"id\": -3e2, \"s\": \"\", \"x\": true}");
  for (size_t chunk : {1024, 8}) {
    auto p = parse_file(path, chunk);
    REQUIRE(p.ok());
    CHECK(p->header == std::vector<std::string>{"id", "x", "s"});
    REQUIRE(p->rows.size() == 3);
    CHECK(p->rows[0] == std::vector<std::string>{"1", "2.5", "a\"b\xC3\xA9"});
    CHECK(p->rows[1] == std::vector<std::string>{"2", "", ""});
    CHECK(p->rows[2] == std::vector<std::string>{"-3e2", "true", ""});
    CHECK(p->lines == std::vector<uint64_t>{2, 3, 4});
  }
}

TEST_CASE("jsonl: malformed lines fail with the line number or are skipped") {
  TempDir dir;
  std::string path = dir.file("b.jsonl");
  write_bytes(path, "{\"a\": 1}\n{\"a\": 2\n[1,2]\n{\"a\": 4}\n");
  auto r = parse_file(path, 1024);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "line 2: expected ',' or '}'");
  auto p = parse_file(path, 1024, OnBadRow::kSkip);
  REQUIRE(p.ok());
  CHECK(p->rows.size() == 2);
  CHECK(p->bad == 2);
}

TEST_CASE("jsonl: string escaping for output") {
  std::string out;
  append_json_string(out, "a\"b\\c\n\x01");
  CHECK(out == "\"a\\\"b\\\\c\\u000a\\u0001\"");
}

TEST_CASE("jsonl: strict RFC 8259 numbers and strings, under every bad-row mode's rules") {
  TempDir dir;
  std::string path = dir.file("s.jsonl");
  struct Case {
    const char* value;
    const char* why;
  };
  for (auto [value, why] :
       {Case{"01", "number with a leading zero"}, Case{"-01.5", "number with a leading zero"},
        Case{".5", "expected a value"}, Case{"+1", "expected a value"},
        Case{"1.", "number without digits after '.'"},
        Case{"1e", "number without digits in its exponent"},
        Case{"1e999", "number too large for a double"},
        Case{"-1e400", "number too large for a double"}, Case{"NaN", "expected a value"},
        Case{"\"\\ud800\"", "lone high surrogate in a \\u escape"},
        Case{"\"\\udc00x\"", "lone low surrogate in a \\u escape"},
        Case{"\"a\xff\"", "invalid UTF-8 in a string"},
        Case{"\"\\n\xc0\xaf\"", "invalid UTF-8 in a string"}}) {
    INFO(value);
    write_bytes(path, std::string("{\"a\": 1}\n{\"a\": ") + value + "}\n");
    auto r = parse_file(path, 1024);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kInvalidInput);
    CHECK(r.error().message == std::string("line 2: ") + why);
  }
  write_bytes(path,
              "{\"a\": 0, \"b\": -0.5e-3, \"c\": 1E+2, \"d\": \"\\ud83d\\ude00 \xc3\xa9\", \"e\": "
              "1e-400}\n");
  auto ok = parse_file(path, 1024);
  REQUIRE(ok.ok());
  REQUIRE(ok->rows.size() == 1);
  CHECK(ok->rows[0][1] == "-0.5e-3");
  CHECK(ok->rows[0][3] == "\xf0\x9f\x98\x80 \xc3\xa9");
}
