// InputStream: the decompressed bytes of a data file or of stdin ("-"). Compression is detected
// by content (magic bytes of gzip, zstd, xz, bzip2, lz4), never by the file name; gzip is decoded
// by zlib, the others by libarchive's raw filters; anything else is passed through untouched.
// Compressed data is verified to its end: every checksum the format carries (gzip CRC-32 and
// length of every member, zstd and lz4 content checksums, xz check, bzip2 CRCs) and no trailing
// bytes after the last member/frame. A failure is kInvalidInput naming the file; it surfaces
// from read() at the latest when read() would otherwise return 0, so a consumer that stops on
// the first error never commits output from a corrupt file.
// The SHA-256 of the raw (still compressed) bytes is computed on the fly for run records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "mlo/core/result.hpp"

namespace mlo {

enum class DataFormat { kCsv, kJsonl };

// ".jsonl"/".ndjson" (optionally followed by .gz/.zst/.xz/.bz2) -> kJsonl, anything else -> kCsv.
DataFormat format_from_path(const std::string& path);
// Strips a trailing .gz/.zst/.xz/.bz2/.lz4 ("a.csv.gz" -> "a.csv").
std::string strip_compression_suffix(const std::string& path);

class InputStream {
 public:
  // "-" reads stdin. kNotFound for a missing file, kRuntime for other open errors.
  static Result<InputStream> open(const std::string& path);

  InputStream(InputStream&&) noexcept;
  InputStream& operator=(InputStream&&) noexcept;
  ~InputStream();

  // Fills up to `size` bytes; 0 means end of input. Corrupt or truncated compressed data is
  // kInvalidInput ("<name>: truncated or corrupt gzip data: ..."), read errors kRuntime.
  Result<size_t> read(char* buf, size_t size);

  const std::string& name() const;  // the path, or "stdin"
  std::string compression() const;  // "none", "gzip", "zstd", "xz", "bzip2", "lz4"
  uint64_t raw_bytes() const;       // compressed bytes consumed so far
  // "sha256:<hex>" of every raw byte read; call after read() returned 0.
  std::string raw_digest();

 private:
  struct Impl;
  explicit InputStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mlo
