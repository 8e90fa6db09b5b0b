// Text that leaves mlo: values quoted in error messages and strings written as JSON. Input data
// may hold any bytes (invalid UTF-8, control characters, megabyte-long fields); none of that
// may reach a terminal, a log line or a JSON document raw.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mlo {

// Length of the valid UTF-8 sequence at s[i] (1..4), or 0 when the bytes there are not valid
// UTF-8 (overlong forms, surrogates, code points past U+10FFFF, truncated sequences).
size_t utf8_sequence_length(std::string_view s, size_t i);
bool is_valid_utf8(std::string_view s);

// For error messages: `value` in single quotes, at most `max_bytes` of it (cut on a character
// boundary, then "..." and the total size), control characters and invalid UTF-8 bytes as
// \n, \t, \xNN. e.g. quote_value("a\x01b") == "'a\\x01b'".
std::string quote_value(std::string_view value, size_t max_bytes = 80);

// A whole message made safe for one terminal line: like quote_value without quotes or length
// cut (newlines, control characters and invalid UTF-8 bytes escaped).
std::string escape_text(std::string_view text);

// items with `separator` between them: join({"a", "b"}, ", ") == "a, b"; "" for none.
std::string join(const std::vector<std::string>& items, std::string_view separator);

// `text` for XML or HTML content and attribute values: & < > " as entities, the rest as it is.
std::string markup_escape(std::string_view text);

// Appends `s` as a JSON string literal: quotes, backslashes and control characters escaped,
// each byte of an invalid UTF-8 sequence replaced by U+FFFD, so the document is always valid.
void append_json_string(std::string& out, std::string_view s);

}  // namespace mlo
