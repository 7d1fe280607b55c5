// Exploration, not product code: hand-written CUDA versions of the one-row
// (batch 1) ternary GEMV with f32 activations on the bf16 tensor cores, to
// find out on a GPU which kernel structure reads the packed weights closest
// to the copy bandwidth before building it into convert-ternary-to-gpu
// (PackedMma.cpp; today's kernel is ternary_mma_f32_m1n64, 32.7 us at
// 8192x28672 on an H200, 42% of copy: bench/RESULTS.md). Timing as in
// int8_gemv.cu: CUDA events around calls that rotate over weight copies
// spanning 512 MiB (past the L2). Each kernel is checked against a float64
// host reference: max |y - ref| / max |ref| (today's kernel: ~1e-7).
//
//   nvcc -O3 -arch=sm_90 -std=c++17 -o f32_gemv f32_gemv.cu && ./f32_gemv
//   ./f32_gemv 28672 8192
//
// What ncu showed for ternary_mma_f32_m1n64 (bench/results/2026-12-04-h200-
// ncu/ncu.txt): 2 blocks per SM (registers), 448 blocks (1.7 waves, the
// second 70% full), SM active 47.6k of 58.4k cycles, an instruction every
// 2 cycles per scheduler, barrier and long-scoreboard stalls. The kernels
// here keep its arithmetic (one m16n8k16 bf16 mma per 16x16 trits, B's
// columns the bf16 parts lo, mid, hi of x; a LOP3 and an HFMA2 per trit
// pair) and change the structure:
// - x is split into its bf16 parts once per block, into shared memory laid
//   out as the B fragments (no per-step split, no exchange, no syncwarp);
// - the grid is persistent (a whole number of blocks per SM) and a block's
//   groups of SPLIT warps walk 16T-column tiles, tile j to group
//   (j mod groups): the tiles spread evenly over the SMs;
// - the SPLIT warps of a group split a tile's K steps (step s to warp
//   s mod SPLIT) and sum through shared memory behind a named barrier of
//   the group only (bar.sync id, 32 SPLIT);
// - each warp streams its (tile, step) units with the loads of the unit D
//   ahead issued before the arithmetic of this one, across tiles.
//
// Layout (runtime/include/ternary_packing.h, offset2): w[n] is K/4 bytes,
// trit k at bits 2(k % 4) of byte k / 4, code = trit + 1; as 32-bit words,
// trit i of a word at bits 2i. y[n] = sum_k trit * x[k].
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include "harness.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>


// The bf16 pair (trit s, trit s + 8) of `word`, as PackedMma.cpp's
// BF16Operands::decode: with p = s % 3, ((word >> 6 (s / 3)) & 0x00030003
// << 2p) | bits (bits = the bf16 pair 128, an argument so that it stays in a
// register) is the pair 128 + c 4^p, and one bf16x2 fma, times 4^-p minus
// 2^(7 - 2p) + 1, leaves c - 1 exactly.
__device__ __forceinline__ unsigned decodePair(unsigned word, int s,
                                               unsigned bits) {
  int p = s % 3;
  unsigned shifted = s < 3 ? word : s < 6 ? word >> 6 : word >> 12;
  unsigned v = (shifted & (0x00030003u << (2 * p))) | bits;
  __nv_bfloat162 h = *reinterpret_cast<__nv_bfloat162 *>(&v);
  const float scale = p == 0 ? 1.0f : p == 1 ? 0.25f : 0.0625f;
  const float offset = p == 0 ? -129.0f : p == 1 ? -33.0f : -9.0f;
  if (p == 0)
    h = __hadd2(h, __float2bfloat162_rn(offset));
  else
    h = __hfma2(h, __float2bfloat162_rn(scale),
                __float2bfloat162_rn(offset));
  return *reinterpret_cast<unsigned *>(&h);
}

__device__ __forceinline__ void mma(float (&d)[4], unsigned a0, unsigned a1,
                                    unsigned a2, unsigned a3, unsigned b0,
                                    unsigned b1) {
  asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 "
               "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
               : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
               : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
}

// x values a, b split into bf16 pairs: part 0 lo, 1 mid, 2 hi (hi the upper
// 16 bits, mid those of the rest, lo the rest; exact, hi + mid + lo = x).
__device__ __forceinline__ void split(float a, float b, unsigned (&p)[3]) {
  unsigned ua = __float_as_uint(a), ub = __float_as_uint(b);
  for (int part = 2; part >= 0; --part) {
    p[part] = __byte_perm(ua, ub, 0x7632);
    a -= __uint_as_float(ua & 0xFFFF0000u);
    b -= __uint_as_float(ub & 0xFFFF0000u);
    ua = __float_as_uint(a);
    ub = __float_as_uint(b);
  }
}

// The B fragments of the row in shared memory: for step s (256 k's), word q
// of lane t's chunk 4s + t (k0 = 64 (4s + t) + 16q), half h and part p, the
// uint4 of pairs 4h .. 4h + 3 of that part, pair i = (x[k0 + i],
// x[k0 + i + 8]); index (((s * 4 + q) * 2 + h) * 4 + t) * 3 + p, so that a
// warp's 128-bit loads of one (s, q, h) are 12 consecutive uint4. Zeros past
// K. Every thread of the block takes part.
__device__ __forceinline__ void stageB(const float *__restrict__ x, int K,
                                       int steps, uint4 *bs) {
  for (int item = threadIdx.x; item < steps * 16; item += blockDim.x) {
    int t = item & 3, q = (item >> 2) & 3, s = item >> 4;
    int k0 = 64 * (4 * s + t) + 16 * q;
    float v[16];
    if (k0 < K) {
#pragma unroll
      for (int e = 0; e < 4; ++e) {
        float4 f = *reinterpret_cast<const float4 *>(x + k0 + 4 * e);
        v[4 * e] = f.x, v[4 * e + 1] = f.y, v[4 * e + 2] = f.z,
                  v[4 * e + 3] = f.w;
      }
    } else {
#pragma unroll
      for (int e = 0; e < 16; ++e)
        v[e] = 0.0f;
    }
    unsigned parts[8][3];
#pragma unroll
    for (int i = 0; i < 8; ++i)
      split(v[i], v[i + 8], parts[i]);
#pragma unroll
    for (int h = 0; h < 2; ++h)
#pragma unroll
      for (int p = 0; p < 3; ++p)
        bs[(((s * 4 + q) * 2 + h) * 4 + t) * 3 + p] =
            make_uint4(parts[4 * h][p], parts[4 * h + 1][p],
                       parts[4 * h + 2][p], parts[4 * h + 3][p]);
  }
}

// The barrier of the SPLIT warps of group `group`: bar.sync 1 + group with
// immediate ids, so that ptxas reserves 1 + 8 / SPLIT barriers, not all 16
// (which would limit the blocks per SM); the whole block for SPLIT = 8.
template <int SPLIT, int WARPS = 8, int I = 0>
__device__ __forceinline__ void groupBarrier(int group) {
  static_assert(WARPS / SPLIT <= 15, "16 barriers, 0 is the block's");
  if constexpr (SPLIT == WARPS) {
    __syncthreads();
  } else if constexpr (I < WARPS / SPLIT) {
    if (group == I)
      asm volatile("bar.sync %0, %1;" ::"n"(1 + I), "n"(32 * SPLIT)
                   : "memory");
    else
      groupBarrier<SPLIT, WARPS, I + 1>(group);
  }
}

// The accumulators of the SPLIT warps of a group summed into warp r = 0's
// (in warp order) through `partial` [parity][warp][value][lane], behind the
// group's barrier; parity alternates by tile so one barrier per tile does.
template <int T, int SPLIT, int WARPS, typename Acc>
__device__ __forceinline__ void sumOverGroup(
    Acc (&partial)[2][WARPS][4 * T][32], int parity, int warp, int lane,
    Acc (&acc)[T][4]) {
#pragma unroll
  for (int jj = 0; jj < T; ++jj)
#pragma unroll
    for (int e = 0; e < 4; ++e)
      partial[parity][warp][4 * jj + e][lane] = acc[jj][e];
  groupBarrier<SPLIT, WARPS>(warp / SPLIT);
  if (warp % SPLIT == 0)
#pragma unroll
    for (int jj = 0; jj < T; ++jj)
#pragma unroll
      for (int e = 0; e < 4; ++e)
#pragma unroll
        for (int o = 1; o < SPLIT; ++o)
          acc[jj][e] += partial[parity][warp + o][4 * jj + e][lane];
}

// S: T 16-column tiles per warp (lane (g, t) reads columns 16jj + g and
// 16jj + g + 8, chunk 4s + t of each: 64 trits), SPLIT warps per tile, loads
// D units ahead. Grid: persistent, gridDim.x blocks of 8 warps.
template <int T, int SPLIT, int D, int HINT>
__global__ __launch_bounds__(256) void gemvS(const float *__restrict__ x,
                                             const uint32_t *__restrict__ w,
                                             float *__restrict__ y, int N,
                                             int K, unsigned bits) {
  static_assert(8 % SPLIT == 0, "groups of SPLIT warps");
  extern __shared__ uint4 bs[];
  __shared__ float partial[2][SPLIT > 1 ? 8 : 1][4 * T][32];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int g = lane >> 2, t = lane & 3, part = min(g, 2);
  const int steps = (K + 255) / 256, chunks = K / 64, rowWords = K / 16;
  const int r = warp % SPLIT, groupsPerBlock = 8 / SPLIT;
  const int group = (warp / SPLIT) * gridDim.x + blockIdx.x;
  const int groups = gridDim.x * groupsPerBlock;
  const int tiles = (N + 16 * T - 1) / (16 * T);
  const int myTiles = group < tiles ? (tiles - group + groups - 1) / groups
                                    : 0;
  const int mySteps = (steps - r + SPLIT - 1) / SPLIT; // launcher: >= 1
  const int units = myTiles * mySteps;

  uint4 buf[D + 1][2 * T];
  // The unit whose loads are next: tile index li, its step index lu.
  int li = 0, lu = 0;
  auto loadNext = [&](uint4(&v)[2 * T]) {
    if (li >= myTiles)
      return;
    int col0 = (group + li * groups) * 16 * T;
    int chunk = 4 * (r + lu * SPLIT) + t;
    int offset = chunk < chunks ? 4 * chunk : 0; // past K: staged zeros
    loadTile<T, HINT>(w, col0, g, N, rowWords, offset, v);
    if (++lu == mySteps)
      lu = 0, ++li;
  };
#pragma unroll
  for (int d = 0; d < D; ++d)
    loadNext(buf[d]);
  stageB(x, K, steps, bs);
  __syncthreads();

  float acc[T][4] = {};
  int ci = 0, cu = 0; // the unit computed next
  auto compute = [&](const uint4(&v)[2 * T]) {
    const int s = r + cu * SPLIT;
#pragma unroll
    for (int q = 0; q < 4; ++q)
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        uint4 bv = bs[(((s * 4 + q) * 2 + h) * 4 + t) * 3 + part];
#pragma unroll
        for (int mm = 0; mm < 2; ++mm) {
          const int m = 2 * h + mm;
          unsigned b0 = mm ? bv.z : bv.x, b1 = mm ? bv.w : bv.y;
#pragma unroll
          for (int jj = 0; jj < T; ++jj) {
            unsigned lo = wordOf(v[2 * jj], q), hi = wordOf(v[2 * jj + 1], q);
            mma(acc[jj], decodePair(lo, 2 * m, bits),
                decodePair(hi, 2 * m, bits), decodePair(lo, 2 * m + 1, bits),
                decodePair(hi, 2 * m + 1, bits), b0, b1);
          }
        }
      }
    if (++cu < mySteps)
      return;
    // The tile's last step of this warp: sum over the group, store.
    if constexpr (SPLIT > 1)
      sumOverGroup<T, SPLIT, 8>(partial, ci & 1, warp, lane, acc);
    if (r == 0) {
      int col0 = (group + ci * groups) * 16 * T;
#pragma unroll
      for (int jj = 0; jj < T; ++jj)
#pragma unroll
        for (int h = 0; h < 2; ++h) {
          // Lane t = 0 holds lo and mid, lane t = 1 hi (D's columns 2t, 2t+1).
          float lo = acc[jj][2 * h], mid = acc[jj][2 * h + 1];
          float hi = __shfl_xor_sync(0xffffffffu, lo, 1);
          int col = col0 + 16 * jj + 8 * h + g;
          if (t == 0 && col < N)
            y[col] = (lo + mid) + hi;
        }
    }
#pragma unroll
    for (int jj = 0; jj < T; ++jj)
#pragma unroll
      for (int e = 0; e < 4; ++e)
        acc[jj][e] = 0.0f;
    cu = 0, ++ci;
  };
  runUnits<D>(units, buf, loadNext, compute);
}

// F: fixed point on the int8 tensor cores, as ternary_gemv_f32_fx_k<K>
// (lib/Conversion/TernaryToGPU/FixedPointGemv.cpp). The block converts x
// once to 40-bit fixed point relative to its largest magnitude, u_k =
// trunc(x_k 2^(38 - E)) with max |x| < 2^E (exact for every x_k within 2^14
// of the largest), and splits u_k into 5 signed digits, d_kj = byte j of
// (u_k + C) ^ C with C = 0x8080808080 (balanced digits, u_k = sum_j d_kj
// 2^8j). B's column j is digit j (columns 5..7 unused), A the trit codes
// c = t + 1 as u8: mma.m16n8k16.u8.s8 sums S_nj = sum_k c_nk d_kj exactly
// in i32, and y_n = 2^(E - 38) sum_j 2^8j (S_nj - Z_j), Z_j = sum_k d_kj,
// summed in f64 and rounded once to f32. A non-finite x makes every y NaN
// (as the bf16 kernels, whose parts of an inf are NaN). A lane's operands
// per mma: two masked words (a LOP3 each, a shift per 3/4) against 16 for
// the bf16 pair decode.

// The digits of the row in shared memory: for step s, word q of lane t's
// chunk 4s + t (k0 = 64 (4s + t) + 16q) and digit j, the uint4 whose word p
// holds digit j of x[k0 + p + 4i] in byte i (the k's of (w >> 2p) &
// 0x03030303); index (((s * 4 + q) * 4 + t) * 5 + j: a warp's 128-bit loads
// of one (s, q) are 20 consecutive uint4. Also the sums Z_j (zs) and the
// scale 2^(E - 38) (NaN for a non-finite x), in shared memory.
__device__ __forceinline__ void stageDigits(const float *__restrict__ x,
                                            int K, int steps, uint4 *ds,
                                            int *zs, double *down,
                                            unsigned *maxBits) {
  const int lane = threadIdx.x & 31;
  unsigned m = 0;
  for (int k = threadIdx.x; k < K; k += blockDim.x)
    m = max(m, __float_as_uint(x[k]) & 0x7FFFFFFFu);
#pragma unroll
  for (int o = 16; o; o >>= 1)
    m = max(m, __shfl_xor_sync(0xffffffffu, m, o));
  if (threadIdx.x < 5)
    zs[threadIdx.x] = 0;
  if (threadIdx.x == 0)
    *maxBits = 0;
  __syncthreads();
  if (lane == 0)
    atomicMax(maxBits, m);
  __syncthreads();
  // The exponent field of max |x|, 1 for subnormals: max |x| < 2^E,
  // E = e - 126.
  const unsigned e = max(*maxBits >> 23, 1u);
  if (threadIdx.x == 0)
    *down = e >= 255 ? __longlong_as_double(0x7FF8000000000000ll)
                     : __longlong_as_double((long long)(e + 859) << 52);
  int z[5] = {};
  const unsigned long long C = 0x8080808080ull;
  for (int item = threadIdx.x; item < steps * 16; item += blockDim.x) {
    int t = item & 3, q = (item >> 2) & 3, s = item >> 4;
    int k0 = 64 * (4 * s + t) + 16 * q;
    unsigned *out = reinterpret_cast<unsigned *>(ds) +
                    ((s * 4 + q) * 4 + t) * 20;
#pragma unroll
    for (int p = 0; p < 4; ++p) {
      // digit j of x[k0 + p + 4i] into byte i of word p of uint4 j
      unsigned lo[4], hi[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        float v = k0 < K ? x[k0 + p + 4 * i] : 0.0f;
        // trunc(v 2^(38 - E)) from the f32 bits, integer operations only.
        unsigned bits = __float_as_uint(v), field = (bits >> 23) & 0xFF;
        unsigned long long m =
            (bits & 0x7FFFFF) | (field ? 0x800000u : 0u);
        unsigned drop = min(e - max(field, 1u), 63u);
        long long u = (long long)((m << 14) >> drop);
        if ((int)bits < 0)
          u = -u;
        unsigned long long dgt = ((unsigned long long)u + C) ^ C;
        lo[i] = (unsigned)dgt;
        hi[i] = (unsigned)(dgt >> 32);
      }
#pragma unroll
      for (int j = 0; j < 5; ++j) {
        const unsigned(&src)[4] = j < 4 ? lo : hi;
        const unsigned sel = (j & 3) | ((4 + (j & 3)) << 4);
        unsigned r = __byte_perm(__byte_perm(src[0], src[1], sel),
                                 __byte_perm(src[2], src[3], sel), 0x5410);
        z[j] = __dp4a((int)r, 0x01010101, z[j]);
        out[4 * j + p] = r;
      }
    }
  }
#pragma unroll
  for (int j = 0; j < 5; ++j) {
#pragma unroll
    for (int o = 16; o; o >>= 1)
      z[j] += __shfl_xor_sync(0xffffffffu, z[j], o);
    if (lane == 0)
      atomicAdd(&zs[j], z[j]);
  }
  __syncthreads();
}

// F: T 16-column tiles per warp, loads D units ahead, SPLIT warps per tile
// (step s to warp s mod SPLIT of the group; their exact i32 sums meet in
// shared memory behind the group's barrier), blocks of WARPS warps (more
// than 8 where the digits of a long row leave room for one block per SM
// only); grid persistent as S's.
template <int T, int D, int SPLIT = 1, int WARPS = 8>
__global__ __launch_bounds__(WARPS * 32) void gemvF(
    const float *__restrict__ x, const uint32_t *__restrict__ w,
    float *__restrict__ y, int N, int K) {
  static_assert(WARPS % SPLIT == 0, "groups of SPLIT warps");
  extern __shared__ uint4 ds[];
  __shared__ int zs[5];
  __shared__ double down;
  __shared__ unsigned maxBits;
  __shared__ int partial[2][SPLIT > 1 ? WARPS : 1][4 * T][32];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int g = lane >> 2, t = lane & 3;
  const int steps = (K + 255) / 256, chunks = K / 64, rowWords = K / 16;
  const int r = warp % SPLIT;
  const int group = (warp / SPLIT) * gridDim.x + blockIdx.x;
  const int groups = gridDim.x * (WARPS / SPLIT);
  const int tiles = (N + 16 * T - 1) / (16 * T);
  const int myTiles = group < tiles ? (tiles - group + groups - 1) / groups
                                    : 0;
  const int mySteps = (steps - r + SPLIT - 1) / SPLIT; // launcher: >= 1
  const int units = myTiles * mySteps;
  uint4 buf[D + 1][2 * T];
  int li = 0, lu = 0;
  auto loadNext = [&](uint4(&v)[2 * T]) {
    if (li >= myTiles)
      return;
    int col0 = (group + li * groups) * 16 * T;
    int chunk = 4 * (r + lu * SPLIT) + t;
    int offset = chunk < chunks ? 4 * chunk : 0; // past K: zero digits
    loadTile<T, 1>(w, col0, g, N, rowWords, offset, v);
    if (++lu == mySteps)
      lu = 0, ++li;
  };
#pragma unroll
  for (int d = 0; d < D; ++d)
    loadNext(buf[d]);
  stageDigits(x, K, steps, ds, zs, &down, &maxBits);
  // Lane t's digits 2t, 2t + 1 (weights 2^16t, 2^(16t + 8); none past 4).
  const int z0 = zs[min(2 * t, 4)], z1 = zs[min(2 * t + 1, 4)];
  const double w0 = 2 * t < 5 ? (double)(1ll << (16 * t)) : 0.0;
  const double w1 = 2 * t + 1 < 5 ? (double)(1ll << (16 * t + 8)) : 0.0;
  const double scale = down;

  int acc[T][4] = {};
  int ci = 0, cu = 0;
  auto compute = [&](const uint4(&v)[2 * T]) {
#pragma unroll
    for (int q = 0; q < 4; ++q) {
      uint4 bv = ds[(((r + cu * SPLIT) * 4 + q) * 4 + t) * 5 + min(g, 4)];
      unsigned b[4] = {bv.x, bv.y, bv.z, bv.w};
#pragma unroll
      for (int p = 0; p < 4; ++p)
#pragma unroll
        for (int jj = 0; jj < T; ++jj)
          mmaU8S8(acc[jj], (wordOf(v[2 * jj], q) >> (2 * p)) & 0x03030303u,
                  (wordOf(v[2 * jj + 1], q) >> (2 * p)) & 0x03030303u, b[p]);
    }
    if (++cu < mySteps)
      return;
    // The group's exact sums (any order gives the same).
    if constexpr (SPLIT > 1)
      sumOverGroup<T, SPLIT, WARPS>(partial, ci & 1, warp, lane, acc);
    int col0 = (group + ci * groups) * 16 * T;
#pragma unroll
    for (int jj = 0; jj < T; ++jj)
#pragma unroll
      for (int h = 0; h < 2 && r == 0; ++h) {
        // Lane t holds digits 2t and 2t + 1 of columns g (h = 0), g + 8.
        double v = (double)(acc[jj][2 * h] - z0) * w0 +
                   (double)(acc[jj][2 * h + 1] - z1) * w1;
        v += __shfl_xor_sync(0xffffffffu, v, 1);
        v += __shfl_xor_sync(0xffffffffu, v, 2);
        int col = col0 + 16 * jj + 8 * h + g;
        if (t == 0 && col < N)
          y[col] = (float)(v * scale);
      }
#pragma unroll
    for (int jj = 0; jj < T; ++jj)
#pragma unroll
      for (int e = 0; e < 4; ++e)
        acc[jj][e] = 0;
    cu = 0, ++ci;
  };
  runUnits<D>(units, buf, loadNext, compute);
}

struct Case {
  std::string name;
  std::function<void(const float *, const uint32_t *, float *)> launch;
  bool checked = true;
};

int main(int argc, char **argv) {
  int K = 8192, N = 28672, repeat = 50;
  if (argc >= 3) {
    K = std::atoi(argv[1]);
    N = std::atoi(argv[2]);
  }
  if (K % 64 != 0) {
    std::fprintf(stderr, "K must be a multiple of 64\n");
    return 2;
  }
  cudaDeviceProp prop;
  CHECK(cudaGetDeviceProperties(&prop, 0));
  const int sms = prop.multiProcessorCount;
  const size_t wBytes = (size_t)N * K / 4;
  const int copies =
      (int)std::max<size_t>(1, ((size_t)512 << 20) / wBytes + 1);
  std::printf("# %s, %d SMs; K=%d N=%d, weights %.1f MB, %d copies\n",
              prop.name, sms, K, N, wBytes / 1e6, copies);

  std::mt19937_64 rng(42);
  std::normal_distribution<float> normal;
  std::vector<uint8_t> hw(wBytes);
  std::vector<float> hx(K);
  for (auto &b : hw) {
    uint8_t v = 0;
    for (int i = 0; i < 4; ++i)
      v |= (uint8_t)(rng() % 3) << (2 * i);
    b = v;
  }
  for (auto &v : hx)
    v = normal(rng);
  std::vector<double> ref(N);
  double refMax = 0;
  for (int n = 0; n < N; ++n) {
    double s = 0;
    const uint8_t *row = hw.data() + (size_t)n * K / 4;
    for (int k = 0; k < K; ++k)
      s += (double)(((row[k / 4] >> (2 * (k % 4))) & 3) - 1) * hx[k];
    ref[n] = s;
    refMax = std::max(refMax, std::fabs(s));
  }

  float *dx, *dy;
  int *dummy;
  std::vector<uint32_t *> dw(copies);
  CHECK(cudaMalloc(&dx, K * sizeof(float)));
  CHECK(cudaMalloc(&dy, N * sizeof(float)));
  CHECK(cudaMalloc(&dummy, sizeof(int)));
  CHECK(cudaMemcpy(dx, hx.data(), K * sizeof(float), cudaMemcpyHostToDevice));
  for (auto &p : dw) {
    CHECK(cudaMalloc(&p, wBytes));
    CHECK(cudaMemcpy(p, hw.data(), wBytes, cudaMemcpyHostToDevice));
  }
  printCopyBandwidth();

  const unsigned bits = 0x43004300u; // the bf16 pair 128
  const int steps = (K + 255) / 256;
  const size_t stagedBytes = (size_t)steps * 96 * 16;
  std::vector<Case> cases;
  // perSM > 0: min(sms * perSM, needed) blocks; perSM < 0: as many blocks as
  // give every group the same number of tiles, for at most -perSM per SM.
  auto addS = [&](auto kernel, int T, int split, int perSM,
                  std::string name) {
    if (steps < split)
      return;
    if (cudaFuncSetAttribute(kernel,
                             cudaFuncAttributeMaxDynamicSharedMemorySize,
                             (int)stagedBytes) != cudaSuccess) {
      cudaGetLastError();
      std::printf("%-40s skipped: %zu bytes of shared memory\n", name.c_str(),
                  stagedBytes);
      return;
    }
    int resident = 0;
    CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(
        &resident, kernel, 256, stagedBytes));
    int per = std::min(std::abs(perSM), resident);
    if (per == 0) {
      std::printf("%-40s skipped: no block fits an SM\n", name.c_str());
      return;
    }
    int tiles = (N + 16 * T - 1) / (16 * T), gpb = 8 / split;
    int needed = (tiles + gpb - 1) / gpb;
    int blocks = std::min(sms * per, needed);
    if (perSM < 0) {
      int each = (tiles + sms * per * gpb - 1) / (sms * per * gpb);
      blocks = (tiles + each * gpb - 1) / (each * gpb);
    }
    cases.push_back({name + " " + std::to_string(blocks) + " blocks (" +
                         std::to_string(resident) + "/SM fit)",
                     [=](auto x, auto w, auto y) {
                       kernel<<<blocks, 256, stagedBytes>>>(x, w, y, N, K,
                                                            bits);
                     }});
  };
  addS(gemvS<1, 1, 1, 1>, 1, 1, 3, "S t1 s1 d1 hint x3");
  addS(gemvS<1, 1, 2, 1>, 1, 1, 3, "S t1 s1 d2 hint x3");
  addS(gemvS<1, 1, 2, 1>, 1, 1, 2, "S t1 s1 d2 hint x2");
  addS(gemvS<1, 1, 2, 0>, 1, 1, 3, "S t1 s1 d2 x3");
  addS(gemvS<2, 1, 1, 1>, 2, 1, 3, "S t2 s1 d1 hint x3");
  addS(gemvS<1, 2, 1, 1>, 1, 2, 3, "S t1 s2 d1 hint x3");
  addS(gemvS<1, 2, 2, 1>, 1, 2, 3, "S t1 s2 d2 hint x3");
  addS(gemvS<1, 2, 2, 1>, 1, 2, -3, "S t1 s2 d2 hint x3 balanced");
  addS(gemvS<1, 4, 1, 1>, 1, 4, 3, "S t1 s4 d1 hint x3");
  addS(gemvS<1, 4, 2, 1>, 1, 4, 3, "S t1 s4 d2 hint x3");
  addS(gemvS<1, 8, 1, 1>, 1, 8, 3, "S t1 s8 d1 hint x3");
  addS(gemvS<1, 8, 2, 1>, 1, 8, 3, "S t1 s8 d2 hint x3");
  addS(gemvS<1, 8, 2, 1>, 1, 8, -3, "S t1 s8 d2 hint x3 balanced");
  addS(gemvS<2, 4, 1, 1>, 2, 4, 3, "S t2 s4 d1 hint x3");
  addS(gemvS<2, 8, 1, 1>, 2, 8, 2, "S t2 s8 d1 hint x2");
  const size_t digitBytes = (size_t)steps * 80 * 16;
  auto addF = [&](auto kernel, int T, int perSM, std::string name,
                  int split = 1, int warps = 8) {
    if (steps < split)
      return;
    if (cudaFuncSetAttribute(kernel,
                             cudaFuncAttributeMaxDynamicSharedMemorySize,
                             (int)digitBytes) != cudaSuccess) {
      cudaGetLastError();
      std::printf("%-40s skipped: %zu bytes of shared memory\n",
                  name.c_str(), digitBytes);
      return;
    }
    int resident = 0;
    CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(
        &resident, kernel, warps * 32, digitBytes));
    int per = std::min(perSM, resident);
    if (per == 0) {
      std::printf("%-40s skipped: no block fits an SM\n", name.c_str());
      return;
    }
    int tiles = (N + 16 * T - 1) / (16 * T), gpb = warps / split;
    int blocks = std::min(sms * per, (tiles + gpb - 1) / gpb);
    cases.push_back({name + " " + std::to_string(blocks) + " blocks (" +
                         std::to_string(resident) + "/SM fit)",
                     [=](auto x, auto w, auto y) {
                       kernel<<<blocks, warps * 32, digitBytes>>>(x, w, y,
                                                                  N, K);
                     }});
  };
  addF(gemvF<1, 1>, 1, 3, "F t1 d1 x3");
  addF(gemvF<1, 2>, 1, 3, "F t1 d2 x3");
  addF(gemvF<1, 2>, 1, 2, "F t1 d2 x2");
  addF(gemvF<1, 3>, 1, 3, "F t1 d3 x3");
  addF(gemvF<2, 1>, 2, 3, "F t2 d1 x3");
  addF(gemvF<2, 2>, 2, 3, "F t2 d2 x3");
  // Tiles < warps at 8192x28672 (1792 tiles, 13.6 busy warps per SM):
  // deeper look-ahead costs registers only where blocks idle anyway.
  addF(gemvF<1, 4>, 1, 2, "F t1 d4 x2");
  addF(gemvF<1, 4>, 1, 3, "F t1 d4 x3");
  // Long rows (28672x8192: 512 tiles, digits for one block per SM): K
  // split over the warps of a tile, blocks of 8 or 32 warps.
  addF(gemvF<1, 2, 8>, 1, 3, "F t1 d2 s8 x3", 8);
  addF(gemvF<1, 2, 4>, 1, 3, "F t1 d2 s4 x3", 4);
  addF(gemvF<1, 2, 8, 32>, 1, 1, "F t1 d2 s8 w32 x1", 8, 32);
  addF(gemvF<1, 3, 4, 32>, 1, 1, "F t1 d3 s4 w32 x1", 4, 32);
  cases.push_back({"R read all, 4 blocks/SM",
                   [&](auto, auto w, auto) {
                     readAll<0><<<sms * 4, 256>>>(
                         reinterpret_cast<const uint4 *>(w), wBytes / 16,
                         dummy);
                   },
                   false});

  std::vector<float> hy(N);
  cudaEvent_t e0, e1;
  cudaEventCreate(&e0);
  cudaEventCreate(&e1);
  for (int round = 0; round < 2; ++round)
    for (auto &c : cases) {
      CHECK(cudaMemset(dy, 0xFF, N * sizeof(float))); // NaN: unwritten
      c.launch(dx, dw[0], dy);
      CHECK(cudaGetLastError());
      CHECK(cudaDeviceSynchronize());
      double err = 0;
      if (c.checked) {
        CHECK(cudaMemcpy(hy.data(), dy, N * sizeof(float),
                         cudaMemcpyDeviceToHost));
        for (int n = 0; n < N; ++n) {
          double d = std::fabs((double)hy[n] - ref[n]);
          err = std::isnan(d) ? INFINITY : std::max(err, d);
        }
        err /= refMax;
      }
      for (int i = 0; i < 3; ++i)
        c.launch(dx, dw[(i + 1) % copies], dy);
      cudaEventRecord(e0);
      for (int i = 0; i < repeat; ++i)
        c.launch(dx, dw[(i + 4) % copies], dy);
      cudaEventRecord(e1);
      CHECK(cudaEventSynchronize(e1));
      float ms;
      cudaEventElapsedTime(&ms, e0, e1);
      double us = ms * 1e3 / repeat;
      char check[64] = "";
      if (c.checked)
        std::snprintf(check, sizeof check, "error %.1e %s", err,
                      err <= 1e-5 ? "ok" : "WRONG");
      std::printf("%-48s %7.2f us  %6.0f GB/s  %s\n", c.name.c_str(), us,
                  wBytes / (us * 1e-6) / 1e9, check);
    }
  return 0;
}
