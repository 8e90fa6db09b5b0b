// libarchive as a table of function pointers, opened on first use (lazy_library.hpp): only
// xz/zstd/bzip2/lz4 data (gzip goes through zlib) and bundles need it, and linking it pulled
// libxml2, ICU (30 MB), nettle, acl, lzma, lz4 and bzip2 into every start.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <string>

#include "mlo/core/lazy_library.hpp"
#include "mlo/core/result.hpp"

namespace mlo {

#define MLO_ARCHIVE_FUNCTIONS(X)             \
  X(archive_version_number)                  \
  X(archive_error_string)                    \
  X(archive_set_error)                       \
  X(archive_filter_bytes)                    \
  X(archive_filter_code)                     \
  X(archive_filter_count)                    \
  X(archive_read_new)                        \
  X(archive_read_free)                       \
  X(archive_read_support_filter_all)         \
  X(archive_read_support_filter_zstd)        \
  X(archive_read_support_format_raw)         \
  X(archive_read_support_format_tar)         \
  X(archive_read_open)                       \
  X(archive_read_open_filename)              \
  X(archive_read_next_header)                \
  X(archive_read_data)                       \
  X(archive_write_new)                       \
  X(archive_write_free)                      \
  X(archive_write_add_filter_gzip)           \
  X(archive_write_add_filter_zstd)           \
  X(archive_write_add_filter_xz)             \
  X(archive_write_add_filter_bzip2)          \
  X(archive_write_add_filter_lz4)            \
  X(archive_write_set_format_raw)            \
  X(archive_write_set_format_pax_restricted) \
  X(archive_write_set_bytes_per_block)       \
  X(archive_write_set_bytes_in_last_block)   \
  X(archive_write_open)                      \
  X(archive_write_header)                    \
  X(archive_write_data)                      \
  X(archive_write_close)                     \
  X(archive_entry_new)                       \
  X(archive_entry_free)                      \
  X(archive_entry_pathname)                  \
  X(archive_entry_hardlink)                  \
  X(archive_entry_filetype)                  \
  X(archive_entry_size)                      \
  X(archive_entry_size_is_set)               \
  X(archive_entry_set_pathname)              \
  X(archive_entry_set_filetype)              \
  X(archive_entry_set_perm)                  \
  X(archive_entry_set_size)

struct ArchiveApi {
  MLO_ARCHIVE_FUNCTIONS(MLO_LAZY_FIELD)
};

// Debian's libarchive13; MLO_LIBARCHIVE names another file instead.
inline constexpr LazyLibrarySpec kArchiveLibrary{"compression library", "libarchive.so.13",
                                                 "MLO_LIBARCHIVE"};

// The table, loading the library on the first call (thread-safe; the outcome is kept).
// kRuntime "compression library libarchive.so.13 could not be loaded: <dlerror>" when missing.
Result<const ArchiveApi*> archive_api();

// The libarchive headers mlo was compiled against ("3.6.2"), and the loaded library's version.
std::string archive_build_version();
Result<std::string> archive_library_version();

}  // namespace mlo
