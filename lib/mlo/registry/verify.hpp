// verify: the store's integrity check behind `mlo verify`. It re-hashes blobs, parses every
// manifest, checks that every reference resolves (artifacts -> blobs with the recorded size,
// events -> versions and manifest digests, aliases -> versions) and that each audit chain links.
// Problems are corruption (exit 6). Notes are states a crash can legitimately leave, e.g. a
// complete version whose `registered` event was never appended.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/store/store.hpp"

namespace mlo {

struct VerifyIssue {
  std::string key;      // the store key at fault
  std::string message;  // why, without the key
};

struct VerifyReport {
  std::vector<VerifyIssue> problems;
  std::vector<VerifyIssue> notes;
  size_t models = 0, versions = 0, events = 0, aliases = 0, blobs = 0;
  uint64_t blob_bytes = 0;
  bool ok() const { return problems.empty(); }
};

struct VerifyOptions {
  std::string
      model;  // empty: the whole store (every blob under objects/); else one model and its blobs
  std::function<void(const std::string& key)>
      on_blob;  // progress, called before each blob is hashed
};

// Errors only when the store cannot be read at all; everything found is in the report.
Result<VerifyReport> verify_store(Store& store, const VerifyOptions& options = {});

}  // namespace mlo
