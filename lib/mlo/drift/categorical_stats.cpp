// Categorical feature statistics on the union of categories.
// When the reference kept every category (other == 0), each current category is its own
// column; otherwise categories outside the reference's top-K share one "(other)" column with
// the reference's `other`. Unseen share = current values whose category is not among the
// reference's kept categories (including the batch's own overflow bucket).
#include <algorithm>

#include "mlo/drift/feature_stats.hpp"
#include "mlo/drift/stats.hpp"

namespace mlo::drift::detail {

namespace {
constexpr size_t kChartCategories = 12;
}

void categorical_stats(const FeatureProfile& ref, const FeatureProfile& cur, FeatureDrift& out) {
  std::vector<std::string> names;
  std::vector<double> r, c;
  double unseen = static_cast<double>(cur.other);
  for (const auto& [name, count] : ref.categories) {
    names.push_back(name);
    r.push_back(static_cast<double>(count));
    auto it = cur.categories.find(name);
    c.push_back(it == cur.categories.end() ? 0.0 : static_cast<double>(it->second));
  }
  double lumped = static_cast<double>(cur.other);
  for (const auto& [name, count] : cur.categories) {
    if (ref.categories.count(name)) continue;
    unseen += static_cast<double>(count);
    if (ref.other == 0) {
      names.push_back(name);
      r.push_back(0);
      c.push_back(static_cast<double>(count));
    } else {
      lumped += static_cast<double>(count);
    }
  }
  if (ref.other > 0 || lumped > 0) {
    names.push_back("(other)");
    r.push_back(static_cast<double>(ref.other));
    c.push_back(ref.other > 0 ? lumped : static_cast<double>(cur.other));
  }
  const double nc = static_cast<double>(cur.count);
  out.quality["unseen_share"] = nc > 0 ? unseen / nc : 0.0;
  out.stats["psi"] = psi(r, c);
  out.stats["js"] = js_distance(r, c);
  out.stats["linf"] = linf_distance(r, c);
  const Chi2Result chi = chi2_contingency(r, c);
  out.stats["chi2"] = chi.statistic;
  out.stats["chi2_pvalue"] = chi.pvalue;
  out.stats["chi2_dof"] = chi.dof;

  // Chart: the categories with the largest reference or current share, the rest summed.
  double sr = 0, sc = 0;
  for (size_t i = 0; i < r.size(); ++i) sr += r[i], sc += c[i];
  std::vector<size_t> order(r.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto weight = [&](size_t i) {
    return std::max(sr > 0 ? r[i] / sr : 0.0, sc > 0 ? c[i] / sc : 0.0);
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return weight(a) > weight(b); });
  double rest_r = 0, rest_c = 0;
  for (size_t j = 0; j < order.size(); ++j) {
    const size_t i = order[j];
    const double pr = sr > 0 ? r[i] / sr : 0.0, pc = sc > 0 ? c[i] / sc : 0.0;
    if (j < kChartCategories) {
      out.histogram.labels.push_back(names[i]);
      out.histogram.reference.push_back(pr);
      out.histogram.current.push_back(pc);
    } else {
      rest_r += pr, rest_c += pc;
    }
  }
  if (order.size() > kChartCategories) {
    out.histogram.labels.push_back("(" + std::to_string(order.size() - kChartCategories) +
                                   " more)");
    out.histogram.reference.push_back(rest_r);
    out.histogram.current.push_back(rest_c);
  }
}

}  // namespace mlo::drift::detail
