#include "mlo/data/output.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "mlo/core/archive_api.hpp"
#include "mlo/core/output_file.hpp"
#include "mlo/data/remote_output.hpp"

namespace mlo {

namespace {

constexpr size_t kBufferBytes = 1u << 20;

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Status write_fd(int fd, const char* p, size_t n, const std::string& what) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return make_error(ErrorCode::kRuntime, what + ": write failed: " + std::strerror(errno));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return {};
}

}  // namespace

struct OutputStream::Impl {
  std::string path;
  std::string compression = "none";
  std::optional<OutputFile> file;  // empty: stdout
  const ArchiveApi* la = nullptr;  // loaded with ar: plain output never needs it
  archive* ar = nullptr;
  std::string buf;
  uint64_t written = 0;
  std::string io_error;

  ~Impl() {
    if (ar) la->archive_write_free(ar);  // an uncommitted temp is removed by ~OutputFile
  }

  // Bytes on their way out (compressed or not): into the output, or stdout.
  Status emit(const char* p, size_t n) {
    if (file) return file->write(p, n);
    return write_fd(STDOUT_FILENO, p, n, path);
  }

  static la_ssize_t write_cb(archive* a, void* client, const void* data, size_t n) {
    auto* self = static_cast<Impl*>(client);
    Status st = self->emit(static_cast<const char*>(data), n);
    if (!st.ok()) {
      self->io_error = st.error().message;
      self->la->archive_set_error(a, EIO, "%s", self->io_error.c_str());
      return -1;
    }
    return static_cast<la_ssize_t>(n);
  }

  Error archive_failure(const char* stage) const {
    if (!io_error.empty()) return make_error(ErrorCode::kRuntime, io_error);
    const char* why = ar ? la->archive_error_string(ar) : nullptr;
    return make_error(ErrorCode::kRuntime, path + ": " + stage + " " + compression +
                                               " output: " + (why ? why : "unknown error"));
  }

  Status start_encoder() {
    auto api = archive_api();
    if (!api.ok()) return make_error(api.error().code, path + ": " + api.error().message);
    la = *api;
    ar = la->archive_write_new();
    if (!ar) return make_error(ErrorCode::kRuntime, path + ": cannot allocate encoder");
    int rc = ARCHIVE_FATAL;
    if (compression == "gzip")
      rc = la->archive_write_add_filter_gzip(ar);
    else if (compression == "zstd")
      rc = la->archive_write_add_filter_zstd(ar);
    else if (compression == "xz")
      rc = la->archive_write_add_filter_xz(ar);
    else if (compression == "bzip2")
      rc = la->archive_write_add_filter_bzip2(ar);
    else if (compression == "lz4")
      rc = la->archive_write_add_filter_lz4(ar);
    if (rc != ARCHIVE_OK) return archive_failure("cannot start");
    if (la->archive_write_set_format_raw(ar) != ARCHIVE_OK) return archive_failure("cannot start");
    // No block padding: the file must end where the compressed stream ends.
    la->archive_write_set_bytes_per_block(ar, 0);
    if (la->archive_write_open(ar, this, nullptr, write_cb, nullptr) != ARCHIVE_OK)
      return archive_failure("cannot start");
    archive_entry* entry = la->archive_entry_new();
    la->archive_entry_set_pathname(entry, "data");
    la->archive_entry_set_filetype(entry, AE_IFREG);
    la->archive_entry_set_perm(entry, 0644);
    rc = la->archive_write_header(ar, entry);
    la->archive_entry_free(entry);
    if (rc != ARCHIVE_OK) return archive_failure("cannot start");
    return {};
  }

  Status flush() {
    if (buf.empty()) return {};
    if (!ar) {
      MLO_TRY(emit(buf.data(), buf.size()));
    } else {
      const char* p = buf.data();
      size_t n = buf.size();
      while (n > 0) {
        la_ssize_t w = la->archive_write_data(ar, p, n);
        if (w <= 0) return archive_failure("cannot write");
        p += w;
        n -= static_cast<size_t>(w);
      }
    }
    buf.clear();
    return {};
  }
};

OutputStream::OutputStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OutputStream::OutputStream(OutputStream&&) noexcept = default;
OutputStream& OutputStream::operator=(OutputStream&&) noexcept = default;
OutputStream::~OutputStream() = default;

Result<OutputStream> OutputStream::open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  impl->path = path == "-" ? "stdout" : path;
  impl->buf.reserve(kBufferBytes + (64u << 10));
  if (path != "-") {
    MLO_ASSIGN_OR_RETURN(OutputFile file, open_output(path));
    impl->file.emplace(std::move(file));
    if (ends_with(path, ".gz"))
      impl->compression = "gzip";
    else if (ends_with(path, ".zst"))
      impl->compression = "zstd";
    else if (ends_with(path, ".xz"))
      impl->compression = "xz";
    else if (ends_with(path, ".bz2"))
      impl->compression = "bzip2";
    else if (ends_with(path, ".lz4"))
      impl->compression = "lz4";
    if (impl->compression != "none") MLO_TRY(impl->start_encoder());
  }
  return OutputStream(std::move(impl));
}

Status OutputStream::write(std::string_view bytes) {
  Impl& s = *impl_;
  s.written += bytes.size();
  if (s.buf.size() + bytes.size() > kBufferBytes) {
    MLO_TRY(s.flush());
    if (bytes.size() > kBufferBytes) {  // large block: skip the copy
      s.buf.assign(bytes);
      return s.flush();
    }
  }
  s.buf.append(bytes);
  return {};
}

Status OutputStream::commit() {
  Impl& s = *impl_;
  MLO_TRY(s.flush());
  if (s.ar) {
    if (s.la->archive_write_close(s.ar) != ARCHIVE_OK) return s.archive_failure("cannot finish");
    s.la->archive_write_free(s.ar);
    s.ar = nullptr;
  }
  if (s.file) return s.file->commit();
  return {};
}

const std::string& OutputStream::path() const {
  return impl_->path;
}
std::string OutputStream::compression() const {
  return impl_->compression;
}
uint64_t OutputStream::bytes_written() const {
  return impl_->written;
}

}  // namespace mlo
