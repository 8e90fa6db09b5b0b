#include "mlo/transfer/copy.hpp"

#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "mlo/registry/alias.hpp"
#include "mlo/registry/events.hpp"
#include "mlo/registry/keys.hpp"
#include "mlo/registry/registry.hpp"
#include "mlo/registry/store_init.hpp"

namespace mlo {
namespace {

// A bounded hand-over between get_to (push-style) on a reader thread and put_blob (pull-style)
// on the caller's: at most kCapacity bytes are in flight, whatever the blob's size.
class ChunkQueue {
 public:
  static constexpr size_t kCapacity = 16u << 20;

  Status push(const char* data, size_t size) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return bytes_ < kCapacity || cancelled_; });
    if (cancelled_) return make_error(ErrorCode::kRuntime, "blob copy cancelled");
    chunks_.emplace_back(data, size);
    bytes_ += size;
    changed_.notify_all();
    return {};
  }
  void finish(Status status) {
    std::lock_guard lock(mutex_);
    done_ = true;
    status_ = std::move(status);
    changed_.notify_all();
  }
  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    changed_.notify_all();
  }
  Result<size_t> pop(char* buf, size_t cap) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !chunks_.empty() || done_; });
    if (chunks_.empty()) {
      if (!status_.ok()) return status_.error();
      return size_t{0};
    }
    std::string& front = chunks_.front();
    size_t n = std::min(cap, front.size() - offset_);
    std::memcpy(buf, front.data() + offset_, n);
    offset_ += n;
    if (offset_ == front.size()) {
      bytes_ -= front.size();
      chunks_.pop_front();
      offset_ = 0;
      changed_.notify_all();
    }
    return n;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> chunks_;
  size_t offset_ = 0;
  size_t bytes_ = 0;
  bool done_ = false;
  bool cancelled_ = false;
  Status status_;
};

Error conflict(Store& dst, const std::string& key) {
  return make_error(ErrorCode::kConflict,
                    "store " + dst.url() + ": " + key +
                        " already exists with other content: conflicting history (nothing "
                        "overwritten)");
}

// Create-only write of a manifest or event; true when written, false when already identical.
Result<bool> put_doc(Store& dst, const ClosureDoc& doc, bool dry_run) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto have = dst.get(doc.key);
    if (have.ok()) {
      if (*have == doc.bytes) return false;
      return conflict(dst, doc.key);
    }
    if (have.error().code != ErrorCode::kNotFound) return have.error();
    if (dry_run) return true;
    Status put = dst.put_new(doc.key, doc.bytes);
    if (put.ok()) return true;
    if (put.error().code != ErrorCode::kConflict) return put.error();
    // Someone wrote it first: compare with what they wrote.
  }
  return conflict(dst, doc.key);
}

std::string alias_name_of(const std::string& name, const std::string& key) {
  std::string leaf = key.substr(aliases_prefix(name).size());
  return leaf.substr(0, leaf.size() - 5);  // closure keys end in ".yaml"
}

class Copier {
 public:
  Copier(Store& src, const ModelClosure& closure, Store& dst, const CopyOptions& options)
      : src_(src), c_(closure), dst_(dst), options_(options) {
    result_.name = closure.name;
    result_.bytes_total = closure.blob_bytes();
  }

  Result<CopyResult> run() {
    for (const auto& blob : c_.blobs) MLO_TRY(copy_one_blob(blob));
    for (const auto& doc : c_.manifests) MLO_TRY(copy_doc(doc, result_.manifests));
    for (const auto& doc : c_.events) MLO_TRY(copy_doc(doc, result_.events));
    for (const auto& doc : c_.aliases) MLO_TRY(copy_alias(doc));
    return std::move(result_);
  }

 private:
  Status copy_one_blob(const ClosureBlob& blob) {
    const std::string key = blob_key(blob.digest);
    auto have = dst_.head(key);
    if (have.ok()) {
      if (have->size != blob.size)
        return make_error(ErrorCode::kIntegrity, "store " + dst_.url() + ": " + key + " has " +
                                                     std::to_string(have->size) + " bytes, not " +
                                                     std::to_string(blob.size) +
                                                     " (corrupted; run verify)");
      ++result_.blobs.present;
      return {};
    }
    if (have.error().code != ErrorCode::kNotFound) return have.error();
    if (options_.on_blob) options_.on_blob(blob.digest, blob.size);
    if (!options_.dry_run) {
      MLO_ASSIGN_OR_RETURN(BlobInfo info, copy_blob(src_, dst_, blob.digest));
      if (info.size != blob.size)
        return make_error(ErrorCode::kIntegrity,
                          "store " + src_.url() + ": " + key + " has " + std::to_string(info.size) +
                              " bytes but its manifest records " + std::to_string(blob.size));
    }
    ++result_.blobs.copied;
    result_.bytes_copied += blob.size;
    result_.written.push_back(key);
    return {};
  }

  Status copy_doc(const ClosureDoc& doc, CopyCount& count) {
    MLO_ASSIGN_OR_RETURN(bool written, put_doc(dst_, doc, options_.dry_run));
    if (written) {
      ++count.copied;
      result_.written.push_back(doc.key);
    } else {
      ++count.present;
    }
    return {};
  }

  // The chain the destination will hold: the closure's events, then any the destination has
  // beyond them (the copied prefix is identical, or copy_doc already failed).
  Result<const std::vector<Event>*> merged_chain() {
    if (!merged_) {
      merged_ = c_.parsed_events;
      MLO_ASSIGN_OR_RETURN(std::vector<StoredEvent> theirs, read_stored_events(dst_, c_.name));
      for (auto& s : theirs)
        if (s.event.number > static_cast<int64_t>(c_.parsed_events.size()))
          merged_->push_back(std::move(s.event));
    }
    return &*merged_;
  }

  Status copy_alias(const ClosureDoc& doc) {
    const std::string alias = alias_name_of(c_.name, doc.key);
    MLO_ASSIGN_OR_RETURN(AliasRecord ours, AliasRecord::from_yaml(doc.bytes, doc.key, alias));
    for (int attempt = 0; attempt < 3; ++attempt) {
      std::string etag;
      auto info = dst_.head(doc.key);
      if (info.ok()) {
        etag = info->etag;
        MLO_ASSIGN_OR_RETURN(std::string bytes, dst_.get(doc.key));
        if (bytes == doc.bytes) {
          ++result_.aliases.present;
          return {};
        }
        MLO_ASSIGN_OR_RETURN(AliasRecord theirs, AliasRecord::from_yaml(bytes, doc.key, alias));
        MLO_ASSIGN_OR_RETURN(const std::vector<Event>* chain, merged_chain());
        auto our_pos = alias_move_position(*chain, ours);
        auto their_pos = alias_move_position(*chain, theirs);
        if (!our_pos || !their_pos || *our_pos == *their_pos)
          return make_error(ErrorCode::kConflict,
                            "store " + dst_.url() + ": alias " + doc.key +
                                " points elsewhere and is not an earlier state of the copied "
                                "one: conflicting history (nothing overwritten)");
        if (*their_pos > *our_pos) {  // the destination moved it later: keep theirs
          ++result_.aliases.kept;
          return {};
        }
      } else if (info.error().code != ErrorCode::kNotFound) {
        return info.error();
      }
      if (options_.dry_run) break;
      Status put = dst_.put_if(doc.key, doc.bytes, etag);
      if (put.ok()) break;
      if (put.error().code != ErrorCode::kConflict) return put.error();
      merged_.reset();  // moved under us: look again
      if (attempt == 2)
        return make_error(ErrorCode::kConflict,
                          "store " + dst_.url() + ": alias " + doc.key + " keeps moving");
    }
    ++result_.aliases.copied;
    result_.written.push_back(doc.key);
    return {};
  }

  Store& src_;
  const ModelClosure& c_;
  Store& dst_;
  const CopyOptions& options_;
  CopyResult result_;
  std::optional<std::vector<Event>> merged_;
};

}  // namespace

Result<BlobInfo> copy_blob(Store& src, Store& dst, const std::string& digest) {
  ChunkQueue queue;
  std::thread reader([&] {
    queue.finish(get_blob_to(
        src, digest, [&](const char* data, size_t size) { return queue.push(data, size); }));
  });
  auto info = dst.put_blob([&](char* buf, size_t cap) { return queue.pop(buf, cap); });
  queue.cancel();  // unblocks the reader if put_blob stopped early
  reader.join();
  if (!info.ok()) return info.error();
  if (info->digest != digest)
    return make_error(ErrorCode::kIntegrity, "store " + dst.url() + ": blob " + blob_key(digest) +
                                                 " arrived as " + info->digest);
  return info;
}

Result<CopyResult> copy_closure(Store& src, const ModelClosure& closure, Store& dst,
                                const CopyOptions& options) {
  if (!options.dry_run) {
    // Decide everything first (reads only), so a conflicting history is refused before a
    // single blob is written.
    CopyOptions plan = options;
    plan.dry_run = true;
    plan.on_blob = nullptr;
    Copier check(src, closure, dst, plan);
    MLO_TRY(check.run());
  }
  Copier copier(src, closure, dst, options);
  return copier.run();
}

Result<CopyResult> copy_model(Store& src, Store& dst, const std::string& name,
                              const CopyOptions& options) {
  MLO_ASSIGN_OR_RETURN(ModelClosure closure, model_closure(src, name, options.version));
  return copy_closure(src, closure, dst, options);
}

Result<CopyManyResult> copy_models(Store& src, Store& dst, const std::vector<std::string>& names,
                                   const CopyOptions& options) {
  MLO_TRY(check_store_marker(src));
  MLO_TRY(check_store_marker(dst));
  std::vector<std::string> todo = names;
  if (todo.empty()) {
    MLO_ASSIGN_OR_RETURN(todo, list_models(src));
  }
  CopyManyResult out;
  for (const auto& name : todo) {
    MLO_ASSIGN_OR_RETURN(CopyResult r, copy_model(src, dst, name, options));
    out.models.push_back(std::move(r));
  }
  return out;
}

Result<TransferRef> parse_transfer_ref(const std::string& ref) {
  TransferRef out;
  const size_t colon = ref.find(':');
  out.name = ref.substr(0, colon);
  auto usage = [&] {
    return make_error(ErrorCode::kUsage,
                      "reference '" + ref + "': expected NAME or NAME:N (a version number)");
  };
  if (colon != std::string::npos) {
    const std::string digits = ref.substr(colon + 1);
    if (digits.empty() || digits.size() > 15 || digits[0] == '0' ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      return usage();
    out.version = std::stoll(digits);
  }
  if (out.name.find('@') != std::string::npos) return usage();
  MLO_TRY(validate_model_name(out.name));
  return out;
}

Result<CopyResult> transfer_ref(Store& src, Store& dst, const std::string& ref,
                                CopyOptions options) {
  MLO_ASSIGN_OR_RETURN(TransferRef r, parse_transfer_ref(ref));
  MLO_TRY(check_store_marker(src));
  MLO_TRY(check_store_marker(dst));
  options.version = r.version;
  return copy_model(src, dst, r.name, options);
}

}  // namespace mlo
