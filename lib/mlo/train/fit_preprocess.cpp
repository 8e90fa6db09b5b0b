#include "mlo/train/fit_preprocess.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace mlo::train {

namespace {

FeatureEncoding fit_numeric(const TableColumn& col) {
  FeatureEncoding f;
  f.name = col.name;
  f.type = FeatureEncoding::Type::kNumeric;
  // Welford in double: stable for large columns.
  double mean = 0, m2 = 0;
  uint64_t n = 0;
  for (float v : col.numbers) {
    if (std::isnan(v)) continue;
    ++n;
    double d = v - mean;
    mean += d / static_cast<double>(n);
    m2 += d * (v - mean);
  }
  if (n > 0) {
    f.mean = mean;
    f.std = std::sqrt(m2 / static_cast<double>(n));
  }
  return f;
}

FeatureEncoding fit_categorical(const TableColumn& col, size_t max_categories) {
  std::unordered_map<std::string_view, uint64_t> counts;
  for (const auto& s : col.strings)
    if (!s.empty()) ++counts[s];
  std::vector<std::pair<std::string_view, uint64_t>> levels(counts.begin(), counts.end());
  std::sort(levels.begin(), levels.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (levels.size() > max_categories) levels.resize(max_categories);
  FeatureEncoding f;
  f.name = col.name;
  f.type = FeatureEncoding::Type::kCategorical;
  for (const auto& [level, count] : levels) f.categories.emplace_back(level);
  return f;
}

}  // namespace

Result<PreprocessSpec> fit_preprocess(const Table& table, const std::vector<std::string>& numeric,
                                      const std::vector<std::string>& categorical,
                                      const FitOptions& options) {
  PreprocessSpec spec;
  for (const auto& name : numeric) {
    const TableColumn* col = table.column(name);
    if (!col)
      return make_error(ErrorCode::kInvalidInput,
                        "column '" + name + "' is not in the training data");
    if (col->type != TableColumn::Type::kNumeric)
      return make_error(ErrorCode::kInvalidInput,
                        "column '" + name + "' is listed as numeric but holds text");
    spec.features.push_back(fit_numeric(*col));
  }
  for (const auto& name : categorical) {
    const TableColumn* col = table.column(name);
    if (!col)
      return make_error(ErrorCode::kInvalidInput,
                        "column '" + name + "' is not in the training data");
    if (col->type != TableColumn::Type::kString)
      return make_error(ErrorCode::kInvalidInput, "column '" + name + "' was not read as text");
    FeatureEncoding f = fit_categorical(*col, options.max_categories);
    if (f.categories.empty())
      return make_error(ErrorCode::kInvalidInput,
                        "categorical column '" + name + "' has no values in the training data");
    spec.features.push_back(std::move(f));
  }
  return spec;
}

}  // namespace mlo::train
