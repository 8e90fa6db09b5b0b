// Champion/challenger in one score-batch pass (input read and parsed once, both models'
// encoders and predictors run on the same chunk):
//  - shadow: every row is scored by both; the output gains `shadow_score` (the challenger's
//    score), and agreement is accumulated: mean |score - shadow_score|, and (binary) the share of
//    rows whose labels at the threshold agree.
//  - canary: a deterministic hash of the row's id routes `percent` of rows to the challenger;
//    the output gains `scored_by` ("name:N" of the version whose score is in the row).
//    canary_bucket() is the documented routing function: FNV-1a 64 of the id field's bytes as
//    read (no trimming), mod 10000; a row is routed when bucket < percent * 100. It depends only
//    on the id, so the split is the same in every run, shard and thread count.
// Both need single-output models (binary or regression) of the same task.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mlo/score/predictor.hpp"

namespace mlo {

enum class ChallengerMode { kShadow, kCanary };

struct ChallengerOptions {
  ChallengerMode mode = ChallengerMode::kShadow;
  const Predictor* predictor = nullptr;
  std::string label;          // the challenger's "name:N"
  std::string primary_label;  // the champion's "name:N" (canary: the other scored_by value)
  double percent = 0;         // canary: 0 < percent <= 100
  std::string id_column;      // canary: the column hashed for routing
};

struct ChallengerStats {
  uint64_t rows = 0;  // rows scored by both (shadow)
  double sum_abs_delta = 0;
  uint64_t label_agree = 0;  // binary only
  uint64_t canary_rows = 0;  // rows routed to the challenger (canary)

  void merge(const ChallengerStats& o) {
    rows += o.rows;
    sum_abs_delta += o.sum_abs_delta;
    label_agree += o.label_agree;
    canary_rows += o.canary_rows;
  }
  double mean_abs_delta() const { return rows ? sum_abs_delta / static_cast<double>(rows) : 0; }
  double label_agreement() const {
    return rows ? static_cast<double>(label_agree) / static_cast<double>(rows) : 0;
  }
};

uint32_t canary_bucket(std::string_view id);
inline bool canary_routed(std::string_view id, double percent) {
  return static_cast<double>(canary_bucket(id)) < percent * 100.0;
}

// kUsage when the two predictors cannot be paired (task, outputs) or the options are invalid.
Status check_challenger(const Predictor& primary, const ChallengerOptions& c);

// The extra output column's name: "shadow_score" or "scored_by".
const char* challenger_column(ChallengerMode mode);

}  // namespace mlo
