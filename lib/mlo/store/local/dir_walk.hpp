// Fast recursive listing of a local directory tree for LocalStore::list(). A store of 1,000
// models x 10 versions is ~3,000 directories, so the walk uses openat() relative to the parent
// directory and raw getdents64() with d_type: no per-entry stat (only where the file system
// reports DT_UNKNOWN or a symlink), no std::filesystem path objects, no final sort.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mlo/core/result.hpp"

namespace mlo {

// Appends `key_base + <relative path>` for every regular file (or symlink to one) under `dir`
// to `out`, in byte-wise lexicographic order of the whole key. Names starting with '.' are
// skipped (and not descended into); symlinks to directories are not followed. At the top level
// only names starting with `first_segment` are considered. A missing `dir` yields nothing.
// On error returns a message naming the directory that failed (errno text).
Status walk_files(const std::string& dir, const std::string& key_base,
                  std::string_view first_segment, std::vector<std::string>& out);

// Appends the immediate children of `dir` to `out` as Store::list_children() reports them:
// regular files (or symlinks to one) by name, directories as "name/", dot-names skipped, in the
// same order as walk_files(). A missing `dir` yields nothing.
Status list_children_of(const std::string& dir, std::vector<std::string>& out);

}  // namespace mlo
