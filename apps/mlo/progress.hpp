// One progress line on stderr, redrawn at most 4 times a second:
//   "<label>: 42% · 1,234,567 rows · 812k rows/s · 95.3 MB/s · ETA 0:07"
// The percentage and ETA appear only when the input size is known. Use only when
// Context::show_progress() (stderr is a terminal, CI unset, no -q/--no-progress).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace mlo::cli {

class ProgressLine {
 public:
  // total_bytes 0 = unknown.
  ProgressLine(std::string label, uint64_t total_bytes);
  ~ProgressLine();  // clears the line
  void update(uint64_t bytes, uint64_t rows);

 private:
  std::string label_;
  uint64_t total_;
  std::chrono::steady_clock::time_point start_, last_;
  bool drawn_ = false;
};

// The size of a regular, uncompressed input file (what `bytes` counts), else 0.
uint64_t known_input_size(const std::string& path);

}  // namespace mlo::cli
