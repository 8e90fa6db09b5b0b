// Store: the key/value namespace every model version lives in (DESIGN.md section 2).
// These are the only operations the registry may use. Keys are '/'-separated relative paths
// ("models/x/versions/3.yaml"); validate_key() rejects anything else, so a hostile key can
// never escape a local store's directory. Segments starting with '.' are reserved for backends
// (temp and lock files), so list() never returns them.
//
// Contracts shared by every backend:
//  - get/head on a missing key: kNotFound.
//  - put_blob is idempotent: it hashes the stream, and skips the write when
//    objects/sha256/<2 hex>/<62 hex> exists. After it returns, the blob is durable.
//  - put_new is create-only: kConflict if the key exists (two racing writers: exactly one wins).
//  - put_if replaces the key only if its current etag equals `expected_etag`; an empty
//    expected_etag means "must not exist yet". kConflict on mismatch.
//  - Writes are atomic: a reader sees the old bytes or the new bytes, never a prefix.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mlo/core/result.hpp"

namespace mlo {

struct ObjectInfo {
  uint64_t size = 0;
  std::string etag;  // changes whenever the bytes change (local/memory: digest of the bytes)
};

// Pull-style byte source for put_blob: fills `buf` with up to `cap` bytes, returns the count,
// 0 at end of stream.
using ReadFn = std::function<Result<size_t>(char* buf, size_t cap)>;

struct BlobInfo {
  std::string digest;  // "sha256:<hex>"
  uint64_t size = 0;
  bool existed = false;  // true when the store already had it (nothing was written)
};

class Store {
 public:
  virtual ~Store() = default;

  virtual Result<std::string> get(const std::string& key) = 0;
  virtual Result<ObjectInfo> head(const std::string& key) = 0;
  // Keys starting with `prefix`, sorted, recursively (like S3 ListObjectsV2 without delimiter).
  virtual Result<std::vector<std::string>> list(const std::string& prefix) = 0;
  // The immediate children of `prefix` ("" or ending in '/'), like S3 ListObjectsV2 with
  // delimiter '/': a key directly below it as its last segment ("3.yaml"), a deeper level as
  // "name/" (a common prefix). Sorted (byte-wise, as the full keys), unique. Lets a caller skip
  // whole subtrees (`mlo list` never reads events/). A local store may also report a level that
  // holds no keys (an empty directory); list() below it is then empty. The default derives the
  // answer from list(prefix).
  virtual Result<std::vector<std::string>> list_children(const std::string& prefix);
  virtual Status remove(const std::string& key) = 0;

  virtual Result<BlobInfo> put_blob(const ReadFn& read) = 0;
  virtual Status put_new(const std::string& key, std::string_view bytes) = 0;
  virtual Status put_if(const std::string& key, std::string_view bytes,
                        const std::string& expected_etag) = 0;

  // Human-readable location for messages ("/srv/mlo", "memory://t1").
  virtual std::string url() const = 0;
  // A local path for `key` if the backend has one (lets large blobs be read with mmap/streams);
  // empty otherwise.
  virtual std::string local_path(const std::string& /*key*/) const { return {}; }
};

// Chooses a backend by URL scheme: "/path", "relative/path", "file:///path" -> local;
// "memory://name" -> in-memory (process-wide registry of named stores, for tests).
// "s3://" -> kUsage for now (later issue). Does not create anything.
Result<std::unique_ptr<Store>> open_store(const std::string& url);

// Helpers built on the interface.
std::string blob_key(std::string_view digest);  // "sha256:ab12..." -> "objects/sha256/ab/12..."
Status validate_key(std::string_view key);
// For list_children(): the validate_key() error unless `prefix` is "" or a valid key + '/'.
Status validate_children_prefix(std::string_view prefix);
// The list_children() answer computed from `keys` (sorted, all starting with `prefix`).
std::vector<std::string> children_of_keys(const std::vector<std::string>& keys,
                                          std::string_view prefix);
Result<BlobInfo> put_blob_bytes(Store& store, std::string_view bytes);
Result<BlobInfo> put_blob_file(Store& store, const std::string& path);  // streams, any size
// Reads a blob and checks its digest (kIntegrity on mismatch).
Result<std::string> get_blob(Store& store, std::string_view digest);

}  // namespace mlo
