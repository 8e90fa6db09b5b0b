// Small synthetic data sets for the model tests: integer-valued features (so rows fall exactly
// on split thresholds), NaNs, and labels for each task.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "mlo/model/xgboost_model.hpp"

namespace mlo::test {

struct Data {
  std::vector<float> x;
  std::vector<float> y;
  size_t rows = 0;
  size_t cols = 0;
  DenseView view() const { return DenseView{x.data(), rows, cols}; }
};

enum class Task { kBinary, kRegression, kMulticlass };

inline Data make_data(size_t rows, size_t cols, Task task, uint32_t seed, double nan_rate = 0.1,
                      int classes = 3) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> ints(0, 20);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::normal_distribution<double> noise(0.0, 1.0);
  Data d;
  d.rows = rows;
  d.cols = cols;
  d.x.resize(rows * cols);
  d.y.resize(rows);
  for (size_t r = 0; r < rows; ++r) {
    double s = 0;
    for (size_t c = 0; c < cols; ++c) {
      // Half the columns are integer-valued; the rest are continuous with a coarse grid.
      float v = c % 2 == 0 ? static_cast<float>(ints(rng))
                           : static_cast<float>(std::round(unit(rng) * 400.0) / 8.0);
      if (unit(rng) < nan_rate) v = NAN;
      d.x[r * cols + c] = v;
      if (!std::isnan(v)) s += (c % 3 == 0 ? 1.0 : -0.5) * v / 10.0;
    }
    s += 0.5 * noise(rng);
    switch (task) {
      case Task::kBinary:
        d.y[r] = s > 0.2 ? 1.0f : 0.0f;
        break;
      case Task::kRegression:
        d.y[r] = static_cast<float>(3.0 * s + 1.0);
        break;
      case Task::kMulticlass: {
        int k = static_cast<int>(std::floor(s + 1.0));
        d.y[r] = static_cast<float>(std::clamp(k, 0, classes - 1));
        break;
      }
    }
  }
  return d;
}

}  // namespace mlo::test
