// mlo config: the effective settings and where each came from (default, a .mlo.yaml, the
// environment or a flag), resolved exactly as every other command resolves them.
#include <iostream>

#include "command.hpp"
#include "mlo/core/config.hpp"
#include "output.hpp"

namespace mlo::cli {

namespace {

struct Row {
  const char* name;
  std::string value;
  std::string source;
};

Result<int> run_config(const Context& ctx) {
  MLO_ASSIGN_OR_RETURN(Settings s, resolve_settings(ctx.global.store, ctx.global.notify));
  const std::vector<Row> rows = {{"store", s.store, s.store_source},
                                 {"notify", s.notify, s.notify_source}};
  if (ctx.global.json) {
    nlohmann::json settings = nlohmann::json::object();
    for (const auto& r : rows) settings[r.name] = {{"value", r.value}, {"source", r.source}};
    print_json({{"settings", settings}});
    return 0;
  }
  std::vector<std::vector<std::string>> table;
  for (const auto& r : rows) table.push_back({r.name, r.value.empty() ? "-" : r.value, r.source});
  print_table({"SETTING", "VALUE", "SOURCE"}, table);
  return 0;
}

}  // namespace

void setup_config(CLI::App& app, Context& ctx) {
  app.callback([&ctx] { ctx.run = [&ctx] { return run_config(ctx); }; });
}

}  // namespace mlo::cli
