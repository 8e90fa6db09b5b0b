// Optional typed fields of registry documents (manifests, events, aliases), complementing
// require_* in core/yaml_io.hpp. Absent fields give the default; present but mistyped fields
// give kInvalidInput naming the field. Callers catch YAML::Exception around these.
#pragma once

#include <map>
#include <string>
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

}  // namespace mlo
