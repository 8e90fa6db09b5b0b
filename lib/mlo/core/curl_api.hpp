// libcurl as a table of function pointers, opened on first use (lazy_library.hpp): only S3
// stores, s3:// inputs and webhooks need it, and linking it pulled ~25 libraries (GnuTLS,
// Kerberos, LDAP, SSH, ...) into every start. The first successful load also runs
// curl_global_init, once per process, before any handle exists.
//
// curl_easy_setopt and curl_easy_getinfo are variadic, and curl.h's GCC type checks are macros
// that cannot wrap a call through a pointer: call them through the typed members below, which
// also refuse (CURLE_BAD_FUNCTION_ARGUMENT) an option whose type is not the one passed.
#pragma once

#include <curl/curl.h>

#include "mlo/core/lazy_library.hpp"
#include "mlo/core/result.hpp"

namespace mlo {

#define MLO_CURL_FUNCTIONS(X) \
  X(curl_global_init)         \
  X(curl_version_info)        \
  X(curl_easy_init)           \
  X(curl_easy_cleanup)        \
  X(curl_easy_reset)          \
  X(curl_easy_perform)        \
  X(curl_easy_setopt)         \
  X(curl_easy_getinfo)        \
  X(curl_easy_strerror)       \
  X(curl_slist_append)        \
  X(curl_slist_free_all)      \
  X(curl_getdate)

struct CurlApi {
  MLO_CURL_FUNCTIONS(MLO_LAZY_FIELD)

  // CURLOPTTYPE_LONG options (and CURLOPTTYPE_VALUES).
  CURLcode setopt(CURL* h, CURLoption option, long value) const {
    return type_of(option) == CURLOPTTYPE_LONG ? (curl_easy_setopt)(h, option, value)
                                               : CURLE_BAD_FUNCTION_ARGUMENT;
  }
  // Strings, lists, user data and buffers (CURLOPTTYPE_OBJECTPOINT and its aliases).
  CURLcode setopt(CURL* h, CURLoption option, const void* value) const {
    return type_of(option) == CURLOPTTYPE_OBJECTPOINT ? (curl_easy_setopt)(h, option, value)
                                                      : CURLE_BAD_FUNCTION_ARGUMENT;
  }
  // Callbacks (CURLOPTTYPE_FUNCTIONPOINT).
  template <typename R, typename... Args>
  CURLcode setopt(CURL* h, CURLoption option, R (*value)(Args...)) const {
    return type_of(option) == CURLOPTTYPE_FUNCTIONPOINT ? (curl_easy_setopt)(h, option, value)
                                                        : CURLE_BAD_FUNCTION_ARGUMENT;
  }
  // Sizes and offsets (CURLOPTTYPE_OFF_T; a long on LP64, hence its own name).
  CURLcode setopt_off(CURL* h, CURLoption option, curl_off_t value) const {
    return type_of(option) == CURLOPTTYPE_OFF_T ? (curl_easy_setopt)(h, option, value)
                                                : CURLE_BAD_FUNCTION_ARGUMENT;
  }
  // CURLINFO_LONG items (the response code).
  CURLcode getinfo(CURL* h, CURLINFO info, long* value) const {
    return (info & CURLINFO_TYPEMASK) == CURLINFO_LONG ? (curl_easy_getinfo)(h, info, value)
                                                       : CURLE_BAD_FUNCTION_ARGUMENT;
  }

 private:
  static int type_of(CURLoption option) { return static_cast<int>(option) / 10000 * 10000; }
};

// Debian's libcurl4 (the OpenSSL flavour); MLO_LIBCURL names another file instead.
inline constexpr LazyLibrarySpec kCurlLibrary{"HTTP library", "libcurl.so.4", "MLO_LIBCURL"};

// The table, loading the library on the first call (thread-safe; the outcome is kept).
// kRuntime "HTTP library libcurl.so.4 could not be loaded: <dlerror>" when it is missing.
Result<const CurlApi*> curl_api();

// The libcurl headers mlo was compiled against ("7.88.1"), and the loaded library's version.
const char* curl_build_version();
Result<std::string> curl_library_version();

}  // namespace mlo
