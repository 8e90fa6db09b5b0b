#include "mlo/data/csv.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "mlo/core/text.hpp"

namespace mlo {

namespace {

constexpr const char* kUnterminated = "unterminated quoted field";

// Result of scanning one field starting at p.
struct FieldScan {
  std::string_view value;
  bool quoted = false;
  const char* next = nullptr;  // just past the field (at the delimiter / line end / end)
  uint64_t newlines = 0;       // inside quotes
  const char* error = nullptr;
};

// Collapses doubled quotes of a quoted field's content into `scratch` (capacity is reserved by
// the caller so views into it stay valid).
std::string_view unescape(std::string_view raw, std::string& scratch) {
  size_t start = scratch.size();
  for (size_t i = 0; i < raw.size(); ++i) {
    scratch.push_back(raw[i]);
    if (raw[i] == '"') ++i;  // the second quote of a pair
  }
  return std::string_view(scratch.data() + start, scratch.size() - start);
}

FieldScan scan_field(const char* p, const char* end, char delim, std::string& scratch) {
  FieldScan f;
  if (p < end && *p == '"') {
    f.quoted = true;
    const char* content = ++p;
    bool doubled = false;
    for (;;) {
      const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end - p)));
      if (!q) {
        f.error = kUnterminated;
        f.newlines += static_cast<uint64_t>(std::count(p, end, '\n'));
        f.next = end;
        return f;
      }
      f.newlines += static_cast<uint64_t>(std::count(p, q, '\n'));
      if (q + 1 < end && q[1] == '"') {
        doubled = true;
        p = q + 2;
        continue;
      }
      std::string_view raw(content, static_cast<size_t>(q - content));
      f.value = doubled ? unescape(raw, scratch) : raw;
      p = q + 1;
      break;
    }
    if (p < end && *p == '\r' && p + 1 < end && p[1] == '\n') ++p;
    if (p < end && *p != delim && *p != '\n') f.error = "unexpected text after a closing quote";
    while (p < end && *p != delim && *p != '\n') ++p;  // resynchronise for kSkip
    f.next = p;
    return f;
  }
  const char* start = p;
  while (p < end && *p != delim && *p != '\n') ++p;
  const char* stop = p;
  if (stop > start && stop[-1] == '\r' && (p == end || *p == '\n')) --stop;
  f.value = std::string_view(start, static_cast<size_t>(stop - start));
  f.next = p;
  return f;
}

}  // namespace

Result<std::vector<std::string>> parse_csv_header(std::string_view line,
                                                  const CsvOptions& options) {
  if (std::memchr(line.data(), '\0', line.size()))
    return make_error(ErrorCode::kInvalidInput, "line 1: binary data (NUL byte), not CSV text");
  std::vector<std::string> names;
  std::string scratch;
  scratch.reserve(line.size());
  const char* p = line.data();
  const char* end = p + line.size();
  std::unordered_set<std::string> seen;
  for (;;) {
    FieldScan f = scan_field(p, end, options.delimiter, scratch);
    if (f.error)
      return make_error(ErrorCode::kInvalidInput, std::string("line 1 (header): ") + f.error);
    std::string name(f.value);
    if (name.empty())
      return make_error(
          ErrorCode::kInvalidInput,
          "line 1 (header): column " + std::to_string(names.size() + 1) + " has no name");
    if (!seen.insert(name).second)
      return make_error(ErrorCode::kInvalidInput,
                        "line 1 (header): duplicate column " + quote_value(name));
    names.push_back(std::move(name));
    p = f.next;
    if (p < end && *p == options.delimiter) {
      ++p;
      continue;
    }
    break;
  }
  return names;
}

Status parse_csv_chunk(const Chunk& chunk, size_t cols, OnBadRow on_bad_row, RowBlock& out,
                       const CsvOptions& options) {
  out.clear();
  out.cols = cols;
  out.scratch.reserve(chunk.bytes.size());  // never reallocated below: views stay valid
  const char* p = chunk.bytes.data();
  const char* end = p + chunk.bytes.size();
  const char delim = options.delimiter;
  uint64_t line = chunk.first_line;
  uint64_t row_id = chunk.first_row;
  while (p < end) {
    const uint64_t row_line = line;
    const size_t first = out.fields.size();
    const char* error = nullptr;
    bool only_empty = true;
    for (;;) {
      const uint64_t field_line = line;
      FieldScan f = scan_field(p, end, delim, out.scratch);
      line += f.newlines;
      // No closing quote before the end of the input: the rest of the file would be one field.
      // That is structural, never a row to skip: it would silently drop every row after it.
      if (f.error == kUnterminated)
        return make_error(ErrorCode::kInvalidInput,
                          "line " + std::to_string(field_line) +
                              ": quoted field opened here is never closed (unterminated quote)");
      if (f.error && !error) error = f.error;
      if (f.quoted || !f.value.empty()) only_empty = false;
      out.fields.push_back(f.value);
      p = f.next;
      if (p < end && *p == delim) {
        ++p;
        continue;
      }
      if (p < end) {  // *p == '\n'
        ++p;
        ++line;
      }
      break;
    }
    const size_t got = out.fields.size() - first;
    if (got == 1 && only_empty && !error) {  // blank line: not a row
      out.fields.resize(first);
      ++row_id;
      continue;
    }
    if (error || got != cols) {
      std::string why =
          "line " + std::to_string(row_line) + ": " +
          (error ? std::string(error)
                 : "expected " + std::to_string(cols) + " fields, got " + std::to_string(got));
      if (std::memchr(chunk.bytes.data(), '\0', chunk.bytes.size()))
        why = "line " + std::to_string(row_line) + ": binary data (NUL byte), not CSV text";
      if (on_bad_row == OnBadRow::kFail) return make_error(ErrorCode::kInvalidInput, why);
      out.fields.resize(first);
      out.bad.add(std::move(why));
      ++row_id;
      continue;
    }
    out.lines.push_back(row_line);
    out.row_ids.push_back(row_id++);
  }
  return {};
}

void append_csv_field(std::string& out, std::string_view field, char delimiter) {
  bool needs_quotes = false;
  for (char c : field) {
    if (c == delimiter || c == '"' || c == '\n' || c == '\r') {
      needs_quotes = true;
      break;
    }
  }
  if (!needs_quotes) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace mlo
