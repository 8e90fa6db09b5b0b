// mlo verify [NAME]: re-hash blobs, check references and audit chains. Problems are listed on
// stdout (one per line, naming the key) and the command exits 6; notes do not fail it.
#include <iostream>

#include <fmt/format.h>

#include "command.hpp"
#include "mlo/registry/verify.hpp"
#include "output.hpp"

namespace mlo::cli {
namespace {

nlohmann::json issues_json(const std::vector<VerifyIssue>& issues) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& i : issues) list.push_back({{"key", i.key}, {"message", i.message}});
  return list;
}

void print_report(const Context& ctx, const VerifyReport& r) {
  if (ctx.global.json) {
    print_json({{"ok", r.ok()},
                {"problems", issues_json(r.problems)},
                {"notes", issues_json(r.notes)},
                {"counts",
                 {{"models", r.models},
                  {"versions", r.versions},
                  {"events", r.events},
                  {"aliases", r.aliases},
                  {"blobs", r.blobs},
                  {"blob_bytes", r.blob_bytes}}}});
    return;
  }
  for (const auto& p : r.problems) std::cout << "problem: " << p.key << ": " << p.message << "\n";
  for (const auto& n : r.notes) std::cout << "note: " << n.key << ": " << n.message << "\n";
  std::cout << fmt::format(
      "checked {} models, {} versions, {} events, {} aliases, {} blobs ({} bytes): {}\n", r.models,
      r.versions, r.events, r.aliases, r.blobs, r.blob_bytes,
      r.ok() ? "OK" : fmt::format("{} problems", r.problems.size()));
}

}  // namespace

void setup_verify(CLI::App& app, Context& ctx) {
  auto name = std::make_shared<std::string>();
  app.add_option("name", *name, "Verify only this model (and the blobs it references)");
  app.callback([&ctx, name] {
    ctx.run = [&ctx, name]() -> Result<int> {
      MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
      VerifyOptions options;
      options.model = *name;
      auto report = verify_store(*store, options);
      if (!report.ok()) return make_error(report.error().code, "verify: " + report.error().message);
      print_report(ctx, *report);
      if (!report->ok())
        return make_error(ErrorCode::kIntegrity,
                          fmt::format("verify: {} problem{} in store {} (listed on stdout)",
                                      report->problems.size(),
                                      report->problems.size() == 1 ? "" : "s", store->url()));
      return 0;
    };
  });
}

}  // namespace mlo::cli
