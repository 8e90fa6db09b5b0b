// mlo list [-l] [NAME] [--label k=v] [--status S] [--alias A] [--sort METRIC]: models with
// version counts and aliases from one key listing (with -l also the latest manifest of each
// model), or versions (of one model, or of all when filtering) with their effective status and
// labels from the audit chain.
#include <iostream>

#include <fmt/format.h>

#include "command.hpp"
#include "mlo/core/text.hpp"
#include "mlo/registry/alias.hpp"
#include "mlo/registry/listing.hpp"
#include "mlo/registry/registry.hpp"
#include "output.hpp"

namespace mlo::cli {
namespace {

// The aliases column: "champion,staging", or "-" for none.
std::string aliases_cell(const std::vector<std::string>& aliases) {
  return aliases.empty() ? "-" : join(aliases, ",");
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
                                    aliases_cell(m.aliases)};
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

std::string labels_text(const std::map<std::string, std::string>& labels) {
  std::string s;
  for (const auto& [k, v] : labels) s += (s.empty() ? "" : ",") + k + "=" + v;
  return s.empty() ? "-" : s;
}

std::string metric_text(const ModelVersion& mv, const std::string& metric) {
  auto it = mv.metrics.find(metric);
  return it == mv.metrics.end() ? "-" : fmt::format("{:.6g}", it->second);
}

// Versions of one model, or of every model when filters are given without a name.
Result<int> list_versions_table(const Context& ctx, Store& store, const VersionQuery& q) {
  MLO_ASSIGN_OR_RETURN(std::vector<VersionRow> rows, query_versions(store, q));
  nlohmann::json versions = nlohmann::json::array();
  std::vector<std::vector<std::string>> table;
  for (const auto& r : rows) {
    const ModelVersion& mv = r.manifest;
    versions.push_back({{"name", mv.name},
                        {"version", mv.version},
                        {"created", mv.created},
                        {"created_by", mv.created_by},
                        {"task", mv.task},
                        {"status", r.state.status},
                        {"approvers", r.state.approvers},
                        {"labels", r.state.labels},
                        {"description", r.state.description},
                        {"metrics", mv.metrics},
                        {"size", total_size(mv)},
                        {"aliases", r.aliases},
                        {"manifest_digest", r.digest}});
    std::vector<std::string> row = {std::to_string(mv.version),
                                    mv.created,
                                    mv.created_by,
                                    mv.task,
                                    r.state.status,
                                    std::to_string(total_size(mv)),
                                    aliases_cell(r.aliases),
                                    labels_text(r.state.labels)};
    if (q.name.empty()) row.insert(row.begin(), mv.name);
    if (!q.sort_metric.empty()) row.push_back(metric_text(mv, q.sort_metric));
    table.push_back(std::move(row));
  }
  if (ctx.global.json) {
    nlohmann::json doc = {{"versions", versions}};
    if (!q.name.empty()) doc["name"] = q.name;
    print_json(doc);
    return 0;
  }
  std::vector<std::string> header = {"VERSION", "CREATED", "BY",      "TASK",
                                     "STATUS",  "SIZE",    "ALIASES", "LABELS"};
  if (q.name.empty()) header.insert(header.begin(), "NAME");
  if (!q.sort_metric.empty()) header.push_back(q.sort_metric);
  print_table(header, table);
  return 0;
}

struct ListFlags {
  std::string name;
  bool long_format = false;
  std::vector<std::string> labels;
  std::string status, alias, sort;
};

Result<VersionQuery> to_query(const ListFlags& f) {
  VersionQuery q{f.name, {}, f.status, f.alias, f.sort};
  MLO_ASSIGN_OR_RETURN(q.labels, parse_key_values(f.labels, "--label"));
  return q;
}

}  // namespace

void setup_list(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<ListFlags>();
  app.add_option("name", f->name, "List the versions of this model");
  app.add_flag("-l,--long", f->long_format,
               "Also read each model's latest manifest (created, task, status)");
  app.add_option("--label", f->labels, "Only versions with this label KEY=VALUE (repeatable)");
  app.add_option("--status", f->status, "Only versions with this status");
  app.add_option("--alias", f->alias, "Only the version holding this alias");
  app.add_option("--sort", f->sort, "Sort versions by this metric, highest first");
  app.callback([&ctx, f] {
    ctx.run = [&ctx, f]() -> Result<int> {
      if (!f->name.empty()) MLO_TRY(validate_model_name(f->name));
      auto query = to_query(*f);
      if (!query.ok()) return make_error(query.error().code, "list: " + query.error().message);
      MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
      const bool filtered =
          !f->labels.empty() || !f->status.empty() || !f->alias.empty() || !f->sort.empty();
      auto rc = f->name.empty() && !filtered ? list_all(ctx, *store, f->long_format)
                                             : list_versions_table(ctx, *store, *query);
      if (!rc.ok()) return make_error(rc.error().code, "list: " + rc.error().message);
      return rc;
    };
  });
}

}  // namespace mlo::cli
