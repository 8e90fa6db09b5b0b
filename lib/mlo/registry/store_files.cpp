#include "mlo/registry/store_files.hpp"

#include <filesystem>
#include <system_error>

#include "mlo/registry/keys.hpp"

namespace mlo {

namespace fs = std::filesystem;

std::vector<StoreFileFinding> scan_store_files(const Store& store, int64_t temp_age_seconds) {
  std::vector<StoreFileFinding> out;
  // Only a local store has files to scan; its url() is its root directory (Store no longer
  // exposes local_path after the backend factory change).
  const std::string url = store.url();
  if (url.empty() || url.find("://") != std::string::npos) return out;
  const fs::path root = url;
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  // Symlinks are reported, never followed (the iterator's default).
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    // Lexical: fs::relative would resolve the very symlink being reported.
    const std::string rel = p.lexically_relative(root).generic_string();
    if (it->is_symlink(ec)) {
      out.push_back({StoreFileFinding::kSymlink, rel});
      continue;
    }
    const std::string leaf = p.filename().string();
    if (leaf.size() < 2 || leaf[0] != '.' || leaf.find(".tmp-") == std::string::npos) continue;
    if (!it->is_regular_file(ec)) continue;
    auto mtime = it->last_write_time(ec);
    if (ec) continue;
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - mtime).count();
    if (age >= temp_age_seconds) out.push_back({StoreFileFinding::kStaleTemp, rel});
  }
  return out;
}

}  // namespace mlo
