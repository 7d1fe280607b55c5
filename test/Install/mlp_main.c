/* A C program calling examples/mlp.tri compiled by an installed tritonc, as
 * a user of the installed toolchain writes it (scripts/test-install-toolchain.sh):
 * it calls the C entry of the MLP layer (docs/targets/cpu.md) and writes the
 * result.
 *
 *   mlp_main DIR   reads DIR/x.f32 and, unless built with -DEMBEDDED_WEIGHTS,
 *                  the params DIR/{w1_trits.i8, b1.f32, w2.f32, b2.f32} (raw
 *                  little-endian arrays from mlp_reference.py inputs); writes
 *                  DIR/y.f32 ([BATCH, 10] floats)
 *
 * Params passed at the call: the ternary w1 is packed with the installed
 * ternary_packing.h and libtriton_runtime.so. -DEMBEDDED_WEIGHTS: the object
 * was compiled with tritonc --weights, so the entry takes only the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ternary_packing.h"

enum { BATCH = 3, IN = 784, HIDDEN = 256, OUT = 10 };

typedef struct {
  float *allocated, *aligned;
  int64_t offset, sizes[1], strides[1];
} MemRef1F32;
typedef struct {
  float *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
} MemRef2F32;
typedef struct {
  int8_t *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
} MemRef2I8;

static void *read_file(const char *dir, const char *name, size_t bytes) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *file = fopen(path, "rb");
  void *data = malloc(bytes);
  if (!file || !data || fread(data, 1, bytes, file) != bytes) {
    fprintf(stderr, "mlp_main: cannot read %zu bytes of %s\n", bytes, path);
    exit(1);
  }
  fclose(file);
  return data;
}

static MemRef2F32 matrix(float *data, int64_t rows, int64_t cols) {
  MemRef2F32 m = {data, data, 0, {rows, cols}, {cols, 1}};
  return m;
}

#ifdef EMBEDDED_WEIGHTS
void _mlir_ciface_MLP_forward(MemRef2F32 *result, MemRef2F32 *x);

static void forward(const char *dir, MemRef2F32 *y, MemRef2F32 *x) {
  (void)dir;
  _mlir_ciface_MLP_forward(y, x);
}
#else
/* Params without a value are the leading arguments, in declaration order;
 * the ternary w1 [784, 256] is passed as its packed bytes [256, 196]. */
void _mlir_ciface_MLP_forward(MemRef2F32 *result, MemRef2I8 *w1,
                              MemRef1F32 *b1, MemRef2F32 *w2, MemRef1F32 *b2,
                              MemRef2F32 *x);

static MemRef1F32 vector(float *data, int64_t n) {
  MemRef1F32 m = {data, data, 0, {n}, {1}};
  return m;
}

static void forward(const char *dir, MemRef2F32 *y, MemRef2F32 *x) {
  int8_t *trits = read_file(dir, "w1_trits.i8", (size_t)IN * HIDDEN);
  float *b1 = read_file(dir, "b1.f32", sizeof(float) * HIDDEN);
  float *w2 = read_file(dir, "w2.f32", sizeof(float) * HIDDEN * OUT);
  float *b2 = read_file(dir, "b2.f32", sizeof(float) * OUT);

  /* W1[K, N] packed along K: one row of ceil(K / 4) bytes per column n. */
  const int64_t shape[2] = {IN, HIDDEN};
  size_t rowBytes = tri_row_bytes(TRI_ENCODING_OFFSET2, IN);
  uint8_t *packed = malloc(tri_packed_size(TRI_ENCODING_OFFSET2, shape, 2, 0));
  tri_status status = packed ? tri_pack_tensor(TRI_ENCODING_OFFSET2, trits,
                                               shape, 2, 0, packed, NULL)
                             : TRI_ERR_INVALID_ARGUMENT;
  if (status != TRI_OK) {
    fprintf(stderr, "mlp_main: packing failed: %s\n",
            tri_status_message(status));
    exit(1);
  }
  MemRef2I8 w1 = {(int8_t *)packed, (int8_t *)packed, 0,
                  {HIDDEN, (int64_t)rowBytes}, {(int64_t)rowBytes, 1}};
  MemRef1F32 b1Ref = vector(b1, HIDDEN), b2Ref = vector(b2, OUT);
  MemRef2F32 w2Ref = matrix(w2, HIDDEN, OUT);
  _mlir_ciface_MLP_forward(y, &w1, &b1Ref, &w2Ref, &b2Ref, x);
  free(packed);
  free(trits);
  free(b1);
  free(w2);
  free(b2);
}
#endif

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: mlp_main DIR\n");
    return 2;
  }
  const char *dir = argv[1];
  float *x = read_file(dir, "x.f32", sizeof(float) * BATCH * IN);
  MemRef2F32 xRef = matrix(x, BATCH, IN);
  MemRef2F32 y;
  forward(dir, &y, &xRef);
  if (y.sizes[0] != BATCH || y.sizes[1] != OUT) {
    fprintf(stderr, "mlp_main: result shape [%lld, %lld], want [%d, %d]\n",
            (long long)y.sizes[0], (long long)y.sizes[1], BATCH, OUT);
    return 1;
  }

  char path[4096];
  snprintf(path, sizeof path, "%s/y.f32", dir);
  FILE *out = fopen(path, "wb");
  if (!out) {
    fprintf(stderr, "mlp_main: cannot write %s\n", path);
    return 1;
  }
  for (int64_t i = 0; i < BATCH; ++i)
    for (int64_t j = 0; j < OUT; ++j)
      fwrite(y.aligned + y.offset + i * y.strides[0] + j * y.strides[1],
             sizeof(float), 1, out);
  fclose(out);
  free(y.allocated); /* results are malloc'ed and owned by the caller */
  free(x);
  return 0;
}
