#include "mlo/monitor/batch_scorer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mlo::monitor {

using namespace mlo::drift;

std::string quote_value(std::string_view v) {
  constexpr size_t kMax = 80;
  std::string out = "'";
  size_t i = 0;
  for (; i < v.size() && out.size() < kMax; ++i) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (c < 0x20 || c >= 0x7f) {  // escape rather than pass raw bytes into a message
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (i < v.size()) out += "...";
  return out + "'";
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

Error row_error(const std::string& input, uint64_t line, const std::string& what) {
  return make_error(ErrorCode::kInvalidInput,
                    input + ": line " + std::to_string(line) + ": " + what);
}

std::string version_of(const ModelVersion& mv) {
  return mv.name + ":" + std::to_string(mv.version);
}

}  // namespace

Result<BatchScorer> BatchScorer::create(const ModelVersion& mv, const ScorerOptions& options,
                                        std::shared_ptr<const Predictor> predictor,
                                        std::shared_ptr<const MonitoringBaseline> baseline) {
  BatchScorer s;
  s.task_ = mv.task;
  s.options_ = options;
  if (options.labels) {
    if (s.task_ != "binary" && s.task_ != "regression")
      return make_error(ErrorCode::kInvalidInput, version_of(mv) + ": labels: task '" + mv.task +
                                                      "' is not supported (binary, regression)");
    if (s.options_.label_column.empty()) s.options_.label_column = mv.target;
    if (s.options_.label_column.empty())
      return make_error(ErrorCode::kInvalidInput,
                        version_of(mv) + ": labels: the version records no target column");
    s.concept_ = std::make_shared<ConceptAccumulator>(mv.task);
  }
  if (s.options_.score_column.empty() && !predictor)
    return make_error(ErrorCode::kInvalidInput, "no score column and no model to score with");
  s.predictor_ = std::move(predictor);
  if (s.predictor_) s.width_ = std::max(1, s.predictor_->num_outputs());
  if (!s.options_.score_column.empty()) s.width_ = 1;
  s.baseline_ = std::move(baseline);
  if (s.baseline_) {
    s.predictions_ =
        std::make_shared<ProfileBuilder>(ProfileBuilder::against(s.baseline_->predictions));
    if (s.task_ == "binary")
      s.cbpe_ = std::make_shared<CbpeAccumulator>(s.baseline_->calibration, options.threshold);
  }
  return s;
}

Status BatchScorer::bind(const std::string& input, const std::vector<std::string>& header) {
  auto col = [&](const std::string& name, const char* role) -> Result<size_t> {
    auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end())
      return make_error(ErrorCode::kInvalidInput,
                        input + ": no " + role + " column " + quote_value(name));
    return static_cast<size_t>(it - header.begin());
  };
  slice_col_.reset();
  score_col_.reset();
  encoder_.reset();
  if (options_.labels) {
    MLO_ASSIGN_OR_RETURN(label_col_, col(options_.label_column, "label"));
    if (!options_.slice_by.empty()) {
      MLO_ASSIGN_OR_RETURN(size_t s, col(options_.slice_by, "slice"));
      slice_col_ = s;
    }
  }
  if (!options_.score_column.empty()) {
    MLO_ASSIGN_OR_RETURN(size_t s, col(options_.score_column, "score"));
    score_col_ = s;
  } else {
    auto enc = Encoder::create(predictor_->spec(), header, input);
    if (!enc.ok()) {
      // Without labels the model's outputs are optional: a batch the policy lets miss a
      // feature column is still profiled, its outputs are reported as not scored.
      if (options_.labels) return enc.error();
      header_ = header;
      if (unscored_.count == 0) unscored_.first = enc.error().message;
      return {};
    }
    encoder_ = std::make_shared<Encoder>(std::move(*enc));
  }
  header_ = header;
  return {};
}

// Fills rows x width_ outputs; NaN for rows that could not be encoded (no labels only).
Status BatchScorer::scores_of(const std::string& input, const RowBlock& block,
                              std::vector<float>& scores) {
  const size_t w = static_cast<size_t>(width_);
  scores.assign(block.rows() * w, NAN);
  if (score_col_) {
    for (size_t r = 0; r < block.rows(); ++r) {
      const std::string_view cell = block.at(r, *score_col_);
      float v = NAN;
      if (!parse_float_field(cell, v) || std::isinf(v))
        return row_error(input, block.lines[r],
                         "score " + quote_value(cell) + " in column " +
                             quote_value(options_.score_column) + " is not a number");
      scores[r] = v;
    }
    return {};
  }
  if (!encoder_) {  // the batch lacks a feature column (see bind)
    unscored_.count += block.rows();
    return {};
  }
  EncodedBlock enc;
  const OnBadRow mode = options_.labels ? OnBadRow::kFail : OnBadRow::kSkip;
  if (Status st = encoder_->encode(block, mode, enc); !st.ok()) {
    const std::string& m = st.error().message;
    return make_error(st.error().code, m.rfind(input, 0) == 0 ? m : input + ": " + m);
  }
  if (enc.bad.count) {
    if (unscored_.count == 0) unscored_.first = input + ": " + enc.bad.first;
    unscored_.count += enc.bad.count;
  }
  std::vector<float> out;
  MLO_TRY(predictor_->predict(enc.x.data(), enc.rows.size(), out));
  for (size_t i = 0; i < enc.rows.size(); ++i)
    std::copy_n(out.begin() + static_cast<std::ptrdiff_t>(i * w), w,
                scores.begin() + static_cast<std::ptrdiff_t>(enc.rows[i] * w));
  return {};
}

Status BatchScorer::add_label(const std::string& input, const RowBlock& block, size_t r,
                              double score) {
  const std::string_view cell = block.at(r, label_col_);
  if (mlo::is_missing_token(trim(cell))) {
    ++stats_.unlabelled;
    return {};
  }
  float y = NAN;
  if (!parse_float_field(cell, y) || !std::isfinite(y))
    return row_error(input, block.lines[r],
                     "label " + quote_value(cell) + " in column " +
                         quote_value(options_.label_column) + " is not a number");
  if (task_ == "binary" && y != 0.0f && y != 1.0f)
    return row_error(input, block.lines[r],
                     "label " + quote_value(cell) + " in column " +
                         quote_value(options_.label_column) + " is not 0 or 1");
  if (std::isnan(score)) return row_error(input, block.lines[r], "labelled row without a score");
  std::string slice;
  if (slice_col_) {
    slice = category_key(trim(block.at(r, *slice_col_)));
    if (slice.empty()) slice = kBlankSlice;
  }
  ++stats_.labelled;
  concept_->add(y, score, slice);
  return {};
}

Status BatchScorer::on_block(const std::string& input, const std::vector<std::string>& header,
                             const RowBlock& block) {
  if (header_ != header) MLO_TRY(bind(input, header));
  std::vector<float> scores;
  MLO_TRY(scores_of(input, block, scores));
  const size_t w = static_cast<size_t>(width_);
  for (size_t r = 0; r < block.rows(); ++r) {
    const float* out = scores.data() + r * w;
    if (predictions_ && !std::isnan(out[0])) {
      const auto [value, cls] = prediction_of(task_, out, width_, options_.threshold);
      predictions_->add_value(0, value);
      if (predictions_->num_features() > 1) predictions_->add_category(1, cls);
      predictions_->end_row();
      if (cbpe_) cbpe_->add(value);
    }
    if (concept_) MLO_TRY(add_label(input, block, r, out[0]));
  }
  return {};
}

std::optional<ConceptResult> BatchScorer::concept_result(
    const std::map<std::string, double>& recorded, const ConceptPolicy& policy) const {
  if (!concept_) return std::nullopt;
  return concept_->finish(recorded, policy, options_.slice_by);
}

std::optional<LabelStats> BatchScorer::label_stats() const {
  if (!concept_) return std::nullopt;
  return stats_;
}

std::optional<Profile> BatchScorer::prediction_profile() {
  if (!predictions_) return std::nullopt;
  return predictions_->finish();
}

std::optional<CbpeResult> BatchScorer::cbpe(const std::map<std::string, double>& recorded,
                                            const ConceptPolicy& policy) const {
  if (!cbpe_) return std::nullopt;
  return cbpe_->finish(recorded, policy.tolerance);
}

}  // namespace mlo::monitor
