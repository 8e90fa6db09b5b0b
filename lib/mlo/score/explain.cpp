#include "mlo/score/explain.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "mlo/data/csv.hpp"
#include "mlo/data/jsonl.hpp"

namespace mlo {

void top_contributions(const float* contribs, size_t n, size_t k, std::vector<uint32_t>& order) {
  order.resize(n);
  std::iota(order.begin(), order.end(), 0u);
  k = std::min(k, n);
  const auto larger = [contribs](uint32_t a, uint32_t b) {
    const float fa = std::fabs(contribs[a]), fb = std::fabs(contribs[b]);
    return fa != fb ? fa > fb : a < b;
  };
  std::partial_sort(order.begin(), order.begin() + static_cast<ptrdiff_t>(k), order.end(), larger);
  order.resize(k);
}

Result<ExplainFormatter> ExplainFormatter::create(OutputFormat format,
                                                  std::vector<std::string> features,
                                                  const ExplainOptions& options) {
  if (features.empty())
    return make_error(ErrorCode::kUsage, "explanations need a model with features");
  if (!options.all && (options.top_k < 1 || options.top_k > features.size()))
    return make_error(ErrorCode::kUsage,
                      fmt::format("cannot explain the top {} features of a model with {} "
                                  "(expected 1..{} or all)",
                                  options.top_k, features.size(), features.size()));
  ExplainFormatter f;
  f.format_ = format;
  f.top_k_ = options.all ? features.size() : options.top_k;
  f.bias_ = options.all;
  for (auto& name : features) {
    if (format == OutputFormat::kJsonl) {
      std::string key;
      append_json_string(key, name);
      name = key + ":";
    }
    f.names_.push_back(std::move(name));
  }
  return f;
}

std::vector<std::string> ExplainFormatter::columns() const {
  std::vector<std::string> c{"explain"};
  if (bias_) c.emplace_back("explain_bias");
  return c;
}

void ExplainFormatter::format(const float* contribs, std::vector<uint32_t>& order,
                              std::string& explain, std::string& bias) const {
  const size_t n = names_.size();
  top_contributions(contribs, n, top_k_, order);
  explain.clear();
  bias.clear();
  if (format_ == OutputFormat::kJsonl) {
    explain.push_back('{');
    for (size_t i = 0; i < order.size(); ++i) {
      if (i) explain.push_back(',');
      explain.append(names_[order[i]]);
      fmt::format_to(std::back_inserter(explain), "{}", contribs[order[i]]);
    }
    explain.push_back('}');
  } else {
    std::string field;
    for (size_t i = 0; i < order.size(); ++i) {
      if (i) field.push_back(';');
      field.append(names_[order[i]]).push_back('=');
      fmt::format_to(std::back_inserter(field), "{:+}", contribs[order[i]]);
    }
    append_csv_field(explain, field);
  }
  if (bias_) fmt::format_to(std::back_inserter(bias), "{}", contribs[n]);
}

}  // namespace mlo
