// Confidence-based performance estimation (CBPE, after NannyML) for binary models: the quality
// a batch would show if its labels were known, estimated from its scores alone.
//
// Every score is read through the version's calibration map (calibration.hpp), giving the
// probability p that the row is positive. With the model's decision threshold t, the expected
// confusion matrix is TP = sum p over rows with score >= t, FP = sum (1 - p) over them, FN and
// TN likewise below t; accuracy, precision, recall and F1 follow, and the expected ROC AUC is
// the AUC of the expected positives/negatives along the score order. The confidence band is
// the 2.5%..97.5% range of the same metrics over simulated label draws y ~ Bernoulli(p): the
// spread of the true metric on a batch of this size and score mix if calibration holds.
//
// Memory is bounded: scores are counted in kCbpeBins equal-width bins of [0, 1] (rows in one
// bin are treated as tied), never stored. Scores outside [0, 1] make the estimate unavailable.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "mlo/drift/calibration.hpp"

namespace mlo::drift {

inline constexpr size_t kCbpeBins = 4096;
inline constexpr double kPoorCalibrationEce = 0.05;  // raw ECE above this: "poorly calibrated"

struct CbpeResult {
  bool available = false;
  std::string note;  // why not available, or caveats (poor calibration, few eval rows)
  uint64_t rows = 0;
  std::map<std::string, double> estimate;                 // accuracy, precision, recall, f1, auc
  std::map<std::string, std::pair<double, double>> band;  // metric -> [low, high]
  std::vector<std::string> degraded;  // "estimated auc 0.61 < recorded 0.65 - 0.03"
  bool poorly_calibrated = false;
  double calibration_ece = 0;  // raw-score ECE on the eval data (from the map)
};

class CbpeAccumulator {
 public:
  CbpeAccumulator(CalibrationMap map, double threshold);
  void add(double score);
  // `recorded`: the version's eval metrics; `tolerance`: allowed drop per metric (metrics
  // absent from either are not judged). `draws` simulations with a fixed seed (deterministic).
  CbpeResult finish(const std::map<std::string, double>& recorded,
                    const std::map<std::string, double>& tolerance, int draws = 200,
                    uint64_t seed = 20261201) const;

 private:
  CalibrationMap map_;
  double threshold_;
  std::vector<uint64_t> counts_;
  std::vector<double> score_sums_;
  uint64_t rows_ = 0, out_of_range_ = 0;
};

// Metrics from per-bin positive and negative counts (bins in ascending score order; bins with
// index >= first_positive_bin are predicted positive). Exposed for tests.
std::map<std::string, double> binned_metrics(const std::vector<double>& positives,
                                             const std::vector<double>& negatives,
                                             size_t first_positive_bin);

}  // namespace mlo::drift
