// parallel_for: a small worker pool over an index range, for work whose items are independent
// and whose results the caller stores by index (so the output order never depends on the
// scheduling). Items are handed out one at a time from a shared counter, so a slow item (a
// large blob, a remote round trip) does not hold up a fixed share of the others.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace mlo {

// Worker count for `requested` (0 = one per core), never more than `items`, at least 1.
inline size_t worker_count(int requested, size_t items) {
  const size_t want = requested > 0 ? static_cast<size_t>(requested)
                                    : std::max(1u, std::thread::hardware_concurrency());
  return std::max<size_t>(1, std::min(want, items));
}

// Calls fn(i) for every i in [0, n) on `workers` threads (the calling thread is one of them)
// and returns when all calls have. fn must not throw and must be safe to run concurrently
// with itself on different indexes.
template <typename Fn>
void parallel_for(size_t n, size_t workers, const Fn& fn) {
  std::atomic<size_t> next{0};
  auto loop = [&] {
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) fn(i);
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < std::min(workers, n); ++t) pool.emplace_back(loop);
  loop();
  for (auto& t : pool) t.join();
}

}  // namespace mlo
