#include "mlo/notify/notify.hpp"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include <yaml-cpp/yaml.h>

#include "mlo/core/curl_api.hpp"
#include "mlo/core/time.hpp"

namespace mlo::notify {

namespace {

size_t discard(char*, size_t size, size_t n, void*) {
  return size * n;
}

struct Attempt {
  bool retry = false;  // worth another attempt
  std::string error;   // empty on success
};

Attempt post_once(const Target& target, const std::string& body) {
  auto api = curl_api();
  if (!api.ok()) return {false, api.error().message};
  const CurlApi& c = **api;
  CURL* curl = c.curl_easy_init();
  if (!curl) return {false, "cannot create a curl handle"};
  curl_slist* headers = c.curl_slist_append(nullptr, "Content-Type: application/json");
  const long timeout_ms = std::max(1L, static_cast<long>(target.timeout_seconds * 1000));
  c.setopt(curl, CURLOPT_URL, target.url.c_str());
  c.setopt(curl, CURLOPT_HTTPHEADER, headers);
  c.setopt(curl, CURLOPT_POSTFIELDS, body.data());
  c.setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  c.setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  c.setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  c.setopt(curl, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM (threads)
  c.setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  c.setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  c.setopt(curl, CURLOPT_USERAGENT, "mlo");
  char errbuf[CURL_ERROR_SIZE] = {0};
  c.setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  const CURLcode rc = c.curl_easy_perform(curl);
  long status = 0;
  c.getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  c.curl_slist_free_all(headers);
  c.curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    const bool transient = rc == CURLE_COULDNT_CONNECT || rc == CURLE_OPERATION_TIMEDOUT ||
                           rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_SEND_ERROR ||
                           rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING;
    return {transient, *errbuf ? std::string(errbuf) : std::string(c.curl_easy_strerror(rc))};
  }
  if (status >= 200 && status < 300) return {};
  return {status == 429 || status >= 500, "HTTP " + std::to_string(status)};
}

Result<Target> target_of(const YAML::Node& node, const std::string& what) {
  Target t;
  if (node.IsScalar()) {
    t.url = node.as<std::string>();
  } else if (node.IsMap()) {
    if (!node["url"] || !node["url"].IsScalar())
      return make_error(ErrorCode::kInvalidInput, what + ": notify: every target needs a url");
    t.url = node["url"].as<std::string>();
    try {
      if (node["timeout_seconds"]) t.timeout_seconds = node["timeout_seconds"].as<double>();
      if (node["retries"]) t.retries = node["retries"].as<int>();
      if (node["events"]) t.events = node["events"].as<std::vector<std::string>>();
    } catch (const YAML::Exception& e) {
      return make_error(ErrorCode::kInvalidInput, what + ": notify: " + e.what());
    }
    if (t.timeout_seconds <= 0 || t.timeout_seconds > 300 || t.retries < 0 || t.retries > 10)
      return make_error(ErrorCode::kInvalidInput,
                        what + ": notify: timeout_seconds must be in (0, 300], retries in [0, 10]");
  } else {
    return make_error(ErrorCode::kInvalidInput, what + ": notify: expected a URL or a map");
  }
  if (t.url.rfind("http://", 0) != 0 && t.url.rfind("https://", 0) != 0)
    return make_error(ErrorCode::kInvalidInput,
                      what + ": notify: '" + t.url + "' is not an http(s) URL");
  return t;
}

}  // namespace

nlohmann::json event_body(const Event& event) {
  nlohmann::json e = {{"schema", "mlo/v1/event"}, {"kind", event.kind},
                      {"model", event.model},     {"store", event.store},
                      {"actor", current_actor()}, {"time", now_rfc3339()},
                      {"details", event.details}};
  if (event.version > 0) e["version"] = event.version;
  return {{"text", event.text}, {"event", std::move(e)}};
}

bool wants(const Target& target, const std::string& kind) {
  return target.events.empty() ||
         std::find(target.events.begin(), target.events.end(), kind) != target.events.end();
}

Status post(const Target& target, const Event& event) {
  const std::string body = event_body(event).dump();
  Attempt last;
  for (int attempt = 0; attempt <= target.retries; ++attempt) {
    if (attempt > 0)  // 0.2 s, 0.4 s, 0.8 s ...: brief, bounded, and kind to a busy receiver
      std::this_thread::sleep_for(std::chrono::milliseconds(200 << std::min(attempt - 1, 5)));
    last = post_once(target, body);
    if (last.error.empty()) return {};
    if (!last.retry) break;
  }
  return make_error(ErrorCode::kRuntime, target.url + ": " + last.error);
}

Result<std::vector<Target>> parse_targets(const std::string& yaml_text, const std::string& what) {
  YAML::Node node;
  try {
    node = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kInvalidInput, what + ": notify: " + e.what());
  }
  std::vector<Target> out;
  if (!node || node.IsNull()) return out;
  if (node.IsSequence()) {
    for (const auto& item : node) {
      MLO_ASSIGN_OR_RETURN(Target t, target_of(item, what));
      out.push_back(std::move(t));
    }
  } else {
    MLO_ASSIGN_OR_RETURN(Target t, target_of(node, what));
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace mlo::notify
