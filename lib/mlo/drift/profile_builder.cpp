// ProfileBuilder: one streaming pass; see profile.hpp for the bin layout.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <unordered_map>

#include "mlo/core/parallel.hpp"
#include "mlo/drift/profile.hpp"
#include "mlo/drift/samples.hpp"

namespace mlo::drift {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Picks at most `max_edges` distinct edges at exact quantiles of sorted `v`, always including
// the minimum and the maximum.
std::vector<double> quantile_edges(const SortedSample& v, size_t max_edges) {
  std::vector<double> edges;
  if (v.empty()) return edges;
  const size_t n = v.size();
  const size_t bins = std::max<size_t>(max_edges, 2);
  edges.push_back(v.front());
  for (size_t i = 1; i <= bins; ++i) {
    const size_t pos = (i * n + bins - 1) / bins;  // ceil(i*n/bins), 1-based rank
    const double e = v[std::min(n, std::max<size_t>(pos, 1)) - 1];
    if (e > edges.back()) edges.push_back(e);
  }
  return edges;
}

// Most numeric cells are short integers ("7", "-12"): read them without the general
// floating-point parser. Exactly from_chars' value ("-0" is -0.0); false for anything else.
bool parse_small_integer(std::string_view text, double& out) {
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty() || text.size() > 9) return false;  // < 1e9: exact in uint32 and double
  uint32_t u = 0;
  for (char c : text) {
    const auto d = static_cast<unsigned>(c - '0');
    if (d > 9) return false;
    u = u * 10 + d;
  }
  out = negative ? -static_cast<double>(u) : static_cast<double>(u);
  return true;
}

// Lets the category maps be searched with a string_view (no string built per cell).
struct ViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};
using CategoryCounts = std::unordered_map<std::string, uint64_t, ViewHash, std::equal_to<>>;

}  // namespace

bool is_missing_token(std::string_view text) {
  text = trim(text);
  if (text.empty()) return true;
  // Every spelling starts with n: one test settles almost every cell (this runs per cell).
  if (text.front() != 'n' && text.front() != 'N') return false;
  return iequals(text, "na") || iequals(text, "nan") || iequals(text, "null");
}

struct ProfileBuilder::Impl {
  std::vector<FeatureDecl> decls;
  ProfileOptions options;
  bool baseline = false;
  bool shard = false;  // counts one chunk for absorb(): no category cap, first-seen order kept
  Profile profile;
  // Kept values per feature while counting (absorbed shards' parts moved in, not copied), then
  // sorted into `values` by finish().
  std::vector<SampleColumn> samples;
  std::vector<SortedSample> values;
  std::vector<CategoryCounts> counts;
  std::vector<size_t> known;                   // reference categories pre-seeded (batch mode)
  std::vector<std::vector<std::string>> seen;  // shard: categories in first-seen order

  bool keeps_values() const { return baseline || options.keep_values; }
  // Batch bins are counted per value unless the values are kept: then finish() counts them on
  // the sorted values in one merge walk (same counts, no binary search per value).
  bool bins_per_value() const { return !baseline && !options.keep_values; }

  void init(std::vector<FeatureDecl> d) {
    decls = std::move(d);
    profile.features.resize(decls.size());
    for (size_t i = 0; i < decls.size(); ++i) {
      profile.features[i].name = decls[i].name;
      profile.features[i].kind = decls[i].kind;
    }
    samples.resize(decls.size());
    values.resize(decls.size());
    counts.resize(decls.size());
    seen.resize(decls.size());
    known.assign(decls.size(), 0);
  }
};

ProfileBuilder::ProfileBuilder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ProfileBuilder::ProfileBuilder(ProfileBuilder&&) noexcept = default;
ProfileBuilder& ProfileBuilder::operator=(ProfileBuilder&&) noexcept = default;
ProfileBuilder::~ProfileBuilder() = default;

ProfileBuilder ProfileBuilder::baseline(std::vector<FeatureDecl> features,
                                        const ProfileOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->baseline = true;
  impl->init(std::move(features));
  return ProfileBuilder(std::move(impl));
}

ProfileBuilder ProfileBuilder::against(const Profile& reference, const ProfileOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  std::vector<FeatureDecl> decls;
  for (const auto& f : reference.features) decls.push_back({f.name, f.kind});
  impl->init(std::move(decls));
  for (size_t i = 0; i < reference.features.size(); ++i) {
    const FeatureProfile& ref = reference.features[i];
    FeatureProfile& fp = impl->profile.features[i];
    fp.edges = ref.edges;
    fp.bins.assign(ref.kind == FeatureKind::kNumeric ? ref.edges.size() + 1 : 0, 0);
    for (const auto& [name, count] : ref.categories) impl->counts[i].emplace(name, 0);
    impl->known[i] = ref.categories.size();
  }
  return ProfileBuilder(std::move(impl));
}

ProfileBuilder ProfileBuilder::shard() const {
  auto impl = std::make_unique<Impl>();
  impl->options = impl_->options;
  impl->baseline = impl_->baseline;
  impl->shard = true;
  impl->init(impl_->decls);
  for (size_t i = 0; i < impl_->decls.size(); ++i) {
    impl->profile.features[i].edges = impl_->profile.features[i].edges;
    impl->profile.features[i].bins.assign(impl_->profile.features[i].bins.size(), 0);
  }
  return ProfileBuilder(std::move(impl));
}

void ProfileBuilder::absorb(ProfileBuilder&& shard) {
  Impl& a = *impl_;
  Impl& b = *shard.impl_;
  a.profile.rows += b.profile.rows;
  for (size_t i = 0; i < a.decls.size(); ++i) {
    FeatureProfile& fa = a.profile.features[i];
    const FeatureProfile& fb = b.profile.features[i];
    detail::merge_counts(fa, fb);
    a.samples[i].append(std::move(b.samples[i]));
    auto& counts = a.counts[i];
    for (const auto& key : b.seen[i]) {
      const uint64_t c = b.counts[i].find(key)->second;
      if (auto it = counts.find(key); it != counts.end())
        it->second += c;
      else if (a.baseline || counts.size() < a.known[i] + a.options.max_categories)
        counts.emplace(key, c);
      else
        fa.other += c;  // the first occurrence came after the cap filled: all of them do
    }
  }
}

size_t ProfileBuilder::num_features() const {
  return impl_->decls.size();
}
const FeatureDecl& ProfileBuilder::feature(size_t index) const {
  return impl_->decls[index];
}

namespace {

// std::lower_bound's index without branches: values arrive in random order, so a branching
// search mispredicts about half its steps (add_value was 29% of a 3M-row drift run).
size_t bin_of(const std::vector<double>& edges, double value) {
  if (edges.empty()) return 0;
  const double* base = edges.data();
  size_t n = edges.size();
  while (n > 1) {  // the answer lies in [base, base + n]
    const size_t half = n / 2;
    base = base[half] < value ? base + half : base;
    n -= half;
  }
  return static_cast<size_t>(base - edges.data()) + (*base < value ? 1 : 0);
}

}  // namespace

void ProfileBuilder::add_value(size_t feature, double value) {
  // Profiles work at float precision (what the model and mlo train's tables see), so a value
  // read from text lands in the same bin as the float-rounded training value it came from.
  if (!impl_->options.keep_values) value = static_cast<double>(static_cast<float>(value));
  FeatureProfile& fp = impl_->profile.features[feature];
  ++fp.rows;
  if (std::isnan(value)) {
    ++fp.nulls;
    return;
  }
  if (!std::isfinite(value)) {
    ++fp.type_errors;
    return;
  }
  ++fp.count;
  if (fp.count == 1) {
    fp.min = fp.max = value;
  } else {
    fp.min = std::min(fp.min, value);
    fp.max = std::max(fp.max, value);
  }
  const double delta = value - fp.mean;
  fp.mean += delta / static_cast<double>(fp.count);
  fp.m2 += delta * (value - fp.mean);
  if (impl_->keeps_values()) impl_->samples[feature].push(value);
  if (impl_->bins_per_value()) {
    ++fp.bins[bin_of(fp.edges, value)];
    if (!fp.edges.empty() && value < fp.edges.front()) ++fp.below_range;
  }
}

void ProfileBuilder::add_missing(size_t feature) {
  FeatureProfile& fp = impl_->profile.features[feature];
  ++fp.rows;
  ++fp.nulls;
}

void ProfileBuilder::add_type_error(size_t feature) {
  FeatureProfile& fp = impl_->profile.features[feature];
  ++fp.rows;
  ++fp.type_errors;
}

void ProfileBuilder::add_category(size_t feature, std::string_view value) {
  value = trim(value);
  if (is_missing_token(value)) return add_missing(feature);
  FeatureProfile& fp = impl_->profile.features[feature];
  ++fp.rows;
  ++fp.count;
  auto& counts = impl_->counts[feature];
  std::string key_storage;
  if (value.size() > kMaxCategoryBytes) value = key_storage = category_key(value);
  auto it = counts.find(value);
  if (it != counts.end()) {
    ++it->second;
  } else if (impl_->shard) {
    counts.emplace(std::string(value), 1);
    impl_->seen[feature].emplace_back(value);
  } else if (impl_->baseline ||
             counts.size() < impl_->known[feature] + impl_->options.max_categories) {
    counts.emplace(std::string(value), 1);
  } else {
    ++fp.other;  // bounded memory: unseen values beyond the cap are only counted
  }
}

void ProfileBuilder::add_cell(size_t feature, std::string_view text) {
  if (impl_->decls[feature].kind == FeatureKind::kCategorical) return add_category(feature, text);
  text = trim(text);
  if (is_missing_token(text)) return add_missing(feature);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double v = 0;
  if (parse_small_integer(text, v)) return add_value(feature, v);
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v))
    return add_type_error(feature);
  add_value(feature, v);
}

void ProfileBuilder::end_row() {
  ++impl_->profile.rows;
}

void ProfileBuilder::reserve(size_t rows) {
  if (!impl_->keeps_values()) return;
  for (size_t i = 0; i < impl_->decls.size(); ++i) {
    if (impl_->decls[i].kind == FeatureKind::kNumeric) impl_->samples[i].reserve(rows);
  }
}

namespace {
void finish_categories(FeatureProfile& fp, CategoryCounts& counts, size_t cap) {
  std::vector<std::pair<std::string, uint64_t>> items;
  for (auto& [k, c] : counts) {
    if (c > 0) items.emplace_back(k, c);
  }
  std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  for (size_t i = 0; i < items.size(); ++i) {
    if (i < cap)
      fp.categories[items[i].first] = items[i].second;
    else
      fp.other += items[i].second;
  }
  counts.clear();
}
}  // namespace

Profile ProfileBuilder::finish(int threads) {
  Impl& s = *impl_;
  std::vector<size_t> numeric;
  for (size_t i = 0; i < s.decls.size(); ++i) {
    FeatureProfile& fp = s.profile.features[i];
    if (fp.kind == FeatureKind::kCategorical) {
      // A batch keeps every reference category it saw plus up to max_categories new ones.
      finish_categories(fp, s.counts[i],
                        s.baseline ? s.options.max_categories : s.counts[i].size());
    } else if (s.keeps_values()) {
      numeric.push_back(i);
    }
  }
  // Each feature's sort and binning touches only that feature.
  parallel_for(numeric.size(), worker_count(threads, numeric.size()), [&](size_t j) {
    const size_t i = numeric[j];
    FeatureProfile& fp = s.profile.features[i];
    auto& v = s.values[i];
    v = s.samples[i].take_sorted();
    if (s.baseline) {
      fp.edges = quantile_edges(v, s.options.fine_bins);
      fp.bins.assign(fp.edges.size() + 1, 0);
    }
    // Bin k holds the values with edges[k-1] < x <= edges[k]: on sorted values, k only grows.
    size_t k = 0;
    uint64_t prev = 0;
    for (SampleRuns r = v.runs(); !r.done(); r.next()) {
      const double x = r.value();
      while (k < fp.edges.size() && fp.edges[k] < x) ++k;
      fp.bins[k] += r.end() - prev;
      if (!s.baseline && !fp.edges.empty() && x < fp.edges.front())
        fp.below_range += r.end() - prev;
      prev = r.end();
    }
    if (!s.options.keep_values) v = SortedSample();
  });
  return std::move(s.profile);
}

const SortedSample& ProfileBuilder::values(size_t feature) const {
  return impl_->values[feature];
}

SortedSample ProfileBuilder::take_values(size_t feature) {
  return std::move(impl_->values[feature]);
}

}  // namespace mlo::drift
