// S3Store blob uploads (see s3_store.hpp): hash first, HEAD, then one PUT or a multipart upload.
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <thread>

#include "mlo/core/digest.hpp"
#include "mlo/core/text.hpp"
#include "mlo/store/s3/s3_store.hpp"
#include "mlo/store/s3/xml.hpp"
#include "mlo/store/source_file.hpp"

namespace mlo {

namespace {

constexpr size_t kBufferSize = 1 << 20;
constexpr uint64_t kMaxParts = 10000;  // the S3 limit
// A reused blob older than this is refreshed (reuse_blob); gc's grace period must exceed it.
constexpr int64_t kRefreshAge = 600;

// "2026-12-01T10:00:00.000Z" -> seconds since the epoch (0 if malformed).
int64_t parse_iso8601(const std::string& text) {
  struct tm tm {};
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
    return 0;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(::timegm(&tm));
}

Status pread_all(int fd, char* buf, size_t size, uint64_t offset, const std::string& what) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, buf + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return make_error(ErrorCode::kRuntime, what + ": read failed: " + std::strerror(errno));
    if (n == 0)
      return make_error(ErrorCode::kIntegrity, what + ": file shrank while it was uploaded");
    done += static_cast<size_t>(n);
  }
  return {};
}

// Hashes `fd` from the start; returns the digest and the size read.
Result<std::pair<std::string, uint64_t>> hash_fd(int fd, const std::string& what) {
  Sha256 hash;
  std::vector<char> buf(kBufferSize);
  uint64_t size = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(size));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return make_error(ErrorCode::kRuntime, what + ": read failed: " + std::strerror(errno));
    if (n == 0) break;
    hash.update(buf.data(), static_cast<size_t>(n));
    size += static_cast<uint64_t>(n);
  }
  return std::make_pair(hash.finish(), size);
}

// The ETag S3 gives an object completed from these parts: the MD5 of the parts' binary MD5s,
// then "-<count>" (unquoted, as head() reports etags).
std::string multipart_etag(const std::vector<std::string>& part_etags) {
  std::string digests;
  for (const auto& etag : part_etags) {
    std::string hex = etag;
    hex.erase(std::remove(hex.begin(), hex.end(), '"'), hex.end());
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
      digests.push_back(static_cast<char>(std::strtol(hex.substr(i, 2).c_str(), nullptr, 16)));
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(digests.data(), digests.size(), md, &len, EVP_md5(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out + "-" + std::to_string(part_etags.size());
}

}  // namespace

Result<BlobInfo> S3Store::put_blob(const ReadFn& read) {
  // The key is the digest, known only at the end of the stream: spool to an unlinked temp file
  // (bounded memory, nothing left behind on any failure), then upload it like a file.
  std::string dir = s3::process_env("TMPDIR");
  if (dir.empty()) dir = "/tmp";
  ScopedFd spool{::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)};
  if (spool.fd < 0)
    return make_error(ErrorCode::kRuntime, "store " + url() + ": cannot create a temp file in " +
                                               dir + ": " + std::strerror(errno));
  std::vector<char> buf(kBufferSize);
  Sha256 hash;
  uint64_t size = 0;
  for (;;) {
    MLO_ASSIGN_OR_RETURN(size_t n, read(buf.data(), buf.size()));
    if (n == 0) break;
    hash.update(buf.data(), n);
    for (size_t w = 0; w < n;) {
      ssize_t m = ::write(spool.fd, buf.data() + w, n - w);
      if (m < 0 && errno == EINTR) continue;
      if (m < 0)
        return make_error(ErrorCode::kRuntime, "store " + url() + ": temp file in " + dir +
                                                   ": write failed: " + std::strerror(errno));
      w += static_cast<size_t>(m);
    }
    size += n;
  }
  BlobInfo info{hash.finish(), size, false};
  MLO_ASSIGN_OR_RETURN(info.existed, reuse_blob(info));
  if (!info.existed) MLO_TRY(upload_blob(spool.fd, size, info.digest));
  return info;
}

Result<BlobInfo> S3Store::put_file(const std::string& path) {
  MLO_ASSIGN_OR_RETURN(SourceFile in, SourceFile::open(path));
  MLO_ASSIGN_OR_RETURN(auto hashed, hash_fd(in.fd(), path));
  BlobInfo info{hashed.first, hashed.second, false};
  MLO_ASSIGN_OR_RETURN(info.existed, reuse_blob(info));
  if (info.existed) return info;
  MLO_TRY(upload_blob(in.fd(), info.size, info.digest));
  if (!in.unchanged(info.size)) {
    (void)S3Store::remove(blob_key(info.digest));  // it may not match its name
    return make_error(ErrorCode::kIntegrity, path + ": file changed while it was being stored");
  }
  return info;
}

Result<bool> S3Store::reuse_blob(const BlobInfo& info) {
  const std::string key = blob_key(info.digest);
  auto present = head(key);
  if (!present.ok())
    return present.error().code == ErrorCode::kNotFound ? Result<bool>(false) : present.error();
  if (present->size != info.size) return false;
  if (std::time(nullptr) - present->mtime < kRefreshAge) return true;
  // Old: the caller is about to refer to it, so it must look fresh to gc (store.hpp). A
  // server-side copy onto itself renews Last-Modified without moving the bytes.
  Call copy{"PUT", key};
  copy.headers = {{"x-amz-copy-source", "/" + s3::uri_encode(config_.bucket, false) + "/" +
                                            s3::uri_encode(object_key(key), true)},
                  {"x-amz-metadata-directive", "REPLACE"}};
  MLO_ASSIGN_OR_RETURN(s3::HttpResponse r, send(copy));
  // A 200 can still carry an <Error> document; any refusal (e.g. objects over 5 GiB) means
  // uploading it again, which refreshes it just as well.
  return r.status == 200 && r.body.find("<Error>") == std::string::npos;
}

Result<std::vector<StrayEntry>> S3Store::list_strays() {
  // Incomplete multipart uploads (a process killed mid-upload, an abort that failed): invisible
  // to ListObjects, but their parts are stored and billed.
  const std::string base = config_.prefix.empty() ? "" : config_.prefix + "/";
  std::vector<StrayEntry> out;
  std::string key_marker, id_marker;
  for (;;) {
    Call call{"GET", ""};
    call.query = {{"uploads", ""}, {"prefix", base}};
    if (!key_marker.empty()) call.query.emplace_back("key-marker", key_marker);
    if (!id_marker.empty()) call.query.emplace_back("upload-id-marker", id_marker);
    MLO_ASSIGN_OR_RETURN(s3::HttpResponse r, send(call));
    if (r.status != 200) return failure(call, r);
    for (std::string_view upload : s3::xml_elements(r.body, "Upload")) {
      StrayEntry entry;
      std::string key = s3::xml_text(upload, "Key");
      if (key.compare(0, base.size(), base) != 0) continue;
      key.erase(0, base.size());
      const std::string id = s3::xml_text(upload, "UploadId");
      entry.name = key + " (incomplete multipart upload " + id + ")";
      entry.handle = key + "\n" + id;
      entry.mtime = parse_iso8601(s3::xml_text(upload, "Initiated"));
      out.push_back(std::move(entry));
    }
    key_marker = s3::xml_text(r.body, "NextKeyMarker");
    id_marker = s3::xml_text(r.body, "NextUploadIdMarker");
    if (s3::xml_text(r.body, "IsTruncated") != "true" || key_marker.empty()) break;
  }
  std::sort(out.begin(), out.end(),
            [](const StrayEntry& a, const StrayEntry& b) { return a.name < b.name; });
  return out;
}

Status S3Store::remove_stray(const StrayEntry& entry) {
  const size_t nl = entry.handle.find('\n');
  if (entry.kind != StrayEntry::Kind::kTemp || nl == std::string::npos ||
      !validate_key(entry.handle.substr(0, nl)).ok())
    return Store::remove_stray(entry);
  Call abort{"DELETE", entry.handle.substr(0, nl)};
  abort.query = {{"uploadId", entry.handle.substr(nl + 1)}};
  MLO_ASSIGN_OR_RETURN(s3::HttpResponse r, send(abort));
  if (r.status == 404)
    return make_error(ErrorCode::kNotFound,
                      "store " + url() + ": " + entry.name + ": already gone");
  if (r.status != 204 && r.status != 200) return failure(abort, r);
  return {};
}

Status S3Store::upload_blob(int fd, uint64_t size, const std::string& digest) {
  const std::string key = blob_key(digest);
  if (size > config_.part_size) return upload_multipart(fd, size, key);
  std::string bytes(size, '\0');
  MLO_TRY(pread_all(fd, bytes.data(), bytes.size(), 0, "store " + url() + ": " + key));
  Call call{"PUT", key};
  call.body = bytes;
  // The blob's own digest is the payload hash, so the server refuses bytes that do not match it.
  call.payload_hash = digest.substr(kDigestPrefix.size());
  MLO_ASSIGN_OR_RETURN(s3::HttpResponse r, send(call));
  if (r.status != 200) return failure(call, r);
  return {};
}

Status S3Store::upload_multipart(int fd, uint64_t size, const std::string& key) {
  uint64_t part_size = config_.part_size;
  while ((size + part_size - 1) / part_size > kMaxParts) part_size *= 2;
  const uint64_t parts = (size + part_size - 1) / part_size;
  MLO_ASSIGN_OR_RETURN(const std::string upload_id, start_multipart(key));

  std::vector<std::string> etags(parts);
  std::vector<Status> results(parts);
  std::atomic<uint64_t> next{0};
  std::atomic<bool> failed{false};
  auto worker = [&] {
    std::string buf;
    for (uint64_t i; !failed && (i = next++) < parts;) {
      const uint64_t offset = i * part_size;
      buf.resize(std::min(part_size, size - offset));
      Status s = pread_all(fd, buf.data(), buf.size(), offset, "store " + url() + ": " + key);
      if (s.ok()) {
        auto etag = upload_part(key, upload_id, i + 1, buf);
        if (etag.ok())
          etags[i] = *etag;
        else
          s = etag.error();
      }
      if (!s.ok()) {
        results[i] = s;
        failed = true;
      }
    }
  };
  const int threads =
      static_cast<int>(std::min<uint64_t>(parts, static_cast<uint64_t>(config_.concurrency)));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();

  Status outcome;
  for (const auto& r : results)
    if (!r.ok()) {
      outcome = r;
      break;
    }
  if (outcome.ok()) outcome = complete_multipart(key, upload_id, etags, size);
  if (!outcome.ok()) abort_multipart(key, upload_id);
  return outcome;
}

Result<std::string> S3Store::start_multipart(const std::string& key) {
  Call start{"POST", key};
  start.query = {{"uploads", ""}};
  MLO_ASSIGN_OR_RETURN(s3::HttpResponse created, send(start));
  std::string upload_id = s3::xml_text(created.body, "UploadId");
  if (created.status != 200 || upload_id.empty()) return failure(start, created);
  return upload_id;
}

Result<std::string> S3Store::upload_part(const std::string& key, const std::string& upload_id,
                                         uint64_t number, std::string_view body) {
  Call part{"PUT", key};
  part.query = {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}};
  part.body = body;
  MLO_ASSIGN_OR_RETURN(s3::HttpResponse r, send(part));
  if (r.status != 200) return failure(part, r);
  return r.headers["etag"];
}

Status S3Store::complete_multipart(const std::string& key, const std::string& upload_id,
                                   const std::vector<std::string>& etags, uint64_t size) {
  std::string xml = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < etags.size(); ++i)
    xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
           markup_escape(etags[i]) + "</ETag></Part>";
  xml += "</CompleteMultipartUpload>";
  Call complete{"POST", key};
  complete.query = {{"uploadId", upload_id}};
  complete.body = xml;
  MLO_ASSIGN_OR_RETURN(s3::HttpResponse r, send(complete));
  const bool gone = r.status == 404 && s3::xml_text(r.body, "Code") == "NoSuchUpload";
  // A 200 can still carry an <Error> document (S3 reports late failures that way).
  if (!gone && (r.status != 200 || r.body.find("<Error>") != std::string::npos))
    return failure(complete, r);
  MLO_ASSIGN_OR_RETURN(ObjectInfo landed, head(key));
  if (gone && landed.etag != multipart_etag(etags)) return failure(complete, r);
  if (landed.size != size)
    return make_error(ErrorCode::kIntegrity, "store " + url() + ": " + key + ": uploaded " +
                                                 std::to_string(landed.size) + " bytes, expected " +
                                                 std::to_string(size));
  return {};
}

void S3Store::abort_multipart(const std::string& key, const std::string& upload_id) {
  Call abort{"DELETE", key};
  abort.query = {{"uploadId", upload_id}};
  (void)send(abort);
}

}  // namespace mlo
