// ChunkReader: cuts an InputStream into Chunks of whole rows (roughly `chunk_bytes` each) so
// that rows can be parsed on many threads. For CSV a newline inside double quotes is not a row
// boundary (the quote parity is tracked across chunks); JSON Lines never has raw newlines inside
// a value. A row longer than chunk_bytes makes the chunk grow to hold it.
#pragma once

#include <optional>
#include <string>

#include "mlo/core/result.hpp"
#include "mlo/data/input.hpp"
#include "mlo/data/rows.hpp"

namespace mlo {

class ChunkReader {
 public:
  ChunkReader(InputStream& in, DataFormat format, size_t chunk_bytes = 2u << 20);

  // The first row's text (no line terminator), or nullopt for an empty input.
  // CSV: the header, consumed. JSONL: the first object, NOT consumed (it is also data).
  // Must be called once, before next().
  Result<std::optional<std::string>> first_row();
  // The next chunk; false at end of input. Input errors are passed through.
  Result<bool> next(Chunk& out);

  uint64_t bytes_read() const { return consumed_; }

 private:
  Result<bool> fill();
  size_t find_cut(size_t from) const;

  InputStream& in_;
  DataFormat format_;
  size_t chunk_bytes_;
  std::string buf_;  // pending bytes not yet handed out
  bool eof_ = false;
  uint64_t next_index_ = 0;
  uint64_t next_line_ = 1;
  uint64_t next_row_ = 0;
  uint64_t consumed_ = 0;
};

}  // namespace mlo
