#include "mlo/store/source_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace mlo {

ScopedFd::~ScopedFd() {
  if (fd >= 0) ::close(fd);
}

Result<SourceFile> SourceFile::open(const std::string& path) {
  ScopedFd in{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0)
    return make_error(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kRuntime,
                      path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(in.fd, &st) != 0 || !S_ISREG(st.st_mode))
    return make_error(ErrorCode::kUsage, path + ": not a regular file");
  ::posix_fadvise(in.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return SourceFile(std::move(in), path, st);
}

bool SourceFile::unchanged(uint64_t bytes) const {
  struct stat now {};
  return ::fstat(fd_.fd, &now) == 0 && static_cast<uint64_t>(now.st_size) == bytes &&
         now.st_mtim.tv_sec == at_open_.st_mtim.tv_sec &&
         now.st_mtim.tv_nsec == at_open_.st_mtim.tv_nsec;
}

}  // namespace mlo
