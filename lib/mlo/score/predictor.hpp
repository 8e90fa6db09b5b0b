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
  static Result<Predictor> load(Store& store, const ModelVersion& version, Engine engine);
  // The same from bytes (tests, or callers that already hold the artifacts).
  static Result<Predictor> from_bytes(const std::string& model_bytes, const PreprocessSpec& spec,
                                      const std::string& task, Engine engine);

  Predictor(Predictor&&) noexcept;
  Predictor& operator=(Predictor&&) noexcept;
  ~Predictor();

  const PreprocessSpec& spec() const;
  const std::string& task() const;    // binary | regression | multiclass
  const std::string& engine() const;  // "native" | "xgboost"
  const std::string& objective() const;
  int num_outputs() const;  // values per row
  // Writes rows x num_outputs() values. Thread-safe; single-threaded per call.
  Status predict(const float* x, size_t rows, std::vector<float>& out) const;

 private:
  struct Impl;
  explicit Predictor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mlo
