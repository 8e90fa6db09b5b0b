#include "mlo/drift/stream.hpp"

#include <algorithm>
#include <optional>

#include "mlo/data/chunker.hpp"
#include "mlo/data/csv.hpp"
#include "mlo/data/input.hpp"
#include "mlo/data/jsonl.hpp"

namespace mlo::drift {

namespace {
constexpr size_t kBytesPerRowGuess = 96;
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
  Chunk chunk;
  RowBlock block;
  while (true) {
    MLO_ASSIGN_OR_RETURN(bool more, reader.next(chunk));
    if (!more) break;
    if (format == DataFormat::kCsv) {
      MLO_TRY(parse_csv_chunk(chunk, result.header.size(), OnBadRow::kFail, block));
    } else {
      MLO_TRY(parse_jsonl_chunk(chunk, result.header, OnBadRow::kFail, block));
    }
    const size_t rows = block.rows();
    for (size_t r = 0; r < rows; ++r) {
      for (const auto& [f, c] : map) builder.add_cell(f, block.at(r, c));
      builder.end_row();
    }
    result.rows += rows;
    if (on_block) MLO_TRY(on_block(result.header, block));
  }
  result.digest = in.raw_digest();
  return result;
}

}  // namespace mlo::drift
