// The model's view of a drift batch, fed block by block from the same streaming pass as the
// feature profile. Scores come from a score column or from the version's Predictor (the one
// score-batch uses: same schema check, engine and encoders) and feed
//   - prediction drift: the outputs profiled against the version's monitoring baseline;
//   - CBPE (binary): performance estimated from the calibrated scores, labels not needed;
//   - concept drift (with labels): quality on the labelled rows, overall and per slice.
// Validation, every row:
//   label   blank = unlabelled (counted, not scored); binary: 0 or 1; regression: a number
//   score   a number; with labels an encode error fails the run, without labels the row is
//           left out of the prediction profile and counted (reported, never silent)
//   slice   blank values form their own slice "(blank)"
// Errors name the file and line and quote at most ~80 bytes of the value.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/data/encoder.hpp"
#include "mlo/data/rows.hpp"
#include "mlo/drift/cbpe.hpp"
#include "mlo/drift/concept.hpp"
#include "mlo/drift/prediction.hpp"
#include "mlo/drift/report.hpp"
#include "mlo/registry/manifest.hpp"
#include "mlo/score/predictor.hpp"

namespace mlo::monitor {

inline constexpr const char* kBlankSlice = "(blank)";

struct ScorerOptions {
  bool labels = false;
  std::string label_column;  // "" = the version's target
  std::string score_column;  // "" = score in-process with the predictor
  std::string slice_by;
  double threshold = 0.5;  // binary decision threshold
};

class BatchScorer {
 public:
  // `predictor` may be null only when a score column is given; `baseline` may be null (no
  // prediction drift, no CBPE). kInvalidInput for labels on a task other than binary or
  // regression, or no label column.
  static Result<BatchScorer> create(const ModelVersion& mv, const ScorerOptions& options,
                                    std::shared_ptr<const Predictor> predictor,
                                    std::shared_ptr<const drift::MonitoringBaseline> baseline);

  // `input` names the file in messages; `header` is its column list (re-bound when it changes).
  Status on_block(const std::string& input, const std::vector<std::string>& header,
                  const RowBlock& block);

  std::optional<drift::ConceptResult> concept_result(const std::map<std::string, double>& recorded,
                                                     const drift::ConceptPolicy& policy) const;
  std::optional<drift::LabelStats> label_stats() const;
  // Profile of the batch's outputs (against the baseline's), when there is a baseline.
  std::optional<drift::Profile> prediction_profile();
  std::optional<drift::CbpeResult> cbpe(const std::map<std::string, double>& recorded,
                                        const drift::ConceptPolicy& policy) const;
  uint64_t unscored_rows() const { return unscored_.count; }
  const std::string& first_unscored() const { return unscored_.first; }

 private:
  BatchScorer() = default;
  Status bind(const std::string& input, const std::vector<std::string>& header);
  Status scores_of(const std::string& input, const RowBlock& block, std::vector<float>& out);
  Status add_label(const std::string& input, const RowBlock& block, size_t row, double score);

  std::string task_;
  ScorerOptions options_;
  std::shared_ptr<const Predictor> predictor_;
  std::shared_ptr<const drift::MonitoringBaseline> baseline_;
  std::shared_ptr<Encoder> encoder_;
  std::shared_ptr<drift::ConceptAccumulator> concept_;
  std::shared_ptr<drift::ProfileBuilder> predictions_;
  std::shared_ptr<drift::CbpeAccumulator> cbpe_;
  std::vector<std::string> header_;
  size_t label_col_ = 0;
  std::optional<size_t> slice_col_, score_col_;
  drift::LabelStats stats_;
  BadRows unscored_;
  int width_ = 1;  // outputs per row
};

// At most ~80 bytes of a field, quoted, control characters and non-ASCII bytes escaped.
std::string quote_value(std::string_view value);

}  // namespace mlo::monitor
