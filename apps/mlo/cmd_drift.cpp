// Placeholder: being written in this session.
#include "command.hpp"

namespace mlo::cli {

void setup_drift(CLI::App& app, Context& ctx) {
  app.callback([&ctx] { ctx.run = []() -> Result<int> { return make_error(ErrorCode::kUsage, "drift: not built yet"); }; });
}

}  // namespace mlo::cli
