#include "mlo/transfer/closure.hpp"

#include <map>
#include <set>

#include "mlo/core/digest.hpp"
#include "mlo/registry/events.hpp"
#include "mlo/registry/keys.hpp"
#include "mlo/registry/manifest.hpp"

namespace mlo {
namespace {

bool is_move(const Event& e) {
  return e.type == "promoted" || e.type == "forced" || e.type == "rolled_back";
}

std::optional<int64_t> field_int(const Event& e, const std::string& field) {
  auto it = e.fields.find(field);
  if (it == e.fields.end()) return std::nullopt;
  try {
    size_t used = 0;
    int64_t v = std::stoll(it->second, &used);
    if (used != it->second.size()) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Reads the chain 1..E in key order and checks numbers and links, so a closure never carries a
// broken history to another store.
Status read_chain(Store& store, const std::string& name, ModelClosure& c) {
  MLO_ASSIGN_OR_RETURN(std::vector<std::string> keys, store.list(events_prefix(name)));
  std::map<int64_t, std::string> numbered;
  for (const auto& key : keys)
    if (auto n = parse_numbered_key(key, events_prefix(name))) numbered.emplace(*n, key);
  std::string previous;
  int64_t expect = 1;
  for (const auto& [n, key] : numbered) {
    if (n != expect)
      return make_error(ErrorCode::kIntegrity, "store " + store.url() + ": " +
                                                   event_key(name, expect) +
                                                   " is missing: the audit chain has a gap");
    MLO_ASSIGN_OR_RETURN(std::string bytes, store.get(key));
    MLO_ASSIGN_OR_RETURN(Event e, event_from_yaml(bytes, key, name));
    if (e.number != n || e.previous != previous)
      return make_error(ErrorCode::kIntegrity, "store " + store.url() + ": " + key +
                                                   ": audit chain broken (number or previous "
                                                   "digest does not match)");
    previous = digest_bytes(bytes);
    c.events.push_back({key, std::move(bytes)});
    c.parsed_events.push_back(std::move(e));
    ++expect;
  }
  return {};
}

Status read_manifest(Store& store, const std::string& name, int64_t n, ModelClosure& c,
                     std::set<std::string>& seen) {
  const std::string key = version_key(name, n);
  MLO_ASSIGN_OR_RETURN(std::string bytes, store.get(key));
  MLO_ASSIGN_OR_RETURN(ModelVersion mv, ModelVersion::from_yaml(bytes, key));
  if (mv.name != name || mv.version != n)
    return make_error(ErrorCode::kIntegrity, "store " + store.url() + ": " + key +
                                                 ": manifest says " + mv.name + ":" +
                                                 std::to_string(mv.version));
  for (const auto& [artifact, a] : mv.artifacts)
    if (seen.insert(a.digest).second) c.blobs.push_back({a.digest, a.size});
  c.manifests.push_back({key, std::move(bytes)});
  return {};
}

// Every `registered` event in the closure names a manifest it holds, with the digest of its
// bytes (what reads through the version trust), so a copy never lands a history that verify
// would fault.
Status check_registrations(Store& store, const ModelClosure& c,
                           const std::map<int64_t, std::string>& digests) {
  for (size_t i = 0; i < c.parsed_events.size(); ++i) {
    const Event& e = c.parsed_events[i];
    if (e.type != "registered") continue;
    auto v = field_int(e, "version");
    auto it = v ? digests.find(*v) : digests.end();
    if (it == digests.end())
      return make_error(ErrorCode::kIntegrity, "store " + store.url() + ": " + c.events[i].key +
                                                   " registers a version that does not exist");
    auto recorded = e.fields.find("manifest");
    if (recorded != e.fields.end() && recorded->second != it->second)
      return make_error(ErrorCode::kIntegrity,
                        "store " + store.url() + ": " + version_key(c.name, *v) + " hashes to " +
                            it->second + " but " + c.events[i].key + " recorded " +
                            recorded->second + " (manifest modified after registration)");
  }
  return {};
}

}  // namespace

uint64_t ModelClosure::blob_bytes() const {
  uint64_t total = 0;
  for (const auto& b : blobs) total += b.size;
  return total;
}

std::optional<int64_t> alias_move_position(const std::vector<Event>& chain,
                                           const AliasRecord& record) {
  for (const auto& e : chain) {
    if (!is_move(e)) continue;
    auto alias = e.fields.find("alias");
    if (alias == e.fields.end() || alias->second != record.alias) continue;
    auto id = e.fields.find("id");
    if (!record.id.empty() && id != e.fields.end() && id->second == record.id) return e.number;
    if (record.id.empty() && record.event == e.number) return e.number;
  }
  if (!record.id.empty()) return kPendingMove;
  return std::nullopt;
}

Result<ModelClosure> model_closure(Store& store, const std::string& name,
                                   std::optional<int64_t> version) {
  MLO_TRY(validate_model_name(name));
  ModelClosure c;
  c.name = name;
  MLO_ASSIGN_OR_RETURN(std::vector<int64_t> versions, version_numbers(store, name));
  if (versions.empty())
    return make_error(ErrorCode::kNotFound,
                      "store " + store.url() + ": model '" + name + "' not found");
  MLO_TRY(read_chain(store, name, c));

  std::set<int64_t> wanted(versions.begin(), versions.end());
  if (version) {
    if (!wanted.count(*version))
      return make_error(ErrorCode::kNotFound, "store " + store.url() + ": version " + name + ":" +
                                                  std::to_string(*version) + " not found");
    // Cut the chain after the event that registered `version`.
    size_t end = 0;
    for (; end < c.parsed_events.size(); ++end) {
      const Event& e = c.parsed_events[end];
      if (e.type == "registered" && field_int(e, "version") == *version) break;
    }
    if (end == c.parsed_events.size())
      return make_error(ErrorCode::kIntegrity, "store " + store.url() + ": " + name + ":" +
                                                   std::to_string(*version) +
                                                   " has no 'registered' event");
    c.events.resize(end + 1);
    c.parsed_events.resize(end + 1);
    wanted.clear();
    for (const auto& e : c.parsed_events)
      if (e.type == "registered")
        if (auto v = field_int(e, "version")) wanted.insert(*v);
  }
  std::set<std::string> seen;
  for (int64_t n : versions)
    if (wanted.count(n)) MLO_TRY(read_manifest(store, name, n, c, seen));
  std::map<int64_t, std::string> digests;  // version -> digest of its manifest bytes
  for (const auto& m : c.manifests)
    digests[*parse_numbered_key(m.key, versions_prefix(name))] = digest_bytes(m.bytes);
  MLO_TRY(check_registrations(store, c, digests));

  MLO_ASSIGN_OR_RETURN(std::vector<std::string> alias_keys, store.list(aliases_prefix(name)));
  for (const auto& key : alias_keys) {
    std::string leaf = key.substr(aliases_prefix(name).size());
    if (leaf.size() <= 5 || leaf.compare(leaf.size() - 5, 5, ".yaml") != 0) continue;
    MLO_ASSIGN_OR_RETURN(std::string bytes, store.get(key));
    MLO_ASSIGN_OR_RETURN(AliasRecord rec,
                         AliasRecord::from_yaml(bytes, key, leaf.substr(0, leaf.size() - 5)));
    if (version) {
      // Only aliases whose move is part of the cut history (and so name a version in it).
      auto pos = alias_move_position(c.parsed_events, rec);
      if (!pos || *pos == kPendingMove || !wanted.count(rec.version)) continue;
    }
    // Never carry an alias to a version the copy would not hold, or to other manifest bytes.
    auto target = digests.find(rec.version);
    if (target == digests.end() || (!rec.manifest.empty() && rec.manifest != target->second))
      return make_error(ErrorCode::kIntegrity,
                        "store " + store.url() + ": " + key + " points at version " +
                            std::to_string(rec.version) +
                            (target == digests.end() ? ", which does not exist"
                                                     : ", whose manifest has other bytes"));
    c.aliases.push_back({key, std::move(bytes)});
  }
  return c;
}

}  // namespace mlo
