// mlo: git-style subcommands over lib/mlo. This file holds the global flags, the command
// table and the one place where errors become "mlo: error: ..." and an exit code.
#include <cstdio>
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "command.hpp"
#include "output.hpp"

namespace mlo::cli {

void setup_init(CLI::App&, Context&);
void setup_register(CLI::App&, Context&);
void setup_list(CLI::App&, Context&);
void setup_show(CLI::App&, Context&);
void setup_diff(CLI::App&, Context&);
void setup_log(CLI::App&, Context&);
void setup_verify(CLI::App&, Context&);
void setup_train(CLI::App&, Context&);
void setup_score_batch(CLI::App&, Context&);
void setup_drift(CLI::App&, Context&);
void setup_preprocess(CLI::App&, Context&);
void setup_config(CLI::App&, Context&);
void setup_version(CLI::App&, Context&);
void setup_help(CLI::App&, Context&);
void setup_tracker(CLI::App&, Context&);
void setup_train_worker(CLI::App&, Context&);

struct CommandEntry {
  const char* name;
  const char* summary;
  SetupFn setup;
};

constexpr CommandEntry kCommands[] = {
    {"init", "Create a store (idempotent)", setup_init},
    {"register", "Register a model version with its artifacts", setup_register},
    {"list", "List models, or the versions of one model", setup_list},
    {"show", "Show a version's manifest, aliases and sizes", setup_show},
    {"diff", "Show what differs between two versions", setup_diff},
    {"log", "Show a model's audit events", setup_log},
    {"verify", "Re-hash every blob and check references and audit chains", setup_verify},
    {"train", "Train a model from a recipe and register it", setup_train},
    {"tracker", "Run XGBoost's tracker for a multi-host training job", setup_tracker},
    {"score-batch", "Score a file with a registered model", setup_score_batch},
    {"drift", "Compare a batch with a version's training baseline", setup_drift},
    {"preprocess", "Write a preprocess spec for a model trained elsewhere", setup_preprocess},
    {"config", "Show the effective settings and where each came from", setup_config},
    {"version", "Print mlo, XGBoost and library versions", setup_version},
    {"help", "Help topics (exit-codes)", setup_help},
};

int run(int argc, char** argv) {
  CLI::App app{"mlo: model registry, batch scoring and drift monitoring in one binary", "mlo"};
  app.require_subcommand(1);
  app.fallthrough();  // global flags may follow the subcommand
  Context ctx;
  app.add_option("--store", ctx.global.store, "Store URL or path (default ./.mlo, or MLO_STORE)");
  app.add_flag("--json", ctx.global.json, "Print one JSON document on stdout");
  app.add_flag("-q,--quiet", ctx.global.quiet, "Only errors on stderr");
  app.add_flag("-v,--verbose", ctx.global.verbose, "More detail on stderr");
  app.add_flag("--no-progress", ctx.global.no_progress, "Never draw progress bars");
  app.add_option("--notify", ctx.global.notify, "Webhook URL for events (or MLO_NOTIFY_URL, .mlo.yaml notify:)");

  for (const auto& entry : kCommands) {
    CLI::App* sub = app.add_subcommand(entry.name, entry.summary);
    entry.setup(*sub, ctx);
  }
  setup_train_worker(*app.add_subcommand(kTrainWorkerCommand, "")->group(""), ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "mlo: error: " << e.what() << "\n";
    std::cerr << "hint: run 'mlo --help' or 'mlo <command> --help'\n";
    return static_cast<int>(ErrorCode::kUsage);
  }
  set_quiet(ctx.global.quiet);
  for (const CLI::App* sub : app.get_subcommands()) set_json_kind(sub->get_name());
  if (!ctx.run) {
    std::cerr << "mlo: error: no command given\n";
    return static_cast<int>(ErrorCode::kUsage);
  }
  Result<int> outcome = ctx.run();
  if (!outcome.ok()) {
    std::cerr << "mlo: error: " << outcome.error().message << "\n";
    return outcome.error().exit_code();
  }
  return *outcome;
}

}  // namespace mlo::cli

int main(int argc, char** argv) {
  try {
    return mlo::cli::run(argc, argv);
  } catch (const std::exception& e) {
    // Library code returns Result; anything reaching here is a bug or resource exhaustion.
    std::cerr << "mlo: error: internal: " << e.what() << "\n";
    return 1;
  }
}
