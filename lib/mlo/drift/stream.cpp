#include "mlo/drift/stream.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>

#include "mlo/core/parallel.hpp"
#include "mlo/data/chunk_pipeline.hpp"
#include "mlo/data/chunker.hpp"
#include "mlo/data/csv.hpp"
#include "mlo/data/input.hpp"
#include "mlo/data/jsonl.hpp"

namespace mlo::drift {

namespace {
// Bytes per chunk = chunk_rows x this. Small on purpose: a parsed block takes 16 bytes per
// field (about 5x the text of a flights-like CSV row), and threads + 2 blocks are in flight, so
// 512 KiB chunks keep the profile path's memory flat (~3 MiB per chunk in flight) and each
// block in cache while it is profiled.
constexpr size_t kBytesPerRowGuess = 8;
}  // namespace

Result<StreamResult> profile_stream(const std::string& path, ProfileBuilder& builder,
                                    const StreamOptions& options, const BlockFn& on_block) {
  MLO_ASSIGN_OR_RETURN(InputStream in, InputStream::open(path));
  const DataFormat format = format_from_path(path);
  const size_t chunk_bytes =
      std::clamp<size_t>(options.chunk_rows * kBytesPerRowGuess, 64u << 10, 256u << 20);
  ChunkReader reader(in, format, chunk_bytes);
  MLO_ASSIGN_OR_RETURN(std::optional<std::string> first, reader.first_row());
  StreamResult result;
  result.present.assign(builder.num_features(), false);
  if (!first) {
    result.digest = in.raw_digest();
    return result;  // empty input: no header, no rows
  }
  if (format == DataFormat::kCsv) {
    MLO_ASSIGN_OR_RETURN(result.header, parse_csv_header(*first));
  } else {
    MLO_ASSIGN_OR_RETURN(result.header, parse_jsonl_header(*first));
  }
  std::vector<std::pair<size_t, size_t>> map;  // (feature, column)
  for (size_t f = 0; f < builder.num_features(); ++f) {
    auto it = std::find(result.header.begin(), result.header.end(), builder.feature(f).name);
    if (it == result.header.end()) continue;
    result.present[f] = true;
    map.emplace_back(f, static_cast<size_t>(it - result.header.begin()));
  }
  // One chunk parsed and profiled on a worker into a shard; the block is kept (its fields point
  // into the chunk) until the chunk is consumed.
  struct Parsed {
    RowBlock block;
    std::optional<ProfileBuilder> shard;
  };
  const size_t cols = result.header.size();
  const ProfileBuilder empty = builder.shard();  // workers copy this, never `builder` (absorbing)
  std::function<Status(const Chunk&, Parsed&)> work = [&](const Chunk& chunk, Parsed& p) -> Status {
    // A slot's block keeps its buffers from chunk to chunk, but the first chunk in each slot
    // would grow them by doubling: copies and twice the pages touched (page faults are a large
    // part of a pass here). A newline count bounds the rows, so size them once; every field
    // takes at least one byte (its separator), which bounds them for blank lines.
    const auto lines =
        static_cast<size_t>(std::count(chunk.bytes.begin(), chunk.bytes.end(), '\n') + 1);
    p.block.fields.reserve(std::min(lines * cols, chunk.bytes.size() + 1));
    p.block.lines.reserve(lines);
    p.block.row_ids.reserve(lines);
    if (format == DataFormat::kCsv) {
      MLO_TRY(parse_csv_chunk(chunk, cols, OnBadRow::kFail, p.block));
    } else {
      MLO_TRY(parse_jsonl_chunk(chunk, result.header, OnBadRow::kFail, p.block));
    }
    p.shard = empty.shard();
    const size_t rows = p.block.rows();
    p.shard->reserve(rows);
    for (size_t r = 0; r < rows; ++r) {
      for (const auto& [f, c] : map) p.shard->add_cell(f, p.block.at(r, c));
      p.shard->end_row();
    }
    return {};
  };
  std::function<Status(const Chunk&, Parsed&)> consume = [&](const Chunk&, Parsed& p) -> Status {
    builder.absorb(std::move(*p.shard));
    p.shard.reset();
    result.rows += p.block.rows();
    if (on_block) MLO_TRY(on_block(result.header, p.block));
    return {};
  };
  MLO_TRY(for_each_chunk_ordered(reader, worker_count(options.threads, SIZE_MAX), work, consume));
  result.digest = in.raw_digest();
  return result;
}

}  // namespace mlo::drift
