// Fitting the preprocessing of `mlo train` from the training table (the "preprocess" artifact):
//  - categorical: levels ordered by frequency in the training data, most frequent first, ties
//    by name (byte order); at most max_categories kept, rarer levels encode as missing, like
//    unseen ones at scoring time. Missing values ("") are not a level.
//  - numeric: mean and population standard deviation of the non-missing values, recorded for
//    drift reports and consumers that scale; trees do not need scaling.
//  - imputation: none. Missing values stay NaN and XGBoost learns a default direction for
//    them at every split, which keeps "missing" as a signal instead of folding it into a median.
#pragma once

#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/data/preprocess.hpp"
#include "mlo/data/table.hpp"

namespace mlo::train {

struct FitOptions {
  size_t max_categories = 1000;
};

// Features in model order: `numeric` then `categorical`. kInvalidInput naming a column the
// table lacks, or a categorical column with no values at all.
Result<PreprocessSpec> fit_preprocess(const Table& table, const std::vector<std::string>& numeric,
                                      const std::vector<std::string>& categorical,
                                      const FitOptions& options = {});

}  // namespace mlo::train
