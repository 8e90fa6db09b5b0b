// Reading the registry: version numbers, manifests, references, artifacts.
#include "mlo/registry/registry.hpp"

#include <algorithm>
#include <set>

#include "mlo/core/digest.hpp"
#include "mlo/registry/alias.hpp"
#include "mlo/registry/events.hpp"
#include "mlo/registry/keys.hpp"

namespace mlo {
namespace {

Error bad_ref(const std::string& ref, const std::string& why) {
  return make_error(ErrorCode::kUsage,
                    "invalid model reference '" + ref + "': " + why +
                        " (expected name, name:N, name@alias or sha256:<digest>)");
}

Result<int64_t> parse_version_number(const std::string& ref, const std::string& text) {
  if (text.empty() || text.size() > 15 || text[0] == '0')
    return bad_ref(ref, "version must be a positive integer");
  int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return bad_ref(ref, "version must be a positive integer");
    n = n * 10 + (c - '0');
  }
  return n;
}

// The version whose manifest bytes hash to `digest`. Scans every manifest: digests are not
// indexed, and a full scan keeps the store layout free of derived data.
Result<VersionRecord> find_by_digest(Store& store, const std::string& digest) {
  MLO_ASSIGN_OR_RETURN(std::vector<std::string> keys, store.list(kModelsPrefix));
  for (const auto& key : keys) {
    auto parts = split_model_key(key);
    if (!parts || parts->kind != "versions") continue;
    auto n = parse_numbered_key(key, versions_prefix(parts->name));
    if (!n) continue;
    MLO_ASSIGN_OR_RETURN(std::string bytes, store.get(key));
    if (digest_bytes(bytes) == digest) return load_version_record(store, parts->name, *n);
  }
  return make_error(ErrorCode::kNotFound, "no model version has manifest digest " + digest);
}

// Manifest digests recorded by `registered` events, by version (the trust anchor of name:N).
Result<std::map<int64_t, std::string>> registered_digests(Store& store, const std::string& name) {
  MLO_ASSIGN_OR_RETURN(std::vector<StoredEvent> events, read_stored_events(store, name));
  std::map<int64_t, std::string> out;
  for (const auto& s : events) {
    if (s.event.type != "registered") continue;
    auto v = s.event.fields.find("version");
    auto m = s.event.fields.find("manifest");
    if (v == s.event.fields.end() || m == s.event.fields.end()) continue;
    try {
      out.emplace(std::stoll(v->second), m->second);
    } catch (const std::exception&) {
      continue;  // verify reports the malformed event
    }
  }
  return out;
}

Status check_trusted(const VersionRecord& rec, const std::string& recorded,
                     const std::string& source) {
  if (recorded == rec.digest) return {};
  return make_error(ErrorCode::kIntegrity,
                    rec.key + ": manifest bytes hash to " + rec.digest + " but " + source +
                        " recorded " + recorded + " (manifest modified after registration)");
}

bool has_versions(Store& store, const std::string& name) {
  auto numbers = version_numbers(store, name);
  return numbers.ok() && !numbers->empty();
}

}  // namespace

Result<std::vector<int64_t>> version_numbers(Store& store, const std::string& name) {
  MLO_ASSIGN_OR_RETURN(std::vector<std::string> keys, store.list(versions_prefix(name)));
  std::vector<int64_t> numbers;
  for (const auto& key : keys)
    if (auto n = parse_numbered_key(key, versions_prefix(name))) numbers.push_back(*n);
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

Result<std::vector<int64_t>> list_versions(Store& store, const std::string& name) {
  MLO_TRY(validate_model_name(name));
  MLO_ASSIGN_OR_RETURN(std::vector<int64_t> numbers, version_numbers(store, name));
  if (numbers.empty()) return make_error(ErrorCode::kNotFound, "model '" + name + "' not found");
  return numbers;
}

Result<std::vector<std::string>> list_models(Store& store) {
  MLO_ASSIGN_OR_RETURN(std::vector<std::string> keys, store.list(kModelsPrefix));
  std::set<std::string> names;
  for (const auto& key : keys) {
    auto parts = split_model_key(key);
    if (parts && parts->kind == "versions" && parse_numbered_key(key, versions_prefix(parts->name)))
      names.insert(parts->name);
  }
  return std::vector<std::string>(names.begin(), names.end());
}

Result<VersionRecord> load_version_record(Store& store, const std::string& name, int64_t version) {
  MLO_TRY(validate_model_name(name));
  VersionRecord rec;
  rec.key = version_key(name, version);
  auto bytes = store.get(rec.key);
  if (!bytes.ok()) {
    if (bytes.error().code != ErrorCode::kNotFound) return bytes.error();
    if (!has_versions(store, name))
      return make_error(ErrorCode::kNotFound, "model '" + name + "' not found");
    return make_error(ErrorCode::kNotFound,
                      "model '" + name + "' has no version " + std::to_string(version));
  }
  MLO_ASSIGN_OR_RETURN(rec.manifest, ModelVersion::from_yaml(*bytes, rec.key));
  if (rec.manifest.name != name || rec.manifest.version != version)
    return make_error(ErrorCode::kIntegrity, rec.key + ": manifest says " + rec.manifest.name +
                                                 ":" + std::to_string(rec.manifest.version));
  rec.digest = digest_bytes(*bytes);
  return rec;
}

Result<ModelVersion> load_version(Store& store, const std::string& name, int64_t version) {
  MLO_ASSIGN_OR_RETURN(VersionRecord rec, load_version_record(store, name, version));
  return std::move(rec.manifest);
}

Result<VersionRecord> load_trusted_version(Store& store, const std::string& name,
                                           int64_t version) {
  MLO_ASSIGN_OR_RETURN(VersionRecord rec, load_version_record(store, name, version));
  MLO_ASSIGN_OR_RETURN(auto digests, registered_digests(store, name));
  auto it = digests.find(version);
  if (it == digests.end())
    return make_error(ErrorCode::kIntegrity,
                      rec.key + ": no 'registered' event records this manifest's digest, so it "
                                "cannot be trusted (registration interrupted before its event?)");
  MLO_TRY(check_trusted(rec, it->second, "its 'registered' event"));
  return rec;
}

Result<int64_t> latest_registered(Store& store, const std::string& name) {
  MLO_ASSIGN_OR_RETURN(std::vector<int64_t> numbers, list_versions(store, name));
  MLO_ASSIGN_OR_RETURN(auto digests, registered_digests(store, name));
  for (auto it = numbers.rbegin(); it != numbers.rend(); ++it)
    if (digests.count(*it)) return *it;
  return make_error(ErrorCode::kIntegrity, "model '" + name +
                                               "': no version has a 'registered' event, so none "
                                               "can be trusted (registration interrupted?)");
}

Result<VersionRecord> resolve_version(Store& store, const std::string& ref) {
  if (ref.empty()) return bad_ref(ref, "empty");
  if (ref.rfind(kDigestPrefix, 0) == 0) {
    if (!is_valid_digest(ref)) return bad_ref(ref, "not a sha256 digest (64 lowercase hex digits)");
    return find_by_digest(store, ref);
  }
  if (size_t at = ref.find('@'); at != std::string::npos) {
    const std::string name = ref.substr(0, at), alias = ref.substr(at + 1);
    if (auto st = validate_model_name(name); !st.ok()) return bad_ref(ref, st.error().message);
    if (auto st = validate_alias_name(alias); !st.ok()) return bad_ref(ref, st.error().message);
    auto rec = read_alias(store, name, alias);
    if (!rec.ok()) {
      if (rec.error().code == ErrorCode::kNotFound && !has_versions(store, name))
        return make_error(ErrorCode::kNotFound, "model '" + name + "' not found");
      return rec.error();
    }
    if (rec->manifest.empty()) return load_trusted_version(store, name, rec->version);
    MLO_ASSIGN_OR_RETURN(VersionRecord target, load_version_record(store, name, rec->version));
    MLO_TRY(check_trusted(target, rec->manifest, "alias " + name + "@" + alias));
    return target;
  }
  std::string name = ref;
  std::optional<int64_t> version;
  if (size_t colon = ref.find(':'); colon != std::string::npos) {
    name = ref.substr(0, colon);
    MLO_ASSIGN_OR_RETURN(version, parse_version_number(ref, ref.substr(colon + 1)));
  }
  if (auto st = validate_model_name(name); !st.ok()) return bad_ref(ref, st.error().message);
  if (!version) {
    MLO_ASSIGN_OR_RETURN(version, latest_registered(store, name));
  }
  return load_trusted_version(store, name, *version);
}

Result<ModelVersion> resolve_ref(Store& store, const std::string& ref) {
  MLO_ASSIGN_OR_RETURN(VersionRecord rec, resolve_version(store, ref));
  return std::move(rec.manifest);
}

Result<std::string> read_artifact(Store& store, const ModelVersion& mv, const std::string& key) {
  auto it = mv.artifacts.find(key);
  if (it == mv.artifacts.end())
    return make_error(ErrorCode::kNotFound, mv.name + ":" + std::to_string(mv.version) +
                                                " has no artifact '" + key + "'");
  return get_blob(store, it->second.digest);
}

}  // namespace mlo
