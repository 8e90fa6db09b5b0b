#include "mlo/score/predictor.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "mlo/model/model_document.hpp"
#include "mlo/model/native_forest.hpp"
#include "mlo/registry/registry.hpp"

namespace mlo {

struct Predictor::Impl {
  PreprocessSpec spec;
  std::string task;
  std::string engine;
  std::string kernel;
  std::string objective;
  int num_outputs = 1;
  std::optional<XgbModel> xgb;
  std::optional<NativeForest> native;
};

Predictor::Predictor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Predictor::Predictor(Predictor&&) noexcept = default;
Predictor& Predictor::operator=(Predictor&&) noexcept = default;
Predictor::~Predictor() = default;

namespace {

// The manifest schema is what `mlo show` promises; the spec is what scoring applies.
Status check_schema(const ModelVersion& mv, const PreprocessSpec& spec) {
  if (mv.features.empty()) return {};
  if (mv.features.size() != spec.features.size())
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("{}:{}: the manifest lists {} features, the preprocess spec {}",
                                  mv.name, mv.version, mv.features.size(), spec.features.size()));
  for (size_t i = 0; i < spec.features.size(); ++i) {
    const auto& f = spec.features[i];
    const char* type = f.type == FeatureEncoding::Type::kNumeric ? "numeric" : "categorical";
    if (mv.features[i].name != f.name || mv.features[i].type != type)
      return make_error(
          ErrorCode::kInvalidInput,
          fmt::format(
              "{}:{}: feature {} is '{}' ({}) in the manifest but '{}' ({}) in the preprocess spec",
              mv.name, mv.version, i + 1, mv.features[i].name, mv.features[i].type, f.name, type));
  }
  return {};
}

Result<PreprocessSpec> spec_from_manifest(const ModelVersion& mv) {
  PreprocessSpec spec;
  for (const auto& f : mv.features) {
    if (f.type != "numeric")
      return make_error(
          ErrorCode::kInvalidInput,
          fmt::format("{}:{}: feature '{}' is {} but the version has no preprocess artifact "
                      "(register it with --preprocess)",
                      mv.name, mv.version, f.name, f.type));
    spec.features.push_back(
        FeatureEncoding{f.name, FeatureEncoding::Type::kNumeric, NAN, NAN, NAN, {}});
  }
  return spec;
}

}  // namespace

Result<Predictor> Predictor::load(Store& store, const ModelVersion& mv, Engine engine,
                                  bool contributions) {
  MLO_ASSIGN_OR_RETURN(std::string model_bytes, read_artifact(store, mv, "model"));
  PreprocessSpec spec;
  if (mv.artifacts.count("preprocess")) {
    MLO_ASSIGN_OR_RETURN(std::string text, read_artifact(store, mv, "preprocess"));
    MLO_ASSIGN_OR_RETURN(spec, PreprocessSpec::from_yaml(
                                   text, fmt::format("{}:{} preprocess", mv.name, mv.version)));
    MLO_TRY(check_schema(mv, spec));
  } else {
    MLO_ASSIGN_OR_RETURN(spec, spec_from_manifest(mv));
  }
  auto p = from_bytes(model_bytes, spec, mv.task, engine, contributions);
  if (!p.ok())
    return make_error(p.error().code,
                      fmt::format("{}:{}: {}", mv.name, mv.version, p.error().message));
  return p;
}

Result<Predictor> Predictor::from_bytes(const std::string& model_bytes, const PreprocessSpec& spec,
                                        const std::string& task, Engine engine,
                                        bool contributions) {
  auto impl = std::make_unique<Impl>();
  impl->spec = spec;
  impl->task = task;
  // The native engine reads the model file straight into its layout; XGBoost is loaded only
  // when it is asked for or the native evaluator cannot reproduce the model.
  MLO_ASSIGN_OR_RETURN(ModelDocument doc, ModelDocument::parse(model_bytes));
  if (static_cast<size_t>(doc.num_feature) != spec.features.size())
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("the model expects {} features, the preprocess spec has {}",
                                  doc.num_feature, spec.features.size()));
  impl->objective = doc.objective;
  impl->num_outputs =
      doc.objective == "multi:softprob" ? static_cast<int>(std::max<int64_t>(doc.num_class, 1)) : 1;
  if (engine != Engine::kXgboost) {
    MLO_ASSIGN_OR_RETURN(NativeForest forest, NativeForest::from_document(doc));
    if (forest.supported()) {
      impl->native.emplace(std::move(forest));
      impl->num_outputs = impl->native->num_outputs();
    } else if (engine == Engine::kNative) {
      return make_error(ErrorCode::kInvalidInput, "the native engine cannot evaluate this model: " +
                                                      forest.unsupported_reason());
    }
  }
  doc = ModelDocument{};  // release the arrays before XGBoost builds its own copy
  impl->engine = impl->native ? "native" : "xgboost";
  impl->kernel = impl->native ? NativeForest::path_name(impl->native->path()) : "";
  if (!impl->native || contributions) {
    MLO_ASSIGN_OR_RETURN(XgbModel model, XgbModel::load(model_bytes));
    if (!impl->native) {
      impl->objective = model.objective();
      impl->num_outputs = model.num_outputs();
    }
    impl->xgb.emplace(std::move(model));
  }
  return Predictor(std::move(impl));
}

const PreprocessSpec& Predictor::spec() const {
  return impl_->spec;
}
const std::string& Predictor::task() const {
  return impl_->task;
}
const std::string& Predictor::engine() const {
  return impl_->engine;
}
const std::string& Predictor::kernel() const {
  return impl_->kernel;
}
const std::string& Predictor::objective() const {
  return impl_->objective;
}
int Predictor::num_outputs() const {
  return impl_->num_outputs;
}

Status Predictor::predict(const float* x, size_t rows, std::vector<float>& out) const {
  const size_t cols = impl_->spec.features.size();
  if (impl_->native) {
    out.resize(rows * static_cast<size_t>(impl_->num_outputs));
    if (rows) impl_->native->predict(DenseView{x, rows, cols}, out.data());
    return {};
  }
  return impl_->xgb->predict(DenseView{x, rows, cols}, out, 1);
}

Status Predictor::contributions(const float* x, size_t rows, std::vector<float>& out) const {
  if (!impl_->xgb)
    return make_error(ErrorCode::kInvalidInput, "contributions: the model was loaded without them");
  if (impl_->num_outputs != 1 || impl_->task == "multiclass")
    return make_error(ErrorCode::kInvalidInput,
                      "contributions: only binary and regression models are explained");
  const size_t cols = impl_->spec.features.size();
  MLO_TRY(impl_->xgb->contributions(DenseView{x, rows, cols}, out, 1));
  if (out.size() != rows * (cols + 1))
    return make_error(ErrorCode::kRuntime,
                      fmt::format("contributions: XGBoost returned {} values for {} rows of {} "
                                  "features",
                                  out.size(), rows, cols));
  return {};
}

}  // namespace mlo
