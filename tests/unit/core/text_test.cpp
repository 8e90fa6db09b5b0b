#include <catch2/catch.hpp>

#include "mlo/core/text.hpp"

using namespace mlo;

TEST_CASE("text: UTF-8 validation rejects overlongs, surrogates, truncation") {
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
  CHECK_FALSE(is_valid_utf8("\xff"));
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate U+D800
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xe2\x82"));          // truncated
}

TEST_CASE("text: quote_value bounds and escapes a value for an error message") {
  CHECK(quote_value("abc") == "'abc'");
  CHECK(quote_value("a\nb\x01\x7f") == "'a\\nb\\x01\\x7f'");
  CHECK(quote_value("bad \xff byte") == "'bad \\xff byte'");
  CHECK(quote_value("it's") == "'it\\'s'");
  const std::string big(10000, 'x');
  const std::string q = quote_value(big);
  CHECK(q == "'" + std::string(80, 'x') + "'... (10000 bytes)");
  // Never cuts a character in half.
  const std::string euros = std::string(79, 'x') + "\xe2\x82\xac";
  CHECK(quote_value(euros) == "'" + std::string(79, 'x') + "'... (82 bytes)");
  CHECK(escape_text("line\nbreak \x1b[31m") == "line\\nbreak \\x1b[31m");
}

TEST_CASE("text: JSON strings are always valid JSON") {
  std::string out;
  append_json_string(out, "a\"\\\n\xc3\xa9\xff");
  CHECK(out == "\"a\\\"\\\\\\u000a\xc3\xa9\\ufffd\"");
}
