#include "mlo/model/xgboost_api.hpp"

#include <xgboost/version_config.h>

#include <fmt/format.h>

namespace mlo {

Result<const XgbApi*> xgboost_api() {
  static XgbApi api;
  static LazyLibrary library(kXgboostLibrary, [](const LibrarySymbols& symbols) {
    return symbols.resolve_all({MLO_XGBOOST_FUNCTIONS(MLO_LAZY_SLOT)});
  });
  MLO_TRY(library.load());
  return &api;
}

std::string xgboost_build_version() {
  return fmt::format("{}.{}.{}", XGBOOST_VER_MAJOR, XGBOOST_VER_MINOR, XGBOOST_VER_PATCH);
}

Result<std::string> xgboost_library_version() {
  MLO_ASSIGN_OR_RETURN(const XgbApi* api, xgboost_api());
  int major = 0, minor = 0, patch = 0;
  api->XGBoostVersion(&major, &minor, &patch);
  return fmt::format("{}.{}.{}", major, minor, patch);
}

}  // namespace mlo
