// S3Writer: S3Store::open_writer (s3_store.hpp), an OutputSink (core/output_sink.hpp) for data
// outputs. Memory is bounded by two parts: the one filling and the one going up in the
// background, so scoring and uploading overlap. Nothing becomes visible before publish():
// small outputs are one PUT there; larger ones are a multipart upload whose CompleteMultipart
// is the publish. A writer dropped unpublished aborts its upload; a process killed by a signal
// cannot, and leaves an incomplete upload (no object) for `mlo gc` or a bucket lifecycle rule.
#include <algorithm>
#include <thread>

#include "mlo/store/s3/s3_store.hpp"

namespace mlo {

namespace {
constexpr size_t kMaxParts = 10000;  // the S3 limit
constexpr size_t kSmallBytes = 1 << 20;
}  // namespace

class S3Writer : public OutputSink {
 public:
  S3Writer(S3Store& store, std::string key) : store_(store), key_(std::move(key)) {}

  ~S3Writer() override {
    (void)wait();
    if (!upload_id_.empty() && !published_) store_.abort_multipart(key_, upload_id_);
  }

  Status write(const void* data, size_t size) override {
    if (published_) return make_error(ErrorCode::kRuntime, where() + ": write after publish");
    const char* p = static_cast<const char*>(data);
    const size_t part_size = store_.config_.part_size;
    while (size > 0) {
      const size_t n = std::min(size, part_size - filling_.size());
      // One allocation of exactly a part once the output is past small (growth by doubling
      // could overshoot); a small output stays small.
      if (filling_.capacity() < part_size && filling_.size() + n > kSmallBytes)
        filling_.reserve(part_size);
      filling_.append(p, n);
      p += n;
      size -= n;
      total_ += n;
      if (filling_.size() == part_size) MLO_TRY(send_part());
    }
    return {};
  }

  Status prepare() override {
    if (!upload_id_.empty() && !filling_.empty()) MLO_TRY(send_part());
    return wait();
  }

  Status publish() override {
    if (published_) return {};
    if (upload_id_.empty()) {
      S3Store::Call put{"PUT", key_};
      put.body = filling_;
      MLO_ASSIGN_OR_RETURN(s3::HttpResponse r, store_.send(put));
      if (r.status != 200) return store_.failure(put, r);
    } else {
      MLO_TRY(store_.complete_multipart(key_, upload_id_, etags_, total_));
    }
    published_ = true;
    std::string().swap(filling_);
    std::string().swap(sending_);
    return {};
  }

 private:
  std::string where() const { return "s3://" + store_.config_.bucket + "/" + key_; }

  // Hands the filled part to the background upload (after the previous one finished).
  Status send_part() {
    MLO_TRY(wait());
    if (upload_id_.empty()) {
      MLO_ASSIGN_OR_RETURN(upload_id_, store_.start_multipart(key_));
    }
    if (etags_.size() >= kMaxParts)
      return make_error(ErrorCode::kRuntime,
                        where() + ": more than 10000 parts (raise the S3 part size)");
    sending_.swap(filling_);
    filling_.clear();
    etags_.emplace_back();
    const uint64_t number = etags_.size();
    uploader_ = std::thread([this, number] {
      auto etag = store_.upload_part(key_, upload_id_, number, sending_);
      if (etag.ok())
        etags_[number - 1] = *etag;
      else
        upload_status_ = etag.error();
    });
    return {};
  }

  // Waits for the part in flight; its failure stays the writer's outcome.
  Status wait() {
    if (uploader_.joinable()) uploader_.join();
    return upload_status_;
  }

  S3Store& store_;
  const std::string key_;
  std::string filling_, sending_;
  std::string upload_id_;
  std::vector<std::string> etags_;
  uint64_t total_ = 0;
  std::thread uploader_;
  Status upload_status_;
  bool published_ = false;
};

Result<std::unique_ptr<OutputSink>> S3Store::open_writer(const std::string& key) {
  MLO_TRY(validate_key(key));
  return std::unique_ptr<OutputSink>(std::make_unique<S3Writer>(*this, key));
}

}  // namespace mlo
