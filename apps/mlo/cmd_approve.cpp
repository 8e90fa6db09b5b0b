// mlo approve REF [--comment TEXT]: records an approval of a version (an `approved` event).
#include "command.hpp"
#include "lifecycle_output.hpp"
#include "mlo/registry/lifecycle.hpp"

namespace mlo::cli {

void setup_approve(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ReviewRequest>();
  o->kind = Review::kApprove;
  app.add_option("ref", o->ref, "Model reference: name:N, name@alias, name or sha256:<digest>")
      ->required();
  app.add_option("--comment", o->text, "Why it is approved (recorded in the event)");
  app.callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> Result<int> {
      MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
      auto result = review_version(*store, *o);
      if (!result.ok()) return command_error("approve " + o->ref, result.error());
      print_review(ctx, "approved", *result);
      return 0;
    };
  });
}

}  // namespace mlo::cli
