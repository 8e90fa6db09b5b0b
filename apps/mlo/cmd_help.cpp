// mlo help [TOPIC|COMMAND]: no topic prints the command list (same as mlo --help); a command
// prints that command's --help; `exit-codes` prints the exit code table (JSON with --json).
#include <iostream>

#include "command.hpp"
#include "mlo/core/text.hpp"
#include "output.hpp"

namespace mlo::cli {

namespace {

struct ExitCodeRow {
  int code;
  const char* meaning;
};

constexpr ExitCodeRow kExitCodes[] = {
    {0, "success; no drift; gate passed"},
    {1, "runtime failure (I/O, network, store unreachable)"},
    {2, "usage error (bad flag, bad argument)"},
    {3, "invalid input (unparsable data, schema mismatch, bad manifest/policy)"},
    {4, "not found (model, version, alias, key, input file)"},
    {5, "conflict (lost a race, alias moved, lock timeout)"},
    {6, "integrity failure (digest mismatch, broken audit chain)"},
    {8, "finding: drift detected or performance below tolerance"},
    {9, "refused: promotion gate or approval policy said no; challenger not better"},
    {130, "interrupted by SIGINT (temp files removed, outputs left as they were)"},
    {143, "terminated by SIGTERM (temp files removed, outputs left as they were)"},
};

void print_exit_codes(bool json) {
  if (json) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : kExitCodes) rows.push_back({{"code", r.code}, {"meaning", r.meaning}});
    print_json({{"schema", "mlo/v1/exit-codes"}, {"exit_codes", rows}});
    return;
  }
  std::cout << "code  meaning\n";
  for (const auto& r : kExitCodes) {
    std::string code = std::to_string(r.code);
    std::cout << code << std::string(6 - code.size(), ' ') << r.meaning << "\n";
  }
}

}  // namespace

void setup_help(CLI::App& app, Context& ctx) {
  auto topic = std::make_shared<std::string>();
  app.add_option("topic", *topic, "A command name, or the topic exit-codes");
  app.callback([&ctx, &app, topic] {
    ctx.run = [&ctx, &app, topic]() -> Result<int> {
      CLI::App* root = app.get_parent();
      if (topic->empty()) {
        // Not root->help(): that delegates to the selected subcommand, which is `help` itself.
        std::cout << root->get_formatter()->make_help(root, root->get_name(),
                                                      CLI::AppFormatMode::Normal);
        return 0;
      }
      if (*topic == "exit-codes") {
        print_exit_codes(ctx.global.json);
        return 0;
      }
      std::vector<std::string> known{"exit-codes"};
      for (const CLI::App* sub : root->get_subcommands([](CLI::App*) { return true; })) {
        if (sub->get_name() == *topic) {
          std::cout << sub->help(root->get_name());  // exactly what `mlo CMD --help` prints
          return 0;
        }
        known.push_back(sub->get_name());
      }
      std::string msg = "help: unknown topic or command " + quote_value(*topic);
      const std::string guess = closest_name(*topic, known);
      msg += guess.empty() ? " (try 'mlo help')" : "; did you mean '" + guess + "'?";
      return make_error(ErrorCode::kUsage, msg);
    };
  });
}

}  // namespace mlo::cli
