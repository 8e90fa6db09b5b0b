// for_each_chunk_ordered: the read -> parallel work -> in-order consume loop over a
// ChunkReader. The calling thread reads chunks and consumes them in chunk order; `workers`
// threads run `work` on the chunks in between. At most workers + 2 chunks are in flight, each
// in a slot (the chunk and a caller-defined State) that is reused for later chunks, so memory is
// bounded by that many chunks and states whatever the input size, and buffers keep their
// capacity instead of being allocated (and page-faulted in) again per chunk. Because chunks are
// consumed in order and cut by bytes, not by thread count, the outcome is the same for any
// number of workers.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/data/chunker.hpp"

namespace mlo {

// `work(chunk, state)` must be safe to run concurrently with itself on different slots;
// `consume(chunk, state)` runs on the calling thread, in chunk order, after that chunk's work.
// The first error (reader, work or consume, in chunk order) stops the loop and is returned.
// workers <= 1 runs everything on the calling thread with one slot.
template <typename State>
Status for_each_chunk_ordered(ChunkReader& reader, size_t workers,
                              const std::function<Status(const Chunk&, State&)>& work,
                              const std::function<Status(const Chunk&, State&)>& consume) {
  if (workers <= 1) {
    Chunk chunk;
    State state{};
    for (;;) {
      MLO_ASSIGN_OR_RETURN(bool more, reader.next(chunk));
      if (!more) return {};
      MLO_TRY(work(chunk, state));
      MLO_TRY(consume(chunk, state));
    }
  }
  struct Slot {
    Chunk chunk;
    State state{};
    Status status;
    bool done = false;
  };
  const size_t window = workers + 2;
  std::vector<Slot> slots(window);
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Slot*> todo;
  bool stop = false;
  auto loop = [&] {
    for (;;) {
      Slot* slot = nullptr;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return stop || !todo.empty(); });
        if (todo.empty()) return;  // stop
        slot = todo.front();
        todo.pop_front();
      }
      Status st = work(slot->chunk, slot->state);
      std::lock_guard<std::mutex> lock(mu);
      slot->status = std::move(st);
      slot->done = true;
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 0; t < workers; ++t) pool.emplace_back(loop);
  uint64_t submitted = 0, consumed = 0;
  bool eof = false;
  Status status, read_status;
  for (;;) {
    while (!eof && submitted - consumed < window) {
      Slot& slot = slots[submitted % window];  // free: its chunk was consumed
      auto more = reader.next(slot.chunk);
      if (!more.ok()) read_status = more.error();  // after the chunks read before it
      if (!more.ok() || !*more) {
        eof = true;
        break;
      }
      std::lock_guard<std::mutex> lock(mu);
      slot.done = false;
      todo.push_back(&slot);
      ++submitted;
      cv.notify_one();
    }
    if (consumed == submitted) {
      status = read_status;
      break;
    }
    Slot& slot = slots[consumed % window];
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return slot.done; });
    }
    ++consumed;
    status = slot.status.ok() ? consume(slot.chunk, slot.state) : slot.status;
    if (!status.ok()) break;
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    stop = true;
    todo.clear();
  }
  cv.notify_all();
  for (auto& t : pool) t.join();
  return status;
}

}  // namespace mlo
