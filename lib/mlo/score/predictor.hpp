// Predictor: one model version made ready for batch scoring. It pairs the model (evaluated by
// the native forest when it can reproduce XGBoost exactly, else by XGBoost with nthread=1 per
// call) with the version's preprocess spec, and checks before any row is read that the spec,
// the manifest schema and the model agree on the features.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/data/preprocess.hpp"
#include "mlo/model/xgboost_model.hpp"
#include "mlo/registry/manifest.hpp"
#include "mlo/store/store.hpp"

namespace mlo {

enum class Engine { kAuto, kNative, kXgboost };

class Predictor {
 public:
  // Resolves nothing: `version` is already resolved. Reads the "model" and (if present)
  // "preprocess" artifacts; without a preprocess artifact every manifest feature must be
  // numeric and is used as is. Mismatches are kInvalidInput; an explicit kNative on a model
  // the native evaluator cannot reproduce is kInvalidInput with the reason.
  // `contributions`: also make contributions() available. They always come from XGBoost (its
  // exact TreeSHAP), so with the native engine the model is loaded into XGBoost as well.
  static Result<Predictor> load(Store& store, const ModelVersion& version, Engine engine,
                                bool contributions = false);
  // The same from bytes (tests, or callers that already hold the artifacts).
  static Result<Predictor> from_bytes(const std::string& model_bytes, const PreprocessSpec& spec,
                                      const std::string& task, Engine engine,
                                      bool contributions = false);

  Predictor(Predictor&&) noexcept;
  Predictor& operator=(Predictor&&) noexcept;
  ~Predictor();

  const PreprocessSpec& spec() const;
  const std::string& task() const;    // binary | regression | multiclass
  const std::string& engine() const;  // "native" | "xgboost"
  // The native evaluator's kernel (NativeForest::path_name: "avx512-vbmi", "avx512",
  // "portable"); "" when XGBoost scores.
  const std::string& kernel() const;
  const std::string& objective() const;
  int num_outputs() const;  // values per row
  // Writes rows x num_outputs() values. Thread-safe; single-threaded per call.
  Status predict(const float* x, size_t rows, std::vector<float>& out) const;
  // XGBoost's pred_contribs for single-output models: rows x (features + 1) values, the bias
  // last; per row they sum to the margin. Needs `contributions` at load; kInvalidInput for a
  // multi-output model. Thread-safe; memory is one rows x (features + 1) block plus XGBoost's
  // copy of the rows, so callers bound it by the rows they pass.
  Status contributions(const float* x, size_t rows, std::vector<float>& out) const;

 private:
  struct Impl;
  explicit Predictor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mlo
