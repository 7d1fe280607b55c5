/*===- kernels_avx2.c - AVX2 micro-kernels ------------------------*- C -*-===*
 *
 * Compiled with -mavx2; called only when the CPU has AVX2 (dispatch.c).
 *
 * f32 (up to TRI_UK_COLUT_MAX_M = 6 tokens): the column-LUT kernel at the
 *      end of this file;
 *      batches: the token-tiled kernels of lut_kernels.h.
 * int8: s = (w & (3 << 2j)) - (1 << 2j) has the sign of t; vpsignb applies
 *      it, vpmaddubsw against ones adds pairs into int16 (at most 4 * 254 in
 *      magnitude over the four planes), vpmaddwd against ones widens to int32.
 *===----------------------------------------------------------------------===*/
#include "ukernel_internal.h"
#include "base3_tables.h"

#include <immintrin.h>

#define AI static inline __attribute__((always_inline))
/* Software prefetch distance: the same offset two column tiles ahead. */
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

AI void i8_block(__m256i acc[4][4], const uint8_t *const wb[4],
                 const int8_t *qp, size_t xstride, int NC, int MT) {
  const __m256i ones8 = _mm256_set1_epi8(1);
  const __m256i ones16 = _mm256_set1_epi16(1);
#pragma GCC unroll 4
  for (int q = 0; q < NC; ++q) {
    __m256i w = _mm256_loadu_si256((const __m256i *)wb[q]);
    __m256i s[4];
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j)
      s[j] = _mm256_sub_epi8(_mm256_and_si256(w, _mm256_set1_epi8((char)(3 << (2 * j)))),
                             _mm256_set1_epi8((char)(1 << (2 * j))));
#pragma GCC unroll 4
    for (int t = 0; t < MT; ++t) {
      const int8_t *x = qp + t * xstride;
      __m256i p0 = _mm256_maddubs_epi16(
          ones8, _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)x), s[0]));
      __m256i p1 = _mm256_maddubs_epi16(
          ones8, _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)(x + 32)), s[1]));
      __m256i p2 = _mm256_maddubs_epi16(
          ones8, _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)(x + 64)), s[2]));
      __m256i p3 = _mm256_maddubs_epi16(
          ones8, _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)(x + 96)), s[3]));
      __m256i sum = _mm256_add_epi16(_mm256_add_epi16(p0, p1), _mm256_add_epi16(p2, p3));
      acc[q][t] = _mm256_add_epi32(acc[q][t], _mm256_madd_epi16(sum, ones16));
    }
  }
}

AI void i8_tile(const tri_uk_i8_problem *p, const uint8_t *rows, size_t col0,
                size_t i0, int NC, int MT) {
  __m256i acc[4][4];
#pragma GCC unroll 4
  for (int q = 0; q < NC; ++q)
#pragma GCC unroll 4
    for (int t = 0; t < MT; ++t)
      acc[q][t] = _mm256_setzero_si256();
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
      tri_uk_store_i32(&p->out, i0 + t, col0 + q, hsum_i32(acc[q][t]));
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

void tri_uk_i8_avx2(const tri_uk_i8_problem *p, const uint8_t *rows,
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
  for (size_t q = 0; q < ncols; ++q) {
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
 * with the trits t[j] applied; |sum| <= 5 * 254 in int16. */
AI __m256i b3_dot5(__m256i acc, const __m256i t[5], const int8_t *x) {
  const __m256i ones8 = _mm256_set1_epi8(1), ones16 = _mm256_set1_epi16(1);
  __m256i p[5];
#pragma GCC unroll 5
  for (int j = 0; j < 5; ++j)
    p[j] = _mm256_maddubs_epi16(
        ones8, _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)(x + 32 * j)),
                                t[j]));
  __m256i sum = _mm256_add_epi16(
      _mm256_add_epi16(_mm256_add_epi16(p[0], p[1]), _mm256_add_epi16(p[2], p[3])),
      p[4]);
  return _mm256_add_epi32(acc, _mm256_madd_epi16(sum, ones16));
}

/* The five trits (-1, 0, +1) of each byte of v (base3_tables.h). */
AI void b3_trits(__m256i v, __m256i t[5]) {
#define B3_TAB(a, i)                                                           \
  _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)(a)[i]))
  const __m256i c243 = _mm256_set1_epi8((char)243);
  v = _mm256_blendv_epi8(v, _mm256_set1_epi8(121),
                         _mm256_cmpeq_epi8(_mm256_max_epu8(v, c243), v));
  __m256i h = _mm256_and_si256(_mm256_srli_epi16(v, 4), _mm256_set1_epi8(0x0f));
  __m256i bb = _mm256_shuffle_epi8(B3_TAB(tri_uk_base3_tables, TRI_B3_BB), h);
  __m256i q = _mm256_sub_epi8(
      _mm256_shuffle_epi8(B3_TAB(tri_uk_base3_tables, TRI_B3_QB), h),
      _mm256_cmpeq_epi8(_mm256_max_epu8(v, bb), v));
  __m256i r = _mm256_sub_epi8(
      v, _mm256_shuffle_epi8(B3_TAB(tri_uk_base3_tables, TRI_B3_T27), q));
  /* r < 16: r + 0x70 keeps bit 7 clear (r - 16 sets it); r >= 16: the
   * other way round; vpshufb gives 0 where bit 7 is set. */
  __m256i ra = _mm256_add_epi8(r, _mm256_set1_epi8(0x70));
  __m256i rb = _mm256_sub_epi8(r, _mm256_set1_epi8(16));
#pragma GCC unroll 3
  for (int j = 0; j < 3; ++j)
    t[j] = _mm256_or_si256(
        _mm256_shuffle_epi8(B3_TAB(tri_uk_base3_trits, TRI_B3_T0A + 2 * j), ra),
        _mm256_shuffle_epi8(B3_TAB(tri_uk_base3_trits, TRI_B3_T0B + 2 * j), rb));
  t[3] = _mm256_shuffle_epi8(B3_TAB(tri_uk_base3_trits, TRI_B3_T3), q);
  t[4] = _mm256_shuffle_epi8(B3_TAB(tri_uk_base3_trits, TRI_B3_T4), q);
#undef B3_TAB
}

#define TRI_UK_B3_NAME(x) tri_uk_##x##_avx2
#include "base3_i8.h"

/*===------------------------------------------------------------------===*
 * base3 -> offset2 (see base3_tables.h)
 *===------------------------------------------------------------------===*/

AI __m256i b3_table(int t) {
  return _mm256_broadcastsi128_si256(
      _mm_load_si128((const __m128i *)tri_uk_base3_tables[t]));
}

/* Unsigned a >= b per byte: 0xff or 0. */
AI __m256i b3_ge(__m256i a, __m256i b) {
  return _mm256_cmpeq_epi8(_mm256_max_epu8(a, b), a);
}

/* Per 64-bit group: the 16-bit codes c0..c3 (10 bits each) packed into
 * c0 | c1 << 10 | c2 << 20 | c3 << 30 (bytes 0..4). */
AI __m256i b3_pack40(__m256i w) {
  const __m256i m10 = _mm256_set1_epi32(0x3ff), m10h = _mm256_set1_epi32(0xffc00);
  const __m256i m20 = _mm256_set1_epi64x(0xfffff),
                m20h = _mm256_set1_epi64x(0xfffff00000ll);
  __m256i t = _mm256_or_si256(_mm256_and_si256(w, m10),
                              _mm256_and_si256(_mm256_srli_epi32(w, 6), m10h));
  return _mm256_or_si256(_mm256_and_si256(t, m20),
                         _mm256_and_si256(_mm256_srli_epi64(t, 12), m20h));
}

size_t tri_uk_base3_to_offset2_avx2(const uint8_t *in, size_t nbytes,
                                    uint8_t *out) {
  const __m256i qb = b3_table(TRI_B3_QB), bb = b3_table(TRI_B3_BB),
                t27 = b3_table(TRI_B3_T27), loa = b3_table(TRI_B3_LO_A),
                lob = b3_table(TRI_B3_LO_B), d3 = b3_table(TRI_B3_D3),
                d4 = b3_table(TRI_B3_D4);
  const __m256i sa = _mm256_broadcastsi128_si256(
                    _mm_load_si128((const __m128i *)tri_uk_base3_compact[0])),
                sb1 = _mm256_broadcastsi128_si256(
                    _mm_load_si128((const __m128i *)tri_uk_base3_compact[1])),
                sb2 = _mm256_broadcastsi128_si256(
                    _mm_load_si128((const __m128i *)tri_uk_base3_compact[2]));
  const __m256i nib = _mm256_set1_epi8(0x0f), c243 = _mm256_set1_epi8((char)243),
                c121 = _mm256_set1_epi8(121), c16 = _mm256_set1_epi8(16),
                c70 = _mm256_set1_epi8(0x70);
  size_t i = 0;
  for (; i + 32 <= nbytes; i += 32, out += 40) {
    __m256i v = _mm256_loadu_si256((const __m256i *)(in + i));
    v = _mm256_blendv_epi8(v, c121, b3_ge(v, c243));
    __m256i h = _mm256_and_si256(_mm256_srli_epi16(v, 4), nib);
    __m256i q = _mm256_sub_epi8(_mm256_shuffle_epi8(qb, h),
                                b3_ge(v, _mm256_shuffle_epi8(bb, h)));
    __m256i r = _mm256_sub_epi8(v, _mm256_shuffle_epi8(t27, q));
    /* r < 16: r + 0x70 keeps bit 7 clear; r >= 16: r - 16 does. */
    __m256i lo = _mm256_or_si256(
        _mm256_shuffle_epi8(loa, _mm256_add_epi8(r, c70)),
        _mm256_shuffle_epi8(lob, _mm256_sub_epi8(r, c16)));
    lo = _mm256_or_si256(lo, _mm256_shuffle_epi8(d3, q));
    __m256i hi = _mm256_shuffle_epi8(d4, q);
    /* Lane l: wa = codes of inputs 16l .. 16l+7, wb = 16l+8 .. 16l+15. */
    __m256i wa = b3_pack40(_mm256_unpacklo_epi8(lo, hi));
    __m256i wb = b3_pack40(_mm256_unpackhi_epi8(lo, hi));
    __m256i x = _mm256_or_si256(_mm256_shuffle_epi8(wa, sa),
                                _mm256_shuffle_epi8(wb, sb1));
    __m256i y = _mm256_shuffle_epi8(wb, sb2);
    int y0 = _mm_cvtsi128_si32(_mm256_castsi256_si128(y));
    int y1 = _mm_cvtsi128_si32(_mm256_extracti128_si256(y, 1));
    _mm_storeu_si128((__m128i *)out, _mm256_castsi256_si128(x));
    memcpy(out + 16, &y0, 4);
    _mm_storeu_si128((__m128i *)(out + 20), _mm256_extracti128_si256(x, 1));
    memcpy(out + 36, &y1, 4);
  }
  return i;
}

/*===------------------------------------------------------------------===*
 * Token-tiled GEMM (lut_kernels.h)
 *===------------------------------------------------------------------===*/

#define TRI_UK_LUT_VBYTES 32
#define TRI_UK_LUT_NAME(x) tri_uk_##x##_avx2
#include "lut_kernels.h"

/*===------------------------------------------------------------------===*
 * f32 GEMM order for a few tokens: column-vectorized table lookups
 * (tri_uk_colut_problem of ukernel_internal.h; the AVX-512 file explains
 * the scheme). 8 rows (output columns) at a time, 8 x 8 dword transposes;
 * vpermps on ymm indexes 8 entries, so a 16-entry table is two lookups and
 * a blend on bit 3 of the nibble (moved to the sign bit).
 *===------------------------------------------------------------------===*/

/* In place: r[l] (8 dwords of row l) -> r[q] (dword q of every row). */
AI void colut_transpose8(__m256i r[8]) {
  __m256i t[8], u[8];
  for (int i = 0; i < 4; ++i) {
    t[2 * i] = _mm256_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm256_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 2; ++i) {
    u[4 * i + 0] = _mm256_unpacklo_epi64(t[4 * i], t[4 * i + 2]);
    u[4 * i + 1] = _mm256_unpackhi_epi64(t[4 * i], t[4 * i + 2]);
    u[4 * i + 2] = _mm256_unpacklo_epi64(t[4 * i + 1], t[4 * i + 3]);
    u[4 * i + 3] = _mm256_unpackhi_epi64(t[4 * i + 1], t[4 * i + 3]);
  }
  /* u[4i + j], 128-bit lane k: rows 4i..4i+3 at dword 4k + j. */
  for (int j = 0; j < 4; ++j) {
    r[j] = _mm256_permute2x128_si256(u[j], u[4 + j], 0x20);
    r[4 + j] = _mm256_permute2x128_si256(u[j], u[4 + j], 0x31);
  }
}

/* acc + h of one quad vector d, tables at tab (8 tables of 16 floats). */
AI __m256 colut_quad8(__m256 acc, __m256i d, const float *tab) {
  __m256 l[8];
#pragma GCC unroll 8
  for (int n = 0; n < 8; ++n) {
    __m256i idx = n ? _mm256_srli_epi32(d, 4 * n) : d;
    __m256 sel = _mm256_castsi256_ps(
        n == 7 ? d : _mm256_slli_epi32(d, 28 - 4 * n));
    __m256 lo = _mm256_permutevar8x32_ps(_mm256_load_ps(tab + 16 * n), idx);
    __m256 hi =
        _mm256_permutevar8x32_ps(_mm256_load_ps(tab + 16 * n + 8), idx);
    l[n] = _mm256_blendv_ps(lo, hi, sel);
  }
  __m256 g0 = _mm256_add_ps(l[0], l[1]), g1 = _mm256_add_ps(l[2], l[3]);
  __m256 g2 = _mm256_add_ps(l[4], l[5]), g3 = _mm256_add_ps(l[6], l[7]);
  return _mm256_add_ps(acc, _mm256_add_ps(_mm256_add_ps(g0, g1),
                                          _mm256_add_ps(g2, g3)));
}

/* `nr` (<= 8) rows, MT tokens from token i0. */
AI void colut_group8(const tri_uk_colut_problem *p, const uint8_t *rows,
                     size_t nr, size_t col0, size_t i0, int MT) {
  const size_t rb = p->row_bytes, quads = (rb + 3) / 4;
  const size_t chunks = (rb + 31) / 32, tstride = p->pairs * 16;
  const float *tab0 = p->tab + i0 * tstride;
  __m256 acc[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
  __m256i qv[8];
  for (size_t c = 0; c < chunks; ++c) {
    size_t have = rb - 32 * c < 32 ? rb - 32 * c : 32;
    __m256i r[8];
    for (size_t l = 0; l < 8; ++l) {
      if (l >= nr) {
        r[l] = _mm256_set1_epi8(0x55);
      } else if (have == 32) {
        r[l] = _mm256_loadu_si256((const __m256i *)(rows + l * rb + 32 * c));
      } else {
        uint8_t buf[32];
        memset(buf, 0x55, sizeof buf);
        memcpy(buf, rows + l * rb + 32 * c, have);
        r[l] = _mm256_loadu_si256((const __m256i *)buf);
      }
    }
    colut_transpose8(r);
    for (int q = 0; q < 8; ++q)
      _mm256_store_si256(qv + q, r[q]);
    size_t nq = quads - 8 * c < 8 ? quads - 8 * c : 8;
#pragma GCC unroll 1
    for (size_t q = 0; q < nq; ++q) {
      __m256i d = _mm256_load_si256(qv + q);
#pragma GCC unroll 2
      for (int t = 0; t < MT; ++t)
        acc[t] = colut_quad8(acc[t], d,
                             tab0 + t * tstride + (8 * c + q) * 128);
    }
  }
  float out[8] __attribute__((aligned(32)));
  for (int t = 0; t < MT; ++t) {
    _mm256_store_ps(out, acc[t]);
    for (size_t l = 0; l < nr; ++l)
      tri_uk_store_f32(&p->out, i0 + t, col0 + l, out[l]);
  }
}

static void colut_group8_1(const tri_uk_colut_problem *p, const uint8_t *rows,
                           size_t nr, size_t col0, size_t i0) {
  colut_group8(p, rows, nr, col0, i0, 1);
}

static void colut_group8_2(const tri_uk_colut_problem *p, const uint8_t *rows,
                           size_t nr, size_t col0, size_t i0) {
  colut_group8(p, rows, nr, col0, i0, 2);
}

void tri_uk_colut_f32_avx2(const tri_uk_colut_problem *p, const uint8_t *rows,
                           size_t ncols, size_t col0) {
  const size_t rb = p->row_bytes;
  for (size_t c = 0; c < ncols; c += 8) {
    size_t nr = ncols - c < 8 ? ncols - c : 8;
    size_t i = 0;
    for (; i + 2 <= p->m; i += 2)
      colut_group8_2(p, rows + c * rb, nr, col0 + c, i);
    if (i < p->m)
      colut_group8_1(p, rows + c * rb, nr, col0 + c, i);
  }
}
