// mlo preprocess init --from DATA --features a,b,c [--categorical x] [--sorted-categories]
// [--output SPEC]: writes a preprocess spec for a model trained elsewhere, to be checked and
// passed to `mlo register --preprocess`. stdout (the YAML) unless --output, written atomically.
#include <iostream>

#include "command.hpp"
#include "mlo/core/atomic_file.hpp"
#include "mlo/train/preprocess_init.hpp"
#include "output.hpp"

namespace mlo::cli {

namespace {

struct InitOptions {
  std::string from;
  std::string output;
  train::PreprocessInitOptions init;
};

Result<int> run_init(const Context& ctx, const InitOptions& o) {
  auto spec = train::init_preprocess(o.from, o.init);
  if (!spec.ok()) return make_error(spec.error().code, "preprocess init: " + spec.error().message);
  const std::string yaml = spec->to_yaml();
  if (o.output.empty() || o.output == "-") {
    std::cout << yaml;
    return 0;
  }
  if (auto st = write_file_atomic(o.output, yaml); !st.ok())
    return make_error(st.error().code, "preprocess init: " + o.output + ": " + st.error().message);
  size_t categorical = 0;
  for (const auto& f : spec->features) categorical += f.type == FeatureEncoding::Type::kCategorical;
  if (ctx.global.json)
    print_json({{"output", o.output},
                {"features", spec->features.size()},
                {"categorical", categorical}});
  else
    info("wrote " + o.output + ": " + std::to_string(spec->features.size()) + " features (" +
         std::to_string(categorical) + " categorical); check the category order, then: mlo "
         "register NAME --model MODEL --preprocess " + o.output);
  return 0;
}

}  // namespace

void setup_preprocess(CLI::App& app, Context& ctx) {
  app.require_subcommand(1);
  auto o = std::make_shared<InitOptions>();
  CLI::App* init = app.add_subcommand("init", "Write a preprocess spec fitted from data");
  init->add_option("--from", o->from, "Training data (CSV/JSONL, any compression)")->required();
  init->add_option("--features", o->init.features, "Feature columns in the model's order")
      ->required()
      ->delimiter(',');
  init->add_option("--categorical", o->init.categorical,
                   "Columns to treat as categorical even if numeric")
      ->delimiter(',');
  init->add_flag("--sorted-categories", o->init.sorted_categories,
                 "Categories in sorted order (pandas' category codes), not by frequency");
  init->add_option("--max-categories", o->init.max_categories,
                   "Keep at most N categories by frequency (default 1000)");
  init->add_option("-o,--output", o->output, "Write the spec here (default: stdout)");
  init->callback([&ctx, o] { ctx.run = [&ctx, o] { return run_init(ctx, *o); }; });
}

}  // namespace mlo::cli
