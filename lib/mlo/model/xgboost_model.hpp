// XgbModel: the XGBoost C API behind a small value type. Load/save (JSON or UBJSON), train from
// dense float matrices (NaN = missing), predict. XGBoost errors come back as kInvalidInput
// (bad model bytes, bad params) or kRuntime, with only the first line of XGBGetLastError().
// libxgboost is opened on the first call that needs it (xgboost_api.hpp); without it those
// calls fail with kRuntime "XGBoost library ... could not be loaded: ...".
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mlo/core/result.hpp"

namespace mlo {

// The XGBoost version models are trained and scored with, for manifests' `environment` and the
// promotion gate: the library's own when it loads, else the build version (xgboost_api.hpp).
std::string xgboost_version();  // "1.7.4"

// Row-major dense matrix view; NaN marks a missing value.
struct DenseView {
  const float* data = nullptr;
  size_t rows = 0;
  size_t cols = 0;
};

struct TrainOptions {
  std::map<std::string, std::string> params;  // passed to XGBoosterSetParam (objective, eta, ...)
  int num_boost_round = 100;
  int early_stopping_rounds = 0;  // 0 = off; needs an eval set
  int nthread = 0;                // 0 = all cores
  // Called after every round with the round number and the eval metric's name as XGBoost
  // reports it ("logloss", "auc", ...) and value ("" and NaN without an eval set).
  std::function<void(int round, const std::string& metric, double value)> on_round;
};

// Membership of this process in XGBoost's collective (Rabit), for distributed training: while
// joined, XgbModel::train on every worker builds ONE model (the quantile sketch, histograms and
// eval metrics are all-reduced across workers; every worker must make the same calls in the
// same order). Config keys follow the linked XGBoost (upper-case DMLC_* in 1.7; lower-case
// dmlc_* from 2.1, which 1.7 would silently ignore and train alone).
struct CollectiveConfig {
  std::string tracker_host;
  int tracker_port = 0;
  std::string task_id;    // the tracker sorts ranks by it (zero-padded); "" = let it choose
  int world = 0;          // expected number of workers
  int timeout_sec = 300;  // bound on every collective operation (a hung or lost peer)
  int connect_retry = 3;  // tries to reach the tracker
};

struct CollectiveMember {
  int rank = 0;
  int world = 0;
};

// Joins; kRuntime when XGCommunicatorInit fails (tracker unreachable) or when the world the
// tracker reports differs from config.world.
Result<CollectiveMember> collective_join(const CollectiveConfig& config);
// Every worker's `mine`, in rank order, on every worker (one broadcast per rank; for small
// payloads such as partial preprocessing fits and digests). Collective: every worker calls it.
Result<std::vector<std::string>> collective_allgather(std::string_view mine);
// Leaves after a successful job (tells the tracker this worker is done).
Status collective_finalize();
// The config JSON passed to XGCommunicatorInit (exposed for tests).
std::string collective_config_json(const CollectiveConfig& config);

class XgbModel {
 public:
  // Parses a model saved by any XGBoost >= 1.0 as JSON or UBJSON. kInvalidInput otherwise.
  static Result<XgbModel> load(std::string_view bytes);
  static Result<XgbModel> train(DenseView x, const std::vector<float>& y, const DenseView* eval_x,
                                const std::vector<float>* eval_y, const TrainOptions& options);

  XgbModel(XgbModel&&) noexcept;
  XgbModel& operator=(XgbModel&&) noexcept;
  ~XgbModel();

  Result<std::string> save_ubjson() const;
  Result<std::string> save_json() const;

  size_t num_features() const;
  int num_outputs() const;        // 1, or num_class for multi:softprob
  std::string objective() const;  // "binary:logistic", "reg:squarederror", "multi:softprob", ...
  int best_iteration() const;     // after early stopping; -1 if not used

  // Predicts rows x num_outputs() values into `out` (transformed: probabilities for
  // classification). nthread 1 lets callers run one predictor per worker thread.
  Status predict(DenseView x, std::vector<float>& out, int nthread = 1) const;
  // Exact TreeSHAP contributions (XGBoost's pred_contribs): rows x groups x (features + 1)
  // values, the last of each group being the bias; per row and group they sum to the margin.
  Status contributions(DenseView x, std::vector<float>& out, int nthread = 1) const;
  // Untransformed scores (log-odds for binary:logistic): rows x num_outputs().
  Status predict_margin(DenseView x, std::vector<float>& out, int nthread = 1) const;

 private:
  struct Impl;
  explicit XgbModel(std::unique_ptr<Impl> impl);
  Status predict_type(DenseView x, int type, std::vector<float>& out, int nthread) const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mlo
