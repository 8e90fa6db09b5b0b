// CategoryTable: a categorical feature's category string -> its code (the category's index in
// the preprocess spec). Open addressing over a power-of-two table at least twice the number of
// categories, so a lookup is one hash and usually one compare. It replaces
// std::unordered_map<std::string_view, float> on the scoring hot path, whose node chasing was
// ~3% of score-batch's CPU on the flights data (two features of 300 categories).
// The table is built once from trusted categories; looking up any input string probes until
// an empty slot, which the load factor <= 1/2 keeps short whatever the input.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlo {

class CategoryTable {
 public:
  CategoryTable() = default;
  // Duplicated categories keep their first index.
  explicit CategoryTable(const std::vector<std::string>& categories);

  // The code of `value`, or -1 when it is not one of the categories.
  int find(std::string_view value) const {
    if (slots_.empty()) return -1;
    for (uint64_t i = hash(value) & mask_;; i = (i + 1) & mask_) {
      const uint32_t slot = slots_[i];
      if (slot == 0) return -1;
      if (names_[slot - 1] == value) return static_cast<int>(slot - 1);
    }
  }

 private:
  static uint64_t hash(std::string_view s);

  std::vector<std::string> names_;
  std::vector<uint32_t> slots_;  // 1 + index into names_; 0 = empty
  uint64_t mask_ = 0;
};

}  // namespace mlo
