/*===- mlir_adapters.c - MLIR ABI of the micro-kernels ------------*- C -*-===*
 *
 * The entry points of ternary_kernels.h: memref descriptors in, a call of
 * ternary_ukernels.h out. Rows that are not contiguous are copied first (the
 * lowering passes identity layouts, so this is a safety net).
 *===----------------------------------------------------------------------===*/
#include "ternary_kernels.h"
#include "ternary_ukernels.h"

#include <stdlib.h>
#include <string.h>

/* `rows` rows of `cols` elements of `elem` bytes, `stride` elements apart:
 * the base pointer itself when contiguous, else a packed copy (to free). */
static void *pack_rows(void *base, int64_t rows, int64_t cols,
                       int64_t stride, size_t elem, void **owned) {
  *owned = NULL;
  if (stride == cols || rows <= 1)
    return base;
  char *copy = (char *)malloc((size_t)(rows * cols) * elem + 1);
  if (!copy)
    return NULL;
  for (int64_t r = 0; r < rows; ++r)
    memcpy(copy + (size_t)(r * cols) * elem,
           (const char *)base + (size_t)(r * stride) * elem,
           (size_t)cols * elem);
  *owned = copy;
  return copy;
}

/* Copies a packed [rows, cols] result into rows `stride` elements apart. */
static void unpack_rows(void *base, const void *packed, int64_t rows,
                        int64_t cols, int64_t stride, size_t elem) {
  if (packed == base)
    return;
  for (int64_t r = 0; r < rows; ++r)
    memcpy((char *)base + (size_t)(r * stride) * elem,
           (const char *)packed + (size_t)(r * cols) * elem,
           (size_t)cols * elem);
}

void _mlir_ciface_tri_mlir_gemm_f32_offset2(tri_memref_f32_2d *x,
                                            tri_memref_i8_2d *w,
                                            tri_memref_f32_1d *scale,
                                            tri_memref_f32_1d *bias,
                                            tri_memref_f32_2d *y) {
  int64_t m = y->sizes[0], n = y->sizes[1], k = x->sizes[1];
  tri_uk_scale_mode mode = scale->sizes[0] == 0   ? TRI_UK_SCALE_NONE
                           : scale->sizes[0] == 1 ? TRI_UK_SCALE_TENSOR
                                                  : TRI_UK_SCALE_CHANNEL;
  void *xOwned, *wOwned, *yOwned;
  const float *xs = (const float *)pack_rows(x->aligned + x->offset, m, k,
                                             x->strides[0], sizeof(float),
                                             &xOwned);
  const uint8_t *ws = (const uint8_t *)pack_rows(
      w->aligned + w->offset, n, w->sizes[1], w->strides[0], 1, &wOwned);
  float *ys = (float *)pack_rows(y->aligned + y->offset, m, n, y->strides[0],
                                 sizeof(float), &yOwned);
  if (xs && ws && ys) {
    tri_uk_gemm_f32(xs, (size_t)m, (size_t)k, ws, TRI_ENCODING_OFFSET2,
                    (size_t)n, mode ? scale->aligned + scale->offset : NULL,
                    mode, bias->sizes[0] ? bias->aligned + bias->offset : NULL,
                    ys);
    unpack_rows(y->aligned + y->offset, ys, m, n, y->strides[0],
                sizeof(float));
  }
  free(xOwned);
  free(wOwned);
  free(yOwned);
}

void _mlir_ciface_tri_mlir_gemm_i8_offset2(tri_memref_i8_2d *x,
                                           tri_memref_i8_2d *w,
                                           tri_memref_i32_1d *bias,
                                           tri_memref_i32_2d *y) {
  int64_t m = y->sizes[0], n = y->sizes[1], k = x->sizes[1];
  void *xOwned, *wOwned, *yOwned;
  const int8_t *xs = (const int8_t *)pack_rows(
      x->aligned + x->offset, m, k, x->strides[0], 1, &xOwned);
  const uint8_t *ws = (const uint8_t *)pack_rows(
      w->aligned + w->offset, n, w->sizes[1], w->strides[0], 1, &wOwned);
  int32_t *ys = (int32_t *)pack_rows(y->aligned + y->offset, m, n,
                                     y->strides[0], sizeof(int32_t), &yOwned);
  if (xs && ws && ys &&
      tri_uk_gemm_i8_i32(xs, (size_t)m, (size_t)k, ws, TRI_ENCODING_OFFSET2,
                         (size_t)n, ys) == TRI_OK) {
    if (bias->sizes[0]) {
      const int32_t *b = bias->aligned + bias->offset;
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) /* i32 wrap-around, as in the IR */
          ys[i * n + j] = (int32_t)((uint32_t)ys[i * n + j] + (uint32_t)b[j]);
    }
    unpack_rows(y->aligned + y->offset, ys, m, n, y->strides[0],
                sizeof(int32_t));
  }
  free(xOwned);
  free(wOwned);
  free(yOwned);
}
