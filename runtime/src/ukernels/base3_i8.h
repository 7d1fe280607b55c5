/*===- base3_i8.h - int8 kernels that read base3 rows directly -----*- C -*-===*
 *
 * Included by kernels_avx2.c and kernels_avx512.c after their hsum_i32,
 * b3_trits (the trits of 32 base3 bytes; AVX-512 uses mask registers) and
 * b3_dot5 (vpmaddubsw + vpmaddwd against ones, or vpdpbusd against ones);
 * defines TRI_UK_B3_NAME(i8_base3), a
 * tri_uk_i8_kernel on base3 rows (ukernel_internal.h: blocks of 32 base3
 * bytes, activations re-ordered as qp[160c + 32j + b] = q[160c + 5b + j]).
 *
 * Per block and column, the five trits of each of the 32 bytes come out of
 * the vpshufb split of base3_tables.h as five vectors of -1 / 0 / +1 bytes
 * (trit j of byte b in lane b of vector j), which vpsignb applies to the
 * activations of plane j: as in the offset2 kernels, the weights only
 * negate, zero or keep activations, and the sums are exact int32, so the
 * result is the one of every other int8 kernel. Bytes above 242 count as
 * five zero trits, as in the converters.
 *===----------------------------------------------------------------------===*/

/* One block of NC columns for MT tokens. */
AI void b3_i8_block(__m256i acc[4][4], const uint8_t *const wb[4],
                    const int8_t *qp, size_t xstride, int NC, int MT) {
#pragma GCC unroll 4
  for (int c = 0; c < NC; ++c) {
    __m256i t[5];
    b3_trits(_mm256_loadu_si256((const __m256i *)wb[c]), t);
#pragma GCC unroll 4
    for (int i = 0; i < MT; ++i)
      acc[c][i] = b3_dot5(acc[c][i], t, qp + i * xstride);
  }
}

AI void b3_i8_tile(const tri_uk_i8_problem *p, const uint8_t *rows,
                   size_t col0, size_t i0, int NC, int MT) {
  __m256i acc[4][4];
#pragma GCC unroll 4
  for (int c = 0; c < NC; ++c)
#pragma GCC unroll 4
    for (int i = 0; i < MT; ++i)
      acc[c][i] = _mm256_setzero_si256();
  const size_t rb = p->row_bytes, full = rb / TRI_UK_B3_BLOCK_BYTES;
  const int8_t *qp = p->qp + i0 * p->xstride;
  const uint8_t *wb[4] = {rows, rows, rows, rows};
  for (size_t b = 0; b < full; ++b) {
#pragma GCC unroll 4
    for (int c = 0; c < NC; ++c) {
      wb[c] = rows + c * rb + b * TRI_UK_B3_BLOCK_BYTES;
      _mm_prefetch((const char *)wb[c] + TRI_UK_PF(NC, rb), _MM_HINT_T0);
    }
    b3_i8_block(acc, wb, qp + b * TRI_UK_B3_BLOCK_TRITS, p->xstride, NC, MT);
  }
  if (p->blocks > full) {
    /* The rest of the rows, padded with 121 (five zero trits). */
    uint8_t buf[4][TRI_UK_B3_BLOCK_BYTES];
    for (int c = 0; c < NC; ++c) {
      memset(buf[c], 121, TRI_UK_B3_BLOCK_BYTES);
      memcpy(buf[c], rows + c * rb + full * TRI_UK_B3_BLOCK_BYTES,
             rb - full * TRI_UK_B3_BLOCK_BYTES);
      wb[c] = buf[c];
    }
    b3_i8_block(acc, wb, qp + full * TRI_UK_B3_BLOCK_TRITS, p->xstride, NC,
                MT);
  }
  for (int c = 0; c < NC; ++c)
    for (int i = 0; i < MT; ++i)
      tri_uk_store_i32(&p->out, i0 + i, col0 + c, hsum_i32(acc[c][i]));
}

#define B3_I8_TILE(NC, MT)                                                     \
  static void b3_i8_tile_##NC##_##MT(const tri_uk_i8_problem *p,               \
                                     const uint8_t *rows, size_t col0,         \
                                     size_t i0) {                              \
    b3_i8_tile(p, rows, col0, i0, NC, MT);                                     \
  }
B3_I8_TILE(4, 1)
B3_I8_TILE(1, 1)
B3_I8_TILE(1, 2)
B3_I8_TILE(1, 3)
B3_I8_TILE(1, 4)
#undef B3_I8_TILE

void TRI_UK_B3_NAME(i8_base3)(const tri_uk_i8_problem *p, const uint8_t *rows,
                              size_t ncols, size_t col0) {
  const size_t rb = p->row_bytes;
  for (size_t c = 0; c < ncols;) {
    if (p->m == 1) {
      if (c + 4 <= ncols) {
        b3_i8_tile_4_1(p, rows + c * rb, col0 + c, 0);
        c += 4;
      } else {
        b3_i8_tile_1_1(p, rows + c * rb, col0 + c, 0);
        c += 1;
      }
      continue;
    }
    size_t i = 0;
    for (; i + 4 <= p->m; i += 4)
      b3_i8_tile_1_4(p, rows + c * rb, col0 + c, i);
    switch (p->m - i) {
    case 3: b3_i8_tile_1_3(p, rows + c * rb, col0 + c, i); break;
    case 2: b3_i8_tile_1_2(p, rows + c * rb, col0 + c, i); break;
    case 1: b3_i8_tile_1_1(p, rows + c * rb, col0 + c, i); break;
    default: break;
    }
    c += 1;
  }
}
