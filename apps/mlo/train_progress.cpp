#include "train_progress.hpp"

#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "progress.hpp"

namespace mlo::cli {

namespace {

using Clock = std::chrono::steady_clock;

// Shared by the callbacks (TrainProgress holds copies of std::function).
struct TrainProgressState {
  std::optional<ProgressLine> reading;
  std::string reading_path;
  std::optional<Clock::time_point> rounds_start;
  Clock::time_point last_draw;
  bool round_drawn = false;

  void end_reading() {
    reading.reset();  // clears its line
    reading_path.clear();
  }
};

}  // namespace

std::string train_round_line(int round, int total, double seconds, const std::string& metric,
                             double value) {
  const int done = round + 1;
  std::string line = "training: ";
  if (total > 0) {
    const double frac = std::min(1.0, static_cast<double>(done) / total);
    line += fmt::format("{:.0f}% · ", frac * 100);
    if (seconds > 0) {
      const auto eta = static_cast<long>(std::lround(seconds * (1 - frac) / frac));
      line += fmt::format("ETA {}:{:02} · ", eta / 60, eta % 60);
    }
  }
  line += fmt::format("round {}/{}", done, total);
  if (seconds > 0) line += fmt::format(" · {:.1f} rounds/s", done / seconds);
  if (!std::isnan(value))
    line += fmt::format(" · eval-{} {:.5f}", metric.empty() ? "metric" : metric, value);
  return line;
}

train::TrainProgress make_train_progress(const Context& ctx) {
  train::TrainProgress p;
  if (!ctx.show_progress()) return p;
  auto state = std::make_shared<TrainProgressState>();
  p.on_stage = [state](const std::string& text) {
    state->end_reading();
    std::cerr << "\r\033[K" << text << "\n" << std::flush;
  };
  p.on_read = [state](const std::string& path, uint64_t bytes, uint64_t rows) {
    if (state->reading_path != path) {
      state->end_reading();
      state->reading.emplace("reading " + path, known_input_size(path));
      state->reading_path = path;
    }
    state->reading->update(bytes, rows);
  };
  p.on_round = [state](int round, int total, const std::string& metric, double value) {
    state->end_reading();
    const auto now = Clock::now();
    if (!state->rounds_start || round == 0) state->rounds_start = now;
    const bool last = round + 1 >= total;
    if (!last && state->round_drawn && now - state->last_draw < std::chrono::milliseconds(250))
      return;
    state->last_draw = now;
    state->round_drawn = true;
    // Round 0's time is not measured from its own start: count from the first report.
    const double secs = std::chrono::duration<double>(now - *state->rounds_start).count();
    std::cerr << "\r\033[K"
              << train_round_line(round, total, round == 0 ? 0.0 : secs * (round + 1) / round,
                                  metric, value);
    if (last) std::cerr << "\n";
    std::cerr << std::flush;
  };
  return p;
}

}  // namespace mlo::cli
