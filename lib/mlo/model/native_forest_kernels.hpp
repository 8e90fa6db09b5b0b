// Internal to lib/mlo/model: the block kernels behind NativeForest::predict. Each adds every
// tree's leaf value to the margins of one block of at most kBlock rows, in model order.
#pragma once

#include <cstddef>
#include <cstdint>

#include "mlo/model/native_forest.hpp"

namespace mlo {

inline constexpr size_t kBlock = 64;  // rows per block; margins are m[group * kBlock + row]

// The forest's layout (see NativeForest::Tree) and one block of rows.
struct KernelArgs {
  const NativeForest::Tree* trees;
  size_t num_trees;
  const float* thr;      // nodes_thr_
  const uint32_t* info;  // nodes_info_
  const float* leaves;   // leaves_
  size_t num_features;
  const float* x;  // first row of the block, row-major
  size_t cols;
  size_t rows;  // 1..kBlock
  float* margin;
};

void margins_portable(const KernelArgs& args);
void margins_avx512(const KernelArgs& args);  // only call when NativeForest::cpu_has_avx512()

}  // namespace mlo
