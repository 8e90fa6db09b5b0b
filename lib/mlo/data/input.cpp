#include "mlo/data/input.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "mlo/core/archive_api.hpp"
#include "mlo/core/digest.hpp"
#include "mlo/data/remote_input.hpp"

namespace mlo {

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

constexpr std::string_view kCompressionSuffixes[] = {".gz", ".zst", ".xz", ".bz2", ".lz4"};

// Magic bytes of the compressed formats libarchive can decode as a raw stream.
const char* detect_compression(const unsigned char* p, size_t n) {
  auto has = [&](std::initializer_list<unsigned char> magic) {
    if (n < magic.size()) return false;
    size_t i = 0;
    for (unsigned char m : magic)
      if (p[i++] != m) return false;
    return true;
  };
  if (has({0x1f, 0x8b})) return "gzip";
  if (has({0x28, 0xb5, 0x2f, 0xfd})) return "zstd";
  if (has({0xfd, '7', 'z', 'X', 'Z', 0x00})) return "xz";
  if (has({'B', 'Z', 'h'})) return "bzip2";
  if (has({0x04, 0x22, 0x4d, 0x18})) return "lz4";
  return nullptr;
}

}  // namespace

std::string strip_compression_suffix(const std::string& path) {
  for (auto suffix : kCompressionSuffixes)
    if (ends_with(path, suffix)) return path.substr(0, path.size() - suffix.size());
  return path;
}

DataFormat format_from_path(const std::string& path) {
  std::string base = strip_compression_suffix(path);
  return ends_with(base, ".jsonl") || ends_with(base, ".ndjson") ? DataFormat::kJsonl
                                                                 : DataFormat::kCsv;
}

struct InputStream::Impl {
  std::string name;
  int fd = -1;
  bool own_fd = false;
  std::string compression = "none";
  Sha256 sha;
  uint64_t raw = 0;
  std::string peek;  // bytes read for detection, handed out first
  size_t peek_pos = 0;
  const ArchiveApi* la = nullptr;  // loaded with ar: plain and gzip input never need it
  archive* ar = nullptr;
  std::vector<char> raw_buf;
  bool eof = false;
  std::string io_error;  // set by the libarchive read callback
  std::string digest;    // cached result of raw_digest()
  // gzip is decoded with zlib, not libarchive: libarchive skips the CRC-32 and length trailers.
  std::optional<z_stream> gz;
  std::vector<char> gz_in;
  std::unique_ptr<RemoteSource> remote;  // s3://: owns `fd`

  ~Impl() {
    if (ar) la->archive_read_free(ar);
    if (gz) inflateEnd(&*gz);
    if (own_fd && fd >= 0) ::close(fd);
  }

  Error corrupt(const std::string& why) const {
    return make_error(ErrorCode::kInvalidInput,
                      name + ": truncated or corrupt " + compression + " data: " + why);
  }

  Status start_gzip() {
    gz.emplace();
    z_stream& z = *gz;
    z.zalloc = nullptr;
    z.zfree = nullptr;
    z.opaque = nullptr;
    z.next_in = nullptr;
    z.avail_in = 0;
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {  // 16: gzip wrapper, trailers checked
      gz.reset();
      return make_error(ErrorCode::kRuntime, name + ": cannot allocate decoder");
    }
    gz_in.resize(1u << 20);
    return {};
  }

  // Refills zlib's input; false at end of the raw input.
  Result<bool> gz_refill() {
    MLO_ASSIGN_OR_RETURN(size_t n, raw_read(gz_in.data(), gz_in.size()));
    gz->next_in = reinterpret_cast<Bytef*>(gz_in.data());
    gz->avail_in = static_cast<uInt>(n);
    return n > 0;
  }

  // Decodes gzip members one after another (as gzip -d does); after the last one only the end
  // of input may follow: anything else is trailing garbage, an error.
  Result<size_t> gz_read(char* buf, size_t size) {
    z_stream& z = *gz;
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = static_cast<uInt>(std::min<size_t>(size, 1u << 30));
    while (z.avail_out == static_cast<uInt>(std::min<size_t>(size, 1u << 30))) {
      if (z.avail_in == 0) {
        MLO_ASSIGN_OR_RETURN(bool more, gz_refill());
        if (!more) return corrupt("unexpected end of data");
      }
      int rc = inflate(&z, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        size_t produced = static_cast<size_t>(reinterpret_cast<char*>(z.next_out) - buf);
        MLO_TRY(gz_next_member());
        if (eof || produced > 0) return produced;
        continue;
      }
      if (rc == Z_BUF_ERROR && z.avail_in == 0) continue;  // needs more input
      if (rc != Z_OK) return corrupt(z.msg ? z.msg : "inflate failed");
    }
    return static_cast<size_t>(reinterpret_cast<char*>(z.next_out) - buf);
  }

  // After a member's verified trailer: another member, the end of input, or garbage.
  Status gz_next_member() {
    z_stream& z = *gz;
    if (z.avail_in == 0) {
      MLO_ASSIGN_OR_RETURN(bool more, gz_refill());
      if (!more) {
        eof = true;
        return {};
      }
    }
    if (z.avail_in >= 1 && z.next_in[0] != 0x1f)
      return corrupt("trailing garbage after the last member");
    if (z.avail_in >= 2 && z.next_in[1] != 0x8b)
      return corrupt("trailing garbage after the last member");
    inflateReset(&z);
    return {};
  }

  // libarchive decoders: after their end of data, every raw byte must have been consumed
  // (trailing garbage after a bzip2 or lz4 stream is otherwise ignored silently).
  Status check_no_trailing_bytes() {
    std::vector<char> rest(1u << 16);
    for (;;) {
      MLO_ASSIGN_OR_RETURN(size_t n, raw_read(rest.data(), rest.size()));
      if (n == 0) break;
    }
    const la_int64_t consumed = la->archive_filter_bytes(ar, 1);
    if (consumed >= 0 && static_cast<uint64_t>(consumed) < raw)
      return corrupt(std::to_string(raw - static_cast<uint64_t>(consumed)) +
                     " bytes of trailing garbage after the end of the stream");
    return {};
  }

  // Raw bytes from the descriptor, hashed as they pass.
  Result<size_t> raw_read(char* buf, size_t size) {
    if (peek_pos < peek.size()) {
      size_t n = std::min(size, peek.size() - peek_pos);
      std::memcpy(buf, peek.data() + peek_pos, n);
      peek_pos += n;
      return n;
    }
    for (;;) {
      ssize_t n = ::read(fd, buf, size);
      if (n < 0) {
        if (errno == EINTR) continue;
        return make_error(ErrorCode::kRuntime, name + ": read failed: " + std::strerror(errno));
      }
      if (n == 0 && remote) MLO_TRY(remote->finish());  // cut off early: an error, not EOF
      sha.update(buf, static_cast<size_t>(n));
      raw += static_cast<uint64_t>(n);
      return static_cast<size_t>(n);
    }
  }

  static la_ssize_t archive_read_cb(archive* a, void* client, const void** out) {
    auto* self = static_cast<Impl*>(client);
    auto n = self->raw_read(self->raw_buf.data(), self->raw_buf.size());
    if (!n.ok()) {
      self->io_error = n.error().message;
      self->la->archive_set_error(a, EIO, "%s", self->io_error.c_str());
      return -1;
    }
    *out = self->raw_buf.data();
    return static_cast<la_ssize_t>(*n);
  }

  Error decode_error() const {
    if (!io_error.empty()) return make_error(ErrorCode::kRuntime, io_error);
    const char* why = ar ? la->archive_error_string(ar) : nullptr;
    return make_error(ErrorCode::kInvalidInput, name + ": truncated or corrupt " + compression +
                                                    " data: " + (why ? why : "unknown error"));
  }

  Status start_decoder() {
    auto api = archive_api();
    if (!api.ok()) return make_error(api.error().code, name + ": " + api.error().message);
    la = *api;
    ar = la->archive_read_new();
    if (!ar) return make_error(ErrorCode::kRuntime, name + ": cannot allocate decoder");
    la->archive_read_support_filter_all(ar);
    la->archive_read_support_format_raw(ar);
    raw_buf.resize(1u << 20);
    if (la->archive_read_open(ar, this, nullptr, archive_read_cb, nullptr) != ARCHIVE_OK)
      return decode_error();
    archive_entry* entry = nullptr;
    int rc = la->archive_read_next_header(ar, &entry);
    if (rc == ARCHIVE_EOF) {
      eof = true;  // a compressed empty file
      return {};
    }
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) return decode_error();
    return {};
  }
};

InputStream::InputStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
InputStream::InputStream(InputStream&&) noexcept = default;
InputStream& InputStream::operator=(InputStream&&) noexcept = default;
InputStream::~InputStream() = default;

Result<InputStream> InputStream::open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  if (path == "-") {
    impl->name = "stdin";
    impl->fd = STDIN_FILENO;
  } else if (is_remote_data_path(path)) {
    impl->name = path;
    MLO_ASSIGN_OR_RETURN(impl->remote, RemoteSource::open(path));
    impl->fd = impl->remote->fd();
  } else {
    impl->name = path;
    impl->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (impl->fd < 0) {
      int err = errno;
      return make_error(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kRuntime,
                        path + ": cannot open: " + std::strerror(err));
    }
    impl->own_fd = true;
    ::posix_fadvise(impl->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  // Peek at up to 6 bytes (the longest magic) without losing them.
  char head[6];
  size_t got = 0;
  while (got < sizeof head) {
    MLO_ASSIGN_OR_RETURN(size_t n, impl->raw_read(head + got, sizeof head - got));
    if (n == 0) break;
    got += n;
  }
  impl->peek.assign(head, got);
  if (const char* comp = detect_compression(reinterpret_cast<const unsigned char*>(head), got)) {
    impl->compression = comp;
    if (impl->compression == "gzip")
      MLO_TRY(impl->start_gzip());
    else
      MLO_TRY(impl->start_decoder());
  }
  return InputStream(std::move(impl));
}

Result<size_t> InputStream::read(char* buf, size_t size) {
  Impl& s = *impl_;
  if (s.eof || size == 0) return size_t{0};
  if (s.gz) return s.gz_read(buf, size);
  if (!s.ar) {
    MLO_ASSIGN_OR_RETURN(size_t n, s.raw_read(buf, size));
    if (n == 0) s.eof = true;
    return n;
  }
  la_ssize_t n = s.la->archive_read_data(s.ar, buf, size);
  if (n < 0) return s.decode_error();
  if (n == 0) {
    MLO_TRY(s.check_no_trailing_bytes());
    s.eof = true;
  }
  return static_cast<size_t>(n);
}

const std::string& InputStream::name() const {
  return impl_->name;
}
std::string InputStream::compression() const {
  return impl_->compression;
}
uint64_t InputStream::raw_bytes() const {
  return impl_->raw;
}

std::string InputStream::raw_digest() {
  Impl& s = *impl_;
  if (!s.digest.empty()) return s.digest;
  // Hash whatever the decoder left unread (e.g. trailing padding) so the digest covers the file.
  std::vector<char> rest(1u << 16);
  while (true) {
    auto n = s.raw_read(rest.data(), rest.size());
    if (!n.ok() || *n == 0) break;
  }
  s.digest = s.sha.finish();
  return s.digest;
}

}  // namespace mlo
