// gc: the store's garbage collector behind `mlo gc` (DESIGN.md section 2). Removes blobs under
// objects/ that no version manifest refers to and that are older than a grace period, and the
// backend's temp entries (Store::list_strays, kind kTemp) older than the same period.
//
// Safe against concurrent writers (register, train, retrain, pull, import), because of three
// rules that hold together:
//  1. Writers store blobs before the manifest that refers to them (DESIGN.md section 2), so a
//     write in progress has only unreferenced blobs, and put_blob leaves each of them with a
//     recent mtime, even one that already existed (the store touches a reused blob).
//  2. gc lists the blobs first and the manifests AFTER, so a manifest written before gc reads
//     the manifest list is seen and its blobs are kept.
//  3. Right before removing a candidate gc reads its mtime again (head) and keeps it if it is
//     younger than the grace period; the removal itself is conditional on that mtime
//     (Store::remove_if_unchanged), so a touch landing in between keeps the blob too.
// A writer whose manifest lands after gc's manifest listing put (or touched) its blobs after
// gc's blob listing or less than one write's duration before it, so they are recent and kept,
// as long as a write takes less than the grace period (default 24 h; the S3 backend refreshes
// a reused blob only when it is older than 10 minutes, so a grace period below that is for
// tests only). On S3, which has no conditional delete, one round trip remains between the
// last head and the DELETE; a writer reusing that exact old, unreferenced blob in it would
// leave a manifest pointing at a missing blob, which verify reports and registering the same
// bytes again repairs.
// mtimes come from the store (S3: the server's clock); the grace period absorbs clock skew.
//
// A manifest that cannot be read or parsed makes gc fail before removing anything: it cannot
// tell which blobs that manifest needs. Keys under objects/ that are not sha256 blob keys are
// never touched.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/store/store.hpp"

namespace mlo {

struct GcOptions {
  int64_t grace_seconds = 24 * 3600;  // only what is older than this is removed
  bool dry_run = false;               // report what would be removed; remove nothing
  int64_t now = 0;                    // seconds since the epoch; 0 = the current time
  // Called between listing the blobs and listing the manifests (tests: a concurrent writer).
  std::function<void()> after_blob_listing;
};

struct GcItem {
  enum class Kind { kBlob, kTemp };
  Kind kind = Kind::kBlob;
  std::string name;  // blob key, or the temp entry's name as the store reports it
  uint64_t size = 0;
  int64_t mtime = 0;
};

struct GcReport {
  bool dry_run = false;
  std::vector<GcItem> removed;  // removed (dry run: would be), blobs first, each by name
  uint64_t blobs = 0;           // blob keys found under objects/
  uint64_t referenced = 0;      // of those, referenced by some manifest
  uint64_t young = 0;           // unreferenced blobs and temps kept: within the grace period
  uint64_t vanished = 0;        // candidates already gone when gc got to them (another gc)
  uint64_t manifests = 0;       // version manifests read

  uint64_t removed_count(GcItem::Kind kind) const;
  uint64_t removed_bytes(GcItem::Kind kind) const;
};

// kIntegrity (nothing removed) when a manifest cannot be read or parsed; a failing removal stops
// gc with that error (what was removed before it stays removed; the store stays consistent).
Result<GcReport> collect_garbage(Store& store, const GcOptions& options = {});

}  // namespace mlo
