// Shared vocabulary of the data layer: raw chunks of whole rows, parsed row blocks, missing
// value tokens, number parsing and the bad-row policy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlo {

// What to do with a row that cannot be used (ragged, non-numeric value in a numeric column).
enum class OnBadRow { kFail, kSkip };

// Rows dropped under OnBadRow::kSkip: how many, and the first reason ("line 7: ...").
struct BadRows {
  uint64_t count = 0;
  std::string first;
  void add(std::string reason) {
    if (count++ == 0) first = std::move(reason);
  }
  void merge(const BadRows& other) {
    if (count == 0) first = other.first;
    count += other.count;
  }
};

// A run of whole rows cut from the input on row boundaries (quote-aware for CSV).
struct Chunk {
  uint64_t index = 0;       // 0-based sequence number
  uint64_t first_line = 0;  // 1-based physical line number of the chunk's first byte
  uint64_t first_row = 0;   // 0-based data row index of the chunk's first row
  std::string bytes;
};

// Parsed rows: `cols` fields per row, row-major. Views point into the chunk's bytes or into
// `scratch` (unescaped quoted fields); both must outlive the block's use.
struct RowBlock {
  size_t cols = 0;
  std::vector<std::string_view> fields;
  std::vector<uint64_t> lines;    // 1-based line number of each kept row
  std::vector<uint64_t> row_ids;  // 0-based data row index of each kept row in the input
  std::string scratch;
  BadRows bad;  // rows dropped while parsing (kSkip)

  size_t rows() const { return lines.size(); }
  std::string_view at(size_t row, size_t col) const { return fields[row * cols + col]; }
  void clear() {
    fields.clear();
    lines.clear();
    row_ids.clear();
    scratch.clear();
    bad = {};
  }
};

// Empty, "NA", "NaN", "null" (and fast_float's "nan") mean missing, for every column type.
bool is_missing_token(std::string_view field);

// Parses a whole field as a number (double, then rounded to float as pandas+XGBoost do).
// Accepts surrounding spaces and a leading '+'. Missing tokens give NaN and true.
// Returns false for anything else ("1.5x", "abc", "0x10").
bool parse_float_field(std::string_view field, float& out);

}  // namespace mlo
