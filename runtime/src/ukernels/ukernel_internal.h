/*===- ukernel_internal.h - Shared definitions of the micro-kernels -*- C -*-===*
 *
 * What the dispatcher (dispatch.c) hands to the per-ISA kernels
 * (kernels_portable.c, kernels_avx2.c, kernels_avx512.c), and the thread pool.
 *
 * The kernels see offset2 rows: base3 weights are converted to offset2 rows
 * in a small per-task buffer by the dispatcher first (with the ISA's vector
 * converter, tri_uk_base3_to_offset2_*, which writes the same bytes as the
 * scalar one), so every ISA shares one summation order. The one exception
 * is int8 one token at a time on AVX2 / AVX-512 (exact sums, any order):
 * tri_uk_i8_base3_* read base3 rows directly.
 *
 * Three kernel families. int8 one token at a time (the GEMV and small
 * batches): activations are re-ordered once per call so that the 2-bit
 * planes of the packed bytes line up with contiguous activation vectors
 * (packed byte b of a row holds trits 4b .. 4b+3, one per 2-bit plane j):
 *   int8 block c of 32 bytes (128 trits): qp[c*128 + 32*j + b] = q[128c + 4b + j]
 * with zeros past K. The int8 kernels that read base3 rows directly
 * (base3_i8.h, AVX2 and AVX-512) take blocks of 32 base3 bytes (160 trits),
 * trit j of byte b being plane j:
 *   int8 base3 block c: qp[c*160 + 32*j + b] = q[160c + 5b + j]
 * and the AVX-512 VBMI one (kernels_avx512vbmi.c) blocks of 64:
 *   qp[c*320 + 64*j + b] = q[320c + 5b + j], plus each token's sum;
 * their tri_uk_i8_problem counts base3 bytes (row_bytes). f32 for one or
 * few tokens (up to TRI_UK_COLUT_MAX_M): column-LUT kernels (one vector holds 16 or 8 output columns;
 * tri_uk_colut_problem below). Token-tiled kernels (batches): one vector
 * holds a tile of tokens, and a packed byte indexes a table of the 81 sums
 * its four trits can select (lut_kernels.h).
 *===----------------------------------------------------------------------===*/
#ifndef TERNARY_UKERNEL_INTERNAL_H
#define TERNARY_UKERNEL_INTERNAL_H

#include "ternary_ukernels.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TRI_UK_I8_BLOCK_BYTES 32
#define TRI_UK_I8_BLOCK_TRITS 128
#define TRI_UK_B3_BLOCK_BYTES 32
#define TRI_UK_B3_BLOCK_TRITS 160

/* Where and how results are written. */
typedef struct tri_uk_out {
  float *y;              /* f32 results y[i * ldy + col], or NULL */
  int32_t *acc;          /* raw int32 sums (int8 path) when y is NULL */
  size_t ldy;            /* row stride of y / acc (= n) */
  const float *xscale;   /* per-token scale of the int8 path, or NULL */
  const float *scale;    /* see tri_uk_scale_mode */
  tri_uk_scale_mode scale_mode;
  const float *bias;     /* per column, or NULL */
} tri_uk_out;

typedef struct tri_uk_i8_problem {
  const int8_t *qp; /* m tokens of `xstride` bytes, see above */
  const int32_t *qsum; /* sum of each token's activations (the VBMI base3
                          kernel only) */
  size_t m;
  size_t xstride;   /* blocks * 128 */
  size_t blocks;    /* 32-byte blocks per row; the last may be partial */
  size_t row_bytes;
  tri_uk_out out;
} tri_uk_i8_problem;

/* The column-vectorized table-lookup kernels of the GEMM order for a few
 * tokens (m <= TRI_UK_COLUT_MAX_M; the GEMV): one vector holds 16 (AVX2:
 * 8) output columns. For each pair p of activations (x[2p], x[2p + 1];
 * zero past k) of token i, a table of 16 floats
 *   tab[(i * pairs + p) * 16 + (c0 | c1 << 2)] = v(c0, x[2p]) + v(c1, x[2p+1])
 * with v(2, x) = x, v(0, x) = -x, v(1, x) = v(3, x) = +0 (one f32 add: the
 * (v0 + v1) and (v2 + v3) of the GEMM order), is built once per call; a
 * nibble of a packed byte (two trits, pair 2b or 2b + 1) is its index.
 * pairs = 8 * ceil(row_bytes / 4): every quad of row bytes has its 8
 * tables. */
typedef struct tri_uk_colut_problem {
  const float *tab;
  size_t m;
  size_t pairs;
  size_t row_bytes; /* offset2 bytes per row */
  size_t ncols_all; /* rows + c * row_bytes is a row for every column c <
                       ncols_all (0: only the columns of the call), which
                       the kernels may prefetch */
  tri_uk_out out;
} tri_uk_colut_problem;

/* Up to this many tokens, f32 runs the column-LUT kernels; from one more
 * on, the token-tiled ones (both compute the GEMM order). Measured at
 * 4096x4096 on Zen 4 (1 thread): column lookups 1.43 ms at 4 tokens and
 * 2.16 ms at 6 against 2.6 and 3.2 ms for the tiles; even at 8, and the
 * tiles ahead from 12 on. */
#ifndef TRI_UK_COLUT_MAX_M
#define TRI_UK_COLUT_MAX_M 6
#endif

/* Computes output columns col0 .. col0 + ncols - 1 for all m tokens. */
typedef void (*tri_uk_colut_kernel)(const tri_uk_colut_problem *p,
                                    const uint8_t *rows, size_t ncols,
                                    size_t col0);
/* Builds the tables of m tokens of k activations (row-major x). */
typedef void (*tri_uk_colut_tables_fn)(const float *x, size_t m, size_t k,
                                       size_t pairs, float *tab);
void tri_uk_colut_tables_portable(const float *x, size_t m, size_t k,
                                  size_t pairs, float *tab);

/* The token-tiled table-lookup GEMM (lut_kernels.h; f32 from
 * TRI_UK_GEMM_ORDER_MIN_M tokens, int8 from TRI_UK_I8_TILED_MIN_M or when an
 * activation is -128): activations transposed into tiles of `lanes` tokens,
 * xt[tile][kk][lanes] for kk < k4 (zeros past k and past the last token),
 * f32 or int16 (the int8 path). */
typedef struct tri_uk_lut_problem {
  const void *xt;
  size_t m;
  size_t lanes;     /* tokens per tile (the kernel's vector width) */
  size_t k4;        /* trits per tile row: 4 * row bytes rounded up to
                       TRI_UK_LUT_KBLOCK bytes */
  size_t row_bytes; /* offset2 bytes per row */
  tri_uk_out out;
} tri_uk_lut_problem;

/* From this many tokens on, int8 activations use the token-tiled kernels
 * (exact either way). */
#define TRI_UK_I8_TILED_MIN_M 32

/* Bytes (trit groups) of one K-block of the LUT kernels: a multiple of 4, so
 * that the summation quads of ternary_ukernels.h never straddle blocks, and
 * even, so that tile rows (4 trits a byte) come in the 8s that the tile
 * transposes fill. 8 bytes of tables stay in L1 (measured best on Zen 4). */
#define TRI_UK_LUT_KBLOCK 8

/* Computes output columns col0 .. col0 + ncols - 1 for all m tokens; column
 * col0 + q reads the offset2 row at rows + q * row_bytes. */
typedef void (*tri_uk_i8_kernel)(const tri_uk_i8_problem *p,
                                 const uint8_t *rows, size_t ncols,
                                 size_t col0);

/* Computes output columns col0 .. col0 + ncols - 1 for the tokens of tile
 * `tile`, with `scratch` of tri_uk_lut_scratch_bytes(vbytes, ncols) bytes
 * (64-byte aligned). */
typedef void (*tri_uk_lut_kernel)(const tri_uk_lut_problem *p,
                                  const uint8_t *rows, size_t ncols,
                                  size_t col0, size_t tile, void *scratch);

/* Scratch of a LUT kernel with vectors of `vbytes` bytes: the tables of one
 * K-block (TRI_UK_LUT_KBLOCK * 288 vectors) and three vectors per column. */
static inline size_t tri_uk_lut_scratch_bytes(size_t vbytes, size_t ncols) {
  return ((size_t)TRI_UK_LUT_KBLOCK * 288 + 3 * ncols) * vbytes;
}

void tri_uk_i8_portable(const tri_uk_i8_problem *p, const uint8_t *rows,
                        size_t ncols, size_t col0);
void tri_uk_lut_f32_portable(const tri_uk_lut_problem *p, const uint8_t *rows,
                             size_t ncols, size_t col0, size_t tile,
                             void *scratch);
/* Fill the tiles of a tri_uk_lut_problem from m row-major tokens of k
 * values (lanes a multiple of 8, k4 a multiple of 8), zero-padded. */
typedef void (*tri_uk_tiles_f32_fn)(const float *x, size_t m, size_t k,
                                    size_t lanes, size_t k4, float *xt);
typedef void (*tri_uk_tiles_i8_fn)(const int8_t *q, size_t m, size_t k,
                                   size_t lanes, size_t k4, int16_t *xt);
/* base3 -> offset2 for the staging in dispatch.c: converts the first
 * nbytes / B * B base3 bytes of `in` (B = 32 for AVX2, 64 for AVX-512), each
 * holding 5 trits of the row, into 5 / 4 as many offset2 bytes at `out`, and
 * returns how many input bytes it converted. Bytes above 242 (rejected by
 * the format) decode as five zero trits, as in the scalar converter. Only
 * table lookups, shifts and logic: the output bytes are the same on every
 * ISA, so the kernels that read them cannot disagree. (The type exists on
 * every CPU: the portable build keeps a NULL one.) */
typedef size_t (*tri_uk_base3_fn)(const uint8_t *in, size_t nbytes,
                                  uint8_t *out);

#ifdef TRI_UK_HAVE_X86_KERNELS
void tri_uk_tiles_f32_avx2(const float *x, size_t m, size_t k, size_t lanes,
                           size_t k4, float *xt);
void tri_uk_tiles_i8_avx2(const int8_t *q, size_t m, size_t k, size_t lanes,
                          size_t k4, int16_t *xt);
void tri_uk_tiles_f32_avx512(const float *x, size_t m, size_t k, size_t lanes,
                             size_t k4, float *xt);
void tri_uk_tiles_i8_avx512(const int8_t *q, size_t m, size_t k, size_t lanes,
                            size_t k4, int16_t *xt);
void tri_uk_lut_f32_avx2(const tri_uk_lut_problem *p, const uint8_t *rows,
                         size_t ncols, size_t col0, size_t tile, void *scratch);
void tri_uk_lut_i8_avx2(const tri_uk_lut_problem *p, const uint8_t *rows,
                        size_t ncols, size_t col0, size_t tile, void *scratch);
void tri_uk_lut_f32_avx512(const tri_uk_lut_problem *p, const uint8_t *rows,
                           size_t ncols, size_t col0, size_t tile,
                           void *scratch);
void tri_uk_lut_i8_avx512(const tri_uk_lut_problem *p, const uint8_t *rows,
                          size_t ncols, size_t col0, size_t tile,
                          void *scratch);
void tri_uk_i8_avx2(const tri_uk_i8_problem *p, const uint8_t *rows,
                    size_t ncols, size_t col0);
void tri_uk_colut_f32_avx2(const tri_uk_colut_problem *p, const uint8_t *rows,
                           size_t ncols, size_t col0);
void tri_uk_colut_f32_avx512(const tri_uk_colut_problem *p,
                             const uint8_t *rows, size_t ncols, size_t col0);
void tri_uk_colut_tables_avx512(const float *x, size_t m, size_t k,
                                size_t pairs, float *tab);
void tri_uk_i8_avx512(const tri_uk_i8_problem *p, const uint8_t *rows,
                      size_t ncols, size_t col0);
void tri_uk_i8_base3_avx2(const tri_uk_i8_problem *p, const uint8_t *rows,
                          size_t ncols, size_t col0);
void tri_uk_i8_base3_avx512(const tri_uk_i8_problem *p, const uint8_t *rows,
                            size_t ncols, size_t col0);
/* The same with AVX-512 VBMI (vpermi2b tables, kernels_avx512vbmi.c), used
 * instead of tri_uk_i8_base3_avx512 when the CPU has VBMI. */
void tri_uk_i8_base3_avx512vbmi(const tri_uk_i8_problem *p,
                                const uint8_t *rows, size_t ncols,
                                size_t col0);
/* Does the CPU have AVX-512 VBMI (for tri_uk_i8_base3_avx512vbmi)? */
int tri_uk_cpu_has_vbmi(void);

size_t tri_uk_base3_to_offset2_avx2(const uint8_t *in, size_t nbytes,
                                    uint8_t *out);
size_t tri_uk_base3_to_offset2_avx512(const uint8_t *in, size_t nbytes,
                                      uint8_t *out);
#endif

/* Copies the tail of a row (the bytes from `from` on) into `buf` of `size`
 * bytes, padded with zero trits (0x55), for the last partial chunk. */
static inline const uint8_t *tri_uk_tail(const uint8_t *row, size_t from,
                                         size_t row_bytes, uint8_t *buf,
                                         size_t size) {
  size_t have = row_bytes - from;
  if (have >= size)
    return row + from;
  memset(buf, 0x55, size);
  memcpy(buf, row + from, have);
  return buf;
}

/* The epilogues every ISA shares: the same operations in the same order.
 * The runtime is compiled with -ffp-contract=off, so no FMA is formed. */
static inline float tri_uk_finish(const tri_uk_out *o, float dot, size_t col) {
  float v = dot;
  if (o->scale_mode == TRI_UK_SCALE_TENSOR)
    v = v * o->scale[0];
  else if (o->scale_mode == TRI_UK_SCALE_CHANNEL)
    v = v * o->scale[col];
  if (o->bias)
    v = v + o->bias[col];
  return v;
}

static inline void tri_uk_store_f32(const tri_uk_out *o, size_t token,
                                    size_t col, float dot) {
  o->y[token * o->ldy + col] = tri_uk_finish(o, dot, col);
}

static inline void tri_uk_store_i32(const tri_uk_out *o, size_t token,
                                    size_t col, int32_t acc) {
  if (!o->y) {
    o->acc[token * o->ldy + col] = acc;
    return;
  }
  float v = (float)acc * o->xscale[token];
  o->y[token * o->ldy + col] = tri_uk_finish(o, v, col);
}

/*===------------------------------------------------------------------===*
 * Thread pool (threadpool.c)
 *===------------------------------------------------------------------===*/

/* Runs fn(ctx, t) for t in [0, ntasks) on up to `threads` threads (the
 * caller included), or through the host's runner (tri_uk_set_parallel_for);
 * returns when all are done. */
void tri_uk_parallel_for(size_t ntasks, unsigned threads, tri_uk_task_fn fn,
                         void *ctx);

/* CPUs this process may run on (at least 1). */
unsigned tri_uk_cpu_count(void);

#endif /* TERNARY_UKERNEL_INTERNAL_H */
