// Bundles: a model's history as one file, `<name>.mlo.tar.zst` (DESIGN.md section 8).
//
// A tar archive (pax), compressed with zstd, whose entries are store keys:
//   mlo-bundle.yaml            the index, always first: {apiVersion: mlo/v1, kind: Bundle,
//                              model, version (0: whole history), entries: [{path, size,
//                              digest}]}; every other entry is listed once, with the digest of
//                              its bytes
//   objects/sha256/xx/...      the blobs
//   models/<name>/versions|events|aliases/...   the documents, same bytes as in the store
//
// Import trusts nothing in the file: it reads entries one at a time under limits (entry count,
// document size, total expanded size, compression ratio), accepts only regular files whose
// path is a valid store key of the indexed model's layout, each listed in the index with the
// size and digest it arrives with. It stages everything into a throw-away store, checks that
// the staged keys are exactly the model's closure (every manifest's blobs present, chain
// intact), checks the destination for conflicts, and only then copies with copy_closure, so a
// refused archive writes nothing to the destination.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mlo/core/result.hpp"
#include "mlo/store/store.hpp"
#include "mlo/transfer/copy.hpp"

namespace mlo {

inline constexpr const char* kBundleIndexPath = "mlo-bundle.yaml";

struct ExportResult {
  std::string name;
  std::optional<int64_t> version;
  std::string path;
  uint64_t entries = 0;  // including the index
  uint64_t blobs = 0;
  uint64_t blob_bytes = 0;
  uint64_t archive_bytes = 0;  // compressed size written
};

// Writes REF ("NAME" or "NAME:N", closure.hpp) of `store` to `path` through OutputFile (atomic:
// the old file stays until the archive is complete). Blobs are streamed and digest-checked.
Result<ExportResult> export_bundle(Store& store, const std::string& ref, const std::string& path);

struct ImportLimits {
  uint64_t max_entries = 100000;
  uint64_t max_doc_bytes = 1u << 20;       // index, manifests, events, aliases
  uint64_t max_total_bytes = 64ull << 30;  // all entries' expanded bytes together
  uint64_t max_ratio = 100;                // expanded : compressed, once past ratio_floor
  uint64_t ratio_floor = 16u << 20;
};

struct ImportOptions {
  ImportLimits limits;
  bool dry_run = false;  // verify the archive and check for conflicts; write nothing
  // Where the staging store is made (a fresh directory, removed afterwards); "" = $TMPDIR or
  // /tmp. Staging on disk keeps memory bounded whatever the blobs' size.
  std::string staging_dir;
};

struct ImportResult {
  std::string path;
  uint64_t entries = 0;
  CopyResult copy;
};

// kInvalidInput (3): not a zstd tar, truncated, a limit exceeded, a forbidden or unknown entry,
// a duplicate, an index that does not match, an incomplete history; kIntegrity (6): an entry
// whose bytes do not hash to the digest its index (or its blob key) names; kConflict (5): the
// destination holds another history. Messages name the archive and the entry.
Result<ImportResult> import_bundle(Store& store, const std::string& path,
                                   const ImportOptions& options = {});

}  // namespace mlo
