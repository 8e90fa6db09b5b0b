// Sample storage for the numeric values a profile keeps (baseline quantile edges, exact mode):
// the valid values of one feature, appended chunk by chunk and sorted once at the end.
//
// Why not a std::vector<double> and std::sort: on flights-like data most numeric columns are
// small integers (month, hour, counts). A part of a column holds integers while every value
// pushed to it is an integer in int32 range other than -0.0 (which would come back as +0.0), in
// the narrowest of int8/int16/int32 that has held them all so far: 1/8 to 1/2 of the memory and
// page faults of doubles (writing the samples is most of what keeping them costs), and a
// counting sort at the end. The first other value turns that part into doubles for good. Parts (one
// per parsed chunk) are moved, never copied, until the final sort reads each once. Such a column
// sorts into runs of equal values (a dozen runs for a month column instead of 500k doubles), which
// the exact statistics walk as they are.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace mlo::drift {

// The runs of equal values of an ascending sample, in ascending order: value() (the first value
// of the run) and end() (how many values are <= it). Over plain values (no `ends`) a run is found
// by comparing neighbours with ==, so -0.0 and +0.0 form one run, as ties do in the statistics.
class SampleRuns {
 public:
  // `values` ascending; with `ends`, `values` are the distinct values and ends[k] the number of
  // values <= values[k] (strictly ascending).
  explicit SampleRuns(std::span<const double> values, std::span<const uint64_t> ends = {})
      : values_(values), ends_(ends) {
    settle();
  }
  bool done() const { return pos_ >= values_.size(); }
  double value() const { return values_[pos_]; }
  uint64_t end() const { return end_; }
  void next() {
    pos_ = ends_.empty() ? end_ : pos_ + 1;
    settle();
  }

 private:
  void settle() {
    if (done()) return;
    if (!ends_.empty()) {
      end_ = ends_[pos_];
      return;
    }
    size_t e = pos_ + 1;
    while (e < values_.size() && values_[e] == values_[pos_]) ++e;
    end_ = e;
  }
  std::span<const double> values_;
  std::span<const uint64_t> ends_;
  size_t pos_ = 0;
  size_t end_ = 0;
};

// An ascending sample: value by value, or as runs (distinct values and cumulative counts).
// Either way it stands for the same sequence of doubles, bit for bit.
class SortedSample {
 public:
  SortedSample() = default;
  // `ascending` sorted ascending.
  explicit SortedSample(std::vector<double> ascending) : values_(std::move(ascending)) {}
  // `distinct` strictly ascending, `ends[k]` the number of values <= distinct[k] (ascending).
  SortedSample(std::vector<double> distinct, std::vector<uint64_t> ends)
      : values_(std::move(distinct)), ends_(std::move(ends)) {}

  size_t size() const { return ends_.empty() ? values_.size() : ends_.back(); }
  bool empty() const { return values_.empty(); }
  bool as_runs() const { return !ends_.empty(); }
  // The value of 0-based rank r < size().
  double operator[](size_t r) const;
  double front() const { return values_.front(); }
  double back() const { return values_.back(); }
  SampleRuns runs() const { return SampleRuns(values_, ends_); }
  // Every value, in order (tests, merging).
  std::vector<double> expand() const;
  // The same representation and values (tests).
  bool operator==(const SortedSample&) const = default;

 private:
  std::vector<double> values_;
  std::vector<uint64_t> ends_;  // empty: values_ holds every value
};

// The kept values of one feature (see the top of this file); filled by one thread at a time.
class SampleColumn {
 public:
  // Room for n more values in the open part (a hint; never required).
  void reserve(size_t n);
  // Appends v; v must not be NaN.
  void push(double v) {
    if (open_.width != 0 && v >= -2147483648.0 && v <= 2147483647.0) {
      const auto i = static_cast<int32_t>(v);
      if (static_cast<double>(i) == v && (i != 0 || !std::signbit(v))) {
        switch (open_.width) {
          case 1:
            if (i >= INT8_MIN && i <= INT8_MAX) return open_.i8.push_back(static_cast<int8_t>(i));
            break;
          case 2:
            if (i >= INT16_MIN && i <= INT16_MAX)
              return open_.i16.push_back(static_cast<int16_t>(i));
            break;
          default:
            return open_.i32.push_back(i);
        }
        return push_wider(i);
      }
    }
    push_double(v);
  }
  // Appends every value of `other` after this column's (moving its storage, no copy); `other`
  // is left empty.
  void append(SampleColumn&& other);
  size_t size() const;
  // Whether every value so far is stored as int32 (for tests).
  bool integral() const;
  // All values in ascending order, exactly (bit for bit) what std::sort gives on them in push
  // order; the column is empty afterwards. As runs, by a counting sort, when every part is int32
  // and the value range is at most max(size, 65536); otherwise value by value, by sort_doubles.
  SortedSample take_sorted();

 private:
  struct Part {
    int width = 1;  // bytes per integer while integral: 1, 2 or 4 (only that vector is used);
                    // 0 once the values are doubles
    std::vector<int8_t> i8;
    std::vector<int16_t> i16;
    std::vector<int32_t> i32;
    std::vector<double> doubles;  // the integers converted, then the rest
    bool integral() const { return width != 0; }
    size_t size() const;
    // Calls fn(int32_t) on every integer in order (integral parts only).
    template <typename Fn>
    void for_each_int(const Fn& fn) const;
  };
  void push_wider(int32_t i);  // i does not fit the open part's width
  void push_double(double v);
  void seal();  // moves a non-empty open part to parts_

  std::vector<Part> parts_;  // earlier values, in order
  Part open_;                // the part push() fills
};

// Sorts ascending with the same result as std::sort, bit for bit: an LSD radix sort (11-bit
// digits, passes whose digit is the same for every value skipped) on the order-preserving
// integer image of each double. Falls back to std::sort when -0.0 and +0.0 both occur (they
// compare equal, and std::sort's order of equal elements is its own) and for small inputs.
// No NaN.
void sort_doubles(std::vector<double>& v);

// The samples of several inputs as one: what std::sort gives on their values concatenated in
// order (bit for bit); a single part as it is. Runs when every part is runs or empty (nothing to
// sort), else sort_doubles.
SortedSample merge_samples(std::vector<SortedSample> parts);

}  // namespace mlo::drift
