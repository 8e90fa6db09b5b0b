// The AVX-512 kernel: 64 rows as 4 vectors of 16 lanes walk one tree level by level. Split
// data of levels up to 128 nodes is looked up with in-register permutes (vpermps/vpermt2ps),
// deeper levels and leaves with gathers; feature values are gathered from the row-major block.
// Compiled for AVX-512F through a function attribute only, so the binary still runs on any
// x86-64; NativeForest selects this kernel after a CPU check. The comparisons and the float
// adds are the same operations as the portable kernel's, so results are bit-identical.
#include "mlo/model/native_forest_kernels.hpp"

#if defined(__x86_64__) && defined(__GNUC__)
// GCC 12 warns about the deliberately undefined vectors inside its own AVX-512 intrinsics.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>

#define MLO_AVX512 __attribute__((target("avx512f")))

namespace mlo {

namespace {
constexpr int kVectors = static_cast<int>(kBlock / 16);

MLO_AVX512 inline void lookup_level(const float* thr, const uint32_t* info, size_t width,
                                    const __m512i* pos, __m512* tv, __m512i* iv) {
  if (width <= 16) {
    __m512 t = _mm512_loadu_ps(thr);
    __m512i i = _mm512_loadu_si512(info);
    for (int v = 0; v < kVectors; ++v) {
      tv[v] = _mm512_permutexvar_ps(pos[v], t);
      iv[v] = _mm512_permutexvar_epi32(pos[v], i);
    }
  } else if (width <= 128) {
    for (int v = 0; v < kVectors; ++v) {
      __m512i chunk_of = _mm512_srli_epi32(pos[v], 5);
      for (size_t c = 0; c < width / 32; ++c) {
        const float* t = thr + 32 * c;
        const uint32_t* in = info + 32 * c;
        __m512 tr = _mm512_permutex2var_ps(_mm512_loadu_ps(t), pos[v], _mm512_loadu_ps(t + 16));
        __m512i ir =
            _mm512_permutex2var_epi32(_mm512_loadu_si512(in), pos[v], _mm512_loadu_si512(in + 16));
        if (c == 0) {
          tv[v] = tr;
          iv[v] = ir;
        } else {
          __mmask16 hit = _mm512_cmpeq_epi32_mask(chunk_of, _mm512_set1_epi32(static_cast<int>(c)));
          tv[v] = _mm512_mask_mov_ps(tv[v], hit, tr);
          iv[v] = _mm512_mask_mov_epi32(iv[v], hit, ir);
        }
      }
    }
  } else {
    for (int v = 0; v < kVectors; ++v) {
      tv[v] = _mm512_i32gather_ps(pos[v], thr, 4);
      iv[v] = _mm512_i32gather_epi32(pos[v], info, 4);
    }
  }
}

}  // namespace

MLO_AVX512 void margins_avx512(const KernelArgs& a) {
  const NativeForest& f = *a.forest;
  __m512i row_offset[kVectors];
  for (int v = 0; v < kVectors; ++v) {
    alignas(64) int32_t offs[16];
    for (int i = 0; i < 16; ++i) {
      size_t r =
          std::min(static_cast<size_t>(v * 16 + i), a.rows - 1);  // tail lanes repeat the last row
      offs[i] = static_cast<int32_t>(r * a.cols);
    }
    row_offset[v] = _mm512_load_si512(offs);
  }
  const __m512i feature_mask = _mm512_set1_epi32(0x7fffffff);
  const __m512i default_left_bit = _mm512_set1_epi32(static_cast<int>(0x80000000u));
  const __m512i one = _mm512_set1_epi32(1);
  for (const auto& t : f.trees_) {
    const float* thr = f.nodes_thr_.data() + t.node_offset;
    const uint32_t* info = f.nodes_info_.data() + t.node_offset;
    __m512i pos[kVectors];
    for (auto& p : pos) p = _mm512_setzero_si512();
    size_t off = 0;
    for (int l = 0; l < t.depth; ++l) {
      size_t width = size_t{1} << l;
      __m512 tv[kVectors];
      __m512i iv[kVectors];
      lookup_level(thr + off, info + off, width, pos, tv, iv);
      for (int v = 0; v < kVectors; ++v) {
        __m512i at = _mm512_add_epi32(row_offset[v], _mm512_and_si512(iv[v], feature_mask));
        __m512 xv = _mm512_i32gather_ps(at, a.x, 4);
        __mmask16 lt = _mm512_cmp_ps_mask(xv, tv[v], _CMP_LT_OQ);
        __mmask16 nan = _mm512_cmp_ps_mask(xv, xv, _CMP_UNORD_Q);
        __mmask16 dl = _mm512_test_epi32_mask(iv[v], default_left_bit);
        __mmask16 left = static_cast<__mmask16>(lt | (nan & dl));
        pos[v] = _mm512_add_epi32(pos[v], pos[v]);
        pos[v] = _mm512_mask_add_epi32(pos[v], static_cast<__mmask16>(~left), pos[v], one);
      }
      off += std::max<size_t>(width, 16);
    }
    const float* leaves = f.leaves_.data() + t.leaf_offset;
    float* m = a.margin + static_cast<size_t>(t.group) * kBlock;
    for (int v = 0; v < kVectors; ++v) {
      __m512 lv = _mm512_i32gather_ps(pos[v], leaves, 4);
      _mm512_storeu_ps(m + 16 * v, _mm512_add_ps(_mm512_loadu_ps(m + 16 * v), lv));
    }
  }
}

}  // namespace mlo

#else
namespace mlo {
void margins_avx512(const KernelArgs& a) {
  margins_portable(a);
}
}  // namespace mlo
#endif
