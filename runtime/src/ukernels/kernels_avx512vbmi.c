/*===- kernels_avx512vbmi.c - AVX-512 VBMI kernels ----------------*- C -*-===*
 *
 * Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni -mavx512vbmi;
 * called only when the CPU has all of them (dispatch.c), else the kernels of
 * kernels_avx512.c run.
 *
 * int8 GEMV on base3 rows read directly (a tri_uk_i8_kernel): blocks of 64
 * base3 bytes, activations re-ordered as qp[320c + 64j + b] = q[320c + 5b +
 * j] (zeros past K), and qsum[i] = the sum of token i's activations. Per 64
 * base3 bytes v the five digit planes (d = t + 1: 0, 1, 2) come out of 9
 * vector operations:
 *
 *   r1 = min_u8(v, v - 81)      v mod 81 for v < 162, else v - 81
 *   r  = min_u8(r1, r1 - 81)    v mod 81 (0..80): digits d0..d3
 *                               (a wrapped byte difference is >= 175, so the
 *                               unsigned min picks the right one)
 *   d_j = D_j[r], j = 0..3      one vpermi2b each: a 128-entry table (two
 *                               zmm) of digit j of r
 *   e  = v - r                  81 d4: 0, 81 or 162 (plane 4 as is)
 *
 * and one vpdpbusd per plane adds d * x (u8 digit times s8 activation) into
 * int32 lanes (plane 4: 81 d4 * x, in its own accumulator). All sums are
 * taken modulo 2^32 (vpdpbusd and vpaddd wrap): plane 4's sum is 81 S4,
 * and 81 is odd, so S4 = 81^-1 * (81 S4) mod 2^32. The dot product is
 * sum (t + 1) x - sum x = S0..3 + S4 - qsum, and since the true result
 * fits int32 (k <= TRI_UK_MAX_K_I8) the residue modulo 2^32 is that result:
 * exact, the same as every other int8 kernel's. This kernel multiplies an
 * activation by a digit of the weight (0, 1 or 2; 81 d4), the one place in
 * the runtime that does: a vpsignb form of the same decode (-1 / 0 / +1
 * tables) needs ten vpsignb, ten ymm vpdpbusd and five extracts per 64
 * bytes instead of five zmm vpdpbusd, and measured ~25% slower in L2
 * (docs/ukernels.md). Bytes above 242 (rejected by the format) give some
 * trits, as ternary_ukernels.h allows (validate untrusted weights first);
 * prefetches may reach past the last row (they never fault).
 *===----------------------------------------------------------------------===*/
#include "ukernel_internal.h"

#include <immintrin.h>

#define AI static inline __attribute__((always_inline))
/* Software prefetch: the rows of the tile B3V_PF_TILES ahead (NC rows,
 * contiguous), in address order, one line per block and column, so that
 * memory sees one sequential stream. On Zen 4 this read pattern alone
 * reaches 13.6 GB/s for 4 rows of 1639 bytes, against 10.3 GB/s when each
 * row prefetches its own stream two tiles ahead (and 8.9 GB/s with the
 * hardware prefetchers alone). */
#ifndef B3V_PF_TILES
#define B3V_PF_TILES 1
#endif

/* D_j[r] = digit j of r (r = d0 + 3 d1 + 9 d2 + 27 d3 < 81), 1 above. */
static const uint8_t g_b3v_tab[4][128] __attribute__((aligned(64))) = {
        {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0,
         1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1,
         2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2,
         0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0,
         1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1,
         2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
         1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
         1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
        {0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 0, 0, 1, 1, 1, 2,
         2, 2, 0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 0, 0, 1, 1,
         1, 2, 2, 2, 0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 0, 0,
         1, 1, 1, 2, 2, 2, 0, 0, 0, 1, 1, 1, 2, 2, 2, 0,
         0, 0, 1, 1, 1, 2, 2, 2, 0, 0, 0, 1, 1, 1, 2, 2,
         2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
         1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
         1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
        {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1,
         1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0,
         0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2,
         2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
         1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2,
         2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
         1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
         1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
        {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1,
         1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
         1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
         2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
         2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
         1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
         1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
};

typedef struct b3v_tabs {
  __m512i t[8];
} b3v_tabs;

AI void b3v_load_tabs(b3v_tabs *tb) {
  for (int i = 0; i < 8; ++i)
    tb->t[i] = _mm512_load_si512((const void *)(&g_b3v_tab[i / 2][64 * (i & 1)]));
}

/* 81^-1 modulo 2^32. */
#define B3V_INV81 0x781948b1u

/* The sum of the 16 lanes modulo 2^32. Not _mm512_reduce_add_epi32: GCC
 * implements it with signed int additions, whose wrap-around is undefined
 * behaviour (UBSan reports it); vector adds wrap by definition. */
AI uint32_t b3v_hsum_u32(__m512i v) {
  __m256i s = _mm256_add_epi32(_mm512_castsi512_si256(v),
                               _mm512_extracti64x4_epi64(v, 1));
  __m128i t = _mm_add_epi32(_mm256_castsi256_si128(s),
                            _mm256_extracti128_si256(s, 1));
  t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0x4e));
  t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0xb1));
  return (uint32_t)_mm_cvtsi128_si32(t);
}

/* The digit planes d0..d3 and 81 d4 of 64 base3 bytes. */
AI void b3v_digits(__m512i v, const b3v_tabs *tb, __m512i d[5]) {
  const __m512i c81 = _mm512_set1_epi8(81);
  __m512i r = _mm512_min_epu8(v, _mm512_sub_epi8(v, c81));
  r = _mm512_min_epu8(r, _mm512_sub_epi8(r, c81));
#pragma GCC unroll 4
  for (int j = 0; j < 4; ++j)
    d[j] = _mm512_permutex2var_epi8(tb->t[2 * j], r, tb->t[2 * j + 1]);
  d[4] = _mm512_sub_epi8(v, r);
}

/* acc[0], acc[1] + the digit-weighted sums of planes 0..3 at x (two
 * chains), acc[2] + that of plane 4 (times 81). */
AI void b3v_dot(__m512i acc[3], const __m512i d[5], const int8_t *x) {
#pragma GCC unroll 5
  for (int j = 0; j < 5; ++j) {
    int a = j == 4 ? 2 : j & 1;
    acc[a] = _mm512_dpbusd_epi32(acc[a], d[j],
                                 _mm512_loadu_si512((const void *)(x + 64 * j)));
  }
}

/* NC columns for MT tokens. */
AI void b3v_tile(const tri_uk_i8_problem *p, const uint8_t *rows, size_t col0,
                 size_t i0, int NC, int MT) {
  b3v_tabs tb;
  b3v_load_tabs(&tb);
  __m512i acc[4][4][3];
#pragma GCC unroll 4
  for (int c = 0; c < NC; ++c)
#pragma GCC unroll 4
    for (int i = 0; i < MT; ++i)
      acc[c][i][0] = acc[c][i][1] = acc[c][i][2] = _mm512_setzero_si512();
  const size_t rb = p->row_bytes, full = rb / 64;
  const int8_t *qp = p->qp + i0 * p->xstride;
  for (size_t b = 0; b < full; ++b) {
#pragma GCC unroll 4
    for (int c = 0; c < NC; ++c) {
      const uint8_t *w = rows + c * rb + 64 * b;
      _mm_prefetch((const char *)rows + B3V_PF_TILES * NC * rb +
                       64 * (b * NC + c),
                   _MM_HINT_T0);
      __m512i d[5];
      b3v_digits(_mm512_loadu_si512((const void *)w), &tb, d);
#pragma GCC unroll 4
      for (int i = 0; i < MT; ++i)
        b3v_dot(acc[c][i], d, qp + i * p->xstride + 320 * b);
    }
  }
  size_t rest = rb - 64 * full;
  if (rest) {
    /* The rest of the rows, padded with 121 (five zero trits, against
     * activations that are zero there). */
    __mmask64 k = _cvtu64_mask64(~0ull >> (64 - rest));
    for (int c = 0; c < NC; ++c) {
      __m512i d[5];
      b3v_digits(_mm512_mask_loadu_epi8(_mm512_set1_epi8(121), k,
                                        rows + c * rb + 64 * full),
                 &tb, d);
      for (int i = 0; i < MT; ++i)
        b3v_dot(acc[c][i], d, qp + i * p->xstride + 320 * full);
    }
  }
  for (int c = 0; c < NC; ++c)
    for (int i = 0; i < MT; ++i) {
      /* Modulo 2^32: the true result fits int32. */
      uint32_t s03 = b3v_hsum_u32(
          _mm512_add_epi32(acc[c][i][0], acc[c][i][1]));
      uint32_t s4 = b3v_hsum_u32(acc[c][i][2]) * B3V_INV81;
      uint32_t sum = s03 + s4 - (uint32_t)p->qsum[i0 + i];
      tri_uk_store_i32(&p->out, i0 + i, col0 + c, (int32_t)sum);
    }
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
