// mlo promote REF --to ALIAS [--reason TEXT] [--policy FILE] [--force] [--dry-run]: moves an
// alias to a version after the promotion policy's gates pass (exit 9 naming every failed gate
// otherwise). --dry-run evaluates the gates, says what would happen and writes nothing.
// The move is a compare-and-swap: a concurrent promote that lost gets exit 5.
#include <iostream>

#include "command.hpp"
#include "lifecycle_output.hpp"
#include "mlo/model/xgboost_model.hpp"
#include "mlo/registry/lifecycle.hpp"
#include "mlo/registry/manifest_json.hpp"
#include "notify_cli.hpp"
#include "output.hpp"

namespace mlo::cli {
namespace {

struct PromoteFlags {
  std::string ref, alias, reason, policy;
  bool force = false;
  bool dry_run = false;
};

void print_result(const Context& ctx, const PromoteResult& r) {
  const std::string ref = r.name + ":" + std::to_string(r.version);
  if (ctx.global.json) {
    nlohmann::json j = {{"ref", ref},
                        {"alias", r.alias},
                        {"previous_version", r.previous_version ? nlohmann::json(r.previous_version)
                                                                : nlohmann::json(nullptr)},
                        {"policy", r.policy_source},
                        {"gates", gates_to_json(r.gates)},
                        {"refused", r.refused},
                        {"forced", r.forced},
                        {"unchanged", r.unchanged},
                        {"dry_run", r.dry_run}};
    if (!r.refused && !r.unchanged && !r.dry_run) j["event"] = event_to_json(r.event);
    print_json(j);
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& g : r.gates) rows.push_back({g.name, g.passed ? "pass" : "FAIL", g.detail});
  if (!r.refused) {
    std::cout << r.name << "@" << r.alias << " -> " << ref;
    if (r.unchanged)
      std::cout << " (already; nothing written)\n";
    else if (r.dry_run)
      std::cout << (r.forced ? " (would be forced)" : "") << " (would be; was "
                << (r.previous_version ? std::to_string(r.previous_version) : "unset")
                << "; dry run, nothing written)\n";
    else
      std::cout << (r.forced ? " (forced)" : "") << " (was "
                << (r.previous_version ? std::to_string(r.previous_version) : "unset") << "; event "
                << r.event.number << ")\n";
  }
  if (!ctx.global.quiet || r.refused) print_table({"GATE", "RESULT", "DETAIL"}, rows);
}

}  // namespace

void setup_promote(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<PromoteFlags>();
  app.add_option("ref", f->ref, "Model reference: name:N, name@alias, name or sha256:<digest>")
      ->required();
  app.add_option("--to", f->alias, "Alias to move (e.g. champion)")->required();
  app.add_option("--reason", f->reason, "Why (recorded in the event; required with --force)");
  app.add_option("--policy", f->policy,
                 "Promotion policy file (default: the store's, else built-in)");
  app.add_flag("--force", f->force, "Bypass failed gates (recorded as a forced promotion)");
  app.add_flag("--dry-run", f->dry_run,
               "Evaluate the gates and say what would happen; write nothing (exit 9 if refused)");
  app.callback([&ctx, f] {
    ctx.run = [&ctx, f]() -> Result<int> {
      PromoteRequest req{f->ref, f->alias, f->reason, f->force, std::nullopt, xgboost_version()};
      if (!f->policy.empty()) req.policy_file = f->policy;
      req.dry_run = f->dry_run;
      const std::string what = "promote " + f->ref + " to " + f->alias;
      if (f->force && f->reason.empty())
        return make_error(ErrorCode::kUsage, what + ": --force needs --reason");
      MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
      auto result = promote_version(*store, req);
      if (!result.ok()) return command_error(what, result.error());
      print_result(ctx, *result);
      if (result->refused)
        return make_error(
            ErrorCode::kRefused,
            what + ": refused by gates: " + describe_failed(result->gates) + " (nothing changed)");
      if (!result->unchanged && !result->dry_run)
        notify_event(ctx,
                     {notify::kPromoted,
                      result->name,
                      result->version,
                      "mlo: " + result->name + "@" + result->alias + " -> " + result->name + ":" +
                          std::to_string(result->version) + (result->forced ? " (forced)" : ""),
                      {{"alias", result->alias},
                       {"previous_version", result->previous_version},
                       {"forced", result->forced},
                       {"reason", f->reason}},
                      /*store=*/{}});
      return 0;
    };
  });
}

}  // namespace mlo::cli
