/*===- ternary_kernels.h - MLIR ABI of the ternary micro-kernels --*- C -*-===*
 *
 * What generated CPU code calls when convert-ternary-to-linalg runs with
 * use-microkernels: thin adapters from MLIR memref descriptors
 * (llvm.emit_c_interface) to the micro-kernels of ternary_ukernels.h, which
 * do the work (AVX2 / AVX-512 / portable, chosen at run time, threaded).
 * Both live in libtriton_runtime.so and in the TritonTernaryUkernels
 * library.
 *
 * Weights are offset2 along K (the default layout, ternary_packing.h): for
 * W[K, N], output column j is row j of `w`, ceil(K / 4) bytes, trit k in
 * byte k / 4 at bits 2 (k % 4) with code = t + 1. No multiplication by a
 * weight.
 *
 *   f32  y[i][j] = (sum_k t(k, j) x[i][k]) * s_j + b_j, summed in the
 *        canonical f32 orders of ternary_ukernels.h (not in k order: results
 *        differ from the linalg lowering's by float rounding only).
 *   i8   y[i][j] = sum_k t(k, j) x[i][k] + b_j in i32, exact (every int8
 *        value) with i32 wrap-around for the bias, as the linalg lowering.
 *        K must not exceed TRI_UK_MAX_K_I8 (the lowering keeps larger
 *        matmuls in linalg).
 *
 * Descriptors may have any row strides (rows are copied when they are not
 * contiguous); a scale or bias of size 0 means none, a scale of size 1 is
 * per tensor. Codes 0b11 (invalid) give unspecified results.
 *===----------------------------------------------------------------------===*/
#ifndef TERNARY_KERNELS_H
#define TERNARY_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

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
