// Shared by the fuzz targets: the fuzzer's bytes as a file the whole reader stack can open
// (InputStream -> decoder -> ChunkReader -> parser), through a memfd so no disk is touched.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "mlo/data/chunker.hpp"
#include "mlo/data/input.hpp"
#include "mlo/data/rows.hpp"

namespace mlo::fuzz {

// The path of a memfd holding exactly `data`.
inline std::string as_file(const uint8_t* data, size_t size) {
  static int fd = ::memfd_create("mlo-fuzz", MFD_CLOEXEC);
  if (fd < 0) std::abort();
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, data, size, 0) != static_cast<ssize_t>(size))
    std::abort();
  return "/proc/self/fd/" + std::to_string(fd);
}

// Reads every chunk of `data` as `format` with a chunk size picked by the first byte (so chunk
// boundaries move around), parsing each with `parse(chunk, header, mode, block)` under both
// bad-row modes. Errors are fine; crashes, leaks, UB and hangs are what the fuzzer looks for.
template <typename ParseHeader, typename ParseChunk>
void read_all(const uint8_t* data, size_t size, DataFormat format, ParseHeader parse_header,
              ParseChunk parse_chunk) {
  if (size == 0) return;
  const size_t chunk_bytes = 64 + (data[0] % 64) * 16;
  for (OnBadRow mode : {OnBadRow::kFail, OnBadRow::kSkip}) {
    auto in = InputStream::open(as_file(data + 1, size - 1));
    if (!in.ok()) return;
    ChunkReader reader(*in, format, chunk_bytes);
    auto first = reader.first_row();
    if (!first.ok() || !*first) continue;
    auto header = parse_header(**first);
    if (!header.ok()) continue;
    Chunk chunk;
    RowBlock block;
    for (;;) {
      auto more = reader.next(chunk);
      if (!more.ok() || !*more) break;
      if (!parse_chunk(chunk, *header, mode, block).ok()) break;
      for (size_t r = 0; r < block.rows(); ++r)
        for (size_t c = 0; c < block.cols; ++c) (void)block.at(r, c).size();
    }
  }
}

}  // namespace mlo::fuzz
