/*===- kernels_avx512.c - AVX-512 (F/BW/VL/VNNI) micro-kernels ----*- C -*-===*
 *
 * Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni; called only when
 * the CPU has them (dispatch.c).
 *
 * f32 (up to TRI_UK_COLUT_MAX_M = 6 tokens): the column-LUT kernel at the
 *      end of this file;
 *      batches: the token-tiled kernels of lut_kernels.h.
 * int8: per 32 packed bytes and plane j, s = (w & (3 << 2j)) - (1 << 2j) is
 *      negative, zero or positive exactly as t is; vpsignb applies it to the
 *      activations (negate / zero / keep) and vpdpbusd against a vector of
 *      ones adds groups of four into int32 lanes.
 *===----------------------------------------------------------------------===*/
#include "ukernel_internal.h"
#include "base3_tables.h"

#include <immintrin.h>

#define AI static inline __attribute__((always_inline))
/* Software prefetch distance: the same offset two column tiles ahead (the
 * rows of a tile are contiguous, so this runs ahead of the stream). */
#define TRI_UK_PF(NC, rb) (2 * (NC) * (rb))

/*===------------------------------------------------------------------===*
 * int8
 *===------------------------------------------------------------------===*/

AI int32_t hsum_i32(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v),
                            _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  return _mm_cvtsi128_si32(s);
}

/* One 32-byte block of NC columns for MT tokens; two accumulators per
 * output (planes 0, 2 and 1, 3) shorten the dependency chains. */
AI void i8_block(__m256i acc[4][4][2], const uint8_t *const wb[4],
                 const int8_t *qp, size_t xstride, int NC, int MT) {
  const __m256i ones = _mm256_set1_epi8(1);
#pragma GCC unroll 4
  for (int q = 0; q < NC; ++q) {
    __m256i w = _mm256_loadu_si256((const __m256i *)wb[q]);
    __m256i s[4];
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j)
      s[j] = _mm256_sub_epi8(_mm256_and_si256(w, _mm256_set1_epi8((char)(3 << (2 * j)))),
                             _mm256_set1_epi8((char)(1 << (2 * j))));
#pragma GCC unroll 4
    for (int t = 0; t < MT; ++t)
#pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(qp + t * xstride + 32 * j));
        acc[q][t][j & 1] = _mm256_dpbusd_epi32(acc[q][t][j & 1], ones,
                                               _mm256_sign_epi8(x, s[j]));
      }
  }
}

AI void i8_tile(const tri_uk_i8_problem *p, const uint8_t *rows, size_t col0,
                size_t i0, int NC, int MT) {
  __m256i acc[4][4][2];
#pragma GCC unroll 4
  for (int q = 0; q < NC; ++q)
#pragma GCC unroll 4
    for (int t = 0; t < MT; ++t) {
      acc[q][t][0] = _mm256_setzero_si256();
      acc[q][t][1] = _mm256_setzero_si256();
    }
  const size_t rb = p->row_bytes, full = rb / TRI_UK_I8_BLOCK_BYTES;
  const int8_t *qp = p->qp + i0 * p->xstride;
  const uint8_t *wb[4] = {rows, rows, rows, rows};
  for (size_t c = 0; c < full; ++c) {
#pragma GCC unroll 4
    for (int q = 0; q < NC; ++q) {
      wb[q] = rows + q * rb + c * TRI_UK_I8_BLOCK_BYTES;
      _mm_prefetch((const char *)wb[q] + TRI_UK_PF(NC, rb), _MM_HINT_T0);
    }
    i8_block(acc, wb, qp + c * TRI_UK_I8_BLOCK_TRITS, p->xstride, NC, MT);
  }
  if (p->blocks > full) {
    uint8_t buf[4][TRI_UK_I8_BLOCK_BYTES];
    for (int q = 0; q < NC; ++q)
      wb[q] = tri_uk_tail(rows + q * rb, full * TRI_UK_I8_BLOCK_BYTES, rb,
                          buf[q], TRI_UK_I8_BLOCK_BYTES);
    i8_block(acc, wb, qp + full * TRI_UK_I8_BLOCK_TRITS, p->xstride, NC, MT);
  }
  for (int q = 0; q < NC; ++q)
    for (int t = 0; t < MT; ++t)
      tri_uk_store_i32(&p->out, i0 + t, col0 + q,
                       hsum_i32(_mm256_add_epi32(acc[q][t][0], acc[q][t][1])));
}

#define I8_TILE(NC, MT)                                                        \
  static void i8_tile_##NC##_##MT(const tri_uk_i8_problem *p,                  \
                                  const uint8_t *rows, size_t col0,            \
                                  size_t i0) {                                 \
    i8_tile(p, rows, col0, i0, NC, MT);                                        \
  }
I8_TILE(4, 1)
I8_TILE(1, 1)
I8_TILE(1, 2)
I8_TILE(1, 3)
I8_TILE(1, 4)
I8_TILE(2, 4)

void tri_uk_i8_avx512(const tri_uk_i8_problem *p, const uint8_t *rows,
                      size_t ncols, size_t col0) {
  const size_t rb = p->row_bytes;
  if (p->m == 1) {
    size_t q = 0;
    for (; q + 4 <= ncols; q += 4)
      i8_tile_4_1(p, rows + q * rb, col0 + q, 0);
    for (; q < ncols; ++q)
      i8_tile_1_1(p, rows + q * rb, col0 + q, 0);
    return;
  }
  size_t q = 0;
  for (; q + 2 <= ncols; q += 2) {
    size_t i = 0;
    for (; i + 4 <= p->m; i += 4)
      i8_tile_2_4(p, rows + q * rb, col0 + q, i);
    for (size_t c = 0; c < 2; ++c)
      for (size_t r = i; r < p->m; ++r)
        i8_tile_1_1(p, rows + (q + c) * rb, col0 + q + c, r);
  }
  for (; q < ncols; ++q) {
    size_t i = 0;
    for (; i + 4 <= p->m; i += 4)
      i8_tile_1_4(p, rows + q * rb, col0 + q, i);
    switch (p->m - i) {
    case 3: i8_tile_1_3(p, rows + q * rb, col0 + q, i); break;
    case 2: i8_tile_1_2(p, rows + q * rb, col0 + q, i); break;
    case 1: i8_tile_1_1(p, rows + q * rb, col0 + q, i); break;
    default: break;
    }
  }
}

/*===------------------------------------------------------------------===*
 * int8 on base3 rows (base3_i8.h)
 *===------------------------------------------------------------------===*/

/* acc + the int32 sums of five planes of activations at x (32 bytes each)
 * with the trits t[j] applied: vpdpbusd against ones, in two chains. */
AI __m256i b3_dot5(__m256i acc, const __m256i t[5], const int8_t *x) {
  const __m256i ones = _mm256_set1_epi8(1);
  __m256i s[5];
#pragma GCC unroll 5
  for (int j = 0; j < 5; ++j)
    s[j] = _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)(x + 32 * j)),
                            t[j]);
  __m256i a = _mm256_dpbusd_epi32(acc, ones, s[0]);
  __m256i b = _mm256_dpbusd_epi32(_mm256_setzero_si256(), ones, s[1]);
  a = _mm256_dpbusd_epi32(a, ones, s[2]);
  b = _mm256_dpbusd_epi32(b, ones, s[3]);
  a = _mm256_dpbusd_epi32(a, ones, s[4]);
  return _mm256_add_epi32(a, b);
}

/* The five trits (-1, 0, +1) of each byte of v (base3_tables.h). */
AI void b3_trits(__m256i v, __m256i t[5]) {
#define B3_TAB(a, i)                                                           \
  _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)(a)[i]))
  v = _mm256_mask_mov_epi8(
      v, _mm256_cmpgt_epu8_mask(v, _mm256_set1_epi8((char)242)),
      _mm256_set1_epi8(121));
  __m256i h = _mm256_and_si256(_mm256_srli_epi16(v, 4), _mm256_set1_epi8(0x0f));
  __m256i q = _mm256_shuffle_epi8(B3_TAB(tri_uk_base3_tables, TRI_B3_QB), h);
  q = _mm256_mask_add_epi8(
      q,
      _mm256_cmpge_epu8_mask(
          v, _mm256_shuffle_epi8(B3_TAB(tri_uk_base3_tables, TRI_B3_BB), h)),
      q, _mm256_set1_epi8(1));
  __m256i r = _mm256_sub_epi8(
      v, _mm256_shuffle_epi8(B3_TAB(tri_uk_base3_tables, TRI_B3_T27), q));
  __mmask32 hi = _mm256_cmpgt_epu8_mask(r, _mm256_set1_epi8(15));
#pragma GCC unroll 3
  for (int j = 0; j < 3; ++j)
    t[j] = _mm256_mask_shuffle_epi8(
        _mm256_shuffle_epi8(B3_TAB(tri_uk_base3_trits, TRI_B3_T0A + 2 * j), r),
        hi, B3_TAB(tri_uk_base3_trits, TRI_B3_T0B + 2 * j), r);
  t[3] = _mm256_shuffle_epi8(B3_TAB(tri_uk_base3_trits, TRI_B3_T3), q);
  t[4] = _mm256_shuffle_epi8(B3_TAB(tri_uk_base3_trits, TRI_B3_T4), q);
#undef B3_TAB
}

#define TRI_UK_B3_NAME(x) tri_uk_##x##_avx512
#include "base3_i8.h"

/*===------------------------------------------------------------------===*
 * base3 -> offset2 (see base3_tables.h; the same steps as the AVX2 version
 * with mask registers, vpternlog and two dword permutes that place the 20
 * output bytes of each lane)
 *===------------------------------------------------------------------===*/

AI __m512i b3_table(int t) {
  return _mm512_broadcast_i32x4(
      _mm_load_si128((const __m128i *)tri_uk_base3_tables[t]));
}

AI __m512i b3_compact(int t) {
  return _mm512_broadcast_i32x4(
      _mm_load_si128((const __m128i *)tri_uk_base3_compact[t]));
}

/* Per 64-bit group: the 16-bit codes c0..c3 packed into
 * c0 | c1 << 10 | c2 << 20 | c3 << 30 (0xca: mask ? first : second). */
AI __m512i b3_pack40(__m512i w) {
  __m512i t = _mm512_ternarylogic_epi32(_mm512_set1_epi32(0x3ff), w,
                                        _mm512_srli_epi32(w, 6), 0xca);
  return _mm512_ternarylogic_epi64(_mm512_set1_epi64(0xfffff), t,
                                   _mm512_srli_epi64(t, 12), 0xca);
}

size_t tri_uk_base3_to_offset2_avx512(const uint8_t *in, size_t nbytes,
                                      uint8_t *out) {
  const __m512i qb = b3_table(TRI_B3_QB), bb = b3_table(TRI_B3_BB),
                t27 = b3_table(TRI_B3_T27), loa = b3_table(TRI_B3_LO_A),
                lob = b3_table(TRI_B3_LO_B), d3 = b3_table(TRI_B3_D3),
                d4 = b3_table(TRI_B3_D4);
  const __m512i sa = b3_compact(0), sb1 = b3_compact(1), sb2 = b3_compact(2);
  const __m512i nib = _mm512_set1_epi8(0x0f), one = _mm512_set1_epi8(1),
                c242 = _mm512_set1_epi8((char)242),
                c121 = _mm512_set1_epi8(121), c15 = _mm512_set1_epi8(15);
  /* Output dwords 5l .. 5l+4 of lane l: x's four dwords, then y's first. */
  const __m512i p0 = _mm512_setr_epi32(0, 1, 2, 3, 16, 4, 5, 6, 7, 20, 8, 9,
                                       10, 11, 24, 12);
  const __m512i p1 = _mm512_setr_epi32(13, 14, 15, 28, 0, 0, 0, 0, 0, 0, 0, 0,
                                       0, 0, 0, 0);
  size_t i = 0;
  for (; i + 64 <= nbytes; i += 64, out += 80) {
    __m512i v = _mm512_loadu_si512((const void *)(in + i));
    v = _mm512_mask_mov_epi8(v, _mm512_cmpgt_epu8_mask(v, c242), c121);
    __m512i h = _mm512_and_si512(_mm512_srli_epi16(v, 4), nib);
    __m512i q = _mm512_shuffle_epi8(qb, h);
    q = _mm512_mask_add_epi8(
        q, _mm512_cmpge_epu8_mask(v, _mm512_shuffle_epi8(bb, h)), q, one);
    __m512i r = _mm512_sub_epi8(v, _mm512_shuffle_epi8(t27, q));
    __m512i lo = _mm512_mask_shuffle_epi8(_mm512_shuffle_epi8(loa, r),
                                          _mm512_cmpgt_epu8_mask(r, c15), lob,
                                          r);
    lo = _mm512_or_si512(lo, _mm512_shuffle_epi8(d3, q));
    __m512i hi = _mm512_shuffle_epi8(d4, q);
    __m512i wa = b3_pack40(_mm512_unpacklo_epi8(lo, hi));
    __m512i wb = b3_pack40(_mm512_unpackhi_epi8(lo, hi));
    __m512i x = _mm512_or_si512(_mm512_shuffle_epi8(wa, sa),
                                _mm512_shuffle_epi8(wb, sb1));
    __m512i y = _mm512_shuffle_epi8(wb, sb2);
    _mm512_storeu_si512((void *)out, _mm512_permutex2var_epi32(x, p0, y));
    _mm_storeu_si128((__m128i *)(out + 64),
                     _mm512_castsi512_si128(_mm512_permutex2var_epi32(x, p1, y)));
  }
  return i;
}

/*===------------------------------------------------------------------===*
 * Token-tiled GEMM (lut_kernels.h)
 *===------------------------------------------------------------------===*/

#define TRI_UK_LUT_VBYTES 64
#define TRI_UK_LUT_NAME(x) tri_uk_##x##_avx512
#include "lut_kernels.h"

/*===------------------------------------------------------------------===*
 * f32 GEMM order for a few tokens: column-vectorized table lookups
 * (tri_uk_colut_problem of ukernel_internal.h)
 *
 * 16 rows (output columns) at a time: 64 bytes of each row are loaded and
 * transposed as 16 x 16 dwords, so that lane l of vector q holds the quad
 * of bytes q of row l (16 trits, 8 nibbles). Nibble n of a quad indexes the
 * 16-float table of pair 8q + n with one vpermps (which reads the low 4 bits
 * of each lane; the quad is shifted right by 4n first). Then per lane
 *   g_j = T[2j] + T[2j + 1]           (v0 + v1) + (v2 + v3) of byte j
 *   h   = (g0 + g1) + (g2 + g3)
 *   acc = acc + h
 * which is the GEMM order of ternary_ukernels.h, one column per lane.
 *===------------------------------------------------------------------===*/

/* In place: r[l] (16 dwords of row l) -> r[q] (dword q of every row). */
AI void colut_transpose16(__m512i r[16]) {
  __m512i t[16], u[16];
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 4; ++i) {
    u[4 * i + 0] = _mm512_unpacklo_epi64(t[4 * i], t[4 * i + 2]);
    u[4 * i + 1] = _mm512_unpackhi_epi64(t[4 * i], t[4 * i + 2]);
    u[4 * i + 2] = _mm512_unpacklo_epi64(t[4 * i + 1], t[4 * i + 3]);
    u[4 * i + 3] = _mm512_unpackhi_epi64(t[4 * i + 1], t[4 * i + 3]);
  }
  /* u[4i + j], 128-bit lane k: rows 4i..4i+3 at dword 4k + j. */
  for (int j = 0; j < 4; ++j) {
    __m512i v0 = _mm512_shuffle_i32x4(u[j], u[4 + j], 0x44);
    __m512i v1 = _mm512_shuffle_i32x4(u[j], u[4 + j], 0xee);
    __m512i v2 = _mm512_shuffle_i32x4(u[8 + j], u[12 + j], 0x44);
    __m512i v3 = _mm512_shuffle_i32x4(u[8 + j], u[12 + j], 0xee);
    r[j] = _mm512_shuffle_i32x4(v0, v2, 0x88);
    r[4 + j] = _mm512_shuffle_i32x4(v0, v2, 0xdd);
    r[8 + j] = _mm512_shuffle_i32x4(v1, v3, 0x88);
    r[12 + j] = _mm512_shuffle_i32x4(v1, v3, 0xdd);
  }
}

/* acc + h of one quad vector d with the 8 tables in registers. vpermps
 * reads the low 4 bits of each lane: nibble n comes down by a rotation
 * (vprord, which Zen 4 runs next to vpermps and vaddps at a far better rate
 * than a shift). */
AI __m512 colut_quad(__m512 acc, __m512i d, const __m512 tb[8]) {
  __m512 l[8];
#pragma GCC unroll 8
  for (int n = 0; n < 8; ++n)
    l[n] = _mm512_permutexvar_ps(n ? _mm512_ror_epi32(d, 4 * n) : d, tb[n]);
  __m512 g0 = _mm512_add_ps(l[0], l[1]), g1 = _mm512_add_ps(l[2], l[3]);
  __m512 g2 = _mm512_add_ps(l[4], l[5]), g3 = _mm512_add_ps(l[6], l[7]);
  return _mm512_add_ps(acc, _mm512_add_ps(_mm512_add_ps(g0, g1),
                                          _mm512_add_ps(g2, g3)));
}

/* Groups of 16 rows that share each table load (the 8 tables of a quad
 * come from L2 once per COLUT_G groups). */
#ifndef COLUT_G
#define COLUT_G 4
#endif
/* The block of rows that is prefetched: this many blocks (of COLUT_G * 16
 * rows) ahead. Measured on Zen 4 (8192 x 28672): 64 rows ahead in address
 * order, spread over the quads, beat the hardware prefetchers alone and
 * bursts of prefetches per chunk; with 1 to 4 groups and 1 to 4 blocks
 * ahead the times were within the noise of one another. */
#ifndef COLUT_PFD
#define COLUT_PFD 1
#endif

/* Loads chunk c (64 bytes) of the `nr` rows at `rows` (zero rows past nr;
 * `tail`: the last, partial chunk of `have` bytes, padded with zero trits),
 * transposed into qv[0..15]. */
AI void colut_load(__m512i *qv, const uint8_t *rows, size_t rb, size_t nr,
                   size_t c, int FULL, size_t have) {
  __m512i r[16];
  if (FULL && have == 64) {
    /* Half of the transpose in the loads: for each 16-byte piece k of the
     * chunk, z[i'] holds rows i', 4 + i', 8 + i', 12 + i' in its four
     * 128-bit lanes (a load and three masked broadcasts, which Zen 4 runs
     * in the load and ALU pipes), and a 4 x 4 transpose within the lanes
     * finishes it: 32 shuffles per 16 vectors instead of 64 (measured 4-6%
     * faster in L2). */
    for (int k = 0; k < 4; ++k) {
      const uint8_t *b = rows + 64 * c + 16 * k;
      __m512i z[4];
      for (int ip = 0; ip < 4; ++ip) {
        __m512i v = _mm512_castsi128_si512(
            _mm_loadu_si128((const __m128i *)(b + ip * rb)));
        v = _mm512_mask_broadcast_i32x4(
            v, 0x00f0, _mm_loadu_si128((const __m128i *)(b + (4 + ip) * rb)));
        v = _mm512_mask_broadcast_i32x4(
            v, 0x0f00, _mm_loadu_si128((const __m128i *)(b + (8 + ip) * rb)));
        z[ip] = _mm512_mask_broadcast_i32x4(
            v, 0xf000, _mm_loadu_si128((const __m128i *)(b + (12 + ip) * rb)));
      }
      __m512i t0 = _mm512_unpacklo_epi32(z[0], z[1]);
      __m512i t1 = _mm512_unpackhi_epi32(z[0], z[1]);
      __m512i t2 = _mm512_unpacklo_epi32(z[2], z[3]);
      __m512i t3 = _mm512_unpackhi_epi32(z[2], z[3]);
      /* Lane i of output j: rows 4i..4i+3 at dword 4k + j. */
      _mm512_store_si512((void *)(qv + 4 * k + 0), _mm512_unpacklo_epi64(t0, t2));
      _mm512_store_si512((void *)(qv + 4 * k + 1), _mm512_unpackhi_epi64(t0, t2));
      _mm512_store_si512((void *)(qv + 4 * k + 2), _mm512_unpacklo_epi64(t1, t3));
      _mm512_store_si512((void *)(qv + 4 * k + 3), _mm512_unpackhi_epi64(t1, t3));
    }
    return;
  }
  if (have < 64) {
    __mmask64 k = _cvtu64_mask64(~0ull >> (64 - have));
    const __m512i pad = _mm512_set1_epi8(0x55);
    for (size_t l = 0; l < 16; ++l)
      r[l] = l < nr ? _mm512_mask_loadu_epi8(pad, k, rows + l * rb + 64 * c)
                    : pad;
  } else {
    for (size_t l = 0; l < 16; ++l)
      r[l] = FULL || l < nr
                 ? _mm512_loadu_si512((const void *)(rows + l * rb + 64 * c))
                 : _mm512_setzero_si512();
  }
  colut_transpose16(r);
  for (int q = 0; q < 16; ++q)
    _mm512_store_si512((void *)(qv + q), r[q]);
}

/* G groups of 16 rows (the last one `nr_last` rows; FULL: all 16), MT
 * tokens from token i0. */
#ifndef COLUT_PF_HINT
#define COLUT_PF_HINT _MM_HINT_T0
#endif

AI void colut_block(const tri_uk_colut_problem *p, const uint8_t *rows,
                    size_t nr_last, size_t col0, size_t i0, int G, int MT,
                    int FULL, int pf_nxt) {
  const size_t rb = p->row_bytes, quads = (rb + 3) / 4;
  const size_t chunks = (rb + 63) / 64;
  const size_t tstride = p->pairs * 16;
  const float *tab0 = p->tab + i0 * tstride;
  __m512 acc[COLUT_G][2];
  for (int g = 0; g < G; ++g)
    acc[g][0] = acc[g][1] = _mm512_setzero_ps();
  __m512i qv[COLUT_G][16];
  /* The next block of rows (contiguous G * 16 * rb bytes, when it is part
   * of this task) is prefetched in address order, an equal share per chunk:
   * one sequential stream for the memory, instead of 16 G strided ones. */
  const char *pf = (const char *)(rows + (size_t)COLUT_PFD * G * 16 * rb);
  const size_t pf_lines = ((size_t)G * 16 * rb + 63) / 64;
  /* No chunks (K = 0): nothing is read, nothing prefetched. */
  const size_t pf_step = chunks ? (pf_lines + chunks - 1) / chunks : 0;
  for (size_t c = 0; c < chunks; ++c) {
    size_t have = rb - 64 * c < 64 ? rb - 64 * c : 64;
    for (int g = 0; g < G; ++g) {
      size_t nr = g == G - 1 ? nr_last : 16;
      colut_load(qv[g], rows + (size_t)g * 16 * rb, rb, nr, c,
                 FULL || g < G - 1, have);
    }
    size_t nq = quads - 16 * c < 16 ? quads - 16 * c : 16;
    /* This chunk's share of the next block, spread over its quads. */
    size_t pf0 = pf_step * c, pf1 = pf_step * (c + 1);
    if (!(FULL && pf_nxt))
      pf1 = pf0;
    pf1 = pf1 < pf_lines ? pf1 : pf_lines;
    size_t pf_per_q = (pf1 - pf0 + nq - 1) / nq;
#pragma GCC unroll 1
    for (size_t q = 0; q < nq; ++q) {
      for (size_t l = 0; l < pf_per_q && pf0 < pf1; ++l, ++pf0)
        _mm_prefetch(pf + 64 * pf0, COLUT_PF_HINT);
#pragma GCC unroll 2
      for (int t = 0; t < MT; ++t) {
        const float *tab = tab0 + t * tstride + (16 * c + q) * 128;
        __m512 tb[8];
#pragma GCC unroll 8
        for (int n = 0; n < 8; ++n)
          tb[n] = _mm512_load_ps(tab + 16 * n);
#pragma GCC unroll 4
        for (int g = 0; g < G; ++g)
          acc[g][t] = colut_quad(acc[g][t], qv[g][q], tb);
      }
    }
  }
  float out[16] __attribute__((aligned(64)));
  for (int g = 0; g < G; ++g)
    for (int t = 0; t < MT; ++t) {
      _mm512_store_ps(out, acc[g][t]);
      size_t nr = g == G - 1 ? nr_last : 16;
      for (size_t l = 0; l < nr; ++l)
        tri_uk_store_f32(&p->out, i0 + t, col0 + 16 * g + l, out[l]);
    }
}

#define COLUT_BLOCK(NAME, G, MT, FULL)                                         \
  static void colut_block_##NAME##_##MT(                                       \
      const tri_uk_colut_problem *p, const uint8_t *rows, size_t nr_last,      \
      size_t col0, size_t i0, int pf_nxt) {                                    \
    colut_block(p, rows, nr_last, col0, i0, G, MT, FULL, pf_nxt);              \
  }
COLUT_BLOCK(full, COLUT_G, 1, 1)
COLUT_BLOCK(full, COLUT_G, 2, 1)
COLUT_BLOCK(part, 1, 1, 0)
COLUT_BLOCK(part, 1, 2, 0)
#undef COLUT_BLOCK

void tri_uk_colut_f32_avx512(const tri_uk_colut_problem *p,
                             const uint8_t *rows, size_t ncols, size_t col0) {
  const size_t rb = p->row_bytes, W = 16 * COLUT_G;
  size_t c = 0;
  /* Columns that `rows` reaches (more than this call's when the rows are
   * the matrix itself). */
  const size_t reach = p->ncols_all > col0 ? p->ncols_all - col0 : ncols;
  for (; c + W <= ncols; c += W) {
    /* Prefetch a block ahead with the last token tile. */
    int nxt = c + (COLUT_PFD + 1) * W <= reach;
    size_t i = 0;
    for (; i + 2 <= p->m; i += 2)
      colut_block_full_2(p, rows + c * rb, 16, col0 + c, i,
                        nxt && i + 2 == p->m);
    if (i < p->m)
      colut_block_full_1(p, rows + c * rb, 16, col0 + c, i, nxt);
  }
  for (; c < ncols; c += 16) {
    size_t nr = ncols - c < 16 ? ncols - c : 16;
    size_t i = 0;
    for (; i + 2 <= p->m; i += 2)
      colut_block_part_2(p, rows + c * rb, nr, col0 + c, i, 0);
    if (i < p->m)
      colut_block_part_1(p, rows + c * rb, nr, col0 + c, i, 0);
  }
}

/* Entries c0 | c1 << 2: (x0 ^ sign(c0 == 0)) & (c0 is 0 or 2), plus the
 * same of x1 and c1 (one vpternlogd each: (x ^ s) & m). */
void tri_uk_colut_tables_avx512(const float *x, size_t m, size_t k,
                                size_t pairs, float *tab) {
  const __m512i s0 = _mm512_setr_epi32(
      (int)0x80000000, 0, 0, 0, (int)0x80000000, 0, 0, 0, (int)0x80000000, 0,
      0, 0, (int)0x80000000, 0, 0, 0);
  const __m512i m0 = _mm512_setr_epi32(-1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1,
                                       0, -1, 0, -1, 0);
  const __m512i s1 = _mm512_setr_epi32(
      (int)0x80000000, (int)0x80000000, (int)0x80000000, (int)0x80000000, 0, 0,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m512i m1 = _mm512_setr_epi32(-1, -1, -1, -1, 0, 0, 0, 0, -1, -1, -1,
                                       -1, 0, 0, 0, 0);
  for (size_t i = 0; i < m; ++i) {
    const float *xi = x + i * k;
    float *t = tab + i * pairs * 16;
    size_t p = 0;
    for (; 2 * p + 1 < k; ++p) {
      __m512i a = _mm512_castps_si512(_mm512_set1_ps(xi[2 * p]));
      __m512i b = _mm512_castps_si512(_mm512_set1_ps(xi[2 * p + 1]));
      /* 0x28: (a ^ s) & m (a = A, s = B, m = C). */
      __m512 va = _mm512_castsi512_ps(_mm512_ternarylogic_epi32(a, s0, m0, 0x28));
      __m512 vb = _mm512_castsi512_ps(_mm512_ternarylogic_epi32(b, s1, m1, 0x28));
      _mm512_store_ps(t + 16 * p, _mm512_add_ps(va, vb));
    }
    for (; p < pairs; ++p) {
      __m512i a = _mm512_castps_si512(_mm512_set1_ps(2 * p < k ? xi[2 * p] : 0.0f));
      __m512 va = _mm512_castsi512_ps(_mm512_ternarylogic_epi32(a, s0, m0, 0x28));
      __m512 vb = _mm512_castsi512_ps(_mm512_ternarylogic_epi32(
          _mm512_setzero_si512(), s1, m1, 0x28));
      _mm512_store_ps(t + 16 * p, _mm512_add_ps(va, vb));
    }
  }
}
