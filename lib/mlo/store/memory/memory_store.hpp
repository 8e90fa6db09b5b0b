// MemoryStore: an in-process Store for tests and dry runs. Stores with the same name share
// their data for the life of the process ("memory://t1" opened twice sees the same keys), and
// every operation is serialized by one mutex, so it is safe to use from many threads.
// etag = digest of the bytes, as for the local store.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "mlo/store/store.hpp"

namespace mlo {

class MemoryStore : public Store {
 public:
  // The process-wide store called `name`, created empty on first use.
  static std::unique_ptr<MemoryStore> open_named(const std::string& name);
  // A private, unnamed store.
  MemoryStore();

  Result<std::string> get(const std::string& key) override;
  Result<ObjectInfo> head(const std::string& key) override;
  Result<std::vector<std::string>> list(const std::string& prefix) override;
  Result<std::vector<std::string>> list_children(const std::string& prefix) override;
  Status remove(const std::string& key) override;
  Status remove_if_unchanged(const std::string& key, const ObjectInfo& seen) override;
  Result<BlobInfo> put_blob(const ReadFn& read) override;
  Status put_new(const std::string& key, std::string_view bytes) override;
  Status put_if(const std::string& key, std::string_view bytes,
                const std::string& expected_etag) override;
  std::string url() const override { return "memory://" + name_; }
  // Tests: pretend `key` was last written at `mtime` (gc grace periods). kNotFound if absent.
  Status set_mtime(const std::string& key, int64_t mtime);

 private:
  struct Data {
    std::mutex mutex;
    std::map<std::string, std::string> objects;
    std::map<std::string, int64_t> mtimes;  // seconds since the epoch, per key in `objects`
  };
  MemoryStore(std::string name, std::shared_ptr<Data> data);

  std::string name_;
  std::shared_ptr<Data> data_;
};

}  // namespace mlo
