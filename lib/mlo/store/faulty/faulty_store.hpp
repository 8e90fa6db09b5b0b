// FaultyStore: wraps another Store and injects failures, for crash and recovery tests
// (DESIGN.md section 2: "a crash at any point leaves only unreferenced blobs").
//
//  - fail_at = k: the k-th mutating operation (put_blob, put_new, put_if, the removals; counted
//    from 1) does nothing and fails with kRuntime "injected fault". Like a crash just before it.
//  - truncate_at = k: the k-th write (put_blob, put_new, put_if) stores only the first half of
//    its bytes in the wrapped store, then fails with kRuntime "injected torn write". A real
//    backend must never expose such a prefix; this exists to prove readers detect it
//    (get_blob -> kIntegrity, manifest parsing -> kInvalidInput).
//  - fail_from = true makes every mutation from fail_at on fail (the process "stays dead").
// Reads pass through unchanged. Counters record every call. Not thread-safe by itself beyond
// what the wrapped store provides (the counters are atomic).
#pragma once

#include <atomic>
#include <cstdint>

#include "mlo/store/store.hpp"

namespace mlo {

struct FaultyOptions {
  uint64_t fail_at = 0;      // 0 = never
  bool fail_from = false;    // also fail every mutation after fail_at
  uint64_t truncate_at = 0;  // 0 = never
};

struct FaultyCounters {
  uint64_t reads = 0;      // get, head, list, list_children
  uint64_t mutations = 0;  // put_blob, put_new, put_if, removals (attempted)
  uint64_t writes = 0;     // put_blob, put_new, put_if (attempted)
  uint64_t injected = 0;   // faults injected so far
};

class FaultyStore : public Store {
 public:
  explicit FaultyStore(Store& inner, FaultyOptions options = {})
      : inner_(inner), options_(options) {}

  Result<std::string> get(const std::string& key) override;
  Result<ObjectInfo> head(const std::string& key) override;
  Status get_to(const std::string& key, const WriteFn& sink) override;
  Result<std::vector<std::string>> list(const std::string& prefix) override;
  Result<std::vector<std::string>> list_children(const std::string& prefix) override;
  Status remove(const std::string& key) override;
  Status remove_if_unchanged(const std::string& key, const ObjectInfo& seen) override;
  Result<BlobInfo> put_blob(const ReadFn& read) override;
  Status put_new(const std::string& key, std::string_view bytes) override;
  Status put_if(const std::string& key, std::string_view bytes,
                const std::string& expected_etag) override;
  std::string url() const override { return inner_.url(); }
  Result<std::vector<StrayEntry>> list_strays() override { return inner_.list_strays(); }
  Status remove_stray(const StrayEntry& entry) override;  // a mutation (may be failed)

  FaultyCounters counters() const;
  // Re-arms the store; counters restart at zero so fail_at/truncate_at count from now on.
  void reset(FaultyOptions options);

 private:
  enum class Fault { kNone, kFail, kTruncate };
  // Counts one mutation (and one write if `is_write`) and says which fault, if any, applies.
  Fault next_mutation(bool is_write);

  Store& inner_;
  FaultyOptions options_;
  std::atomic<uint64_t> reads_{0}, mutations_{0}, writes_{0}, injected_{0};
};

}  // namespace mlo
