// The one place that knows the backends: picks one by URL scheme (store.hpp).
#include "mlo/store/local/local_store.hpp"
#include "mlo/store/memory/memory_store.hpp"
#include "mlo/store/s3/s3_store.hpp"
#include "mlo/store/store.hpp"

namespace mlo {

Result<std::unique_ptr<Store>> open_store(const std::string& url) {
  if (url.empty()) return make_error(ErrorCode::kUsage, "store: empty location");
  constexpr std::string_view kMemory = "memory://", kFile = "file://", kS3 = "s3://";
  if (url.rfind(kMemory, 0) == 0) {
    std::string name = url.substr(kMemory.size());
    if (name.empty())
      return make_error(ErrorCode::kUsage, "store " + url + ": memory store needs a name");
    return std::unique_ptr<Store>(MemoryStore::open_named(name));
  }
  if (url.rfind(kFile, 0) == 0) {
    std::string path = url.substr(kFile.size());
    if (path.empty() || path[0] != '/')
      return make_error(ErrorCode::kUsage, "store " + url + ": expected file:///absolute/path");
    return std::unique_ptr<Store>(std::make_unique<LocalStore>(path));
  }
  if (url.rfind(kS3, 0) == 0) {
    MLO_ASSIGN_OR_RETURN(std::unique_ptr<S3Store> s3, S3Store::open(url));
    return std::unique_ptr<Store>(std::move(s3));
  }
  if (auto pos = url.find("://"); pos != std::string::npos)
    return make_error(ErrorCode::kUsage, "store " + url + ": unsupported scheme '" +
                                             url.substr(0, pos) +
                                             "' (use a path, file://, s3:// or memory://)");
  return std::unique_ptr<Store>(std::make_unique<LocalStore>(url));
}

}  // namespace mlo
