// libFuzzer target: the model loader (ModelDocument's bounded SAX reader over JSON text and
// UBJSON) and the native forest builder on top of it, then one prediction when the forest is
// supported. Anything ModelDocument accepts must build and evaluate without a crash, a leak or
// an out-of-bounds read: that is the promise register and score-batch rely on.
#include <cstdint>
#include <string_view>
#include <vector>

#include "mlo/model/model_document.hpp"
#include "mlo/model/native_forest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto doc = mlo::ModelDocument::parse(bytes);
  if (!doc.ok()) return 0;
  auto forest = mlo::NativeForest::from_document(*doc);
  if (!forest.ok() || !forest->supported()) return 0;
  const size_t cols = forest->num_features();
  if (cols == 0 || cols > 4096) return 0;
  // Two rows: every feature 0.5, then every feature missing (NaN takes the default branches).
  std::vector<float> x(2 * cols, 0.5f);
  for (size_t c = 0; c < cols; ++c) x[cols + c] = __builtin_nanf("");
  std::vector<float> out(2 * static_cast<size_t>(forest->num_outputs()));
  forest->predict(mlo::DenseView{x.data(), 2, cols}, out.data());
  return 0;
}
