/*===- ternary_kernels.c - Portable ternary GEMM micro-kernels ------------===*
 * See ternary_kernels.h for the ABI. No multiplication by a weight: each
 * code adds, subtracts or skips an activation.
 *===----------------------------------------------------------------------===*/
#include "ternary_kernels.h"

#include <stddef.h>

/* The offset2 code of trit `index` of a packed row. */
static inline unsigned code_at(const uint8_t *row, int64_t index) {
  return (row[index >> 2] >> (2 * (index & 3))) & 3u;
}

void tri_gemm_f32_offset2(int64_t m, int64_t n, int64_t k, const float *x,
                          int64_t x_stride, const uint8_t *w,
                          int64_t w_row_bytes, const float *scale,
                          int64_t scale_count, const float *bias, float *y,
                          int64_t y_stride) {
  for (int64_t i = 0; i < m; ++i) {
    const float *xi = x + i * x_stride;
    for (int64_t j = 0; j < n; ++j) {
      const uint8_t *row = w + j * w_row_bytes;
      float acc = 0.0f;
      for (int64_t kk = 0; kk < k; ++kk) {
        unsigned code = code_at(row, kk);
        if (code == 2)
          acc += xi[kk];
        else if (code == 0)
          acc -= xi[kk];
      }
      if (scale_count == 1)
        acc *= scale[0];
      else if (scale_count > 1)
        acc *= scale[j];
      if (bias)
        acc += bias[j];
      y[i * y_stride + j] = acc;
    }
  }
}

void tri_gemm_i8_offset2(int64_t m, int64_t n, int64_t k, const int8_t *x,
                         int64_t x_stride, const uint8_t *w,
                         int64_t w_row_bytes, const int32_t *bias, int32_t *y,
                         int64_t y_stride) {
  for (int64_t i = 0; i < m; ++i) {
    const int8_t *xi = x + i * x_stride;
    for (int64_t j = 0; j < n; ++j) {
      const uint8_t *row = w + j * w_row_bytes;
      /* Wrapping like the lowering's i32 arithmetic. */
      uint32_t acc = 0;
      for (int64_t kk = 0; kk < k; ++kk) {
        unsigned code = code_at(row, kk);
        if (code == 2)
          acc += (uint32_t)(int32_t)xi[kk];
        else if (code == 0)
          acc -= (uint32_t)(int32_t)xi[kk];
      }
      if (bias)
        acc += (uint32_t)bias[j];
      y[i * y_stride + j] = (int32_t)acc;
    }
  }
}

void _mlir_ciface_tri_mlir_gemm_f32_offset2(tri_memref_f32_2d *x,
                                            tri_memref_i8_2d *w,
                                            tri_memref_f32_1d *scale,
                                            tri_memref_f32_1d *bias,
                                            tri_memref_f32_2d *y) {
  tri_gemm_f32_offset2(
      y->sizes[0], y->sizes[1], x->sizes[1], x->aligned + x->offset,
      x->strides[0], (const uint8_t *)(w->aligned + w->offset), w->strides[0],
      scale->aligned + scale->offset, scale->sizes[0],
      bias->sizes[0] ? bias->aligned + bias->offset : NULL,
      y->aligned + y->offset, y->strides[0]);
}

void _mlir_ciface_tri_mlir_gemm_i8_offset2(tri_memref_i8_2d *x,
                                           tri_memref_i8_2d *w,
                                           tri_memref_i32_1d *bias,
                                           tri_memref_i32_2d *y) {
  tri_gemm_i8_offset2(y->sizes[0], y->sizes[1], x->sizes[1],
                      x->aligned + x->offset, x->strides[0],
                      (const uint8_t *)(w->aligned + w->offset), w->strides[0],
                      bias->sizes[0] ? bias->aligned + bias->offset : NULL,
                      y->aligned + y->offset, y->strides[0]);
}
