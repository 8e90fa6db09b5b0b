// for_each_chunk_ordered: the read -> parallel work -> in-order consume loop over a
// ChunkReader. The calling thread reads chunks and consumes results in chunk order; `workers`
// threads run `work` on the chunks in between. At most workers + 2 chunks are in flight, so
// memory is bounded by that many chunks (and their results) whatever the input size. Because
// results are consumed in chunk order and chunks are cut by bytes, not by thread count, the
// outcome is the same for any number of workers.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/data/chunker.hpp"

namespace mlo {

// `work(chunk)` builds a T from one chunk (it may keep the chunk: it owns it) and must be safe to
// run concurrently with itself; `consume(t)` runs on the calling thread, in chunk order. The
// first error (reader, work or consume, in chunk order) stops the loop and is returned.
// workers <= 1 runs everything on the calling thread.
template <typename T>
Status for_each_chunk_ordered(ChunkReader& reader, size_t workers,
                              const std::function<Result<T>(std::unique_ptr<Chunk>)>& work,
                              const std::function<Status(T&)>& consume) {
  if (workers <= 1) {
    for (;;) {
      auto chunk = std::make_unique<Chunk>();
      MLO_ASSIGN_OR_RETURN(bool more, reader.next(*chunk));
      if (!more) return {};
      MLO_ASSIGN_OR_RETURN(T item, work(std::move(chunk)));
      MLO_TRY(consume(item));
    }
  }
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::unique_ptr<Chunk>> todo;
  std::map<uint64_t, Result<T>> done;
  bool stop = false;
  auto loop = [&] {
    for (;;) {
      std::unique_ptr<Chunk> chunk;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return stop || !todo.empty(); });
        if (todo.empty()) return;  // stop
        chunk = std::move(todo.front());
        todo.pop_front();
      }
      const uint64_t index = chunk->index;
      Result<T> item = work(std::move(chunk));
      std::lock_guard<std::mutex> lock(mu);
      done.emplace(index, std::move(item));
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 0; t < workers; ++t) pool.emplace_back(loop);
  const uint64_t window = workers + 2;
  uint64_t submitted = 0, consumed = 0;
  bool eof = false;
  Status status, read_status;
  for (;;) {
    while (!eof && submitted - consumed < window) {
      auto chunk = std::make_unique<Chunk>();
      auto more = reader.next(*chunk);
      if (!more.ok()) read_status = more.error();  // after the chunks read before it
      if (!more.ok() || !*more) {
        eof = true;
        break;
      }
      std::lock_guard<std::mutex> lock(mu);
      todo.push_back(std::move(chunk));
      ++submitted;
      cv.notify_one();
    }
    if (consumed == submitted) {
      status = read_status;
      break;
    }
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done.count(consumed) > 0; });
    auto node = done.extract(consumed);
    lock.unlock();
    ++consumed;
    Result<T>& item = node.mapped();
    status = item.ok() ? consume(*item) : Status(item.error());
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
