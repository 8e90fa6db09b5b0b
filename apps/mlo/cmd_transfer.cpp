// mlo push REF --to URL, mlo pull REF --from URL, mlo copy SRC DST [NAME...]: move model
// histories between stores (lib/mlo/transfer/copy.hpp). The configured store (--store,
// MLO_STORE, .mlo.yaml) is the source of a push and the destination of a pull.
#include <fmt/format.h>

#include "command.hpp"
#include "mlo/transfer/copy.hpp"
#include "output.hpp"
#include "transfer_output.hpp"

namespace mlo::cli {
namespace {

struct TransferFlags {
  std::string ref;
  std::string other;  // --to / --from
  bool dry_run = false;
};

Error wrap(const std::string& what, const Error& e) {
  return make_error(e.code, what + ": " + e.message);
}

CopyOptions copy_options(const Context& ctx, bool dry_run) {
  CopyOptions options;
  options.dry_run = dry_run;
  if (ctx.global.verbose)
    options.on_blob = [](const std::string& digest, uint64_t size) {
      info(fmt::format("copying blob {} ({} bytes)", digest, size));
    };
  return options;
}

// push: configured -> other; pull: other -> configured.
void setup_direction(CLI::App& app, Context& ctx, bool push) {
  auto f = std::make_shared<TransferFlags>();
  app.add_option("ref", f->ref, "NAME (its whole history) or NAME:N (version N's history)")
      ->required();
  app.add_option(push ? "--to" : "--from", f->other,
                 push ? "Destination store URL or path" : "Source store URL or path")
      ->required();
  app.add_flag("--dry-run", f->dry_run, "Compare both stores and report; write nothing");
  app.callback([&ctx, f, push] {
    ctx.run = [&ctx, f, push]() -> Result<int> {
      const std::string what = std::string(push ? "push " : "pull ") + f->ref;
      MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> here, ctx.open_store());
      auto there = mlo::open_store(f->other);
      if (!there.ok()) return wrap(what, there.error());
      Store& src = push ? *here : **there;
      Store& dst = push ? **there : *here;
      auto result = transfer_ref(src, dst, f->ref, copy_options(ctx, f->dry_run));
      if (!result.ok()) return wrap(what, result.error());
      print_copy_results(ctx, src.url(), dst.url(), f->dry_run, {*result});
      return 0;
    };
  });
}

}  // namespace

void setup_push(CLI::App& app, Context& ctx) {
  setup_direction(app, ctx, true);
}
void setup_pull(CLI::App& app, Context& ctx) {
  setup_direction(app, ctx, false);
}

void setup_copy(CLI::App& app, Context& ctx) {
  struct Flags {
    std::string src, dst;
    std::vector<std::string> names;
    bool dry_run = false;
  };
  auto f = std::make_shared<Flags>();
  app.add_option("src", f->src, "Source store URL or path")->required();
  app.add_option("dst", f->dst, "Destination store URL or path")->required();
  app.add_option("names", f->names, "Models to copy (default: every model of the source)");
  app.add_flag("--dry-run", f->dry_run, "Compare both stores and report; write nothing");
  app.callback([&ctx, f] {
    ctx.run = [&ctx, f]() -> Result<int> {
      const std::string what = "copy " + f->src + " " + f->dst;
      auto src = mlo::open_store(f->src);
      if (!src.ok()) return wrap(what, src.error());
      auto dst = mlo::open_store(f->dst);
      if (!dst.ok()) return wrap(what, dst.error());
      auto result = copy_models(**src, **dst, f->names, copy_options(ctx, f->dry_run));
      if (!result.ok()) return wrap(what, result.error());
      print_copy_results(ctx, (*src)->url(), (*dst)->url(), f->dry_run, result->models);
      return 0;
    };
  });
}

}  // namespace mlo::cli
