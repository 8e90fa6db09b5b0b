#include "mlo/data/chunker.hpp"

#include <algorithm>
#include <cstring>

namespace mlo {

namespace {

// A "row" this long is an unterminated quote or not row data: an error under every bad-row mode.
// 64 MiB keeps the reader's buffer (about 2x this while it grows) well under 512 MB.
constexpr size_t kMaxRowBytes = 64u << 20;

// Record terminators (newlines outside quotes) in [p, end), starting outside quotes.
uint64_t count_records(const char* p, const char* end, bool quote_aware) {
  if (!quote_aware || std::memchr(p, '"', static_cast<size_t>(end - p)) == nullptr)
    return static_cast<uint64_t>(std::count(p, end, '\n'));
  uint64_t n = 0;
  bool quoted = false;
  for (; p < end; ++p) {
    if (*p == '"')
      quoted = !quoted;
    else if (*p == '\n' && !quoted)
      ++n;
  }
  return n;
}

}  // namespace

ChunkReader::ChunkReader(InputStream& in, DataFormat format, size_t chunk_bytes)
    : in_(in), format_(format), chunk_bytes_(std::max<size_t>(chunk_bytes, 64)) {}

Result<bool> ChunkReader::fill() {
  if (eof_) return false;
  size_t old = buf_.size();
  size_t want = std::max(chunk_bytes_, old / 2);
  buf_.resize(old + want);
  size_t got = 0;
  // Keep reading until the request is met: pipes and decoders return short reads.
  while (got < want) {
    auto n = in_.read(buf_.data() + old + got, want - got);
    if (!n.ok()) {
      buf_.resize(old + got);
      return n.error();
    }
    if (*n == 0) {
      eof_ = true;
      break;
    }
    got += *n;
  }
  buf_.resize(old + got);
  consumed_ += got;
  return got > 0;
}

// Position just past the last record terminator in buf_, or 0 if there is none.
// The quote state at the start of buf_ is "outside": buf_ always starts on a row boundary.
size_t ChunkReader::find_cut(size_t from) const {
  const char* b = buf_.data();
  size_t n = buf_.size();
  if (format_ == DataFormat::kJsonl || std::memchr(b, '"', n) == nullptr) {
    const void* nl = n > from ? ::memrchr(b + from, '\n', n - from) : nullptr;
    return nl ? static_cast<size_t>(static_cast<const char*>(nl) - b) + 1 : 0;
  }
  // Quotes in [0, i) must be even for a newline at i to end a record.
  size_t total = static_cast<size_t>(std::count(b, b + n, '"'));
  size_t suffix = 0;
  for (size_t i = n; i-- > from;) {
    if (b[i] == '"')
      ++suffix;
    else if (b[i] == '\n' && ((total - suffix) & 1) == 0)
      return i + 1;
  }
  return 0;
}

Result<std::optional<std::string>> ChunkReader::first_row() {
  // Scan for the first record terminator, keeping the position and quote state across fills.
  size_t i = 0, start = 0, cut = 0;
  bool quoted = false;
  while (!cut) {
    for (; i < buf_.size(); ++i) {
      char c = buf_[i];
      if (c == '"' && format_ == DataFormat::kCsv) {
        quoted = !quoted;
      } else if (c == '\n' && !quoted) {
        bool blank = buf_.find_first_not_of(" \t\r", start) >= i;
        if (format_ == DataFormat::kJsonl && blank) {
          start = i + 1;  // blank lines before the first object
          continue;
        }
        cut = i + 1;
        break;
      }
    }
    if (cut || eof_) break;
    if (buf_.size() > kMaxRowBytes)
      return make_error(
          ErrorCode::kInvalidInput,
          in_.name() + ": line 1: no end of the first row within 64 MiB (unterminated quote?)");
    MLO_TRY(fill());
  }
  if (!cut) cut = buf_.size();
  // A UTF-8 byte order mark is not part of the first column's name.
  if (buf_.compare(0, 3, "\xEF\xBB\xBF") == 0) start = std::max<size_t>(start, 3);
  if (buf_.find_first_not_of(" \t\r\n", start) == std::string::npos)
    return std::optional<std::string>{};
  std::string row = buf_.substr(start, cut - start);
  while (!row.empty() && (row.back() == '\n' || row.back() == '\r')) row.pop_back();
  size_t consume = format_ == DataFormat::kCsv ? cut : start;
  next_line_ += static_cast<uint64_t>(std::count(buf_.data(), buf_.data() + consume, '\n'));
  buf_.erase(0, consume);
  return std::optional<std::string>(std::move(row));
}

Result<bool> ChunkReader::next(Chunk& out) {
  size_t searched = 0;
  for (;;) {
    if (buf_.size() < chunk_bytes_ && !eof_) {
      MLO_TRY(fill());
      continue;
    }
    if (buf_.empty()) return false;
    size_t cut = eof_ ? buf_.size() : find_cut(searched);
    if (cut == 0) {
      if (buf_.size() > kMaxRowBytes)
        return make_error(ErrorCode::kInvalidInput,
                          in_.name() + ": line " + std::to_string(next_line_) +
                              ": row longer than 64 MiB (unterminated quote?)");
      searched = buf_.size();
      MLO_TRY(fill());
      continue;
    }
    out.index = next_index_++;
    out.first_line = next_line_;
    out.first_row = next_row_;
    const char* b = buf_.data();
    next_line_ += static_cast<uint64_t>(std::count(b, b + cut, '\n'));
    uint64_t records = count_records(b, b + cut, format_ == DataFormat::kCsv);
    if (cut == buf_.size() && b[cut - 1] != '\n') ++records;  // last row without a newline
    next_row_ += records;
    out.bytes.assign(b, cut);
    buf_.erase(0, cut);
    return true;
  }
}

}  // namespace mlo
