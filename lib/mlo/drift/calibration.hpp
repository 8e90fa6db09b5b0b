// Calibration of binary scores: an isotonic (monotone non-decreasing) map from a model's score
// to the observed positive rate, fitted by pool-adjacent-violators on the evaluation data at
// train time and stored in the version's monitoring artifact. CBPE (cbpe.hpp) is only valid
// for calibrated probabilities, so it reads every score through this map.
//
// The map is piecewise linear between the blocks' mean scores (as scikit-learn's
// IsotonicRegression(out_of_bounds="clip") predicts), constant outside them, and has at most
// kMaxCalibrationPoints points (adjacent blocks merged by weight when PAV yields more).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "mlo/core/result.hpp"

namespace mlo::drift {

inline constexpr size_t kMaxCalibrationPoints = 512;

struct CalibrationMap {
  std::vector<double> x;  // ascending block mean scores
  std::vector<double> y;  // non-decreasing positive rates in [0, 1]
  uint64_t rows = 0;      // evaluation rows the map was fitted on
  // Expected calibration error of the raw scores on the fitting data (10 equal-count bins):
  // mean over rows of |bin positive rate - bin mean score|.
  double ece_raw = 0;
  double apply(double score) const;
  bool empty() const { return x.empty(); }
  nlohmann::json to_json() const;
  static Result<CalibrationMap> from_json(const nlohmann::json& j, const std::string& what);
};

// Labels 0/1, scores any real numbers (rows with NaN skipped). Empty input: an empty map.
CalibrationMap fit_isotonic(std::span<const float> labels, std::span<const float> scores);
// ECE as above for any labels/scores.
double expected_calibration_error(std::span<const float> labels, std::span<const float> scores,
                                  int bins = 10);

}  // namespace mlo::drift
