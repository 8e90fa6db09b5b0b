// What every subcommand file in apps/mlo shares: global flags, store opening, output.
// A subcommand is one function `void setup_<name>(CLI::App&, Context&)` that adds its flags
// and sets ctx.run for when it is chosen (see the table in main.cpp).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "mlo/core/result.hpp"
#include "mlo/store/store.hpp"

namespace mlo::cli {

struct GlobalOptions {
  std::optional<std::string> store;
  bool json = false;
  bool quiet = false;
  bool verbose = false;
  bool no_progress = false;
  std::optional<std::string> notify;  // --notify URL (webhook for events)
};

// The exit code of a command that ran to the end: 0, or kFinding (8) / kRefused (9) outcomes.
using RunFn = std::function<Result<int>()>;

struct Context {
  GlobalOptions global;
  RunFn run;  // set by the chosen subcommand's callback

  // Resolves the store URL (flags > env > .mlo.yaml > default) and opens it.
  // require_init: kNotFound with a hint to run `mlo init` when mlo-store.yaml is missing,
  // kInvalidInput when it is garbage or names an unknown format or digest (check_store_marker).
  Result<std::unique_ptr<Store>> open_store(bool require_init = true) const;
  // Progress is drawn only when stderr is a terminal and neither -q nor --no-progress is set.
  bool show_progress() const;
};

using SetupFn = void (*)(CLI::App& app, Context& ctx);

// The one --threads flag every command uses: 1 <= N <= 4 x cores, anything else (0, negative,
// huge) is a usage error, exit 2. Not given leaves `threads` at 0 = all cores.
CLI::Option* add_threads_option(CLI::App& app, int& threads, const std::string& description);

// A usage error (exit 2) of `command`: "score-batch: --threshold must be between 0 and 1".
inline Error usage_error(const std::string& command, const std::string& message) {
  return make_error(ErrorCode::kUsage, command + ": " + message);
}

// KEY=VALUE flag values (--label, --param, --metric, --artifact) as a map: kUsage naming the
// flag and the item when one has no '=', an empty key, a key with other characters than
// letters, digits, '_', '-', '.' and '/', or a key given twice.
Result<std::map<std::string, std::string>> parse_key_values(const std::vector<std::string>& items,
                                                            const std::string& flag);

// The candidate closest to `word` by edit distance, or "" when none is close enough to be a
// plausible typo ("lst" -> "list", "--thread" -> "--threads").
std::string closest_name(const std::string& word, const std::vector<std::string>& candidates);

// The hidden subcommand a distributed `mlo train` launcher runs its workers with (not in the
// public command table; see cmd_tracker.cpp).
inline constexpr const char* kTrainWorkerCommand = "train-worker";

}  // namespace mlo::cli
