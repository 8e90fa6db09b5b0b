#include "mlo/core/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <string_view>

namespace mlo {

namespace {

constexpr int kMaxSymlinkHops = 40;  // as the kernel's ELOOP limit

std::string parent_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// N for the names of an inherited descriptor (/dev/stdout, /dev/fd/N, /proc/self/fd/N), else -1.
int inherited_descriptor(const std::string& path) {
  if (path == "/dev/stdout") return STDOUT_FILENO;
  if (path == "/dev/stderr") return STDERR_FILENO;
  std::string_view digits;
  const std::string self_fd = "/proc/" + std::to_string(::getpid()) + "/fd/";
  for (std::string_view prefix : {std::string_view("/dev/fd/"), std::string_view("/proc/self/fd/"),
                                  std::string_view(self_fd)}) {
    if (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0) {
      digits = std::string_view(path).substr(prefix.size());
      break;
    }
  }
  if (digits.empty() || digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos)
    return -1;
  return std::stoi(std::string(digits));
}

Error path_error(const std::string& path, int err) {
  const ErrorCode code =
      err == ENOENT || err == ENOTDIR ? ErrorCode::kNotFound : ErrorCode::kRuntime;
  return make_error(code, path + ": " + std::strerror(err));
}

}  // namespace

Result<OutputTarget> resolve_output_target(const std::string& path) {
  if (path.empty() || path.back() == '/')
    return make_error(ErrorCode::kUsage, "'" + path + "': not a file path");
  // Outputs into an object store are opened as sinks by the data layer (remote_output.hpp); an
  // output that does not support them refuses the URL rather than writing to a local directory
  // called "s3:".
  if (path.rfind("s3://", 0) == 0)
    return make_error(
        ErrorCode::kUsage,
        "'" + path + "': this output cannot be written to s3:// (write a local file)");
  OutputTarget target;
  target.path = path;
  std::string cur = path;
  for (int hop = 0; hop <= kMaxSymlinkHops; ++hop) {
    if (int fd = inherited_descriptor(cur); fd >= 0) {
      if (::fcntl(fd, F_GETFD) < 0)
        return make_error(ErrorCode::kNotFound,
                          path + ": descriptor " + std::to_string(fd) + " is not open");
      target.kind = OutputKind::kStream;
      target.inherited_fd = fd;
      target.resolved = cur;
      return target;
    }
    struct stat st {};
    if (::lstat(cur.c_str(), &st) != 0) {
      if (errno != ENOENT) return path_error(path, errno);
      target.resolved = cur;  // a new file (or a dangling link's target, created like `>` does)
      return target;
    }
    if (S_ISLNK(st.st_mode)) {
      char buf[PATH_MAX];
      ssize_t n = ::readlink(cur.c_str(), buf, sizeof buf - 1);
      if (n < 0) return path_error(path, errno);
      std::string next(buf, static_cast<size_t>(n));
      cur = next.front() == '/' ? next : parent_of(cur) + "/" + next;
      continue;
    }
    if (S_ISDIR(st.st_mode))
      return make_error(ErrorCode::kUsage, path + ": is a directory, not a file");
    target.resolved = cur;
    target.kind = S_ISREG(st.st_mode) ? OutputKind::kReplace : OutputKind::kStream;
    return target;
  }
  return make_error(ErrorCode::kUsage, path + ": too many levels of symbolic links");
}

bool same_existing_file(const std::string& a, const std::string& b) {
  struct stat sa {
  }, sb{};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return S_ISREG(sa.st_mode) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

Result<OutputFile> OutputFile::open(const std::string& path) {
  MLO_ASSIGN_OR_RETURN(OutputTarget target, resolve_output_target(path));
  OutputFile out;
  out.path_ = path;
  if (target.kind == OutputKind::kReplace) {
    MLO_ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::create(target.resolved));
    out.file_.emplace(std::move(file));
    return out;
  }
  int fd = target.inherited_fd >= 0
               ? ::fcntl(target.inherited_fd, F_DUPFD_CLOEXEC, 3)
               : ::open(target.resolved.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return path_error(path, errno);
  out.stream_fd_ = fd;
  return out;
}

OutputFile OutputFile::from_sink(std::string path, std::unique_ptr<OutputSink> sink) {
  OutputFile out;
  out.path_ = std::move(path);
  out.sink_ = std::move(sink);
  return out;
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : path_(std::move(other.path_)),
      file_(std::move(other.file_)),
      sink_(std::move(other.sink_)),
      stream_fd_(other.stream_fd_) {
  other.file_.reset();
  other.stream_fd_ = -1;
}

OutputFile& OutputFile::operator=(OutputFile&& other) noexcept {
  if (this != &other) {
    close_stream();
    path_ = std::move(other.path_);
    file_ = std::move(other.file_);
    sink_ = std::move(other.sink_);
    stream_fd_ = other.stream_fd_;
    other.file_.reset();
    other.stream_fd_ = -1;
  }
  return *this;
}

OutputFile::~OutputFile() {
  close_stream();
}

void OutputFile::close_stream() {
  if (stream_fd_ >= 0) ::close(stream_fd_);
  stream_fd_ = -1;
}

int OutputFile::fd() const {
  return file_ ? file_->fd() : stream_fd_;
}

Status OutputFile::write(const void* data, size_t size) {
  if (file_) return file_->write(data, size);
  if (sink_) return sink_->write(data, size);
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    if (stream_fd_ < 0) return make_error(ErrorCode::kRuntime, path_ + ": write after commit");
    ssize_t n = ::write(stream_fd_, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(ErrorCode::kRuntime, path_ + ": write failed: " + std::strerror(errno));
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
  return {};
}

Status OutputFile::prepare() {
  if (file_) return file_->prepare();
  if (sink_) return sink_->prepare();
  return {};
}

Status OutputFile::publish() {
  if (file_) return file_->publish();
  if (sink_) return sink_->publish();
  close_stream();
  return {};
}

Status OutputFile::commit() {
  MLO_TRY(prepare());
  return publish();
}

Result<OutputFile*> OutputGroup::add(const std::string& path) {
  MLO_ASSIGN_OR_RETURN(OutputFile file, OutputFile::open(path));
  return add(std::move(file));
}

OutputFile* OutputGroup::add(OutputFile file) {
  files_.push_back(std::make_unique<OutputFile>(std::move(file)));
  return files_.back().get();
}

Status OutputGroup::commit_all() {
  for (auto& f : files_) MLO_TRY(f->prepare());
  // Remote outputs first (see the header comment); stable, so the rest keep their order.
  std::stable_partition(files_.begin(), files_.end(), [](const auto& f) { return f->remote(); });
  std::vector<std::string> replaced;
  for (size_t i = 0; i < files_.size(); ++i) {
    Status st = files_[i]->publish();
    if (st.ok()) {
      if (!files_[i]->streamed()) replaced.push_back(files_[i]->path());
      continue;
    }
    if (replaced.empty()) return st;  // nothing changed yet: the plain error says it all
    std::string msg = st.error().message + "; already replaced:";
    for (const auto& p : replaced) msg += " " + p;
    msg += "; left as they were:";
    for (size_t j = i; j < files_.size(); ++j) msg += " " + files_[j]->path();
    files_.clear();  // removes the remaining temps
    return make_error(st.error().code, msg);
  }
  files_.clear();
  return {};
}

Status write_output_file(const std::string& path, std::string_view bytes) {
  MLO_ASSIGN_OR_RETURN(OutputFile file, OutputFile::open(path));
  MLO_TRY(file.write(bytes));
  return file.commit();
}

}  // namespace mlo
