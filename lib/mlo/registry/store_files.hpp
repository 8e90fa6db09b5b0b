// What a local store holds on disk beyond its keys: symlinks (a store never creates one; reads
// must not follow one out of the store) and temp files left by interrupted writes. Used by
// verify; empty for stores without a local directory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mlo/store/store.hpp"

namespace mlo {

struct StoreFileFinding {
  enum Kind { kSymlink, kStaleTemp } kind = kSymlink;
  std::string path;  // relative to the store root
};

// Temp files are backends' ".<name>.tmp-*" files; reported when older than `temp_age_seconds`.
std::vector<StoreFileFinding> scan_store_files(const Store& store, int64_t temp_age_seconds);

}  // namespace mlo
