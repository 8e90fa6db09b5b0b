// Internal to lib/mlo/model: the block kernels behind NativeForest::predict. Each adds every
// tree's leaf value to the margins of one block of at most kBlock rows, in model order.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "mlo/model/native_forest.hpp"

namespace mlo {

// Rows per block; margins are m[group * kBlock + row]. Each block streams every tree's split
// data once, so larger blocks reuse it: on the flights model (300 trees of depth 8, 2 KB each in
// the byte layout) the byte kernel ran 0.94 s with 64-row blocks and 0.49 s with 512, one core.
// Larger blocks gained little more and waste more rows at a chunk's tail.
inline constexpr size_t kBlock = 512;
// Widest row the kernels take: kBlock rows x columns fit an int32 offset (gathers).
inline constexpr size_t kMaxKernelColumns = 0x7fffffff / kBlock;
static_assert(kMaxKernelColumns > size_t{1} << 20);  // every model's features fit

// The forest's layout (see NativeForest::Tree) and one block of rows.
struct KernelArgs {
  const NativeForest::Tree* trees;
  size_t num_trees;
  const float* thr;              // nodes_thr_
  const uint32_t* info;          // nodes_info_
  const float* leaves;           // leaves_
  const float* cuts;             // cuts_ (kAvx512Vbmi)
  const uint8_t* byte_nodes;     // byte_nodes_ (kAvx512Vbmi)
  const uint32_t* byte_columns;  // byte_columns_ (kAvx512Vbmi)
  size_t byte_features;          // byte_columns_.size()
  size_t num_features;
  const float* x;  // first row of the block, row-major
  size_t cols;
  size_t rows;  // 1..kBlock
  float* margin;
  size_t groups;  // output groups: margins are m[group * kBlock + row]
};

// Offset of block row r's first value for a gather; rows past the block's end (a tail block)
// read the last row, whose results go unused. Fits int32: cols <= kMaxKernelColumns.
inline int32_t gather_row_offset(const KernelArgs& a, size_t r) {
  return static_cast<int32_t>(std::min(r, a.rows - 1) * a.cols);
}

// The kAvx512Vbmi layout. Byte feature v reads column byte_columns[v] and has at most 254
// cuts (cuts_ + v * kByteCutSlots, sorted, padded with NaN); a column with more cuts is split
// into several byte features of 254 consecutive cuts each. A value's rank for v is the number
// of v's cuts <= it (255 for NaN). One tree of depth D <= kByteMaxDepth, at Tree::byte_offset
// in byte_nodes_: for each level l < D a table of feature bytes (v * byte_rows_per_pair(V),
// | 0x80 for a mirrored node) and a table of threshold ranks T, byte_level_size(l) entries
// each; then the leaf values as 4 byte planes (byte k of each float's bits),
// byte_leaf_size(D) entries each. A node sends a row left when rank < T, or for a mirrored
// node when 254 - rank < T (bytes wrap, so NaN goes right either way); T = 0 is always right.
inline constexpr int kByteMaxDepth = 8;
inline constexpr size_t kByteCutSlots = 256;  // cuts_ per byte feature; at most 254 are real
inline constexpr size_t kByteMaxFeatures = 16;
// Rows whose ranks share one 128-byte register pair when there are `features` byte features.
constexpr size_t byte_rows_per_pair(size_t features) {
  return std::min<size_t>(64, 128 / features);
}
constexpr size_t byte_level_size(int level) {
  return level < 7 ? 64 : 128;
}
constexpr size_t byte_level_offset(int level) {
  size_t off = 0;
  for (int l = 0; l < level; ++l) off += 2 * byte_level_size(l);
  return off;
}
constexpr size_t byte_leaf_size(int depth) {
  return depth <= 6 ? 64 : depth == 7 ? 128 : 256;
}
constexpr size_t byte_tree_size(int depth) {
  return byte_level_offset(depth) + 4 * byte_leaf_size(depth);
}

void margins_portable(const KernelArgs& args);
void margins_avx512(const KernelArgs& args);  // only call when NativeForest::cpu_has_avx512()
// Only when NativeForest::cpu_has_avx512_vbmi() and the forest has the byte layout; kBlock
// must be a multiple of 64.
void margins_avx512_vbmi(const KernelArgs& args);

}  // namespace mlo
