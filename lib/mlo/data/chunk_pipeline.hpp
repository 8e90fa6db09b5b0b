// for_each_chunk_ordered: the read -> parallel work -> in-order consume loop over a ChunkReader,
// shared by score-batch and drift. With more than one worker, a reader thread reads (and
// decompresses) chunks ahead, `workers` threads run `work` on them, and the calling thread
// consumes them in chunk order, so reading, working and writing overlap. At most 2 x workers + 2
// chunks are in flight (enough that no worker waits for the slots being read or consumed), each
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

// `work(chunk, scratch, state)` must be safe to run concurrently with itself on different
// slots; `consume(chunk, state)` runs on the calling thread, in chunk order, after that chunk's
// work. Scratch is each worker's own (buffers that stay hot in that core's cache, where a
// per-slot copy cost score-batch a quarter more CPU); State is the slot's, what work hands to
// consume. The first error (reader, work or consume, in chunk order) stops the loop and is
// returned. workers <= 1 runs everything on the calling thread with one slot.
template <typename State, typename Scratch>
Status for_each_chunk_ordered(ChunkReader& reader, size_t workers,
                              const std::function<Status(const Chunk&, Scratch&, State&)>& work,
                              const std::function<Status(const Chunk&, State&)>& consume) {
  if (workers <= 1) {
    Chunk chunk;
    Scratch scratch{};
    State state{};
    for (;;) {
      MLO_ASSIGN_OR_RETURN(bool more, reader.next(chunk));
      if (!more) return {};
      MLO_TRY(work(chunk, scratch, state));
      MLO_TRY(consume(chunk, state));
    }
  }
  struct Slot {
    Chunk chunk;
    State state{};
    Status status;
    bool done = false;
  };
  const size_t window = 2 * workers + 2;
  std::vector<Slot> slots(window);
  std::mutex mu;  // guards everything below but the slots' chunk and state
  std::condition_variable cv;
  std::deque<Slot*> todo;
  uint64_t submitted = 0;  // chunks read; slot i % window holds chunk i
  uint64_t consumed = 0;   // chunks consumed; their slots are free again
  bool eof = false, stop = false;
  Status read_status;  // a read error, returned after the chunks read before it

  auto read_loop = [&] {
    for (;;) {
      Slot* slot = nullptr;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return stop || submitted - consumed < window; });
        if (stop) return;
        slot = &slots[submitted % window];  // free: its last chunk was consumed
      }
      auto more = reader.next(slot->chunk);
      std::lock_guard<std::mutex> lock(mu);
      if (!more.ok() || !*more) {
        if (!more.ok()) read_status = more.error();
        eof = true;
        cv.notify_all();
        return;
      }
      slot->done = false;
      todo.push_back(slot);
      ++submitted;
      cv.notify_all();
    }
  };
  auto work_loop = [&] {
    Scratch scratch{};
    for (;;) {
      Slot* slot = nullptr;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return stop || !todo.empty(); });
        if (stop) return;
        slot = todo.front();
        todo.pop_front();
      }
      Status st = work(slot->chunk, scratch, slot->state);
      std::lock_guard<std::mutex> lock(mu);
      slot->status = std::move(st);
      slot->done = true;
      cv.notify_all();
    }
  };
  std::thread read_thread(read_loop);
  std::vector<std::thread> pool;
  for (size_t t = 0; t < workers; ++t) pool.emplace_back(work_loop);

  Status status;
  for (;;) {
    Slot* slot = nullptr;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return consumed < submitted ? slots[consumed % window].done : eof; });
      if (consumed == submitted) {  // end of input, everything consumed
        status = read_status;
        break;
      }
      slot = &slots[consumed % window];
    }
    status = slot->status.ok() ? consume(slot->chunk, slot->state) : slot->status;
    if (!status.ok()) break;
    std::lock_guard<std::mutex> lock(mu);
    ++consumed;
    cv.notify_all();
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    stop = true;
    todo.clear();
  }
  cv.notify_all();
  read_thread.join();
  for (auto& t : pool) t.join();
  return status;
}

// The same without per-worker scratch: everything work needs is in the slot's State.
template <typename State>
Status for_each_chunk_ordered(ChunkReader& reader, size_t workers,
                              const std::function<Status(const Chunk&, State&)>& work,
                              const std::function<Status(const Chunk&, State&)>& consume) {
  struct None {};
  return for_each_chunk_ordered<State, None>(
      reader, workers, [&](const Chunk& chunk, None&, State& state) { return work(chunk, state); },
      consume);
}

}  // namespace mlo
