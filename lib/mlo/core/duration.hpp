// Durations written by people ("24h", "90m", "7d"), for options such as gc's grace period.
#pragma once

#include <cstdint>
#include <string_view>

#include "mlo/core/result.hpp"

namespace mlo {

// "<digits><unit>" with unit s, m, h or d, or a bare "0" -> seconds. kUsage for anything else
// (empty, negative, a fraction, an unknown unit, more than 100 years).
Result<int64_t> parse_duration_seconds(std::string_view text);

}  // namespace mlo
