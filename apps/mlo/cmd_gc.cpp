// mlo gc [--grace 24h] [--dry-run]: removes blobs no version manifest refers to and temp files of
// interrupted writes, both older than the grace period (registry/gc.hpp says why this is safe
// while other commands write). Each removed item is a line on stdout, then a summary.
#include <iostream>

#include <fmt/format.h>

#include "command.hpp"
#include "mlo/core/duration.hpp"
#include "mlo/registry/gc.hpp"
#include "output.hpp"

namespace mlo::cli {
namespace {

const char* kind_name(GcItem::Kind kind) {
  return kind == GcItem::Kind::kBlob ? "blob" : "temp";
}

void print_report(const Context& ctx, const GcReport& r) {
  const uint64_t blobs = r.removed_count(GcItem::Kind::kBlob);
  const uint64_t temps = r.removed_count(GcItem::Kind::kTemp);
  const uint64_t blob_bytes = r.removed_bytes(GcItem::Kind::kBlob);
  const uint64_t temp_bytes = r.removed_bytes(GcItem::Kind::kTemp);
  if (ctx.global.json) {
    nlohmann::json removed = nlohmann::json::array();
    for (const auto& item : r.removed)
      removed.push_back({{"kind", kind_name(item.kind)},
                         {"name", item.name},
                         {"bytes", item.size},
                         {"mtime", item.mtime}});
    print_json({{"dry_run", r.dry_run},
                {"removed", removed},
                {"counts",
                 {{"blobs", r.blobs},
                  {"referenced", r.referenced},
                  {"manifests", r.manifests},
                  {"young", r.young},
                  {"vanished", r.vanished},
                  {"removed_blobs", blobs},
                  {"removed_blob_bytes", blob_bytes},
                  {"removed_temps", temps},
                  {"removed_temp_bytes", temp_bytes}}}});
    return;
  }
  for (const auto& item : r.removed)
    std::cout << fmt::format("{} {} {}\n", kind_name(item.kind), item.name, item.size);
  std::cout << fmt::format(
      "{} {} blob{} ({} bytes) and {} temp file{} ({} bytes); kept {} referenced, {} within "
      "the grace period\n",
      r.dry_run ? "would remove" : "removed", blobs, blobs == 1 ? "" : "s", blob_bytes, temps,
      temps == 1 ? "" : "s", temp_bytes, r.referenced, r.young);
}

}  // namespace

void setup_gc(CLI::App& app, Context& ctx) {
  auto grace = std::make_shared<std::string>("24h");
  auto dry_run = std::make_shared<bool>(false);
  app.add_option("--grace", *grace,
                 "Keep anything younger than this (30s, 90m, 24h, 7d; default 24h)");
  app.add_flag("--dry-run", *dry_run, "List what would be removed; remove nothing");
  app.callback([&ctx, grace, dry_run] {
    ctx.run = [&ctx, grace, dry_run]() -> Result<int> {
      GcOptions options;
      auto seconds = parse_duration_seconds(*grace);
      if (!seconds.ok())
        return make_error(ErrorCode::kUsage, "gc: --grace: " + seconds.error().message);
      options.grace_seconds = *seconds;
      options.dry_run = *dry_run;
      MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
      MLO_ASSIGN_OR_RETURN(GcReport report, collect_garbage(*store, options));
      print_report(ctx, report);
      return 0;
    };
  });
}

}  // namespace mlo::cli
