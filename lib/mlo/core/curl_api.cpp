#include "mlo/core/curl_api.hpp"

namespace mlo {

Result<const CurlApi*> curl_api() {
  static CurlApi api;
  static LazyLibrary library(kCurlLibrary, [](const LibrarySymbols& symbols) -> Status {
    MLO_TRY(symbols.resolve_all({MLO_CURL_FUNCTIONS(MLO_LAZY_SLOT)}));
    // Not thread-safe in libcurl: here it runs under call_once.
    if (CURLcode rc = api.curl_global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK)
      return make_error(ErrorCode::kRuntime, std::string("libcurl initialisation failed: ") +
                                                 api.curl_easy_strerror(rc));
    return {};
  });
  MLO_TRY(library.load());
  return &api;
}

const char* curl_build_version() {
  return LIBCURL_VERSION;
}

Result<std::string> curl_library_version() {
  MLO_ASSIGN_OR_RETURN(const CurlApi* api, curl_api());
  return std::string(api->curl_version_info(CURLVERSION_NOW)->version);
}

}  // namespace mlo
