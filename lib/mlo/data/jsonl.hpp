// JSON Lines: one flat JSON object per line, strict RFC 8259: numbers by its grammar and finite
// as doubles, strings valid UTF-8 without lone surrogates or raw control characters. Values may be numbers (kept as their source text),
// strings, true/false or null (= missing); nested arrays/objects are kInvalidInput.
// The columns are the keys of the first object, in order; a later row without a key has a
// missing value there, and keys not in the first object are ignored. Blank lines are skipped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/core/text.hpp"  // append_json_string
#include "mlo/data/rows.hpp"

namespace mlo {

// Column names from the first object's keys.
Result<std::vector<std::string>> parse_jsonl_header(std::string_view first_line);

// Parses the rows of `chunk` into `out` (cleared first), fields in `columns` order. Malformed
// JSON is an error under kFail and a dropped row under kSkip.
Status parse_jsonl_chunk(const Chunk& chunk, const std::vector<std::string>& columns,
                         OnBadRow on_bad_row, RowBlock& out);


}  // namespace mlo
