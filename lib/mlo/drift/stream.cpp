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
// Flights-like CSV rows are ~35 bytes; a chunk of chunk_rows rows stays a few MiB, and its
// parsed block (16 bytes per field) a few times that, per chunk in flight.
constexpr size_t kBytesPerRowGuess = 32;
}

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
  // One chunk parsed and profiled on a worker; kept whole until consumed, since the block's
  // fields point into the chunk's bytes.
  struct Parsed {
    std::unique_ptr<Chunk> chunk;
    RowBlock block;
    ProfileBuilder shard;
  };
  const size_t cols = result.header.size();
  std::function<Result<std::unique_ptr<Parsed>>(std::unique_ptr<Chunk>)> work =
      [&](std::unique_ptr<Chunk> chunk) -> Result<std::unique_ptr<Parsed>> {
    auto p = std::make_unique<Parsed>(Parsed{std::move(chunk), RowBlock{}, builder.shard()});
    if (format == DataFormat::kCsv) {
      MLO_TRY(parse_csv_chunk(*p->chunk, cols, OnBadRow::kFail, p->block));
    } else {
      MLO_TRY(parse_jsonl_chunk(*p->chunk, result.header, OnBadRow::kFail, p->block));
    }
    const size_t rows = p->block.rows();
    for (size_t r = 0; r < rows; ++r) {
      for (const auto& [f, c] : map) p->shard.add_cell(f, p->block.at(r, c));
      p->shard.end_row();
    }
    return p;
  };
  std::function<Status(std::unique_ptr<Parsed>&)> consume =
      [&](std::unique_ptr<Parsed>& p) -> Status {
    builder.absorb(std::move(p->shard));
    result.rows += p->block.rows();
    if (on_block) MLO_TRY(on_block(result.header, p->block));
    return {};
  };
  MLO_TRY(for_each_chunk_ordered(reader, worker_count(options.threads, SIZE_MAX), work, consume));
  result.digest = in.raw_digest();
  return result;
}

}  // namespace mlo::drift
