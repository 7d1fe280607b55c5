// KernelsTest.cpp - proves that the MLIR ABI of the micro-kernels
// (runtime/include/ternary_kernels.h, what use-microkernels code calls)
// computes y = (x W) * s + b on weights packed by the packing library
// (offset2 along K) by handing the descriptors to ternary_ukernels.h: f32
// results equal tri_uk_gemm_f32's bit for bit and a float64 reference to
// float rounding, for every scale form (none, per tensor, per column), with
// and without bias, for K not a multiple of 4, for one token and batches;
// i8 results are exact (-128 and 127 included) with i32 wrap-around for the
// bias; descriptors with offsets and row strides larger than the rows read
// and write only their elements.
#include "ternary_kernels.h"
#include "ternary_packing.h"
#include "ternary_ukernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace {

struct Weights {
  int64_t k, n, rowBytes;
  std::vector<int8_t> trits;  // row-major [K, N]
  std::vector<uint8_t> bytes; // [N, rowBytes]
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

tri_memref_i8_2d weightDescriptor(Weights &w) {
  auto *bytes = reinterpret_cast<int8_t *>(w.bytes.data());
  return {bytes, bytes, 0, {w.n, w.rowBytes}, {w.rowBytes, 1}};
}

tri_memref_f32_1d vectorDescriptor(std::vector<float> &v, int64_t size) {
  return {v.data(), v.data(), 0, {size}, {1}};
}

class KernelShapes
    : public ::testing::TestWithParam<std::tuple<int, int, int>> {};

TEST_P(KernelShapes, F32IsTheUkernelForEveryScaleForm) {
  std::mt19937 rng(17);
  auto [m, k, n] = GetParam();
  Weights w = randomWeights(k, n, rng);
  std::normal_distribution<float> normal;
  std::vector<float> x(m * k), scales(n), bias(n);
  for (float &v : x)
    v = normal(rng);
  for (float &v : scales)
    v = normal(rng);
  for (float &v : bias)
    v = normal(rng);
  tri_memref_f32_2d xd{x.data(), x.data(), 0, {m, k}, {k, 1}};
  tri_memref_i8_2d wd = weightDescriptor(w);
  for (int64_t scaleCount : {int64_t(0), int64_t(1), int64_t(n)})
    for (int64_t biasCount : {int64_t(0), int64_t(n)}) {
      SCOPED_TRACE("scale count " + std::to_string(scaleCount) +
                   ", bias count " + std::to_string(biasCount));
      tri_memref_f32_1d sd = vectorDescriptor(scales, scaleCount);
      tri_memref_f32_1d bd = vectorDescriptor(bias, biasCount);
      std::vector<float> y(m * n, -7.0f), want(m * n);
      tri_memref_f32_2d yd{y.data(), y.data(), 0, {m, n}, {n, 1}};
      _mlir_ciface_tri_mlir_gemm_f32_offset2(&xd, &wd, &sd, &bd, &yd);
      tri_uk_scale_mode mode = scaleCount == 0   ? TRI_UK_SCALE_NONE
                               : scaleCount == 1 ? TRI_UK_SCALE_TENSOR
                                                 : TRI_UK_SCALE_CHANNEL;
      ASSERT_EQ(tri_uk_gemm_f32(x.data(), m, k, w.bytes.data(),
                                TRI_ENCODING_OFFSET2, n, scales.data(), mode,
                                biasCount ? bias.data() : nullptr,
                                want.data()),
                TRI_OK);
      EXPECT_EQ(y, want);
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double dot = 0, mag = 0;
          for (int64_t kk = 0; kk < k; ++kk) {
            dot += double(w.trits[kk * n + j]) * x[i * k + kk];
            mag += std::fabs(double(x[i * k + kk]));
          }
          double s = scaleCount == 0 ? 1.0
                     : scaleCount == 1 ? scales[0]
                                       : scales[j];
          double ref = dot * s + (biasCount ? bias[j] : 0.0);
          EXPECT_NEAR(y[i * n + j], ref,
                      1e-6 * mag * std::fabs(s) + 1e-6 * std::fabs(ref));
        }
    }
}

TEST_P(KernelShapes, I8IsExactWithExtremesAndWrappingBias) {
  std::mt19937 rng(5);
  auto [m, k, n] = GetParam();
  Weights w = randomWeights(k, n, rng);
  std::vector<int8_t> x(m * k);
  std::uniform_int_distribution<int> value(-128, 127);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t kk = 0; kk < k; ++kk)
      x[i * k + kk] = static_cast<int8_t>(i == 0   ? 127
                                          : i == 1 ? -128
                                                   : value(rng));
  std::vector<int32_t> bias(n);
  for (int32_t &b : bias)
    b = value(rng) * 1000;
  bias[0] = INT32_MAX; // wraps around whenever column 0 sums above 0
  tri_memref_i8_2d xd{x.data(), x.data(), 0, {m, k}, {k, 1}};
  tri_memref_i8_2d wd = weightDescriptor(w);
  tri_memref_i32_1d bd{bias.data(), bias.data(), 0, {n}, {1}};
  std::vector<int32_t> y(m * n);
  tri_memref_i32_2d yd{y.data(), y.data(), 0, {m, n}, {n, 1}};
  _mlir_ciface_tri_mlir_gemm_i8_offset2(&xd, &wd, &bd, &yd);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int64_t sum = 0;
      for (int64_t kk = 0; kk < k; ++kk)
        sum += int64_t(w.trits[kk * n + j]) * x[i * k + kk];
      int32_t want = int32_t(uint32_t(sum) + uint32_t(bias[j]));
      EXPECT_EQ(y[i * n + j], want) << "at (" << i << ", " << j << ")";
    }
}

// One token and two (column-LUT kernels), a few tokens, a batch of several
// tiles (token-tiled kernels): all in the GEMM order.
INSTANTIATE_TEST_SUITE_P(Shapes, KernelShapes,
                         ::testing::Values(std::make_tuple(1, 1, 1),
                                           std::make_tuple(3, 5, 3),
                                           std::make_tuple(2, 8, 4),
                                           std::make_tuple(4, 37, 6),
                                           std::make_tuple(3, 784, 10),
                                           std::make_tuple(40, 301, 64)));

TEST(Kernels, StridedDescriptorsTouchOnlyTheirElements) {
  std::mt19937 rng(3);
  Weights w = randomWeights(6, 2, rng);
  // x rows of 6 inside rows of 8 from element 2 on; y rows of 2 inside rows
  // of 5 from element 1 on; the weight rows inside rows of 4 bytes.
  const int64_t m = 3;
  std::vector<float> x(2 + m * 8, 1000.0f), packedX;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t kk = 0; kk < 6; ++kk) {
      x[2 + i * 8 + kk] = float(kk + 1) * (i ? -1.0f : 1.0f) + float(i);
      packedX.push_back(x[2 + i * 8 + kk]);
    }
  std::vector<int8_t> wide(2 * 4, 0x7f);
  for (int64_t r = 0; r < 2; ++r)
    for (int64_t b = 0; b < w.rowBytes; ++b)
      wide[r * 4 + b] = static_cast<int8_t>(w.bytes[r * w.rowBytes + b]);
  std::vector<float> y(1 + m * 5, 42.0f), none;
  tri_memref_f32_2d xd{x.data(), x.data(), 2, {m, 6}, {8, 1}};
  tri_memref_i8_2d wd{wide.data(), wide.data(), 0, {2, w.rowBytes}, {4, 1}};
  tri_memref_f32_1d nd{nullptr, nullptr, 0, {0}, {1}};
  tri_memref_f32_2d yd{y.data(), y.data(), 1, {m, 2}, {5, 1}};
  _mlir_ciface_tri_mlir_gemm_f32_offset2(&xd, &wd, &nd, &nd, &yd);
  std::vector<float> want(m * 2);
  ASSERT_EQ(tri_uk_gemm_f32(packedX.data(), m, 6, w.bytes.data(),
                            TRI_ENCODING_OFFSET2, 2, nullptr,
                            TRI_UK_SCALE_NONE, nullptr, want.data()),
            TRI_OK);
  EXPECT_EQ(y[0], 42.0f);
  for (int64_t i = 0; i < m; ++i) {
    EXPECT_EQ(y[1 + i * 5 + 0], want[i * 2 + 0]);
    EXPECT_EQ(y[1 + i * 5 + 1], want[i * 2 + 1]);
    for (int64_t j = 2; j < 5; ++j)
      EXPECT_EQ(y[1 + i * 5 + j], 42.0f);
  }
}

} // namespace
