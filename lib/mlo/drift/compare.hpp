// Compares a current batch with a reference, feature by feature, and applies a Policy.
//
// Profile mode (the version's stored baseline): statistics come from the histograms on the
// reference's fine quantile edges, so KS and Wasserstein carry a stated error bound:
//   KS:          |D_profile - D_exact| <= max over reference bins of max(ref share, cur share)
//                (and the current share below the reference minimum)  -> "ks_error"
//   Wasserstein: CDFs are taken linear inside each bin; the error is at most
//                sum over bins of width * (ref share + cur share)      -> "wasserstein_error"
//                (reported normalised like the statistic).
// PSI and Jensen-Shannon use 10 reference-quantile bins made by coarsening the fine bins.
// Exact mode (--reference data): KS/Wasserstein on the full sorted samples, PSI/JS bins at
// numpy.quantile(ref, [.1,...,.9]) (linear), value -> bin = searchsorted(edges, x, 'left').
#pragma once

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/drift/policy.hpp"
#include "mlo/drift/profile.hpp"
#include "mlo/drift/samples.hpp"

namespace mlo::drift {

inline constexpr int kPsiBins = 10;

struct Histogram {  // shares for the report charts
  std::vector<std::string> labels;
  std::vector<double> reference;
  std::vector<double> current;
};

// Summary statistics of one side (reference or current) for the report. Quantiles come from
// the profile's histogram (linear inside a reference bin) in profile mode, so they are
// approximate to one fine bin; NaN where a statistic does not apply.
struct SideStats {
  uint64_t rows = 0, count = 0, nulls = 0;
  double null_rate = 0;
  double mean = NAN, std = NAN, min = NAN, max = NAN;
  double p05 = NAN, p25 = NAN, p50 = NAN, p75 = NAN, p95 = NAN;
  uint64_t categories = 0;  // categorical: distinct categories kept
};

struct FeatureDrift {
  std::string name;
  FeatureKind kind = FeatureKind::kNumeric;
  bool present = true;  // the column exists in the batch
  bool exact = false;
  uint64_t reference_count = 0, current_count = 0, current_rows = 0;
  std::map<std::string, double> stats;    // psi, js, ks, ks_pvalue, ks_robust, wasserstein, ...
  std::map<std::string, double> quality;  // null rates, out_of_range_share, type_error_share, ...
  std::vector<std::string> issues;        // data-quality limits exceeded, in words
  std::string method;
  double threshold = 0, value = 0, severity = 0, weight = 1;
  bool drifted = false;
  Histogram histogram;
  SideStats reference, current;
  double importance = NAN;  // the model's mean |SHAP| share (max = 1), when known
};

struct DatasetDrift {
  std::vector<FeatureDrift> features;  // sorted by severity, worst first
  uint64_t reference_rows = 0, current_rows = 0;
  double drifted_share = 0;  // weighted share of drifted features
  bool drift = false;        // dataset-level rule
  bool quality_failed = false;
  std::vector<std::string> dataset_issues;  // e.g. "empty batch"
};

// Exact samples of one numeric feature (sorted ascending); both null in profile mode.
struct ExactSamples {
  const SortedSample* reference = nullptr;
  const SortedSample* current = nullptr;
};

// `current` must have been profiled against `reference` (same edges). `exact` is indexed like
// reference.features (may be empty). `present[i]` false marks a reference feature the batch
// lacks. kInvalidInput for a policy method that does not fit a feature's type.
Result<DatasetDrift> compare(const Profile& reference, const Profile& current,
                             const std::vector<ExactSamples>& exact,
                             const std::vector<bool>& present, const Policy& policy);

// Quantile q of a numeric profile from its histogram: linear inside the bin where the
// cumulative count crosses q, outer bins bounded by the profile's min/max. NaN when empty.
double profile_quantile(const FeatureProfile& profile, double q);
SideStats side_stats(const FeatureProfile& profile);

// Orders the features by importance-weighted severity (severity x importance / max importance),
// data-quality issues first and drifted features before the rest, as compare() does; sets each
// feature's `importance`. Features without an importance entry count as the least important.
void rank_by_importance(DatasetDrift& drift, const std::map<std::string, double>& importance);

// numpy.quantile(sorted, q) with the default linear method.
double quantile_linear(const SortedSample& sorted, double q);

}  // namespace mlo::drift
