// RFC 4180 CSV parsing of one Chunk: quoted fields, embedded delimiters and newlines, doubled
// quotes, LF or CRLF line ends. A header row is required (parse_csv_header).
// Errors are kInvalidInput naming the line: "line 12: expected 10 fields, got 9".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/data/rows.hpp"

namespace mlo {

struct CsvOptions {
  char delimiter = ',';
};

// Splits the header line into names. kInvalidInput for binary data (NUL bytes), an empty or
// duplicate column name.
Result<std::vector<std::string>> parse_csv_header(std::string_view line,
                                                  const CsvOptions& options = {});

// Parses the rows of `chunk` into `out` (cleared first) with `cols` fields per row. A row with
// another field count is an error under kFail and dropped (counted in out.bad) under kSkip.
// A blank line at the very end of the input is ignored. A quoted field that is never closed is
// an error under every mode (naming the line where it opened): skipping it would drop the rest
// of the input.
Status parse_csv_chunk(const Chunk& chunk, size_t cols, OnBadRow on_bad_row, RowBlock& out,
                       const CsvOptions& options = {});

// Appends `field` to `out`, quoting it when it holds the delimiter, a quote, CR or LF.
void append_csv_field(std::string& out, std::string_view field, char delimiter = ',');

}  // namespace mlo
