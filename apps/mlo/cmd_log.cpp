// mlo log NAME: a model's audit events, oldest first (who, what, when, why); with --runs, its drift and score run
// records instead (a feature's drift over time with --feature).
#include <iostream>

#include <fmt/format.h>

#include "command.hpp"
#include "mlo/registry/manifest_json.hpp"
#include "mlo/registry/registry.hpp"
#include "mlo/registry/run_log.hpp"
#include "output.hpp"

namespace mlo::cli {
namespace {

struct LogOptions {
  std::string name;
  bool runs = false;
  std::string kind;
  std::string feature;
  std::string since;
  size_t limit = 0;
};

std::string field(const Event& e, const std::string& key) {
  auto it = e.fields.find(key);
  return it == e.fields.end() ? std::string() : it->second;
}

// What changed, in words: "version 2", "champion 1 -> 2", "version 3 team=ops".
std::string event_what(const Event& e) {
  const std::string version = field(e, "version");
  if (!field(e, "alias").empty())
    return field(e, "alias") + " " + field(e, "from") + " -> " + version;
  std::string what = "version " + version;
  for (const auto& [k, v] : e.fields)
    if (k.rfind("label.", 0) == 0) what += " " + k.substr(6) + "=" + v;
  if (field(e, "repaired") == "true") what += " (repaired)";
  return what;
}

std::string event_why(const Event& e) {
  for (const char* key : {"reason", "comment", "description"})
    if (!field(e, key).empty()) return field(e, key);
  return "-";
}

Result<int> show_events(const Context& ctx, Store& store, const std::string& name) {
  MLO_ASSIGN_OR_RETURN(std::vector<Event> events, read_events(store, name));
  if (events.empty()) MLO_TRY(list_versions(store, name));  // kNotFound for an unknown model
  if (ctx.global.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : events) list.push_back(event_to_json(e));
    print_json({{"name", name}, {"events", list}});
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : events) rows.push_back({std::to_string(e.number), e.time, e.actor, e.type,
                                               event_what(e), event_why(e)});
  print_table({"EVENT", "TIME", "WHO", "TYPE", "WHAT", "WHY"}, rows);
  return 0;
}

nlohmann::json run_to_json(const RunSummary& r) {
  nlohmann::json j = {{"run", r.run_id},      {"key", r.key},
                      {"kind", r.kind},       {"time", r.time},
                      {"actor", r.actor},     {"model", r.model},
                      {"version", r.version}, {"inputs", nlohmann::json::array()}};
  for (const auto& in : r.inputs) j["inputs"].push_back({{"path", in.path}, {"digest", in.digest}});
  if (r.kind == "drift") {
    j["verdict"] = {{"drift", r.drift},
                    {"data_quality_failed", r.quality_failed},
                    {"performance_degraded", r.performance_degraded},
                    {"exit_code", r.exit_code}};
    j["features"] = nlohmann::json::object();
    for (const auto& f : r.features)
      j["features"][f.name] = {{"method", f.method}, {"value", f.value}, {"drifted", f.drifted}};
    j["metrics"] = nlohmann::json::object();
    for (const auto& [k, v] : r.metrics) j["metrics"][k] = v;
  } else if (r.kind == "score") {
    j["rows"] = {{"in", r.rows_in}, {"out", r.rows_out}, {"skipped", r.rows_skipped}};
  }
  return j;
}

std::string verdict_text(const RunSummary& r) {
  std::string out;
  auto add = [&out](bool on, const char* word) {
    if (on) out += (out.empty() ? "" : ",") + std::string(word);
  };
  add(r.drift, "drift");
  add(r.quality_failed, "quality");
  add(r.performance_degraded, "performance");
  return out.empty() ? (r.exit_code == 0 ? "ok" : "exit " + std::to_string(r.exit_code)) : out;
}

std::string drifted_text(const RunSummary& r) {
  std::string out;
  for (const auto& f : r.features)
    if (f.drifted) out += (out.empty() ? "" : ",") + f.name;
  return out.empty() ? "-" : out;
}

std::string rows_text(const RunSummary& r) {
  return std::to_string(r.rows_in) + "/" + std::to_string(r.rows_out);
}

void print_runs_table(const LogOptions& o, const std::vector<RunSummary>& runs) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : runs) {
    std::vector<std::string> row = {r.time, r.run_id};
    if (o.kind.empty() && o.feature.empty()) row.push_back(r.kind);
    row.push_back(std::to_string(r.version));
    if (!o.feature.empty()) {
      const RunFeature& f = r.features.front();  // read_run_log keeps only runs that have it
      row.insert(row.end(), {f.method, fmt::format("{:.4f}", f.value), f.drifted ? "yes" : "no"});
    } else if (r.kind == "drift" && !o.kind.empty()) {
      row.insert(row.end(), {verdict_text(r), drifted_text(r)});
    } else if (r.kind == "drift") {
      const std::string drifted = drifted_text(r);
      row.push_back(verdict_text(r) + (drifted == "-" ? "" : " (" + drifted + ")"));
    } else if (r.kind == "score") {
      row.push_back((o.kind.empty() ? "rows " : "") + rows_text(r));
    } else {
      row.push_back("-");
    }
    rows.push_back(std::move(row));
  }
  if (!o.feature.empty())
    print_table({"TIME", "RUN", "VERSION", "METHOD", "VALUE", "DRIFTED"}, rows);
  else if (o.kind == "drift")
    print_table({"TIME", "RUN", "VERSION", "VERDICT", "DRIFTED"}, rows);
  else if (o.kind == "score")
    print_table({"TIME", "RUN", "VERSION", "ROWS(IN/OUT)"}, rows);
  else
    print_table({"TIME", "RUN", "KIND", "VERSION", "RESULT"}, rows);
}

Result<int> show_runs(const Context& ctx, Store& store, const LogOptions& o) {
  MLO_ASSIGN_OR_RETURN(RunLog log,
                       read_run_log(store, {o.name, o.kind, o.feature, o.since, o.limit}));
  MLO_TRY(list_versions(store, o.name));  // kNotFound for an unknown model
  // Talk, not data: always on stderr, even with -q, since these records were left out.
  for (const auto& p : log.problems) std::cerr << "warning: skipped run record " << p << '\n';
  if (ctx.global.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : log.runs) list.push_back(run_to_json(r));
    print_json(list);
    return 0;
  }
  print_runs_table(o, log.runs);
  if (log.runs.empty()) info("log: no matching runs for " + o.name);
  return 0;
}

Result<int> show_log(const Context& ctx, Store& store, const LogOptions& o) {
  MLO_TRY(validate_model_name(o.name));
  if (o.runs) return show_runs(ctx, store, o);
  if (!o.kind.empty() || !o.feature.empty() || !o.since.empty() || o.limit > 0)
    return make_error(ErrorCode::kUsage, "--kind, --feature, --since and --limit need --runs");
  return show_events(ctx, store, o.name);
}

}  // namespace

void setup_log(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<LogOptions>();
  app.add_option("name", o->name, "Model name")->required();
  app.add_flag("--runs", o->runs, "List the model's run records instead of its audit events");
  app.add_option("--kind", o->kind, "Only runs of this kind: drift or score");
  app.add_option("--feature", o->feature, "One feature's drift per run (drift runs only)");
  app.add_option("--since", o->since, "Only runs on or after this UTC day (YYYY-MM-DD)");
  app.add_option("--limit", o->limit, "Only the newest N runs (still listed oldest first)")
      ->check(CLI::Range(size_t{1}, size_t{1} << 40));
  app.callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> Result<int> {
      MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
      auto rc = show_log(ctx, *store, *o);
      if (!rc.ok())
        return make_error(rc.error().code, "log " + o->name + ": " + rc.error().message);
      return rc;
    };
  });
}

}  // namespace mlo::cli
