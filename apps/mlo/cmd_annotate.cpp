// mlo annotate REF [--label k=v]... [--description TEXT]: labels and a description recorded as
// an `annotated` event (manifests stay immutable; `mlo list --label` and `show` see them).
#include "command.hpp"
#include "lifecycle_output.hpp"
#include "mlo/registry/lifecycle.hpp"

namespace mlo::cli {
namespace {

struct AnnotateFlags {
  std::string ref;
  std::vector<std::string> labels;
  std::optional<std::string> description;
};

Result<AnnotateRequest> to_request(const AnnotateFlags& f) {
  AnnotateRequest r;
  r.ref = f.ref;
  r.description = f.description;
  MLO_ASSIGN_OR_RETURN(r.labels, parse_key_values(f.labels, "--label"));
  return r;
}

}  // namespace

void setup_annotate(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<AnnotateFlags>();
  app.add_option("ref", f->ref, "Model reference: name:N, name@alias, name or sha256:<digest>")
      ->required();
  app.add_option("--label", f->labels, "Label KEY=VALUE (repeatable; KEY= removes it)");
  app.add_option("--description", f->description, "Free-text description of the version");
  app.callback([&ctx, f] {
    ctx.run = [&ctx, f]() -> Result<int> {
      auto request = to_request(*f);
      if (!request.ok()) return command_error("annotate " + f->ref, request.error());
      MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
      auto result = annotate_version(*store, *request);
      if (!result.ok()) return command_error("annotate " + f->ref, result.error());
      print_review(ctx, "annotated", *result);
      return 0;
    };
  });
}

}  // namespace mlo::cli
