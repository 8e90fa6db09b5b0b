// OutputStream: buffered output to a path or stdout ("-"). A path is opened as an OutputFile
// (mlo/core/output_file.hpp): a regular file or new path is written to a temp file beside it and
// renamed over it only by commit() (a symlink's target is replaced, the link kept); a device,
// FIFO or /dev/fd/N is streamed into directly and never replaced. Destroying an uncommitted
// stream removes the temp file, so a failed run never leaves a partial output behind. An
// "s3://bucket/key" path is an object written through remote_output.hpp: it appears only at
// commit(), and an uncommitted stream aborts its upload.
// Compression follows the target's extension: .gz .zst .xz .bz2 .lz4 (libarchive write
// filters with the raw format); stdout is never compressed.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "mlo/core/result.hpp"

namespace mlo {

class OutputStream {
 public:
  // kNotFound when the target's directory does not exist, kRuntime when it is not writable.
  static Result<OutputStream> open(const std::string& path);

  OutputStream(OutputStream&&) noexcept;
  OutputStream& operator=(OutputStream&&) noexcept;
  ~OutputStream();

  Status write(std::string_view bytes);
  // Flushes, finishes the compressed stream and renames the temp file over the target.
  Status commit();

  const std::string& path() const;
  std::string compression() const;  // "none", "gzip", "zstd", "xz", "bzip2", "lz4"
  uint64_t bytes_written() const;   // uncompressed bytes given to write()

 private:
  struct Impl;
  explicit OutputStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mlo
