/*===- kernels_avx512vbmi.c - AVX-512 VBMI kernels ----------------*- C -*-===*
 *
 * Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni -mavx512vbmi;
 * called only when the CPU has all of them (dispatch.c), else the kernels of
 * kernels_avx512.c run.
 *
 * int8 GEMV on base3 rows read directly (the tri_uk_i8_kernel of
 * base3_i8.h, same activation layout: blocks of 32 base3 bytes, plane j of
 * block c at qp[160c + 32j .. 160c + 32j + 31]). Per 64 base3 bytes v (two
 * such blocks) the five trit planes come out of 10 vector operations:
 *
 *   r1 = min_u8(v, v - 81)      v mod 81 for v < 162, else v - 81
 *   r  = min_u8(r1, r1 - 81)    v mod 81 (0..80): digits d0..d3
 *                               (a wrapped byte difference is >= 175, so the
 *                               unsigned min picks the right one)
 *   s_j = T_j[r], j = 0..3      one vpermi2b each: a 128-entry table (two
 *                               zmm) of trit j of r: -1, 0, +1
 *   s_4 = (v - r) - 81          81 d4 - 81: negative, zero or positive as
 *                               trit 4 (d4 - 1) is
 *
 * and vpsignb applies each s_j (only its sign matters) to the 32-byte
 * halves of plane j, as in the other int8 kernels: the weights only
 * negate, zero or keep activations; vpdpbusd against ones sums them, exact
 * in int32. Bytes above 242 (rejected by the format) give some trits, as
 * ternary_ukernels.h allows (validate untrusted weights first).
 *===----------------------------------------------------------------------===*/
#include "ukernel_internal.h"

#include <immintrin.h>

#define AI static inline __attribute__((always_inline))
#define TRI_UK_PF(NC, rb) (2 * (NC) * (rb))

/* T_j[r] = trit j of r (r = d0 + 3 d1 + 9 d2 + 27 d3 < 81), 0 above. */
static const int8_t g_b3v_tab[4][128] __attribute__((aligned(64))) = {
        {-1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, -1,
         0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0,
         1, -1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1,
         -1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, -1,
         0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0,
         1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {-1, -1, -1, 0, 0, 0, 1, 1, 1, -1, -1, -1, 0, 0, 0, 1,
         1, 1, -1, -1, -1, 0, 0, 0, 1, 1, 1, -1, -1, -1, 0, 0,
         0, 1, 1, 1, -1, -1, -1, 0, 0, 0, 1, 1, 1, -1, -1, -1,
         0, 0, 0, 1, 1, 1, -1, -1, -1, 0, 0, 0, 1, 1, 1, -1,
         -1, -1, 0, 0, 0, 1, 1, 1, -1, -1, -1, 0, 0, 0, 1, 1,
         1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {-1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0,
         0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1,
         -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1,
         1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0,
         0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
         1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
         -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0,
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
         1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
         1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
};

typedef struct b3v_tabs {
  __m512i t[8];
} b3v_tabs;

AI void b3v_load_tabs(b3v_tabs *tb) {
  for (int i = 0; i < 8; ++i)
    tb->t[i] = _mm512_load_si512((const void *)(&g_b3v_tab[i / 2][64 * (i & 1)]));
}

/* The five sign planes of 64 base3 bytes. */
AI void b3v_trits(__m512i v, const b3v_tabs *tb, __m512i s[5]) {
  const __m512i c81 = _mm512_set1_epi8(81);
  __m512i r = _mm512_min_epu8(v, _mm512_sub_epi8(v, c81));
  r = _mm512_min_epu8(r, _mm512_sub_epi8(r, c81));
#pragma GCC unroll 4
  for (int j = 0; j < 4; ++j)
    s[j] = _mm512_permutex2var_epi8(tb->t[2 * j], r, tb->t[2 * j + 1]);
  s[4] = _mm512_sub_epi8(_mm512_sub_epi8(v, r), c81);
}

/* acc[0] (low 32 bytes) and acc[1] (high 32 bytes, when `hi`) + the sums of
 * the five planes at x (low half) and x + 160 (high half). */
AI void b3v_dot(__m256i acc[2], const __m512i s[5], const int8_t *x, int hi) {
  const __m256i ones = _mm256_set1_epi8(1);
#pragma GCC unroll 5
  for (int j = 0; j < 5; ++j) {
    __m256i lo = _mm256_sign_epi8(
        _mm256_loadu_si256((const __m256i *)(x + 32 * j)),
        _mm512_castsi512_si256(s[j]));
    acc[0] = _mm256_dpbusd_epi32(acc[0], ones, lo);
    if (hi) {
      __m256i h = _mm256_sign_epi8(
          _mm256_loadu_si256((const __m256i *)(x + 160 + 32 * j)),
          _mm512_extracti64x4_epi64(s[j], 1));
      acc[1] = _mm256_dpbusd_epi32(acc[1], ones, h);
    }
  }
}

AI int32_t b3v_hsum(__m256i a, __m256i b) {
  __m256i v = _mm256_add_epi32(a, b);
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v),
                            _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  return _mm_cvtsi128_si32(s);
}

/* NC columns for MT tokens. */
AI void b3v_tile(const tri_uk_i8_problem *p, const uint8_t *rows, size_t col0,
                 size_t i0, int NC, int MT) {
  b3v_tabs tb;
  b3v_load_tabs(&tb);
  __m256i acc[4][4][2];
#pragma GCC unroll 4
  for (int c = 0; c < NC; ++c)
#pragma GCC unroll 4
    for (int i = 0; i < MT; ++i)
      acc[c][i][0] = acc[c][i][1] = _mm256_setzero_si256();
  const size_t rb = p->row_bytes, full = rb / 64;
  const int8_t *qp = p->qp + i0 * p->xstride;
  for (size_t b = 0; b < full; ++b) {
#pragma GCC unroll 4
    for (int c = 0; c < NC; ++c) {
      const uint8_t *w = rows + c * rb + 64 * b;
      _mm_prefetch((const char *)w + TRI_UK_PF(NC, rb), _MM_HINT_T0);
      __m512i s[5];
      b3v_trits(_mm512_loadu_si512((const void *)w), &tb, s);
#pragma GCC unroll 4
      for (int i = 0; i < MT; ++i)
        b3v_dot(acc[c][i], s, qp + i * p->xstride + 320 * b, 1);
    }
  }
  size_t rest = rb - 64 * full;
  if (rest) {
    /* The rest of the rows, padded with 121 (five zero trits); the high
     * half only when the activations have that block. */
    __mmask64 k = _cvtu64_mask64(~0ull >> (64 - rest));
    for (int c = 0; c < NC; ++c) {
      __m512i s[5];
      b3v_trits(_mm512_mask_loadu_epi8(_mm512_set1_epi8(121), k,
                                       rows + c * rb + 64 * full),
                &tb, s);
      for (int i = 0; i < MT; ++i)
        b3v_dot(acc[c][i], s, qp + i * p->xstride + 320 * full, rest > 32);
    }
  }
  for (int c = 0; c < NC; ++c)
    for (int i = 0; i < MT; ++i)
      tri_uk_store_i32(&p->out, i0 + i, col0 + c,
                       b3v_hsum(acc[c][i][0], acc[c][i][1]));
}

#define B3V_TILE(NC, MT)                                                       \
  static void b3v_tile_##NC##_##MT(const tri_uk_i8_problem *p,                 \
                                   const uint8_t *rows, size_t col0,           \
                                   size_t i0) {                                \
    b3v_tile(p, rows, col0, i0, NC, MT);                                       \
  }
B3V_TILE(4, 1)
B3V_TILE(1, 1)
B3V_TILE(1, 2)
B3V_TILE(1, 3)
B3V_TILE(1, 4)
#undef B3V_TILE

void tri_uk_i8_base3_avx512vbmi(const tri_uk_i8_problem *p,
                                const uint8_t *rows, size_t ncols,
                                size_t col0) {
  const size_t rb = p->row_bytes;
  for (size_t c = 0; c < ncols;) {
    if (p->m == 1) {
      if (c + 4 <= ncols) {
        b3v_tile_4_1(p, rows + c * rb, col0 + c, 0);
        c += 4;
      } else {
        b3v_tile_1_1(p, rows + c * rb, col0 + c, 0);
        c += 1;
      }
      continue;
    }
    size_t i = 0;
    for (; i + 4 <= p->m; i += 4)
      b3v_tile_1_4(p, rows + c * rb, col0 + c, i);
    switch (p->m - i) {
    case 3: b3v_tile_1_3(p, rows + c * rb, col0 + c, i); break;
    case 2: b3v_tile_1_2(p, rows + c * rb, col0 + c, i); break;
    case 1: b3v_tile_1_1(p, rows + c * rb, col0 + c, i); break;
    default: break;
    }
    c += 1;
  }
}
