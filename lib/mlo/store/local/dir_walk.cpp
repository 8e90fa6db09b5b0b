#include "mlo/store/local/dir_walk.hpp"
#include "mlo/store/source_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace mlo {
namespace {

constexpr size_t kDentsBuffer = 32 * 1024;
constexpr int kMaxDepth = 64;  // keys are short; deeper means a loop or a foreign tree

struct Entry {
  std::string name;
  bool is_dir = false;
};

// Not zero-filled: `mlo list` asks for thousands of small directories one list() at a time.
struct DentsBuffer {
  std::unique_ptr<char[]> data = std::make_unique_for_overwrite<char[]>(kDentsBuffer);
};

Error walk_error(const std::string& what, int err) {
  return make_error(ErrorCode::kRuntime, what + ": " + std::strerror(err));
}

// d_type is DT_UNKNOWN on some file systems and DT_LNK for symlinks: only then pay for a stat.
// Returns false for anything that is neither a regular file nor a real directory.
bool classify(int dir_fd, const dirent64* d, bool* is_dir) {
  unsigned char type = d->d_type;
  if (type == DT_UNKNOWN || type == DT_LNK) {
    struct stat st {};
    int flags = type == DT_LNK ? 0 : AT_SYMLINK_NOFOLLOW;
    if (::fstatat(dir_fd, d->d_name, &st, flags) != 0) return false;
    if (S_ISREG(st.st_mode))
      type = DT_REG;
    else if (S_ISDIR(st.st_mode) && type == DT_UNKNOWN)
      type = DT_DIR;
    else
      return false;  // includes symlinks to directories: not followed
  }
  *is_dir = type == DT_DIR;
  return type == DT_REG || type == DT_DIR;
}

// Reads the entries of `fd` that are files or directories, sorted so that a depth-first walk
// emits keys in global order: a directory sorts as "name/", because every key below it starts
// with that.
Status read_entries(int fd, const std::string& path, std::string_view first_segment,
                    std::vector<Entry>& entries, DentsBuffer& buf) {
  for (;;) {
    ssize_t n = ::getdents64(fd, buf.data.get(), kDentsBuffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return walk_error(path, errno);
    if (n == 0) break;
    for (ssize_t off = 0; off < n;) {
      const auto* d = reinterpret_cast<const dirent64*>(buf.data.get() + off);
      off += d->d_reclen;
      std::string_view name(d->d_name);
      if (name.empty() || name[0] == '.') continue;  // ".", "..", temp, lock, foreign dot-files
      if (name.substr(0, first_segment.size()) != first_segment) continue;
      bool is_dir = false;
      if (classify(fd, d, &is_dir)) entries.push_back({std::string(name), is_dir});
    }
  }
  auto sort_key = [](const Entry& e, size_t i) -> int {
    return i < e.name.size() ? static_cast<unsigned char>(e.name[i]) : (e.is_dir ? '/' : -1);
  };
  std::sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
    for (size_t i = 0;; ++i) {
      int x = sort_key(a, i), y = sort_key(b, i);
      if (x != y || x < 0 || x == '/') return x < y;
    }
  });
  return {};
}

// Opens a directory for reading; `missing` (and fd -1) when it does not exist.
Status open_dir(int parent_fd, const char* name, const std::string& path, int flags, ScopedFd& dir,
                bool& missing) {
  dir.fd = ::openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | flags);
  missing = dir.fd < 0 && (errno == ENOENT || errno == ENOTDIR);
  if (dir.fd < 0 && !missing) return walk_error(path, errno);
  return {};
}

Status walk(int parent_fd, const char* name, const std::string& path, std::string& key,
            std::string_view first_segment, int depth, std::vector<std::string>& out,
            DentsBuffer& buf) {
  if (depth > kMaxDepth) return walk_error(path, ELOOP);
  // The top directory may be reached through a symlink (a store root can be one); below it,
  // entries were classified as real directories and O_NOFOLLOW only guards against a swap.
  // Missing means no keys (below the top: removed by a concurrent writer since it was read).
  ScopedFd dir;
  bool missing = false;
  MLO_TRY(open_dir(parent_fd, name, path, depth > 0 ? O_NOFOLLOW : 0, dir, missing));
  if (missing) return {};
  std::vector<Entry> entries;
  MLO_TRY(read_entries(dir.fd, path, first_segment, entries, buf));
  const size_t base_len = key.size();
  for (const Entry& e : entries) {
    key.append(e.name);
    if (e.is_dir) {
      key.push_back('/');
      MLO_TRY(walk(dir.fd, e.name.c_str(), path + "/" + e.name, key, {}, depth + 1, out, buf));
    } else {
      out.push_back(key);
    }
    key.resize(base_len);
  }
  return {};
}

}  // namespace

Status list_children_of(const std::string& dir, std::vector<std::string>& out) {
  ScopedFd fd;
  bool missing = false;
  MLO_TRY(open_dir(AT_FDCWD, dir.c_str(), dir, 0, fd, missing));
  if (missing) return {};
  DentsBuffer buf;
  std::vector<Entry> entries;
  MLO_TRY(read_entries(fd.fd, dir, {}, entries, buf));
  for (Entry& e : entries) out.push_back(e.is_dir ? std::move(e.name) + "/" : std::move(e.name));
  return {};
}

Status walk_files(const std::string& dir, const std::string& key_base,
                  std::string_view first_segment, std::vector<std::string>& out) {
  DentsBuffer buf;
  std::string key = key_base;
  return walk(AT_FDCWD, dir.c_str(), dir, key, first_segment, 0, out, buf);
}

}  // namespace mlo
