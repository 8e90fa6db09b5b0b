#include "mlo/registry/gates.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace mlo {
namespace {

std::string ref_of(const ModelVersion& mv) { return mv.name + ":" + std::to_string(mv.version); }

// The holder's metric on the candidate's eval data, when it can be known: both evaluated on the
// same data digest, or the candidate recorded the holder's metrics on its own eval data.
struct Comparison {
  bool possible = false;
  double holder = 0;
  std::string why_not;
};

Comparison comparable(const std::string& metric, const ModelVersion& cand,
                      const ModelVersion& holder) {
  Comparison c;
  if (cand.champion && cand.champion->version == holder.version) {
    auto it = cand.champion->metrics.find(metric);
    if (it != cand.champion->metrics.end()) {
      c.possible = true;
      c.holder = it->second;
      return c;
    }
  }
  const std::string cd = cand.eval_data ? cand.eval_data->digest : "";
  const std::string hd = holder.eval_data ? holder.eval_data->digest : "";
  if (!cd.empty() && cd == hd) {
    auto it = holder.metrics.find(metric);
    if (it != holder.metrics.end()) {
      c.possible = true;
      c.holder = it->second;
      return c;
    }
    c.why_not = ref_of(holder) + " has no '" + metric + "' metric";
    return c;
  }
  c.why_not = fmt::format("cannot compare: {} was evaluated on {} and {} on {}", ref_of(cand),
                          cd.empty() ? "unrecorded data" : cd.substr(0, 19), ref_of(holder),
                          hd.empty() ? "unrecorded data" : hd.substr(0, 19));
  return c;
}

GateResult metric_gate(const PromotionPolicy& p, const GateInputs& in) {
  GateResult g{"metric", false, {}};
  const ModelVersion& cand = *in.candidate;
  if (!p.compare_metric) {
    g.passed = true;
    g.detail = "disabled by the policy";
    return g;
  }
  if (!in.holder) {
    g.passed = true;
    g.detail = "no current holder to compare with";
    return g;
  }
  auto mine = cand.metrics.find(p.metric);
  if (mine == cand.metrics.end()) {
    g.detail = ref_of(cand) + " has no '" + p.metric + "' metric";
    return g;
  }
  Comparison c = comparable(p.metric, cand, *in.holder);
  if (!c.possible) {
    g.detail = c.why_not;
    return g;
  }
  const double worse_by = p.higher_is_better ? c.holder - mine->second : mine->second - c.holder;
  g.passed = worse_by <= p.margin;
  g.detail = fmt::format("{} {:.6g} vs {:.6g} for {} ({} by {:.6g}, margin {:.6g})", p.metric,
                         mine->second, c.holder, ref_of(*in.holder),
                         worse_by > 0 ? "worse" : "not worse", std::max(worse_by, 0.0), p.margin);
  return g;
}

GateResult approvals_gate(const PromotionPolicy& p, const GateInputs& in) {
  GateResult g{"approvals", false, {}};
  std::vector<std::string> counted;
  for (const auto& actor : in.state->approvers) {
    if (p.approver_not_creator && actor == in.candidate->created_by) continue;
    if (!p.allowed_actors.empty() &&
        std::find(p.allowed_actors.begin(), p.allowed_actors.end(), actor) ==
            p.allowed_actors.end())
      continue;
    counted.push_back(actor);
  }
  g.passed = static_cast<int>(counted.size()) >= p.required_approvals;
  std::string who;
  for (const auto& a : counted) who += (who.empty() ? "" : ",") + a;
  g.detail = fmt::format("{} of {} required approvals{}{}", counted.size(), p.required_approvals,
                         who.empty() ? "" : " (" + who + ")",
                         p.approver_not_creator ? ", creator's own not counted" : "");
  return g;
}

std::string schema_text(const ModelVersion& mv) {
  std::string s = mv.task + ":";
  for (const auto& f : mv.features) s += f.name + "/" + f.type + ",";
  return s;
}

GateResult environment_gate(const PromotionPolicy& p, const GateInputs& in) {
  GateResult g{"environment", true, {}};
  const ModelVersion& cand = *in.candidate;
  std::vector<std::string> wrong;
  auto xgb = [](const ModelVersion& mv) {
    auto it = mv.environment.find("xgboost");
    return it == mv.environment.end() ? std::string("unknown") : it->second;
  };
  if (p.match_xgboost) {
    if (!in.scorer_xgboost.empty() && xgb(cand) != in.scorer_xgboost)
      wrong.push_back("XGBoost " + xgb(cand) + " != scorer's " + in.scorer_xgboost);
    if (in.holder && xgb(cand) != xgb(*in.holder))
      wrong.push_back("XGBoost " + xgb(cand) + " != " + ref_of(*in.holder) + "'s " +
                      xgb(*in.holder));
  }
  if (p.match_schema && in.holder && schema_text(cand) != schema_text(*in.holder))
    wrong.push_back("feature schema or task differs from " + ref_of(*in.holder) + "'s");
  for (const auto& w : wrong) g.detail += (g.detail.empty() ? "" : "; ") + w;
  g.passed = wrong.empty();
  if (g.passed) g.detail = "XGBoost " + xgb(cand) + ", schema matches";
  return g;
}

GateResult status_gate(const GateInputs& in) {
  const std::string& s = in.state->status;
  const bool ok = s != "rejected" && s != "archived";
  return {"status", ok, "status " + s};
}

}  // namespace

std::vector<GateResult> evaluate_gates(const PromotionPolicy& policy, const GateInputs& in) {
  return {metric_gate(policy, in), approvals_gate(policy, in), environment_gate(policy, in),
          status_gate(in)};
}

std::string describe_failed(const std::vector<GateResult>& gates) {
  std::string out;
  for (const auto& g : gates)
    if (!g.passed) out += (out.empty() ? "" : "; ") + g.name + " (" + g.detail + ")";
  return out;
}

}  // namespace mlo
