// S3Store: a Store in an S3 bucket under an optional prefix ("s3://bucket/prefix"), with the same
// keys as a local store, so a store copied with `aws s3 sync` still verifies (docs/s3.md).
//
//  - Requests are signed with SigV4 (sigv4.hpp) and sent over libcurl (http.hpp); connections
//    are pooled and reused. Settings come from the environment (s3_config.hpp).
//  - Idempotent requests (GET, HEAD, LIST, DELETE, blob and part uploads) are retried with
//    exponential backoff and full jitter on transport errors, timeouts, 5xx, 429 and SlowDown.
//    An interrupted GET resumes with a Range request, so get_to never re-sends bytes.
//  - put_new is PUT with `If-None-Match: *`; put_if is PUT with `If-Match: <etag>` (the etag is
//    sent unquoted: Ceph RGW compares the raw header). A conditional write whose outcome is
//    unknown (no response, 5xx) is never blindly re-sent: the key is HEADed first. Every
//    conditional write carries a random id as user metadata (x-amz-meta-mlo-write-id): our id
//    there means success, another write means kConflict, the old state means it is safe to retry.
//  - put_blob hashes first (spooling a stream to an unlinked temp file), then HEADs the blob
//    key and uploads only a missing blob: one PUT whose x-amz-content-sha256 is the blob's
//    digest (the server rejects corrupted bytes), or above the part size a multipart upload
//    with parallel parts, aborted on failure. A present blob older than 10 minutes is refreshed
//    by a server-side copy onto itself, so gc sees it as recent (store.hpp).
//  - Error messages never contain credentials or signatures.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "mlo/store/s3/http.hpp"
#include "mlo/store/s3/s3_config.hpp"
#include "mlo/store/store.hpp"

namespace mlo {

class S3Store : public Store {
 public:
  static Result<std::unique_ptr<S3Store>> open(const std::string& url);
  explicit S3Store(s3::S3Config config);

  Result<std::string> get(const std::string& key) override;
  Result<ObjectInfo> head(const std::string& key) override;
  Status get_to(const std::string& key, const WriteFn& sink) override;
  Result<std::vector<std::string>> list(const std::string& prefix) override;
  Result<std::vector<std::string>> list_children(const std::string& prefix) override;
  Status remove(const std::string& key) override;
  Result<BlobInfo> put_blob(const ReadFn& read) override;
  Result<BlobInfo> put_file(const std::string& path) override;
  Status put_new(const std::string& key, std::string_view bytes) override;
  Status put_if(const std::string& key, std::string_view bytes,
                const std::string& expected_etag) override;
  // Incomplete multipart uploads under the prefix (kTemp, mtime = initiation); remove_stray
  // aborts one.
  Result<std::vector<StrayEntry>> list_strays() override;
  Status remove_stray(const StrayEntry& entry) override;
  // Streams a data output to `key` (s3_writer.cpp): the bytes are buffered one part at a time;
  // an output smaller than one part is a single PUT at publish, a larger one a multipart upload
  // whose parts go up as they fill, completed at publish, aborted when dropped unpublished.
  Result<std::unique_ptr<OutputSink>> open_writer(const std::string& key) override;
  std::string url() const override;

  // Creates the bucket (for tests and `mlo init` on a fresh endpoint); fine if it exists.
  Status create_bucket();

 private:
  friend class S3Writer;
  struct Call {
    Call(std::string m, std::string k) : method(std::move(m)), key(std::move(k)) {}
    std::string method;
    std::string key;  // store key ("" = the bucket itself)
    s3::Pairs query;
    s3::Pairs headers;
    std::string_view body;
    std::string payload_hash;  // "" = sha256 of body
    const WriteFn* sink = nullptr;
    bool idempotent = true;
  };
  // One logical request: signs and sends it, retrying idempotent calls (see above). Returns the
  // final response (any status); transport failures after the last attempt become kRuntime.
  Result<s3::HttpResponse> send(const Call& call);
  s3::HttpResponse send_once(const Call& call, const s3::Pairs& extra);
  Error failure(const Call& call, const s3::HttpResponse& response) const;
  Status conditional_put(const std::string& key, std::string_view bytes,
                         const std::string& expected_etag);
  // True when the blob is already stored (HEAD, same size); an old one is refreshed first.
  Result<bool> reuse_blob(const BlobInfo& info);
  Status upload_blob(int fd, uint64_t size, const std::string& digest);
  Status upload_multipart(int fd, uint64_t size, const std::string& object);
  // The steps of a multipart upload, shared by upload_multipart and S3Writer. upload_part
  // returns the part's ETag. complete_multipart HEADs the result and checks its size; a retried
  // complete whose first attempt succeeded (NoSuchUpload) counts as done when the object's ETag
  // is the one these parts make. abort_multipart is best effort (gc and lifecycle rules reap
  // what it misses).
  Result<std::string> start_multipart(const std::string& key);
  Result<std::string> upload_part(const std::string& key, const std::string& upload_id,
                                  uint64_t number, std::string_view body);
  Status complete_multipart(const std::string& key, const std::string& upload_id,
                            const std::vector<std::string>& etags, uint64_t size);
  void abort_multipart(const std::string& key, const std::string& upload_id);
  Result<std::vector<std::string>> list_raw(const std::string& prefix, bool delimit);
  std::string object_key(const std::string& key) const;
  void backoff(int attempt) const;

  std::unique_ptr<s3::HttpClient> lease();
  void give_back(std::unique_ptr<s3::HttpClient> client);

  s3::S3Config config_;
  std::string host_;    // host[:port] as signed and sent
  std::string scheme_;  // "http" or "https"
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<s3::HttpClient>> pool_;
};

}  // namespace mlo
