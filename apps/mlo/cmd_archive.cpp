// mlo archive REF [--reason TEXT]: marks a version archived (an `archived` event); refused while an alias points at it.
#include "command.hpp"
#include "lifecycle_output.hpp"
#include "mlo/registry/lifecycle.hpp"

namespace mlo::cli {

void setup_archive(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ReviewRequest>();
  o->kind = Review::kArchive;
  app.add_option("ref", o->ref, "Model reference: name:N, name@alias, name or sha256:<digest>")
      ->required();
  app.add_option("--reason", o->text, "Why it is archived (recorded in the event)");
  app.callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> Result<int> {
      MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
      auto result = review_version(*store, *o);
      if (!result.ok()) return command_error("archive " + o->ref, result.error());
      print_review(ctx, "archived", *result);
      return 0;
    };
  });
}

}  // namespace mlo::cli
