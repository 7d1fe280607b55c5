// KernelsTest.cpp - proves that the portable micro-kernels
// (runtime/include/ternary_kernels.h) compute y = (x W) * s + b on weights
// packed by the packing library (offset2 along K): against a reference that
// reads the unpacked trits, accumulates in the same order and so must agree
// bit for bit (f32) or exactly (i8 -> i32); for K not a multiple of 4
// (padding), every scale form (none, per tensor, per column), with and
// without bias, row strides larger than the rows, and through the MLIR memref
// adapters the generated code calls.
#include "ternary_kernels.h"
#include "ternary_packing.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace {

struct Weights {
  int64_t k, n, rowBytes;
  std::vector<int8_t> trits;   // row-major [K, N]
  std::vector<uint8_t> bytes;  // [N, rowBytes]
};

Weights randomWeights(int64_t k, int64_t n, std::mt19937 &rng) {
  Weights w{k, n, (k + 3) / 4, std::vector<int8_t>(k * n), {}};
  std::uniform_int_distribution<int> trit(-1, 1);
  for (int8_t &t : w.trits)
    t = static_cast<int8_t>(trit(rng));
  int64_t shape[2] = {k, n};
  w.bytes.resize(tri_packed_size(TRI_ENCODING_OFFSET2, shape, 2, 0));
  EXPECT_EQ(tri_pack_tensor(TRI_ENCODING_OFFSET2, w.trits.data(), shape, 2, 0,
                            w.bytes.data(), nullptr),
            TRI_OK);
  EXPECT_EQ(static_cast<int64_t>(w.bytes.size()), n * w.rowBytes);
  return w;
}

/// The f32 reference: k in order, += for +1, -= for -1, then scale, bias.
std::vector<float> referenceF32(const std::vector<float> &x, int64_t m,
                                const Weights &w, const float *scale,
                                int64_t scaleCount, const float *bias) {
  std::vector<float> y(m * w.n);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < w.n; ++j) {
      float acc = 0.0f;
      for (int64_t kk = 0; kk < w.k; ++kk) {
        int8_t t = w.trits[kk * w.n + j];
        if (t > 0)
          acc += x[i * w.k + kk];
        else if (t < 0)
          acc -= x[i * w.k + kk];
      }
      if (scaleCount == 1)
        acc *= scale[0];
      else if (scaleCount > 1)
        acc *= scale[j];
      if (bias)
        acc += bias[j];
      y[i * w.n + j] = acc;
    }
  return y;
}

class KernelShapes : public ::testing::TestWithParam<std::pair<int, int>> {};

TEST_P(KernelShapes, F32MatchesReferenceForEveryScaleForm) {
  std::mt19937 rng(17);
  auto [k, n] = GetParam();
  int64_t m = 3;
  Weights w = randomWeights(k, n, rng);
  std::normal_distribution<float> normal;
  std::vector<float> x(m * k), scales(n), bias(n);
  for (float &v : x)
    v = normal(rng);
  for (float &v : scales)
    v = normal(rng);
  for (float &v : bias)
    v = normal(rng);
  for (int64_t scaleCount : {int64_t(0), int64_t(1), int64_t(n)})
    for (const float *b : {static_cast<const float *>(nullptr),
                           static_cast<const float *>(bias.data())}) {
      std::vector<float> y(m * n, -7.0f);
      tri_gemm_f32_offset2(m, n, k, x.data(), k, w.bytes.data(), w.rowBytes,
                           scales.data(), scaleCount, b, y.data(), n);
      EXPECT_EQ(y, referenceF32(x, m, w, scales.data(), scaleCount, b))
          << "scale count " << scaleCount << (b ? " with" : " without")
          << " bias";
    }
}

TEST_P(KernelShapes, I8IsExactWithExtremes) {
  std::mt19937 rng(5);
  auto [k, n] = GetParam();
  int64_t m = 3;
  Weights w = randomWeights(k, n, rng);
  std::vector<int8_t> x(m * k);
  std::uniform_int_distribution<int> value(-128, 127);
  for (int64_t kk = 0; kk < k; ++kk) {
    x[kk] = 127;
    x[k + kk] = -128;
    x[2 * k + kk] = static_cast<int8_t>(value(rng));
  }
  std::vector<int32_t> bias(n);
  for (int32_t &b : bias)
    b = value(rng) * 1000;
  std::vector<int32_t> y(m * n);
  tri_gemm_i8_offset2(m, n, k, x.data(), k, w.bytes.data(), w.rowBytes,
                      bias.data(), y.data(), n);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int64_t sum = bias[j];
      for (int64_t kk = 0; kk < k; ++kk)
        sum += int64_t(w.trits[kk * n + j]) * x[i * k + kk];
      EXPECT_EQ(y[i * n + j], sum) << "at (" << i << ", " << j << ")";
    }
}

INSTANTIATE_TEST_SUITE_P(Shapes, KernelShapes,
                         ::testing::Values(std::make_pair(1, 1),
                                           std::make_pair(5, 3),
                                           std::make_pair(8, 4),
                                           std::make_pair(37, 6),
                                           std::make_pair(784, 10)));

TEST(Kernels, RowStridesLeaveOtherElementsAlone) {
  std::mt19937 rng(3);
  Weights w = randomWeights(6, 2, rng);
  // x rows of 6 inside rows of 8; y rows of 2 inside rows of 5.
  std::vector<float> x(2 * 8, 1000.0f);
  for (int i = 0; i < 2; ++i)
    for (int kk = 0; kk < 6; ++kk)
      x[i * 8 + kk] = float(kk + 1) * (i ? -1.0f : 1.0f);
  std::vector<float> y(2 * 5, 42.0f);
  tri_gemm_f32_offset2(2, 2, 6, x.data(), 8, w.bytes.data(), w.rowBytes,
                       nullptr, 0, nullptr, y.data(), 5);
  std::vector<float> packedX;
  for (int i = 0; i < 2; ++i)
    for (int kk = 0; kk < 6; ++kk)
      packedX.push_back(x[i * 8 + kk]);
  std::vector<float> want = referenceF32(packedX, 2, w, nullptr, 0, nullptr);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(y[i * 5 + 0], want[i * 2 + 0]);
    EXPECT_EQ(y[i * 5 + 1], want[i * 2 + 1]);
    for (int j = 2; j < 5; ++j)
      EXPECT_EQ(y[i * 5 + j], 42.0f);
  }
}

TEST(Kernels, InvalidCodeCountsAsZero) {
  // One column of K = 4: codes 2 (+1), 3 (invalid), 0 (-1), 1 (0).
  uint8_t byte = 2 | (3 << 2) | (0 << 4) | (1 << 6);
  float x[4] = {1.0f, 10.0f, 100.0f, 1000.0f};
  float y = 0.0f;
  tri_gemm_f32_offset2(1, 1, 4, x, 4, &byte, 1, nullptr, 0, nullptr, &y, 1);
  EXPECT_EQ(y, 1.0f - 100.0f);
}

TEST(Kernels, MemRefAdaptersReadDescriptors) {
  std::mt19937 rng(11);
  Weights w = randomWeights(9, 3, rng);
  std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -2, -3, -4, -5, -6,
                          -7, -8, -9};
  float scale = 0.5f;
  std::vector<float> bias = {1.0f, 2.0f, 3.0f};
  std::vector<float> y(2 * 3);
  tri_memref_f32_2d xd{x.data(), x.data(), 0, {2, 9}, {9, 1}};
  auto *wbytes = reinterpret_cast<int8_t *>(w.bytes.data());
  tri_memref_i8_2d wd{wbytes, wbytes, 0, {3, w.rowBytes}, {w.rowBytes, 1}};
  tri_memref_f32_1d sd{&scale, &scale, 0, {1}, {1}};
  tri_memref_f32_1d bd{bias.data(), bias.data(), 0, {3}, {1}};
  tri_memref_f32_2d yd{y.data(), y.data(), 0, {2, 3}, {3, 1}};
  _mlir_ciface_tri_mlir_gemm_f32_offset2(&xd, &wd, &sd, &bd, &yd);
  EXPECT_EQ(y, referenceF32(x, 2, w, &scale, 1, bias.data()));

  // No bias: a memref of size 0; the i8 adapter likewise.
  tri_memref_f32_1d none{nullptr, nullptr, 0, {0}, {1}};
  _mlir_ciface_tri_mlir_gemm_f32_offset2(&xd, &wd, &none, &none, &yd);
  EXPECT_EQ(y, referenceF32(x, 2, w, nullptr, 0, nullptr));

  std::vector<int8_t> q = {1, -1, 2, -2, 3, -3, 4, -4, 127};
  std::vector<int32_t> out(3);
  tri_memref_i8_2d qd{q.data(), q.data(), 0, {1, 9}, {9, 1}};
  tri_memref_i32_1d nb{nullptr, nullptr, 0, {0}, {1}};
  tri_memref_i32_2d od{out.data(), out.data(), 0, {1, 3}, {3, 1}};
  _mlir_ciface_tri_mlir_gemm_i8_offset2(&qd, &wd, &nb, &od);
  for (int j = 0; j < 3; ++j) {
    int32_t sum = 0;
    for (int kk = 0; kk < 9; ++kk)
      sum += w.trits[kk * 3 + j] * q[kk];
    EXPECT_EQ(out[j], sum);
  }
}

} // namespace
