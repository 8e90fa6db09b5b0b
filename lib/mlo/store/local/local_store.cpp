#include "mlo/store/local/local_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>
#include <vector>

#include "mlo/core/atomic_file.hpp"
#include "mlo/core/digest.hpp"
#include "mlo/store/local/dir_walk.hpp"
#include "mlo/store/source_file.hpp"

namespace mlo {

namespace {

constexpr size_t kBufferSize = 1 << 20;
constexpr uint64_t kWritebackChunk = 16u << 20;  // also the copy cancellation granularity

std::string parent_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string name_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool is_write_denied(int err) {
  return err == EACCES || err == EROFS || err == EPERM;
}

// Holds an exclusive flock on a lock file; released (not deleted: deleting a lock file races
// with a waiter that already opened it) on destruction.
class KeyLock {
 public:
  static Result<KeyLock> acquire(const std::string& lock_path, std::chrono::milliseconds timeout) {
    int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) return make_error(ErrorCode::kRuntime, lock_path + ": " + std::strerror(errno));
    KeyLock lock(fd);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    auto pause = std::chrono::microseconds(200);
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK && errno != EINTR)
        return make_error(ErrorCode::kRuntime,
                          lock_path + ": flock failed: " + std::strerror(errno));
      if (std::chrono::steady_clock::now() >= deadline)
        return make_error(ErrorCode::kConflict, lock_path + ": lock timeout");
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::microseconds(20'000));
    }
    return lock;
  }
  KeyLock(KeyLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  KeyLock& operator=(KeyLock&&) = delete;
  ~KeyLock() {
    if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
  }

 private:
  explicit KeyLock(int fd) : fd_(fd) {}
  int fd_;
};

// The lock guarding `target` ("<dir>/.<name>.lock"), with the store's error messages.
Result<KeyLock> acquire_key_lock(const std::string& root, const std::string& target,
                                 const std::string& key, std::chrono::milliseconds timeout) {
  const std::string dir = parent_of(target);
  auto lock = KeyLock::acquire(dir + "/." + name_of(target) + ".lock", timeout);
  if (lock.ok()) return lock;
  if (lock.error().code == ErrorCode::kConflict)
    return make_error(ErrorCode::kConflict, "store " + root + ": " + key + ": lock timeout");
  if (::access(dir.c_str(), W_OK) != 0)
    return make_error(ErrorCode::kRuntime,
                      "store " + root + ": cannot write: " + std::strerror(errno));
  return lock.error();
}

// Copies `size` bytes from `in` to `out` in the kernel, falling back to read/write where
// copy_file_range is not supported (cross-device on old kernels, special files).
Status copy_fd(int in, int out, uint64_t size, const std::string& what,
               const std::atomic<bool>* cancel) {
  loff_t in_off = 0;
  uint64_t done = 0, flushed = 0;
  while (done < size) {
    if (cancel->load()) return make_error(ErrorCode::kRuntime, what + ": copy cancelled");
    ssize_t n =
        ::copy_file_range(in, &in_off, out, nullptr, std::min(size - done, kWritebackChunk), 0);
    if (n > 0) {
      done += static_cast<uint64_t>(n);
      // Start writeback of each chunk now, so the final fsync overlaps with the copy instead of
      // writing the whole file at the end. Only a hint: errors surface in fsync.
      if (done - flushed >= kWritebackChunk || done == size) {
        ::sync_file_range(out, static_cast<off_t>(flushed), static_cast<off_t>(done - flushed),
                          SYNC_FILE_RANGE_WRITE);
        flushed = done;
      }
      continue;
    }
    if (n == 0) break;  // source shrank; the caller's size check reports it
    if (errno == EINTR) continue;
    if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
      return make_error(ErrorCode::kRuntime, what + ": copy failed: " + std::strerror(errno));
    std::vector<char> buf(kBufferSize);
    for (;;) {
      if (cancel->load()) return make_error(ErrorCode::kRuntime, what + ": copy cancelled");
      ssize_t r = ::pread(in, buf.data(), buf.size(), in_off);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0)
        return make_error(ErrorCode::kRuntime, what + ": read failed: " + std::strerror(errno));
      if (r == 0) return {};
      in_off += r;
      for (ssize_t w = 0; w < r;) {
        ssize_t m = ::write(out, buf.data() + w, static_cast<size_t>(r - w));
        if (m < 0 && errno == EINTR) continue;
        if (m < 0)
          return make_error(ErrorCode::kRuntime, what + ": write failed: " + std::strerror(errno));
        w += m;
      }
    }
  }
  return {};
}

Status fsync_fd(int fd, const std::string& what) {
  while (::fsync(fd) != 0) {
    if (errno == EINTR) continue;
    return make_error(ErrorCode::kRuntime, what + ": fsync failed: " + std::strerror(errno));
  }
  return {};
}

}  // namespace

LocalStore::LocalStore(std::string root)
    : root_(root.empty() ? std::string(1, '.') : std::move(root)) {
  size_t keep = root_.find_last_not_of('/');
  root_.resize(keep == std::string::npos ? 1 : keep + 1);  // "a/b/" -> "a/b", "///" -> "/"
}

Error LocalStore::write_error(int err) const {
  return make_error(ErrorCode::kRuntime,
                    "store " + root_ + ": cannot write: " + std::strerror(err));
}

Result<bool> LocalStore::exists(const std::string& path) const {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  return make_error(ErrorCode::kRuntime,
                    "store " + root_ + ": " + path + ": " + std::strerror(errno));
}

Result<bool> LocalStore::reuse_blob(const std::string& path) const {
  // Touching (not just stat-ing) the blob makes it recent for gc (store.hpp); a blob gc removed
  // a moment ago fails with ENOENT and is simply written again.
  if (::utimensat(AT_FDCWD, path.c_str(), nullptr, AT_SYMLINK_NOFOLLOW) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  // A store shared read-only with this user: the blob is there, it just cannot be refreshed.
  if (is_write_denied(errno)) return exists(path);
  return make_error(ErrorCode::kRuntime,
                    "store " + root_ + ": " + path + ": " + std::strerror(errno));
}

// mkdir -p that fsyncs the parent of every directory it creates, so a blob renamed into a new
// directory is still reachable after a crash.
Status LocalStore::ensure_dir(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return {};
    return make_error(ErrorCode::kRuntime, "store " + root_ + ": " + dir + " is not a directory");
  }
  if (errno != ENOENT) return write_error(errno);
  std::string parent = parent_of(dir);
  if (parent != dir) MLO_TRY(ensure_dir(parent));
  if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) {
    if (is_write_denied(errno)) return write_error(errno);
    return make_error(ErrorCode::kRuntime,
                      "store " + root_ + ": mkdir " + dir + ": " + std::strerror(errno));
  }
  return fsync_dir(parent);
}

Result<int> LocalStore::open_key(const std::string& key, struct stat* st) const {
  MLO_TRY(validate_key(key));
  auto not_found = [&] {
    return make_error(ErrorCode::kNotFound, "store " + root_ + ": no such key: " + key);
  };
  auto failed = [&](int err) {
    if (err == ENOENT || err == ENOTDIR) return not_found();
    return make_error(ErrorCode::kRuntime,
                      "store " + root_ + ": " + key + ": " + std::strerror(err));
  };
  ScopedFd dir{::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (dir.fd < 0) return failed(errno);
  size_t start = 0;
  for (;;) {
    const size_t slash = key.find('/', start);
    const bool last = slash == std::string::npos;
    const std::string segment = key.substr(start, last ? std::string::npos : slash - start);
    // O_NONBLOCK: opening a FIFO planted in the store must not hang (ignored for regular files).
    const int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (last ? O_NONBLOCK : O_DIRECTORY);
    int fd = ::openat(dir.fd, segment.c_str(), flags);
    if (fd < 0) {
      const int err = errno;
      struct stat link {};
      if ((err == ELOOP || err == ENOTDIR) &&
          ::fstatat(dir.fd, segment.c_str(), &link, AT_SYMLINK_NOFOLLOW) == 0 &&
          S_ISLNK(link.st_mode))
        return make_error(ErrorCode::kIntegrity,
                          "store " + root_ + ": " + key.substr(0, last ? key.size() : slash) +
                              " is a symlink (refused: the store never follows links)");
      return failed(err);
    }
    if (last) {
      ScopedFd file{fd};
      if (::fstat(fd, st) != 0) return failed(errno);
      if (S_ISDIR(st->st_mode)) return not_found();
      if (!S_ISREG(st->st_mode))
        return make_error(ErrorCode::kIntegrity,
                          "store " + root_ + ": " + key + " is not a regular file");
      file.fd = -1;
      return fd;
    }
    ::close(dir.fd);
    dir.fd = fd;
    start = slash + 1;
  }
}

Result<std::string> LocalStore::get(const std::string& key) {
  std::string bytes;
  MLO_TRY(get_to(key, [&](const char* data, size_t size) -> Status {
    bytes.append(data, size);
    return {};
  }));
  return bytes;
}

Status LocalStore::get_to(const std::string& key, const WriteFn& sink) {
  struct stat st {};
  MLO_ASSIGN_OR_RETURN(int fd, open_key(key, &st));
  ScopedFd in{fd};
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::vector<char> buf(std::min<size_t>(kBufferSize, static_cast<size_t>(st.st_size) + 1));
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return make_error(ErrorCode::kRuntime,
                        "store " + root_ + ": " + key + ": read failed: " + std::strerror(errno));
    if (n == 0) return {};
    MLO_TRY(sink(buf.data(), static_cast<size_t>(n)));
  }
}

Result<ObjectInfo> LocalStore::head(const std::string& key) {
  struct stat st {};
  MLO_ASSIGN_OR_RETURN(int fd, open_key(key, &st));
  ::close(fd);
  ObjectInfo info{static_cast<uint64_t>(st.st_size), "", static_cast<int64_t>(st.st_mtim.tv_sec)};
  // Blobs are immutable and named by their digest: no need to read gigabytes for an etag.
  constexpr std::string_view kBlobPrefix = "objects/sha256/";
  if (key.size() == kBlobPrefix.size() + 65 &&
      key.compare(0, kBlobPrefix.size(), kBlobPrefix) == 0) {
    std::string digest = std::string(kDigestPrefix) + key.substr(kBlobPrefix.size(), 2) +
                         key.substr(kBlobPrefix.size() + 3);
    if (is_valid_digest(digest)) {
      info.etag = std::move(digest);
      return info;
    }
  }
  MLO_ASSIGN_OR_RETURN(info.etag, digest_key(*this, key));
  return info;
}

Result<std::vector<std::string>> LocalStore::list(const std::string& prefix) {
  std::string trimmed = prefix;
  if (!trimmed.empty() && trimmed.back() == '/') trimmed.pop_back();
  if (!trimmed.empty()) MLO_TRY(validate_key(trimmed));
  // Walk only the deepest directory the prefix names; its last partial segment filters the
  // top level ("models/a" walks models/ but only entries starting with "a").
  const size_t slash = prefix.rfind('/');
  const std::string dir_part = slash == std::string::npos ? "" : prefix.substr(0, slash + 1);
  const std::string_view partial = std::string_view(prefix).substr(dir_part.size());
  std::vector<std::string> keys;
  auto walked =
      walk_files(dir_part.empty() ? root_ : root_ + "/" + dir_part, dir_part, partial, keys);
  if (!walked.ok())
    return make_error(ErrorCode::kRuntime,
                      "store " + root_ + ": list " + prefix + ": " + walked.error().message);
  return keys;
}

Result<std::vector<std::string>> LocalStore::list_children(const std::string& prefix) {
  MLO_TRY(validate_children_prefix(prefix));
  std::vector<std::string> children;
  auto listed = list_children_of(prefix.empty() ? root_ : root_ + "/" + prefix, children);
  if (!listed.ok())
    return make_error(ErrorCode::kRuntime,
                      "store " + root_ + ": list " + prefix + ": " + listed.error().message);
  return children;
}

Status LocalStore::remove(const std::string& key) {
  MLO_TRY(validate_key(key));
  const std::string target = local_path(key);
  // Mutable keys are removed under the put_if lock, so a compare-and-swap that already read the
  // old bytes cannot write them back after the removal. Blobs are never put_if'd.
  std::optional<KeyLock> lock;
  if (key.rfind("objects/", 0) != 0) {
    MLO_ASSIGN_OR_RETURN(bool present, exists(target));
    if (!present)
      return make_error(ErrorCode::kNotFound, "store " + root_ + ": no such key: " + key);
    MLO_ASSIGN_OR_RETURN(KeyLock held, acquire_key_lock(root_, target, key, lock_timeout_));
    lock.emplace(std::move(held));
  }
  if (::unlink(target.c_str()) != 0) {
    if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR)
      return make_error(ErrorCode::kNotFound, "store " + root_ + ": no such key: " + key);
    if (is_write_denied(errno)) return write_error(errno);
    return make_error(ErrorCode::kRuntime,
                      "store " + root_ + ": remove " + key + ": " + std::strerror(errno));
  }
  return fsync_dir(parent_of(target));
}

namespace {

// AtomicFile::create() reports a read-only directory as kRuntime; turn that into the store's
// one-line "cannot write" message when the directory really is not writable.
Result<AtomicFile> create_temp(const std::string& target, const std::string& root) {
  auto file = AtomicFile::create(target);
  if (!file.ok() && file.error().code == ErrorCode::kRuntime &&
      ::access(parent_of(target).c_str(), W_OK) != 0)
    return make_error(ErrorCode::kRuntime,
                      "store " + root + ": cannot write: " + std::strerror(errno));
  return file;
}

}  // namespace

Result<BlobInfo> LocalStore::put_blob(const ReadFn& read) {
  const std::string objects = root_ + "/objects";
  MLO_TRY(ensure_dir(objects));
  // The AtomicFile is used only as a self-removing temp file: its target is unknown until the
  // stream is hashed, so the final rename is done here.
  MLO_ASSIGN_OR_RETURN(AtomicFile temp, create_temp(objects + "/incoming", root_));
  std::vector<char> buf(kBufferSize);
  Sha256 hash;
  uint64_t size = 0, flushed = 0;
  for (;;) {
    MLO_ASSIGN_OR_RETURN(size_t n, read(buf.data(), buf.size()));
    if (n == 0) break;
    hash.update(buf.data(), n);
    MLO_TRY(temp.write(buf.data(), n));
    size += n;
    if (size - flushed >= kWritebackChunk) {  // see copy_fd: overlap writeback with the stream
      ::sync_file_range(temp.fd(), static_cast<off_t>(flushed), static_cast<off_t>(size - flushed),
                        SYNC_FILE_RANGE_WRITE);
      flushed = size;
    }
  }
  BlobInfo info{hash.finish(), size, false};
  const std::string target = local_path(blob_key(info.digest));
  MLO_ASSIGN_OR_RETURN(bool existed, reuse_blob(target));
  if (existed) {
    info.existed = true;
    return info;  // `temp` removes itself
  }
  MLO_TRY(fsync_fd(temp.fd(), target));
  MLO_TRY(ensure_dir(parent_of(target)));
  if (::rename(temp.temp_path().c_str(), target.c_str()) != 0)
    return make_error(ErrorCode::kRuntime,
                      "store " + root_ + ": rename blob: " + std::strerror(errno));
  MLO_TRY(fsync_dir(parent_of(target)));
  return info;
}

namespace {

// Copies the source into the temp file on a background thread while the caller hashes it, so a
// new blob costs about max(hash, copy + writeback) instead of their sum. Cancelled (between
// chunks) when the hash shows the blob already exists. Must be destroyed before the temp file.
class SpeculativeCopy {
 public:
  SpeculativeCopy(int in, int out, uint64_t size, std::string what)
      : thread_([this, in, out, size, what = std::move(what)] {
          // Lower priority: when the blob turns out to exist, this work is wasted, so it must not
          // slow down the hash on a busy machine.
          ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
          result_ = copy_fd(in, out, size, what, &cancel_);
        }) {}
  SpeculativeCopy(const SpeculativeCopy&) = delete;
  SpeculativeCopy& operator=(const SpeculativeCopy&) = delete;
  ~SpeculativeCopy() {
    cancel_ = true;
    if (thread_.joinable()) thread_.join();
  }

  Status finish() {
    if (thread_.joinable()) thread_.join();
    return result_;
  }

 private:
  std::atomic<bool> cancel_{false};
  Status result_;
  std::thread thread_;  // last: started after the other members exist
};

}  // namespace

Result<BlobInfo> LocalStore::put_file(const std::string& path) {
  MLO_ASSIGN_OR_RETURN(SourceFile in, SourceFile::open(path));
  const uint64_t expected = in.size();

  // A store we cannot write to is fine as long as the blob is already there.
  std::optional<AtomicFile> temp;
  Status temp_status;
  if (auto made = ensure_dir(root_ + "/objects"); !made.ok()) {
    temp_status = made;
  } else if (auto file = create_temp(root_ + "/objects/incoming", root_); !file.ok()) {
    temp_status = file.error();
  } else {
    temp.emplace(std::move(file).value());
  }
  std::optional<SpeculativeCopy> copy;
  if (temp) copy.emplace(in.fd(), temp->fd(), expected, path);

  Sha256 hash;
  std::vector<char> buf(kBufferSize);
  uint64_t size = 0;
  for (;;) {
    ssize_t n = ::read(in.fd(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return make_error(ErrorCode::kRuntime, path + ": read failed: " + std::strerror(errno));
    if (n == 0) break;
    hash.update(buf.data(), static_cast<size_t>(n));
    size += static_cast<uint64_t>(n);
  }
  BlobInfo info{hash.finish(), size, false};
  const std::string target = local_path(blob_key(info.digest));
  MLO_ASSIGN_OR_RETURN(bool existed, reuse_blob(target));
  if (existed) {
    info.existed = true;
    return info;  // `copy` is cancelled, then `temp` removes itself
  }
  if (!temp) return temp_status.error();
  MLO_TRY(copy->finish());
  // The copy is not hashed again (that would halve the speed); instead any change to the source
  // between the first read and the end of the copy is detected by size and mtime.
  struct stat copied {};
  if (::fstat(temp->fd(), &copied) != 0 || size != expected || !in.unchanged(size) ||
      static_cast<uint64_t>(copied.st_size) != size)
    return make_error(ErrorCode::kIntegrity, path + ": file changed while it was being stored");
  MLO_TRY(fsync_fd(temp->fd(), target));
  MLO_TRY(ensure_dir(parent_of(target)));
  if (::rename(temp->temp_path().c_str(), target.c_str()) != 0)
    return make_error(ErrorCode::kRuntime,
                      "store " + root_ + ": rename blob: " + std::strerror(errno));
  MLO_TRY(fsync_dir(parent_of(target)));
  return info;
}

Status LocalStore::put_new(const std::string& key, std::string_view bytes) {
  MLO_TRY(validate_key(key));
  const std::string target = local_path(key);
  MLO_TRY(ensure_dir(parent_of(target)));
  MLO_ASSIGN_OR_RETURN(AtomicFile file, create_temp(target, root_));
  MLO_TRY(file.write(bytes));
  auto s = file.commit_new();
  if (!s.ok() && s.error().code == ErrorCode::kConflict)
    return make_error(ErrorCode::kConflict, "store " + root_ + ": " + key + " already exists");
  return s;
}

Status LocalStore::put_if(const std::string& key, std::string_view bytes,
                          const std::string& expected_etag) {
  MLO_TRY(validate_key(key));
  const std::string target = local_path(key);
  const std::string dir = parent_of(target);
  MLO_TRY(ensure_dir(dir));
  MLO_ASSIGN_OR_RETURN(KeyLock lock, acquire_key_lock(root_, target, key, lock_timeout_));
  auto current = get(key);
  if (!current.ok() && current.error().code != ErrorCode::kNotFound) return current.error();
  if (!current.ok() && !expected_etag.empty())
    return make_error(ErrorCode::kConflict,
                      "store " + root_ + ": " + key + " changed (it no longer exists)");
  if (current.ok() && expected_etag.empty())
    return make_error(ErrorCode::kConflict, "store " + root_ + ": " + key + " already exists");
  if (current.ok() && digest_bytes(*current) != expected_etag)
    return make_error(ErrorCode::kConflict,
                      "store " + root_ + ": " + key + " was changed by someone else");
  MLO_ASSIGN_OR_RETURN(AtomicFile file, create_temp(target, root_));
  MLO_TRY(file.write(bytes));
  // link() for a first write, so a racing put_new (which takes no lock) cannot be overwritten.
  auto s = expected_etag.empty() ? file.commit_new() : file.commit();
  if (!s.ok() && s.error().code == ErrorCode::kConflict)
    return make_error(ErrorCode::kConflict, "store " + root_ + ": " + key + " already exists");
  return s;
}

}  // namespace mlo
