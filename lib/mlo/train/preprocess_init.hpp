// `mlo preprocess init`: a starting preprocess spec (lib/mlo/data/preprocess.hpp) for a model
// trained outside mlo, fitted from a sample of its training data. The user then checks it
// against how the model was trained (docs/preprocess-spec.md); the category order matters most,
// since a category's code is its index in the list.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/data/preprocess.hpp"

namespace mlo::train {

struct PreprocessInitOptions {
  std::vector<std::string> features;     // in the model's feature order
  std::vector<std::string> categorical;  // forced categorical (e.g. integer-coded columns)
  // Byte order, which is how pandas' astype("category") numbers string categories; otherwise
  // most frequent first (like `mlo train`), cut at max_categories.
  bool sorted_categories = false;
  size_t max_categories = 1000;
  int threads = 0;
};

// Reads `data_path` (CSV or JSON Lines, any compression; the listed columns are held in memory)
// and returns one feature per options.features entry, in that order: text columns and forced
// ones categorical, the rest numeric with mean/std. kUsage for an empty or duplicated feature
// list or a forced categorical that is not a feature; kInvalidInput naming a missing column.
Result<PreprocessSpec> init_preprocess(const std::string& data_path,
                                       const PreprocessInitOptions& options);

}  // namespace mlo::train
