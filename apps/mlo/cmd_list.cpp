// mlo list [-l] [NAME]: models with version counts and aliases from one key listing (with -l
// also the latest manifest of each model), or the versions of one model.
#include <iostream>

#include "command.hpp"
#include "mlo/registry/alias.hpp"
#include "mlo/registry/listing.hpp"
#include "mlo/registry/registry.hpp"
#include "output.hpp"

namespace mlo::cli {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& item : items) s += (s.empty() ? "" : ",") + item;
  return s.empty() ? "-" : s;
}

uint64_t total_size(const ModelVersion& mv) {
  uint64_t total = 0;
  for (const auto& [key, a] : mv.artifacts) total += a.size;
  return total;
}

Result<int> list_all(const Context& ctx, Store& store, bool long_format) {
  MLO_ASSIGN_OR_RETURN(std::vector<ModelSummary> models, summarize_models(store, long_format));
  if (ctx.global.json) {
    nlohmann::json doc = {{"models", nlohmann::json::array()}};
    for (const auto& m : models) {
      nlohmann::json j = {
          {"name", m.name}, {"versions", m.versions}, {"latest", m.latest}, {"aliases", m.aliases}};
      if (long_format && m.latest_manifest) {
        j["created"] = m.latest_manifest->created;
        j["task"] = m.latest_manifest->task;
        j["status"] = m.latest_manifest->status;
      } else if (long_format) {
        j["error"] = m.latest_error;
      }
      doc["models"].push_back(j);
    }
    print_json(doc);
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& m : models) {
    std::vector<std::string> row = {m.name, std::to_string(m.versions), std::to_string(m.latest),
                                    join(m.aliases)};
    if (long_format) {
      const auto& mv = m.latest_manifest;
      row.insert(row.end(), {mv ? mv->created : "?", mv ? mv->task : "?", mv ? mv->status : "?"});
    }
    rows.push_back(std::move(row));
  }
  std::vector<std::string> header = {"NAME", "VERSIONS", "LATEST", "ALIASES"};
  if (long_format) header.insert(header.end(), {"CREATED", "TASK", "STATUS"});
  print_table(header, rows);
  return 0;
}

Result<int> list_one(const Context& ctx, Store& store, const std::string& name) {
  MLO_ASSIGN_OR_RETURN(std::vector<int64_t> numbers, list_versions(store, name));
  MLO_ASSIGN_OR_RETURN(std::vector<AliasRecord> aliases, list_aliases(store, name));
  std::map<int64_t, std::vector<std::string>> alias_of;
  for (const auto& a : aliases) alias_of[a.version].push_back(a.alias);
  nlohmann::json versions = nlohmann::json::array();
  std::vector<std::vector<std::string>> rows;
  for (int64_t n : numbers) {
    MLO_ASSIGN_OR_RETURN(VersionRecord rec, load_version_record(store, name, n));
    const ModelVersion& mv = rec.manifest;
    versions.push_back({{"version", n},
                        {"created", mv.created},
                        {"created_by", mv.created_by},
                        {"task", mv.task},
                        {"status", mv.status},
                        {"size", total_size(mv)},
                        {"aliases", alias_of[n]},
                        {"manifest_digest", rec.digest}});
    rows.push_back({std::to_string(n), mv.created, mv.created_by, mv.task, mv.status,
                    std::to_string(total_size(mv)), join(alias_of[n])});
  }
  if (ctx.global.json)
    print_json({{"name", name}, {"versions", versions}});
  else
    print_table({"VERSION", "CREATED", "BY", "TASK", "STATUS", "SIZE", "ALIASES"}, rows);
  return 0;
}

}  // namespace

void setup_list(CLI::App& app, Context& ctx) {
  auto name = std::make_shared<std::string>();
  auto long_format = std::make_shared<bool>(false);
  app.add_option("name", *name, "List the versions of this model");
  app.add_flag("-l,--long", *long_format,
               "Also read each model's latest manifest (created, task, status)");
  app.callback([&ctx, name, long_format] {
    ctx.run = [&ctx, name, long_format]() -> Result<int> {
      if (!name->empty()) MLO_TRY(validate_model_name(*name));
      MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
      auto rc = name->empty() ? list_all(ctx, *store, *long_format) : list_one(ctx, *store, *name);
      if (!rc.ok()) return make_error(rc.error().code, "list: " + rc.error().message);
      return rc;
    };
  });
}

}  // namespace mlo::cli
