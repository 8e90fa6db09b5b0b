#include "mlo/core/atomic_file.hpp"

#include "mlo/core/crash_point.hpp"
#include "mlo/core/temp_registry.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mlo {

namespace {

std::string errno_text(int err) {
  return std::strerror(err);
}

std::string parent_dir(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// 16 hex digits from the kernel's CSPRNG: unique enough that concurrent writers never collide
// and O_EXCL catches the rest.
std::string random_suffix() {
  unsigned char raw[8] = {};
  size_t got = 0;
  while (got < sizeof raw) {
    ssize_t n = ::getrandom(raw + got, sizeof raw - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;  // fall back to the partially random bytes; O_EXCL still guarantees uniqueness
    }
    got += static_cast<size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

Error open_error(const std::string& what, int err) {
  ErrorCode code = err == ENOENT || err == ENOTDIR ? ErrorCode::kNotFound : ErrorCode::kRuntime;
  return make_error(code, what + ": " + errno_text(err));
}

Status write_all(int fd, const void* data, size_t size, const std::string& what) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(ErrorCode::kRuntime, what + ": write failed: " + errno_text(errno));
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
  return {};
}

Status fsync_fd(int fd, const std::string& what) {
  while (::fsync(fd) != 0) {
    if (errno == EINTR) continue;
    return make_error(ErrorCode::kRuntime, what + ": fsync failed: " + errno_text(errno));
  }
  return {};
}

}  // namespace

Result<AtomicFile> AtomicFile::create(const std::string& target) {
  if (target.empty() || target.back() == '/')
    return make_error(ErrorCode::kUsage, "'" + target + "': not a file path");
  const std::string dir = parent_dir(target);
  const std::string prefix = dir + "/." + base_name(target) + ".tmp-";
  for (int attempt = 0; attempt < 16; ++attempt) {
    std::string temp = prefix + random_suffix();
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      AtomicFile file(target, std::move(temp), fd);
      crash_point();  // after the temp exists: an interrupted run must remove it
      return file;
    }
    if (errno == EINTR || errno == EEXIST) continue;
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) return open_error("directory " + dir, err);
    return make_error(ErrorCode::kRuntime, "cannot write " + target + ": " + errno_text(err));
  }
  return make_error(ErrorCode::kRuntime, "cannot create a temp file for " + target);
}

AtomicFile::AtomicFile(std::string target, std::string temp_path, int fd)
    : target_(std::move(target)),
      temp_path_(std::move(temp_path)),
      fd_(fd),
      temp_slot_(remember_temp(temp_path_.c_str())) {}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : target_(std::move(other.target_)),
      temp_path_(std::move(other.temp_path_)),
      fd_(other.fd_),
      temp_slot_(other.temp_slot_) {
  other.temp_path_.clear();
  other.fd_ = -1;
  other.temp_slot_ = -1;
}

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
  if (this != &other) {
    discard();
    target_ = std::move(other.target_);
    temp_path_ = std::move(other.temp_path_);
    fd_ = other.fd_;
    temp_slot_ = other.temp_slot_;
    other.temp_path_.clear();
    other.fd_ = -1;
    other.temp_slot_ = -1;
  }
  return *this;
}

AtomicFile::~AtomicFile() {
  discard();
}

void AtomicFile::discard() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
  temp_path_.clear();
  forget();
}

// The temp name no longer exists (renamed or removed): the signal path must not touch it.
void AtomicFile::forget() {
  forget_temp(temp_slot_);
  temp_slot_ = -1;
}

Status AtomicFile::write(const void* data, size_t size) {
  if (fd_ < 0) return make_error(ErrorCode::kRuntime, target_ + ": write after commit");
  crash_point();
  return write_all(fd_, data, size, target_);
}

// Makes the temp file's bytes durable and closes it, ready to be published under the target name.
Status AtomicFile::prepare() {
  if (fd_ < 0) return make_error(ErrorCode::kRuntime, target_ + ": already committed");
  crash_point();
  if (auto s = fsync_fd(fd_, target_); !s.ok()) {
    discard();
    return s;
  }
  ::close(fd_);
  fd_ = -1;
  return {};
}

Status AtomicFile::commit() {
  MLO_TRY(prepare());
  return publish();
}

Status AtomicFile::publish() {
  if (fd_ >= 0 || temp_path_.empty())
    return make_error(ErrorCode::kRuntime, target_ + ": publish() needs a prepared temp file");
  crash_point();
  if (::rename(temp_path_.c_str(), target_.c_str()) != 0) {
    int err = errno;
    discard();
    return make_error(ErrorCode::kRuntime, "cannot replace " + target_ + ": " + errno_text(err));
  }
  temp_path_.clear();
  forget();
  return fsync_dir(parent_dir(target_));
}

Status AtomicFile::commit_new() {
  MLO_TRY(prepare());
  crash_point();
  // link() fails atomically if the target exists, which rename() would silently replace.
  if (::link(temp_path_.c_str(), target_.c_str()) != 0) {
    int err = errno;
    discard();
    if (err == EEXIST) return make_error(ErrorCode::kConflict, target_ + ": already exists");
    return make_error(ErrorCode::kRuntime, "cannot create " + target_ + ": " + errno_text(err));
  }
  discard();  // drops the temp name; the target keeps the inode
  return fsync_dir(parent_dir(target_));
}

Status write_file_atomic(const std::string& path, std::string_view bytes) {
  MLO_ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::create(path));
  MLO_TRY(file.write(bytes));
  return file.commit();
}

Result<std::string> read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return open_error(path, errno);
  std::string out;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) out.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return make_error(ErrorCode::kRuntime, path + ": read failed: " + errno_text(err));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

Status fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return open_error("directory " + dir, errno);
  Status s = fsync_fd(fd, "directory " + dir);
  ::close(fd);
  return s;
}

}  // namespace mlo
