#include "mlo/train/distributed_fit.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

namespace mlo::train {

namespace {

Result<const TableColumn*> find_column(const Table& t, const std::string& name,
                                       TableColumn::Type type) {
  const TableColumn* col = t.column(name);
  if (!col)
    return make_error(ErrorCode::kInvalidInput,
                      "column '" + name + "' is not in the training data");
  if (col->type != type)
    return make_error(ErrorCode::kInvalidInput, "column '" + name +
                                                    (type == TableColumn::Type::kNumeric
                                                         ? "' is listed as numeric but holds text"
                                                         : "' was not read as text"));
  return col;
}

struct Moments {
  double n = 0, mean = 0, m2 = 0;
  void merge(const Moments& o) {  // Chan et al.
    if (o.n == 0) return;
    double total = n + o.n, d = o.mean - mean;
    mean += d * o.n / total;
    m2 += o.m2 + d * d * n * o.n / total;
    n = total;
  }
};

}  // namespace

Result<std::string> partial_fit(const Table& shard, const std::vector<std::string>& numeric,
                                const std::vector<std::string>& categorical) {
  nlohmann::json out{{"numeric", nlohmann::json::object()},
                     {"categorical", nlohmann::json::object()}};
  for (const auto& name : numeric) {
    MLO_ASSIGN_OR_RETURN(const TableColumn* col,
                         find_column(shard, name, TableColumn::Type::kNumeric));
    Moments m;
    for (float v : col->numbers) {
      if (std::isnan(v)) continue;
      m.n += 1;
      double d = v - m.mean;
      m.mean += d / m.n;
      m.m2 += d * (v - m.mean);
    }
    out["numeric"][name] = {m.n, m.mean, m.m2};
  }
  for (const auto& name : categorical) {
    MLO_ASSIGN_OR_RETURN(const TableColumn* col,
                         find_column(shard, name, TableColumn::Type::kString));
    std::map<std::string, uint64_t> counts;
    for (const auto& s : col->strings)
      if (!s.empty()) ++counts[std::string(s)];
    out["categorical"][name] = counts;
  }
  return out.dump();
}

Result<PreprocessSpec> merge_partial_fits(const std::vector<std::string>& partials,
                                          const std::vector<std::string>& numeric,
                                          const std::vector<std::string>& categorical,
                                          const FitOptions& options) {
  std::vector<nlohmann::json> docs;
  try {
    for (const auto& p : partials) docs.push_back(nlohmann::json::parse(p));
    PreprocessSpec spec;
    for (const auto& name : numeric) {
      Moments total;
      for (const auto& d : docs) {
        const auto& a = d.at("numeric").at(name);
        total.merge(Moments{a.at(0).get<double>(), a.at(1).get<double>(), a.at(2).get<double>()});
      }
      FeatureEncoding f;
      f.name = name;
      f.type = FeatureEncoding::Type::kNumeric;
      if (total.n > 0) {
        f.mean = total.mean;
        f.std = std::sqrt(total.m2 / total.n);
      }
      spec.features.push_back(std::move(f));
    }
    for (const auto& name : categorical) {
      std::map<std::string, uint64_t> counts;
      for (const auto& d : docs)
        for (const auto& [level, n] : d.at("categorical").at(name).items())
          counts[level] += n.get<uint64_t>();
      std::vector<std::pair<std::string, uint64_t>> levels(counts.begin(), counts.end());
      std::stable_sort(levels.begin(), levels.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
      if (levels.size() > options.max_categories) levels.resize(options.max_categories);
      if (levels.empty())
        return make_error(ErrorCode::kInvalidInput,
                          "categorical column '" + name + "' has no values in the training data");
      FeatureEncoding f;
      f.name = name;
      f.type = FeatureEncoding::Type::kCategorical;
      for (auto& [level, n] : levels) f.categories.push_back(level);
      spec.features.push_back(std::move(f));
    }
    return spec;
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kRuntime,
                      std::string("merge preprocessing summaries: ") + e.what());
  }
}

}  // namespace mlo::train
