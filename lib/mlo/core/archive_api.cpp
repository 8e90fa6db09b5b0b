#include "mlo/core/archive_api.hpp"

#include <fmt/format.h>

namespace mlo {

namespace {

std::string dotted(int number) {  // 3006002 -> "3.6.2"
  return fmt::format("{}.{}.{}", number / 1000000, number / 1000 % 1000, number % 1000);
}

}  // namespace

Result<const ArchiveApi*> archive_api() {
  static ArchiveApi api;
  static LazyLibrary library(kArchiveLibrary, [](const LibrarySymbols& symbols) {
    return symbols.resolve_all({MLO_ARCHIVE_FUNCTIONS(MLO_LAZY_SLOT)});
  });
  MLO_TRY(library.load());
  return &api;
}

std::string archive_build_version() {
  return dotted(ARCHIVE_VERSION_NUMBER);
}

Result<std::string> archive_library_version() {
  MLO_ASSIGN_OR_RETURN(const ArchiveApi* api, archive_api());
  return dotted(api->archive_version_number());
}

}  // namespace mlo
