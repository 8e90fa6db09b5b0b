// Optional typed fields of registry documents (manifests, events, aliases), complementing
// require_* in core/yaml_io.hpp. Absent fields give the default; present but mistyped fields
// give kInvalidInput naming the field. Callers catch YAML::Exception around these.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "mlo/core/result.hpp"

namespace mlo {

Result<std::string> optional_string(const YAML::Node& map, const std::string& key,
                                    const std::string& what);
Result<long long> optional_int(const YAML::Node& map, const std::string& key,
                               const std::string& what, long long fallback);
Result<std::vector<std::string>> optional_string_list(const YAML::Node& map, const std::string& key,
                                                      const std::string& what);
Result<std::map<std::string, std::string>> optional_string_map(const YAML::Node& map,
                                                               const std::string& key,
                                                               const std::string& what);
// Values must be finite numbers.
Result<std::map<std::string, double>> optional_double_map(const YAML::Node& map,
                                                          const std::string& key,
                                                          const std::string& what);

// For readers that skip the YAML tree on documents mlo wrote itself (events, manifests).
// True when yaml-cpp would read `v` back as exactly these bytes, as a string scalar: letters,
// digits and "-_.:/+@=" only, starting with a letter or digit, not ending with ':' and not a
// null spelling (no blanks, quotes, '#', flow or block indicators: nothing YAML reinterprets).
bool is_plain_text(std::string_view v);
// A decimal integer as<long long> reads the same way (digits only, at most 18, no leading zero,
// which it would take for octal); nullopt otherwise.
std::optional<long long> plain_int(std::string_view v);

}  // namespace mlo
