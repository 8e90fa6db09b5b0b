#include "mlo/registry/listing.hpp"

#include <algorithm>

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
