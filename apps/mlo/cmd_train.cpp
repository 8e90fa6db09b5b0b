// mlo train --config recipe.yaml --data train.csv [--name N] [--eval F | --holdout X]
//           [--param k=v]... [--dry-run]
// Reads the recipe (validated before any data is read), trains through lib/mlo/train and
// registers the result as a new version. Prints "name:N", or one JSON document with --json.
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "command.hpp"
#include "mlo/registry/manifest_json.hpp"
#include "mlo/registry/registry.hpp"
#include "mlo/train/distributed.hpp"
#include "mlo/train/distributed_hosts.hpp"
#include "mlo/train/distributed_process.hpp"
#include "mlo/train/recipe.hpp"
#include "mlo/train/train_pipeline.hpp"
#include "output.hpp"
#include "train_progress.hpp"
#include "train_workers.hpp"

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
  int workers = 0;      // > 0: train across this many local worker processes
  std::string tracker;  // multi-host: this process is one worker of a job
  int world = 0;
  std::optional<int> rank;
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

Result<train::TrainOutcome> train_distributed(const train::Recipe& recipe,
                                              const train::TrainInputs& in, int workers,
                                              const train::TrainProgress& progress) {
  MLO_ASSIGN_OR_RETURN(train::DistributedOptions d, local_workers(workers));
  return train::train_recipe_distributed(recipe, in, d, progress);
}

// Multi-host: every worker trains; only rank 0 registers.
Result<std::optional<train::TrainOutcome>> train_multihost(const TrainCliOptions& o,
                                                           const train::Recipe& recipe,
                                                           const train::TrainInputs& in,
                                                           const train::TrainProgress& progress) {
  train::MultiHostOptions m;
  m.tracker = o.tracker;
  m.world = o.world;
  m.rank = o.rank ? o.rank : train::rank_from_environment();
  MLO_ASSIGN_OR_RETURN(train::MultiHostOutcome r,
                       train::train_recipe_multihost(recipe, in, m, progress));
  if (r.rank != 0)
    info(fmt::format("worker rank {} of {} finished; rank 0 registers the model", r.rank, r.world));
  return std::move(r.outcome);
}

Status check_distributed_flags(const TrainCliOptions& o) {
  if (o.workers > 0 && !o.tracker.empty())
    return make_error(ErrorCode::kUsage, "train: --workers and --tracker exclude each other");
  if (o.tracker.empty() && (o.world > 0 || o.rank))
    return make_error(ErrorCode::kUsage, "train: --world and --rank need --tracker");
  if (!o.tracker.empty() && o.world < 1)
    return make_error(ErrorCode::kUsage, "train: --tracker needs --world N");
  if (!o.tracker.empty() && o.eval.empty())
    return make_error(ErrorCode::kUsage,
                      "train: --tracker needs --eval FILE (the same file on every worker)");
  return {};
}

Result<int> run_train(const Context& ctx, const TrainCliOptions& o) {
  if (!o.eval.empty() && o.holdout_given)
    return make_error(ErrorCode::kUsage, "train: --eval and --holdout exclude each other");
  MLO_TRY(check_distributed_flags(o));
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
  // Multi-host workers other than rank 0 never touch the store, so they need not reach it.
  std::unique_ptr<Store> store;
  if (o.tracker.empty()) {
    MLO_ASSIGN_OR_RETURN(store, ctx.open_store());
  }
  Result<train::TrainOutcome> outcome = make_error(ErrorCode::kRuntime, "not trained");
  if (!o.tracker.empty()) {
    auto r = train_multihost(o, recipe, in, make_train_progress(ctx));
    if (r.ok() && !*r) return 0;  // not rank 0: nothing to register
    outcome = r.ok() ? Result<train::TrainOutcome>(std::move(**r))
                     : Result<train::TrainOutcome>(r.error());
  } else if (o.workers > 0) {
    outcome = train_distributed(recipe, in, o.workers, make_train_progress(ctx));
  } else {
    outcome = train::train_recipe(recipe, in, make_train_progress(ctx));
  }
  if (!outcome.ok())
    return make_error(outcome.error().code,
                      "train " + recipe.name + ": " + outcome.error().message);
  if (!store) {
    MLO_ASSIGN_OR_RETURN(store, ctx.open_store());
  }
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

CLI::Option* add_workers_option(CLI::App& app, int& workers) {
  return app
      .add_option("--workers", workers,
                  "Train one model across N local worker processes (XGBoost's collective)")
      ->check(CLI::Range(1, 256));
}

Result<train::DistributedOptions> local_workers(int workers) {
  train::DistributedOptions d;
  d.workers = workers;
  MLO_ASSIGN_OR_RETURN(std::string self, train::self_executable());
  d.worker_command = {self, kTrainWorkerCommand};
  return d;
}

void setup_train(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<TrainCliOptions>();
  app.add_option("--config", o->config, "Recipe YAML (task, target, features, params)")->required();
  app.add_option(
         "--data", o->data,
         "Training data: CSV or JSON Lines, optionally compressed; a path or s3://bucket/key")
      ->required();
  app.add_option("--name", o->name, "Model name (overrides the recipe's name)");
  app.add_option("--eval", o->eval,
                 "Evaluation data file or s3://bucket/key (default: a holdout of --data)");
  app.add_option("--holdout", o->holdout,
                 "Fraction of --data held out for evaluation, in (0, 1) (default 0.2)");
  app.add_option("--param", o->params, "Override a recipe parameter KEY=VALUE (repeatable)");
  add_threads_option(app, o->threads,
                     "Threads for reading and training, 1..4 x cores (default: all cores)");
  app.add_flag("--dry-run", o->dry_run, "Train and evaluate, write nothing to the store");
  add_workers_option(app, o->workers);
  app.add_option("--tracker", o->tracker,
                 "Multi-host: join the job of the tracker at HOST:PORT (see mlo tracker)");
  app.add_option("--world", o->world, "Multi-host: number of workers in the job")
      ->check(CLI::Range(1, 4096));
  app.add_option("--rank", o->rank,
                 "Multi-host: this worker's rank (default: SLURM_ARRAY_TASK_ID, "
                 "JOB_COMPLETION_INDEX, else the tracker's choice)")
      ->check(CLI::NonNegativeNumber);
  app.callback([&ctx, o, &app] {
    o->holdout_given = app.count("--holdout") > 0;
    ctx.run = [&ctx, o]() -> Result<int> { return run_train(ctx, *o); };
  });
}

}  // namespace mlo::cli
