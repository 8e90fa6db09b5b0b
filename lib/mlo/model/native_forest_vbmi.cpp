// The byte-lane AVX-512 kernel (AVX-512 VBMI): 64 rows walk a tree in the 64 byte lanes of one
// register, each lane holding its node position in the level (< 256 through depth 8).
//  - Rows are first quantized per block: a value becomes its rank among its feature's split
//    thresholds (the number of cuts <= it, 255 for NaN; found by a branchless binary search),
//    so `x < threshold` becomes `rank < threshold's rank` exactly, on bytes.
//  - A level then costs two byte lookups (the node's feature byte and threshold rank: one
//    vpermb over 64 entries, or vpermi2b over 128 at level 7), one vpermi2b per 128 bytes of
//    ranks to fetch each lane's feature (the block's ranks are laid out so that each lane's row
//    lies in one register pair), one compare and the position update: about 15 instructions
//    for 64 rows, where the float kernel needs about 15 for 16 rows plus gathers.
//  - Leaves are 4 byte planes looked up the same way and interleaved back into floats; the
//    float adds are the same as the other kernels', in model order, so margins are
//    bit-identical. The interleave leaves row 16k + 4j + i in lane 4k + i of float vector j;
//    margins are kept in that order while the block is walked.
// Measured on the flights model (8 features, 300 trees of depth 8) on an AMD Zen 5 host, where
// gathers are costly and the float kernel spends many instructions per row: see DESIGN.md.
// Compiled through function attributes only; NativeForest selects it after a CPU check.
#include "mlo/model/native_forest_kernels.hpp"

#if defined(__x86_64__) && defined(__GNUC__)
#ifndef __clang__
// GCC 12 warns about the deliberately undefined vectors inside its own AVX-512 intrinsics.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <span>
#include <utility>

#define MLO_VBMI __attribute__((target("avx512f,avx512bw,avx512vbmi")))
#define MLO_VBMI_INLINE __attribute__((target("avx512f,avx512bw,avx512vbmi"), always_inline)) inline

namespace mlo {

namespace {

constexpr size_t kLanes = 64;  // rows per byte vector
static_assert(kBlock % kLanes == 0);
constexpr int kVectors = static_cast<int>(kBlock / kLanes);

// The block's ranks: rows are grouped R = byte_rows_per_pair(V) to a 128-byte register pair,
// feature-major within it (byte v * R + row % R), so that one vpermi2b fetches any feature of
// any row of the pair; P pairs hold 64 rows.
template <int P>
struct Ranks {
  alignas(64) uint8_t bytes[kVectors][128 * P];
};

// What a block needs besides its ranks: lane r's offset r % R within its pair, and the lane
// masks of each bit of the lane's pair number r / R.
struct Lanes {
  __m512i base;
  __mmask64 pair_bit[3];
};

MLO_VBMI Lanes make_lanes(size_t rows_per_pair) {
  Lanes l{};
  alignas(64) uint8_t b[kLanes];
  for (size_t r = 0; r < kLanes; ++r) {
    b[r] = static_cast<uint8_t>(r % rows_per_pair);
    for (size_t bit = 0; bit < 3; ++bit)
      if (((r / rows_per_pair) >> bit) & 1) l.pair_bit[bit] |= __mmask64{1} << r;
  }
  l.base = _mm512_load_si512(b);
  return l;
}

// Ranks of 16 values among one byte feature's cuts (the number of cuts <= x; NaN cut slots
// pad the 256, and no value is >= NaN), by a branchless binary search. Its first four steps
// land on every 16th slot, which `every16` holds in a register; the last four gather within
// the 16 slots found, or, when the feature has at most 15 cuts, look in `first16`.
MLO_VBMI_INLINE __m512i search_step(__m512i rank, int step, __m512 cut, __m512 x) {
  return _mm512_mask_add_epi32(rank, _mm512_cmp_ps_mask(cut, x, _CMP_LE_OQ), rank,
                               _mm512_set1_epi32(step));
}

MLO_VBMI_INLINE __m512i rank_of(__m512 x, const float* cuts, __m512 every16, __m512 first16,
                                bool few_cuts) {
  __m512i rank = _mm512_setzero_si512();
  if (!few_cuts) {
    for (int step = 128; step >= 16; step /= 2) {
      const __m512i slot =
          _mm512_add_epi32(_mm512_srli_epi32(rank, 4), _mm512_set1_epi32(step / 16 - 1));
      rank = search_step(rank, step, _mm512_permutexvar_ps(slot, every16), x);
    }
  }
  for (int step = 8; step > 0; step /= 2) {
    const __m512i slot = _mm512_add_epi32(rank, _mm512_set1_epi32(step - 1));
    rank = search_step(
        rank, step,
        few_cuts ? _mm512_permutexvar_ps(slot, first16) : _mm512_i32gather_ps(slot, cuts, 4), x);
  }
  return _mm512_mask_mov_epi32(rank, _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q),
                               _mm512_set1_epi32(255));
}

// Ranks of the block's rows for every byte feature, 16 rows at a time.
template <int P>
MLO_VBMI void quantize(const KernelArgs& a, size_t rows_per_pair, Ranks<P>& out) {
  std::memset(out.bytes, 0, sizeof(out.bytes));
  alignas(64) int32_t every16_at[16];
  for (int j = 0; j < 16; ++j) every16_at[j] = 16 * j + 15;
  alignas(64) int32_t row_at[kBlock];
  for (size_t r = 0; r < kBlock; ++r) row_at[r] = gather_row_offset(a, r);
  for (size_t v = 0; v < a.byte_features; ++v) {
    const float* cuts = a.cuts + v * kByteCutSlots;
    const __m512 every16 = _mm512_i32gather_ps(_mm512_load_si512(every16_at), cuts, 4);
    const __m512 first16 = _mm512_loadu_ps(cuts);
    const bool few_cuts = cuts[15] != cuts[15];  // slot 15 is NaN padding
    for (size_t r0 = 0; r0 < kBlock; r0 += 16) {
      const __m512 x =
          _mm512_i32gather_ps(_mm512_load_si512(row_at + r0), a.x + a.byte_columns[v], 4);
      alignas(16) uint8_t ranks[16];
      _mm_store_si128(reinterpret_cast<__m128i*>(ranks),
                      _mm512_cvtepi32_epi8(rank_of(x, cuts, every16, first16, few_cuts)));
      uint8_t* block = out.bytes[r0 / kLanes];
      for (size_t i = 0; i < 16; ++i) {
        const size_t row = (r0 + i) % kLanes;
        block[(row / rows_per_pair) * 128 + v * rows_per_pair + row % rows_per_pair] = ranks[i];
      }
    }
  }
}

// Each lane's rank for the byte feature in `feature` (v * R; bit 7, the mirror flag, is
// ignored by vpermi2b): one vpermi2b per pair, combined by the pair each lane's row lies in.
template <int P>
MLO_VBMI_INLINE __m512i select(const uint8_t* ranks, const Lanes& lanes, __m512i feature) {
  const __m512i idx = _mm512_add_epi8(lanes.base, feature);
  __m512i c[P];
#pragma GCC unroll 8
  for (int p = 0; p < P; ++p)
    c[p] = _mm512_permutex2var_epi8(_mm512_load_si512(ranks + 128 * p), idx,
                                    _mm512_load_si512(ranks + 128 * p + 64));
#pragma GCC unroll 3
  for (int b = 0, step = 1; step < P; ++b, step *= 2)
#pragma GCC unroll 4
    for (int p = 0; p + step < P; p += 2 * step)
      c[p] = _mm512_mask_blend_epi8(lanes.pair_bit[b], c[p], c[p + step]);
  return c[0];
}

// table[pos] per lane for a table of `size` (64 or 128) bytes.
template <size_t Size>
MLO_VBMI_INLINE __m512i lookup(const uint8_t* table, __m512i pos) {
  if constexpr (Size == 64)
    return _mm512_permutexvar_epi8(pos, _mm512_loadu_si512(table));
  else
    return _mm512_permutex2var_epi8(_mm512_loadu_si512(table), pos, _mm512_loadu_si512(table + 64));
}

// One level L of one tree: each lane moves to 2p (left) or 2p + 1.
template <int P, int L>
MLO_VBMI_INLINE void walk_level(const uint8_t* tree, const Ranks<P>& ranks, const Lanes& lanes,
                                __m512i* pos) {
  constexpr size_t size = byte_level_size(L);
  const uint8_t* feature_table = tree + byte_level_offset(L);
  const __m512i c254 = _mm512_set1_epi8(static_cast<char>(254));
  const __m512i one = _mm512_set1_epi8(1);
  for (int v = 0; v < kVectors; ++v) {
    const __m512i feature = lookup<size>(feature_table, pos[v]);
    const __m512i threshold = lookup<size>(feature_table + size, pos[v]);
    __m512i x = select<P>(ranks.bytes[v], lanes, feature);
    x = _mm512_mask_sub_epi8(x, _mm512_movepi8_mask(feature), c254, x);  // mirrored: 254 - rank
    const __mmask64 right = _mm512_cmp_epu8_mask(x, threshold, _MM_CMPINT_NLT);
    pos[v] = _mm512_add_epi8(pos[v], pos[v]);
    pos[v] = _mm512_mask_add_epi8(pos[v], right, pos[v], one);
  }
}

// One byte plane of the leaves at the lanes' positions.
template <int D>
MLO_VBMI_INLINE __m512i leaf_plane(const uint8_t* plane, __m512i pos) {
  if constexpr (D <= 7) {
    return lookup<byte_leaf_size(D)>(plane, pos);
  } else {
    const __m512i low = lookup<128>(plane, pos), high = lookup<128>(plane + 128, pos);
    return _mm512_mask_blend_epi8(_mm512_movepi8_mask(pos), low, high);
  }
}

// Adds the leaves of a depth-D tree at the lanes' positions to the margins (4 float vectors
// per byte vector, in the interleaved row order).
template <int D>
MLO_VBMI_INLINE void add_leaves(const uint8_t* tree, const __m512i* pos, __m512* margin) {
  const uint8_t* planes = tree + byte_level_offset(D);
  constexpr size_t n = byte_leaf_size(D);
  for (int v = 0; v < kVectors; ++v) {
    const __m512i b0 = leaf_plane<D>(planes, pos[v]), b1 = leaf_plane<D>(planes + n, pos[v]);
    const __m512i b2 = leaf_plane<D>(planes + 2 * n, pos[v]);
    const __m512i b3 = leaf_plane<D>(planes + 3 * n, pos[v]);
    const __m512i lo01 = _mm512_unpacklo_epi8(b0, b1), hi01 = _mm512_unpackhi_epi8(b0, b1);
    const __m512i lo23 = _mm512_unpacklo_epi8(b2, b3), hi23 = _mm512_unpackhi_epi8(b2, b3);
    __m512* m = margin + 4 * v;
    m[0] = _mm512_add_ps(m[0], _mm512_castsi512_ps(_mm512_unpacklo_epi16(lo01, lo23)));
    m[1] = _mm512_add_ps(m[1], _mm512_castsi512_ps(_mm512_unpackhi_epi16(lo01, lo23)));
    m[2] = _mm512_add_ps(m[2], _mm512_castsi512_ps(_mm512_unpacklo_epi16(hi01, hi23)));
    m[3] = _mm512_add_ps(m[3], _mm512_castsi512_ps(_mm512_unpackhi_epi16(hi01, hi23)));
  }
}

template <int P, int D, int... L>
MLO_VBMI_INLINE void walk_tree(const uint8_t* tree, [[maybe_unused]] const Ranks<P>& ranks,
                               [[maybe_unused]] const Lanes& lanes, __m512* margin,
                               std::integer_sequence<int, L...>) {
  __m512i pos[kVectors];
  for (auto& p : pos) p = _mm512_setzero_si512();
  (walk_level<P, L>(tree, ranks, lanes, pos), ...);
  add_leaves<D>(tree, pos, margin);
}

// Row of lane q of interleaved float vector j (of one byte vector): 16k + 4j + i for q = 4k + i.
constexpr size_t interleaved_row(size_t j, size_t q) {
  return 16 * (q / 4) + 4 * j + q % 4;
}

template <int P>
MLO_VBMI void margins_impl(const KernelArgs& a) {
  const size_t rows_per_pair = byte_rows_per_pair(a.byte_features);
  Ranks<P> ranks;
  quantize<P>(a, rows_per_pair, ranks);
  const Lanes lanes = make_lanes(rows_per_pair);
  // The margins of one group at a time (most models have one): trees of other groups are
  // skipped, so each row still gets its group's leaves in model order.
  for (size_t g = 0; g < a.groups; ++g) {
    float* m = a.margin + g * kBlock;
    alignas(64) float interleaved[kBlock];
    for (size_t v = 0; v < static_cast<size_t>(kVectors); ++v)
      for (size_t j = 0; j < 4; ++j)
        for (size_t q = 0; q < 16; ++q)
          interleaved[v * kLanes + 16 * j + q] = m[v * kLanes + interleaved_row(j, q)];
    __m512 margin[4 * kVectors];
    for (int i = 0; i < 4 * kVectors; ++i) margin[i] = _mm512_load_ps(interleaved + 16 * i);
    for (const auto& t : std::span(a.trees, a.num_trees)) {
      if (static_cast<size_t>(t.group) != g) continue;
      const uint8_t* tree = a.byte_nodes + t.byte_offset;
      switch (t.depth) {
#define MLO_DEPTH(D)                                                                   \
  case D:                                                                              \
    walk_tree<P, D>(tree, ranks, lanes, margin, std::make_integer_sequence<int, D>{}); \
    break;
        MLO_DEPTH(0)
        MLO_DEPTH(1)
        MLO_DEPTH(2)
        MLO_DEPTH(3)
        MLO_DEPTH(4)
        MLO_DEPTH(5)
        MLO_DEPTH(6)
        MLO_DEPTH(7)
        MLO_DEPTH(8)
#undef MLO_DEPTH
        default:
          break;  // the layout exists only for depths <= kByteMaxDepth
      }
    }
    for (int i = 0; i < 4 * kVectors; ++i) _mm512_store_ps(interleaved + 16 * i, margin[i]);
    for (size_t v = 0; v < static_cast<size_t>(kVectors); ++v)
      for (size_t j = 0; j < 4; ++j)
        for (size_t q = 0; q < 16; ++q)
          m[v * kLanes + interleaved_row(j, q)] = interleaved[v * kLanes + 16 * j + q];
  }
}

}  // namespace

MLO_VBMI void margins_avx512_vbmi(const KernelArgs& a) {
  const size_t rows_per_pair = byte_rows_per_pair(a.byte_features);
  switch ((kLanes + rows_per_pair - 1) / rows_per_pair) {  // register pairs per 64 rows
    case 1:
      return margins_impl<1>(a);
    case 2:
      return margins_impl<2>(a);
    case 3:
      return margins_impl<3>(a);
    case 4:
      return margins_impl<4>(a);
    case 5:
      return margins_impl<5>(a);
    case 6:
      return margins_impl<6>(a);
    case 7:
      return margins_impl<7>(a);
    default:
      return margins_impl<8>(a);
  }
}

}  // namespace mlo

#else
namespace mlo {
void margins_avx512_vbmi(const KernelArgs& a) {
  margins_portable(a);
}
}  // namespace mlo
#endif
