#include "mlo/data/category_table.hpp"

#include <cstring>

namespace mlo {

CategoryTable::CategoryTable(const std::vector<std::string>& categories) : names_(categories) {
  if (names_.empty()) return;
  size_t size = 16;
  while (size < 2 * names_.size()) size *= 2;
  slots_.assign(size, 0);
  mask_ = size - 1;
  for (size_t c = 0; c < names_.size(); ++c) {
    if (find(names_[c]) >= 0) continue;  // a duplicate keeps its first index
    uint64_t i = hash(names_[c]) & mask_;
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = static_cast<uint32_t>(c + 1);
  }
}

// 8 bytes at a time, each mixed by a multiply and a shift (splitmix64's constants): category
// values are short, so this is a handful of instructions.
uint64_t CategoryTable::hash(std::string_view s) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
    h ^= h >> 31;
  }
  uint64_t w = 0;
  std::memcpy(&w, s.data() + i, s.size() - i);
  h = (h ^ w) * 0x94d049bb133111ebull;
  return h ^ (h >> 29);
}

}  // namespace mlo
