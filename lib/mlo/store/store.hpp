// Store: the key/value namespace every model version lives in (DESIGN.md section 2).
// These are the only operations the registry may use. Keys are '/'-separated relative paths
// ("models/x/versions/3.yaml"); validate_key() rejects anything else, so a hostile key can
// never escape a local store's directory. Segments starting with '.' are reserved for backends
// (temp and lock files), so list() never returns them.
//
// Contracts shared by every backend:
//  - get/head on a missing key: kNotFound.
//  - put_blob is idempotent: it hashes the stream, and skips the write when
//    objects/sha256/<2 hex>/<62 hex> exists. After it returns, the blob is durable, and its
//    mtime is recent even when it already existed (the existing blob is touched), so `mlo gc`
//    never collects a blob a writer has just decided to reuse (registry/gc.hpp).
//  - put_new is create-only: kConflict if the key exists (two racing writers: exactly one wins).
//  - put_if replaces the key only if its current etag equals `expected_etag`; an empty
//    expected_etag means "must not exist yet". kConflict on mismatch.
//  - Writes are atomic: a reader sees the old bytes or the new bytes, never a prefix.
//  - Nothing inside a store follows a link out of it: a local store refuses to read a key that is
//    a symlink (kIntegrity).
//
// Callers never learn which backend they hold: open_store() picks one by URL scheme, and
// everything else goes through this interface.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mlo/core/output_sink.hpp"
#include "mlo/core/result.hpp"

namespace mlo {

struct ObjectInfo {
  uint64_t size = 0;
  // Opaque; changes whenever the bytes change (local/memory: digest of the bytes; S3: the
  // server's ETag). Only ever compared with another etag of the same store (put_if).
  std::string etag;
  int64_t mtime = 0;  // last modification, seconds since the epoch (0 if unknown)
};

// Pull-style byte source for put_blob: fills `buf` with up to `cap` bytes, returns the count,
// 0 at end of stream.
using ReadFn = std::function<Result<size_t>(char* buf, size_t cap)>;
// Push-style byte sink for get_to: receives the object in order, in pieces of any size.
// An error stops the transfer and is returned by get_to.
using WriteFn = std::function<Status(const char* data, size_t size)>;

// Something a backend holds besides its keys, which list() never shows (Store::list_strays).
struct StrayEntry {
  enum class Kind {
    kTemp,     // left by an interrupted write; removable with remove_stray once old enough
    kSymlink,  // a link inside a local store: reads refuse it; never removed by mlo
  };
  Kind kind = Kind::kTemp;
  std::string name;    // for messages: where it is, relative to the store's root
  uint64_t size = 0;   // bytes it occupies (0 if unknown)
  int64_t mtime = 0;   // seconds since the epoch (0 if unknown)
  std::string handle;  // backend-private: what remove_stray needs to find it again
};

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
  // Streams the object into `sink` without holding it in memory. On error the sink may have
  // received a prefix; callers that keep the bytes write them somewhere they can discard.
  // The default reads the whole object with get().
  virtual Status get_to(const std::string& key, const WriteFn& sink);
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
  // Removes `key` only if its size and mtime are still those of `seen` (a head() result):
  // kConflict if it changed (e.g. put_blob touched a reused blob), kNotFound if it is gone. gc
  // uses it so a blob a writer reuses at that very moment survives. Local and memory stores
  // check and remove atomically; the default (S3 has no conditional delete) heads, then
  // removes, leaving a window of one round trip.
  virtual Status remove_if_unchanged(const std::string& key, const ObjectInfo& seen);

  virtual Result<BlobInfo> put_blob(const ReadFn& read) = 0;
  // put_blob from a regular file, any size (kNotFound if missing, kUsage if not a regular file).
  // The default streams it through put_blob; backends override it to hash first and skip the
  // upload when the blob exists, or to copy in the kernel.
  virtual Result<BlobInfo> put_file(const std::string& path);
  virtual Status put_new(const std::string& key, std::string_view bytes) = 0;
  virtual Status put_if(const std::string& key, std::string_view bytes,
                        const std::string& expected_etag) = 0;

  // Housekeeping for verify and gc, without knowing the backend: what the store holds outside
  // its keys. A local store reports its ".<name>.tmp-*" files and every symlink below its root
  // (never followed); an S3 store its incomplete multipart uploads (as kTemp); the default (a
  // backend with no hidden state, e.g. memory) reports nothing. Sorted by name.
  virtual Result<std::vector<StrayEntry>> list_strays();
  // Deletes one kTemp entry that list_strays() reported. kNotFound if it is already gone, kUsage
  // for any other kind or an entry this backend did not produce.
  virtual Status remove_stray(const StrayEntry& entry);

  // A writer for a data file at `key` (an s3:// output of score-batch or drift; not for the
  // registry's own keys, which have put_new/put_if): bounded memory whatever the size, and the
  // key changes only when the sink is published, all at once (OutputSink's contract). S3: one
  // PUT at publish, or above the part size a multipart upload completed at publish and aborted
  // when the sink is dropped. The default (local, memory) is kUsage: local outputs are files.
  virtual Result<std::unique_ptr<OutputSink>> open_writer(const std::string& key);

  // Human-readable location for messages ("/srv/mlo", "memory://t1").
  virtual std::string url() const = 0;
};

// Chooses a backend by URL scheme (store/open_store.cpp): "/path", "relative/path",
// "file:///path" -> local; "memory://name" -> in-memory (process-wide registry of named stores,
// for tests); "s3://bucket/prefix" -> S3 (settings from the environment, docs/s3.md).
// Does not create anything and makes no network request.
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
// Streams a blob into `sink` and checks its digest at the end (kIntegrity on mismatch: the sink
// then holds bytes it must discard).
Status get_blob_to(Store& store, std::string_view digest, const WriteFn& sink);
// The digest of the object at `key`, streamed (bounded memory, any size).
Result<std::string> digest_key(Store& store, const std::string& key);

}  // namespace mlo
