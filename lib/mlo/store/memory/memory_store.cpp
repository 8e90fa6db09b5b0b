#include "mlo/store/memory/memory_store.hpp"

#include <ctime>
#include <vector>

#include "mlo/core/digest.hpp"

namespace mlo {

namespace {

int64_t now_seconds() {
  return static_cast<int64_t>(std::time(nullptr));
}

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

std::unique_ptr<MemoryStore> MemoryStore::open_named(const std::string& name) {
  // Leaked on purpose: named stores live until exit, and no destructor-order issue can arise.
  static auto* registry = new std::map<std::string, std::shared_ptr<Data>>();
  std::lock_guard<std::mutex> lock(registry_mutex());
  auto& data = (*registry)[name];
  if (!data) data = std::make_shared<Data>();
  return std::unique_ptr<MemoryStore>(new MemoryStore(name, data));
}

MemoryStore::MemoryStore() : MemoryStore("anonymous", std::make_shared<Data>()) {}

MemoryStore::MemoryStore(std::string name, std::shared_ptr<Data> data)
    : name_(std::move(name)), data_(std::move(data)) {}

Result<std::string> MemoryStore::get(const std::string& key) {
  MLO_TRY(validate_key(key));
  std::lock_guard<std::mutex> lock(data_->mutex);
  auto it = data_->objects.find(key);
  if (it == data_->objects.end())
    return make_error(ErrorCode::kNotFound, url() + ": no such key: " + key);
  return it->second;
}

Result<ObjectInfo> MemoryStore::head(const std::string& key) {
  MLO_TRY(validate_key(key));
  std::lock_guard<std::mutex> lock(data_->mutex);
  auto it = data_->objects.find(key);
  if (it == data_->objects.end())
    return make_error(ErrorCode::kNotFound, url() + ": no such key: " + key);
  return ObjectInfo{it->second.size(), digest_bytes(it->second), data_->mtimes[key]};
}

Result<std::vector<std::string>> MemoryStore::list(const std::string& prefix) {
  std::lock_guard<std::mutex> lock(data_->mutex);
  std::vector<std::string> keys;
  for (auto it = data_->objects.lower_bound(prefix); it != data_->objects.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    keys.push_back(it->first);
  }
  return keys;
}

Result<std::vector<std::string>> MemoryStore::list_children(const std::string& prefix) {
  MLO_TRY(validate_children_prefix(prefix));
  std::lock_guard<std::mutex> lock(data_->mutex);
  std::vector<std::string> children;
  auto it = data_->objects.lower_bound(prefix);
  while (it != data_->objects.end() && it->first.compare(0, prefix.size(), prefix) == 0) {
    size_t slash = it->first.find('/', prefix.size());
    if (slash == std::string::npos) {
      children.push_back(it->first.substr(prefix.size()));
      ++it;
      continue;
    }
    // A deeper level: report it once and jump past every key below it ('/' + 1 == '0').
    std::string level = it->first.substr(0, slash + 1);
    children.push_back(level.substr(prefix.size()));
    level.back() = '/' + 1;
    it = data_->objects.lower_bound(level);
  }
  return children;
}

Status MemoryStore::remove(const std::string& key) {
  MLO_TRY(validate_key(key));
  std::lock_guard<std::mutex> lock(data_->mutex);
  if (data_->objects.erase(key) == 0)
    return make_error(ErrorCode::kNotFound, url() + ": no such key: " + key);
  data_->mtimes.erase(key);
  return {};
}

Status MemoryStore::remove_if_unchanged(const std::string& key, const ObjectInfo& seen) {
  MLO_TRY(validate_key(key));
  std::lock_guard<std::mutex> lock(data_->mutex);
  auto it = data_->objects.find(key);
  if (it == data_->objects.end())
    return make_error(ErrorCode::kNotFound, url() + ": no such key: " + key);
  if (it->second.size() != seen.size || data_->mtimes[key] != seen.mtime)
    return make_error(ErrorCode::kConflict, url() + ": " + key + " changed meanwhile");
  data_->objects.erase(it);
  data_->mtimes.erase(key);
  return {};
}

Result<BlobInfo> MemoryStore::put_blob(const ReadFn& read) {
  std::string bytes;
  std::vector<char> buf(1 << 20);
  Sha256 hash;
  for (;;) {
    MLO_ASSIGN_OR_RETURN(size_t n, read(buf.data(), buf.size()));
    if (n == 0) break;
    hash.update(buf.data(), n);
    bytes.append(buf.data(), n);
  }
  BlobInfo info{hash.finish(), bytes.size(), false};
  std::lock_guard<std::mutex> lock(data_->mutex);
  const std::string key = blob_key(info.digest);
  auto [it, inserted] = data_->objects.try_emplace(key, std::move(bytes));
  info.existed = !inserted;
  data_->mtimes[key] = now_seconds();  // a reused blob is refreshed too (store.hpp)
  return info;
}

Status MemoryStore::put_new(const std::string& key, std::string_view bytes) {
  MLO_TRY(validate_key(key));
  std::lock_guard<std::mutex> lock(data_->mutex);
  if (!data_->objects.try_emplace(key, bytes).second)
    return make_error(ErrorCode::kConflict, url() + ": " + key + " already exists");
  data_->mtimes[key] = now_seconds();
  return {};
}

Status MemoryStore::put_if(const std::string& key, std::string_view bytes,
                           const std::string& expected_etag) {
  MLO_TRY(validate_key(key));
  std::lock_guard<std::mutex> lock(data_->mutex);
  auto it = data_->objects.find(key);
  if (it == data_->objects.end()) {
    if (!expected_etag.empty())
      return make_error(ErrorCode::kConflict,
                        url() + ": " + key + " changed (it no longer exists)");
    data_->objects.emplace(key, bytes);
    data_->mtimes[key] = now_seconds();
    return {};
  }
  if (expected_etag.empty())
    return make_error(ErrorCode::kConflict, url() + ": " + key + " already exists");
  if (digest_bytes(it->second) != expected_etag)
    return make_error(ErrorCode::kConflict, url() + ": " + key + " was changed by someone else");
  it->second.assign(bytes);
  data_->mtimes[key] = now_seconds();
  return {};
}

Status MemoryStore::set_mtime(const std::string& key, int64_t mtime) {
  std::lock_guard<std::mutex> lock(data_->mutex);
  if (data_->objects.count(key) == 0)
    return make_error(ErrorCode::kNotFound, url() + ": no such key: " + key);
  data_->mtimes[key] = mtime;
  return {};
}

}  // namespace mlo
