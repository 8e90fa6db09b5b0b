#include "mlo/train/preprocess_init.hpp"

#include <algorithm>
#include <limits>
#include <set>

#include "mlo/data/table.hpp"
#include "mlo/train/fit_preprocess.hpp"

namespace mlo::train {

Result<PreprocessSpec> init_preprocess(const std::string& data_path,
                                       const PreprocessInitOptions& options) {
  if (options.features.empty())
    return make_error(ErrorCode::kUsage, "preprocess init: no features given");
  std::set<std::string> names;
  for (const auto& f : options.features)
    if (!names.insert(f).second)
      return make_error(ErrorCode::kUsage, "preprocess init: feature '" + f + "' listed twice");
  for (const auto& c : options.categorical)
    if (!names.count(c))
      return make_error(ErrorCode::kUsage,
                        "preprocess init: categorical '" + c + "' is not one of the features");

  ReadOptions read;
  read.columns = options.features;
  read.categorical = options.categorical;
  read.threads = options.threads;
  auto table = read_table(data_path, read);
  if (!table.ok())
    return make_error(table.error().code, data_path + ": " + table.error().message);

  // One feature at a time through train's own fitting, so both produce the same statistics.
  FitOptions fit;
  fit.max_categories =
      options.sorted_categories ? std::numeric_limits<size_t>::max() : options.max_categories;
  PreprocessSpec spec;
  for (const auto& name : options.features) {
    const bool text = table->column(name)->type == TableColumn::Type::kString;
    auto one = text ? fit_preprocess(*table, {}, {name}, fit) : fit_preprocess(*table, {name}, {}, fit);
    if (!one.ok()) return make_error(one.error().code, data_path + ": " + one.error().message);
    FeatureEncoding f = std::move(one->features.front());
    if (options.sorted_categories) std::sort(f.categories.begin(), f.categories.end());
    spec.features.push_back(std::move(f));
  }
  return spec;
}

}  // namespace mlo::train
