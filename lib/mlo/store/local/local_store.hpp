// LocalStore: a Store in a directory (DESIGN.md section 2). Key "a/b/c" is the file
// <root>/a/b/c. The root (and its parents) is created on the first write; opening creates
// nothing. Names starting with '.' are reserved for the store's own temp and lock files:
// validate_key() rejects them and list() skips them.
//
//  - put_blob streams into a temp file under objects/ while hashing, then renames it into
//    objects/sha256/ab/cd... (or drops it if that blob already exists).
//  - put_new: temp file + link(), so exactly one of several racing writers wins.
//  - put_if: under an flock on "<dir>/.<name>.lock" (bounded wait), compares the current etag
//    (digest of the current bytes) and atomically replaces the file.
//  - Reads open the key one path segment at a time with O_NOFOLLOW below the root, so a key that
//    is (or passes through) a symlink is refused with kIntegrity instead of read from outside the
//    store. The root itself may be a symlink.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <string>

#include "mlo/store/store.hpp"

namespace mlo {

class LocalStore : public Store {
 public:
  explicit LocalStore(std::string root);

  Result<std::string> get(const std::string& key) override;
  Result<ObjectInfo> head(const std::string& key) override;
  Status get_to(const std::string& key, const WriteFn& sink) override;
  Result<std::vector<std::string>> list(const std::string& prefix) override;
  // One directory read: <root>/<prefix>; sub-directories are reported even when empty.
  Result<std::vector<std::string>> list_children(const std::string& prefix) override;
  Status remove(const std::string& key) override;
  Status remove_if_unchanged(const std::string& key, const ObjectInfo& seen) override;
  Result<BlobInfo> put_blob(const ReadFn& read) override;
  Status put_new(const std::string& key, std::string_view bytes) override;
  Status put_if(const std::string& key, std::string_view bytes,
                const std::string& expected_etag) override;
  // Temp files (".<name>.tmp-*", left by a write that died before its rename) and symlinks
  // anywhere below the root, found by a walk that never follows a link. remove_stray unlinks a
  // temp file, opening its directories one at a time with O_NOFOLLOW.
  Result<std::vector<StrayEntry>> list_strays() override;
  Status remove_stray(const StrayEntry& entry) override;
  std::string url() const override { return root_; }

  // Hashes the file in one read pass, and only if the blob is new copies it in the kernel
  // (copy_file_range) instead of a read/hash/write loop. kIntegrity if the file changed (size or
  // mtime) while it was hashed and copied.
  Result<BlobInfo> put_file(const std::string& path) override;

  // How long put_if waits for the per-key lock before giving up with kConflict.
  void set_lock_timeout(std::chrono::milliseconds timeout) { lock_timeout_ = timeout; }

 private:
  Status ensure_dir(const std::string& dir);
  Error write_error(int err) const;
  Result<bool> exists(const std::string& path) const;
  // put_blob/put_file of a blob already stored: true after refreshing its mtime, false if absent.
  Result<bool> reuse_blob(const std::string& path) const;
  // Opens `key` for reading without following any symlink below the root; fills `st`.
  Result<int> open_key(const std::string& key, struct stat* st) const;
  std::string local_path(const std::string& key) const { return root_ + "/" + key; }

  std::string root_;
  std::chrono::milliseconds lock_timeout_{10'000};
};

}  // namespace mlo
