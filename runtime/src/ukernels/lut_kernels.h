/*===- lut_kernels.h - Token-tiled table-lookup GEMM kernels ------*- C -*-===*
 *
 * The batch kernels (f32 from TRI_UK_COLUT_MAX_M + 1 tokens, int8 from
 * TRI_UK_I8_TILED_MIN_M), written once with GCC vector types and included
 * by each x86 kernel file, which first defines
 *   TRI_UK_LUT_VBYTES  the vector size in bytes (32: ymm, 64: zmm)
 *   TRI_UK_LUT_NAME(x) the name of kernel x in that file
 *
 * A tile of L tokens (one vector: L f32 lanes, or 2L int16 lanes for int8
 * activations) shares every weight decode. For each group of four trits of
 * a packed offset2 byte (codes c0..c3, plane j = trit 4b + j) the kernel
 * builds, once per tile and byte position, the table of all 81 sums
 *   T[c0 | c1 << 2 | c2 << 4 | c3 << 6] = (v(c0, x0) + v(c1, x1))
 *                                       + (v(c2, x2) + v(c3, x3))
 * with v(0, x) = -x, v(1, x) = 0, v(2, x) = x, as the sum of two 9-entry
 * nibble tables (lo[c0 | c1 << 2] + hi[c2 | c3 << 2]). A weight byte is then
 * an index: one vector load and one add cover 4 trits of L tokens. No weight
 * is multiplied; a weight selects which precomputed sum is added. Entries of
 * invalid codes (0b11) are zero.
 *
 * Narrow tasks (few columns) do not amortize the 81-entry tables: they look
 * up the two nibble tables instead (lo + hi), which is the same sum, so the
 * results are identical. Bytes are summed in quads, h = (g0 + g1) + (g2 + g3)
 * and acc += h (f32), the canonical order of ternary_ukernels.h; int16 quads
 * are exact and are widened into int32 every LUT_FLUSH_QUADS quads.
 *
 * Blocking: K-blocks of TRI_UK_LUT_KBLOCK bytes, whose tables stay in L1,
 * are swept over all columns of the task with the running sums of the tile
 * in a per-task buffer (one vector per column).
 *===----------------------------------------------------------------------===*/
#ifndef TRI_UK_LUT_VBYTES
#error "define TRI_UK_LUT_VBYTES and TRI_UK_LUT_NAME before including this file"
#endif

typedef float lut_f32 __attribute__((vector_size(TRI_UK_LUT_VBYTES)));
typedef int16_t lut_i16 __attribute__((vector_size(TRI_UK_LUT_VBYTES)));
typedef int16_t lut_i16h __attribute__((vector_size(TRI_UK_LUT_VBYTES / 2)));
typedef int32_t lut_i32 __attribute__((vector_size(TRI_UK_LUT_VBYTES)));

#define LUT_KB TRI_UK_LUT_KBLOCK
/* Tasks with at least this many columns use the 256-entry byte tables. */
#define LUT_BYTE_TABLE_MIN_COLS 48
/* |int16 quad| <= 16 * 128 = 2048, so 8 quads stay far below 32767. */
#define LUT_FLUSH_QUADS 8

/* The four weight bytes at `at` of a row: in place, or padded with zero
 * trits (0x55) past the end of the row. */
AI uint32_t lut_load_quad(const uint8_t *row, size_t at, size_t row_bytes) {
  uint8_t buf[4] = {0x55, 0x55, 0x55, 0x55};
  const uint8_t *src = row + at;
  if (row_bytes - at < 4) {
    memcpy(buf, src, row_bytes - at);
    src = buf;
  }
  uint32_t wq;
  memcpy(&wq, src, sizeof wq);
  return wq;
}

/* The lookups of one vector type: tables for the groups of one K-block, from
 * the 4 * LUT_KB activation vectors of the block: nibble tables
 * nib[g * 32 + 0..15] (lo) and [g * 32 + 16..31] (hi), and with `bytes` the
 * full tables byte[g * 256 + code] (entries of invalid codes are zeroed once
 * per call by lut_clear); the quad sum of four weight bytes; the sweep of a
 * K-block over the columns of a task. */
#define LUT_DEFINE_TABLES(SUFFIX, V)                                           \
  AI void lut_nibbles_##SUFFIX(V *t, V a, V b) {                               \
    const V zero = {0};                                                        \
    V va[3] = {-a, zero, a}, vb[3] = {-b, zero, b};                            \
    for (int c1 = 0; c1 < 3; ++c1)                                             \
      for (int c0 = 0; c0 < 3; ++c0)                                           \
        t[c0 | c1 << 2] = va[c0] + vb[c1];                                     \
  }                                                                            \
  AI void lut_tables_##SUFFIX(V *nib, V *byte, const V *x, int bytes) {        \
    for (int g = 0; g < LUT_KB; ++g) {                                         \
      V *lo = nib + 32 * g, *hi = lo + 16;                                     \
      lut_nibbles_##SUFFIX(lo, x[4 * g], x[4 * g + 1]);                        \
      lut_nibbles_##SUFFIX(hi, x[4 * g + 2], x[4 * g + 3]);                    \
      if (!bytes)                                                              \
        continue;                                                              \
      V *t = byte + 256 * g;                                                   \
      for (int h = 0; h < 11; ++h) {                                           \
        if ((h & 3) == 3)                                                      \
          continue;                                                            \
        V hv = hi[h];                                                          \
        for (int l = 0; l < 11; ++l)                                           \
          if ((l & 3) != 3)                                                    \
            t[l | h << 4] = lo[l] + hv;                                        \
      }                                                                        \
    }                                                                          \
  }                                                                            \
  /* The quad sum of four weight bytes `wq` (byte j = group j). Addresses  \
   * are byte offsets from constant bases, so that the group offset folds     \
   * into the load's displacement. */                                        \
  AI V lut_quad_##SUFFIX(const V *nib, const V *byte, uint32_t wq,             \
                         int bytes) {                                          \
    V g[4];                                                                    \
    for (int j = 0; j < 4; ++j) {                                              \
      size_t b = (wq >> (8 * j)) & 255u;                                       \
      const char *t = bytes ? (const char *)(byte + 256 * j)                   \
                            : (const char *)(nib + 32 * j);                    \
      if (bytes)                                                               \
        g[j] = *(const V *)(t + b * sizeof(V));                                \
      else                                                                     \
        g[j] = *(const V *)(t + (b & 15u) * sizeof(V)) +                       \
               *(const V *)(t + (16 + (b >> 4)) * sizeof(V));                  \
    }                                                                          \
    return (g[0] + g[1]) + (g[2] + g[3]);                                      \
  }                                                                            \
  /* Zeroes the entries of invalid codes (0b11 in some position), which the   \
   * builder never writes: of the nibble tables, and of the byte tables when  \
   * they are used. */                                                        \
  AI void lut_clear_##SUFFIX(V *nib, V *byte, int bytes) {                     \
    const V zero = {0};                                                        \
    for (int e = 0; e < 32 * LUT_KB; ++e)                                      \
      if ((e & 3) == 3 || (e & 12) == 12)                                      \
        nib[e] = zero;                                                         \
    for (int e = 0; bytes && e < 256 * LUT_KB; ++e)                            \
      if ((e & 3) == 3 || (e & 12) == 12 || (e & 48) == 48 ||                  \
          (e & 192) == 192)                                                    \
        byte[e] = zero;                                                        \
  }                                                                            \
  /* acc[c] += the quads of K-block `kb` of column c, for every column. */     \
  AI void lut_sweep_##SUFFIX(const tri_uk_lut_problem *p, const uint8_t *rows, \
                             size_t ncols, size_t kb, const V *nib,            \
                             const V *byte, V *acc, int bytes) {               \
    const size_t rb = p->row_bytes;                                            \
    if (rb - kb >= LUT_KB) {                                                   \
      for (size_t c = 0; c < ncols; ++c) {                                     \
        const uint8_t *w = rows + c * rb + kb;                                 \
        V a = acc[c];                                                          \
        for (int q = 0; q < LUT_KB / 4; ++q) {                                 \
          uint32_t wq;                                                         \
          memcpy(&wq, w + 4 * q, sizeof wq);                                   \
          a = a + lut_quad_##SUFFIX(nib + 128 * q, byte + 1024 * q, wq,        \
                                    bytes);                                    \
        }                                                                      \
        acc[c] = a;                                                            \
      }                                                                        \
      return;                                                                  \
    }                                                                          \
    for (size_t c = 0; c < ncols; ++c)                                         \
      for (size_t q = 0; 4 * q < rb - kb; ++q)                                 \
        acc[c] = acc[c] + lut_quad_##SUFFIX(                                   \
                              nib + 128 * q, byte + 1024 * q,                  \
                              lut_load_quad(rows + c * rb, kb + 4 * q, rb),    \
                              bytes);                                          \
  }                                                                            \
  /* One K-block: its tables, then its sweep (specialized per table kind). */ \
  AI void lut_kblock_##SUFFIX(const tri_uk_lut_problem *p,                     \
                              const uint8_t *rows, size_t ncols, size_t kb,    \
                              const V *x, V *nib, V *byte, V *acc,             \
                              int bytes) {                                     \
    lut_tables_##SUFFIX(nib, byte, x + 4 * kb, bytes);                         \
    if (bytes)                                                                 \
      lut_sweep_##SUFFIX(p, rows, ncols, kb, nib, byte, acc, 1);               \
    else                                                                       \
      lut_sweep_##SUFFIX(p, rows, ncols, kb, nib, byte, acc, 0);               \
  }

LUT_DEFINE_TABLES(f32, lut_f32)
LUT_DEFINE_TABLES(i16, lut_i16)

/* Scratch of one task (see tri_uk_lut_scratch_bytes): tables, then the
 * running sums of the columns. */
static inline size_t lut_table_vectors(void) { return (size_t)LUT_KB * 288; }

/* The tokens of the tile that starts at token `first`. */
static inline size_t lut_tile_tokens(const tri_uk_lut_problem *p,
                                     size_t first, size_t lanes) {
  return p->m - first < lanes ? p->m - first : lanes;
}

/*===------------------------------------------------------------------===*
 * Tiles: xt[tile][kk][lane] = x[tile * lanes + lane][kk], zero past k and
 * past the last token, by 8 x 8 transposes (lanes is a multiple of 8)
 *===------------------------------------------------------------------===*/

typedef float lut_f32x8 __attribute__((vector_size(32)));
typedef int16_t lut_i16x8 __attribute__((vector_size(16)));
typedef int8_t lut_i8x8 __attribute__((vector_size(8)));

/* c[j][t] = r[t][j]: 32-bit, 64-bit, then 128-bit interleaves. */
#define LUT_TRANSPOSE8(V, r, c)                                                \
  do {                                                                         \
    V t_[8], u_[8];                                                            \
    for (int p_ = 0; p_ < 8; p_ += 2) {                                        \
      t_[p_] = __builtin_shufflevector(r[p_], r[p_ + 1], 0, 8, 1, 9, 4, 12, 5, \
                                       13);                                    \
      t_[p_ + 1] = __builtin_shufflevector(r[p_], r[p_ + 1], 2, 10, 3, 11, 6,  \
                                           14, 7, 15);                         \
    }                                                                          \
    for (int p_ = 0; p_ < 8; p_ += 4)                                          \
      for (int h_ = 0; h_ < 2; ++h_) {                                         \
        u_[p_ + 2 * h_] = __builtin_shufflevector(                             \
            t_[p_ + h_], t_[p_ + h_ + 2], 0, 1, 8, 9, 4, 5, 12, 13);           \
        u_[p_ + 2 * h_ + 1] = __builtin_shufflevector(                         \
            t_[p_ + h_], t_[p_ + h_ + 2], 2, 3, 10, 11, 6, 7, 14, 15);         \
      }                                                                        \
    for (int j_ = 0; j_ < 4; ++j_) {                                           \
      c[j_] = __builtin_shufflevector(u_[j_], u_[j_ + 4], 0, 1, 2, 3, 8, 9,    \
                                      10, 11);                                 \
      c[j_ + 4] = __builtin_shufflevector(u_[j_], u_[j_ + 4], 4, 5, 6, 7, 12,  \
                                          13, 14, 15);                         \
    }                                                                          \
  } while (0)

/* The 8 x 8 block of rows i0.., columns kk0.. of src (m x k, elements of
 * type E), zero outside, as vectors of type V (converted from vectors R). */
#define LUT_LOAD8(V, R, E, r, src, m, k, i0, kk0)                              \
  for (size_t t_ = 0; t_ < 8; ++t_) {                                          \
    R raw_ = {0};                                                              \
    size_t i_ = (i0) + t_;                                                     \
    if (i_ < (m) && (kk0) + 8 <= (k))                                          \
      memcpy(&raw_, (src) + i_ * (k) + (kk0), sizeof raw_);                    \
    else if (i_ < (m) && (kk0) < (k))                                          \
      memcpy(&raw_, (src) + i_ * (k) + (kk0), ((k) - (kk0)) * sizeof(E));      \
    r[t_] = __builtin_convertvector(raw_, V);                                  \
  }

#define LUT_DEFINE_TILES(SUFFIX, V, R, E, O)                                   \
  void TRI_UK_LUT_NAME(tiles_##SUFFIX)(const E *src, size_t m, size_t k,       \
                                       size_t lanes, size_t k4, O *xt) {       \
    for (size_t i0 = 0; i0 < m; i0 += 8) {                                     \
      O *tile = xt + (i0 / lanes) * k4 * lanes + i0 % lanes;                   \
      for (size_t kk0 = 0; kk0 < k4; kk0 += 8) {                               \
        V r[8], c[8];                                                          \
        LUT_LOAD8(V, R, E, r, src, m, k, i0, kk0);                             \
        LUT_TRANSPOSE8(V, r, c);                                               \
        for (size_t j = 0; j < 8; ++j)                                         \
          memcpy(tile + (kk0 + j) * lanes, &c[j], sizeof c[j]);                \
      }                                                                        \
    }                                                                          \
    /* The rest of a partly filled last tile. */                               \
    size_t tiles = (m + lanes - 1) / lanes;                                    \
    for (size_t i0 = (m + 7) / 8 * 8; i0 < tiles * lanes; i0 += 8)            \
      for (size_t kk = 0; kk < k4; ++kk)                                       \
        memset(xt + (i0 / lanes) * k4 * lanes + kk * lanes + i0 % lanes, 0,    \
               8 * sizeof(O));                                                 \
  }

LUT_DEFINE_TILES(f32, lut_f32x8, lut_f32x8, float, float)
LUT_DEFINE_TILES(i8, lut_i16x8, lut_i8x8, int8_t, int16_t)

/*===------------------------------------------------------------------===*
 * f32
 *===------------------------------------------------------------------===*/

void TRI_UK_LUT_NAME(lut_f32)(const tri_uk_lut_problem *p,
                              const uint8_t *rows, size_t ncols, size_t col0,
                              size_t tile, void *scratch) {
  const size_t lanes = TRI_UK_LUT_VBYTES / 4;
  const int bytes = ncols >= LUT_BYTE_TABLE_MIN_COLS;
  lut_f32 *nib = (lut_f32 *)scratch;
  lut_f32 *byte = nib + 32 * LUT_KB;
  lut_f32 *acc = nib + lut_table_vectors();
  lut_clear_f32(nib, byte, bytes);
  memset(acc, 0, ncols * sizeof(lut_f32));
  const lut_f32 *x = (const lut_f32 *)p->xt + tile * p->k4;
  for (size_t kb = 0; kb < p->row_bytes; kb += LUT_KB)
    lut_kblock_f32(p, rows, ncols, kb, x, nib, byte, acc, bytes);
  size_t first = tile * lanes, count = lut_tile_tokens(p, first, lanes);
  for (size_t c = 0; c < ncols; ++c)
    for (size_t t = 0; t < count; ++t)
      tri_uk_store_f32(&p->out, first + t, col0 + c, acc[c][t]);
}

/*===------------------------------------------------------------------===*
 * int8 activations (int16 lanes, exact)
 *===------------------------------------------------------------------===*/

/* wide[2c], wide[2c + 1] += the int16 sums of column c, which restart at 0. */
AI void lut_i16_flush(lut_i16 *acc, lut_i32 *wide, size_t ncols) {
  for (size_t c = 0; c < ncols; ++c) {
    lut_i16h lo, hi;
    memcpy(&lo, &acc[c], sizeof lo);
    memcpy(&hi, (const char *)&acc[c] + sizeof lo, sizeof hi);
    wide[2 * c] += __builtin_convertvector(lo, lut_i32);
    wide[2 * c + 1] += __builtin_convertvector(hi, lut_i32);
    acc[c] = (lut_i16){0};
  }
}

void TRI_UK_LUT_NAME(lut_i8)(const tri_uk_lut_problem *p,
                             const uint8_t *rows, size_t ncols, size_t col0,
                             size_t tile, void *scratch) {
  const size_t lanes = TRI_UK_LUT_VBYTES / 2;
  const int bytes = ncols >= LUT_BYTE_TABLE_MIN_COLS;
  lut_i16 *nib = (lut_i16 *)scratch;
  lut_i16 *byte = nib + 32 * LUT_KB;
  lut_i16 *acc = nib + lut_table_vectors();
  lut_i32 *wide = (lut_i32 *)(acc + ncols);
  lut_clear_i16(nib, byte, bytes);
  memset(acc, 0, 3 * ncols * sizeof(lut_i16));
  const lut_i16 *x = (const lut_i16 *)p->xt + tile * p->k4;
  size_t quads = 0;
  for (size_t kb = 0; kb < p->row_bytes; kb += LUT_KB) {
    lut_kblock_i16(p, rows, ncols, kb, x, nib, byte, acc, bytes);
    quads += LUT_KB / 4;
    if (quads >= LUT_FLUSH_QUADS) {
      lut_i16_flush(acc, wide, ncols);
      quads = 0;
    }
  }
  lut_i16_flush(acc, wide, ncols);
  size_t first = tile * lanes, count = lut_tile_tokens(p, first, lanes);
  for (size_t c = 0; c < ncols; ++c)
    for (size_t t = 0; t < count; ++t)
      tri_uk_store_i32(&p->out, first + t, col0 + c,
                       wide[2 * c + t / (lanes / 2)][t % (lanes / 2)]);
}

#undef LUT_KB
#undef LUT_BYTE_TABLE_MIN_COLS
#undef LUT_FLUSH_QUADS
