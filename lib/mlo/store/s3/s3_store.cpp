#include "mlo/store/s3/s3_store.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "mlo/core/curl_api.hpp"
#include "mlo/core/digest.hpp"
#include "mlo/store/s3/xml.hpp"

namespace mlo {

namespace {

constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

bool retryable_status(long status) {
  return status >= 500 || status == 429;
}

std::string unquote(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
    etag = etag.substr(1, etag.size() - 2);
  return etag;
}

}  // namespace

Result<std::unique_ptr<S3Store>> S3Store::open(const std::string& url) {
  MLO_ASSIGN_OR_RETURN(s3::S3Config config, s3::load_s3_config(url));
  MLO_TRY(curl_api());  // libcurl is opened here, once: a missing library fails before any request
  return std::make_unique<S3Store>(std::move(config));
}

S3Store::S3Store(s3::S3Config config) : config_(std::move(config)) {
  const size_t sep = config_.endpoint.find("://");
  scheme_ = config_.endpoint.substr(0, sep);
  host_ = config_.endpoint.substr(sep + 3);
  if (!config_.path_style) host_ = config_.bucket + "." + host_;
}

std::string S3Store::url() const {
  return "s3://" + config_.bucket + (config_.prefix.empty() ? "" : "/" + config_.prefix);
}

std::string S3Store::object_key(const std::string& key) const {
  return config_.prefix.empty() ? key : config_.prefix + "/" + key;
}

std::unique_ptr<s3::HttpClient> S3Store::lease() {
  std::lock_guard<std::mutex> lock(pool_mutex_);
  if (pool_.empty()) return std::make_unique<s3::HttpClient>();
  auto client = std::move(pool_.back());
  pool_.pop_back();
  return client;
}

void S3Store::give_back(std::unique_ptr<s3::HttpClient> client) {
  std::lock_guard<std::mutex> lock(pool_mutex_);
  pool_.push_back(std::move(client));
}

void S3Store::backoff(int attempt) const {
  // Full jitter (uniform in [0, min(cap, base * 2^attempt)]): spreads out the retries of the many
  // cron hosts that hit the same throttled bucket at once.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const double cap_ms = std::min(5000.0, 100.0 * static_cast<double>(1u << std::min(attempt, 10)));
  std::uniform_real_distribution<double> pick(cap_ms / 4, cap_ms);
  std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(pick(rng) * 1000)));
}

s3::HttpResponse S3Store::send_once(const Call& call, const s3::Pairs& extra) {
  s3::SignInput in;
  in.method = call.method;
  in.path = "/";
  if (config_.path_style)
    in.path += s3::uri_encode(config_.bucket, false) + (call.key.empty() ? "" : "/");
  if (!call.key.empty()) in.path += s3::uri_encode(object_key(call.key), true);
  in.query = call.query;
  in.region = config_.region;
  in.payload_hash = !call.payload_hash.empty() ? call.payload_hash
                    : call.body.empty()        ? std::string(kEmptySha256)
                                               : s3::hex_sha256(call.body);
  const std::string date = s3::amz_date(std::time(nullptr));
  in.headers = call.headers;
  in.headers.insert(in.headers.end(), extra.begin(), extra.end());
  in.headers.emplace_back("host", host_);
  in.headers.emplace_back("x-amz-date", date);
  in.headers.emplace_back("x-amz-content-sha256", in.payload_hash);
  if (!config_.credentials.session_token.empty())
    in.headers.emplace_back("x-amz-security-token", config_.credentials.session_token);

  s3::HttpRequest request;
  request.method = call.method;
  const std::string query = s3::canonical_query(call.query);
  request.url = scheme_ + "://" + host_ + in.path + (query.empty() ? "" : "?" + query);
  request.headers = in.headers;
  request.headers.emplace_back("Authorization", s3::authorization(in, config_.credentials, date));
  request.body = call.body;
  request.sink = call.sink;
  request.connect_timeout_s = config_.connect_timeout_s;
  request.read_timeout_s = config_.read_timeout_s;
  auto client = lease();
  s3::HttpResponse response = client->perform(request);
  // A failed connection may be half-open: do not hand it to the next request.
  if (response.transport_error.empty()) give_back(std::move(client));
  return response;
}

Error S3Store::failure(const Call& call, const s3::HttpResponse& r) const {
  const std::string what = "store " + url() + ": " + call.method + " " +
                           (call.key.empty() ? std::string("bucket") : call.key);
  if (!r.transport_error.empty())
    return make_error(ErrorCode::kRuntime, what + ": " + r.transport_error);
  const std::string code = s3::xml_text(r.body, "Code");
  const std::string message = s3::xml_text(r.body, "Message");
  std::string why = "HTTP " + std::to_string(r.status);
  if (!code.empty()) why += " " + code;
  if (!message.empty() && message.size() < 200) why += " (" + message + ")";
  if (r.status == 404)
    return make_error(ErrorCode::kNotFound, call.key.empty() || code == "NoSuchBucket"
                                                ? what + ": " + why
                                                : "store " + url() + ": no such key: " + call.key);
  if (r.status == 412) return make_error(ErrorCode::kConflict, what + ": precondition failed");
  return make_error(ErrorCode::kRuntime, what + ": " + why);
}

Result<s3::HttpResponse> S3Store::send(const Call& call) {
  uint64_t delivered = 0;  // bytes already handed to call.sink (a GET resumes after them)
  WriteFn counting;
  Call attempt_call = call;
  if (call.sink != nullptr) {
    counting = [&](const char* data, size_t size) -> Status {
      MLO_TRY((*call.sink)(data, size));
      delivered += size;
      return {};
    };
    attempt_call.sink = &counting;
  }
  for (int attempt = 1;; ++attempt) {
    s3::Pairs extra;
    const uint64_t resume_at = delivered;
    if (resume_at > 0) extra.emplace_back("Range", "bytes=" + std::to_string(resume_at) + "-");
    s3::HttpResponse r = send_once(attempt_call, extra);
    if (!r.sink_status.ok()) return r.sink_status.error();
    if (resume_at > 0 && r.status == 200)  // the server ignored Range: the bytes would repeat
      return make_error(ErrorCode::kRuntime, "store " + url() + ": GET " + call.key +
                                                 ": server cannot resume an interrupted read");
    const bool transient = !r.transport_error.empty() || retryable_status(r.status);
    if (!transient || !call.idempotent || attempt >= config_.max_attempts) {
      if (!r.transport_error.empty()) {
        Error e = failure(call, r);
        if (attempt > 1) e.message += " (after " + std::to_string(attempt) + " attempts)";
        return e;
      }
      return r;
    }
    backoff(attempt);
  }
}

Result<ObjectInfo> S3Store::head(const std::string& key) {
  MLO_TRY(validate_key(key));
  Call call{"HEAD", key};
  MLO_ASSIGN_OR_RETURN(s3::HttpResponse r, send(call));
  if (r.status != 200) return failure(call, r);
  ObjectInfo info;
  info.size = std::strtoull(r.headers["content-length"].c_str(), nullptr, 10);
  info.etag = unquote(r.headers["etag"]);
  const std::string& modified = r.headers["last-modified"];
  if (!modified.empty())
    info.mtime = static_cast<int64_t>((*curl_api())->curl_getdate(modified.c_str(), nullptr));
  return info;
}

Status S3Store::get_to(const std::string& key, const WriteFn& sink) {
  MLO_TRY(validate_key(key));
  Call call{"GET", key};
  call.sink = &sink;
  MLO_ASSIGN_OR_RETURN(s3::HttpResponse r, send(call));
  if (r.status != 200 && r.status != 206) return failure(call, r);
  return {};
}

Result<std::string> S3Store::get(const std::string& key) {
  std::string bytes;
  MLO_TRY(get_to(key, [&](const char* data, size_t size) -> Status {
    bytes.append(data, size);
    return {};
  }));
  return bytes;
}

Status S3Store::remove(const std::string& key) {
  MLO_TRY(head(key));  // S3 answers 204 for a missing key too; the contract wants kNotFound
  Call call{"DELETE", key};
  MLO_ASSIGN_OR_RETURN(s3::HttpResponse r, send(call));
  if (r.status != 204 && r.status != 200) return failure(call, r);
  return {};
}

Result<std::vector<std::string>> S3Store::list_raw(const std::string& prefix, bool delimit) {
  const std::string base = config_.prefix.empty() ? "" : config_.prefix + "/";
  std::vector<std::string> out;
  std::string token;
  for (;;) {
    Call call{"GET", ""};
    call.query = {{"list-type", "2"}, {"prefix", base + prefix}, {"max-keys", "1000"}};
    if (delimit) call.query.emplace_back("delimiter", "/");
    if (!token.empty()) call.query.emplace_back("continuation-token", token);
    MLO_ASSIGN_OR_RETURN(s3::HttpResponse r, send(call));
    if (r.status != 200) return failure(call, r);
    for (std::string_view contents : s3::xml_elements(r.body, "Contents"))
      out.push_back(s3::xml_text(contents, "Key").substr(base.size()));
    for (std::string_view common : s3::xml_elements(r.body, "CommonPrefixes"))
      out.push_back(s3::xml_text(common, "Prefix").substr(base.size()));
    token = s3::xml_text(r.body, "NextContinuationToken");
    if (s3::xml_text(r.body, "IsTruncated") != "true" || token.empty()) break;
  }
  return out;
}

Result<std::vector<std::string>> S3Store::list(const std::string& prefix) {
  std::string trimmed = prefix;
  if (!trimmed.empty() && trimmed.back() == '/') trimmed.pop_back();
  if (!trimmed.empty()) MLO_TRY(validate_key(trimmed));
  MLO_ASSIGN_OR_RETURN(std::vector<std::string> keys, list_raw(prefix, false));
  // Foreign objects that are not valid store keys (".tmp" names, "a//b") are not ours to report.
  std::erase_if(keys, [](const std::string& k) { return !validate_key(k).ok(); });
  std::sort(keys.begin(), keys.end());
  return keys;
}

Result<std::vector<std::string>> S3Store::list_children(const std::string& prefix) {
  MLO_TRY(validate_children_prefix(prefix));
  MLO_ASSIGN_OR_RETURN(std::vector<std::string> entries, list_raw(prefix, true));
  std::vector<std::string> children;
  for (auto& entry : entries) {
    std::string child = entry.substr(prefix.size());
    std::string_view name = child;
    if (!name.empty() && name.back() == '/') name.remove_suffix(1);
    if (name.empty() || !validate_key(name).ok()) continue;
    children.push_back(std::move(child));
  }
  std::sort(children.begin(), children.end());
  children.erase(std::unique(children.begin(), children.end()), children.end());
  return children;
}

Status S3Store::put_new(const std::string& key, std::string_view bytes) {
  return conditional_put(key, bytes, "");
}

Status S3Store::put_if(const std::string& key, std::string_view bytes,
                       const std::string& expected_etag) {
  return conditional_put(key, bytes, expected_etag);
}

Status S3Store::conditional_put(const std::string& key, std::string_view bytes,
                                const std::string& expected_etag) {
  MLO_TRY(validate_key(key));
  // A random id travels with the write as user metadata: when the outcome is unknown it tells
  // our write apart from another writer's identical bytes (two read-modify-write increments
  // produce the same bytes; taking theirs for ours would lose an update).
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const std::string write_id = std::to_string(rng()) + std::to_string(rng());
  Call call{"PUT", key};
  call.body = bytes;
  call.idempotent = false;
  call.headers.emplace_back("x-amz-meta-mlo-write-id", write_id);
  if (expected_etag.empty())
    call.headers.emplace_back("If-None-Match", "*");
  else
    call.headers.emplace_back("If-Match", expected_etag);
  for (int attempt = 1;; ++attempt) {
    s3::HttpResponse r = send_once(call, {});
    if (r.transport_error.empty() && r.status / 100 == 2) return {};
    if (r.status == 412)
      return make_error(
          ErrorCode::kConflict,
          "store " + url() + ": " + key +
              (expected_etag.empty() ? " already exists" : " was changed by someone else"));
    const bool unknown = !r.transport_error.empty() || retryable_status(r.status);
    if (!unknown) return failure(call, r);
    // The write may or may not have happened: look before trying again.
    Call look{"HEAD", key};
    MLO_ASSIGN_OR_RETURN(s3::HttpResponse now, send(look));
    if (now.status != 200 && now.status != 404) return failure(look, now);
    if (now.status == 200 && now.headers["x-amz-meta-mlo-write-id"] == write_id) return {};
    const bool unchanged = expected_etag.empty()
                               ? now.status == 404
                               : now.status == 200 && unquote(now.headers["etag"]) == expected_etag;
    if (!unchanged)
      return make_error(ErrorCode::kConflict, "store " + url() + ": " + key +
                                                  " was changed by someone else during the write");
    if (attempt >= config_.max_attempts) {
      Error e = failure(call, r);
      e.message += " (after " + std::to_string(attempt) + " attempts)";
      return e;
    }
    backoff(attempt);
  }
}

Status S3Store::create_bucket() {
  Call call{"PUT", ""};
  MLO_ASSIGN_OR_RETURN(s3::HttpResponse r, send(call));
  if (r.status == 200 || s3::xml_text(r.body, "Code") == "BucketAlreadyOwnedByYou") return {};
  return failure(call, r);
}

}  // namespace mlo
