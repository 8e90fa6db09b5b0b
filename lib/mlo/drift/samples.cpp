#include "mlo/drift/samples.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <limits>

namespace mlo::drift {

void SampleColumn::reserve(size_t n) {
  if (open_.integral)
    open_.ints.reserve(open_.ints.size() + n);
  else
    open_.doubles.reserve(open_.doubles.size() + n);
}

void SampleColumn::push_double(double v) {
  if (open_.integral) {
    open_.doubles.reserve(std::max(open_.ints.capacity(), open_.ints.size() + 1));
    open_.doubles.assign(open_.ints.begin(), open_.ints.end());
    std::vector<int32_t>().swap(open_.ints);
    open_.integral = false;
  }
  open_.doubles.push_back(v);
}

void SampleColumn::seal() {
  if (open_.size() > 0) parts_.push_back(std::move(open_));
  open_ = Part{};
}

void SampleColumn::append(SampleColumn&& other) {
  seal();
  other.seal();
  if (parts_.empty()) {
    parts_ = std::move(other.parts_);
  } else {
    for (auto& p : other.parts_) parts_.push_back(std::move(p));
  }
  other.parts_.clear();
}

size_t SampleColumn::size() const {
  size_t n = open_.size();
  for (const auto& p : parts_) n += p.size();
  return n;
}

bool SampleColumn::integral() const {
  if (!open_.integral) return false;
  return std::all_of(parts_.begin(), parts_.end(), [](const Part& p) { return p.integral; });
}

double SortedSample::operator[](size_t r) const {
  if (ends_.empty()) return values_[r];
  const auto it = std::upper_bound(ends_.begin(), ends_.end(), static_cast<uint64_t>(r));
  return values_[static_cast<size_t>(it - ends_.begin())];
}

std::vector<double> SortedSample::expand() const {
  if (ends_.empty()) return values_;
  std::vector<double> out;
  out.reserve(size());
  for (SampleRuns r = runs(); !r.done(); r.next()) out.resize(r.end(), r.value());
  return out;
}

SortedSample SampleColumn::take_sorted() {
  seal();
  const size_t n = size();
  if (n == 0) return {};
  if (integral()) {
    int64_t lo = std::numeric_limits<int32_t>::max(), hi = std::numeric_limits<int32_t>::min();
    for (const auto& p : parts_) {
      const auto [mn, mx] = std::minmax_element(p.ints.begin(), p.ints.end());
      lo = std::min<int64_t>(lo, *mn);
      hi = std::max<int64_t>(hi, *mx);
    }
    const auto range = static_cast<uint64_t>(hi - lo) + 1;
    if (range <= std::max<uint64_t>(n, 65536)) {
      // Equal integers are equal doubles bit for bit (no -0.0 here): counts say it all.
      std::vector<size_t> counts(range, 0);
      for (auto& p : parts_) {
        for (int32_t x : p.ints) ++counts[static_cast<size_t>(x - lo)];
        std::vector<int32_t>().swap(p.ints);
      }
      parts_.clear();
      std::vector<double> distinct;
      std::vector<uint64_t> ends;
      uint64_t total = 0;
      for (size_t k = 0; k < range; ++k) {
        if (counts[k] == 0) continue;
        distinct.push_back(static_cast<double>(lo + static_cast<int64_t>(k)));
        ends.push_back(total += counts[k]);
      }
      return SortedSample(std::move(distinct), std::move(ends));
    }
  }
  std::vector<double> out;
  out.reserve(n);
  for (auto& p : parts_) {  // concatenated in push order: the std::sort fallback sees that order
    if (p.integral) {
      out.insert(out.end(), p.ints.begin(), p.ints.end());
      std::vector<int32_t>().swap(p.ints);
    } else {
      out.insert(out.end(), p.doubles.begin(), p.doubles.end());
      std::vector<double>().swap(p.doubles);
    }
  }
  parts_.clear();
  sort_doubles(out);
  return SortedSample(std::move(out));
}

SortedSample merge_samples(std::vector<SortedSample> parts) {
  if (parts.empty()) return {};
  if (parts.size() == 1) return std::move(parts.front());
  if (std::all_of(parts.begin(), parts.end(),
                  [](const auto& s) { return s.as_runs() || s.empty(); })) {
    // Runs come from int32 parts: no -0.0, equal values are equal bits, any merge is exact.
    std::vector<std::pair<double, uint64_t>> counts;  // (value, count)
    for (const auto& s : parts) {
      uint64_t prev = 0;
      for (SampleRuns r = s.runs(); !r.done(); r.next())
        counts.emplace_back(r.value(), r.end() - prev), prev = r.end();
    }
    std::sort(counts.begin(), counts.end());
    std::vector<double> distinct;
    std::vector<uint64_t> ends;
    uint64_t total = 0;
    for (const auto& [value, count] : counts) {
      if (distinct.empty() || distinct.back() != value) {
        distinct.push_back(value);
        ends.push_back(total);
      }
      ends.back() = total += count;
    }
    return SortedSample(std::move(distinct), std::move(ends));
  }
  size_t n = 0;
  for (const auto& s : parts) n += s.size();
  std::vector<double> all;
  all.reserve(n);
  for (auto& s : parts) {
    const std::vector<double> v = s.expand();
    all.insert(all.end(), v.begin(), v.end());
    s = SortedSample();
  }
  sort_doubles(all);
  return SortedSample(std::move(all));
}

namespace {

constexpr int kDigitBits = 11;
constexpr int kDigits = (64 + kDigitBits - 1) / kDigitBits;  // 6
constexpr size_t kBuckets = size_t{1} << kDigitBits;
constexpr uint64_t kSign = uint64_t{1} << 63;
constexpr uint64_t kNegativeZeroKey = ~kSign;  // key(-0.0): ~0x8000... ; key(+0.0) = kSign

// Order-preserving image of a (non-NaN) double as an unsigned integer: flip every bit of a
// negative, only the sign bit of a non-negative.
inline uint64_t to_key(double d) {
  const auto u = std::bit_cast<uint64_t>(d);
  return (u & kSign) ? ~u : (u | kSign);
}
inline double from_key(uint64_t k) {
  return std::bit_cast<double>((k & kSign) ? (k & ~kSign) : ~k);
}
inline size_t digit(uint64_t key, int d) {
  return static_cast<size_t>(key >> (d * kDigitBits)) & (kBuckets - 1);
}

}  // namespace

void sort_doubles(std::vector<double>& v) {
  const size_t n = v.size();
  if (n < 1024 || n > std::numeric_limits<uint32_t>::max()) {
    std::sort(v.begin(), v.end());
    return;
  }
  std::vector<std::array<uint32_t, kBuckets>> hist(kDigits);
  for (auto& h : hist) h.fill(0);
  bool neg_zero = false, pos_zero = false;
  for (double x : v) {
    const uint64_t k = to_key(x);
    neg_zero |= k == kNegativeZeroKey;
    pos_zero |= k == kSign;
    for (int d = 0; d < kDigits; ++d) ++hist[d][digit(k, d)];
  }
  if (neg_zero && pos_zero) {
    std::sort(v.begin(), v.end());
    return;
  }
  // The values live in `v` as doubles and in `keys` as keys; each pass moves them from one to
  // the other (stable, so the earlier digits' order survives), converting on the way.
  std::vector<uint64_t> keys(n);
  bool in_keys = false;
  std::array<uint32_t, kBuckets> pos;
  for (int d = 0; d < kDigits; ++d) {
    const auto& h = hist[d];
    if (std::find(h.begin(), h.end(), static_cast<uint32_t>(n)) != h.end())
      continue;  // every value has the same digit here: the pass would move nothing
    uint32_t sum = 0;
    for (size_t b = 0; b < kBuckets; ++b) pos[b] = sum, sum += h[b];
    if (!in_keys) {
      for (size_t i = 0; i < n; ++i) {
        const uint64_t k = to_key(v[i]);
        keys[pos[digit(k, d)]++] = k;
      }
    } else {
      for (size_t i = 0; i < n; ++i) {
        const uint64_t k = keys[i];
        v[pos[digit(k, d)]++] = from_key(k);
      }
    }
    in_keys = !in_keys;
  }
  if (in_keys) {
    for (size_t i = 0; i < n; ++i) v[i] = from_key(keys[i]);
  }
}

}  // namespace mlo::drift
