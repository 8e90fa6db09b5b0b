#include "mlo/store/faulty/faulty_store.hpp"

#include <vector>

#include "mlo/core/digest.hpp"

namespace mlo {

namespace {

Error injected_fault(const std::string& op) {
  return make_error(ErrorCode::kRuntime, op + ": injected fault");
}

Error torn_write(const std::string& op) {
  return make_error(ErrorCode::kRuntime, op + ": injected torn write");
}

std::string_view torn_prefix(std::string_view bytes) {
  return bytes.substr(0, bytes.size() / 2);
}

}  // namespace

FaultyStore::Fault FaultyStore::next_mutation(bool is_write) {
  uint64_t m = ++mutations_;
  uint64_t w = is_write ? ++writes_ : 0;
  bool fail = options_.fail_at != 0 &&
              (m == options_.fail_at || (options_.fail_from && m > options_.fail_at));
  if (fail) {
    ++injected_;
    return Fault::kFail;
  }
  if (is_write && options_.truncate_at != 0 && w == options_.truncate_at) {
    ++injected_;
    return Fault::kTruncate;
  }
  return Fault::kNone;
}

FaultyCounters FaultyStore::counters() const {
  return FaultyCounters{reads_.load(), mutations_.load(), writes_.load(), injected_.load()};
}

void FaultyStore::reset(FaultyOptions options) {
  options_ = options;
  reads_ = mutations_ = writes_ = injected_ = 0;
}

Result<std::string> FaultyStore::get(const std::string& key) {
  ++reads_;
  return inner_.get(key);
}

Result<ObjectInfo> FaultyStore::head(const std::string& key) {
  ++reads_;
  return inner_.head(key);
}

Status FaultyStore::get_to(const std::string& key, const WriteFn& sink) {
  ++reads_;
  return inner_.get_to(key, sink);
}

Result<std::vector<std::string>> FaultyStore::list(const std::string& prefix) {
  ++reads_;
  return inner_.list(prefix);
}

Result<std::vector<std::string>> FaultyStore::list_children(const std::string& prefix) {
  ++reads_;
  return inner_.list_children(prefix);
}

Status FaultyStore::remove(const std::string& key) {
  if (next_mutation(false) == Fault::kFail) return injected_fault("remove " + key);
  return inner_.remove(key);
}

Status FaultyStore::remove_if_unchanged(const std::string& key, const ObjectInfo& seen) {
  if (next_mutation(false) == Fault::kFail) return injected_fault("remove " + key);
  return inner_.remove_if_unchanged(key, seen);
}

Status FaultyStore::remove_stray(const StrayEntry& entry) {
  if (next_mutation(false) == Fault::kFail) return injected_fault("remove_stray " + entry.name);
  return inner_.remove_stray(entry);
}

Result<BlobInfo> FaultyStore::put_blob(const ReadFn& read) {
  Fault fault = next_mutation(true);
  if (fault == Fault::kNone) return inner_.put_blob(read);
  if (fault == Fault::kFail) return injected_fault("put_blob");
  // Torn write: the whole stream is consumed (the digest is known), but only a prefix lands
  // under the blob's key, as a non-atomic backend would leave it after a crash.
  std::string bytes;
  std::vector<char> buf(1 << 16);
  for (;;) {
    MLO_ASSIGN_OR_RETURN(size_t n, read(buf.data(), buf.size()));
    if (n == 0) break;
    bytes.append(buf.data(), n);
  }
  const std::string key = blob_key(digest_bytes(bytes));
  if (!inner_.head(key).ok()) (void)inner_.put_new(key, torn_prefix(bytes));
  return torn_write("put_blob " + key);
}

Status FaultyStore::put_new(const std::string& key, std::string_view bytes) {
  Fault fault = next_mutation(true);
  if (fault == Fault::kFail) return injected_fault("put_new " + key);
  if (fault == Fault::kTruncate) {
    MLO_TRY(inner_.put_new(key, torn_prefix(bytes)));
    return torn_write("put_new " + key);
  }
  return inner_.put_new(key, bytes);
}

Status FaultyStore::put_if(const std::string& key, std::string_view bytes,
                           const std::string& expected_etag) {
  Fault fault = next_mutation(true);
  if (fault == Fault::kFail) return injected_fault("put_if " + key);
  if (fault == Fault::kTruncate) {
    MLO_TRY(inner_.put_if(key, torn_prefix(bytes), expected_etag));
    return torn_write("put_if " + key);
  }
  return inner_.put_if(key, bytes, expected_etag);
}

}  // namespace mlo
