// Streaming SHA-256 (OpenSSL EVP). Digests are written "sha256:<64 lowercase hex>".
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "mlo/core/result.hpp"

namespace mlo {

inline constexpr std::string_view kDigestPrefix = "sha256:";

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, size_t size);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  // Returns "sha256:<hex>". The object may not be updated afterwards.
  std::string finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string digest_bytes(std::string_view bytes);
// Hashes a file of any size with large sequential reads. kNotFound if it does not exist.
Result<std::string> digest_file(const std::string& path);
// True for "sha256:" followed by exactly 64 lowercase hex digits.
bool is_valid_digest(std::string_view digest);

}  // namespace mlo
