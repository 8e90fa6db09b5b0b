// verify: the store's integrity check behind `mlo verify`. It re-hashes blobs, parses every
// manifest, checks that every reference resolves (artifacts -> blobs with the recorded size,
// events -> versions and manifest digests, aliases -> versions) and that each audit chain links.
// Problems are corruption (exit 6): a blob, manifest, event or alias that does not hash or link
// as recorded, an event HMAC that fails under MLO_AUDIT_KEY, an alias record that is not the
// result of its last recorded move, a symlink inside a local store. Notes are states a crash can
// legitimately leave: a complete version whose `registered` event was never appended, an alias
// move whose event is pending, a temp file older than an hour.
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
  // Progress, called before each blob is hashed: from worker threads, one call at a time.
  std::function<void(const std::string& key)> on_blob;
  // Models and blobs checked at once; 0 = max(8, cores) (reads wait on the store: a round trip
  // each on S3). The report is the same for any value.
  int threads = 0;
  int64_t temp_age_seconds = 3600;  // temp files older than this are reported (whole store)
};

// Errors only when the store cannot be read at all; everything found is in the report.
Result<VerifyReport> verify_store(Store& store, const VerifyOptions& options = {});

}  // namespace mlo
