// Promotion gates: what a policy (policy.hpp) requires of a candidate before an alias moves to
// it. Every gate is evaluated (none short-circuits), so a refusal names every failed gate.
#pragma once

#include <string>
#include <vector>

#include "mlo/registry/manifest.hpp"
#include "mlo/registry/policy.hpp"
#include "mlo/registry/state.hpp"

namespace mlo {

struct GateResult {
  std::string name;  // metric | approvals | environment | status
  bool passed = false;
  std::string detail;  // why, in one clause
};

struct GateInputs {
  const ModelVersion* candidate = nullptr;
  const VersionState* state = nullptr;  // the candidate's effective state
  const ModelVersion* holder = nullptr;  // the alias's current holder; nullptr when unset
  std::string scorer_xgboost;            // XGBoost version of the running scorer ("" = unknown)
};

std::vector<GateResult> evaluate_gates(const PromotionPolicy& policy, const GateInputs& in);

// "metric (…); approvals (…)" for the failed gates only.
std::string describe_failed(const std::vector<GateResult>& gates);

}  // namespace mlo
