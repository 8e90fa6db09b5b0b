// Crash-safe file output: write to a temp file beside the target, then commit() fsyncs it,
// renames it over the target and fsyncs the directory. Destroying an uncommitted AtomicFile
// removes the temp file, so a failed command leaves the target as it was. Every live temp is also
// remembered in the temp registry (temp_registry.hpp) so a signal handler can remove it.
// AtomicFile always replaces the target path itself; for user-given outputs (devices, FIFOs,
// /dev/fd/N, symlinks) use OutputFile (output_file.hpp), which picks the right way to write.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "mlo/core/result.hpp"

namespace mlo {

class AtomicFile {
 public:
  // Creates "<dir>/.<name>.tmp-<random>" next to `target`. kNotFound if the directory is missing,
  // kRuntime if it is not writable.
  static Result<AtomicFile> create(const std::string& target);

  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&& other) noexcept;
  ~AtomicFile();

  int fd() const { return fd_; }
  const std::string& temp_path() const { return temp_path_; }
  Status write(const void* data, size_t size);
  Status write(std::string_view bytes) { return write(bytes.data(), bytes.size()); }
  // fsync + rename over the target + fsync of the directory. Same as prepare() then publish().
  Status commit();
  // The two halves of commit(), for committing several files all-or-none (OutputGroup):
  // prepare() makes the temp's bytes durable and closes it; publish() renames it over the target.
  Status prepare();
  Status publish();
  // Like commit(), but link() instead of rename(): fails with kConflict if the target exists.
  Status commit_new();

 private:
  AtomicFile(std::string target, std::string temp_path, int fd);
  void discard();
  void forget();

  std::string target_;
  std::string temp_path_;
  int fd_ = -1;
  int temp_slot_ = -1;  // in the temp registry
};

// Convenience: atomically replace `path` with `bytes`.
Status write_file_atomic(const std::string& path, std::string_view bytes);
Result<std::string> read_file(const std::string& path);
// fsync a directory so a rename/link inside it is durable.
Status fsync_dir(const std::string& dir);

}  // namespace mlo
