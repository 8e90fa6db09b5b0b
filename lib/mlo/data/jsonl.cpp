#include "mlo/data/jsonl.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "mlo/core/text.hpp"

namespace mlo {

namespace {

struct Cursor {
  const char* p;
  const char* end;
  const char* error = nullptr;

  void ws() {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r')) ++p;
  }
  bool eat(char c) {
    ws();
    if (p < end && *p == c) {
      ++p;
      return true;
    }
    return false;
  }
  bool fail(const char* why) {
    if (!error) error = why;
    return false;
  }
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool read_hex4(Cursor& c, unsigned& out) {
  if (c.end - c.p < 4) return false;
  out = 0;
  for (int i = 0; i < 4; ++i) {
    int v = hex_value(c.p[i]);
    if (v < 0) return false;
    out = out * 16 + static_cast<unsigned>(v);
  }
  c.p += 4;
  return true;
}

void append_utf8(std::string& s, unsigned cp) {
  if (cp < 0x80) {
    s.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    s.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    s.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// A string literal at c.p (opening quote included). Views into the line when there are no
// escapes, else into `scratch` (reserved by the caller: unescaping never grows a string).
bool read_string(Cursor& c, std::string& scratch, std::string_view& out) {
  c.ws();
  if (c.p >= c.end || *c.p != '"') return c.fail("expected a string");
  const char* start = ++c.p;
  const char* q = c.p;
  bool ascii = true;
  while (q < c.end && *q != '"' && *q != '\\') {
    if (static_cast<unsigned char>(*q) < 0x20) return c.fail("control character in a string");
    ascii = ascii && static_cast<unsigned char>(*q) < 0x80;
    ++q;
  }
  if (!ascii && !is_valid_utf8(std::string_view(start, static_cast<size_t>(q - start))))
    return c.fail("invalid UTF-8 in a string");
  if (q < c.end && *q == '"') {
    out = std::string_view(start, static_cast<size_t>(q - start));
    c.p = q + 1;
    return true;
  }
  size_t begin = scratch.size();
  scratch.append(start, static_cast<size_t>(q - start));
  c.p = q;
  while (c.p < c.end && *c.p != '"') {
    char ch = *c.p++;
    if (static_cast<unsigned char>(ch) < 0x20) return c.fail("control character in a string");
    if (static_cast<unsigned char>(ch) >= 0x80) {
      const size_t at = static_cast<size_t>(c.p - 1 - start);
      const size_t n = utf8_sequence_length(std::string_view(start, static_cast<size_t>(c.end - start)), at);
      if (n == 0) return c.fail("invalid UTF-8 in a string");
      scratch.append(c.p - 1, n);
      c.p += n - 1;
      continue;
    }
    if (ch != '\\') {
      scratch.push_back(ch);
      continue;
    }
    if (c.p >= c.end) break;
    char e = *c.p++;
    switch (e) {
      case '"':
        scratch.push_back('"');
        break;
      case '\\':
        scratch.push_back('\\');
        break;
      case '/':
        scratch.push_back('/');
        break;
      case 'b':
        scratch.push_back('\b');
        break;
      case 'f':
        scratch.push_back('\f');
        break;
      case 'n':
        scratch.push_back('\n');
        break;
      case 'r':
        scratch.push_back('\r');
        break;
      case 't':
        scratch.push_back('\t');
        break;
      case 'u': {
        unsigned cp = 0;
        if (!read_hex4(c, cp)) return c.fail("bad \\u escape");
        if (cp >= 0xDC00 && cp < 0xE000) return c.fail("lone low surrogate in a \\u escape");
        if (cp >= 0xD800 && cp < 0xDC00) {
          if (!(c.end - c.p >= 6 && c.p[0] == '\\' && c.p[1] == 'u'))
            return c.fail("lone high surrogate in a \\u escape");
          c.p += 2;
          unsigned lo = 0;
          if (!read_hex4(c, lo) || lo < 0xDC00 || lo >= 0xE000) return c.fail("bad surrogate pair");
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        append_utf8(scratch, cp);
        break;
      }
      default:
        return c.fail("bad escape in a string");
    }
  }
  if (c.p >= c.end) return c.fail("unterminated string");
  ++c.p;
  out = std::string_view(scratch.data() + begin, scratch.size() - begin);
  return true;
}

bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

// An RFC 8259 number at c.p: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, finite as a double
// (1e999 would silently become inf). Leading zeros, ".5", "+1", "1." and "NaN" are rejected.
bool read_number(Cursor& c) {
  const char* start = c.p;
  const char* p = c.p;
  auto digits = [&] {
    const char* from = p;
    while (p < c.end && is_digit(*p)) ++p;
    return p > from;
  };
  if (p < c.end && *p == '-') ++p;
  if (p < c.end && *p == '0') {
    ++p;
    if (p < c.end && is_digit(*p)) return c.fail("number with a leading zero");
  } else if (!digits()) {
    return c.fail("expected a value");
  }
  if (p < c.end && *p == '.') {
    ++p;
    if (!digits()) return c.fail("number without digits after '.'");
  }
  if (p < c.end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p < c.end && (*p == '+' || *p == '-')) ++p;
    if (!digits()) return c.fail("number without digits in its exponent");
  }
  if (p < c.end && (*p == '.' || *p == 'e' || *p == 'E' || *p == '+' || *p == '-'))
    return c.fail("malformed number");
  const std::string text(start, static_cast<size_t>(p - start));
  errno = 0;
  const double v = std::strtod(text.c_str(), nullptr);
  if (errno == ERANGE && v != 0.0) return c.fail("number too large for a double");
  c.p = p;
  return true;
}

// A scalar value: numbers keep their source text, null is missing (empty view).
bool read_value(Cursor& c, std::string& scratch, std::string_view& out) {
  c.ws();
  if (c.p >= c.end) return c.fail("expected a value");
  char ch = *c.p;
  if (ch == '"') return read_string(c, scratch, out);
  if (ch == '{' || ch == '[') return c.fail("nested objects and arrays are not supported");
  auto word = [&](std::string_view w) {
    if (static_cast<size_t>(c.end - c.p) >= w.size() && std::memcmp(c.p, w.data(), w.size()) == 0) {
      c.p += w.size();
      return true;
    }
    return false;
  };
  if (word("null")) {
    out = {};
    return true;
  }
  const char* start = c.p;
  if (word("true") || word("false")) {
    out = std::string_view(start, static_cast<size_t>(c.p - start));
    return true;
  }
  if (!read_number(c)) return false;
  out = std::string_view(start, static_cast<size_t>(c.p - start));
  return true;
}

// Parses `{"k": v, ...}`; calls on_pair(key, value) for each member.
template <typename OnPair>
bool parse_object(Cursor& c, std::string& scratch, OnPair on_pair) {
  if (!c.eat('{')) return c.fail("expected '{' (one JSON object per line)");
  if (c.eat('}')) return true;
  for (;;) {
    std::string_view key, value;
    if (!read_string(c, scratch, key)) return false;
    if (!c.eat(':')) return c.fail("expected ':'");
    if (!read_value(c, scratch, value)) return false;
    on_pair(key, value);
    if (c.eat(',')) continue;
    if (c.eat('}')) break;
    return c.fail("expected ',' or '}'");
  }
  c.ws();
  if (c.p != c.end) return c.fail("text after the object");
  return true;
}

}  // namespace

Result<std::vector<std::string>> parse_jsonl_header(std::string_view first_line) {
  if (std::memchr(first_line.data(), '\0', first_line.size()))
    return make_error(ErrorCode::kInvalidInput, "line 1: binary data (NUL byte), not JSON Lines");
  std::string scratch;
  scratch.reserve(first_line.size());
  Cursor c{first_line.data(), first_line.data() + first_line.size()};
  std::vector<std::string> keys;
  bool duplicate = false;
  bool ok = parse_object(c, scratch, [&](std::string_view key, std::string_view) {
    for (const auto& k : keys) duplicate = duplicate || k == key;
    if (!duplicate) keys.emplace_back(key);
  });
  if (!ok) return make_error(ErrorCode::kInvalidInput, std::string("line 1: ") + c.error);
  if (duplicate)
    return make_error(ErrorCode::kInvalidInput, "line 1: duplicate key in the first object");
  if (keys.empty())
    return make_error(ErrorCode::kInvalidInput, "line 1: the first object has no keys");
  return keys;
}

Status parse_jsonl_chunk(const Chunk& chunk, const std::vector<std::string>& columns,
                         OnBadRow on_bad_row, RowBlock& out) {
  out.clear();
  out.cols = columns.size();
  out.scratch.reserve(chunk.bytes.size());
  std::unordered_map<std::string_view, size_t> index;
  for (size_t i = 0; i < columns.size(); ++i) index.emplace(columns[i], i);
  const char* p = chunk.bytes.data();
  const char* end = p + chunk.bytes.size();
  uint64_t line = chunk.first_line;
  uint64_t row_id = chunk.first_row;
  for (; p < end; ++line, ++row_id) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* stop = nl ? nl : end;
    Cursor c{p, stop};
    p = nl ? nl + 1 : end;
    c.ws();
    if (c.p == c.end) continue;  // blank line
    const size_t first = out.fields.size();
    out.fields.resize(first + columns.size());
    size_t expected = 0;  // keys usually come in header order: try that slot first
    bool ok = parse_object(c, out.scratch, [&](std::string_view key, std::string_view value) {
      size_t slot;
      if (expected < columns.size() && columns[expected] == key) {
        slot = expected;
      } else {
        auto it = index.find(key);
        if (it == index.end()) return;
        slot = it->second;
      }
      out.fields[first + slot] = value;
      expected = slot + 1;
    });
    if (!ok) {
      std::string why = "line " + std::to_string(line) + ": " + c.error;
      if (on_bad_row == OnBadRow::kFail) return make_error(ErrorCode::kInvalidInput, why);
      out.fields.resize(first);
      out.bad.add(std::move(why));
      continue;
    }
    out.lines.push_back(line);
    out.row_ids.push_back(row_id);
  }
  return {};
}

}  // namespace mlo
