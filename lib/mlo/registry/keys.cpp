#include "mlo/registry/keys.hpp"

#include "mlo/core/digest.hpp"

namespace mlo {

std::optional<int64_t> parse_numbered_key(std::string_view key, std::string_view prefix) {
  constexpr std::string_view kSuffix = ".yaml";
  if (key.size() <= prefix.size() + kSuffix.size() || key.substr(0, prefix.size()) != prefix)
    return std::nullopt;
  std::string_view digits = key.substr(prefix.size());
  if (digits.substr(digits.size() - kSuffix.size()) != kSuffix) return std::nullopt;
  digits.remove_suffix(kSuffix.size());
  if (digits.empty() || digits.size() > 15 || digits[0] == '0') return std::nullopt;
  int64_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

std::string digest_of_blob_key(std::string_view key) {
  constexpr std::string_view kPrefix = "objects/sha256/";
  if (key.size() != kPrefix.size() + 2 + 1 + 62 || key.substr(0, kPrefix.size()) != kPrefix ||
      key[kPrefix.size() + 2] != '/')
    return {};
  std::string digest = std::string(kDigestPrefix);
  digest.append(key.substr(kPrefix.size(), 2)).append(key.substr(kPrefix.size() + 3));
  return is_valid_digest(digest) ? digest : std::string();
}

std::optional<ModelKey> split_model_key(std::string_view key) {
  const std::string_view prefix = kModelsPrefix;
  if (key.substr(0, prefix.size()) != prefix) return std::nullopt;
  key.remove_prefix(prefix.size());
  size_t a = key.find('/');
  if (a == std::string_view::npos || a == 0) return std::nullopt;
  size_t b = key.find('/', a + 1);
  if (b == std::string_view::npos || b == a + 1 || b + 1 >= key.size()) return std::nullopt;
  return ModelKey{std::string(key.substr(0, a)), std::string(key.substr(a + 1, b - a - 1)),
                  std::string(key.substr(b + 1))};
}

}  // namespace mlo
