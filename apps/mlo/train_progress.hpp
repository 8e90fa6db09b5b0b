// Progress lines for train and retrain (stderr, only when Context::show_progress()).
#pragma once

#include <cmath>
#include <iostream>

#include <fmt/format.h>

#include "command.hpp"
#include "mlo/train/train_pipeline.hpp"

namespace mlo::cli {

inline train::TrainProgress make_train_progress(const Context& ctx) {
  train::TrainProgress p;
  if (!ctx.show_progress()) return p;
  p.on_stage = [](const std::string& text) {
    std::cerr << "\r\033[K" << text << "\n" << std::flush;
  };
  p.on_round = [](int round, int total, double metric) {
    std::cerr << "\r\033[K" << fmt::format("round {}/{}", round + 1, total);
    if (!std::isnan(metric)) std::cerr << fmt::format("  eval {:.5f}", metric);
    if (round + 1 == total) std::cerr << "\n";
    std::cerr << std::flush;
  };
  return p;
}

}  // namespace mlo::cli
