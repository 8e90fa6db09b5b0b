#include "mlo/score/challenger.hpp"

namespace mlo {

uint32_t canary_bucket(std::string_view id) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a 64 offset basis
  for (unsigned char c : id) {
    h ^= c;
    h *= 1099511628211ull;  // FNV prime
  }
  return static_cast<uint32_t>(h % 10000);
}

Status check_challenger(const Predictor& primary, const ChallengerOptions& c) {
  if (!c.predictor) return make_error(ErrorCode::kUsage, "no challenger model");
  if (c.predictor->task() != primary.task())
    return make_error(ErrorCode::kUsage, "challenger " + c.label + " is a " + c.predictor->task() +
                                             " model, the champion " + c.primary_label + " a " +
                                             primary.task() + " model");
  if (primary.num_outputs() != 1 || c.predictor->num_outputs() != 1)
    return make_error(ErrorCode::kUsage,
                      "champion/challenger scoring supports binary and regression models only");
  if (c.mode == ChallengerMode::kCanary) {
    if (!(c.percent > 0 && c.percent <= 100))
      return make_error(ErrorCode::kUsage, "canary share must be in (0, 100] percent");
    if (c.id_column.empty())
      return make_error(ErrorCode::kUsage,
                        "canary routing needs an id column (the model's schema.passthrough)");
  }
  return {};
}

const char* challenger_column(ChallengerMode mode) {
  return mode == ChallengerMode::kShadow ? "shadow_score" : "scored_by";
}

}  // namespace mlo
