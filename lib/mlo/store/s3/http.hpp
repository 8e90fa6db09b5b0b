// One HTTP exchange over libcurl, with no retry and no knowledge of S3 (s3_store.cpp adds
// signing, retries and error mapping). A handle keeps its connection for reuse.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "mlo/store/s3/sigv4.hpp"
#include "mlo/store/store.hpp"

namespace mlo::s3 {

struct HttpRequest {
  std::string method;
  std::string url;
  Pairs headers;
  std::string_view body;          // sent as is (Content-Length set); empty for none
  const WriteFn* sink = nullptr;  // receives a 2xx response body; otherwise it is collected
  long connect_timeout_s = 10;
  long read_timeout_s = 60;  // abort when no byte moved for this long
};

struct HttpResponse {
  long status = 0;              // 0 when no response arrived (see transport_error)
  std::string transport_error;  // curl's description of a network failure, "" otherwise
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;                            // collected unless streamed into the sink
  uint64_t streamed = 0;                       // bytes handed to the sink
  Status sink_status;                          // the sink's error, if it stopped the transfer
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse perform(const HttpRequest& request);

 private:
  void* curl_;  // CURL*
};

}  // namespace mlo::s3
