#include "mlo/registry/listing.hpp"

#include <map>

#include "mlo/registry/keys.hpp"
#include "mlo/registry/registry.hpp"

namespace mlo {

Result<std::vector<ModelSummary>> summarize_models(Store& store, bool read_latest) {
  MLO_ASSIGN_OR_RETURN(std::vector<std::string> keys, store.list(kModelsPrefix));
  std::map<std::string, ModelSummary> by_name;
  for (const auto& key : keys) {
    auto parts = split_model_key(key);
    if (!parts) continue;
    if (parts->kind == "versions") {
      auto n = parse_numbered_key(key, versions_prefix(parts->name));
      if (!n) continue;
      ModelSummary& s = by_name[parts->name];
      s.name = parts->name;
      ++s.versions;
      if (*n > s.latest) s.latest = *n;
    } else if (parts->kind == "aliases" && parts->leaf.size() > 5 &&
               parts->leaf.compare(parts->leaf.size() - 5, 5, ".yaml") == 0) {
      by_name[parts->name].aliases.push_back(parts->leaf.substr(0, parts->leaf.size() - 5));
    }
  }
  std::vector<ModelSummary> out;
  out.reserve(by_name.size());
  for (auto& [name, s] : by_name) {
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
  return out;
}

}  // namespace mlo
