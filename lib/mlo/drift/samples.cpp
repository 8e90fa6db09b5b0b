#include "mlo/drift/samples.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <limits>
#include <memory>

namespace mlo::drift {

size_t SampleColumn::Part::size() const {
  switch (width) {
    case 0:
      return doubles.size();
    case 1:
      return i8.size();
    case 2:
      return i16.size();
    default:
      return i32.size();
  }
}

template <typename Fn>
void SampleColumn::Part::for_each_int(const Fn& fn) const {
  auto each = [&](const auto& v) {
    for (auto x : v) fn(static_cast<int32_t>(x));
  };
  if (width == 1) each(i8);
  if (width == 2) each(i16);
  if (width == 4) each(i32);
}

void SampleColumn::reserve(size_t n) {
  switch (open_.width) {
    case 0:
      return open_.doubles.reserve(open_.doubles.size() + n);
    case 1:
      return open_.i8.reserve(open_.i8.size() + n);
    case 2:
      return open_.i16.reserve(open_.i16.size() + n);
    default:
      return open_.i32.reserve(open_.i32.size() + n);
  }
}

namespace {
// Moves `from`'s values into `to` (converted), keeping room for at least `capacity` values.
template <typename From, typename To>
void convert(std::vector<From>& from, std::vector<To>& to, size_t capacity) {
  to.reserve(std::max(capacity, from.size() + 1));
  to.assign(from.begin(), from.end());
  std::vector<From>().swap(from);
}
size_t int_capacity(const std::vector<int8_t>& a, const std::vector<int16_t>& b,
                    const std::vector<int32_t>& c) {
  return std::max({a.capacity(), b.capacity(), c.capacity()});
}
}  // namespace

void SampleColumn::push_wider(int32_t i) {
  Part& p = open_;
  const size_t capacity = int_capacity(p.i8, p.i16, p.i32);
  if (i >= INT16_MIN && i <= INT16_MAX) {  // 1 -> 2
    convert(p.i8, p.i16, capacity);
    p.width = 2;
    p.i16.push_back(static_cast<int16_t>(i));
    return;
  }
  if (p.width == 1) convert(p.i8, p.i32, capacity);
  if (p.width == 2) convert(p.i16, p.i32, capacity);
  p.width = 4;
  p.i32.push_back(i);
}

void SampleColumn::push_double(double v) {
  Part& p = open_;
  if (p.integral()) {
    const size_t capacity = int_capacity(p.i8, p.i16, p.i32);
    if (p.width == 1) convert(p.i8, p.doubles, capacity);
    if (p.width == 2) convert(p.i16, p.doubles, capacity);
    if (p.width == 4) convert(p.i32, p.doubles, capacity);
    p.width = 0;
  }
  p.doubles.push_back(v);
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
  if (!open_.integral()) return false;
  return std::all_of(parts_.begin(), parts_.end(), [](const Part& p) { return p.integral(); });
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
      int32_t mn = INT32_MAX, mx = INT32_MIN;
      p.for_each_int([&](int32_t x) { mn = std::min(mn, x), mx = std::max(mx, x); });
      lo = std::min<int64_t>(lo, mn);
      hi = std::max<int64_t>(hi, mx);
    }
    const auto range = static_cast<uint64_t>(hi - lo) + 1;
    if (range <= std::max<uint64_t>(n, 65536)) {
      // Equal integers are equal doubles bit for bit (no -0.0 here): counts say it all.
      std::vector<size_t> counts(range, 0);
      for (auto& p : parts_) {
        p.for_each_int([&](int32_t x) { ++counts[static_cast<size_t>(x - lo)]; });
        p = Part{};  // frees it
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
    if (p.integral())
      p.for_each_int([&](int32_t x) { out.push_back(x); });
    else
      out.insert(out.end(), p.doubles.begin(), p.doubles.end());
    p = Part{};
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
    // Runs come from integer parts: no -0.0, equal values are equal bits, any merge is exact.
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
  const auto keys = std::make_unique_for_overwrite<uint64_t[]>(n);  // every slot written first
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
