// Preprocessing fitted across the shards of a multi-host job without moving rows: every worker
// summarises its shard (category counts; numeric count/mean/M2), the summaries are exchanged,
// and every worker merges them in rank order into the same spec. Categories, their order and
// truncation equal fit_preprocess on the concatenated shards; numeric mean/std (informational)
// are merged with Chan's formula, so they may differ from one pass in the last digits.
#pragma once

#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/data/preprocess.hpp"
#include "mlo/data/table.hpp"
#include "mlo/train/fit_preprocess.hpp"

namespace mlo::train {

// The shard's summary as JSON. kInvalidInput for a missing or mistyped column.
Result<std::string> partial_fit(const Table& shard, const std::vector<std::string>& numeric,
                                const std::vector<std::string>& categorical);

// Merges every shard's summary (in rank order). kInvalidInput for a categorical column with no
// values in any shard; kRuntime for a malformed summary.
Result<PreprocessSpec> merge_partial_fits(const std::vector<std::string>& partials,
                                          const std::vector<std::string>& numeric,
                                          const std::vector<std::string>& categorical,
                                          const FitOptions& options = {});

}  // namespace mlo::train
