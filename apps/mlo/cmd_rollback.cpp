// mlo rollback NAME --alias ALIAS [--reason TEXT]: moves an alias back to the version it held
// before its last move, as a new `rolled_back` event (compare-and-swap like promote).
#include <iostream>

#include "command.hpp"
#include "lifecycle_output.hpp"
#include "mlo/registry/lifecycle.hpp"
#include "mlo/registry/manifest_json.hpp"
#include "notify_cli.hpp"
#include "output.hpp"

namespace mlo::cli {

void setup_rollback(CLI::App& app, Context& ctx) {
  struct Flags {
    std::string name, alias, reason;
  };
  auto f = std::make_shared<Flags>();
  app.add_option("name", f->name, "Model name")->required();
  app.add_option("--alias", f->alias, "Alias to move back (e.g. champion)")->required();
  app.add_option("--reason", f->reason, "Why (recorded in the event)");
  app.callback([&ctx, f] {
    ctx.run = [&ctx, f]() -> Result<int> {
      MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
      auto r = rollback_alias(*store, f->name, f->alias, f->reason);
      if (!r.ok()) return command_error("rollback " + f->name + "@" + f->alias, r.error());
      if (ctx.global.json) {
        print_json({{"name", r->name},
                    {"alias", r->alias},
                    {"from_version", r->from_version},
                    {"to_version", r->to_version},
                    {"event", event_to_json(r->event)}});
      } else {
        std::cout << r->name << "@" << r->alias << " -> " << r->name << ":" << r->to_version
                  << " (was " << r->from_version << "; event " << r->event.number << ")\n";
      }
      notify_event(
          ctx,
          {notify::kRolledBack,
           r->name,
           r->to_version,
           "mlo: rolled back " + r->name + "@" + r->alias + " to " + r->name + ":" +
               std::to_string(r->to_version) + " (was " + std::to_string(r->from_version) + ")",
           {{"alias", r->alias}, {"from_version", r->from_version}, {"reason", f->reason}},
           /*store=*/{}});
      return 0;
    };
  });
}

}  // namespace mlo::cli
