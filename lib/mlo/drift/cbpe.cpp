#include "mlo/drift/cbpe.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

namespace mlo::drift {

namespace {

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(pos);
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

}  // namespace

std::map<std::string, double> binned_metrics(const std::vector<double>& pos,
                                             const std::vector<double>& neg,
                                             size_t first_positive_bin) {
  double tp = 0, fp = 0, fn = 0, tn = 0, auc_sum = 0, neg_below = 0;
  for (size_t b = 0; b < pos.size(); ++b) {
    if (b >= first_positive_bin)
      tp += pos[b], fp += neg[b];
    else
      fn += pos[b], tn += neg[b];
    auc_sum += pos[b] * (neg_below + 0.5 * neg[b]);  // ties within a bin count half
    neg_below += neg[b];
  }
  const double n = tp + fp + fn + tn, p = tp + fn;
  std::map<std::string, double> m;
  m["accuracy"] = n > 0 ? (tp + tn) / n : 0;
  m["precision"] = tp + fp > 0 ? tp / (tp + fp) : 0;
  m["recall"] = p > 0 ? tp / p : 0;
  m["f1"] = 2 * tp + fp + fn > 0 ? 2 * tp / (2 * tp + fp + fn) : 0;
  if (p > 0 && neg_below > 0) m["auc"] = auc_sum / (p * neg_below);
  return m;
}

CbpeAccumulator::CbpeAccumulator(CalibrationMap map, double threshold)
    : map_(std::move(map)),
      threshold_(threshold),
      counts_(kCbpeBins, 0),
      score_sums_(kCbpeBins, 0) {}

void CbpeAccumulator::add(double s) {
  if (std::isnan(s)) return;
  ++rows_;
  if (s < 0 || s > 1) {
    ++out_of_range_;
    return;
  }
  const size_t b = std::min(kCbpeBins - 1, static_cast<size_t>(s * kCbpeBins));
  ++counts_[b];
  score_sums_[b] += s;
}

CbpeResult CbpeAccumulator::finish(const std::map<std::string, double>& recorded,
                                   const std::map<std::string, double>& tolerance, int draws,
                                   uint64_t seed) const {
  CbpeResult r;
  r.rows = rows_;
  r.calibration_ece = map_.ece_raw;
  if (map_.empty()) {
    r.note = "no calibration map in the version (train it with this mlo to get one)";
    return r;
  }
  if (out_of_range_ > 0) {
    r.note = std::to_string(out_of_range_) + " scores outside [0, 1]: not probabilities";
    return r;
  }
  if (rows_ == 0) {
    r.note = "no scored rows";
    return r;
  }
  r.available = true;
  r.poorly_calibrated = map_.ece_raw > kPoorCalibrationEce;
  if (r.poorly_calibrated)
    r.note = "raw scores are poorly calibrated on the eval data (ECE " + fmt(map_.ece_raw) +
             "); estimates use the isotonic map fitted there";
  else if (map_.rows < 1000)
    r.note = "calibration map fitted on only " + std::to_string(map_.rows) + " eval rows";
  // Bins in score order with their calibrated probability.
  std::vector<size_t> nonempty;
  std::vector<double> prob;
  for (size_t b = 0; b < kCbpeBins; ++b) {
    if (!counts_[b]) continue;
    nonempty.push_back(b);
    prob.push_back(map_.apply(score_sums_[b] / static_cast<double>(counts_[b])));
  }
  const size_t t_bin = static_cast<size_t>(std::ceil(threshold_ * kCbpeBins - 1e-9));
  size_t first_pos = nonempty.size();
  for (size_t i = 0; i < nonempty.size(); ++i)
    if (nonempty[i] >= t_bin) {
      first_pos = i;
      break;
    }
  std::vector<double> pos(nonempty.size()), neg(nonempty.size());
  for (size_t i = 0; i < nonempty.size(); ++i) {
    const double n = static_cast<double>(counts_[nonempty[i]]);
    pos[i] = n * prob[i];
    neg[i] = n - pos[i];
  }
  r.estimate = binned_metrics(pos, neg, first_pos);
  std::mt19937_64 rng(seed);
  std::map<std::string, std::vector<double>> sims;
  for (int d = 0; d < draws; ++d) {
    for (size_t i = 0; i < nonempty.size(); ++i) {
      const auto n = counts_[nonempty[i]];
      std::binomial_distribution<uint64_t> bin(n, std::clamp(prob[i], 0.0, 1.0));
      pos[i] = static_cast<double>(bin(rng));
      neg[i] = static_cast<double>(n) - pos[i];
    }
    for (const auto& [k, v] : binned_metrics(pos, neg, first_pos)) sims[k].push_back(v);
  }
  for (const auto& [k, v] : sims) r.band[k] = {quantile(v, 0.025), quantile(v, 0.975)};
  for (const auto& [metric, tol] : tolerance) {
    auto est = r.estimate.find(metric);
    auto rec = recorded.find(metric);
    if (est == r.estimate.end() || rec == recorded.end()) continue;
    if (est->second < rec->second - tol)
      r.degraded.push_back("estimated " + metric + " " + fmt(est->second) + " < recorded " +
                           fmt(rec->second) + " - " + fmt(tol));
  }
  return r;
}

}  // namespace mlo::drift
