// mlo train --config recipe.yaml --data train.csv [--name N] [--eval F | --holdout X]
//           [--param k=v]... [--dry-run]
// Reads the recipe (validated before any data is read), trains through lib/mlo/train and
// registers the result as a new version. Prints "name:N", or one JSON document with --json.
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "command.hpp"
#include "mlo/registry/manifest_json.hpp"
#include "mlo/registry/registry.hpp"
#include "mlo/train/recipe.hpp"
#include "mlo/train/train_pipeline.hpp"
#include "output.hpp"
#include "train_progress.hpp"

namespace mlo::cli {

namespace {

struct TrainCliOptions {
  std::string config;
  std::string data;
  std::string name;
  std::string eval;
  double holdout = 0.2;
  bool holdout_given = false;
  std::vector<std::string> params;
  int threads = 0;
  bool dry_run = false;
};

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const ErrorCode code = errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kRuntime;
    return make_error(code, "cannot read recipe " + path + ": " + std::strerror(errno));
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Result<train::Recipe> load_recipe(const TrainCliOptions& o) {
  MLO_ASSIGN_OR_RETURN(std::string text, read_text(o.config));
  MLO_ASSIGN_OR_RETURN(train::Recipe recipe, train::parse_recipe(text, "recipe " + o.config));
  for (const auto& p : o.params) MLO_TRY(train::apply_param_override(recipe, p));
  if (!o.name.empty()) {
    if (auto st = validate_model_name(o.name); !st.ok())
      return make_error(ErrorCode::kUsage, "--name: " + st.error().message);
    recipe.name = o.name;
  }
  if (recipe.name.empty())
    return make_error(ErrorCode::kInvalidInput,
                      "recipe " + o.config + ": field 'name': required (or pass --name)");
  MLO_TRY(train::validate_recipe(recipe, "recipe " + o.config));
  return recipe;
}

void print_result(const Context& ctx, const train::TrainOutcome& t, const RegisterResult& r,
                  bool dry_run) {
  const std::string ref = r.manifest.name + ":" + std::to_string(r.manifest.version);
  if (ctx.global.json) {
    print_json({{"ref", ref},
                {"name", r.manifest.name},
                {"version", r.manifest.version},
                {"dry_run", dry_run},
                {"metrics", t.metrics},
                {"objective", t.objective},
                {"rounds", t.rounds_trained},
                {"best_iteration", t.best_iteration},
                {"train_rows", t.train_rows},
                {"eval_rows", t.eval_rows},
                {"dropped_rows", t.dropped_rows},
                {"manifest", manifest_to_json(r.manifest)}});
  } else {
    std::cout << ref << "\n";
  }
  std::string metrics;
  for (const auto& [k, v] : t.metrics)
    metrics += fmt::format("{}{}={:.4f}", metrics.empty() ? "" : " ", k, v);
  info(fmt::format("trained {} rounds (best {}) on {} rows; eval on {} rows: {}", t.rounds_trained,
                   t.best_iteration + 1, t.train_rows, t.eval_rows, metrics));
  if (t.dropped_rows > 0)
    info(fmt::format("dropped {} rows without a target value", t.dropped_rows));
  if (dry_run) info("dry run: would register " + ref + "; nothing written");
  if (!r.event_warning.empty())
    info("warning: " + ref +
         " was registered but its audit event was not written: " + r.event_warning);
}

Result<int> run_train(const Context& ctx, const TrainCliOptions& o) {
  if (!o.eval.empty() && o.holdout_given)
    return make_error(ErrorCode::kUsage, "train: --eval and --holdout exclude each other");
  if (!(o.holdout > 0.0 && o.holdout < 1.0))
    return make_error(
        ErrorCode::kUsage,
        fmt::format("train: --holdout {}: must be between 0 and 1 (exclusive)", o.holdout));
  MLO_ASSIGN_OR_RETURN(train::Recipe recipe, load_recipe(o));
  train::TrainInputs in;
  in.data_path = o.data;
  if (!o.eval.empty()) in.eval_path = o.eval;
  in.holdout = o.holdout;
  in.threads = o.threads;
  MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
  auto outcome = train::train_recipe(recipe, in, make_train_progress(ctx));
  if (!outcome.ok())
    return make_error(outcome.error().code,
                      "train " + recipe.name + ": " + outcome.error().message);
  RegisterRequest req = outcome->request;
  req.dry_run = o.dry_run;
  auto registered = register_version(*store, std::move(req));
  if (!registered.ok())
    return make_error(registered.error().code,
                      "train " + recipe.name + ": " + registered.error().message);
  print_result(ctx, *outcome, *registered, o.dry_run);
  return 0;
}

}  // namespace

void setup_train(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<TrainCliOptions>();
  app.add_option("--config", o->config, "Recipe YAML (task, target, features, params)")->required();
  app.add_option("--data", o->data, "Training data: CSV or JSON Lines, optionally compressed")
      ->required();
  app.add_option("--name", o->name, "Model name (overrides the recipe's name)");
  app.add_option("--eval", o->eval, "Evaluation data file (default: a holdout of --data)");
  app.add_option("--holdout", o->holdout,
                 "Fraction of --data held out for evaluation, in (0, 1) (default 0.2)");
  app.add_option("--param", o->params, "Override a recipe parameter KEY=VALUE (repeatable)");
  add_threads_option(app, o->threads,
                     "Threads for reading and training, 1..4 x cores (default: all cores)");
  app.add_flag("--dry-run", o->dry_run, "Train and evaluate, write nothing to the store");
  app.callback([&ctx, o, &app] {
    o->holdout_given = app.count("--holdout") > 0;
    ctx.run = [&ctx, o]() -> Result<int> { return run_train(ctx, *o); };
  });
}

}  // namespace mlo::cli
