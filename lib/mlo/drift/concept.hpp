// Concept drift: model quality on a labelled batch, overall and per slice, compared with the
// version's recorded eval metrics (manifest training.eval.metrics) under the policy's
// tolerances, plus a fairness check across slices (worst-to-best ratio of one metric).
// Keeps label, score and slice id per row (9 bytes) because AUC needs every score.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mlo/drift/policy.hpp"
#include "mlo/metrics/metrics.hpp"

namespace mlo::drift {

using metrics::BinaryMetrics;
using metrics::RegressionMetrics;

struct SliceQuality {
  std::string slice;  // "" for the overall row
  uint64_t rows = 0;
  std::map<std::string, double> metrics;
  uint64_t tp = 0, fp = 0, tn = 0, fn = 0;  // binary only
  bool eligible = true;                     // rows >= min_slice_rows (always true overall)
  std::vector<std::string> degraded;        // "auc 0.61 < recorded 0.74 - 0.03"
};

struct ConceptResult {
  std::string task;      // binary | regression
  std::string slice_by;  // "" without --slice-by
  SliceQuality overall;
  std::vector<SliceQuality> slices;  // sorted by slice_metric, worst first
  std::string slice_metric;
  double worst_to_best = 1.0;  // min/max of slice_metric over eligible slices, in [0, 1]
  bool degraded = false;
  std::vector<std::string> findings;
};

class ConceptAccumulator {
 public:
  explicit ConceptAccumulator(std::string task) : task_(std::move(task)) {}
  void add(double label, double score, std::string_view slice = {});
  uint64_t rows() const { return labels_.size(); }
  ConceptResult finish(const std::map<std::string, double>& recorded, const ConceptPolicy& policy,
                       const std::string& slice_by) const;

 private:
  std::string task_;
  std::vector<float> labels_, scores_;
  std::vector<uint32_t> slice_of_;
  std::unordered_map<std::string, uint32_t> slice_ids_;
  std::vector<std::string> slice_names_;
};

}  // namespace mlo::drift
