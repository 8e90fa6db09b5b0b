#include "mlo/registry/verify.hpp"

#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "mlo/core/digest.hpp"
#include "mlo/core/parallel.hpp"
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

// One blob's check, done once per digest however many manifests share it.
struct BlobCheck {
  bool present = false;  // head() found it
  bool intact = false;
  uint64_t size = 0;
  std::string key;      // where it was read
  std::string problem;  // why it is not intact (empty when intact or absent)
  bool reported = false;
};

// What one model's check found, in the order the checks ran. An artifact reference is resolved
// after the blob checks (which run once per digest across all models), at its place in this
// order, so the report reads exactly as a serial walk would have written it.
struct Finding {
  enum class Kind { kProblem, kNote, kArtifact };
  Kind kind = Kind::kProblem;
  std::string key;      // artifact: the manifest's key
  std::string message;  // artifact: the artifact's name
  std::string digest;   // artifact only
  uint64_t size = 0;    // artifact only: the size the manifest records
};

struct ModelCheck {
  std::vector<Finding> findings;
  size_t versions = 0, events = 0, aliases = 0;
};

// Checks one model's manifests, audit chain and aliases. Independent of every other model, so
// many run at once; blobs are only referenced here (Finding::kArtifact).
class ModelVerifier {
 public:
  ModelVerifier(Store& store, const std::optional<std::string>& audit_key)
      : store_(store), audit_key_(audit_key) {}

  ModelCheck run(const std::string& name, const std::vector<std::string>& keys) {
    if (auto st = validate_model_name(name); !st.ok()) {
      problem(model_prefix(name), st.error().message);
      return std::move(out_);
    }
    size_t event_keys = 0;
    for (const auto& key : keys) {
      auto parts = split_model_key(key);
      if (parts->kind == "events" && parse_numbered_key(key, events_prefix(name))) ++event_keys;
    }
    read_events(name, event_keys);
    std::map<int64_t, std::string> manifest_digests;
    std::vector<std::string> alias_keys;
    for (const auto& key : keys) {
      auto parts = split_model_key(key);
      if (parts->kind == "versions") {
        if (auto n = parse_numbered_key(key, versions_prefix(name))) {
          verify_manifest(name, *n, key, manifest_digests);
          continue;
        }
      } else if (parts->kind == "events" && parse_numbered_key(key, events_prefix(name))) {
        continue;
      } else if (parts->kind == "aliases") {
        alias_keys.push_back(key);
        continue;
      }
      note(key, "unexpected key (ignored)");
    }
    verify_events(name, manifest_digests);
    for (const auto& key : alias_keys) verify_alias(name, key, manifest_digests);
    return std::move(out_);
  }

 private:
  void problem(const std::string& key, const std::string& message) {
    out_.findings.push_back({Finding::Kind::kProblem, key, strip_key(message, key), {}, 0});
  }
  void note(const std::string& key, const std::string& message) {
    out_.findings.push_back({Finding::Kind::kNote, key, strip_key(message, key), {}, 0});
  }

  void verify_manifest(const std::string& name, int64_t n, const std::string& key,
                       std::map<int64_t, std::string>& digests) {
    ++out_.versions;
    auto bytes = store_.get(key);
    if (!bytes.ok()) {
      problem(key, "cannot read: " + bytes.error().message);
      return;
    }
    const std::string& digest = digests[n] = digest_bytes(*bytes);
    // Bytes a registered event vouches for are the ones register validated: only their
    // references are read. Anything else is parsed and validated in full.
    std::optional<ManifestRefs> refs;
    if (vouched_.count({n, digest})) refs = scan_manifest_refs(*bytes);
    if (!refs) {
      auto mv = ModelVersion::from_yaml(*bytes, key);
      if (!mv.ok()) {
        problem(key, mv.error().message);
        return;
      }
      refs = ManifestRefs{mv->name, mv->version, std::move(mv->artifacts)};
    }
    if (refs->name != name || refs->version != n)
      problem(key, "manifest says " + refs->name + ":" + std::to_string(refs->version));
    for (const auto& [artifact, a] : refs->artifacts)
      out_.findings.push_back({Finding::Kind::kArtifact, key, artifact, a.digest, a.size});
  }

  // An event as read, before the chain checks (which need every manifest's digest).
  struct ReadEvent {
    std::string key;
    std::optional<Event> event;
    std::string error;  // why it did not parse
    std::string digest;
    HmacCheck hmac = HmacCheck::kValid;  // also when no audit key is set
  };

  // Reads events 1, 2, ... until `event_keys` are read or one is missing (a gap). Registered
  // events that parse (and, under an audit key, carry a valid hmac) vouch for their manifest.
  void read_events(const std::string& name, size_t event_keys) {
    for (int64_t n = 1; event_keys > 0; ++n) {
      ReadEvent r{event_key(name, n), std::nullopt, {}, {}, HmacCheck::kValid};
      auto bytes = store_.get(r.key);
      if (!bytes.ok()) {
        gap_key_ = r.key;
        break;
      }
      --event_keys;
      auto event = event_from_yaml(*bytes, r.key, name);
      r.digest = digest_bytes(*bytes);
      if (audit_key_) r.hmac = check_event_hmac(*audit_key_, *bytes);
      if (event.ok())
        r.event = std::move(*event);
      else
        r.error = event.error().message;
      if (r.event && r.event->type == "registered" && r.hmac == HmacCheck::kValid) {
        auto m = r.event->fields.find("manifest");
        if (m != r.event->fields.end()) vouched_.emplace(registered_version(*r.event), m->second);
      }
      events_.push_back(std::move(r));
    }
  }

  static int64_t registered_version(const Event& event) {
    auto it = event.fields.find("version");
    try {
      return it == event.fields.end() ? 0 : std::stoll(it->second);
    } catch (const std::exception&) {
      return 0;
    }
  }

  void check_hmac(const std::string& key, HmacCheck hmac) {
    switch (hmac) {
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

  void verify_events(const std::string& name, const std::map<int64_t, std::string>& digests) {
    std::set<int64_t> registered;
    std::string previous;
    for (const ReadEvent& r : events_) {
      const int64_t n = out_.events + 1;
      const std::string& key = r.key;
      const std::optional<Event>& event = r.event;
      ++out_.events;
      check_hmac(key, r.hmac);
      if (!event) {
        problem(key, r.error);
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
      previous = r.digest;
    }
    if (!gap_key_.empty()) problem(gap_key_, "missing: the audit chain has a gap");
    for (const auto& [n, digest] : digests)
      if (!registered.count(n))
        note(version_key(name, n),
             "has no 'registered' event (registration interrupted after the manifest)");
  }

  void check_registered(const std::string& name, const std::string& key, const Event& event,
                        const std::map<int64_t, std::string>& digests,
                        std::set<int64_t>& registered) {
    auto it_v = event.fields.find("version");
    const int64_t v = registered_version(event);
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
    ++out_.aliases;
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

  Store& store_;
  const std::optional<std::string>& audit_key_;
  ModelCheck out_;
  std::vector<ReadEvent> events_;
  std::string gap_key_;                                // the first missing event, if any
  std::set<std::pair<int64_t, std::string>> vouched_;  // (version, manifest digest)
  std::map<std::string, Move> moves_;
  std::set<std::string> move_ids_;
};

// The whole check: the marker, every blob once, every model (on a worker pool), stray entries.
// Store reads dominate (a round trip each on S3), so by default more run at once than there
// are cores.
class Verifier {
 public:
  Verifier(Store& store, const VerifyOptions& options) : store_(store), options_(options) {}

  Result<VerifyReport> run() {
    check_marker();
    const bool whole = options_.model.empty();
    MLO_ASSIGN_OR_RETURN(
        std::vector<std::string> model_keys,
        store_.list(whole ? std::string(kModelsPrefix) : model_prefix(options_.model)));
    if (whole) MLO_TRY(check_all_blobs());
    std::map<std::string, std::vector<std::string>> by_model;
    for (const auto& key : model_keys) {
      auto parts = split_model_key(key);
      if (!parts) {
        note(key, "unexpected key under models/");
        continue;
      }
      by_model[parts->name].push_back(key);
    }
    if (!whole && by_model.empty())
      return make_error(ErrorCode::kNotFound, "model '" + options_.model + "' not found");
    std::vector<const std::pair<const std::string, std::vector<std::string>>*> models;
    for (const auto& entry : by_model) models.push_back(&entry);
    std::vector<ModelCheck> checks(models.size());
    parallel_for(models.size(), workers(models.size()), [&](size_t i) {
      checks[i] = ModelVerifier(store_, audit_key_).run(models[i]->first, models[i]->second);
    });
    check_referenced_blobs(checks);
    for (size_t i = 0; i < checks.size(); ++i) add_model(checks[i]);
    if (whole) check_strays();
    return std::move(report_);
  }

 private:
  void problem(const std::string& key, const std::string& message) {
    report_.problems.push_back({key, strip_key(message, key)});
  }
  void note(const std::string& key, const std::string& message) {
    report_.notes.push_back({key, strip_key(message, key)});
  }

  size_t workers(size_t items) const {
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return worker_count(options_.threads > 0 ? options_.threads : std::max(cores, 8), items);
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

  // Heads and re-hashes each (digest, key) whose digest is not checked yet, on the pool;
  // reports nothing.
  void check_blobs(const std::vector<std::pair<std::string, std::string>>& keys) {
    std::vector<std::pair<std::string, std::string>> todo;
    std::vector<BlobCheck*> slots;
    for (const auto& [digest, key] : keys) {
      auto [it, inserted] = blobs_.try_emplace(digest);
      if (!inserted) continue;
      it->second.key = key;
      todo.emplace_back(digest, key);
      slots.push_back(&it->second);
    }
    std::mutex progress;
    parallel_for(todo.size(), workers(todo.size()), [&](size_t i) {
      const auto& [digest, key] = todo[i];
      BlobCheck& state = *slots[i];
      auto info = store_.head(key);
      if (!info.ok()) return;
      state.present = true;
      state.size = info->size;
      if (options_.on_blob) {
        std::lock_guard<std::mutex> lock(progress);
        options_.on_blob(key);
      }
      auto actual = digest_key(store_, key);
      if (!actual.ok())
        state.problem = "cannot read: " + actual.error().message;
      else if (*actual != digest)
        state.problem = "content hashes to " + *actual + ", not to its key (blob corrupted)";
      else
        state.intact = true;
    });
  }

  // The first mention of a blob puts it in the report (counted if present, its problem if any).
  const BlobCheck& report_blob(const std::string& digest) {
    BlobCheck& state = blobs_.at(digest);
    if (state.reported) return state;
    state.reported = true;
    if (!state.present) return state;
    ++report_.blobs;
    report_.blob_bytes += state.size;
    if (!state.problem.empty()) problem(state.key, state.problem);
    return state;
  }

  // Whole-store mode: every object must hash to its own key.
  Status check_all_blobs() {
    MLO_ASSIGN_OR_RETURN(std::vector<std::string> keys, store_.list(kObjectsPrefix));
    std::vector<std::pair<std::string, std::string>> todo;
    for (const auto& key : keys) {
      std::string digest = digest_of_blob_key(key);
      if (!digest.empty()) todo.emplace_back(std::move(digest), key);
    }
    check_blobs(todo);
    for (const auto& key : keys) {
      std::string digest = digest_of_blob_key(key);
      if (digest.empty())
        note(key,
             "unexpected key under objects/ (not a sha256 blob; left by an interrupted write?)");
      else
        report_blob(digest);
    }
    return {};
  }

  // Blobs the manifests name that the object listing did not hold (or, for one model, all).
  void check_referenced_blobs(const std::vector<ModelCheck>& checks) {
    std::vector<std::pair<std::string, std::string>> todo;
    for (const auto& check : checks)
      for (const auto& f : check.findings)
        if (f.kind == Finding::Kind::kArtifact) todo.emplace_back(f.digest, blob_key(f.digest));
    check_blobs(todo);
  }

  void add_model(const ModelCheck& check) {
    ++report_.models;
    report_.versions += check.versions;
    report_.events += check.events;
    report_.aliases += check.aliases;
    for (const auto& f : check.findings) {
      if (f.kind == Finding::Kind::kProblem) {
        report_.problems.push_back({f.key, f.message});
        continue;
      }
      if (f.kind == Finding::Kind::kNote) {
        report_.notes.push_back({f.key, f.message});
        continue;
      }
      const BlobCheck& blob = report_blob(f.digest);
      const std::string bkey = blob_key(f.digest);
      if (!blob.present)
        problem(f.key, "artifact '" + f.message + "' refers to missing blob " + f.digest);
      else if (blob.size != f.size)
        problem(f.key, "artifact '" + f.message + "' records size " + std::to_string(f.size) +
                           " but blob " + bkey + " has " + std::to_string(blob.size) + " bytes");
    }
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
  std::map<std::string, BlobCheck> blobs_;  // by digest
  const std::optional<std::string> audit_key_ = audit_key_from_env();
};

}  // namespace

Result<VerifyReport> verify_store(Store& store, const VerifyOptions& options) {
  if (!options.model.empty()) MLO_TRY(validate_model_name(options.model));
  Verifier verifier(store, options);
  return verifier.run();
}

}  // namespace mlo
