#include "mlo/drift/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mlo::drift {

namespace {

struct Block {
  double sum_x = 0, sum_y = 0, w = 0;
  double mean_y() const { return sum_y / w; }
};

std::vector<std::pair<float, float>> sorted_pairs(std::span<const float> labels,
                                                  std::span<const float> scores) {
  std::vector<std::pair<float, float>> v;
  v.reserve(std::min(labels.size(), scores.size()));
  for (size_t i = 0; i < labels.size() && i < scores.size(); ++i)
    if (!std::isnan(scores[i]) && !std::isnan(labels[i])) v.emplace_back(scores[i], labels[i]);
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

double expected_calibration_error(std::span<const float> labels, std::span<const float> scores,
                                  int bins) {
  const auto v = sorted_pairs(labels, scores);
  if (v.empty() || bins < 1) return 0.0;
  double err = 0;
  const size_t n = v.size();
  for (int b = 0; b < bins; ++b) {
    const size_t lo = n * static_cast<size_t>(b) / static_cast<size_t>(bins);
    const size_t hi = n * static_cast<size_t>(b + 1) / static_cast<size_t>(bins);
    if (hi <= lo) continue;
    double sy = 0, sx = 0;
    for (size_t i = lo; i < hi; ++i) sx += v[i].first, sy += v[i].second;
    err += std::fabs(sy - sx);
  }
  return err / static_cast<double>(n);
}

CalibrationMap fit_isotonic(std::span<const float> labels, std::span<const float> scores) {
  CalibrationMap map;
  const auto v = sorted_pairs(labels, scores);
  map.rows = v.size();
  if (v.empty()) return map;
  map.ece_raw = expected_calibration_error(labels, scores);
  std::vector<Block> blocks;
  for (size_t i = 0; i < v.size();) {  // tied scores form one block first
    Block b;
    const float s = v[i].first;
    for (; i < v.size() && v[i].first == s; ++i)
      b.sum_x += v[i].first, b.sum_y += v[i].second, ++b.w;
    blocks.push_back(b);
    while (blocks.size() > 1 &&
           blocks[blocks.size() - 2].mean_y() >= blocks.back().mean_y()) {  // pool violators
      Block last = blocks.back();
      blocks.pop_back();
      blocks.back().sum_x += last.sum_x, blocks.back().sum_y += last.sum_y,
          blocks.back().w += last.w;
    }
  }
  // Bound the size: merge adjacent blocks into groups of about equal weight (contiguous
  // merges of a non-decreasing sequence stay non-decreasing).
  if (blocks.size() > kMaxCalibrationPoints) {
    const double target = static_cast<double>(v.size()) / (kMaxCalibrationPoints - 1);
    std::vector<Block> merged;
    for (const auto& b : blocks) {
      if (merged.empty() || merged.back().w >= target) merged.push_back(Block{});
      merged.back().sum_x += b.sum_x, merged.back().sum_y += b.sum_y, merged.back().w += b.w;
    }
    blocks = std::move(merged);
  }
  for (const auto& b : blocks) {
    map.x.push_back(b.sum_x / b.w);
    map.y.push_back(std::clamp(b.mean_y(), 0.0, 1.0));
  }
  return map;
}

double CalibrationMap::apply(double s) const {
  if (x.empty() || std::isnan(s)) return s;
  if (s <= x.front()) return y.front();
  if (s >= x.back()) return y.back();
  const size_t k = static_cast<size_t>(std::upper_bound(x.begin(), x.end(), s) - x.begin());
  const double t = (s - x[k - 1]) / (x[k] - x[k - 1]);
  return y[k - 1] + (y[k] - y[k - 1]) * t;
}

nlohmann::json CalibrationMap::to_json() const {
  return {{"method", "isotonic"}, {"rows", rows}, {"ece_raw", ece_raw}, {"x", x}, {"y", y}};
}

Result<CalibrationMap> CalibrationMap::from_json(const nlohmann::json& j, const std::string& what) {
  CalibrationMap m;
  try {
    if (j.at("method").get<std::string>() != "isotonic")
      return make_error(ErrorCode::kInvalidInput, what + ": unknown calibration method");
    m.rows = j.at("rows").get<uint64_t>();
    m.ece_raw = j.at("ece_raw").get<double>();
    m.x = j.at("x").get<std::vector<double>>();
    m.y = j.at("y").get<std::vector<double>>();
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorCode::kInvalidInput, what + ": calibration: " + e.what());
  }
  if (m.x.size() != m.y.size() || m.x.size() > kMaxCalibrationPoints ||
      !std::is_sorted(m.x.begin(), m.x.end()) || !std::is_sorted(m.y.begin(), m.y.end()))
    return make_error(ErrorCode::kInvalidInput, what + ": calibration map is not monotone");
  for (size_t i = 0; i < m.x.size(); ++i)
    if (!std::isfinite(m.x[i]) || !(m.y[i] >= 0 && m.y[i] <= 1))
      return make_error(ErrorCode::kInvalidInput, what + ": calibration map out of range");
  return m;
}

}  // namespace mlo::drift
