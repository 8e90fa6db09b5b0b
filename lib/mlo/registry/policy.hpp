// Promotion policy (share/mlo/promotion.example.yaml documents the format). Resolution, first
// found wins: an explicit file, the store's policies/<model>.yaml, the store's
// policies/promotion.yaml, the built-in default (identical to the shipped example).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/store/store.hpp"

namespace mlo {

struct PromotionPolicy {
  std::string source;              // file path, store key, or "built-in default"
  std::string alias = "champion";  // the production alias: retrain compares against its holder
  bool compare_metric = true;      // metric.enabled
  std::string metric = "auc";
  bool higher_is_better = true;
  double margin = 0.0;
  int required_approvals = 1;
  std::vector<std::string> allowed_actors;  // empty: anyone
  bool approver_not_creator = true;
  bool match_xgboost = true;
  bool match_schema = true;
};

// The built-in default's YAML text.
const char* default_policy_yaml();

// kInvalidInput naming `what` for anything malformed, unknown keys included (a typo must not
// silently weaken a gate).
Result<PromotionPolicy> parse_policy(const std::string& text, const std::string& what);

// `file`: an explicit policy file (kNotFound if missing).
Result<PromotionPolicy> resolve_policy(Store& store, const std::string& model,
                                       const std::optional<std::string>& file);

}  // namespace mlo
