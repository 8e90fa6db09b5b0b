#include "mlo/metrics/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace mlo::metrics {

namespace {
double ratio(double num, double den) {
  return den > 0 ? num / den : 0.0;
}
bool positive(double y) {
  return y > 0.5;
}
}  // namespace

std::map<std::string, double> BinaryMetrics::as_map() const {
  std::map<std::string, double> m{{"accuracy", accuracy},
                                  {"precision", precision},
                                  {"recall", recall},
                                  {"f1", f1},
                                  {"logloss", logloss}};
  if (!std::isnan(auc)) m["auc"] = auc;
  return m;
}

std::map<std::string, double> RegressionMetrics::as_map() const {
  return {{"rmse", rmse}, {"mae", mae}, {"r2", r2}};
}

// Mann-Whitney form of the ROC area: average ranks over tied scores give exactly the
// trapezoidal ROC area that roc_auc_score computes.
double roc_auc(std::span<const double> y_true, std::span<const double> score) {
  const size_t n = std::min(y_true.size(), score.size());
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return score[a] < score[b]; });
  double pos = 0, rank_sum = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && score[order[j]] == score[order[i]]) ++j;
    const double avg_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (size_t k = i; k < j; ++k) {
      if (positive(y_true[order[k]])) {
        pos += 1;
        rank_sum += avg_rank;
      }
    }
    i = j;
  }
  const double neg = static_cast<double>(n) - pos;
  if (pos == 0 || neg == 0) return NAN;
  return (rank_sum - pos * (pos + 1) / 2.0) / (pos * neg);
}

double log_loss(std::span<const double> y_true, std::span<const double> score, double eps) {
  const size_t n = std::min(y_true.size(), score.size());
  if (n == 0) return 0.0;
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    const double p = std::clamp(score[i], eps, 1.0 - eps);
    sum -= positive(y_true[i]) ? std::log(p) : std::log1p(-p);
  }
  return sum / static_cast<double>(n);
}

BinaryMetrics binary_metrics(std::span<const double> y_true, std::span<const double> score,
                             double threshold) {
  BinaryMetrics m;
  m.n = std::min(y_true.size(), score.size());
  for (size_t i = 0; i < m.n; ++i) {
    const bool actual = positive(y_true[i]);
    const bool predicted = score[i] >= threshold;
    if (actual && predicted)
      ++m.tp;
    else if (!actual && predicted)
      ++m.fp;
    else if (actual)
      ++m.fn;
    else
      ++m.tn;
  }
  const auto d = [](uint64_t v) { return static_cast<double>(v); };
  m.accuracy = ratio(d(m.tp + m.tn), d(m.n));
  m.precision = ratio(d(m.tp), d(m.tp + m.fp));
  m.recall = ratio(d(m.tp), d(m.tp + m.fn));
  m.f1 = ratio(2 * d(m.tp), d(2 * m.tp + m.fp + m.fn));
  m.auc = roc_auc(y_true.first(m.n), score.first(m.n));
  m.logloss = log_loss(y_true.first(m.n), score.first(m.n));
  return m;
}

RegressionMetrics regression_metrics(std::span<const double> y_true, std::span<const double> pred) {
  RegressionMetrics m;
  m.n = std::min(y_true.size(), pred.size());
  if (m.n == 0) return m;
  const double n = static_cast<double>(m.n);
  double sse = 0, sae = 0, mean = 0;
  for (size_t i = 0; i < m.n; ++i) mean += y_true[i];
  mean /= n;
  double sst = 0;
  for (size_t i = 0; i < m.n; ++i) {
    const double e = y_true[i] - pred[i];
    sse += e * e;
    sae += std::abs(e);
    sst += (y_true[i] - mean) * (y_true[i] - mean);
  }
  m.rmse = std::sqrt(sse / n);
  m.mae = sae / n;
  if (sst > 0)
    m.r2 = 1.0 - sse / sst;
  else
    m.r2 = sse == 0 ? 1.0 : 0.0;
  return m;
}

bool higher_is_better(const std::string& metric) {
  return !(metric == "logloss" || metric == "mlogloss" || metric == "rmse" || metric == "mae" || metric == "mse");
}

std::map<std::string, double> multiclass_metrics(std::span<const float> y,
                                                 std::span<const float> prob, int num_class) {
  const size_t k = static_cast<size_t>(num_class);
  double correct = 0, loss = 0;
  for (size_t r = 0; r < y.size(); ++r) {
    const float* p = prob.data() + r * k;
    size_t best = static_cast<size_t>(std::max_element(p, p + k) - p);
    size_t label = static_cast<size_t>(y[r]);
    if (best == label) correct += 1;
    double q = std::clamp(static_cast<double>(p[label]), kLogLossEps, 1.0 - kLogLossEps);
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
  if (task == "regression") return regression_metrics(yt, p).as_map();
  return binary_metrics(yt, p, 0.5).as_map();
}

}  // namespace mlo::metrics
