/*===- ternary_kernels.h - Portable ternary GEMM micro-kernels ----*- C -*-===*
 *
 * Matrix products with packed ternary weights, in plain C99: the reference
 * micro-kernels that generated CPU code calls when convert-ternary-to-linalg
 * runs with use-microkernels (a later version swaps in AVX2 code behind the
 * same ABI).
 *
 * Weights are offset2 along K (the default layout, ternary_packing.h): for
 * W[K, N], output column j is row j of `w`, `w_row_bytes` = ceil(K / 4)
 * bytes, trit k in byte k / 4 at bits 2 (k % 4) with code = t + 1. Codes 3
 * (invalid) count as 0. Accumulation runs over k = 0..K-1 in order with
 * additions and subtractions only, so results equal the linalg lowering's
 * bit for bit.
 *
 *   y[i][j] = (sum_k t(k, j) x[i][k]) * s_j + b_j
 *
 * Plain ABI (row-major, row strides in elements):
 *   tri_gemm_f32_offset2  f32 activations; scale_count 0 (no scale),
 *                         1 (per tensor) or n (per column); bias NULL or n
 *                         values.
 *   tri_gemm_i8_offset2   i8 activations, exact i32 sums; bias NULL or n
 *                         values.
 *
 * MLIR ABI (what the lowering calls; llvm.emit_c_interface): the same
 * kernels on memref descriptors of identity layout; a scale or bias of size
 * 0 means none.
 *===----------------------------------------------------------------------===*/
#ifndef TERNARY_KERNELS_H
#define TERNARY_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void tri_gemm_f32_offset2(int64_t m, int64_t n, int64_t k, const float *x,
                          int64_t x_stride, const uint8_t *w,
                          int64_t w_row_bytes, const float *scale,
                          int64_t scale_count, const float *bias, float *y,
                          int64_t y_stride);

void tri_gemm_i8_offset2(int64_t m, int64_t n, int64_t k, const int8_t *x,
                         int64_t x_stride, const uint8_t *w,
                         int64_t w_row_bytes, const int32_t *bias, int32_t *y,
                         int64_t y_stride);

/* MLIR memref descriptors (ranked, strided) of the element types used. */
#define TRI_MEMREF(NAME, T, RANK)                                              \
  typedef struct {                                                             \
    T *allocated;                                                              \
    T *aligned;                                                                \
    int64_t offset;                                                            \
    int64_t sizes[RANK];                                                       \
    int64_t strides[RANK];                                                     \
  } NAME
TRI_MEMREF(tri_memref_f32_1d, float, 1);
TRI_MEMREF(tri_memref_f32_2d, float, 2);
TRI_MEMREF(tri_memref_i8_2d, int8_t, 2);
TRI_MEMREF(tri_memref_i32_1d, int32_t, 1);
TRI_MEMREF(tri_memref_i32_2d, int32_t, 2);
#undef TRI_MEMREF

/* x: [M, K], w: [N, ceil(K/4)] bytes, scale: [0|1|N], bias: [0|N],
 * y: [M, N]. */
void _mlir_ciface_tri_mlir_gemm_f32_offset2(tri_memref_f32_2d *x,
                                            tri_memref_i8_2d *w,
                                            tri_memref_f32_1d *scale,
                                            tri_memref_f32_1d *bias,
                                            tri_memref_f32_2d *y);

/* x: [M, K] i8, w: [N, ceil(K/4)] bytes, bias: [0|N] i32, y: [M, N] i32. */
void _mlir_ciface_tri_mlir_gemm_i8_offset2(tri_memref_i8_2d *x,
                                           tri_memref_i8_2d *w,
                                           tri_memref_i32_1d *bias,
                                           tri_memref_i32_2d *y);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TERNARY_KERNELS_H */
