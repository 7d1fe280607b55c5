/*===- kernels_portable.c - Portable C micro-kernels --------------*- C -*-===*
 *
 * The reference implementation of the canonical summation order of
 * ternary_ukernels.h, in plain C99 for any CPU. The SIMD files must agree
 * with it bit for bit; the unit tests check that they do.
 *
 * A weight selects: +x, -x or nothing. No multiplication touches a weight.
 *===----------------------------------------------------------------------===*/
#include "ukernel_internal.h"

void tri_uk_i8_portable(const tri_uk_i8_problem *p, const uint8_t *rows,
                        size_t ncols, size_t col0) {
  for (size_t q = 0; q < ncols; ++q) {
    const uint8_t *row = rows + q * p->row_bytes;
    for (size_t i = 0; i < p->m; ++i) {
      const int8_t *xp = p->qp + i * p->xstride;
      int32_t acc = 0;
      uint8_t buf[TRI_UK_I8_BLOCK_BYTES];
      for (size_t c = 0; c < p->blocks; ++c) {
        const uint8_t *wb = tri_uk_tail(row, c * TRI_UK_I8_BLOCK_BYTES,
                                        p->row_bytes, buf,
                                        TRI_UK_I8_BLOCK_BYTES);
        const int8_t *xc = xp + c * TRI_UK_I8_BLOCK_TRITS;
        for (int j = 0; j < 4; ++j)
          for (int b = 0; b < 32; ++b) {
            unsigned code = (wb[b] >> (2 * j)) & 3u;
            int32_t x = xc[32 * j + b];
            /* code 2: +x, code 0: -x, else nothing (branch-free select). */
            int32_t plus = -(int32_t)(code == 2u), minus = -(int32_t)(code == 0u);
            acc += (x & plus) - (x & minus);
          }
      }
      tri_uk_store_i32(&p->out, i, col0 + q, acc);
    }
  }
}

/* The f32 order (the GEMM order) of ternary_ukernels.h on
 * tiles of p->lanes tokens (xt[tile][kk][lanes]): per byte b of the row,
 * g = (v0 + v1) + (v2 + v3) over its four trits (v = +x, -x or +0), per quad
 * of bytes h = (g0 + g1) + (g2 + g3) (bytes past the row are zeros), and
 * acc = acc + h from acc = +0. */
void tri_uk_lut_f32_portable(const tri_uk_lut_problem *p, const uint8_t *rows,
                             size_t ncols, size_t col0, size_t tile,
                             void *scratch) {
  (void)scratch;
  const size_t lanes = p->lanes, rb = p->row_bytes;
  const float *x = (const float *)p->xt + tile * p->k4 * lanes;
  size_t first = tile * lanes;
  size_t count = p->m - first < lanes ? p->m - first : lanes;
  for (size_t q = 0; q < ncols; ++q) {
    const uint8_t *row = rows + q * rb;
    for (size_t t = 0; t < count; ++t) {
      float acc = 0.0f;
      for (size_t b0 = 0; b0 < rb; b0 += 4) {
        float g[4];
        for (size_t j = 0; j < 4; ++j) {
          size_t b = b0 + j;
          unsigned byte = b < rb ? row[b] : 0x55u;
          float v[4];
          for (unsigned s = 0; s < 4; ++s) {
            unsigned code = (byte >> (2 * s)) & 3u;
            float xv = x[(4 * b + s) * lanes + t];
            v[s] = code == 2u ? xv : code == 0u ? -xv : 0.0f;
          }
          g[j] = (v[0] + v[1]) + (v[2] + v[3]);
        }
        acc = acc + ((g[0] + g[1]) + (g[2] + g[3]));
      }
      tri_uk_store_f32(&p->out, first + t, col0 + q, acc);
    }
  }
}
