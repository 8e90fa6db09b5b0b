// Progress for train and retrain on stderr, only when Context::show_progress() (a terminal, CI
// unset, no -q/--no-progress):
//   reading a data file  "reading train.csv: 42% · ETA 0:03 · 120000 rows · 812k rows/s · 95.3
//   MB/s" boosting rounds      "training: 42% · ETA 0:18 · round 42/100 · 3.1 rounds/s ·
//   eval-logloss 0.51234" stages               one line each ("fitting preprocessing", "trial 2/8:
//   ...")
// Both redrawing lines are throttled to 4 draws a second (the last round is always drawn).
#pragma once

#include "command.hpp"
#include "mlo/train/train_pipeline.hpp"

namespace mlo::cli {

train::TrainProgress make_train_progress(const Context& ctx);

// The boosting-round line without the leading "\r" (exposed for its format).
std::string train_round_line(int round, int total, double seconds, const std::string& metric,
                             double value);

}  // namespace mlo::cli
