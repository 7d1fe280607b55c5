/*===- ternary_ukernels.h - CPU micro-kernels for packed ternary matmul -*- C -*-===*
 *
 * Packed ternary GEMV / GEMM on the CPU: y = x @ W, W[K, N] ternary
 * ({-1, 0, +1}), stored packed along K as defined in ternary_packing.h: each
 * of the N output columns is one contiguous packed row of K trits, and row n
 * starts at byte n * tri_row_bytes(encoding, K). Both encodings (offset2 and
 * base3) are accepted by every entry point.
 *
 * A weight only decides whether an activation is added, subtracted or
 * skipped: masked add/sub, blends and lookups of precomputed sums for f32,
 * conditional negation (vpsignb or a masked subtract) for int8, followed by
 * a widening horizontal add (vpdpbusd / vpmaddubsw against a constant vector
 * of ones, which is an add tree, not a product with weight data); for f32 a
 * nibble of two trits (one token or two) or a packed byte (batches) selects
 * one of the precomputed sums +-x0 +-x1 (+-x2 +-x3) of its trits. One
 * exception: the AVX-512 VBMI int8 GEMV on base3 weights multiplies each
 * activation by a base-3 digit of the weight (t + 1 = 0, 1 or 2, scaled by
 * 27 or 81 for the top two digits) with vpdpbusd and subtracts the token's
 * sum; integer arithmetic, so its results are exactly those of the other
 * kernels. The only float multiplications are by the scales, once per
 * output.
 *
 * Two activation types
 *   f32    y[i, n] = sum_k t[k, n] * x[i, k], accumulated in f32, then
 *          * scale, + bias.
 *   int8   BitNet b1.58 style W1.58A8: every activation row (token) i is
 *          quantized on its own (tri_uk_quantize_act_i8): q = round(x * 127 /
 *          absmax_i), xscale_i = absmax_i / 127. The dot product over K is
 *          exact in int32, then y = ((float)acc * xscale_i) * scale + bias.
 *
 * Layouts (all row-major and contiguous)
 *   x     [m, k] f32 (or q [m, k] int8), token i at x + i * k.
 *   w     N packed rows of tri_row_bytes(encoding, k) bytes, no alignment
 *         required. Padding trits must be zero as the format requires; codes
 *         that the format rejects (0b11, base3 bytes > 242) give unspecified
 *         (but memory-safe) results: validate untrusted weights with
 *         tri_validate_tensor first.
 *   y     [m, n] f32, token i at y + i * n.
 *   scale nullable. TRI_UK_SCALE_NONE: ignored; TRI_UK_SCALE_TENSOR: one
 *         float scale[0]; TRI_UK_SCALE_CHANNEL: scale[n] per output column.
 *   bias  nullable; bias[n] per output column.
 *   Buffers must not overlap y.
 *
 * Results are identical on every ISA and every thread count
 *   int8   bit-exact always (integer sums, exact for every int8 value,
 *          then the same two float multiplies and one add in the same order).
 *   f32    bit-exact for every result that is not NaN. Every variant uses
 *          the canonical summation order, for every token count m
 *          (TRI_UK_GEMM_ORDER_MIN_M is 1; an older GEMV order for m < 3 is
 *          retired): packed byte b (trits 4b .. 4b+3) gives
 *          g(b) = (v0 + v1) + (v2 + v3), v = +x, -x or 0 (the sign of a zero
 *          never matters below); bytes are taken in quads,
 *          h(q) = (g(4q) + g(4q+1)) + (g(4q+2) + g(4q+3)) (bytes past the
 *          row count as 0), and the sum is acc = acc + h(q) for q in
 *          increasing order from acc = +0.0f.
 *          So a token's result never depends on the other tokens, the
 *          batch size, the ISA or threads.
 *          Compile with -ffp-contract=off (the runtime's CMake does).
 *          When a result is NaN, every variant returns a NaN, maybe with a
 *          different sign or payload.
 *
 * ISA: picked once at first use from the CPU (__builtin_cpu_supports):
 *   avx512    AVX-512 F/BW/VL + VNNI (f32 kernels on zmm: vpermps lookups,
 *             int8 kernels with vpsignb + vpdpbusd; with VBMI as well, the
 *             int8 base3 GEMV uses vpermi2b digit tables, see above;
 *             TRI_UK_NO_VBMI=1 keeps the plain AVX-512 one)
 *   avx2      AVX2 (blends for f32, vpsignb + vpmaddubsw for int8)
 *   portable  plain C99, any CPU
 * The environment variable TRI_UK_ISA=portable|avx2|avx512 or
 * tri_uk_set_isa() overrides the choice (never above what the CPU has).
 *
 * Threading: a small pthread pool built at first use. Output columns (and
 * for batches, tiles of tokens) are split into blocks and every output
 * element is computed by one thread from start to end, so the thread count
 * never changes a result. Threads: the
 * environment variable TRI_UK_NUM_THREADS, else tri_uk_set_num_threads(),
 * else the number of CPUs this process may run on. Small problems run on
 * the calling thread. Calls from several threads at once are safe: a call
 * that finds the pool busy runs on its own thread.
 *
 * Limits: k <= TRI_UK_MAX_K_I8 = 2^24 - 1 for the int8 path (so that int32
 * never overflows); m * k and n * row_bytes must fit size_t.
 *===----------------------------------------------------------------------===*/
#ifndef TERNARY_UKERNELS_H
#define TERNARY_UKERNELS_H

#include "ternary_packing.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tri_uk_isa {
  TRI_UK_ISA_PORTABLE = 0,
  TRI_UK_ISA_AVX2 = 1,
  TRI_UK_ISA_AVX512 = 2,
} tri_uk_isa;

typedef enum tri_uk_scale_mode {
  TRI_UK_SCALE_NONE = 0,    /* y = dot (+ bias) */
  TRI_UK_SCALE_TENSOR = 1,  /* y = dot * scale[0] (+ bias) */
  TRI_UK_SCALE_CHANNEL = 2, /* y = dot * scale[n] (+ bias) */
} tri_uk_scale_mode;

/* Largest K of the int8 path: 128 * K must fit int32. */
#define TRI_UK_MAX_K_I8 (((size_t)1 << 24) - 1)

/* From this many tokens (rows of x) on, f32 sums use the GEMM order: every
 * token count since the GEMV order (formerly for m < 3) was retired. */
#define TRI_UK_GEMM_ORDER_MIN_M 1

/*===------------------------------------------------------------------===*
 * ISA and threads
 *===------------------------------------------------------------------===*/

/* The ISA the kernels use now. */
tri_uk_isa tri_uk_selected_isa(void);
/* Does this CPU (and this build) support `isa`? */
int tri_uk_isa_supported(tri_uk_isa isa);
/* Forces an ISA; TRI_ERR_INVALID_ARGUMENT (and no change) when unsupported. */
tri_status tri_uk_set_isa(tri_uk_isa isa);
/* "portable", "avx2", "avx512" (or "unknown"). */
const char *tri_uk_isa_name(tri_uk_isa isa);

/* Threads used by later calls; 0 restores the default. */
void tri_uk_set_num_threads(unsigned threads);
unsigned tri_uk_get_num_threads(void);

/* A host's own thread pool instead of the built-in one (a framework whose
 * worker threads would otherwise compete with ours for the cores, e.g. the
 * LibTorch op runs the tasks with at::parallel_for). The runner must call
 * task(ctx, t) exactly once for every t in [0, ntasks), on any threads and
 * in any order, and return when all have returned; `threads` (> 1) is how
 * many the kernels would use. Results do not depend on it. NULL restores the
 * built-in pool. */
typedef void (*tri_uk_task_fn)(void *ctx, size_t task);
typedef void (*tri_uk_parallel_runner)(size_t ntasks, unsigned threads,
                                       tri_uk_task_fn task, void *ctx);
void tri_uk_set_parallel_runner(tri_uk_parallel_runner runner);

/*===------------------------------------------------------------------===*
 * f32 activations
 *===------------------------------------------------------------------===*/

/* y[m, n] = x[m, k] @ W[k, n] (* scale) (+ bias). m == 1 is the GEMV. */
tri_status tri_uk_gemm_f32(const float *x, size_t m, size_t k,
                           const uint8_t *w, tri_encoding encoding, size_t n,
                           const float *scale, tri_uk_scale_mode scale_mode,
                           const float *bias, float *y);

/* The GEMV: tri_uk_gemm_f32 with m = 1. */
tri_status tri_uk_gemv_f32(const float *x, size_t k, const uint8_t *w,
                           tri_encoding encoding, size_t n, const float *scale,
                           tri_uk_scale_mode scale_mode, const float *bias,
                           float *y);

/*===------------------------------------------------------------------===*
 * int8 activations, int32 accumulation
 *===------------------------------------------------------------------===*/

/* Per-token absmax quantization (BitNet b1.58): for each row i,
 * a = max_k |x[i, k]|; xscale[i] = a / 127; q[i, k] = round-half-even(
 * x[i, k] * (127 / a)) in [-127, 127] (all zero with xscale 0 when a == 0).
 * TRI_ERR_NON_FINITE when a row holds NaN or infinity. */
tri_status tri_uk_quantize_act_i8(const float *x, size_t m, size_t k,
                                  int8_t *q, float *xscale);

/* acc[m, n] = q[m, k] @ W[k, n], exact in int32. */
tri_status tri_uk_gemm_i8_i32(const int8_t *q, size_t m, size_t k,
                              const uint8_t *w, tri_encoding encoding,
                              size_t n, int32_t *acc);

/* y[i, n] = ((float)(q @ W)[i, n] * xscale[i]) (* scale) (+ bias). */
tri_status tri_uk_gemm_i8(const int8_t *q, const float *xscale, size_t m,
                          size_t k, const uint8_t *w, tri_encoding encoding,
                          size_t n, const float *scale,
                          tri_uk_scale_mode scale_mode, const float *bias,
                          float *y);

/* The whole W1.58A8 layer from f32 activations: tri_uk_quantize_act_i8 then
 * tri_uk_gemm_i8 (the quantization is part of the call and of its time). */
tri_status tri_uk_gemm_f32_q8(const float *x, size_t m, size_t k,
                              const uint8_t *w, tri_encoding encoding,
                              size_t n, const float *scale,
                              tri_uk_scale_mode scale_mode, const float *bias,
                              float *y);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TERNARY_UKERNELS_H */
