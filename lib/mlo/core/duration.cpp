#include "mlo/core/duration.hpp"

#include <string>

namespace mlo {

Result<int64_t> parse_duration_seconds(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return make_error(ErrorCode::kUsage, "invalid duration '" + std::string(text.substr(0, 40)) +
                                             "': " + why + " (e.g. 30s, 90m, 24h, 7d)");
  };
  if (text == "0") return int64_t{0};
  if (text.size() < 2) return bad("expected a number and a unit");
  int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      return bad("unknown unit");
  }
  constexpr int64_t kMax = int64_t{100} * 366 * 86400;
  int64_t n = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') return bad("expected a whole number of units");
    n = n * 10 + (c - '0');
    if (n * unit > kMax) return bad("longer than 100 years");
  }
  return n * unit;
}

}  // namespace mlo
