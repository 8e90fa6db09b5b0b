// XgbModel over the XGBoost 1.7 C API. Every C call returns -1 on error and leaves the message
// in XGBGetLastError(); only its first line (minus XGBoost's "[time] file:line: " prefix) is
// shown to users.
#include "mlo/model/xgboost_model.hpp"

#include "mlo/model/model_document.hpp"
#include "mlo/model/xgboost_api.hpp"

#include <xgboost/version_config.h>

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <mutex>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mlo {

namespace {

std::string last_xgb_error(const XgbApi& xgb) {
  std::string msg = xgb.XGBGetLastError();
  if (auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
  // "[09:21:30] ../src/learner.cc:123: Check failed: ..." -> "Check failed: ..."
  if (!msg.empty() && msg[0] == '[') {
    auto close = msg.find("] ");
    auto colon = close == std::string::npos ? close : msg.find(": ", close);
    if (colon != std::string::npos) msg = msg.substr(colon + 2);
  }
  return msg.empty() ? "unknown XGBoost error" : msg;
}

Error xgb_error(const XgbApi& xgb, ErrorCode code, const std::string& what) {
  return make_error(code, what + ": " + last_xgb_error(xgb));
}

struct DMatrix {
  const XgbApi* api = nullptr;  // set with h
  DMatrixHandle h = nullptr;
  DMatrix() = default;
  explicit DMatrix(const XgbApi& xgb) : api(&xgb) {}
  DMatrix(DMatrix&& o) noexcept : api(o.api), h(std::exchange(o.h, nullptr)) {}
  DMatrix& operator=(DMatrix&& o) noexcept {
    std::swap(api, o.api);
    std::swap(h, o.h);
    return *this;
  }
  ~DMatrix() {
    if (h) api->XGDMatrixFree(h);
  }
};

Result<DMatrix> make_dmatrix(const XgbApi& xgb, DenseView x, const std::vector<float>& y,
                             const char* what) {
  if (y.size() != x.rows)
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("{}: {} labels for {} rows", what, y.size(), x.rows));
  DMatrix m(xgb);
  if (xgb.XGDMatrixCreateFromMat(x.data, x.rows, x.cols, NAN, &m.h) != 0)
    return xgb_error(xgb, ErrorCode::kInvalidInput, what);
  if (xgb.XGDMatrixSetFloatInfo(m.h, "label", y.data(), y.size()) != 0)
    return xgb_error(xgb, ErrorCode::kInvalidInput, what);
  return m;
}

bool metric_maximized(const std::string& name) {
  for (const char* p : {"auc", "aucpr", "map", "ndcg", "pre"}) {
    if (name == p || name.rfind(std::string(p) + "@", 0) == 0) return true;
  }
  return false;
}

// "[3]\teval-auc:0.71\teval-logloss:0.52" -> the last metric, which XGBoost's own early stopping
// uses.
bool parse_last_metric(const char* text, std::string& name, double& value) {
  std::string s = text;
  auto tab = s.rfind('\t');
  if (tab == std::string::npos) return false;
  std::string item = s.substr(tab + 1);
  auto colon = item.rfind(':');
  auto dash = item.find('-');
  if (colon == std::string::npos || dash == std::string::npos || dash > colon) return false;
  name = item.substr(dash + 1, colon - dash - 1);
  char* end = nullptr;
  value = std::strtod(item.c_str() + colon + 1, &end);
  return end != item.c_str() + colon + 1;
}

// Validates the model before XGBoost sees it (XGBoost trusts sizes and child indices and can
// crash, hang or allocate without bound on a crafted file), then prepares the bytes: XGBoost
// 1.7 dispatches a buffer starting with '{' on its second byte ('"' is JSON, a letter is
// UBJSON), so pretty-printed JSON is compacted first.
Result<std::string> normalize_model_bytes(std::string_view bytes) {
  MLO_TRY(ModelDocument::parse(bytes));
  if (model_is_json_text(bytes) && bytes[1] != '"') return compact_json(bytes);
  return std::string(bytes);
}

}  // namespace

std::string xgboost_version() {
  auto loaded = xgboost_library_version();
  return loaded.ok() ? *loaded : xgboost_build_version();
}

std::string collective_config_json(const CollectiveConfig& c) {
  nlohmann::json j;
#if XGBOOST_VER_MAJOR > 2 || (XGBOOST_VER_MAJOR == 2 && XGBOOST_VER_MINOR >= 1)
  j["dmlc_tracker_uri"] = c.tracker_host;
  j["dmlc_tracker_port"] = c.tracker_port;
  if (!c.task_id.empty()) j["dmlc_task_id"] = c.task_id;
  j["dmlc_timeout"] = c.timeout_sec;
  j["dmlc_retry"] = c.connect_retry;
#else
  // No rabit_world_size: the 1.7 tracker would adopt a worker's world size instead of
  // confirming its own, which is what collective_join checks.
  j["DMLC_TRACKER_URI"] = c.tracker_host;
  j["DMLC_TRACKER_PORT"] = c.tracker_port;
  if (!c.task_id.empty()) j["DMLC_TASK_ID"] = c.task_id;
  j["rabit_timeout"] = true;
  j["rabit_timeout_sec"] = c.timeout_sec;
  j["DMLC_WORKER_CONNECT_RETRY"] = c.connect_retry;
#endif
  return j.dump();
}

Result<CollectiveMember> collective_join(const CollectiveConfig& c) {
  MLO_ASSIGN_OR_RETURN(const XgbApi* api, xgboost_api());
  const XgbApi& xgb = *api;
  const std::string where = fmt::format("tracker {}:{}", c.tracker_host, c.tracker_port);
  // Rabit logs connection retries, stack traces and "task N got new rank R" to stderr whatever
  // the verbosity; lib/ never prints (errors come back through XGBGetLastError), so stderr
  // points at /dev/null while joining. Joining happens before any other thread of ours runs.
  xgb.XGBSetGlobalConfig(R"({"verbosity":0})");
  int saved = dup(STDERR_FILENO);
  int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (saved >= 0 && devnull >= 0) dup2(devnull, STDERR_FILENO);
  int rc = xgb.XGCommunicatorInit(collective_config_json(c).c_str());
  if (saved >= 0) {
    dup2(saved, STDERR_FILENO);
    close(saved);
  }
  if (devnull >= 0) close(devnull);
  if (rc != 0) return xgb_error(xgb, ErrorCode::kRuntime, "cannot join the " + where);
  CollectiveMember m{xgb.XGCommunicatorGetRank(), xgb.XGCommunicatorGetWorldSize()};
  const bool distributed = xgb.XGCommunicatorIsDistributed() != 0;
  if (!distributed || m.world != c.world) {
    // Leave cleanly so the tracker does not wait for this worker.
    xgb.XGCommunicatorFinalize();
    return make_error(ErrorCode::kRuntime,
                      fmt::format("the {} reports a world of {} workers, expected {}", where,
                                  distributed ? m.world : 0, c.world));
  }
  return m;
}

Result<std::vector<std::string>> collective_allgather(std::string_view mine) {
  MLO_ASSIGN_OR_RETURN(const XgbApi* api, xgboost_api());
  const XgbApi& xgb = *api;
  const int rank = xgb.XGCommunicatorGetRank(), world = xgb.XGCommunicatorGetWorldSize();
  std::vector<std::string> out(static_cast<size_t>(world));
  for (int root = 0; root < world; ++root) {
    uint64_t size = root == rank ? mine.size() : 0;
    if (xgb.XGCommunicatorBroadcast(&size, sizeof size, root) != 0)
      return xgb_error(xgb, ErrorCode::kRuntime, "collective broadcast");
    std::string& buf = out[static_cast<size_t>(root)];
    buf = root == rank ? std::string(mine) : std::string(size, '\0');
    if (size > 0 && xgb.XGCommunicatorBroadcast(buf.data(), size, root) != 0)
      return xgb_error(xgb, ErrorCode::kRuntime, "collective broadcast");
  }
  return out;
}

Status collective_finalize() {
  MLO_ASSIGN_OR_RETURN(const XgbApi* api, xgboost_api());
  const XgbApi& xgb = *api;
  if (xgb.XGCommunicatorFinalize() != 0)
    return xgb_error(xgb, ErrorCode::kRuntime, "collective finalize");
  return {};
}

struct XgbModel::Impl {
  const XgbApi& xgb;
  BoosterHandle h = nullptr;
  int best_iteration = -1;
  size_t num_features = 0;
  int num_outputs = 1;
  std::string objective;
  mutable std::mutex nthread_mu;
  mutable int nthread = -1;

  explicit Impl(const XgbApi& api) : xgb(api) {}
  ~Impl() {
    if (h) xgb.XGBoosterFree(h);
  }

  // Caches what the accessors report, from the booster's own config.
  Status describe() {
    bst_ulong nf = 0;
    if (xgb.XGBoosterGetNumFeature(h, &nf) != 0)
      return xgb_error(xgb, ErrorCode::kInvalidInput, "model");
    num_features = static_cast<size_t>(nf);
    bst_ulong len = 0;
    const char* cfg = nullptr;
    if (xgb.XGBoosterSaveJsonConfig(h, &len, &cfg) != 0)
      return xgb_error(xgb, ErrorCode::kInvalidInput, "model config");
    try {
      auto doc = nlohmann::json::parse(std::string_view(cfg, len));
      const auto& learner = doc.at("learner");
      objective = learner.at("objective").at("name").get<std::string>();
      int num_class =
          std::stoi(learner.at("learner_model_param").at("num_class").get<std::string>());
      num_outputs = objective == "multi:softprob" ? std::max(num_class, 1) : 1;
    } catch (const std::exception& e) {
      return make_error(ErrorCode::kInvalidInput, std::string("model config: ") + e.what());
    }
    int success = 0;
    const char* attr = nullptr;
    if (xgb.XGBoosterGetAttr(h, "best_iteration", &attr, &success) == 0 && success && attr)
      best_iteration = std::atoi(attr);
    return {};
  }

  Status set_nthread(int n) const {
    std::lock_guard<std::mutex> lock(nthread_mu);
    if (nthread == n) return {};
    if (xgb.XGBoosterSetParam(h, "nthread", std::to_string(n).c_str()) != 0)
      return xgb_error(xgb, ErrorCode::kRuntime, "predict");
    nthread = n;
    return {};
  }
};

XgbModel::XgbModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
XgbModel::XgbModel(XgbModel&&) noexcept = default;
XgbModel& XgbModel::operator=(XgbModel&&) noexcept = default;
XgbModel::~XgbModel() = default;

Result<XgbModel> XgbModel::load(std::string_view bytes) {
  MLO_ASSIGN_OR_RETURN(std::string normalized, normalize_model_bytes(bytes));
  MLO_ASSIGN_OR_RETURN(const XgbApi* api, xgboost_api());
  const XgbApi& xgb = *api;
  auto impl = std::make_unique<Impl>(xgb);
  if (xgb.XGBoosterCreate(nullptr, 0, &impl->h) != 0)
    return xgb_error(xgb, ErrorCode::kRuntime, "model");
  if (xgb.XGBoosterLoadModelFromBuffer(impl->h, normalized.data(), normalized.size()) != 0)
    return xgb_error(xgb, ErrorCode::kInvalidInput, "model");
  MLO_TRY(impl->describe());
  return XgbModel(std::move(impl));
}

Result<XgbModel> XgbModel::train(DenseView x, const std::vector<float>& y, const DenseView* eval_x,
                                 const std::vector<float>* eval_y, const TrainOptions& options) {
  if (x.rows == 0 || x.cols == 0)
    return make_error(ErrorCode::kInvalidInput, "train: no training data");
  if (options.num_boost_round < 1)
    return make_error(ErrorCode::kInvalidInput, "train: num_boost_round must be >= 1");
  bool has_eval = eval_x && eval_y && eval_x->rows > 0;
  if (options.early_stopping_rounds > 0 && !has_eval)
    return make_error(ErrorCode::kInvalidInput, "train: early stopping needs an eval set");
  MLO_ASSIGN_OR_RETURN(const XgbApi* api, xgboost_api());
  const XgbApi& xgb = *api;
  MLO_ASSIGN_OR_RETURN(DMatrix dtrain, make_dmatrix(xgb, x, y, "train data"));
  DMatrix deval;
  if (has_eval) {
    if (eval_x->cols != x.cols)
      return make_error(ErrorCode::kInvalidInput, "train: eval data has a different column count");
    MLO_ASSIGN_OR_RETURN(deval, make_dmatrix(xgb, *eval_x, *eval_y, "eval data"));
  }
  auto impl = std::make_unique<Impl>(xgb);
  DMatrixHandle cache[2] = {dtrain.h, deval.h};
  if (xgb.XGBoosterCreate(cache, has_eval ? 2 : 1, &impl->h) != 0)
    return xgb_error(xgb, ErrorCode::kRuntime, "train");
  std::map<std::string, std::string> params = options.params;
  params.emplace("verbosity", "0");  // XGBoost would log to stderr; lib/ never prints
  params["nthread"] = std::to_string(options.nthread);
  for (const auto& [k, v] : params) {
    if (xgb.XGBoosterSetParam(impl->h, k.c_str(), v.c_str()) != 0)
      return xgb_error(xgb, ErrorCode::kInvalidInput, "train: parameter " + k);
  }
  std::string metric_name;
  double best_score = NAN;
  int best_round = -1;
  int rounds = 0;
  for (int round = 0; round < options.num_boost_round; ++round) {
    if (xgb.XGBoosterUpdateOneIter(impl->h, round, dtrain.h) != 0)
      return xgb_error(xgb, ErrorCode::kInvalidInput, "train");
    rounds = round + 1;
    double score = NAN;
    if (has_eval) {
      const char* names[1] = {"eval"};
      const char* text = nullptr;
      if (xgb.XGBoosterEvalOneIter(impl->h, round, &deval.h, names, 1, &text) != 0)
        return xgb_error(xgb, ErrorCode::kInvalidInput, "train: evaluation");
      if (!parse_last_metric(text, metric_name, score))
        return make_error(ErrorCode::kRuntime,
                          std::string("train: cannot parse eval result '") + text + "'");
    }
    if (options.on_round) options.on_round(round, metric_name, score);
    if (options.early_stopping_rounds <= 0 || std::isnan(score)) continue;
    bool better =
        best_round < 0 || (metric_maximized(metric_name) ? score > best_score : score < best_score);
    if (better) {
      best_score = score;
      best_round = round;
    } else if (round - best_round >= options.early_stopping_rounds) {
      break;
    }
  }
  if (options.early_stopping_rounds > 0 && best_round >= 0) {
    impl->best_iteration = best_round;
    if (best_round + 1 < rounds) {
      BoosterHandle sliced = nullptr;
      if (xgb.XGBoosterSlice(impl->h, 0, best_round + 1, 1, &sliced) != 0)
        return xgb_error(xgb, ErrorCode::kRuntime, "train: slice");
      xgb.XGBoosterFree(impl->h);
      impl->h = sliced;
    }
    std::string best = std::to_string(best_round);
    if (xgb.XGBoosterSetAttr(impl->h, "best_iteration", best.c_str()) != 0)
      return xgb_error(xgb, ErrorCode::kRuntime, "train");
  }
  MLO_TRY(impl->describe());
  impl->nthread = -1;
  return XgbModel(std::move(impl));
}

static Result<std::string> save_buffer(const XgbApi& xgb, void* h, const char* format) {
  bst_ulong len = 0;
  const char* buf = nullptr;
  std::string cfg = fmt::format(R"({{"format":"{}"}})", format);
  if (xgb.XGBoosterSaveModelToBuffer(h, cfg.c_str(), &len, &buf) != 0)
    return xgb_error(xgb, ErrorCode::kRuntime, "save model");
  return std::string(buf, len);
}

Result<std::string> XgbModel::save_ubjson() const {
  return save_buffer(impl_->xgb, impl_->h, "ubj");
}
Result<std::string> XgbModel::save_json() const {
  return save_buffer(impl_->xgb, impl_->h, "json");
}

size_t XgbModel::num_features() const {
  return impl_->num_features;
}
int XgbModel::num_outputs() const {
  return impl_->num_outputs;
}
std::string XgbModel::objective() const {
  return impl_->objective;
}
int XgbModel::best_iteration() const {
  return impl_->best_iteration;
}

Status XgbModel::predict(DenseView x, std::vector<float>& out, int nthread) const {
  return predict_type(x, 0, out, nthread);
}
Status XgbModel::predict_margin(DenseView x, std::vector<float>& out, int nthread) const {
  return predict_type(x, 1, out, nthread);
}
Status XgbModel::contributions(DenseView x, std::vector<float>& out, int nthread) const {
  return predict_type(x, 2, out, nthread);
}

// type: 0 value, 1 margin, 2 contributions (XGBoosterPredictFromDense's config "type").
Status XgbModel::predict_type(DenseView x, int type, std::vector<float>& out, int nthread) const {
  out.clear();
  if (x.rows == 0) return {};
  if (x.cols != impl_->num_features)
    return make_error(
        ErrorCode::kInvalidInput,
        fmt::format("predict: {} columns, the model has {} features", x.cols, impl_->num_features));
  MLO_TRY(impl_->set_nthread(nthread));
  const XgbApi& xgb = impl_->xgb;
  std::string array =
      fmt::format(R"({{"data":[{},true],"shape":[{},{}],"typestr":"<f4","version":3}})",
                  reinterpret_cast<uintptr_t>(x.data), x.rows, x.cols);
  const std::string config = fmt::format(
      R"({{"type":{},"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false,"cache_id":0,"missing":NaN}})",
      type);
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  if (type == 2) {  // in-place prediction has no contributions: go through a DMatrix
    DMatrixHandle m = nullptr;
    if (xgb.XGDMatrixCreateFromMat(x.data, x.rows, x.cols, NAN, &m) != 0)
      return xgb_error(xgb, ErrorCode::kRuntime, "contributions");
    const char* dm_config =
        R"({"type":2,"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false})";
    const int rc = xgb.XGBoosterPredictFromDMatrix(impl_->h, m, dm_config, &shape, &dim, &result);
    if (rc == 0) {
      size_t n = 1;
      for (bst_ulong i = 0; i < dim; ++i) n *= static_cast<size_t>(shape[i]);
      out.assign(result, result + n);
    }
    xgb.XGDMatrixFree(m);
    return rc == 0 ? Status{} : xgb_error(xgb, ErrorCode::kRuntime, "contributions");
  }
  if (xgb.XGBoosterPredictFromDense(impl_->h, array.c_str(), config.c_str(), nullptr, &shape, &dim,
                                    &result) != 0)
    return xgb_error(xgb, ErrorCode::kRuntime, "predict");
  size_t n = 1;
  for (bst_ulong i = 0; i < dim; ++i) n *= static_cast<size_t>(shape[i]);
  out.assign(result, result + n);
  return {};
}

}  // namespace mlo
