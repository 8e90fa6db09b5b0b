// mlo show REF: a version's manifest (trusted: its digest is checked against the registered
// event or alias record), its effective status from the audit chain, the aliases pointing at
// it and its artifact sizes. --importance: the global feature importance (mean |SHAP| on the
// eval data) instead.
#include <cstdio>
#include <iostream>

#include "command.hpp"
#include "mlo/core/text.hpp"
#include "mlo/monitor/importance.hpp"
#include "mlo/registry/alias.hpp"
#include "mlo/registry/manifest_json.hpp"
#include "mlo/registry/registry.hpp"
#include "mlo/registry/state.hpp"
#include "output.hpp"

namespace mlo::cli {
namespace {

Result<int> show_importance(const Context& ctx, Store& store, const std::string& ref) {
  MLO_ASSIGN_OR_RETURN(ModelVersion mv, resolve_ref(store, ref));
  MLO_ASSIGN_OR_RETURN(auto list, monitor::feature_importance(store, mv));
  nlohmann::json j = nlohmann::json::array();
  std::vector<std::vector<std::string>> rows;
  for (const auto& f : list) {
    j.push_back({{"feature", f.feature}, {"mean_abs_shap", f.mean_abs_shap}, {"share", f.share}});
    char v[32], s[32];
    std::snprintf(v, sizeof v, "%.6g", f.mean_abs_shap);
    std::snprintf(s, sizeof s, "%.1f%%", f.share * 100);
    rows.push_back({f.feature, v, s});
  }
  if (ctx.global.json)
    print_json({{"ref", mv.name + ":" + std::to_string(mv.version)}, {"importance", j}});
  else
    print_table({"FEATURE", "MEAN |SHAP|", "SHARE"}, rows);
  return 0;
}

Result<int> show(const Context& ctx, Store& store, const std::string& ref) {
  MLO_ASSIGN_OR_RETURN(VersionRecord rec, resolve_version(store, ref));
  const ModelVersion& mv = rec.manifest;
  MLO_ASSIGN_OR_RETURN(std::vector<AliasRecord> all_aliases, list_aliases(store, mv.name));
  MLO_ASSIGN_OR_RETURN(std::vector<Event> events, read_events(store, mv.name));
  const VersionState state = derive_state(mv, events);
  std::vector<std::string> aliases;
  for (const auto& a : all_aliases)
    if (a.version == mv.version) aliases.push_back(a.alias);
  uint64_t total = 0;
  for (const auto& [key, a] : mv.artifacts) total += a.size;
  const std::string full_ref = mv.name + ":" + std::to_string(mv.version);
  if (ctx.global.json) {
    print_json({{"ref", full_ref},
                {"key", rec.key},
                {"manifest_digest", rec.digest},
                {"aliases", aliases},
                {"total_size", total},
                {"status", state.status},
                {"approvers", state.approvers},
                {"labels", state.labels},
                {"description", state.description},
                {"manifest", manifest_to_json(mv)}});
    return 0;
  }
  std::string alias_text;
  for (const auto& a : aliases) alias_text += (alias_text.empty() ? "" : ", ") + mv.name + "@" + a;
  std::cout << "ref:      " << full_ref << "\n"
            << "manifest: " << rec.digest << "\n"
            << "aliases:  " << (alias_text.empty() ? "-" : alias_text) << "\n"
            << "status:   " << state.status
            << (state.approvers.empty() ? "" : " (approved by " + join(state.approvers, ", ") + ")")
            << "\n";
  if (!state.description.empty()) std::cout << "about:    " << state.description << "\n";
  std::cout << "size:     " << total << " bytes in " << mv.artifacts.size() << " artifacts\n\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& [key, a] : mv.artifacts)
    rows.push_back({key, std::to_string(a.size), a.media_type, a.digest});
  print_table({"ARTIFACT", "SIZE", "MEDIA TYPE", "DIGEST"}, rows);
  std::cout << "\n" << mv.to_yaml();
  return 0;
}

}  // namespace

void setup_show(CLI::App& app, Context& ctx) {
  auto ref = std::make_shared<std::string>();
  auto importance = std::make_shared<bool>(false);
  app.add_option("ref", *ref,
                 "Model reference: name, name:N, name@alias or sha256:<manifest digest>")
      ->required();
  app.add_flag("--importance", *importance,
               "Global feature importance (mean |SHAP| on the eval data, stored at train time)");
  app.callback([&ctx, ref, importance] {
    ctx.run = [&ctx, ref, importance]() -> Result<int> {
      MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
      auto rc = *importance ? show_importance(ctx, *store, *ref) : show(ctx, *store, *ref);
      if (!rc.ok()) return make_error(rc.error().code, "show " + *ref + ": " + rc.error().message);
      return rc;
    };
  });
}

}  // namespace mlo::cli
