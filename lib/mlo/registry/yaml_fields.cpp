#include "mlo/registry/yaml_fields.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace mlo {
namespace {

Error field_error(const std::string& what, const std::string& key, const std::string& why) {
  return make_error(ErrorCode::kInvalidInput, what + ": field '" + key + "': " + why);
}

}  // namespace

Result<std::string> optional_string(const YAML::Node& map, const std::string& key,
                                    const std::string& what) {
  const YAML::Node node = map[key];
  if (!node || node.IsNull()) return std::string();
  if (!node.IsScalar()) return field_error(what, key, "must be a string");
  return node.as<std::string>();
}

Result<long long> optional_int(const YAML::Node& map, const std::string& key,
                               const std::string& what, long long fallback) {
  const YAML::Node node = map[key];
  if (!node || node.IsNull()) return fallback;
  long long value = 0;
  if (!node.IsScalar() || !YAML::convert<long long>::decode(node, value))
    return field_error(what, key, "must be an integer");
  return value;
}

Result<std::vector<std::string>> optional_string_list(const YAML::Node& map, const std::string& key,
                                                      const std::string& what) {
  std::vector<std::string> out;
  const YAML::Node node = map[key];
  if (!node || node.IsNull()) return out;
  if (!node.IsSequence()) return field_error(what, key, "must be a sequence of strings");
  for (const auto& item : node) {
    if (!item.IsScalar()) return field_error(what, key, "must be a sequence of strings");
    out.push_back(item.as<std::string>());
  }
  return out;
}

Result<std::map<std::string, std::string>> optional_string_map(const YAML::Node& map,
                                                               const std::string& key,
                                                               const std::string& what) {
  std::map<std::string, std::string> out;
  const YAML::Node node = map[key];
  if (!node || node.IsNull()) return out;
  if (!node.IsMap()) return field_error(what, key, "must be a mapping");
  for (const auto& entry : node) {
    if (!entry.first.IsScalar() || !entry.second.IsScalar())
      return field_error(what, key, "keys and values must be strings");
    out.emplace(entry.first.as<std::string>(), entry.second.as<std::string>());
  }
  return out;
}

Result<std::map<std::string, double>> optional_double_map(const YAML::Node& map,
                                                          const std::string& key,
                                                          const std::string& what) {
  std::map<std::string, double> out;
  const YAML::Node node = map[key];
  if (!node || node.IsNull()) return out;
  if (!node.IsMap()) return field_error(what, key, "must be a mapping");
  for (const auto& entry : node) {
    double value = 0;
    if (!entry.first.IsScalar() || !entry.second.IsScalar() ||
        !YAML::convert<double>::decode(entry.second, value) || !std::isfinite(value))
      return field_error(what, key, "values must be finite numbers");
    out.emplace(entry.first.as<std::string>(), value);
  }
  return out;
}

bool is_plain_text(std::string_view v) {
  if (v.empty() || !std::isalnum(static_cast<unsigned char>(v.front())) || v.back() == ':')
    return false;
  if (v == "null" || v == "Null" || v == "NULL") return false;
  return std::all_of(v.begin(), v.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("-_.:/+@=").find(c) != std::string_view::npos;
  });
}

std::optional<long long> plain_int(std::string_view v) {
  if (v.empty() || v.size() > 18 || (v.size() > 1 && v.front() == '0')) return std::nullopt;
  long long n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace mlo
