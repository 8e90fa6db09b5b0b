#include "mlo/registry/audit.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>

namespace mlo {
namespace {

constexpr std::string_view kHmacLine = "hmac: ";

}  // namespace

std::optional<std::string> audit_key_from_env() {
  const char* key = std::getenv("MLO_AUDIT_KEY");
  if (!key || !*key) return std::nullopt;
  return std::string(key);
}

std::string event_hmac(std::string_view key, std::string_view body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(kHmacPrefix);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

std::string sign_event_text(std::string_view key, std::string body) {
  std::string mac = event_hmac(key, body);
  body.append(kHmacLine).append(mac).append("\n");
  return body;
}

HmacCheck check_event_hmac(std::string_view key, std::string_view text) {
  // The hmac line is the last line; the body is everything before it.
  if (text.empty() || text.back() != '\n') return HmacCheck::kMissing;
  const size_t line_start = text.rfind('\n', text.size() - 2);
  const size_t start = line_start == std::string_view::npos ? 0 : line_start + 1;
  std::string_view line = text.substr(start, text.size() - 1 - start);
  if (line.substr(0, kHmacLine.size()) != kHmacLine) return HmacCheck::kMissing;
  std::string_view recorded = line.substr(kHmacLine.size());
  const std::string expected = event_hmac(key, text.substr(0, start));
  if (recorded.size() != expected.size() ||
      CRYPTO_memcmp(recorded.data(), expected.data(), expected.size()) != 0)
    return HmacCheck::kMismatch;
  return HmacCheck::kValid;
}

}  // namespace mlo
