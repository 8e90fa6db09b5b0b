#include "mlo/store/s3/http.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>

#include "mlo/core/curl_api.hpp"

namespace mlo::s3 {

namespace {

struct Exchange {
  const HttpRequest* request;
  HttpResponse* response;
  size_t sent = 0;
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) ex->response->headers.clear();  // a new (final) response
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    ex->response->headers[name] = std::string(value);
  }
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  const size_t n = size * count;
  // The status is known once headers are in; only a 2xx body goes to the sink.
  if (ex->request->sink != nullptr && ex->response->headers.count(":status-2xx") != 0) {
    Status s = (*ex->request->sink)(data, n);
    if (!s.ok()) {
      ex->response->sink_status = s;
      return CURL_WRITEFUNC_ERROR;
    }
    ex->response->streamed += n;
    return n;
  }
  // Error bodies are small XML documents; cap them so a hostile server cannot fill memory.
  if (ex->response->body.size() < (1u << 20)) ex->response->body.append(data, n);
  return n;
}

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  const size_t n = std::min(size * count, ex->request->body.size() - ex->sent);
  std::memcpy(buffer, ex->request->body.data() + ex->sent, n);
  ex->sent += n;
  return n;
}

int on_seek(void* user, curl_off_t offset, int origin) {
  auto* ex = static_cast<Exchange*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<size_t>(offset) > ex->request->body.size())
    return CURL_SEEKFUNC_FAIL;
  ex->sent = static_cast<size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

// The status line arrives before the body; remember whether it was a success so on_body can
// route the bytes (curl reports the code only after the transfer).
size_t on_header_status(char* data, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::string_view line(data, size * count);
  size_t n = on_header(data, size, count, user);
  if (line.rfind("HTTP/", 0) == 0) {
    size_t sp = line.find(' ');
    if (sp != std::string_view::npos && sp + 1 < line.size() && line[sp + 1] == '2')
      ex->response->headers[":status-2xx"] = "1";
  }
  return n;
}

}  // namespace

// The library is loaded by S3Store::open before any client exists (curl_api()'s outcome is
// kept, so this is the same table); a client without it reports why on every request.
HttpClient::HttpClient() : curl_(nullptr) {
  if (auto api = curl_api(); api.ok()) curl_ = (*api)->curl_easy_init();
}

HttpClient::~HttpClient() {
  if (curl_ != nullptr) (*curl_api())->curl_easy_cleanup(static_cast<CURL*>(curl_));
}

HttpResponse HttpClient::perform(const HttpRequest& request) {
  HttpResponse response;
  auto* curl = static_cast<CURL*>(curl_);
  auto api = curl_api();
  if (!api.ok() || curl == nullptr) {
    response.transport_error = api.ok() ? "cannot initialise libcurl" : api.error().message;
    return response;
  }
  const CurlApi& c = **api;
  c.curl_easy_reset(curl);
  Exchange ex{&request, &response};
  c.setopt(curl, CURLOPT_URL, request.url.c_str());
  c.setopt(curl, CURLOPT_NOSIGNAL, 1L);
  c.setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  c.setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  c.setopt(curl, CURLOPT_CONNECTTIMEOUT, request.connect_timeout_s);
  c.setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  c.setopt(curl, CURLOPT_LOW_SPEED_TIME, request.read_timeout_s);
  c.setopt(curl, CURLOPT_HEADERFUNCTION, on_header_status);
  c.setopt(curl, CURLOPT_HEADERDATA, &ex);
  c.setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  c.setopt(curl, CURLOPT_WRITEDATA, &ex);
  if (request.method == "HEAD") {
    c.setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT" || request.method == "POST") {
    c.setopt(curl, CURLOPT_UPLOAD, 1L);
    c.setopt(curl, CURLOPT_READFUNCTION, on_read);
    c.setopt(curl, CURLOPT_READDATA, &ex);
    c.setopt(curl, CURLOPT_SEEKFUNCTION, on_seek);
    c.setopt(curl, CURLOPT_SEEKDATA, &ex);
    c.setopt_off(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    if (request.method == "POST") c.setopt(curl, CURLOPT_CUSTOMREQUEST, "POST");
  } else if (request.method != "GET") {
    c.setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers)
    headers = c.curl_slist_append(headers, (name + ": " + value).c_str());
  headers = c.curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  c.setopt(curl, CURLOPT_HTTPHEADER, headers);
  char error[CURL_ERROR_SIZE] = {0};
  c.setopt(curl, CURLOPT_ERRORBUFFER, error);
  CURLcode rc = c.curl_easy_perform(curl);
  c.curl_slist_free_all(headers);
  response.headers.erase(":status-2xx");
  if (rc != CURLE_OK) {
    response.transport_error = error[0] != '\0' ? error : c.curl_easy_strerror(rc);
    response.status = 0;
    return response;
  }
  c.getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace mlo::s3
