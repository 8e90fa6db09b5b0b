#include "mlo/data/rows.hpp"

#include <cmath>
#include <system_error>

#include <fast_float/fast_float.h>

namespace mlo {

bool is_missing_token(std::string_view f) {
  switch (f.size()) {
    case 0:
      return true;
    case 2:
      return f == "NA";
    case 3:
      return f == "NaN" || f == "nan";
    case 4:
      return f == "null";
    default:
      return false;
  }
}

namespace {

constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                             1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

// "[-]digits[.digits]" with at most 15 significant digits: the integer and the power of ten
// are exact doubles, so one division is correctly rounded (Clinger's fast path) and gives the
// same double as a full parser. Returns false to defer anything else to fast_float.
inline bool parse_simple_decimal(const char* p, const char* end, double& out) {
  bool negative = false;
  if (p < end && *p == '-') {
    negative = true;
    ++p;
  }
  uint64_t mantissa = 0;
  int digits = 0, scale = 0;
  bool dot = false;
  for (; p < end; ++p) {
    const unsigned d = static_cast<unsigned>(*p - '0');
    if (d < 10) {
      mantissa = mantissa * 10 + d;
      ++digits;
      scale += dot;
    } else if (*p == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  if (digits == 0 || digits > 15 || (dot && scale == 0)) return false;
  double v = static_cast<double>(mantissa) / kPow10[scale];
  out = negative ? -v : v;
  return true;
}

}  // namespace

bool parse_float_field(std::string_view f, float& out) {
  double quick = 0;
  if (!f.empty() && parse_simple_decimal(f.data(), f.data() + f.size(), quick)) {
    out = static_cast<float>(quick);
    return true;
  }
  // fast_float rejects leading spaces and '+', and stops silently at trailing text.
  while (!f.empty() && (f.front() == ' ' || f.front() == '\t')) f.remove_prefix(1);
  while (!f.empty() && (f.back() == ' ' || f.back() == '\t')) f.remove_suffix(1);
  if (is_missing_token(f)) {
    out = NAN;
    return true;
  }
  const char* p = f.data();
  const char* end = p + f.size();
  if (*p == '+') {
    ++p;
    if (p == end || *p == '-' || *p == '+') return false;
  }
  double d = 0;
  auto r = fast_float::from_chars(p, end, d);
  if (r.ec != std::errc() || r.ptr != end) return false;
  // Parse as double, then round: what pandas (float64) + XGBoost (float32) do.
  out = static_cast<float>(d);
  return true;
}

}  // namespace mlo
