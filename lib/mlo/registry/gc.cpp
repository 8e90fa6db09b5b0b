#include "mlo/registry/gc.hpp"

#include <ctime>
#include <set>

#include "mlo/registry/keys.hpp"
#include "mlo/registry/manifest.hpp"

namespace mlo {

namespace {

// Every blob digest the version manifests refer to. Listed after the blobs (gc.hpp, rule 2).
Result<std::set<std::string>> referenced_digests(Store& store, uint64_t& manifests) {
  MLO_ASSIGN_OR_RETURN(std::vector<std::string> keys, store.list(kModelsPrefix));
  std::set<std::string> out;
  for (const auto& key : keys) {
    auto parts = split_model_key(key);
    if (!parts || parts->kind != "versions" ||
        !parse_numbered_key(key, versions_prefix(parts->name)))
      continue;
    auto refuse = [&](const std::string& why) {
      return make_error(ErrorCode::kIntegrity, "gc: " + key +
                                                   ": cannot tell which blobs it refers to (" +
                                                   why + "); nothing was removed");
    };
    auto bytes = store.get(key);
    if (!bytes.ok()) {
      // Removed meanwhile (no command deletes manifests, but a hand may): it needs nothing.
      if (bytes.error().code == ErrorCode::kNotFound) continue;
      return refuse(bytes.error().message);
    }
    auto mv = ModelVersion::from_yaml(*bytes, key);
    if (!mv.ok()) return refuse(mv.error().message);
    ++manifests;
    for (const auto& [name, artifact] : mv->artifacts) out.insert(artifact.digest);
  }
  return out;
}

// An unknown mtime (0) is never old enough.
bool is_old(int64_t mtime, int64_t cutoff) {
  return mtime != 0 && mtime <= cutoff;
}

}  // namespace

uint64_t GcReport::removed_count(GcItem::Kind kind) const {
  uint64_t n = 0;
  for (const auto& item : removed) n += item.kind == kind;
  return n;
}

uint64_t GcReport::removed_bytes(GcItem::Kind kind) const {
  uint64_t n = 0;
  for (const auto& item : removed)
    if (item.kind == kind) n += item.size;
  return n;
}

Result<GcReport> collect_garbage(Store& store, const GcOptions& options) {
  if (options.grace_seconds < 0)
    return make_error(ErrorCode::kUsage, "gc: the grace period must not be negative");
  const int64_t now = options.now != 0 ? options.now : static_cast<int64_t>(std::time(nullptr));
  const int64_t cutoff = now - options.grace_seconds;  // at or before this: old
  GcReport report;
  report.dry_run = options.dry_run;

  // 1. Blobs, then (rule 2) the manifests, then the candidates.
  MLO_ASSIGN_OR_RETURN(std::vector<std::string> keys, store.list(kObjectsPrefix));
  if (options.after_blob_listing) options.after_blob_listing();
  MLO_ASSIGN_OR_RETURN(std::set<std::string> referenced,
                       referenced_digests(store, report.manifests));
  std::vector<std::string> candidates;
  for (const auto& key : keys) {
    const std::string digest = digest_of_blob_key(key);
    if (digest.empty()) continue;  // not a blob: not ours to judge (verify notes it)
    ++report.blobs;
    if (referenced.count(digest) != 0)
      ++report.referenced;
    else
      candidates.push_back(key);
  }

  // 2. Rule 3: each candidate's mtime is read again just before it is removed.
  for (const auto& key : candidates) {
    auto info = store.head(key);
    if (!info.ok()) {
      if (info.error().code != ErrorCode::kNotFound) return info.error();
      ++report.vanished;
      continue;
    }
    if (!is_old(info->mtime, cutoff)) {
      ++report.young;
      continue;
    }
    if (!options.dry_run) {
      // Conditional: a writer that touched the blob since the head above keeps it.
      if (Status st = store.remove_if_unchanged(key, *info); !st.ok()) {
        if (st.error().code == ErrorCode::kConflict) {
          ++report.young;
          continue;
        }
        if (st.error().code != ErrorCode::kNotFound) return st.error();
        ++report.vanished;
        continue;
      }
    }
    report.removed.push_back({GcItem::Kind::kBlob, key, info->size, info->mtime});
  }

  // 3. Temp entries of interrupted writes (a live write's temp is younger than the grace).
  MLO_ASSIGN_OR_RETURN(std::vector<StrayEntry> strays, store.list_strays());
  for (const auto& stray : strays) {
    if (stray.kind != StrayEntry::Kind::kTemp) continue;
    if (!is_old(stray.mtime, cutoff)) {
      ++report.young;
      continue;
    }
    if (!options.dry_run) {
      if (Status st = store.remove_stray(stray); !st.ok()) {
        if (st.error().code != ErrorCode::kNotFound) return st.error();
        ++report.vanished;
        continue;
      }
    }
    report.removed.push_back({GcItem::Kind::kTemp, stray.name, stray.size, stray.mtime});
  }
  return report;
}

}  // namespace mlo
