// export_bundle: closure -> index + entries -> libarchive (pax + zstd) -> OutputFile (a local
// file, or an s3:// object uploaded as it is written: data/remote_output.hpp).
#include <memory>

#include <yaml-cpp/yaml.h>

#include "mlo/core/archive_api.hpp"
#include "mlo/core/digest.hpp"
#include "mlo/core/output_file.hpp"
#include "mlo/data/remote_output.hpp"
#include "mlo/registry/manifest.hpp"
#include "mlo/registry/store_init.hpp"
#include "mlo/transfer/bundle.hpp"

namespace mlo {
namespace {

struct IndexEntry {
  std::string path;
  uint64_t size = 0;
  std::string digest;
};

std::string index_yaml(const ModelClosure& c, std::optional<int64_t> version,
                       const std::vector<IndexEntry>& entries) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "apiVersion" << YAML::Value << kApiVersion;
  out << YAML::Key << "kind" << YAML::Value << "Bundle";
  out << YAML::Key << "model" << YAML::Value << c.name;
  out << YAML::Key << "version" << YAML::Value << version.value_or(0);
  out << YAML::Key << "entries" << YAML::Value << YAML::BeginSeq;
  for (const auto& e : entries) {
    out << YAML::BeginMap;
    out << YAML::Key << "path" << YAML::Value << e.path;
    out << YAML::Key << "size" << YAML::Value << e.size;
    out << YAML::Key << "digest" << YAML::Value << e.digest;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

class Writer {
 public:
  Writer(OutputFile& file, const ArchiveApi& la)
      : file_(file), la_(la), ar_(la_.archive_write_new()) {}
  ~Writer() {
    if (ar_) la_.archive_write_free(ar_);
  }

  Status open() {
    // No zero padding after the zstd frame (the default pads the compressed output to a
    // 10 KiB block, which zstd decoders reject as trailing garbage).
    if (la_.archive_write_add_filter_zstd(ar_) != ARCHIVE_OK ||
        la_.archive_write_set_bytes_in_last_block(ar_, 1) != ARCHIVE_OK ||
        la_.archive_write_set_format_pax_restricted(ar_) != ARCHIVE_OK ||
        la_.archive_write_open(ar_, this, nullptr, &Writer::write_cb, nullptr) != ARCHIVE_OK)
      return failure("cannot start the archive");
    return {};
  }

  Status begin(const std::string& path, uint64_t size) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(la_.archive_entry_new(),
                                                               la_.archive_entry_free);
    la_.archive_entry_set_pathname(e.get(), path.c_str());
    la_.archive_entry_set_size(e.get(), static_cast<la_int64_t>(size));
    la_.archive_entry_set_filetype(e.get(), AE_IFREG);
    la_.archive_entry_set_perm(e.get(), 0644);
    if (la_.archive_write_header(ar_, e.get()) != ARCHIVE_OK) return failure(path);
    return {};
  }
  Status data(const char* bytes, size_t size) {
    if (size > 0 && la_.archive_write_data(ar_, bytes, size) < 0) return failure("write");
    return {};
  }
  Status close() {
    if (la_.archive_write_close(ar_) != ARCHIVE_OK) return failure("finish the archive");
    return {};
  }
  uint64_t written() const { return written_; }

 private:
  static la_ssize_t write_cb(archive*, void* client, const void* buf, size_t n) {
    auto* self = static_cast<Writer*>(client);
    Status st = self->file_.write(buf, n);
    if (!st.ok()) {
      self->io_error_ = st.error();
      return -1;
    }
    self->written_ += n;
    return static_cast<la_ssize_t>(n);
  }
  Error failure(const std::string& what) {
    if (io_error_) return *io_error_;
    const char* why = la_.archive_error_string(ar_);
    return make_error(ErrorCode::kRuntime,
                      file_.path() + ": " + what + ": " + (why ? why : "libarchive error"));
  }

  OutputFile& file_;
  const ArchiveApi& la_;
  archive* ar_;
  std::optional<Error> io_error_;
  uint64_t written_ = 0;
};

}  // namespace

Result<ExportResult> export_bundle(Store& store, const std::string& ref, const std::string& path) {
  MLO_ASSIGN_OR_RETURN(TransferRef r, parse_transfer_ref(ref));
  MLO_TRY(check_store_marker(store));
  MLO_ASSIGN_OR_RETURN(ModelClosure c, model_closure(store, r.name, r.version));
  std::vector<IndexEntry> entries;
  for (const auto& b : c.blobs) entries.push_back({blob_key(b.digest), b.size, b.digest});
  for (const auto* docs : {&c.manifests, &c.events, &c.aliases})
    for (const auto& d : *docs) entries.push_back({d.key, d.bytes.size(), digest_bytes(d.bytes)});
  const std::string index = index_yaml(c, r.version, entries);

  auto la = archive_api();  // before the output exists: a missing library leaves nothing behind
  if (!la.ok()) return make_error(la.error().code, path + ": " + la.error().message);
  MLO_ASSIGN_OR_RETURN(OutputFile file, open_output(path));  // a file, or s3://bucket/key
  Writer w(file, **la);
  MLO_TRY(w.open());
  MLO_TRY(w.begin(kBundleIndexPath, index.size()));
  MLO_TRY(w.data(index.data(), index.size()));
  ExportResult out{c.name, r.version, path, 1, 0, 0, 0};
  for (const auto& b : c.blobs) {
    MLO_ASSIGN_OR_RETURN(ObjectInfo info, store.head(blob_key(b.digest)));
    if (info.size != b.size)
      return make_error(ErrorCode::kIntegrity, "store " + store.url() + ": " + blob_key(b.digest) +
                                                   " has " + std::to_string(info.size) +
                                                   " bytes, its manifest records " +
                                                   std::to_string(b.size));
    MLO_TRY(w.begin(blob_key(b.digest), b.size));
    MLO_TRY(get_blob_to(store, b.digest,
                        [&](const char* data, size_t size) { return w.data(data, size); }));
    ++out.blobs;
    out.blob_bytes += b.size;
  }
  for (const auto* docs : {&c.manifests, &c.events, &c.aliases})
    for (const auto& d : *docs) {
      MLO_TRY(w.begin(d.key, d.bytes.size()));
      MLO_TRY(w.data(d.bytes.data(), d.bytes.size()));
    }
  out.entries = entries.size() + 1;
  MLO_TRY(w.close());
  out.archive_bytes = w.written();
  MLO_TRY(file.commit());
  return out;
}

}  // namespace mlo
