#include "mlo/store/s3/sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>

namespace mlo::s3 {

namespace {

std::string to_hex(const unsigned char* data, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 15]);
  }
  return out;
}

std::string hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Header values are trimmed and inner runs of spaces collapse to one.
std::string trim_value(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

Pairs canonical_headers(const Pairs& headers) {
  Pairs out;
  for (const auto& [name, value] : headers) out.emplace_back(lower(name), trim_value(value));
  std::sort(out.begin(), out.end());
  return out;
}

std::string signed_header_names(const Pairs& canonical) {
  std::string names;
  for (const auto& [name, value] : canonical) {
    if (!names.empty()) names += ';';
    names += name;
  }
  return names;
}

std::string scope(std::string_view date, const SignInput& in) {
  return std::string(date.substr(0, 8)) + "/" + in.region + "/" + in.service + "/aws4_request";
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string amz_date(std::time_t when) {
  std::tm tm{};
  gmtime_r(&when, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string hex_sha256(std::string_view bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), out, &len, EVP_sha256(), nullptr);
  return to_hex(out, len);
}

std::string canonical_query(const Pairs& query) {
  Pairs encoded;
  for (const auto& [name, value] : query)
    encoded.emplace_back(uri_encode(name, false), uri_encode(value, false));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name + "=" + value;
  }
  return out;
}

std::string canonical_request(const SignInput& in) {
  Pairs headers = canonical_headers(in.headers);
  std::string out = in.method + "\n" + in.path + "\n" + canonical_query(in.query) + "\n";
  for (const auto& [name, value] : headers) out += name + ":" + value + "\n";
  out += "\n" + signed_header_names(headers) + "\n" + in.payload_hash;
  return out;
}

std::string authorization(const SignInput& in, const Credentials& creds, std::string_view date) {
  const std::string string_to_sign = "AWS4-HMAC-SHA256\n" + std::string(date) + "\n" +
                                     scope(date, in) + "\n" + hex_sha256(canonical_request(in));
  std::string key = hmac("AWS4" + creds.secret_key, date.substr(0, 8));
  key = hmac(key, in.region);
  key = hmac(key, in.service);
  key = hmac(key, "aws4_request");
  const std::string signature = hmac(key, string_to_sign);
  return "AWS4-HMAC-SHA256 Credential=" + creds.access_key + "/" + scope(date, in) +
         ", SignedHeaders=" + signed_header_names(canonical_headers(in.headers)) + ", Signature=" +
         to_hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
}

}  // namespace mlo::s3
