// Optional HMAC-SHA256 of audit events. When MLO_AUDIT_KEY is set, every event written gets a
// last line `hmac: hmac-sha256:<64 hex>` computed over the bytes before that line, so only a
// holder of the key can write an event that verifies; the chain digest (`previous`) covers the
// whole file, hmac line included. The key is read from the environment only, never stored or
// printed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mlo {

inline constexpr std::string_view kHmacPrefix = "hmac-sha256:";

// MLO_AUDIT_KEY's bytes; nullopt when unset or empty.
std::optional<std::string> audit_key_from_env();

// "hmac-sha256:<hex>" of `body` under `key`.
std::string event_hmac(std::string_view key, std::string_view body);

// `body` with its hmac line appended (body must end with '\n').
std::string sign_event_text(std::string_view key, std::string body);

enum class HmacCheck { kValid, kMissing, kMismatch };
// Splits off a trailing hmac line and checks it against `key`.
HmacCheck check_event_hmac(std::string_view key, std::string_view text);

}  // namespace mlo
