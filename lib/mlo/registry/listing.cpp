#include "mlo/registry/listing.hpp"

#include <algorithm>

#include "mlo/registry/alias.hpp"
#include "mlo/registry/keys.hpp"
#include "mlo/registry/registry.hpp"

namespace mlo {
namespace {

// Version count, latest and aliases of one model, from two listings (never events/).
Result<ModelSummary> summarize_one(Store& store, const std::string& name) {
  ModelSummary s;
  s.name = name;
  const std::string versions = versions_prefix(name);
  MLO_ASSIGN_OR_RETURN(std::vector<std::string> version_keys, store.list(versions));
  for (const auto& key : version_keys) {
    auto n = parse_numbered_key(key, versions);
    if (!n) continue;
    ++s.versions;
    s.latest = std::max(s.latest, *n);
  }
  if (s.versions == 0) return s;
  const std::string aliases = aliases_prefix(name);
  MLO_ASSIGN_OR_RETURN(std::vector<std::string> alias_keys, store.list(aliases));
  for (const auto& key : alias_keys) {
    std::string_view leaf = std::string_view(key).substr(aliases.size());
    if (leaf.size() > 5 && leaf.substr(leaf.size() - 5) == ".yaml")
      s.aliases.emplace_back(leaf.substr(0, leaf.size() - 5));
  }
  return s;
}

}  // namespace

Result<std::vector<ModelSummary>> summarize_models(Store& store, bool read_latest) {
  MLO_ASSIGN_OR_RETURN(std::vector<std::string> children, store.list_children(kModelsPrefix));
  std::vector<ModelSummary> out;
  out.reserve(children.size());
  for (const auto& child : children) {
    if (child.size() < 2 || child.back() != '/') continue;  // a stray key directly in models/
    std::string name = child.substr(0, child.size() - 1);
    if (!validate_key(model_prefix(name) + "versions").ok()) continue;  // holds no keys
    MLO_ASSIGN_OR_RETURN(ModelSummary s, summarize_one(store, name));
    if (s.versions == 0) continue;  // aliases without versions: not a model (verify reports it)
    if (read_latest) {
      auto rec = load_version_record(store, name, s.latest);
      if (rec.ok())
        s.latest_manifest = std::move(rec->manifest);
      else
        s.latest_error = rec.error().message;
    }
    out.push_back(std::move(s));
  }
  // list_children orders "a-b/" before "a/" (full-key order); users expect name order.
  std::sort(out.begin(), out.end(),
            [](const ModelSummary& a, const ModelSummary& b) { return a.name < b.name; });
  return out;
}

}  // namespace mlo

namespace mlo {
namespace {

bool matches(const VersionRow& row, const VersionQuery& q) {
  if (!q.status.empty() && row.state.status != q.status) return false;
  if (!q.alias.empty() &&
      std::find(row.aliases.begin(), row.aliases.end(), q.alias) == row.aliases.end())
    return false;
  for (const auto& [k, v] : q.labels) {
    auto it = row.state.labels.find(k);
    if (it == row.state.labels.end() || it->second != v) return false;
  }
  return true;
}

Status query_model(Store& store, const std::string& name, const VersionQuery& q,
                   std::vector<VersionRow>& out) {
  MLO_ASSIGN_OR_RETURN(std::vector<int64_t> numbers, list_versions(store, name));
  MLO_ASSIGN_OR_RETURN(std::vector<Event> events, read_events(store, name));
  MLO_ASSIGN_OR_RETURN(std::vector<AliasRecord> aliases, list_aliases(store, name));
  for (int64_t n : numbers) {
    MLO_ASSIGN_OR_RETURN(VersionRecord rec, load_version_record(store, name, n));
    VersionRow row;
    row.state = derive_state(rec.manifest, events);
    for (const auto& a : aliases)
      if (a.version == n) row.aliases.push_back(a.alias);
    row.manifest = std::move(rec.manifest);
    row.digest = std::move(rec.digest);
    if (matches(row, q)) out.push_back(std::move(row));
  }
  return {};
}

}  // namespace

Result<std::vector<VersionRow>> query_versions(Store& store, const VersionQuery& q) {
  if (!q.status.empty() && q.status != "candidate" && q.status != "approved" &&
      q.status != "rejected" && q.status != "archived")
    return make_error(ErrorCode::kUsage,
                      "status '" + q.status + "': expected candidate, approved, rejected or archived");
  if (!q.alias.empty()) MLO_TRY(validate_alias_name(q.alias));
  std::vector<std::string> names;
  if (!q.name.empty()) {
    MLO_TRY(validate_model_name(q.name));
    names.push_back(q.name);
  } else {
    MLO_ASSIGN_OR_RETURN(std::vector<ModelSummary> models, summarize_models(store, false));
    for (auto& m : models) names.push_back(std::move(m.name));
  }
  std::vector<VersionRow> out;
  for (const auto& name : names) MLO_TRY(query_model(store, name, q, out));
  if (!q.sort_metric.empty()) {
    // Highest first; versions without the metric last, in name/version order.
    std::stable_sort(out.begin(), out.end(), [&](const VersionRow& a, const VersionRow& b) {
      auto ia = a.manifest.metrics.find(q.sort_metric);
      auto ib = b.manifest.metrics.find(q.sort_metric);
      const bool ha = ia != a.manifest.metrics.end(), hb = ib != b.manifest.metrics.end();
      if (ha != hb) return ha;
      return ha && ia->second > ib->second;
    });
  }
  return out;
}

}  // namespace mlo
