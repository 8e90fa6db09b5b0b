// mlo export REF -o FILE, mlo import FILE: a model's history as one verifiable archive
// (lib/mlo/transfer/bundle.hpp).
#include <iostream>

#include <fmt/format.h>

#include "command.hpp"
#include "mlo/transfer/bundle.hpp"
#include "output.hpp"
#include "transfer_output.hpp"

namespace mlo::cli {

void setup_export(CLI::App& app, Context& ctx) {
  struct Flags {
    std::string ref, output;
  };
  auto f = std::make_shared<Flags>();
  app.add_option("ref", f->ref, "NAME (its whole history) or NAME:N (version N's history)")
      ->required();
  app.add_option("-o,--output", f->output,
                 "Archive to write, a path or s3://bucket/key (NAME.mlo.tar.zst by convention)")
      ->required();
  app.callback([&ctx, f] {
    ctx.run = [&ctx, f]() -> Result<int> {
      MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
      auto r = export_bundle(*store, f->ref, f->output);
      if (!r.ok()) return make_error(r.error().code, "export " + f->ref + ": " + r.error().message);
      if (ctx.global.json) {
        print_json({{"name", r->name},
                    {"version", r->version ? nlohmann::json(*r->version) : nlohmann::json()},
                    {"path", r->path},
                    {"entries", r->entries},
                    {"blobs", r->blobs},
                    {"blob_bytes", r->blob_bytes},
                    {"archive_bytes", r->archive_bytes}});
      } else {
        std::cout << fmt::format("exported {} to {}: {} entries, {} blobs ({} bytes), {} bytes\n",
                                 f->ref, r->path, r->entries, r->blobs, r->blob_bytes,
                                 r->archive_bytes);
      }
      return 0;
    };
  });
}

void setup_import(CLI::App& app, Context& ctx) {
  struct Flags {
    std::string path;
    ImportOptions options;
  };
  auto f = std::make_shared<Flags>();
  app.add_option("file", f->path, "Archive written by mlo export")->required();
  app.add_flag("--dry-run", f->options.dry_run,
               "Verify the archive and check for conflicts; write nothing");
  app.add_option("--max-entries", f->options.limits.max_entries,
                 "Refuse archives with more entries (default 100000)")
      ->check(CLI::PositiveNumber);
  app.add_option("--max-size", f->options.limits.max_total_bytes,
                 "Refuse archives that expand to more bytes (default 64 GiB)")
      ->check(CLI::PositiveNumber);
  app.callback([&ctx, f] {
    ctx.run = [&ctx, f]() -> Result<int> {
      MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
      auto r = import_bundle(*store, f->path, f->options);
      if (!r.ok()) return make_error(r.error().code, "import: " + r.error().message);
      print_copy_results(ctx, r->path, store->url(), f->options.dry_run, {r->copy});
      return 0;
    };
  });
}

}  // namespace mlo::cli
