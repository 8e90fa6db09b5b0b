// Drift policy: which statistic decides drift per feature and at what threshold, how feature
// verdicts combine into a dataset verdict, data-quality limits and concept-drift tolerances.
// Loaded from YAML (see share/mlo/policy.example.yaml and docs/commands/drift.md); every field
// is optional and the defaults below are chosen so that a batch of >= 100k rows drawn from the
// training distribution does not alarm.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "mlo/core/result.hpp"

namespace mlo::drift {

// Methods: psi, js, ks_robust, ks (statistic), ks_pvalue, wasserstein (normalised by the
// reference std), chi2_pvalue, linf. "*_pvalue" methods alarm when p < threshold, the others
// when value > threshold.
struct Rule {
  std::string method;
  double threshold = 0;
};

struct FeatureRule {
  std::optional<Rule> rule;  // unset: the default for the feature's type
  double weight = 1.0;       // importance in the dataset-level share
  bool ignore = false;
};

struct QualityLimits {
  double max_null_rate_increase = 0.05;  // absolute increase of the null share
  double max_out_of_range_share = 0.05;  // share of values outside [ref min, ref max]
  double max_type_error_share = 0.0;     // share of non-numeric text in numeric columns
  double max_unseen_share = 1.0;         // share of categories never seen in the reference
  bool allow_missing_columns = false;    // a reference feature absent from the batch
  bool allow_empty_batch = false;
  bool fail_on_constant = false;  // a column constant in the batch but not in the reference
};

struct ConceptPolicy {
  // Allowed degradation (absolute) of a metric versus the version's recorded eval metric.
  std::map<std::string, double> tolerance{{"auc", 0.03},     {"accuracy", 0.03}, {"f1", 0.05},
                                          {"logloss", 0.05}, {"rmse", 0.1},      {"mae", 0.1}};
  // Fairness: worst-to-best ratio of slice_metric across slices below this -> finding.
  // 0 (default) reports the ratio without alarming: slices differ legitimately.
  double min_slice_ratio = 0.0;
  std::string slice_metric = "auc";  // binary default; regression uses rmse unless set
  uint64_t min_slice_rows = 200;     // smaller slices are reported but never alarm
  double threshold = 0.5;            // decision threshold for binary metrics
  // Binary slices: the slice degrades when its log-loss exceeds the log-loss the model itself
  // expects there (mean binary entropy of its scores) by more than slice_excess_logloss AND
  // by more than slice_z standard errors. Heterogeneous base rates do not trigger it; a broken
  // relation between features and labels on that slice does.
  double slice_excess_logloss = 0.05;
  double slice_z = 5.0;
};

struct Policy {
  Rule numeric{"psi", 0.2};
  Rule categorical{"js", 0.1};
  std::map<std::string, FeatureRule> features;
  double drift_share = 0.0;  // dataset drifts when the weighted share of drifted features is
                             // >= this and > 0 (default 0: any drifted feature)
  QualityLimits quality;
  ConceptPolicy performance;  // YAML key "concept"

  // kInvalidInput naming the field for unknown methods/keys, negative thresholds, etc.
  static Result<Policy> from_yaml(const std::string& text, const std::string& what);
  const FeatureRule* rule_for(const std::string& feature) const;
};

bool is_known_method(const std::string& method, bool categorical);
bool is_pvalue_method(const std::string& method);

}  // namespace mlo::drift
