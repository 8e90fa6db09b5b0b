#include "mlo/store/store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mlo/core/digest.hpp"
#include "mlo/store/source_file.hpp"

namespace mlo {

namespace {

constexpr size_t kMaxKeyLength = 1024;
constexpr size_t kMaxSegmentLength = 255;

Error key_error(std::string_view key, const std::string& why) {
  return make_error(ErrorCode::kUsage, "invalid store key '" + std::string(key) + "': " + why);
}

}  // namespace

std::string blob_key(std::string_view digest) {
  if (digest.substr(0, kDigestPrefix.size()) == kDigestPrefix)
    digest.remove_prefix(kDigestPrefix.size());
  std::string key = "objects/sha256/";
  if (digest.size() < 3) return key.append(digest);
  return key.append(digest.substr(0, 2)).append("/").append(digest.substr(2));
}

Status validate_key(std::string_view key) {
  if (key.empty()) return key_error(key, "empty");
  if (key.size() > kMaxKeyLength) return key_error(key.substr(0, 64), "longer than 1024 bytes");
  if (key.front() == '/') return key_error(key, "must be relative (no leading '/')");
  for (unsigned char c : key) {
    if (c == '\\') return key_error(key, "backslash not allowed");
    if (c < 0x20 || c == 0x7f) return key_error(key, "control character not allowed");
  }
  size_t start = 0;
  for (;;) {
    size_t end = key.find('/', start);
    std::string_view segment =
        key.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (segment.empty()) return key_error(key, "empty path segment");
    if (segment == "." || segment == "..")
      return key_error(key, "'.' and '..' segments not allowed");
    // Names starting with '.' are reserved for backends' temp and lock files.
    if (segment.front() == '.') return key_error(key, "segments starting with '.' are reserved");
    if (segment.size() > kMaxSegmentLength)
      return key_error(key, "path segment longer than 255 bytes");
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return {};
}

Result<BlobInfo> put_blob_bytes(Store& store, std::string_view bytes) {
  size_t offset = 0;
  return store.put_blob([&](char* buf, size_t cap) -> Result<size_t> {
    size_t n = std::min(cap, bytes.size() - offset);
    std::memcpy(buf, bytes.data() + offset, n);
    offset += n;
    return n;
  });
}

Result<BlobInfo> put_blob_file(Store& store, const std::string& path) {
  return store.put_file(path);
}

Result<BlobInfo> Store::put_file(const std::string& path) {
  MLO_ASSIGN_OR_RETURN(SourceFile in, SourceFile::open(path));
  return put_blob([&](char* buf, size_t cap) -> Result<size_t> {
    for (;;) {
      ssize_t n = ::read(in.fd(), buf, cap);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR)
        return make_error(ErrorCode::kRuntime, path + ": read failed: " + std::strerror(errno));
    }
  });
}

Status Store::get_to(const std::string& key, const WriteFn& sink) {
  MLO_ASSIGN_OR_RETURN(std::string bytes, get(key));
  return sink(bytes.data(), bytes.size());
}

Status get_blob_to(Store& store, std::string_view digest, const WriteFn& sink) {
  if (!is_valid_digest(digest))
    return make_error(ErrorCode::kInvalidInput, "invalid digest '" + std::string(digest) + "'");
  const std::string key = blob_key(digest);
  Sha256 hash;
  MLO_TRY(store.get_to(key, [&](const char* data, size_t size) -> Status {
    hash.update(data, size);
    return sink(data, size);
  }));
  if (hash.finish() != digest)
    return make_error(ErrorCode::kIntegrity,
                      "store " + store.url() + ": blob " + key +
                          " does not match its digest (corrupted or truncated)");
  return {};
}

Result<std::string> digest_key(Store& store, const std::string& key) {
  Sha256 hash;
  MLO_TRY(store.get_to(key, [&](const char* data, size_t size) -> Status {
    hash.update(data, size);
    return {};
  }));
  return hash.finish();
}

Result<std::string> get_blob(Store& store, std::string_view digest) {
  if (!is_valid_digest(digest))
    return make_error(ErrorCode::kInvalidInput, "invalid digest '" + std::string(digest) + "'");
  const std::string key = blob_key(digest);
  MLO_ASSIGN_OR_RETURN(std::string bytes, store.get(key));
  if (digest_bytes(bytes) != digest)
    return make_error(ErrorCode::kIntegrity,
                      "store " + store.url() + ": blob " + key +
                          " does not match its digest (corrupted or truncated)");
  return bytes;
}

Status validate_children_prefix(std::string_view prefix) {
  if (prefix.empty()) return {};
  if (prefix.back() != '/') return key_error(prefix, "a child listing prefix must end in '/'");
  return validate_key(prefix.substr(0, prefix.size() - 1));
}

std::vector<std::string> children_of_keys(const std::vector<std::string>& keys,
                                          std::string_view prefix) {
  std::vector<std::string> children;
  for (const auto& key : keys) {
    std::string_view rest = std::string_view(key).substr(prefix.size());
    size_t slash = rest.find('/');
    std::string_view child = slash == std::string_view::npos ? rest : rest.substr(0, slash + 1);
    // Keys sharing a level are adjacent in sorted order, so comparing with the last suffices.
    if (children.empty() || children.back() != child) children.emplace_back(child);
  }
  return children;
}

Status Store::remove_if_unchanged(const std::string& key, const ObjectInfo& seen) {
  MLO_ASSIGN_OR_RETURN(ObjectInfo now, head(key));
  if (now.size != seen.size || now.mtime != seen.mtime)
    return make_error(ErrorCode::kConflict, "store " + url() + ": " + key + " changed meanwhile");
  return remove(key);
}

Result<std::vector<StrayEntry>> Store::list_strays() {
  return std::vector<StrayEntry>{};
}

Status Store::remove_stray(const StrayEntry& entry) {
  return make_error(ErrorCode::kUsage,
                    "store " + url() + ": " + entry.name + ": not a temporary entry of this store");
}

Result<std::unique_ptr<OutputSink>> Store::open_writer(const std::string& key) {
  return make_error(ErrorCode::kUsage,
                    "store " + url() + ": " + key + ": this store cannot write data outputs");
}

Result<std::vector<std::string>> Store::list_children(const std::string& prefix) {
  MLO_TRY(validate_children_prefix(prefix));
  MLO_ASSIGN_OR_RETURN(std::vector<std::string> keys, list(prefix));
  return children_of_keys(keys, prefix);
}

}  // namespace mlo
