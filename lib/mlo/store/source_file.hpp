// File-descriptor helpers shared by the store backends (not part of the Store interface).
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string>

#include "mlo/core/result.hpp"

namespace mlo {

// Closes a file descriptor on scope exit (-1: nothing to close). Not copyable; moving hands the
// descriptor over.
struct ScopedFd {
  int fd = -1;
  ScopedFd() = default;
  explicit ScopedFd(int f) : fd(f) {}
  ScopedFd(ScopedFd&& other) noexcept : fd(other.fd) { other.fd = -1; }
  ScopedFd& operator=(ScopedFd&&) = delete;
  ScopedFd(const ScopedFd&) = delete;
  ~ScopedFd();
};

// A regular file opened as the source of a blob (Store::put_file), read sequentially. It keeps
// what fstat said at open, so a backend can tell whether the file changed while it was being
// stored (a writer still appending, an editor saving over it).
class SourceFile {
 public:
  // kNotFound for a missing path, kUsage for anything but a regular file, kRuntime otherwise;
  // messages name the path.
  static Result<SourceFile> open(const std::string& path);

  int fd() const { return fd_.fd; }
  const std::string& path() const { return path_; }
  uint64_t size() const { return static_cast<uint64_t>(at_open_.st_size); }
  // True when the file now has `bytes` bytes and still the modification time it had at open.
  bool unchanged(uint64_t bytes) const;

 private:
  SourceFile(ScopedFd fd, std::string path, const struct stat& st)
      : fd_(std::move(fd)), path_(std::move(path)), at_open_(st) {}
  ScopedFd fd_;
  std::string path_;
  struct stat at_open_ {};
};

}  // namespace mlo
