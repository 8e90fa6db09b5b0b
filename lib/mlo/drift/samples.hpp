// Sample storage for the numeric values a profile keeps (baseline quantile edges, exact mode):
// the valid values of one feature, appended chunk by chunk and sorted once at the end.
//
// Why not a std::vector<double> and std::sort: on flights-like data most numeric columns are
// small integers (month, hour, counts). A part of a column holds int32 while every value pushed
// to it is an integer in int32 range other than -0.0 (which would come back as +0.0): half the
// memory and page faults of doubles, and a counting sort at the end. The first other value turns
// that part into doubles for good. Parts (one per parsed chunk) are moved, never copied, until
// the final sort reads each once.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mlo::drift {

class SampleColumn {
 public:
  // Room for n more values in the open part (a hint; never required).
  void reserve(size_t n);
  // Appends v; v must not be NaN.
  void push(double v) {
    if (open_.integral && v >= -2147483648.0 && v <= 2147483647.0) {
      const auto i = static_cast<int32_t>(v);
      if (static_cast<double>(i) == v && (i != 0 || !std::signbit(v))) {
        open_.ints.push_back(i);
        return;
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
  // order; the column is empty afterwards. Counting sort when every part is int32 and the value
  // range is at most max(size, 65536); otherwise sort_doubles.
  std::vector<double> take_sorted();

 private:
  struct Part {
    bool integral = true;
    std::vector<int32_t> ints;     // while integral
    std::vector<double> doubles;   // afterwards (the ints converted, then the rest)
    size_t size() const { return integral ? ints.size() : doubles.size(); }
  };
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

}  // namespace mlo::drift
