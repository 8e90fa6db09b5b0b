// Tiny generated training data for the train and retrain unit tests: a binary target that
// depends on one numeric and one categorical feature, written as CSV.
#pragma once

#include <random>
#include <string>

#include <fmt/format.h>

#include "core/temp_dir.hpp"

namespace mlo::test {

// `shift` moves the numeric feature (new data for retrain); `seed` picks the rows.
inline std::string write_binary_csv(const std::string& path, int rows, unsigned seed,
                                    double shift = 0.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> norm(0.0, 1.0);
  const char* levels[] = {"a", "b", "c", "d"};
  std::string csv = "id,x1,x2,c,y\n";
  for (int i = 0; i < rows; ++i) {
    double x1 = norm(rng) + shift, x2 = norm(rng);
    int level = static_cast<int>(rng() % 4);
    double logit = 1.5 * x1 - 0.5 * x2 + (level == 0 ? 1.0 : level == 3 ? -1.0 : 0.0);
    double u = std::uniform_real_distribution<double>(0, 1)(rng);
    int y = u < 1.0 / (1.0 + std::exp(-logit)) ? 1 : 0;
    std::string x2s = i % 17 == 0 ? "" : fmt::format("{:.4f}", x2);  // some missing values
    csv += fmt::format("r{},{:.4f},{},{},{}\n", i, x1, x2s, levels[level], y);
  }
  write_text(path, csv);
  return path;
}

inline const char* kBinaryRecipe = R"(name: tiny
task: binary
target: y
id: id
features:
  numeric: [x1, x2]
  categorical: [c]
params: {max_depth: 3, eta: 0.3, num_boost_round: 20, seed: 7}
early_stopping_rounds: 5
)";

}  // namespace mlo::test
