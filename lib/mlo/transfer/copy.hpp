// Copying a model's history between stores (push, pull, copy, and the last step of import).
//
// Write order makes the destination never point at something missing, and makes a re-run
// finish an interrupted copy: blobs first (skipped when the destination has them, streamed,
// digest checked on arrival), then manifests, then events in chain order, then aliases.
// Manifests and events are create-only (put_new): a destination that already holds one of
// those keys with other bytes has a conflicting history, kConflict, and nothing is overwritten.
// An alias is created, or moved forward with compare-and-swap when the destination's record is
// the same move or an earlier move in the (shared) chain; a destination that is ahead keeps its
// alias; anything else is kConflict. Every decision is made once read-only before anything is
// written, so a conflict leaves the destination exactly as it was.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/store/store.hpp"
#include "mlo/transfer/closure.hpp"

namespace mlo {

struct CopyOptions {
  std::optional<int64_t> version;  // only this version's history (closure.hpp)
  bool dry_run = false;            // read both stores, decide everything, write nothing
  // Called before each blob that has to be transferred (progress).
  std::function<void(const std::string& digest, uint64_t size)> on_blob;
};

struct CopyCount {
  uint64_t copied = 0;   // written to the destination (or would be, in a dry run)
  uint64_t present = 0;  // already there with the same content
  uint64_t kept = 0;     // aliases only: the destination is ahead, left as it is
};

struct CopyResult {
  std::string name;
  CopyCount blobs, manifests, events, aliases;
  uint64_t bytes_copied = 0;         // blob bytes transferred
  uint64_t bytes_total = 0;          // blob bytes in the closure
  std::vector<std::string> written;  // keys written, in order (dry run: would be written)
};

// Copies `name` from `src` to `dst`. Errors name the store and key; kConflict as above;
// kIntegrity when a blob arrives with another digest than its manifest names.
Result<CopyResult> copy_model(Store& src, Store& dst, const std::string& name,
                              const CopyOptions& options = {});
// The same, from a closure already read (import stages one; push reuses it).
Result<CopyResult> copy_closure(Store& src, const ModelClosure& closure, Store& dst,
                                const CopyOptions& options = {});

// Copies several models (every model of `src` when `names` is empty), stopping at the first
// error. Both stores must be initialised (check_store_marker).
struct CopyManyResult {
  std::vector<CopyResult> models;
};
Result<CopyManyResult> copy_models(Store& src, Store& dst, const std::vector<std::string>& names,
                                   const CopyOptions& options = {});

// "NAME" or "NAME:N" -> (name, version); kUsage for anything else (aliases and digests name a
// moving or partial view of a history, not a history).
struct TransferRef {
  std::string name;
  std::optional<int64_t> version;
};
Result<TransferRef> parse_transfer_ref(const std::string& ref);

// push/pull: copies REF from `src` to `dst` (both must be initialised); options.version is
// taken from the reference.
Result<CopyResult> transfer_ref(Store& src, Store& dst, const std::string& ref,
                                CopyOptions options = {});

// Streams one blob from `src` into `dst` (bounded memory: a reader thread and a small queue)
// and checks that it arrived under `digest`.
Result<BlobInfo> copy_blob(Store& src, Store& dst, const std::string& digest);

}  // namespace mlo
