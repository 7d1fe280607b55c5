// UkernelTest.cpp - proves that the CPU micro-kernels of
// runtime/include/ternary_ukernels.h compute y = x @ W for packed ternary W
// (offset2 and base3, as ternary_packing.h defines them):
//  * every ISA variant this CPU has (portable, avx2, avx512) against a naive
//    reference written here (own offset2/base3 decoders, double-precision
//    sums for f32, exact int64 sums for int8), over random shapes including
//    K not a multiple of 4 or 5, 1x1, K = 0, unaligned weight pointers;
//  * every variant against the portable one bit for bit: f32 results equal
//    the canonical summation order documented in the header (the GEMM
//    order for every token count, re-implemented here from the
//    documentation), whichever kernel (column-LUT up to 6 tokens,
//    token-tiled for more), vector width, table kind and column split runs;
//    int8 results are exact, -128 included, on every int8 kernel (the
//    AVX-512 VBMI base3 kernel and the plain AVX-512 one alike);
//  * results do not depend on the thread count nor on a host's task runner,
//    and concurrent calls work;
//  * the per-token int8 quantizer, the scale modes and bias, argument checks.

#include "ternary_packing.h"
#include "ternary_ukernels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

//===----------------------------------------------------------------------===//
// Independent reference: trits, packing, dot products
//===----------------------------------------------------------------------===//

// Packs W[k, n] (trits, row-major, t[kk * n + col]) along k: column col is one
// packed row. Written from the format description, not with the library.
std::vector<uint8_t> packColumns(const std::vector<int8_t> &t, size_t k,
                                 size_t n, tri_encoding enc) {
  size_t per = enc == TRI_ENCODING_OFFSET2 ? 4 : 5;
  size_t rb = (k + per - 1) / per;
  std::vector<uint8_t> out(rb * n);
  for (size_t col = 0; col < n; ++col)
    for (size_t b = 0; b < rb; ++b) {
      unsigned byte = 0, pow3 = 1;
      for (size_t s = 0; s < per; ++s) {
        size_t kk = b * per + s;
        int trit = kk < k ? t[kk * n + col] : 0;
        if (enc == TRI_ENCODING_OFFSET2)
          byte |= unsigned(trit + 1) << (2 * s);
        else
          byte += unsigned(trit + 1) * pow3;
        pow3 *= 3;
      }
      out[col * rb + b] = uint8_t(byte);
    }
  return out;
}

std::vector<int8_t> randomTrits(std::mt19937 &rng, size_t count) {
  std::uniform_int_distribution<int> d(-1, 1);
  std::vector<int8_t> t(count);
  for (auto &v : t)
    v = int8_t(d(rng));
  return t;
}

std::vector<float> randomFloats(std::mt19937 &rng, size_t count) {
  std::normal_distribution<float> d(0.0f, 1.0f);
  std::vector<float> v(count);
  for (auto &x : v)
    x = d(rng);
  return v;
}

// The f32 order of ternary_ukernels.h, re-implemented from its description.
// GEMM order (every m >= TRI_UK_GEMM_ORDER_MIN_M = 1): per packed byte (4 trits)
// g = (v0 + v1) + (v2 + v3) with v = x, -x or 0; per quad of bytes
// h = (g0 + g1) + (g2 + g3) (missing bytes count as 0); acc = acc + h in
// order from +0.
float gemmOrderDot(const float *x, const std::vector<int8_t> &t, size_t k,
                   size_t n, size_t col) {
  size_t bytes = (k + 3) / 4;
  float acc = 0.0f;
  for (size_t b0 = 0; b0 < bytes; b0 += 4) {
    float g[4];
    for (size_t j = 0; j < 4; ++j) {
      float v[4];
      for (size_t s = 0; s < 4; ++s) {
        size_t kk = 4 * (b0 + j) + s;
        int trit = kk < k ? t[kk * n + col] : 0;
        v[s] = trit > 0 ? x[kk] : trit < 0 ? -x[kk] : 0.0f;
      }
      g[j] = (v[0] + v[1]) + (v[2] + v[3]);
    }
    acc = acc + ((g[0] + g[1]) + (g[2] + g[3]));
  }
  return acc;
}

// The canonical sum for a problem of m tokens (one order since the GEMV
// order was retired: TRI_UK_GEMM_ORDER_MIN_M is 1).
static_assert(TRI_UK_GEMM_ORDER_MIN_M == 1, "one canonical f32 order");
float canonicalDot(size_t, const float *x, const std::vector<int8_t> &t,
                   size_t k, size_t n, size_t col) {
  return gemmOrderDot(x, t, k, n, col);
}

float applyEpilogue(float v, const float *scale, tri_uk_scale_mode mode,
                    const float *bias, size_t col) {
  if (mode == TRI_UK_SCALE_TENSOR)
    v = v * scale[0];
  else if (mode == TRI_UK_SCALE_CHANNEL)
    v = v * scale[col];
  if (bias)
    v = v + bias[col];
  return v;
}

uint32_t bitsOf(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

std::vector<tri_uk_isa> supportedIsas() {
  std::vector<tri_uk_isa> out;
  for (tri_uk_isa isa :
       {TRI_UK_ISA_PORTABLE, TRI_UK_ISA_AVX2, TRI_UK_ISA_AVX512})
    if (tri_uk_isa_supported(isa))
      out.push_back(isa);
  return out;
}

struct Shape {
  size_t m, k, n;
};

// Shapes that hit every tail: K mod 4, K mod 5, K around the 64- and
// 128-trit chunks and the 32-trit K-blocks of the token-tiled kernels, m
// on both sides of TRI_UK_GEMM_ORDER_MIN_M and around the 4-token tiles and
// the 8- to 32-token vector tiles, n around the 4-column tiles and the
// column counts where the tiled kernels switch table kinds.
std::vector<Shape> testShapes() {
  std::vector<Shape> shapes = {
      {1, 1, 1},     {1, 2, 3},     {2, 3, 1},    {1, 4, 4},    {3, 5, 5},
      {1, 7, 9},     {4, 63, 8},    {5, 64, 4},   {1, 65, 7},   {6, 127, 3},
      {1, 128, 13},  {7, 129, 6},   {8, 255, 5},  {9, 256, 9},  {1, 784, 10},
      {2, 1001, 17}, {16, 33, 47},  {17, 31, 48}, {33, 97, 50}, {40, 300, 3},
      {64, 784, 70}, {3, 1, 100},   {31, 8, 1}};
  std::mt19937 rng(1234);
  std::uniform_int_distribution<size_t> dm(1, 9), dk(1, 700), dn(1, 21);
  for (int i = 0; i < 20; ++i)
    shapes.push_back({dm(rng), dk(rng), dn(rng)});
  std::uniform_int_distribution<size_t> bm(10, 70), bn(40, 90);
  for (int i = 0; i < 6; ++i)
    shapes.push_back({bm(rng), dk(rng), bn(rng)});
  return shapes;
}

class UkernelIsaTest : public ::testing::Test {
protected:
  void TearDown() override {
    // Each test is its own process under ctest; restore for the others here.
    tri_uk_set_isa(TRI_UK_ISA_PORTABLE);
    tri_uk_set_num_threads(0);
  }
};

//===----------------------------------------------------------------------===//
// ISA selection
//===----------------------------------------------------------------------===//

TEST_F(UkernelIsaTest, SelectionAndNames) {
  EXPECT_TRUE(tri_uk_isa_supported(TRI_UK_ISA_PORTABLE));
  EXPECT_STREQ(tri_uk_isa_name(TRI_UK_ISA_PORTABLE), "portable");
  EXPECT_STREQ(tri_uk_isa_name(TRI_UK_ISA_AVX2), "avx2");
  EXPECT_STREQ(tri_uk_isa_name(TRI_UK_ISA_AVX512), "avx512");
  EXPECT_STREQ(tri_uk_isa_name(tri_uk_isa(42)), "unknown");
  EXPECT_EQ(tri_uk_set_isa(tri_uk_isa(42)), TRI_ERR_INVALID_ARGUMENT);
  for (tri_uk_isa isa : supportedIsas()) {
    ASSERT_EQ(tri_uk_set_isa(isa), TRI_OK);
    EXPECT_EQ(tri_uk_selected_isa(), isa);
  }
#if defined(__x86_64__)
  // On x86-64 every ISA the CPU has is available.
  __builtin_cpu_init();
  EXPECT_EQ(tri_uk_isa_supported(TRI_UK_ISA_AVX2),
            __builtin_cpu_supports("avx2") != 0);
  EXPECT_EQ(tri_uk_isa_supported(TRI_UK_ISA_AVX512),
            __builtin_cpu_supports("avx2") && __builtin_cpu_supports("avx512f") &&
                __builtin_cpu_supports("avx512bw") &&
                __builtin_cpu_supports("avx512vl") &&
                __builtin_cpu_supports("avx512vnni"));
#endif
  tri_uk_set_num_threads(3);
  if (!getenv("TRI_UK_NUM_THREADS")) { // the environment wins over the setter
    EXPECT_EQ(tri_uk_get_num_threads(), 3u);
  }
  tri_uk_set_num_threads(0);
  EXPECT_GE(tri_uk_get_num_threads(), 1u);
}

//===----------------------------------------------------------------------===//
// f32
//===----------------------------------------------------------------------===//

TEST_F(UkernelIsaTest, F32MatchesReferenceAndCanonicalOrderOnEveryIsa) {
  std::mt19937 rng(7);
  for (tri_encoding enc : {TRI_ENCODING_OFFSET2, TRI_ENCODING_BASE3})
    for (const Shape &s : testShapes()) {
      SCOPED_TRACE("enc " + std::to_string(enc) + " m " + std::to_string(s.m) +
                   " k " + std::to_string(s.k) + " n " + std::to_string(s.n));
      auto t = randomTrits(rng, s.k * s.n);
      auto x = randomFloats(rng, s.m * s.k);
      auto scale = randomFloats(rng, s.n);
      auto bias = randomFloats(rng, s.n);
      // An unaligned copy of the packed weights (offset 1 byte).
      auto packed = packColumns(t, s.k, s.n, enc);
      std::vector<uint8_t> storage(packed.size() + 1);
      std::memcpy(storage.data() + 1, packed.data(), packed.size());
      const uint8_t *w = storage.data() + 1;

      for (tri_uk_scale_mode mode :
           {TRI_UK_SCALE_NONE, TRI_UK_SCALE_TENSOR, TRI_UK_SCALE_CHANNEL}) {
        const float *bp = mode == TRI_UK_SCALE_TENSOR ? bias.data() : nullptr;
        std::vector<float> expect(s.m * s.n);
        for (size_t i = 0; i < s.m; ++i)
          for (size_t col = 0; col < s.n; ++col) {
            float dot = canonicalDot(s.m, &x[i * s.k], t, s.k, s.n, col);
            expect[i * s.n + col] =
                applyEpilogue(dot, scale.data(), mode, bp, col);
            // The canonical order is an f32 sum: close to the exact one.
            double ref = 0, mag = 0;
            for (size_t kk = 0; kk < s.k; ++kk) {
              ref += double(t[kk * s.n + col]) * double(x[i * s.k + kk]);
              mag += std::fabs(double(t[kk * s.n + col]) * x[i * s.k + kk]);
            }
            double terms = double(s.k) / 16;
            double bound = (terms + 8) * 0x1p-24 * mag + 1e-30;
            EXPECT_NEAR(dot, ref, bound);
          }
        for (tri_uk_isa isa : supportedIsas()) {
          SCOPED_TRACE(tri_uk_isa_name(isa));
          ASSERT_EQ(tri_uk_set_isa(isa), TRI_OK);
          std::vector<float> y(s.m * s.n, -777.0f);
          ASSERT_EQ(tri_uk_gemm_f32(x.data(), s.m, s.k, w, enc, s.n,
                                    scale.data(), mode, bp, y.data()),
                    TRI_OK);
          for (size_t e = 0; e < y.size(); ++e)
            ASSERT_EQ(bitsOf(y[e]), bitsOf(expect[e]))
                << "element " << e << ": " << y[e] << " vs " << expect[e];
        }
      }
    }
}

TEST_F(UkernelIsaTest, F32GemvIsGemmWithOneRowAndOneByOne) {
  // 1x1: y = t * x for each trit value, on every ISA.
  for (tri_uk_isa isa : supportedIsas()) {
    ASSERT_EQ(tri_uk_set_isa(isa), TRI_OK);
    for (int trit : {-1, 0, 1}) {
      std::vector<int8_t> t = {int8_t(trit)};
      auto w = packColumns(t, 1, 1, TRI_ENCODING_OFFSET2);
      float x = 2.5f, y = 99.0f;
      ASSERT_EQ(tri_uk_gemv_f32(&x, 1, w.data(), TRI_ENCODING_OFFSET2, 1,
                                nullptr, TRI_UK_SCALE_NONE, nullptr, &y),
                TRI_OK);
      EXPECT_EQ(bitsOf(y), bitsOf(trit * 2.5f + 0.0f)) << tri_uk_isa_name(isa);
    }
  }
}

TEST_F(UkernelIsaTest, F32SpecialValues) {
  // Zero weights give +0.0 (never -0.0); infinities and NaN propagate through
  // non-zero weights and are skipped by zero weights.
  std::mt19937 rng(11);
  const size_t k = 130, n = 6;
  auto t = randomTrits(rng, k * n);
  for (size_t kk = 0; kk < k; ++kk) {
    t[kk * n + 0] = 0; // column 0: all zero
    t[kk * n + 1] = 0; // column 1: only +inf
    t[kk * n + 2] = 0; // column 2: only -inf
  }
  t[5 * n + 1] = 1;
  t[5 * n + 2] = -1;
  t[5 * n + 3] = 0; // column 3: NaN through a weight of +1
  t[9 * n + 3] = 1;
  t[5 * n + 4] = 0; // column 4: inf and NaN both skipped
  t[9 * n + 4] = 0;
  t[5 * n + 5] = 0; // column 5: NaN through a weight of -1
  t[9 * n + 5] = -1;
  auto w = packColumns(t, k, n, TRI_ENCODING_OFFSET2);
  auto x = randomFloats(rng, k);
  x[5] = std::numeric_limits<float>::infinity();
  x[9] = std::numeric_limits<float>::quiet_NaN();
  // One token and four (column-LUT kernels) and 20 (token tiles: one tile
  // and two), all in the GEMM order.
  for (size_t m : {1, 4, 20})
    for (tri_uk_isa isa : supportedIsas()) {
      SCOPED_TRACE(std::string(tri_uk_isa_name(isa)) + " m " +
                   std::to_string(m));
      ASSERT_EQ(tri_uk_set_isa(isa), TRI_OK);
      std::vector<float> xs(m * k), y(m * n);
      for (size_t i = 0; i < m; ++i)
        std::copy(x.begin(), x.end(), xs.begin() + i * k);
      ASSERT_EQ(tri_uk_gemm_f32(xs.data(), m, k, w.data(),
                                TRI_ENCODING_OFFSET2, n, nullptr,
                                TRI_UK_SCALE_NONE, nullptr, y.data()),
                TRI_OK);
      for (size_t i = 0; i < m; ++i) {
        const float *yi = &y[i * n];
        EXPECT_EQ(bitsOf(yi[0]), 0u);
        EXPECT_EQ(yi[1], std::numeric_limits<float>::infinity());
        EXPECT_EQ(yi[2], -std::numeric_limits<float>::infinity());
        EXPECT_TRUE(std::isnan(yi[3]));
        EXPECT_EQ(bitsOf(yi[4]), bitsOf(canonicalDot(m, x.data(), t, k, n, 4)));
        EXPECT_TRUE(std::isnan(yi[5]));
      }
    }
}

//===----------------------------------------------------------------------===//
// int8
//===----------------------------------------------------------------------===//

std::vector<int8_t> randomActs(std::mt19937 &rng, size_t count) {
  std::uniform_int_distribution<int> d(-127, 127);
  std::vector<int8_t> q(count);
  for (auto &v : q)
    v = int8_t(d(rng));
  return q;
}

/// The exact int8 product of activations q [m, k] and trits t [k, n], in
/// int64 and then wrapped to int32 as the kernels' modulo-2^32 sums are.
std::vector<int32_t> i8Reference(const std::vector<int8_t> &t,
                                 const std::vector<int8_t> &q, size_t m,
                                 size_t k, size_t n) {
  std::vector<int32_t> expect(m * n);
  for (size_t i = 0; i < m; ++i)
    for (size_t col = 0; col < n; ++col) {
      int64_t acc = 0;
      for (size_t kk = 0; kk < k; ++kk)
        acc += int64_t(t[kk * n + col]) * q[i * k + kk];
      expect[i * n + col] = int32_t(acc);
    }
  return expect;
}

TEST_F(UkernelIsaTest, I8ExactOnEveryIsa) {
  std::mt19937 rng(21);
  for (tri_encoding enc : {TRI_ENCODING_OFFSET2, TRI_ENCODING_BASE3})
    for (const Shape &s : testShapes()) {
      SCOPED_TRACE("enc " + std::to_string(enc) + " m " + std::to_string(s.m) +
                   " k " + std::to_string(s.k) + " n " + std::to_string(s.n));
      auto t = randomTrits(rng, s.k * s.n);
      auto q = randomActs(rng, s.m * s.k);
      auto packed = packColumns(t, s.k, s.n, enc);
      std::vector<uint8_t> storage(packed.size() + 3);
      std::memcpy(storage.data() + 3, packed.data(), packed.size());
      const uint8_t *w = storage.data() + 3;
      std::vector<int32_t> expect = i8Reference(t, q, s.m, s.k, s.n);
      auto xscale = randomFloats(rng, s.m);
      auto scale = randomFloats(rng, s.n);
      auto bias = randomFloats(rng, s.n);
      for (tri_uk_isa isa : supportedIsas()) {
        SCOPED_TRACE(tri_uk_isa_name(isa));
        ASSERT_EQ(tri_uk_set_isa(isa), TRI_OK);
        std::vector<int32_t> acc(s.m * s.n, 12345);
        ASSERT_EQ(tri_uk_gemm_i8_i32(q.data(), s.m, s.k, w, enc, s.n,
                                     acc.data()),
                  TRI_OK);
        ASSERT_EQ(acc, expect);
        // The float epilogue: ((float)acc * xscale) * scale + bias.
        std::vector<float> y(s.m * s.n);
        ASSERT_EQ(tri_uk_gemm_i8(q.data(), xscale.data(), s.m, s.k, w, enc,
                                 s.n, scale.data(), TRI_UK_SCALE_CHANNEL,
                                 bias.data(), y.data()),
                  TRI_OK);
        for (size_t i = 0; i < s.m; ++i)
          for (size_t col = 0; col < s.n; ++col) {
            float v = float(expect[i * s.n + col]) * xscale[i];
            v = v * scale[col];
            v = v + bias[col];
            ASSERT_EQ(bitsOf(y[i * s.n + col]), bitsOf(v));
          }
      }
    }
}

TEST_F(UkernelIsaTest, I8ExtremeValuesDoNotOverflow) {
  // All activations +-127 and all weights +1 / -1 over a long K: the largest
  // sums the int16 / int32 stages can see.
  const size_t k = 70001, n = 5;
  std::vector<int8_t> t(k * n), q(k);
  for (size_t kk = 0; kk < k; ++kk) {
    q[kk] = kk % 3 == 2 ? -127 : 127;
    for (size_t col = 0; col < n; ++col)
      t[kk * n + col] = int8_t(col == 0 ? 1 : col == 1 ? -1 : (q[kk] > 0 ? 1 : -1) * (col == 2 ? 1 : -1));
  }
  auto w = packColumns(t, k, n, TRI_ENCODING_OFFSET2);
  for (tri_uk_isa isa : supportedIsas()) {
    ASSERT_EQ(tri_uk_set_isa(isa), TRI_OK);
    std::vector<int32_t> acc(n);
    ASSERT_EQ(tri_uk_gemm_i8_i32(q.data(), 1, k, w.data(),
                                 TRI_ENCODING_OFFSET2, n, acc.data()),
              TRI_OK);
    int64_t plain = 0;
    for (size_t kk = 0; kk < k; ++kk)
      plain += q[kk];
    EXPECT_EQ(acc[0], plain) << tri_uk_isa_name(isa);
    EXPECT_EQ(acc[1], -plain) << tri_uk_isa_name(isa);
    EXPECT_EQ(acc[2], int64_t(k) * 127) << tri_uk_isa_name(isa);
    EXPECT_EQ(acc[3], -int64_t(k) * 127) << tri_uk_isa_name(isa);
  }
}

TEST_F(UkernelIsaTest, I8MinimumValueIsExact) {
  // -128 (which no quantized activation holds, but an int8 tensor may): a
  // weight of -1 must add +128, on every ISA, for one token and for tiles,
  // over a K long enough to exercise every int16 / int32 stage.
  std::mt19937 rng(23);
  for (size_t m : {1, 2, 40})
    for (size_t k : {size_t(5), size_t(300), size_t(70001)}) {
      SCOPED_TRACE("m " + std::to_string(m) + " k " + std::to_string(k));
      const size_t n = 6;
      std::vector<int8_t> t(k * n), q(m * k);
      for (size_t i = 0; i < m; ++i)
        for (size_t kk = 0; kk < k; ++kk)
          q[i * k + kk] = int8_t(kk % 3 == 2 ? -128 : (i + kk) % 2 ? 127 : -128);
      for (size_t kk = 0; kk < k; ++kk)
        for (size_t col = 0; col < n; ++col)
          t[kk * n + col] = int8_t(col == 0 ? 1 : col == 1 ? -1 : int(rng() % 3) - 1);
      auto w = packColumns(t, k, n, TRI_ENCODING_OFFSET2);
      std::vector<int32_t> expect = i8Reference(t, q, m, k, n);
      for (tri_uk_isa isa : supportedIsas()) {
        ASSERT_EQ(tri_uk_set_isa(isa), TRI_OK);
        std::vector<int32_t> acc(m * n);
        ASSERT_EQ(tri_uk_gemm_i8_i32(q.data(), m, k, w.data(),
                                     TRI_ENCODING_OFFSET2, n, acc.data()),
                  TRI_OK);
        EXPECT_EQ(acc, expect) << tri_uk_isa_name(isa);
      }
    }
}

TEST_F(UkernelIsaTest, QuantizerIsPerTokenAbsmaxRoundHalfEven) {
  std::mt19937 rng(5);
  const size_t m = 4, k = 300;
  auto x = randomFloats(rng, m * k);
  for (size_t kk = 0; kk < k; ++kk)
    x[2 * k + kk] = 0.0f; // an all-zero token
  x[3 * k + 0] = 127.0f;  // token 3: inv = 1, exact halves round to even
  x[3 * k + 1] = 2.5f;
  x[3 * k + 2] = -3.5f;
  x[3 * k + 3] = 0.5f;
  x[3 * k + 4] = -127.0f;
  std::vector<int8_t> q(m * k);
  std::vector<float> xs(m);
  ASSERT_EQ(tri_uk_quantize_act_i8(x.data(), m, k, q.data(), xs.data()),
            TRI_OK);
  for (size_t i = 0; i < m; ++i) {
    float amax = 0;
    for (size_t kk = 0; kk < k; ++kk)
      amax = std::max(amax, std::fabs(x[i * k + kk]));
    EXPECT_EQ(xs[i], amax / 127.0f);
    float inv = amax > 0 ? 127.0f / amax : 0.0f;
    for (size_t kk = 0; kk < k; ++kk) {
      float v = x[i * k + kk] * inv;
      double r = std::nearbyint(double(v)); // default mode: half to even
      r = std::min(127.0, std::max(-127.0, r));
      ASSERT_EQ(q[i * k + kk], int8_t(r)) << i << "," << kk;
    }
  }
  EXPECT_EQ(xs[2], 0.0f);
  EXPECT_EQ(q[3 * k + 0], 127);
  EXPECT_EQ(q[3 * k + 1], 2);
  EXPECT_EQ(q[3 * k + 2], -4);
  EXPECT_EQ(q[3 * k + 3], 0);
  EXPECT_EQ(q[3 * k + 4], -127);
  x[1 * k + 7] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(tri_uk_quantize_act_i8(x.data(), m, k, q.data(), xs.data()),
            TRI_ERR_NON_FINITE);
  x[1 * k + 7] = -std::numeric_limits<float>::infinity();
  EXPECT_EQ(tri_uk_quantize_act_i8(x.data(), m, k, q.data(), xs.data()),
            TRI_ERR_NON_FINITE);
}

TEST_F(UkernelIsaTest, F32Q8IsQuantizeThenGemmI8AndCloseToF32) {
  std::mt19937 rng(9);
  const size_t m = 3, k = 517, n = 11;
  auto t = randomTrits(rng, k * n);
  auto x = randomFloats(rng, m * k);
  auto scale = randomFloats(rng, 1);
  auto w = packColumns(t, k, n, TRI_ENCODING_BASE3);
  std::vector<int8_t> q(m * k);
  std::vector<float> xs(m);
  ASSERT_EQ(tri_uk_quantize_act_i8(x.data(), m, k, q.data(), xs.data()),
            TRI_OK);
  for (tri_uk_isa isa : supportedIsas()) {
    ASSERT_EQ(tri_uk_set_isa(isa), TRI_OK);
    std::vector<float> y1(m * n), y2(m * n);
    ASSERT_EQ(tri_uk_gemm_f32_q8(x.data(), m, k, w.data(), TRI_ENCODING_BASE3,
                                 n, scale.data(), TRI_UK_SCALE_TENSOR, nullptr,
                                 y1.data()),
              TRI_OK);
    ASSERT_EQ(tri_uk_gemm_i8(q.data(), xs.data(), m, k, w.data(),
                             TRI_ENCODING_BASE3, n, scale.data(),
                             TRI_UK_SCALE_TENSOR, nullptr, y2.data()),
              TRI_OK);
    for (size_t e = 0; e < y1.size(); ++e)
      ASSERT_EQ(bitsOf(y1[e]), bitsOf(y2[e]));
    // The quantization error per product is at most xscale / 2.
    for (size_t i = 0; i < m; ++i)
      for (size_t col = 0; col < n; ++col) {
        double ref = 0;
        for (size_t kk = 0; kk < k; ++kk)
          ref += double(t[kk * n + col]) * x[i * k + kk];
        EXPECT_NEAR(y1[i * n + col], ref * scale[0],
                    std::fabs(scale[0]) * (k * xs[i] * 0.5 + 1e-3));
      }
  }
}

TEST_F(UkernelIsaTest, F32ColumnLutKernelsOnEveryShapeEdge) {
  // The column-LUT kernels (1 to 6 tokens, 7: the token tiles next to
  // them): 16 columns per zmm (8 per
  // ymm) in blocks of 64, tables of pairs of activations, 64-byte (32-byte)
  // chunks of the rows; n around those widths, k around the chunks and the
  // quads (odd k: the last pair has one activation), unaligned weights, the
  // scale modes and bias, both encodings, every ISA, exact bits of the GEMM
  // order.
  std::mt19937 rng(43);
  for (size_t m : {1, 2, 5, 7})
    for (size_t k : {1, 2, 3, 15, 16, 17, 63, 64, 65, 127, 128, 129, 255, 256,
                     257, 511, 512, 513, 1001, 2051})
      for (size_t n : {1, 7, 8, 9, 15, 16, 17, 33, 63, 64, 65, 129}) {
        SCOPED_TRACE("m " + std::to_string(m) + " k " + std::to_string(k) +
                     " n " + std::to_string(n));
        auto t = randomTrits(rng, k * n);
        auto x = randomFloats(rng, m * k);
        auto scale = randomFloats(rng, n);
        auto bias = randomFloats(rng, n);
        for (tri_encoding enc : {TRI_ENCODING_OFFSET2, TRI_ENCODING_BASE3}) {
          auto packed = packColumns(t, k, n, enc);
          std::vector<uint8_t> storage(packed.size() + 5);
          std::memcpy(storage.data() + 5, packed.data(), packed.size());
          const uint8_t *w = storage.data() + 5;
          tri_uk_scale_mode mode =
              n % 2 ? TRI_UK_SCALE_CHANNEL : TRI_UK_SCALE_TENSOR;
          std::vector<float> expect(m * n);
          for (size_t i = 0; i < m; ++i)
            for (size_t col = 0; col < n; ++col)
              expect[i * n + col] = applyEpilogue(
                  gemmOrderDot(&x[i * k], t, k, n, col), scale.data(), mode,
                  bias.data(), col);
          for (tri_uk_isa isa : supportedIsas()) {
            SCOPED_TRACE(std::string(tri_uk_isa_name(isa)) + " enc " +
                         std::to_string(enc));
            ASSERT_EQ(tri_uk_set_isa(isa), TRI_OK);
            std::vector<float> y(m * n, -5.0f);
            ASSERT_EQ(tri_uk_gemm_f32(x.data(), m, k, w, enc, n, scale.data(),
                                      mode, bias.data(), y.data()),
                      TRI_OK);
            for (size_t e = 0; e < y.size(); ++e)
              ASSERT_EQ(bitsOf(y[e]), bitsOf(expect[e]))
                  << "element " << e << ": " << y[e] << " vs " << expect[e];
          }
        }
      }
}

TEST_F(UkernelIsaTest, F32ColumnLutAcrossTasksAndThreads) {
  // Enough columns for many tasks and prefetches past the end of a task
  // (and of the matrix), a K that is not a multiple of a chunk, 1 to 3
  // threads: the same bits as the GEMM order everywhere.
  std::mt19937 rng(47);
  const size_t k = 1500, n = 1000;
  auto t = randomTrits(rng, k * n);
  auto w = packColumns(t, k, n, TRI_ENCODING_OFFSET2);
  for (size_t m : {1, 2, 3, 6}) {
    auto x = randomFloats(rng, m * k);
    std::vector<float> expect(m * n);
    for (size_t i = 0; i < m; ++i)
      for (size_t col = 0; col < n; ++col)
        expect[i * n + col] = gemmOrderDot(&x[i * k], t, k, n, col);
    for (tri_uk_isa isa : supportedIsas())
      for (unsigned threads : {1u, 2u, 3u}) {
        ASSERT_EQ(tri_uk_set_isa(isa), TRI_OK);
        tri_uk_set_num_threads(threads);
        std::vector<float> y(m * n);
        ASSERT_EQ(tri_uk_gemm_f32(x.data(), m, k, w.data(),
                                  TRI_ENCODING_OFFSET2, n, nullptr,
                                  TRI_UK_SCALE_NONE, nullptr, y.data()),
                  TRI_OK);
        EXPECT_EQ(0, std::memcmp(y.data(), expect.data(), y.size() * 4))
            << tri_uk_isa_name(isa) << " m " << m << " threads " << threads;
      }
  }
}

// Runs f with TRI_UK_NO_VBMI unset, then set to 1 (the plain AVX-512 int8
// base3 kernel on a CPU with VBMI), restoring the environment.
template <typename F> void withAndWithoutVbmi(F f) {
  const char *old = getenv("TRI_UK_NO_VBMI");
  std::string saved = old ? old : "";
  unsetenv("TRI_UK_NO_VBMI");
  f("vbmi allowed");
  setenv("TRI_UK_NO_VBMI", "1", 1);
  f("vbmi off");
  if (old)
    setenv("TRI_UK_NO_VBMI", saved.c_str(), 1);
  else
    unsetenv("TRI_UK_NO_VBMI");
}

TEST_F(UkernelIsaTest, I8Base3KernelsExactWithAndWithoutVbmi) {
  // Both AVX-512 int8 base3 kernels (VBMI digit planes with modular sums,
  // vpsignb planes) and the AVX2 one: rows around the 32- and 64-byte
  // blocks (K around 160 and 320 trits), 1 to 5 tokens, random and extreme
  // activations (+-127), against exact int64 sums.
  std::mt19937 rng(53);
  withAndWithoutVbmi([&](const char *what) {
    for (size_t m : {1, 2, 3, 5})
      for (size_t k : {1, 5, 159, 160, 161, 319, 320, 321, 479, 480, 481,
                       1213, 8195})
        for (bool extreme : {false, true}) {
          SCOPED_TRACE(std::string(what) + " m " + std::to_string(m) + " k " +
                       std::to_string(k) + (extreme ? " extreme" : ""));
          const size_t n = 9;
          auto t = randomTrits(rng, k * n);
          auto q = randomActs(rng, m * k);
          if (extreme)
            for (size_t e = 0; e < q.size(); ++e) {
              q[e] = e % 3 ? 127 : -127;
              t[e % (k * n)] = int8_t(e % 2 ? 1 : -1);
            }
          auto w = packColumns(t, k, n, TRI_ENCODING_BASE3);
          std::vector<int32_t> expect = i8Reference(t, q, m, k, n);
          for (tri_uk_isa isa : supportedIsas()) {
            ASSERT_EQ(tri_uk_set_isa(isa), TRI_OK);
            std::vector<int32_t> acc(m * n, 99);
            ASSERT_EQ(tri_uk_gemm_i8_i32(q.data(), m, k, w.data(),
                                         TRI_ENCODING_BASE3, n, acc.data()),
                      TRI_OK);
            ASSERT_EQ(acc, expect) << tri_uk_isa_name(isa);
          }
        }
  });
}

TEST_F(UkernelIsaTest, I8Base3ModularSumsOverLongRows) {
  // The VBMI kernel sums digit planes (0..2, and 81 d4 up to 162) times the
  // activations and subtracts the token sum, all modulo 2^32: over K = 9e6
  // the plane sums leave the int32 range (2 * 127 * K > 2^31) while the
  // results stay inside it. All weights +1 (or -1) against activations 127
  // give +-127 K.
  const size_t k = 9000000, n = 2;
  std::vector<int8_t> q(k, 127);
  q[7] = -127; // not all equal
  std::vector<uint8_t> w(2 * tri_row_bytes(TRI_ENCODING_BASE3, k));
  // Column 0: all +1 (digit 2: bytes 242), column 1: all -1 (bytes 0); the
  // padding trits of the last byte are zero.
  size_t rb = w.size() / 2;
  std::memset(w.data(), 242, rb);
  std::memset(w.data() + rb, 0, rb);
  unsigned pad = unsigned(rb * 5 - k), pow3 = 1, last_plus = 0, last_minus = 0;
  for (unsigned s = 0; s < 5; ++s, pow3 *= 3) {
    last_plus += (s < 5 - pad ? 2 : 1) * pow3;
    last_minus += (s < 5 - pad ? 0 : 1) * pow3;
  }
  w[rb - 1] = uint8_t(last_plus);
  w[2 * rb - 1] = uint8_t(last_minus);
  int64_t sum = 0;
  for (int8_t v : q)
    sum += v;
  withAndWithoutVbmi([&](const char *what) {
    for (tri_uk_isa isa : supportedIsas()) {
      ASSERT_EQ(tri_uk_set_isa(isa), TRI_OK);
      std::vector<int32_t> acc(n);
      ASSERT_EQ(tri_uk_gemm_i8_i32(q.data(), 1, k, w.data(),
                                   TRI_ENCODING_BASE3, n, acc.data()),
                TRI_OK);
      EXPECT_EQ(acc[0], sum) << what << " " << tri_uk_isa_name(isa);
      EXPECT_EQ(acc[1], -sum) << what << " " << tri_uk_isa_name(isa);
    }
  });
}

//===----------------------------------------------------------------------===//
// Threads, edge sizes, arguments
//===----------------------------------------------------------------------===//

TEST_F(UkernelIsaTest, ResultsDoNotDependOnThreadCount) {
  // Both f32 orders, one tile and several; every problem is big enough to
  // be split between threads.
  std::mt19937 rng(3);
  const size_t k = 2000, n = 1100;
  auto t = randomTrits(rng, k * n);
  for (tri_encoding enc : {TRI_ENCODING_OFFSET2, TRI_ENCODING_BASE3}) {
    auto w = packColumns(t, k, n, enc);
    for (size_t m : {1, 2, 5, 40}) {
      auto x = randomFloats(rng, m * k);
      for (tri_uk_isa isa : supportedIsas()) {
        ASSERT_EQ(tri_uk_set_isa(isa), TRI_OK);
        std::vector<float> base, basei8;
        for (unsigned threads : {1u, 2u, 3u, 8u}) {
          tri_uk_set_num_threads(threads);
          std::vector<float> y(m * n), yq(m * n);
          ASSERT_EQ(tri_uk_gemm_f32(x.data(), m, k, w.data(), enc, n, nullptr,
                                    TRI_UK_SCALE_NONE, nullptr, y.data()),
                    TRI_OK);
          ASSERT_EQ(tri_uk_gemm_f32_q8(x.data(), m, k, w.data(), enc, n,
                                       nullptr, TRI_UK_SCALE_NONE, nullptr,
                                       yq.data()),
                    TRI_OK);
          if (base.empty()) {
            base = y;
            basei8 = yq;
            continue;
          }
          EXPECT_EQ(0, std::memcmp(y.data(), base.data(), y.size() * 4))
              << tri_uk_isa_name(isa) << " enc " << enc << " m " << m
              << " threads " << threads;
          EXPECT_EQ(0, std::memcmp(yq.data(), basei8.data(), yq.size() * 4))
              << tri_uk_isa_name(isa) << " enc " << enc << " m " << m
              << " threads " << threads;
        }
      }
    }
  }
}

TEST_F(UkernelIsaTest, Base3DecodesEveryByteLikeOffset2OnEveryIsa) {
  // The vector base3 decoders (32- and 64-byte blocks, then a padded block
  // for the rest of a row) against the same trits packed as offset2, on
  // every ISA and against the portable results: columns whose base3 bytes
  // run through all 243 values (byte b of column col holds (7 b + col) mod
  // 243, 7 being prime to 243), K around the block sizes (160 and 320
  // trits) and not a multiple of 4 or 5, 1x1 and K = 0; the GEMV (m = 1) and
  // two and five tokens (column-LUT kernels) and int8.
  std::mt19937 rng(41);
  for (size_t k : {0, 1, 4, 5, 6, 159, 160, 161, 164, 319, 320, 321, 323, 324,
                   639, 640, 1213, 1215, 1216, 1219, 2000, 4099}) {
    for (size_t n : {1, 3, 20}) {
      SCOPED_TRACE("k " + std::to_string(k) + " n " + std::to_string(n));
      std::vector<int8_t> t(k * n);
      for (size_t col = 0; col < n; ++col)
        for (size_t kk = 0; kk < k; ++kk) {
          unsigned v = unsigned((7 * (kk / 5) + col) % 243);
          for (size_t d = 0; d < kk % 5; ++d)
            v /= 3;
          t[kk * n + col] = int8_t(int(v % 3) - 1);
        }
      auto b3 = packColumns(t, k, n, TRI_ENCODING_BASE3);
      auto o2 = packColumns(t, k, n, TRI_ENCODING_OFFSET2);
      for (size_t m : {1, 2, 5}) {
        auto x = randomFloats(rng, m * k);
        auto q = randomActs(rng, m * k);
        std::vector<float> portable;
        for (tri_uk_isa isa : supportedIsas()) {
          SCOPED_TRACE(std::string(tri_uk_isa_name(isa)) + " m " +
                       std::to_string(m));
          ASSERT_EQ(tri_uk_set_isa(isa), TRI_OK);
          std::vector<float> yb(m * n, 1.0f), yo(m * n, 2.0f);
          std::vector<int32_t> ab(m * n, 3), ao(m * n, 4);
          ASSERT_EQ(tri_uk_gemm_f32(x.data(), m, k, b3.data(),
                                    TRI_ENCODING_BASE3, n, nullptr,
                                    TRI_UK_SCALE_NONE, nullptr, yb.data()),
                    TRI_OK);
          ASSERT_EQ(tri_uk_gemm_f32(x.data(), m, k, o2.data(),
                                    TRI_ENCODING_OFFSET2, n, nullptr,
                                    TRI_UK_SCALE_NONE, nullptr, yo.data()),
                    TRI_OK);
          ASSERT_EQ(tri_uk_gemm_i8_i32(q.data(), m, k, b3.data(),
                                       TRI_ENCODING_BASE3, n, ab.data()),
                    TRI_OK);
          ASSERT_EQ(tri_uk_gemm_i8_i32(q.data(), m, k, o2.data(),
                                       TRI_ENCODING_OFFSET2, n, ao.data()),
                    TRI_OK);
          ASSERT_EQ(ab, ao);
          for (size_t e = 0; e < yb.size(); ++e) {
            ASSERT_EQ(bitsOf(yb[e]), bitsOf(yo[e])) << "element " << e;
            size_t i = e / n, col = e % n;
            ASSERT_EQ(bitsOf(yb[e]),
                      bitsOf(canonicalDot(m, x.data() + i * k, t, k, n, col)))
                << "element " << e;
            int64_t exact = 0;
            for (size_t kk = 0; kk < k; ++kk)
              exact += int64_t(t[kk * n + col]) * q[i * k + kk];
            ASSERT_EQ(ab[e], int32_t(exact)) << "element " << e;
          }
          if (portable.empty())
            portable = yb;
          else
            ASSERT_EQ(0, std::memcmp(yb.data(), portable.data(),
                                     yb.size() * sizeof(float)));
        }
      }
    }
  }
}

// A host runner that runs the tasks backwards on two std::threads.
std::atomic<int> hostRuns{0};
void backwardsOnTwoThreads(size_t ntasks, unsigned threads,
                           tri_uk_task_fn task, void *ctx) {
  EXPECT_GT(threads, 1u);
  ++hostRuns;
  auto half = [&](size_t parity) {
    for (size_t t = ntasks; t-- > 0;)
      if (t % 2 == parity)
        task(ctx, t);
  };
  std::thread other(half, 1);
  half(0);
  other.join();
}

TEST_F(UkernelIsaTest, HostRunnerGivesTheSameResults) {
  std::mt19937 rng(29);
  const size_t k = 2000, n = 1100;
  auto t = randomTrits(rng, k * n);
  auto w = packColumns(t, k, n, TRI_ENCODING_OFFSET2);
  tri_uk_set_num_threads(2);
  for (size_t m : {2, 5, 40}) { // both f32 orders; all big enough to thread
    auto x = randomFloats(rng, m * k);
    std::vector<float> pool(m * n), host(m * n), poolq(m * n), hostq(m * n);
    auto run = [&](float *y, float *yq) {
      ASSERT_EQ(tri_uk_gemm_f32(x.data(), m, k, w.data(), TRI_ENCODING_OFFSET2,
                                n, nullptr, TRI_UK_SCALE_NONE, nullptr, y),
                TRI_OK);
      ASSERT_EQ(tri_uk_gemm_f32_q8(x.data(), m, k, w.data(),
                                   TRI_ENCODING_OFFSET2, n, nullptr,
                                   TRI_UK_SCALE_NONE, nullptr, yq),
                TRI_OK);
    };
    run(pool.data(), poolq.data());
    int before = hostRuns;
    tri_uk_set_parallel_runner(backwardsOnTwoThreads);
    run(host.data(), hostq.data());
    tri_uk_set_parallel_runner(nullptr);
    EXPECT_EQ(hostRuns - before, 2) << "m " << m;
    EXPECT_EQ(0, std::memcmp(host.data(), pool.data(), host.size() * 4));
    EXPECT_EQ(0, std::memcmp(hostq.data(), poolq.data(), hostq.size() * 4));
  }
}

TEST_F(UkernelIsaTest, ConcurrentCallsAreCorrect) {
  std::mt19937 rng(17);
  const size_t k = 2000, n = 600;
  auto t = randomTrits(rng, k * n);
  auto x = randomFloats(rng, k);
  auto w = packColumns(t, k, n, TRI_ENCODING_OFFSET2);
  tri_uk_set_num_threads(2);
  std::vector<float> expect(n);
  ASSERT_EQ(tri_uk_gemv_f32(x.data(), k, w.data(), TRI_ENCODING_OFFSET2, n,
                            nullptr, TRI_UK_SCALE_NONE, nullptr, expect.data()),
            TRI_OK);
  std::vector<std::vector<float>> ys(4, std::vector<float>(n));
  std::vector<std::thread> threads;
  for (auto &y : ys)
    threads.emplace_back([&, yp = y.data()] {
      for (int rep = 0; rep < 20; ++rep)
        tri_uk_gemv_f32(x.data(), k, w.data(), TRI_ENCODING_OFFSET2, n,
                        nullptr, TRI_UK_SCALE_NONE, nullptr, yp);
    });
  for (auto &th : threads)
    th.join();
  for (auto &y : ys)
    EXPECT_EQ(0, std::memcmp(y.data(), expect.data(), n * 4));
}

TEST_F(UkernelIsaTest, EmptyDimensions) {
  float bias[3] = {1.0f, -2.0f, 3.0f}, scale[1] = {5.0f};
  for (tri_uk_isa isa : supportedIsas()) {
    ASSERT_EQ(tri_uk_set_isa(isa), TRI_OK);
    // K = 0: the dot product is +0, so y = 0 * scale + bias, for one token
    // and for token tiles (both f32 orders, both int8 kernel families).
    for (size_t m : {2, 3, 40}) {
      std::vector<float> y(m * 3);
      ASSERT_EQ(tri_uk_gemm_f32(nullptr, m, 0, nullptr, TRI_ENCODING_OFFSET2,
                                3, scale, TRI_UK_SCALE_TENSOR, bias, y.data()),
                TRI_OK);
      for (size_t e = 0; e < y.size(); ++e)
        EXPECT_EQ(y[e], bias[e % 3]);
      std::vector<int32_t> acc(m * 3, 7);
      ASSERT_EQ(tri_uk_gemm_i8_i32(nullptr, m, 0, nullptr, TRI_ENCODING_BASE3,
                                   3, acc.data()),
                TRI_OK);
      for (int32_t v : acc)
        EXPECT_EQ(v, 0);
    }
    // M = 0 or N = 0: nothing to do, nothing touched.
    EXPECT_EQ(tri_uk_gemm_f32(nullptr, 0, 5, nullptr, TRI_ENCODING_OFFSET2, 3,
                              nullptr, TRI_UK_SCALE_NONE, nullptr, nullptr),
              TRI_OK);
    EXPECT_EQ(tri_uk_gemm_f32_q8(nullptr, 4, 5, nullptr, TRI_ENCODING_OFFSET2,
                                 0, nullptr, TRI_UK_SCALE_NONE, nullptr,
                                 nullptr),
              TRI_OK);
  }
}

TEST_F(UkernelIsaTest, InvalidArgumentsAreRejected) {
  float x[8] = {}, y[8], s[2] = {1, 1};
  int8_t q[8] = {};
  int32_t acc[8];
  uint8_t w[8] = {0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55};
  const auto off = TRI_ENCODING_OFFSET2;
  EXPECT_EQ(tri_uk_gemm_f32(x, 1, 4, w, tri_encoding(7), 1, nullptr,
                            TRI_UK_SCALE_NONE, nullptr, y),
            TRI_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(tri_uk_gemm_f32(x, 1, 4, w, off, 1, nullptr, TRI_UK_SCALE_TENSOR,
                            nullptr, y),
            TRI_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(tri_uk_gemm_f32(x, 1, 4, w, off, 1, s, tri_uk_scale_mode(9),
                            nullptr, y),
            TRI_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(tri_uk_gemm_f32(nullptr, 1, 4, w, off, 1, nullptr,
                            TRI_UK_SCALE_NONE, nullptr, y),
            TRI_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(tri_uk_gemm_f32(x, 1, 4, nullptr, off, 1, nullptr,
                            TRI_UK_SCALE_NONE, nullptr, y),
            TRI_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(tri_uk_gemm_f32(x, 1, 4, w, off, 1, nullptr, TRI_UK_SCALE_NONE,
                            nullptr, nullptr),
            TRI_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(tri_uk_gemm_f32(x, SIZE_MAX / 2, 4, w, off, 1, nullptr,
                            TRI_UK_SCALE_NONE, nullptr, y),
            TRI_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(tri_uk_gemm_i8_i32(q, 1, TRI_UK_MAX_K_I8 + 1, w, off, 1, acc),
            TRI_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(tri_uk_gemm_i8(q, nullptr, 1, 4, w, off, 1, nullptr,
                           TRI_UK_SCALE_NONE, nullptr, y),
            TRI_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(tri_uk_gemm_i8(q, s, 1, 4, w, off, 1, nullptr, TRI_UK_SCALE_NONE,
                           nullptr, nullptr),
            TRI_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(tri_uk_quantize_act_i8(x, 1, 4, q, nullptr),
            TRI_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(tri_uk_gemm_f32_q8(x, 1, TRI_UK_MAX_K_I8 + 1, w, off, 1, nullptr,
                               TRI_UK_SCALE_NONE, nullptr, y),
            TRI_ERR_INVALID_ARGUMENT);
}

} // namespace
