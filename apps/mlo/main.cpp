// mlo: git-style subcommands over lib/mlo. This file holds the global flags, the command
// table and the one place where errors become "mlo: error: ..." and an exit code.
#include <signal.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <optional>
#include <vector>

#include <CLI/CLI.hpp>

#include "command.hpp"
#include "mlo/core/temp_registry.hpp"
#include "mlo/core/text.hpp"
#include "mlo/core/version.hpp"
#include "output.hpp"

namespace mlo::cli {

void setup_init(CLI::App&, Context&);
void setup_register(CLI::App&, Context&);
void setup_list(CLI::App&, Context&);
void setup_show(CLI::App&, Context&);
void setup_diff(CLI::App&, Context&);
void setup_log(CLI::App&, Context&);
void setup_verify(CLI::App&, Context&);
void setup_gc(CLI::App&, Context&);
void setup_train(CLI::App&, Context&);
void setup_retrain(CLI::App&, Context&);
void setup_score_batch(CLI::App&, Context&);
void setup_drift(CLI::App&, Context&);
void setup_preprocess(CLI::App&, Context&);
void setup_config(CLI::App&, Context&);
void setup_version(CLI::App&, Context&);
void setup_promote(CLI::App&, Context&);
void setup_approve(CLI::App&, Context&);
void setup_reject(CLI::App&, Context&);
void setup_rollback(CLI::App&, Context&);
void setup_alias(CLI::App&, Context&);
void setup_archive(CLI::App&, Context&);
void setup_annotate(CLI::App&, Context&);
void setup_help(CLI::App&, Context&);
void setup_push(CLI::App&, Context&);
void setup_pull(CLI::App&, Context&);
void setup_copy(CLI::App&, Context&);
void setup_export(CLI::App&, Context&);
void setup_import(CLI::App&, Context&);
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
    {"gc", "Remove unreferenced blobs and stale temp files past a grace period", setup_gc},
    {"train", "Train a model from a recipe and register it", setup_train},
    {"retrain", "Refit a version's recipe on new data; compare with the champion", setup_retrain},
    {"tracker", "Run XGBoost's tracker for a multi-host training job", setup_tracker},
    {"score-batch", "Score a file with a registered model", setup_score_batch},
    {"drift", "Compare a batch with a version's training baseline", setup_drift},
    {"promote", "Move an alias to a version after the promotion gates pass", setup_promote},
    {"approve", "Approve a version (an audit event)", setup_approve},
    {"reject", "Reject a version (an audit event)", setup_reject},
    {"rollback", "Move an alias back to the version it held before", setup_rollback},
    {"alias", "List a model's aliases", setup_alias},
    {"archive", "Archive a version (an audit event)", setup_archive},
    {"annotate", "Set labels and a description on a version (an audit event)", setup_annotate},
    {"preprocess", "Write a preprocess spec for a model trained elsewhere", setup_preprocess},
    {"push", "Copy a model's history to another store", setup_push},
    {"pull", "Copy a model's history from another store", setup_pull},
    {"copy", "Copy models between two stores", setup_copy},
    {"export", "Write a model's history to one archive file", setup_export},
    {"import", "Verify an exported archive and add its history to the store", setup_import},
    {"config", "Show the effective settings and where each came from", setup_config},
    {"version", "Print mlo, XGBoost and library versions", setup_version},
    {"help", "Help on a command, or a topic (exit-codes)", setup_help},
};

// SIGINT/SIGTERM: remove every temp file this process created (outputs and the store stay as
// they were: nothing is renamed into place any more), say so in one line and exit 128+signal.
// Only async-signal-safe calls here; _exit ends the worker threads with the process.
extern "C" void on_interrupt(int sig) {
  remove_live_temps();
  const char* msg = sig == SIGINT ? "mlo: error: interrupted (SIGINT); outputs left as they were\n"
                                  : "mlo: error: terminated (SIGTERM); outputs left as they were\n";
  ssize_t ignored = ::write(STDERR_FILENO, msg, std::strlen(msg));
  (void)ignored;
  ::_exit(128 + sig);
}

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  for (int sig : {SIGINT, SIGTERM}) {
    struct sigaction old {};
    // A signal ignored by the parent (nohup, `cmd &` in a non-interactive shell) stays ignored.
    if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    ::sigaction(sig, &sa, nullptr);
  }
}

std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const auto& entry : kCommands) names.emplace_back(entry.name);
  return names;
}

// The first word that is not a global flag (or its value), or "" when there is none.
std::string command_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--store" || arg == "--notify") {
      ++i;  // its value
      continue;
    }
    if (arg.empty() || arg[0] == '-') continue;
    return arg;
  }
  return "";
}

// "unknown command 'lst'" before CLI11 gets to say something less helpful.
std::optional<int> reject_unknown_command(int argc, char** argv) {
  const std::string word = command_word(argc, argv);
  if (word.empty()) return std::nullopt;
  const auto names = command_names();
  if (std::find(names.begin(), names.end(), word) != names.end()) return std::nullopt;
  if (word == kTrainWorkerCommand) return std::nullopt;  // hidden: not offered as a suggestion
  std::cerr << "mlo: error: unknown command " << quote_value(word) << "\n";
  const std::string guess = closest_name(word, names);
  if (!guess.empty())
    std::cerr << "hint: did you mean '" << guess << "'?\n";
  else
    std::cerr << "hint: run 'mlo help' for the list of commands\n";
  return static_cast<int>(ErrorCode::kUsage);
}

// For "The following arguments were not expected: --thread": the closest flag of the command
// to the first unknown --flag on the command line ("" when there is none).
std::string flag_hint(CLI::App& app, int argc, char** argv) {
  std::vector<std::string> flags;
  std::vector<const CLI::App*> apps{&app};
  const std::string word = command_word(argc, argv);
  if (!word.empty()) {
    try {
      apps.push_back(app.get_subcommand(word));
    } catch (const CLI::OptionNotFound&) {
    }
  }
  for (const CLI::App* a : apps)
    for (const CLI::Option* opt : a->get_options())
      for (const auto& name : opt->get_lnames()) flags.push_back("--" + name);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0 || arg == "--") continue;
    const std::string name = arg.substr(0, arg.find('='));
    if (std::find(flags.begin(), flags.end(), name) != flags.end()) continue;
    const std::string guess = closest_name(name, flags);
    if (!guess.empty()) return "did you mean '" + guess + "'?";
  }
  return "";
}

int run(int argc, char** argv) {
  install_interrupt_handlers();
  if (auto rc = reject_unknown_command(argc, argv)) return *rc;
  CLI::App app{"mlo: model registry, batch scoring and drift monitoring in one binary", "mlo"};
  app.set_version_flag("--version", std::string("mlo ") + mlo_version());
  app.require_subcommand(0, 1);
  app.fallthrough();  // global flags may follow the subcommand
  Context ctx;
  app.add_option("--store", ctx.global.store, "Store URL or path (default ./.mlo, or MLO_STORE)");
  app.add_flag("--json", ctx.global.json, "Print one JSON document on stdout");
  app.add_flag("-q,--quiet", ctx.global.quiet, "Only errors on stderr");
  app.add_flag("-v,--verbose", ctx.global.verbose, "More detail on stderr");
  app.add_flag("--no-progress", ctx.global.no_progress, "Never draw progress bars");
  app.add_option("--notify", ctx.global.notify,
                 "Webhook URL for events (or MLO_NOTIFY_URL, .mlo.yaml notify:)");

  // Only the command being run is built, with its options: building every command's option
  // table was most of the start-up time of `mlo version` (issue 15). Without a command word
  // (`mlo --help`) every command is listed by name and summary; `mlo help` builds them all.
  const std::string word = command_word(argc, argv);
  for (const auto& entry : kCommands) {
    const bool chosen = word == entry.name || word == "help";
    if (!chosen && !word.empty()) continue;
    CLI::App* sub = app.add_subcommand(entry.name, entry.summary);
    if (chosen) entry.setup(*sub, ctx);
  }
  CLI::App* worker = app.add_subcommand(kTrainWorkerCommand, "")->group("");
  if (word == kTrainWorkerCommand) setup_train_worker(*worker, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "mlo: error: " << escape_text(e.what()) << "\n";
    const std::string guess = flag_hint(app, argc, argv);
    std::cerr << "hint: " << (guess.empty() ? "run 'mlo --help' or 'mlo <command> --help'" : guess)
              << "\n";
    return static_cast<int>(ErrorCode::kUsage);
  }
  set_quiet(ctx.global.quiet);
  for (const CLI::App* sub : app.get_subcommands()) set_json_kind(sub->get_name());
  if (!ctx.run) {
    std::cerr << "mlo: error: no command given\n";
    std::cerr << "hint: run 'mlo help' for the list of commands\n";
    return static_cast<int>(ErrorCode::kUsage);
  }
  Result<int> outcome = ctx.run();
  if (!outcome.ok()) {
    std::cerr << "mlo: error: " << escape_text(outcome.error().message) << "\n";
    return outcome.error().exit_code();
  }
  return *outcome;
}

}  // namespace mlo::cli

int main(int argc, char** argv) {
#if defined(__GLIBC__)
  // Chunks, column buffers and samples of a few MB are allocated and freed over and over. By
  // default glibc serves each from a fresh mmap and unmaps it at free, so every chunk paid its
  // page faults again: the kernel's fault handler was 12% of `drift --reference`'s samples, and
  // keeping freed memory for reuse made it 15% faster (peak RSS a few MB higher: 52 -> 55-60 MB).
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
  try {
    return mlo::cli::run(argc, argv);
  } catch (const std::exception& e) {
    // Library code returns Result; anything reaching here is a bug or resource exhaustion.
    std::cerr << "mlo: error: internal: " << e.what() << "\n";
    return 1;
  }
}
