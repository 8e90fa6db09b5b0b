#include "mlo/registry/verify.hpp"

#include <ctime>
#include <map>
#include <optional>
#include <set>

#include "mlo/core/digest.hpp"
#include "mlo/registry/alias.hpp"
#include "mlo/registry/audit.hpp"
#include "mlo/registry/events.hpp"
#include "mlo/registry/keys.hpp"
#include "mlo/registry/manifest.hpp"
#include "mlo/registry/registry.hpp"
#include "mlo/registry/state.hpp"
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
    if (options_.model.empty()) check_strays();
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
      std::string digest = digest_of_blob_key(key);
      if (digest.empty()) {
        note(key,
             "unexpected key under objects/ (not a sha256 blob; left by an interrupted write?)");
        continue;
      }
      check_blob(digest, key);
    }
    return {};
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

  void check_hmac(const std::string& key, const std::string& bytes) {
    if (!audit_key_) return;
    switch (check_event_hmac(*audit_key_, bytes)) {
      case HmacCheck::kValid:
        return;
      case HmacCheck::kMissing:
        problem(key, "has no hmac line but MLO_AUDIT_KEY is set (written without the key?)");
        return;
      case HmacCheck::kMismatch:
        problem(key,
                "hmac does not match its content under MLO_AUDIT_KEY (edited, or signed "
                "with another key)");
        return;
    }
  }

  void verify_events(const std::string& name, size_t event_keys,
                     const std::map<int64_t, std::string>& digests) {
    std::set<int64_t> registered;
    std::string previous;
    moves_.clear();
    move_ids_.clear();
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
      check_hmac(key, *bytes);
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
        record_move(*event);
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

  // Alias moves in chain order: alias -> (event number, id, version) of its last move.
  struct Move {
    int64_t number = 0;
    std::string id;
    int64_t version = 0;
  };
  void record_move(const Event& e) {
    if (e.type != "promoted" && e.type != "forced" && e.type != "rolled_back") return;
    auto alias = e.fields.find("alias");
    auto id = e.fields.find("id");
    if (alias == e.fields.end()) return;
    Move m{e.number, id == e.fields.end() ? "" : id->second, event_version(e)};
    auto [it, inserted] = moves_.try_emplace(alias->second, m);
    if (!inserted) it->second = m;
    if (!m.id.empty()) move_ids_.insert(m.id);
  }

  // The record must be its last move's result, or the one move after it whose event a crash
  // left out (the next promote/rollback appends it).
  void check_alias_move(const std::string& key, const AliasRecord& rec) {
    if (rec.id.empty()) return;  // written before alias records carried their event
    auto last = moves_.find(rec.alias);
    if (last != moves_.end() && last->second.id == rec.id) {
      if (last->second.version != rec.version)
        problem(key, "points at version " + std::to_string(rec.version) + " but its event " +
                         std::to_string(last->second.number) + " moved it to " +
                         std::to_string(last->second.version));
      return;
    }
    if (move_ids_.count(rec.id)) {
      problem(key, "its move (id " + rec.id +
                       ") is not this alias's last move in the audit "
                       "chain: alias record replaced by hand or events reordered");
      return;
    }
    const int64_t before = last == moves_.end() ? 0 : last->second.version;
    if (rec.previous_version != before) {
      problem(key,
              "has no audit event and does not follow the alias's last recorded move "
              "(alias record written by hand?)");
      return;
    }
    note(key, "its move to version " + std::to_string(rec.version) +
                  " has no audit event yet (interrupted; the next promote or rollback of this "
                  "alias appends it)");
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
    check_alias_move(key, *rec);
    auto it = digests.find(rec->version);
    if (it == digests.end())
      problem(key, "points at version " + std::to_string(rec->version) + ", which does not exist");
    else if (!rec->manifest.empty() && rec->manifest != it->second)
      problem(key, "records manifest " + rec->manifest + " but version " +
                       std::to_string(rec->version) + " hashes to " + it->second);
  }

  // What the key interface hides (a local store's temp files and symlinks, an S3 store's
  // incomplete uploads), asked of the backend without knowing which one it is.
  void check_strays() {
    auto strays = store_.list_strays();
    if (!strays.ok()) {  // e.g. a read-only S3 user may not list uploads: not corruption
      note("(store)", "cannot look for temp entries: " + strays.error().message);
      return;
    }
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    for (const auto& s : *strays) {
      if (s.kind == StrayEntry::Kind::kSymlink)
        problem(s.name,
                "is a symlink inside the store (reads refuse it; replace it with the "
                "file it points at or remove it)");
      else if (now - s.mtime >= options_.temp_age_seconds)
        note(s.name,
             "stray temp file older than an hour (left by an interrupted write; `mlo gc` "
             "removes it)");
    }
  }

  Store& store_;
  const VerifyOptions& options_;
  VerifyReport report_;
  std::map<std::string, BlobState> blobs_;
  std::optional<std::string> audit_key_ = audit_key_from_env();
  std::map<std::string, Move> moves_;  // per model, rebuilt by verify_events
  std::set<std::string> move_ids_;
};

}  // namespace

Result<VerifyReport> verify_store(Store& store, const VerifyOptions& options) {
  if (!options.model.empty()) MLO_TRY(validate_model_name(options.model));
  Verifier verifier(store, options);
  return verifier.run();
}

}  // namespace mlo
