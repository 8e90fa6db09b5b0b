#include <iostream>

#include "command.hpp"
#include "output.hpp"

namespace mlo::cli {

namespace {
constexpr const char* kExitCodes =
    "code  meaning\n"
    "0     success; no drift; gate passed\n"
    "1     runtime failure (I/O, network, store unreachable)\n"
    "2     usage error (bad flag, bad argument)\n"
    "3     invalid input (unparsable data, schema mismatch, bad manifest/policy)\n"
    "4     not found (model, version, alias, key)\n"
    "5     conflict (lost a race, alias moved, lock timeout)\n"
    "6     integrity failure (digest mismatch, broken audit chain)\n"
    "8     finding: drift detected or performance below tolerance\n"
    "9     refused: promotion gate or approval policy said no; challenger not better\n";
}

void setup_help(CLI::App& app, Context& ctx) {
  auto topic = std::make_shared<std::string>();
  app.add_option("topic", *topic, "Help topic: exit-codes")->required();
  app.callback([&ctx, topic] {
    ctx.run = [topic]() -> Result<int> {
      if (*topic != "exit-codes") return make_error(ErrorCode::kUsage, "help: unknown topic '" + *topic + "' (known: exit-codes)");
      std::cout << kExitCodes;
      return 0;
    };
  });
}

}  // namespace mlo::cli
