// The float AVX-512 kernels, for AVX-512 CPUs without VBMI and for forests the byte kernel
// (native_forest_vbmi.cpp) does not take: a block's rows as vectors of 16 lanes walk one tree
// level by level, each lane holding its node position in the level. The block's many vectors
// are independent chains of permutes, compares and gathers, which the out-of-order core
// overlaps: 512-row blocks ran 1.3x faster than 64-row ones on the flights model (Zen 5).
//  - Split data (threshold, feature | flip bit) of levels up to 128 nodes (all of a depth-8
//    tree) is looked up with in-register permutes (vpermps/vpermt2ps over 32-node chunks,
//    combined by the position's high bits); deeper levels and the leaves of trees deeper than
//    5 use one gather.
//  - With few features (<= 16, the common case) the block's rows stay in registers: each
//    16-row vector's feature values are `S` (features rounded up to a power of two) floats per
//    row, and the split feature of each lane is picked with vpermt2ps over register pairs, so a
//    level does no memory access at all. More features fall back to gathering from the block.
//  - Each tree depth up to 10 has its own fully unrolled walk (levels are template
//    parameters), so every lookup compiles to its permutes without branches and the lanes'
//    positions stay in registers; measured 2-3x faster than one loop over levels. Deeper trees
//    take a run-time loop with gathers.
//  - NaN needs no test: default-left nodes are stored mirrored (see native_forest.cpp), so one
//    sign flip and one `<` per level decide the direction exactly as XGBoost does.
// Compiled for AVX-512F through a function attribute only, so the binary still runs on any
// x86-64; NativeForest selects this kernel after a CPU check. The comparisons and the float
// adds are the same operations as the portable kernel's, so results are bit-identical.
#include "mlo/model/native_forest_kernels.hpp"

#if defined(__x86_64__) && defined(__GNUC__)
// GCC 12 warns about the deliberately undefined vectors inside its own AVX-512 intrinsics.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <span>
#include <utility>

#define MLO_AVX512 __attribute__((target("avx512f")))
// Under clang's AddressSanitizer (the fuzz build) the 55 unrolled walks take many minutes to
// compile, so that build walks every tree with the run-time loop, which gives the same floats.
#if defined(__clang__) && defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MLO_UNROLLED_WALKS 0
#endif
#endif
#ifndef MLO_UNROLLED_WALKS
#define MLO_UNROLLED_WALKS 1
#endif
// The per-level helpers must inline into the unrolled tree walk: a call passes vectors through
// memory and costs more than the level itself.
#define MLO_AVX512_INLINE __attribute__((target("avx512f"), always_inline)) inline

namespace mlo {

namespace {
constexpr int kVectors = static_cast<int>(kBlock / 16);
// Split data of levels up to 128 nodes is looked up with permutes; a wider level and the
// leaves of trees deeper than 5 with one gather (measured on the flights model: 15 permutes and
// blends for 256 leaves cost more than the gather).
constexpr int kMaxPermuteLevel = 7;
constexpr int kMaxPermuteLeafLevel = 5;
constexpr int kHighBits = kMaxPermuteLevel > 5 ? kMaxPermuteLevel - 5 : 1;

// Looks up table[pos] for each lane, where the table holds 2^level entries (padded to >= 16).
// `hi` are the lane masks of position bits 5 and 6 (only read for levels 6 and 7).
template <typename V, typename T, V (*Perm1)(__m512i, V), V (*Perm2)(V, __m512i, V),
          V (*Blend)(__mmask16, V, V), V (*Load)(const void*), V (*Gather)(__m512i, const T*)>
MLO_AVX512_INLINE V lookup(const T* table, int level, __m512i pos, const __mmask16* hi) {
  if (level <= 4) return Perm1(pos, Load(table));
  if (level == 5) return Perm2(Load(table), pos, Load(table + 16));
  if (level > kMaxPermuteLevel) return Gather(pos, table);
  V c[1 << (kMaxPermuteLevel > 5 ? kMaxPermuteLevel - 5 : 0)];
  const int chunks = 1 << (level - 5);
  for (int j = 0; j < chunks; ++j)
    c[j] = Perm2(Load(table + 32 * j), pos, Load(table + 32 * j + 16));
  for (int b = 0, step = 1; step < chunks; ++b, step *= 2)
    for (int j = 0; j + step < chunks; j += 2 * step) c[j] = Blend(hi[b], c[j], c[j + step]);
  return c[0];
}

MLO_AVX512_INLINE __m512 perm1_ps(__m512i i, __m512 a) {
  return _mm512_permutexvar_ps(i, a);
}
MLO_AVX512_INLINE __m512 perm2_ps(__m512 a, __m512i i, __m512 b) {
  return _mm512_permutex2var_ps(a, i, b);
}
MLO_AVX512_INLINE __m512 blend_ps(__mmask16 k, __m512 a, __m512 b) {
  return _mm512_mask_blend_ps(k, a, b);
}
MLO_AVX512_INLINE __m512 load_ps(const void* p) {
  return _mm512_loadu_ps(p);
}
MLO_AVX512_INLINE __m512 gather_ps(__m512i i, const float* t) {
  return _mm512_i32gather_ps(i, t, 4);
}
MLO_AVX512_INLINE __m512i perm1_epi(__m512i i, __m512i a) {
  return _mm512_permutexvar_epi32(i, a);
}
MLO_AVX512_INLINE __m512i perm2_epi(__m512i a, __m512i i, __m512i b) {
  return _mm512_permutex2var_epi32(a, i, b);
}
MLO_AVX512_INLINE __m512i blend_epi(__mmask16 k, __m512i a, __m512i b) {
  return _mm512_mask_blend_epi32(k, a, b);
}
MLO_AVX512_INLINE __m512i load_epi(const void* p) {
  return _mm512_loadu_si512(p);
}
MLO_AVX512_INLINE __m512i gather_epi(__m512i i, const uint32_t* t) {
  return _mm512_i32gather_epi32(i, t, 4);
}

MLO_AVX512_INLINE __m512 lookup_f(const float* t, int level, __m512i pos, const __mmask16* hi) {
  return lookup<__m512, float, perm1_ps, perm2_ps, blend_ps, load_ps, gather_ps>(t, level, pos, hi);
}
MLO_AVX512_INLINE __m512i lookup_i(const uint32_t* t, int level, __m512i pos, const __mmask16* hi) {
  return lookup<__m512i, uint32_t, perm1_epi, perm2_epi, blend_epi, load_epi, gather_epi>(t, level,
                                                                                          pos, hi);
}

// Feature values of one 16-row vector: S floats per row (S = 2..16), or gathered rows.
template <int S>
struct Rows {
  static constexpr int kPairs = S / 2;  // register pairs of 32 floats (32 / S rows each)
  const float* x;                       // 16 * S floats
  MLO_AVX512_INLINE __m512 select(__m512i base, __m512i info) const {
    // vpermt2ps reads the low 5 index bits only: base (row * S mod 32) + feature, the flip
    // bit 31 is ignored.
    __m512i idx = _mm512_or_si512(base, info);
    __m512 c[kPairs];
    for (int p = 0; p < kPairs; ++p)
      c[p] =
          _mm512_permutex2var_ps(_mm512_load_ps(x + 32 * p), idx, _mm512_load_ps(x + 32 * p + 16));
    // Lane r belongs to pair r * S / 32; combine pairs by the bits of that number.
    for (int b = 0, step = 1; step < kPairs; ++b, step *= 2) {
      __mmask16 m = 0;
      for (int r = 0; r < 16; ++r)
        if (((r * S / 32) >> b) & 1) m = static_cast<__mmask16>(m | (1u << r));
      for (int p = 0; p + step < kPairs; p += 2 * step)
        c[p] = _mm512_mask_blend_ps(m, c[p], c[p + step]);
    }
    return c[0];
  }
};

template <int S>
MLO_AVX512_INLINE __m512i lane_base() {
  alignas(64) int32_t b[16];
  for (int r = 0; r < 16; ++r) b[r] = (r * S) & 31;
  return _mm512_load_si512(b);
}

// Offset of level L's split data within a tree: each level is padded to >= 16 entries.
constexpr size_t level_offset(int level) {
  size_t off = 0;
  for (int l = 0; l < level; ++l) off += std::max<size_t>(size_t{1} << l, 16);
  return off;
}

// Lane masks of position bits 5.. (the chunk a lane's node lies in at levels 6 and 7).
template <int L>
MLO_AVX512_INLINE void high_bits(__m512i pos, __mmask16* hi) {
  if constexpr (L > 5 && L <= kMaxPermuteLevel)
    for (int b = 0; b < L - 5; ++b) hi[b] = _mm512_test_epi32_mask(pos, _mm512_set1_epi32(32 << b));
}

// Feature values of vector v for the split data `iv`: from registers (S > 0) or gathered.
template <int S>
MLO_AVX512_INLINE __m512 feature_values(const float* xs, const float* x, __m512i base, __m512i iv) {
  if constexpr (S > 0) {
    return Rows<S>{xs}.select(base, iv);
  } else {
    __m512i at = _mm512_add_epi32(base, _mm512_and_si512(iv, _mm512_set1_epi32(0x7fffffff)));
    return _mm512_i32gather_ps(at, x, 4);
  }
}

// Moves each lane one level down for feature values `xv`, thresholds `tv` and split info `iv`:
// to 2p when x < threshold (left), else 2p + 1.
MLO_AVX512_INLINE __m512i descend(__m512i pos, __m512 xv, __m512 tv, __m512i iv) {
  // Mirrored (default-left) nodes compare -x; NaN compares false either way.
  // x ^ (info & sign bit) in one vpternlogd (truth table 0x78 = A ^ (B & C)).
  const __m512i flip_mask = _mm512_set1_epi32(static_cast<int>(0x80000000u));
  xv = _mm512_castsi512_ps(_mm512_ternarylogic_epi32(_mm512_castps_si512(xv), iv, flip_mask, 0x78));
  const __mmask16 left = _mm512_cmp_ps_mask(xv, tv, _CMP_LT_OQ);
  pos = _mm512_add_epi32(pos, pos);
  return _mm512_mask_add_epi32(pos, static_cast<__mmask16>(~left), pos, _mm512_set1_epi32(1));
}

// One level L of one tree for every vector of the block. L is a compile-time constant, so the
// lookups compile to their permutes without branches and `pos` stays in registers.
template <int S, int L>
MLO_AVX512_INLINE void walk_level(const float* thr, const uint32_t* info, const float* xs,
                                  const float* x, const __m512i* base, __m512i* pos) {
  constexpr size_t off = level_offset(L);
#pragma GCC unroll 8
  for (int v = 0; v < kVectors; ++v) {
    __mmask16 hi[kHighBits] = {};
    high_bits<L>(pos[v], hi);
    __m512 tv = lookup_f(thr + off, L, pos[v], hi);
    __m512i iv = lookup_i(info + off, L, pos[v], hi);
    pos[v] = descend(pos[v], feature_values<S>(xs + 16 * S * v, x, base[v], iv), tv, iv);
  }
}

// Adds the leaf values of level L (the tree's depth) to the block's margins.
template <int L>
MLO_AVX512_INLINE void add_leaves(const float* leaves, float* margin, const __m512i* pos) {
#pragma GCC unroll 8
  for (int v = 0; v < kVectors; ++v) {
    __mmask16 hi[kHighBits] = {};
    high_bits<L>(pos[v], hi);
    __m512 leaf = L > kMaxPermuteLeafLevel ? _mm512_i32gather_ps(pos[v], leaves, 4)
                                           : lookup_f(leaves, L, pos[v], hi);
    float* m = margin + 16 * v;
    _mm512_storeu_ps(m, _mm512_add_ps(_mm512_loadu_ps(m), leaf));
  }
}

// A whole tree of depth D, every level unrolled (depths up to 10, see margins_impl).
template <int S, int D, int... L>
MLO_AVX512_INLINE void walk_tree([[maybe_unused]] const float* thr,
                                 [[maybe_unused]] const uint32_t* info, const float* leaves,
                                 [[maybe_unused]] const float* xs, [[maybe_unused]] const float* x,
                                 [[maybe_unused]] const __m512i* base, float* margin,
                                 std::integer_sequence<int, L...>) {
  __m512i pos[kVectors];
  for (auto& p : pos) p = _mm512_setzero_si512();
  (walk_level<S, L>(thr, info, xs, x, base, pos), ...);
  add_leaves<D>(leaves, margin, pos);
}

// A tree deeper than 10, level by level at run time with gathers.
template <int S>
MLO_AVX512 void walk_deep_tree(const float* thr, const uint32_t* info, const float* leaves,
                               int depth, const float* xs, const float* x, const __m512i* base,
                               float* margin) {
  __m512i pos[kVectors];
  for (auto& p : pos) p = _mm512_setzero_si512();
  size_t off = 0;
  for (int l = 0; l < depth; ++l) {
    for (int v = 0; v < kVectors; ++v) {
      __m512 tv = _mm512_i32gather_ps(pos[v], thr + off, 4);
      __m512i iv = _mm512_i32gather_epi32(pos[v], info + off, 4);
      pos[v] = descend(pos[v], feature_values<S>(xs + 16 * S * v, x, base[v], iv), tv, iv);
    }
    off += std::max<size_t>(size_t{1} << l, 16);
  }
  for (int v = 0; v < kVectors; ++v) {
    float* m = margin + 16 * v;
    _mm512_storeu_ps(m, _mm512_add_ps(_mm512_loadu_ps(m), _mm512_i32gather_ps(pos[v], leaves, 4)));
  }
}

template <int S, int D>
MLO_AVX512_INLINE void walk_unrolled(const float* thr, const uint32_t* info, const float* leaves,
                                     const float* xs, const float* x, const __m512i* base,
                                     float* margin) {
  walk_tree<S, D>(thr, info, leaves, xs, x, base, margin, std::make_integer_sequence<int, D>{});
}

// S == 0: rows are read from the row-major block with gathers (any number of features).
template <int S>
MLO_AVX512 void margins_impl(const KernelArgs& a) {
  constexpr int kStride = S == 0 ? 1 : S;
  alignas(64) float xs[S == 0 ? 16 : kBlock * kStride];
  __m512i base[kVectors];
  if constexpr (S > 0) {
    // Copy the block into S floats per row (zero padding; tail rows zero, their margins unused).
    std::memset(xs, 0, sizeof(xs));
    for (size_t r = 0; r < a.rows; ++r)
      std::memcpy(xs + r * S, a.x + r * a.cols, a.num_features * sizeof(float));
    for (auto& b : base) b = lane_base<S>();
  } else {
    for (int v = 0; v < kVectors; ++v) {
      alignas(64) int32_t offs[16];
      for (int i = 0; i < 16; ++i) {
        offs[i] = gather_row_offset(a, static_cast<size_t>(v * 16 + i));
      }
      base[v] = _mm512_load_si512(offs);
    }
  }
  for (const auto& t : std::span(a.trees, a.num_trees)) {
    const float* thr = a.thr + t.node_offset;
    const uint32_t* info = a.info + t.node_offset;
    const float* leaves = a.leaves + t.leaf_offset;
    float* m = a.margin + static_cast<size_t>(t.group) * kBlock;
#if MLO_UNROLLED_WALKS
    switch (t.depth) {
#define MLO_DEPTH(D)                                          \
  case D:                                                     \
    walk_unrolled<S, D>(thr, info, leaves, xs, a.x, base, m); \
    break;
      MLO_DEPTH(0)
      MLO_DEPTH(1)
      MLO_DEPTH(2)
      MLO_DEPTH(3)
      MLO_DEPTH(4)
      MLO_DEPTH(5) MLO_DEPTH(6) MLO_DEPTH(7) MLO_DEPTH(8) MLO_DEPTH(9) MLO_DEPTH(10)
#undef MLO_DEPTH
          default : walk_deep_tree<S>(thr, info, leaves, t.depth, xs, a.x, base, m);
    }
#else
    walk_deep_tree<S>(thr, info, leaves, t.depth, xs, a.x, base, m);
#endif
  }
}

}  // namespace

MLO_AVX512 void margins_avx512(const KernelArgs& a) {
  size_t n = a.num_features;
  if (n <= 2)
    margins_impl<2>(a);
  else if (n <= 4)
    margins_impl<4>(a);
  else if (n <= 8)
    margins_impl<8>(a);
  else if (n <= 16)
    margins_impl<16>(a);
  else
    margins_impl<0>(a);
}

}  // namespace mlo

#else
namespace mlo {
void margins_avx512(const KernelArgs& a) {
  margins_portable(a);
}
}  // namespace mlo
#endif
