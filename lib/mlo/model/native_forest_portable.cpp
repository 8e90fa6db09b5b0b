// The portable kernel: the same level-by-level walk as the AVX-512 kernel in plain C++, written
// so that the compiler vectorises the loop over the block's rows (gathers for the node and
// feature loads). It is compiled twice through target_clones: for baseline x86-64 and for
// x86-64-v3 (AVX2), and the dynamic loader picks the clone the CPU runs; other architectures
// get the plain build. Same comparisons and float adds as the AVX-512 kernel: bit-identical.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <span>

#include "mlo/model/native_forest_kernels.hpp"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
#define MLO_PORTABLE_CLONES __attribute__((target_clones("default", "arch=x86-64-v3")))
#else
#define MLO_PORTABLE_CLONES
#endif

namespace mlo {

// Margins are laid out group-major within a block: m[g * kBlock + r].
MLO_PORTABLE_CLONES void margins_portable(const KernelArgs& a) {
  uint32_t pos[kBlock];
  uint32_t row_at[kBlock];  // offset of each row in the block (fits: rows x cols < 2^32)
  const float* x = a.x;
  const uint32_t rows = static_cast<uint32_t>(a.rows);
  for (uint32_t r = 0; r < rows; ++r) row_at[r] = static_cast<uint32_t>(r * a.cols);
  for (const auto& t : std::span(a.trees, a.num_trees)) {
    const float* thr = a.thr + t.node_offset;
    const uint32_t* info = a.info + t.node_offset;
    std::fill(pos, pos + rows, 0u);
    for (int l = 0; l < t.depth; ++l) {
      for (uint32_t r = 0; r < rows; ++r) {
        const uint32_t node_info = info[pos[r]];
        // Mirrored (default-left) nodes compare -x; NaN compares false either way.
        const float v =
            std::bit_cast<float>(std::bit_cast<uint32_t>(x[row_at[r] + (node_info & 0x7fffffffu)]) ^
                                 (node_info & 0x80000000u));
        // Branch-free on purpose: the direction is a coin flip for the predictor.
        const uint32_t left = v < thr[pos[r]] ? 1u : 0u;
        pos[r] = 2 * pos[r] + 1 - left;
      }
      const size_t width = std::max<size_t>(size_t{1} << l, 16);
      thr += width;
      info += width;
    }
    const float* leaves = a.leaves + t.leaf_offset;
    float* m = a.margin + static_cast<size_t>(t.group) * kBlock;
    for (uint32_t r = 0; r < rows; ++r) m[r] += leaves[pos[r]];
  }
}

}  // namespace mlo
