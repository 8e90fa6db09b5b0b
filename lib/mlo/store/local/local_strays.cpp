// LocalStore housekeeping for verify and gc (store.hpp): list_strays / remove_stray (what the
// key interface hides: temp files of interrupted writes, symlinks) and remove_if_unchanged.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <system_error>

#include "mlo/core/atomic_file.hpp"
#include "mlo/store/local/local_store.hpp"
#include "mlo/store/source_file.hpp"

namespace mlo {

namespace {

namespace fs = std::filesystem;

// The names AtomicFile gives its temp files: ".<target name>.tmp-<random>".
bool is_temp_name(std::string_view leaf) {
  return leaf.size() > 1 && leaf[0] == '.' && leaf.find(".tmp-") != std::string_view::npos;
}

}  // namespace

Status LocalStore::remove_if_unchanged(const std::string& key, const ObjectInfo& seen) {
  // Mutable keys are removed under their put_if lock (remove); only blobs are moved aside.
  if (key.rfind("objects/", 0) != 0) return Store::remove_if_unchanged(key, seen);
  MLO_TRY(validate_key(key));
  const std::string target = local_path(key);
  const size_t slash = target.rfind('/');
  const std::string dir = target.substr(0, slash);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  // A temp name: should we die before the unlink, gc collects it as a stale temp file.
  const std::string aside =
      dir + "/." + target.substr(slash + 1) + ".tmp-gc" + std::to_string(rng() % 1000000007);
  // Moved aside first: from now on a writer reusing the blob finds it missing (its touch fails)
  // and stores it again, while a touch that landed before shows in the mtime read below.
  if (::rename(target.c_str(), aside.c_str()) != 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return make_error(ErrorCode::kNotFound, "store " + root_ + ": no such key: " + key);
    return make_error(ErrorCode::kRuntime,
                      "store " + root_ + ": remove " + key + ": " + std::strerror(errno));
  }
  struct stat st {};
  const bool same = ::lstat(aside.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
                    static_cast<uint64_t>(st.st_size) == seen.size &&
                    static_cast<int64_t>(st.st_mtim.tv_sec) == seen.mtime;
  if (same) {
    if (::unlink(aside.c_str()) != 0)
      return make_error(ErrorCode::kRuntime,
                        "store " + root_ + ": remove " + key + ": " + std::strerror(errno));
    return fsync_dir(dir);
  }
  // Changed: put it back, unless a writer has stored the blob again meanwhile (same name, same
  // bytes: either copy will do).
  if (::link(aside.c_str(), target.c_str()) != 0 && errno != EEXIST &&
      ::rename(aside.c_str(), target.c_str()) != 0)
    return make_error(ErrorCode::kRuntime,
                      "store " + root_ + ": restore " + key + ": " + std::strerror(errno));
  ::unlink(aside.c_str());
  MLO_TRY(fsync_dir(dir));
  return make_error(ErrorCode::kConflict, "store " + root_ + ": " + key + " changed meanwhile");
}

Result<std::vector<StrayEntry>> LocalStore::list_strays() {
  std::vector<StrayEntry> out;
  const fs::path root = root_;
  std::error_code ec;
  if (!fs::exists(root, ec)) return out;
  // The iterator never follows a symlink to a directory (its default), so the walk stays inside
  // the store and reports the link itself.
  fs::recursive_directory_iterator it(root, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    // Lexical: fs::relative would resolve the very symlink being reported.
    std::string rel = p.lexically_relative(root).generic_string();
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) continue;  // vanished meanwhile (a rename completed)
    StrayEntry entry;
    entry.mtime = static_cast<int64_t>(st.st_mtim.tv_sec);
    if (S_ISLNK(st.st_mode)) {
      entry.kind = StrayEntry::Kind::kSymlink;
    } else if (S_ISREG(st.st_mode) && is_temp_name(p.filename().native())) {
      entry.kind = StrayEntry::Kind::kTemp;
      entry.size = static_cast<uint64_t>(st.st_size);
    } else {
      continue;
    }
    entry.handle = rel;
    entry.name = std::move(rel);
    out.push_back(std::move(entry));
  }
  if (ec)
    return make_error(ErrorCode::kRuntime, "store " + root_ + ": scan failed: " + ec.message());
  std::sort(out.begin(), out.end(),
            [](const StrayEntry& a, const StrayEntry& b) { return a.name < b.name; });
  return out;
}

Status LocalStore::remove_stray(const StrayEntry& entry) {
  const std::string& rel = entry.handle;
  const size_t slash = rel.rfind('/');
  const std::string leaf = slash == std::string::npos ? rel : rel.substr(slash + 1);
  const std::string dir = slash == std::string::npos ? std::string() : rel.substr(0, slash);
  if (entry.kind != StrayEntry::Kind::kTemp || !is_temp_name(leaf) ||
      (!dir.empty() && !validate_key(dir).ok()))
    return Store::remove_stray(entry);
  auto failed = [&](int err) {
    if (err == ENOENT || err == ENOTDIR)
      return make_error(ErrorCode::kNotFound, "store " + root_ + ": " + rel + ": already gone");
    return make_error(ErrorCode::kRuntime,
                      "store " + root_ + ": remove " + rel + ": " + std::strerror(err));
  };
  // One directory at a time with O_NOFOLLOW: a directory swapped for a link since the scan
  // cannot make this unlink a file outside the store.
  ScopedFd at{::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (at.fd < 0) return failed(errno);
  for (size_t start = 0; start < dir.size();) {
    size_t end = dir.find('/', start);
    if (end == std::string::npos) end = dir.size();
    const std::string segment = dir.substr(start, end - start);
    int fd = ::openat(at.fd, segment.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return failed(errno);
    ::close(at.fd);
    at.fd = fd;
    start = end + 1;
  }
  struct stat st {};
  if (::fstatat(at.fd, leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return failed(errno);
  if (!S_ISREG(st.st_mode)) return Store::remove_stray(entry);
  if (::unlinkat(at.fd, leaf.c_str(), 0) != 0) return failed(errno);
  return {};
}

}  // namespace mlo
