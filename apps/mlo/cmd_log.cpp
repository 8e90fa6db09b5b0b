// mlo log NAME: a model's audit events, oldest first.
#include <iostream>

#include "command.hpp"
#include "mlo/registry/manifest_json.hpp"
#include "mlo/registry/registry.hpp"
#include "output.hpp"

namespace mlo::cli {
namespace {

Result<int> show_log(const Context& ctx, Store& store, const std::string& name) {
  MLO_TRY(validate_model_name(name));
  MLO_ASSIGN_OR_RETURN(std::vector<Event> events, read_events(store, name));
  if (events.empty()) MLO_TRY(list_versions(store, name));  // kNotFound for an unknown model
  if (ctx.global.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : events) list.push_back(event_to_json(e));
    print_json({{"name", name}, {"events", list}});
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : events) {
    std::string details;
    for (const auto& [k, v] : e.fields) details += (details.empty() ? "" : " ") + k + "=" + v;
    rows.push_back({std::to_string(e.number), e.time, e.actor, e.type, details});
  }
  print_table({"EVENT", "TIME", "ACTOR", "TYPE", "DETAILS"}, rows);
  return 0;
}

}  // namespace

void setup_log(CLI::App& app, Context& ctx) {
  auto name = std::make_shared<std::string>();
  app.add_option("name", *name, "Model name")->required();
  app.callback([&ctx, name] {
    ctx.run = [&ctx, name]() -> Result<int> {
      MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
      auto rc = show_log(ctx, *store, *name);
      if (!rc.ok()) return make_error(rc.error().code, "log " + *name + ": " + rc.error().message);
      return rc;
    };
  });
}

}  // namespace mlo::cli
