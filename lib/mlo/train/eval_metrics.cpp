#include "mlo/train/eval_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "mlo/drift/metrics.hpp"

namespace mlo::train {

std::map<std::string, double> multiclass_metrics(std::span<const float> y,
                                                 std::span<const float> prob, int num_class) {
  const size_t k = static_cast<size_t>(num_class);
  double correct = 0, loss = 0;
  for (size_t r = 0; r < y.size(); ++r) {
    const float* p = prob.data() + r * k;
    size_t best = static_cast<size_t>(std::max_element(p, p + k) - p);
    size_t label = static_cast<size_t>(y[r]);
    if (best == label) correct += 1;
    double q =
        std::clamp(static_cast<double>(p[label]), drift::kLogLossEps, 1.0 - drift::kLogLossEps);
    loss -= std::log(q);
  }
  double n = static_cast<double>(y.size());
  if (y.empty()) return {{"accuracy", 0.0}, {"mlogloss", 0.0}};
  return {{"accuracy", correct / n}, {"mlogloss", loss / n}};
}

std::map<std::string, double> eval_metrics(const std::string& task, std::span<const float> y,
                                           std::span<const float> pred, int num_class) {
  if (task == "multiclass") return multiclass_metrics(y, pred, num_class);
  std::vector<double> yt(y.begin(), y.end()), p(pred.begin(), pred.end());
  if (task == "regression") return drift::regression_metrics(yt, p).as_map();
  return drift::binary_metrics(yt, p, 0.5).as_map();
}

}  // namespace mlo::train
