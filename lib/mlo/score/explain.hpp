// Per-row explanations for score-batch (`explain` column): the K features with the largest
// absolute SHAP contribution to the row's margin, ordered by |contribution|, ties by feature
// order. The contributions are XGBoost's exact TreeSHAP (Predictor::contributions, i.e.
// pred_contribs), whatever engine computes the scores: per row they plus the bias sum to the
// margin (log-odds for binary:logistic, the prediction for squared error).
//
// Output text of one row:
//   CSV    explain = `distance=+0.123;origin=-0.045` (shortest round-trip float32, signed; the
//          field is CSV-quoted when a feature name needs it)
//   JSONL  explain = {"distance":0.123,"origin":-0.045} (keys in |contribution| order)
// With `all` every feature is listed and a numeric `explain_bias` column holds the bias
// (XGBoost's last contribution column), so that sum(explain) + explain_bias == margin.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/score/row_formatter.hpp"

namespace mlo {

struct ExplainOptions {
  size_t top_k = 0;  // features per row, 1..number of features (ignored with `all`)
  bool all = false;  // every feature, plus the explain_bias column
};

// Writes into `order` the indices of the k entries of contribs[0..n) with the largest absolute
// value, largest first; equal magnitudes keep feature order. k is clamped to n.
void top_contributions(const float* contribs, size_t n, size_t k, std::vector<uint32_t>& order);

class ExplainFormatter {
 public:
  // kUsage when top_k is outside 1..features.size() (and not `all`).
  static Result<ExplainFormatter> create(OutputFormat format, std::vector<std::string> features,
                                         const ExplainOptions& options);

  // The columns this adds after the prediction: "explain" [, "explain_bias"].
  std::vector<std::string> columns() const;
  size_t top_k() const { return top_k_; }
  bool bias() const { return bias_; }
  // One row's values from its features.size() + 1 contributions (the bias last): `explain` as
  // output text (CSV: already quoted as needed; JSONL: a JSON object) and `bias` (a number; left
  // empty without the bias column). `order` is scratch space.
  void format(const float* contribs, std::vector<uint32_t>& order, std::string& explain,
              std::string& bias) const;

 private:
  ExplainFormatter() = default;

  OutputFormat format_ = OutputFormat::kCsv;
  std::vector<std::string> names_;  // CSV: as is; JSONL: quoted JSON keys with ':'
  size_t top_k_ = 0;
  bool bias_ = false;
};

}  // namespace mlo
