// register_version: hash -> (if-new lookup) -> blobs -> manifest (create-only) -> event.
#include <chrono>
#include <filesystem>
#include <thread>

#include "mlo/core/digest.hpp"
#include "mlo/core/time.hpp"
#include "mlo/core/version.hpp"
#include "mlo/registry/keys.hpp"
#include "mlo/registry/registry.hpp"

namespace mlo {
namespace {

// Each lost race moves N on by one; the bound only stops a livelock.
constexpr int kMaxVersionAttempts = 10000;
constexpr int kEventAttempts = 4;

struct HashStats {
  double seconds = 0;
  uint64_t bytes = 0;
};

// Dry run: hash only, write nothing.
Result<Artifact> hash_artifact(const std::string& key, const ArtifactInput& in) {
  Artifact a;
  if (in.bytes) {
    a.digest = digest_bytes(*in.bytes);
    a.size = in.bytes->size();
    return a;
  }
  if (!in.path)
    return make_error(ErrorCode::kUsage, "artifact '" + key + "': neither bytes nor a path given");
  std::error_code ec;
  a.size = std::filesystem::file_size(*in.path, ec);
  if (ec) {
    const bool missing = ec == std::errc::no_such_file_or_directory;
    return make_error(missing ? ErrorCode::kNotFound : ErrorCode::kRuntime,
                      *in.path + ": " + ec.message());
  }
  MLO_ASSIGN_OR_RETURN(a.digest, digest_file(*in.path));
  return a;
}

// Blobs are content-addressed and put_blob skips existing ones, so storing before the
// --if-new lookup writes nothing when an identical version exists. A file is read once to
// hash it and copied only when the store lacks it.
Result<Artifact> store_artifact(Store& store, const std::string& key, const ArtifactInput& in,
                                HashStats& stats) {
  if (!in.bytes && !in.path)
    return make_error(ErrorCode::kUsage, "artifact '" + key + "': neither bytes nor a path given");
  const auto start = std::chrono::steady_clock::now();
  MLO_ASSIGN_OR_RETURN(
      BlobInfo blob, in.bytes ? put_blob_bytes(store, *in.bytes) : put_blob_file(store, *in.path));
  stats.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stats.bytes += blob.size;
  return Artifact{blob.digest, blob.size, {}};
}

// Two versions are "the same registration" when everything but the bookkeeping matches.
std::string content_fingerprint(ModelVersion mv) {
  mv.version = 1;
  mv.created.clear();
  mv.created_by.clear();
  mv.status = "candidate";
  mv.environment.clear();
  return mv.to_yaml();
}

Result<std::optional<VersionRecord>> find_identical(Store& store, const ModelVersion& mv,
                                                    const std::vector<int64_t>& numbers) {
  const std::string want = content_fingerprint(mv);
  for (auto it = numbers.rbegin(); it != numbers.rend(); ++it) {
    MLO_ASSIGN_OR_RETURN(VersionRecord rec, load_version_record(store, mv.name, *it));
    if (content_fingerprint(rec.manifest) == want)
      return std::optional<VersionRecord>(std::move(rec));
  }
  return std::optional<VersionRecord>();
}

void fill_bookkeeping(ModelVersion& mv) {
  mv.created = now_rfc3339();
  mv.created_by = current_actor();
  if (mv.status.empty()) mv.status = "candidate";
  mv.environment.try_emplace("mlo", mlo_version());
  mv.environment.try_emplace("os", os_name());
  mv.environment.try_emplace("arch", arch_name());
}

// put_new of N = 1 + highest, N+1 on conflict. Returns the manifest bytes written.
Result<std::string> write_manifest(Store& store, ModelVersion& mv, int64_t first_candidate) {
  mv.version = first_candidate;
  for (int attempt = 0; attempt < kMaxVersionAttempts; ++attempt, ++mv.version) {
    std::string yaml = mv.to_yaml();
    Status put = store.put_new(version_key(mv.name, mv.version), yaml);
    if (put.ok()) return yaml;
    if (put.error().code != ErrorCode::kConflict) return put.error();
  }
  return make_error(ErrorCode::kConflict, "register " + mv.name + ": too many concurrent writers");
}

// A transient store failure should not leave a version untrusted: a few spaced retries.
Status append_with_retries(Store& store, const std::string& name, const Event& event) {
  Status last;
  for (int attempt = 0; attempt < kEventAttempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50 << attempt));
    auto appended = append_event(store, name, event);
    if (appended.ok()) return {};
    last = appended.error();
  }
  return last;
}

}  // namespace

Result<int64_t> repair_registration(Store& store, const std::string& name, int64_t version) {
  MLO_ASSIGN_OR_RETURN(VersionRecord rec, load_version_record(store, name, version));
  MLO_ASSIGN_OR_RETURN(std::vector<Event> events, read_events(store, name));
  for (const auto& e : events) {
    auto v = e.fields.find("version");
    if (e.type == "registered" && v != e.fields.end() && v->second == std::to_string(version))
      return make_error(ErrorCode::kConflict, name + ":" + std::to_string(version) +
                                                  " already has its 'registered' event (event " +
                                                  std::to_string(e.number) + ")");
  }
  Event event;
  event.type = "registered";
  event.fields = {{"version", std::to_string(version)}, {"manifest", rec.digest},
                  {"repaired", "true"}};
  MLO_ASSIGN_OR_RETURN(Event appended, append_event(store, name, event));
  return appended.number;
}

Result<RegisterResult> register_version(Store& store, RegisterRequest request) {
  ModelVersion mv = std::move(request.manifest);
  MLO_TRY(validate_model_name(mv.name));
  fill_bookkeeping(mv);
  mv.artifacts.clear();
  // Never write a manifest this program could not read back; checked before any blob is written.
  mv.version = 1;  // placeholder until allocated
  MLO_TRY(ModelVersion::from_yaml(mv.to_yaml(), "new manifest for " + mv.name));

  RegisterResult result;
  HashStats stats;
  for (const auto& [key, input] : request.artifacts) {
    MLO_ASSIGN_OR_RETURN(Artifact a, request.dry_run ? hash_artifact(key, input)
                                                     : store_artifact(store, key, input, stats));
    a.media_type = input.media_type.empty() ? "application/octet-stream" : input.media_type;
    mv.artifacts.emplace(key, std::move(a));
  }
  result.hash_seconds = stats.seconds;
  result.hashed_bytes = stats.bytes;

  MLO_ASSIGN_OR_RETURN(std::vector<int64_t> numbers, version_numbers(store, mv.name));
  if (request.if_new) {
    MLO_ASSIGN_OR_RETURN(std::optional<VersionRecord> same, find_identical(store, mv, numbers));
    if (same) {
      result.existed = true;
      result.manifest = std::move(same->manifest);
      result.manifest_digest = same->digest;
      return result;
    }
  }
  const int64_t next = numbers.empty() ? 1 : numbers.back() + 1;
  if (request.dry_run) {
    mv.version = next;
    result.manifest = std::move(mv);
    return result;
  }
  MLO_ASSIGN_OR_RETURN(std::string yaml, write_manifest(store, mv, next));
  result.manifest_digest = digest_bytes(yaml);
  Event event;
  event.type = "registered";
  event.fields = {{"version", std::to_string(mv.version)}, {"manifest", result.manifest_digest}};
  // The version exists either way, so this is not an error return (a retrying script would
  // register it twice); event_warning makes the caller fail and name the repair.
  Status appended = append_with_retries(store, mv.name, event);
  if (!appended.ok()) result.event_warning = appended.error().message;
  result.manifest = std::move(mv);
  return result;
}

}  // namespace mlo
