// Placeholder: being written in this session.
#include "command.hpp"

namespace mlo::cli {

void setup_register(CLI::App& app, Context& ctx) {
  app.callback([&ctx] { ctx.run = []() -> Result<int> { return make_error(ErrorCode::kUsage, "register: not built yet"); }; });
}

}  // namespace mlo::cli
