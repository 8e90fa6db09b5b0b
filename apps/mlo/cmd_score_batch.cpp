// Placeholder: being written in this session.
#include "command.hpp"

namespace mlo::cli {

void setup_score_batch(CLI::App& app, Context& ctx) {
  app.callback([&ctx] { ctx.run = []() -> Result<int> { return make_error(ErrorCode::kUsage, "score_batch: not built yet"); }; });
}

}  // namespace mlo::cli
