// import_bundle: archive -> checked entries -> staging store -> closure checks -> copy_closure.
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <vector>

#include "mlo/core/archive_api.hpp"
#include "mlo/core/digest.hpp"
#include "mlo/core/yaml_io.hpp"
#include "mlo/registry/keys.hpp"
#include "mlo/registry/manifest.hpp"
#include "mlo/registry/store_init.hpp"
#include "mlo/transfer/bundle.hpp"

namespace mlo {
namespace {

constexpr size_t kReadBlock = 64u << 10;

struct Expected {
  uint64_t size = 0;
  std::string digest;
  bool seen = false;
};

struct Index {
  std::string model;
  int64_t version = 0;
  std::map<std::string, Expected> entries;
};

// A fresh directory for the staging store, removed with everything in it on destruction.
class StagingDir {
 public:
  ~StagingDir() {
    if (!path_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(path_, ec);
    }
  }
  Status create(std::string parent) {
    if (parent.empty()) {
      const char* tmp = std::getenv("TMPDIR");
      parent = tmp && *tmp ? tmp : "/tmp";
    }
    std::string templ = parent + "/mlo-import.XXXXXX";
    if (!::mkdtemp(templ.data()))
      return make_error(ErrorCode::kRuntime, "cannot create a staging directory in " + parent +
                                                 ": " + std::strerror(errno));
    path_ = templ;
    return {};
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class Reader {
 public:
  Reader(std::string path, const ImportLimits& limits, const ArchiveApi& la)
      : path_(std::move(path)), limits_(limits), la_(la), ar_(la_.archive_read_new()) {}
  ~Reader() {
    if (ar_) la_.archive_read_free(ar_);
  }

  Error bad(const std::string& entry, const std::string& why,
            ErrorCode code = ErrorCode::kInvalidInput) const {
    return make_error(code, path_ + ": " + (entry.empty() ? "" : "entry '" + entry + "': ") + why);
  }

  Status open() {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0)
      return make_error(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kRuntime,
                        path_ + ": " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return bad("", "not a regular file");
    la_.archive_read_support_filter_zstd(ar_);
    la_.archive_read_support_format_tar(ar_);
    if (la_.archive_read_open_filename(ar_, path_.c_str(), kReadBlock) != ARCHIVE_OK)
      return libarchive_error("");
    return {};
  }

  // The next entry's header; nullptr at the end of the archive.
  Result<archive_entry*> next() {
    archive_entry* entry = nullptr;
    int rc = la_.archive_read_next_header(ar_, &entry);
    if (rc == ARCHIVE_EOF) {
      if (count_ == 0) return bad("", "empty archive (no mlo-bundle.yaml index)");
      return static_cast<archive_entry*>(nullptr);
    }
    if (rc != ARCHIVE_OK) return libarchive_error(last_);
    // Only zstd-compressed tar: a plain tar (no filter) is not a bundle.
    if (la_.archive_filter_count(ar_) < 2 || la_.archive_filter_code(ar_, 0) != ARCHIVE_FILTER_ZSTD)
      return bad("", "not a zstd-compressed tar archive");
    if (++count_ > limits_.max_entries)
      return bad("", "more than " + std::to_string(limits_.max_entries) + " entries");
    last_ = la_.archive_entry_pathname(entry) ? la_.archive_entry_pathname(entry) : "";
    return entry;
  }

  // Pulls the current entry's data; checks the total and ratio limits as bytes arrive.
  Result<size_t> read(const std::string& entry, char* buf, size_t cap) {
    la_ssize_t n = la_.archive_read_data(ar_, buf, cap);
    if (n < 0) return libarchive_error(entry);
    total_ += static_cast<uint64_t>(n);
    if (total_ > limits_.max_total_bytes)
      return bad(entry, "archive expands to more than " + std::to_string(limits_.max_total_bytes) +
                            " bytes (limit)");
    const uint64_t expanded = static_cast<uint64_t>(la_.archive_filter_bytes(ar_, 0));
    const uint64_t compressed = static_cast<uint64_t>(la_.archive_filter_bytes(ar_, -1));
    if (expanded > limits_.ratio_floor &&
        expanded > limits_.max_ratio * std::max<uint64_t>(compressed, 1))
      return bad(entry, "compression ratio above " + std::to_string(limits_.max_ratio) +
                            ":1 (a decompression bomb?)");
    return static_cast<size_t>(n);
  }

  uint64_t count() const { return count_; }

 private:
  Error libarchive_error(const std::string& entry) const {
    const char* why = la_.archive_error_string(ar_);
    std::string text = why ? why : "unreadable archive";
    return bad(entry, text + " (truncated or not a zstd tar archive?)");
  }

  std::string path_;
  const ImportLimits& limits_;
  const ArchiveApi& la_;
  archive* ar_;
  uint64_t count_ = 0;
  uint64_t total_ = 0;
  std::string last_;
};

// What an entry may be: the index, or a key of the indexed model's layout.
bool allowed_key(const std::string& key, const std::string& model) {
  const std::string objects = "objects/sha256/";
  if (key.rfind(objects, 0) == 0) {
    const std::string rest = key.substr(objects.size());
    return rest.size() == 65 && rest[2] == '/' &&
           is_valid_digest(std::string(kDigestPrefix) + rest.substr(0, 2) + rest.substr(3));
  }
  auto parts = split_model_key(key);
  if (!parts || parts->name != model) return false;
  if (parts->kind == "versions") return parse_numbered_key(key, versions_prefix(model)).has_value();
  if (parts->kind == "events") return parse_numbered_key(key, events_prefix(model)).has_value();
  if (parts->kind == "aliases") {
    const std::string& leaf = parts->leaf;
    return leaf.size() > 5 && leaf.compare(leaf.size() - 5, 5, ".yaml") == 0 &&
           validate_alias_name(leaf.substr(0, leaf.size() - 5)).ok();
  }
  return false;
}

Result<Index> parse_index(const std::string& text, const std::string& what) {
  MLO_ASSIGN_OR_RETURN(YAML::Node doc, parse_yaml(text, what));
  if (!doc.IsMap()) return make_error(ErrorCode::kInvalidInput, what + ": not a mapping");
  Index index;
  MLO_ASSIGN_OR_RETURN(std::string api, require_string(doc, "apiVersion", what));
  MLO_ASSIGN_OR_RETURN(std::string kind, require_string(doc, "kind", what));
  if (api != kApiVersion || kind != "Bundle")
    return make_error(ErrorCode::kInvalidInput, what + ": not a mlo/v1 Bundle index");
  MLO_ASSIGN_OR_RETURN(index.model, require_string(doc, "model", what));
  if (auto st = validate_model_name(index.model); !st.ok())
    return make_error(ErrorCode::kInvalidInput, what + ": " + st.error().message);
  MLO_ASSIGN_OR_RETURN(index.version, require_int(doc, "version", what));
  MLO_ASSIGN_OR_RETURN(YAML::Node list, require_field(doc, "entries", what));
  if (!list.IsSequence())
    return make_error(ErrorCode::kInvalidInput, what + ": field 'entries': not a list");
  for (const auto& item : list) {
    if (!item.IsMap())
      return make_error(ErrorCode::kInvalidInput, what + ": field 'entries': not a mapping");
    MLO_ASSIGN_OR_RETURN(std::string path, require_string(item, "path", what));
    MLO_ASSIGN_OR_RETURN(long long size, require_int(item, "size", what));
    MLO_ASSIGN_OR_RETURN(std::string digest, require_string(item, "digest", what));
    if (size < 0 || !is_valid_digest(digest) || !allowed_key(path, index.model))
      return make_error(ErrorCode::kInvalidInput,
                        what + ": entry '" + path + "' is not a key of model " + index.model);
    if (!index.entries.emplace(path, Expected{static_cast<uint64_t>(size), digest}).second)
      return make_error(ErrorCode::kInvalidInput, what + ": lists '" + path + "' twice");
  }
  return index;
}

class Importer {
 public:
  Importer(const std::string& path, const ImportOptions& options, const ArchiveApi& la)
      : path_(path), options_(options), la_(la), reader_(path, options.limits, la) {}

  Result<ImportResult> run(Store& dst) {
    MLO_TRY(check_store_marker(dst));
    MLO_TRY(reader_.open());
    MLO_TRY(staging_dir_.create(options_.staging_dir));
    MLO_ASSIGN_OR_RETURN(staging_, open_store(staging_dir_.path()));
    MLO_TRY(read_all());
    MLO_ASSIGN_OR_RETURN(ModelClosure closure, staged_closure());
    CopyOptions copy;
    copy.dry_run = options_.dry_run;
    MLO_ASSIGN_OR_RETURN(CopyResult result, copy_closure(*staging_, closure, dst, copy));
    ImportResult out{path_, reader_.count(), std::move(result)};
    return out;
  }

 private:
  Status read_all() {
    for (;;) {
      MLO_ASSIGN_OR_RETURN(archive_entry * entry, reader_.next());
      if (!entry) break;
      MLO_TRY(read_entry(entry));
    }
    if (!index_) return reader_.bad("", "no mlo-bundle.yaml index");
    for (const auto& [key, e] : index_->entries)
      if (!e.seen) return reader_.bad(key, "listed in the index but missing (truncated?)");
    return {};
  }

  Status read_entry(archive_entry* entry) {
    const char* raw = la_.archive_entry_pathname(entry);
    const std::string key = raw ? raw : "";
    if (la_.archive_entry_hardlink(entry)) return reader_.bad(key, "hard links are not allowed");
    if (la_.archive_entry_filetype(entry) != AE_IFREG)
      return reader_.bad(key, "not a regular file (links, directories and devices are refused)");
    if (auto st = validate_key(key); !st.ok() && key != kBundleIndexPath)
      return reader_.bad(key, "unsafe path: " + st.error().message);
    if (!la_.archive_entry_size_is_set(entry) || la_.archive_entry_size(entry) < 0)
      return reader_.bad(key, "no size");
    const uint64_t size = static_cast<uint64_t>(la_.archive_entry_size(entry));
    if (size > options_.limits.max_total_bytes)
      return reader_.bad(key, "entry of " + std::to_string(size) + " bytes is over the " +
                                  std::to_string(options_.limits.max_total_bytes) + "-byte limit");
    const uint64_t doc_limit =
        key == kBundleIndexPath ? options_.limits.max_index_bytes : options_.limits.max_doc_bytes;
    if (key.rfind(kObjectsPrefix, 0) != 0 && size > doc_limit)
      return reader_.bad(key,
                         "document larger than " + std::to_string(doc_limit) + " bytes (limit)");
    if (!index_) {
      if (key != kBundleIndexPath)
        return reader_.bad(key, "the first entry must be mlo-bundle.yaml");
      MLO_ASSIGN_OR_RETURN(std::string text, read_doc(key, size));
      MLO_ASSIGN_OR_RETURN(Index index, parse_index(text, path_ + ": " + key));
      index_ = std::move(index);
      return {};
    }
    auto it = index_->entries.find(key);
    if (it == index_->entries.end())
      return reader_.bad(key, key == kBundleIndexPath ? "duplicate entry"
                                                      : "not listed in the index (unknown entry)");
    Expected& want = it->second;
    if (want.seen) return reader_.bad(key, "duplicate entry");
    want.seen = true;
    if (size != want.size)
      return reader_.bad(key, "size " + std::to_string(size) + " differs from the index (" +
                                  std::to_string(want.size) + ")");
    if (key.rfind(kObjectsPrefix, 0) == 0) return stage_blob(key, want);
    MLO_ASSIGN_OR_RETURN(std::string bytes, read_doc(key, size));
    if (digest_bytes(bytes) != want.digest)
      return reader_.bad(key, "content does not match its digest in the index",
                         ErrorCode::kIntegrity);
    return staging_->put_new(key, bytes);
  }

  Result<std::string> read_doc(const std::string& key, uint64_t size) {
    std::string bytes(size, '\0');
    size_t got = 0;
    while (got < size) {
      MLO_ASSIGN_OR_RETURN(size_t n, reader_.read(key, bytes.data() + got, size - got));
      if (n == 0) return reader_.bad(key, "truncated");
      got += n;
    }
    return bytes;
  }

  Status stage_blob(const std::string& key, const Expected& want) {
    // The key names the digest; the index must agree with it.
    const std::string rest = key.substr(std::string("objects/sha256/").size());
    const std::string named = std::string(kDigestPrefix) + rest.substr(0, 2) + rest.substr(3);
    if (named != want.digest)
      return reader_.bad(key, "index digest does not match the blob's key", ErrorCode::kIntegrity);
    auto info = staging_->put_blob(
        [&](char* buf, size_t cap) -> Result<size_t> { return reader_.read(key, buf, cap); });
    if (!info.ok()) return info.error();
    if (info->digest != want.digest)
      return reader_.bad(key, "content hashes to " + info->digest + ", not to its key",
                         ErrorCode::kIntegrity);
    return {};
  }

  // The staged keys must be exactly the model's closure: nothing extra, nothing missing.
  Result<ModelClosure> staged_closure() {
    auto closure = model_closure(*staging_, index_->model);
    if (!closure.ok()) {  // the staging store's location means nothing to the user
      std::string why = closure.error().message;
      const std::string staged = "store " + staging_->url() + ": ";
      if (why.rfind(staged, 0) == 0) why.erase(0, staged.size());
      return reader_.bad("", why);
    }
    std::set<std::string> keys;
    for (const auto& b : closure->blobs) {
      const std::string key = blob_key(b.digest);
      auto it = index_->entries.find(key);
      if (it == index_->entries.end())
        return reader_.bad(key, "a manifest refers to this blob but the archive does not hold it");
      if (it->second.size != b.size)
        return reader_.bad(key, "its manifest records " + std::to_string(b.size) + " bytes");
      keys.insert(key);
    }
    for (const auto* docs : {&closure->manifests, &closure->events, &closure->aliases})
      for (const auto& d : *docs) keys.insert(d.key);
    for (const auto& [key, e] : index_->entries)
      if (!keys.count(key))
        return reader_.bad(key, "not part of model " + index_->model + "'s history");
    return closure;
  }

  std::string path_;
  const ImportOptions& options_;
  const ArchiveApi& la_;
  Reader reader_;
  StagingDir staging_dir_;
  std::unique_ptr<Store> staging_;
  std::optional<Index> index_;
};

}  // namespace

Result<ImportResult> import_bundle(Store& store, const std::string& path,
                                   const ImportOptions& options) {
  auto la = archive_api();
  if (!la.ok()) return make_error(la.error().code, path + ": " + la.error().message);
  Importer importer(path, options, **la);
  return importer.run(store);
}

}  // namespace mlo
