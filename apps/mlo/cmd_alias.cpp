// mlo alias NAME: a model's aliases with the version each points at, who moved it, when and why.
#include "command.hpp"
#include "lifecycle_output.hpp"
#include "mlo/registry/alias.hpp"
#include "mlo/registry/manifest_json.hpp"
#include "mlo/registry/registry.hpp"
#include "output.hpp"

namespace mlo::cli {

void setup_alias(CLI::App& app, Context& ctx) {
  auto name = std::make_shared<std::string>();
  app.add_option("name", *name, "Model name")->required();
  app.callback([&ctx, name] {
    ctx.run = [&ctx, name]() -> Result<int> {
      MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
      auto versions = list_versions(*store, *name);
      if (!versions.ok()) return command_error("alias " + *name, versions.error());
      auto aliases = list_aliases(*store, *name);
      if (!aliases.ok()) return command_error("alias " + *name, aliases.error());
      if (ctx.global.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& a : *aliases) list.push_back(alias_to_json(a));
        print_json({{"name", *name}, {"aliases", list}});
        return 0;
      }
      std::vector<std::vector<std::string>> rows;
      for (const auto& a : *aliases)
        rows.push_back({a.alias, std::to_string(a.version),
                        a.previous_version ? std::to_string(a.previous_version) : "-",
                        a.type.empty() ? "-" : a.type, a.actor.empty() ? "-" : a.actor,
                        a.time.empty() ? "-" : a.time, a.reason.empty() ? "-" : a.reason});
      print_table({"ALIAS", "VERSION", "PREVIOUS", "MOVE", "BY", "TIME", "REASON"}, rows);
      return 0;
    };
  });
}

}  // namespace mlo::cli
