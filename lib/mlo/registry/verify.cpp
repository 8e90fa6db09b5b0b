#include "mlo/registry/verify.hpp"

#include <map>
#include <set>

#include "mlo/core/digest.hpp"
#include "mlo/registry/alias.hpp"
#include "mlo/registry/events.hpp"
#include "mlo/registry/keys.hpp"
#include "mlo/registry/manifest.hpp"
#include "mlo/registry/registry.hpp"
#include "mlo/registry/store_init.hpp"

namespace mlo {
namespace {

// Error messages from parsers already start with the key; keep the report free of repeats.
std::string strip_key(const std::string& message, const std::string& key) {
  if (message.rfind(key + ": ", 0) == 0) return message.substr(key.size() + 2);
  return message;
}

struct BlobState {
  bool present = false;
  bool intact = false;
  uint64_t size = 0;
};

class Verifier {
 public:
  Verifier(Store& store, const VerifyOptions& options) : store_(store), options_(options) {}

  Result<VerifyReport> run() {
    check_marker();
    MLO_ASSIGN_OR_RETURN(std::vector<std::string> model_keys,
                         store_.list(options_.model.empty() ? std::string(kModelsPrefix)
                                                            : model_prefix(options_.model)));
    if (options_.model.empty()) MLO_TRY(hash_all_blobs());
    std::map<std::string, std::vector<std::string>> by_model;
    for (const auto& key : model_keys) {
      auto parts = split_model_key(key);
      if (!parts) {
        note(key, "unexpected key under models/");
        continue;
      }
      by_model[parts->name].push_back(key);
    }
    if (!options_.model.empty() && by_model.empty())
      return make_error(ErrorCode::kNotFound, "model '" + options_.model + "' not found");
    for (const auto& [name, keys] : by_model) MLO_TRY(verify_model(name, keys));
    return std::move(report_);
  }

 private:
  void problem(const std::string& key, const std::string& message) {
    report_.problems.push_back({key, strip_key(message, key)});
  }
  void note(const std::string& key, const std::string& message) {
    report_.notes.push_back({key, strip_key(message, key)});
  }

  void check_marker() {
    auto bytes = store_.get(kStoreMarkerKey);
    if (!bytes.ok()) {
      problem(kStoreMarkerKey, bytes.error().message);
      return;
    }
    if (auto info = parse_store_info(*bytes); !info.ok())
      problem(kStoreMarkerKey, info.error().message);
  }

  Result<std::string> hash_key(const std::string& key) {
    if (options_.on_blob) options_.on_blob(key);
    return digest_key(store_, key);
  }

  // Whole-store mode: every object must hash to its own key.
  Status hash_all_blobs() {
    MLO_ASSIGN_OR_RETURN(std::vector<std::string> keys, store_.list(kObjectsPrefix));
    for (const auto& key : keys) {
      std::string digest = digest_from_key(key);
      if (digest.empty()) {
        note(key,
             "unexpected key under objects/ (not a sha256 blob; left by an interrupted write?)");
        continue;
      }
      check_blob(digest, key);
    }
    return {};
  }

  static std::string digest_from_key(const std::string& key) {
    const std::string prefix = "objects/sha256/";
    if (key.size() != prefix.size() + 2 + 1 + 62 || key.rfind(prefix, 0) != 0 ||
        key[prefix.size() + 2] != '/')
      return {};
    std::string digest =
        std::string(kDigestPrefix) + key.substr(prefix.size(), 2) + key.substr(prefix.size() + 3);
    return is_valid_digest(digest) ? digest : std::string();
  }

  const BlobState& check_blob(const std::string& digest, const std::string& key) {
    auto [it, inserted] = blobs_.try_emplace(digest);
    if (!inserted) return it->second;
    BlobState& state = it->second;
    auto info = store_.head(key);
    if (!info.ok()) return state;
    state.present = true;
    state.size = info->size;
    auto actual = hash_key(key);
    ++report_.blobs;
    report_.blob_bytes += info->size;
    if (!actual.ok()) {
      problem(key, "cannot read: " + actual.error().message);
    } else if (*actual != digest) {
      problem(key, "content hashes to " + *actual + ", not to its key (blob corrupted)");
    } else {
      state.intact = true;
    }
    return state;
  }

  Status verify_model(const std::string& name, const std::vector<std::string>& keys) {
    ++report_.models;
    if (auto st = validate_model_name(name); !st.ok()) {
      problem(model_prefix(name), st.error().message);
      return {};
    }
    std::map<int64_t, std::string> manifest_digests;
    std::vector<std::string> alias_keys;
    size_t event_keys = 0;
    for (const auto& key : keys) {
      auto parts = split_model_key(key);
      if (parts->kind == "versions") {
        if (auto n = parse_numbered_key(key, versions_prefix(name))) {
          MLO_TRY(verify_manifest(name, *n, key, manifest_digests));
          continue;
        }
      } else if (parts->kind == "events" && parse_numbered_key(key, events_prefix(name))) {
        ++event_keys;
        continue;
      } else if (parts->kind == "aliases") {
        alias_keys.push_back(key);
        continue;
      }
      note(key, "unexpected key (ignored)");
    }
    verify_events(name, event_keys, manifest_digests);
    for (const auto& key : alias_keys) verify_alias(name, key, manifest_digests);
    return {};
  }

  Status verify_manifest(const std::string& name, int64_t n, const std::string& key,
                         std::map<int64_t, std::string>& digests) {
    ++report_.versions;
    auto bytes = store_.get(key);
    if (!bytes.ok()) {
      problem(key, "cannot read: " + bytes.error().message);
      return {};
    }
    digests[n] = digest_bytes(*bytes);
    auto mv = ModelVersion::from_yaml(*bytes, key);
    if (!mv.ok()) {
      problem(key, mv.error().message);
      return {};
    }
    if (mv->name != name || mv->version != n)
      problem(key, "manifest says " + mv->name + ":" + std::to_string(mv->version));
    for (const auto& [artifact, a] : mv->artifacts) {
      const std::string bkey = blob_key(a.digest);
      const BlobState& blob = check_blob(a.digest, bkey);
      if (!blob.present)
        problem(key, "artifact '" + artifact + "' refers to missing blob " + a.digest);
      else if (blob.size != a.size)
        problem(key, "artifact '" + artifact + "' records size " + std::to_string(a.size) +
                         " but blob " + bkey + " has " + std::to_string(blob.size) + " bytes");
    }
    return {};
  }

  void verify_events(const std::string& name, size_t event_keys,
                     const std::map<int64_t, std::string>& digests) {
    std::set<int64_t> registered;
    std::string previous;
    for (int64_t n = 1; event_keys > 0; ++n) {
      const std::string key = event_key(name, n);
      auto bytes = store_.get(key);
      if (!bytes.ok()) {
        problem(key, "missing: the audit chain has a gap");
        break;
      }
      --event_keys;
      ++report_.events;
      auto event = event_from_yaml(*bytes, key, name);
      const std::string digest = digest_bytes(*bytes);
      if (!event.ok()) {
        problem(key, event.error().message);
      } else {
        if (event->number != n) problem(key, "holds event number " + std::to_string(event->number));
        if (event->previous != previous)
          problem(key, n == 1 ? "first event must not name a previous event"
                              : "previous digest " +
                                    (event->previous.empty() ? "(none)" : event->previous) +
                                    " does not match event " + std::to_string(n - 1) + " (" +
                                    previous + "): audit chain broken");
        if (event->type == "registered") check_registered(name, key, *event, digests, registered);
      }
      previous = digest;
    }
    for (const auto& [n, digest] : digests)
      if (!registered.count(n))
        note(version_key(name, n),
             "has no 'registered' event (registration interrupted after the manifest)");
  }

  void check_registered(const std::string& name, const std::string& key, const Event& event,
                        const std::map<int64_t, std::string>& digests,
                        std::set<int64_t>& registered) {
    auto it_v = event.fields.find("version");
    int64_t v = 0;
    try {
      v = it_v == event.fields.end() ? 0 : std::stoll(it_v->second);
    } catch (const std::exception&) {
      v = 0;
    }
    auto found = digests.find(v);
    if (found == digests.end()) {
      problem(key, "registers version " + (it_v == event.fields.end() ? "?" : it_v->second) +
                       ", which does not exist");
      return;
    }
    registered.insert(v);
    auto it_m = event.fields.find("manifest");
    if (it_m != event.fields.end() && it_m->second != found->second)
      problem(version_key(name, v), "bytes hash to " + found->second + " but event " +
                                        std::to_string(event.number) + " recorded " + it_m->second +
                                        " (manifest modified after registration)");
  }

  void verify_alias(const std::string& name, const std::string& key,
                    const std::map<int64_t, std::string>& digests) {
    ++report_.aliases;
    std::string leaf = key.substr(aliases_prefix(name).size());
    if (leaf.size() <= 5 || leaf.substr(leaf.size() - 5) != ".yaml") {
      note(key, "unexpected key (ignored)");
      return;
    }
    auto bytes = store_.get(key);
    if (!bytes.ok()) {
      problem(key, "cannot read: " + bytes.error().message);
      return;
    }
    auto rec = AliasRecord::from_yaml(*bytes, key, leaf.substr(0, leaf.size() - 5));
    if (!rec.ok()) {
      problem(key, rec.error().message);
      return;
    }
    auto it = digests.find(rec->version);
    if (it == digests.end())
      problem(key, "points at version " + std::to_string(rec->version) + ", which does not exist");
    else if (!rec->manifest.empty() && rec->manifest != it->second)
      problem(key, "records manifest " + rec->manifest + " but version " +
                       std::to_string(rec->version) + " hashes to " + it->second);
  }

  Store& store_;
  const VerifyOptions& options_;
  VerifyReport report_;
  std::map<std::string, BlobState> blobs_;
};

}  // namespace

Result<VerifyReport> verify_store(Store& store, const VerifyOptions& options) {
  if (!options.model.empty()) MLO_TRY(validate_model_name(options.model));
  Verifier verifier(store, options);
  return verifier.run();
}

}  // namespace mlo
