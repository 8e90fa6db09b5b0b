// Helpers shared by the data-layer unit tests: a per-test temp directory and a way to run
// text through the whole reader stack (InputStream -> ChunkReader -> parser) with tiny chunks.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/data/chunker.hpp"
#include "mlo/data/csv.hpp"
#include "mlo/data/input.hpp"
#include "mlo/data/jsonl.hpp"

namespace mlo::test {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mlo-data-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Parsed {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<uint64_t> lines;
  std::vector<uint64_t> row_ids;
  uint64_t bad = 0;
  std::string first_bad;
};

// Reads `path` with chunks of `chunk_bytes` and returns everything parsed, or the first error.
inline Result<Parsed> parse_file(const std::string& path, size_t chunk_bytes,
                                 OnBadRow mode = OnBadRow::kFail) {
  MLO_ASSIGN_OR_RETURN(InputStream in, InputStream::open(path));
  DataFormat format = format_from_path(path);
  ChunkReader reader(in, format, chunk_bytes);
  MLO_ASSIGN_OR_RETURN(std::optional<std::string> first, reader.first_row());
  if (!first) return make_error(ErrorCode::kInvalidInput, "empty input");
  Parsed p;
  if (format == DataFormat::kCsv) {
    MLO_ASSIGN_OR_RETURN(p.header, parse_csv_header(*first));
  } else {
    MLO_ASSIGN_OR_RETURN(p.header, parse_jsonl_header(*first));
  }
  Chunk chunk;
  RowBlock block;
  for (;;) {
    MLO_ASSIGN_OR_RETURN(bool more, reader.next(chunk));
    if (!more) break;
    if (format == DataFormat::kCsv) {
      MLO_TRY(parse_csv_chunk(chunk, p.header.size(), mode, block));
    } else {
      MLO_TRY(parse_jsonl_chunk(chunk, p.header, mode, block));
    }
    for (size_t r = 0; r < block.rows(); ++r) {
      std::vector<std::string> row;
      for (size_t c = 0; c < block.cols; ++c) row.emplace_back(block.at(r, c));
      p.rows.push_back(std::move(row));
      p.lines.push_back(block.lines[r]);
      p.row_ids.push_back(block.row_ids[r]);
    }
    if (block.bad.count && p.bad == 0) p.first_bad = block.bad.first;
    p.bad += block.bad.count;
  }
  return p;
}

// Compresses with the system tool ("gzip", "zstd", "xz", "bzip2"); false if it is missing.
inline bool compress_with(const std::string& tool, const std::string& path) {
  std::string cmd = tool + " -q -f -k " + path + " 2>/dev/null";
  return std::system(cmd.c_str()) == 0;
}

}  // namespace mlo::test
