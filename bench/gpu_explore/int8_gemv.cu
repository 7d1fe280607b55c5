// Exploration, not product code: hand-written CUDA versions of the int8
// (dp4a) ternary GEMV, to find out on a GPU which kernel structure reads
// the packed weights closest to the copy bandwidth before building that
// structure into convert-ternary-to-gpu (PackedGemv.cpp). Each kernel is
// checked against an int64 host reference; times are per call, by CUDA
// events around calls that rotate over weight copies spanning 512 MiB (past
// the L2), as bench/gpu_bench.py does.
//
//   nvcc -O3 -arch=sm_90 -std=c++17 --extended-lambda -o int8_gemv \
//       int8_gemv.cu && ./int8_gemv [K N]
//
// After the runs of bench/results/2026-12-04-h200-explore/, the staging and
// the dot product of B, C and D were factored into stageX and dotStaged;
// ptxas/cuobjdump (CUDA 13.0, sm_90) give the same SASS as the measured
// source, instruction for instruction up to the order of a few moves,
// except D cs2 ch2 d1 (register allocation in 40 instructions).
//
// Layout (runtime/include/ternary_packing.h, offset2): w[n] is K/4 bytes,
// trit k at bits 2(k % 4) of byte k / 4, code = trit + 1; y[n] = sum_k
// trit * x[k], exact in i32.
#include <cuda_runtime.h>

#include "harness.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>


__device__ __forceinline__ int dp4aUS(unsigned codes, unsigned xs, int acc) {
  int r;
  asm("dp4a.u32.s32 %0, %1, %2, %3;" : "=r"(r) : "r"(codes), "r"(xs), "r"(acc));
  return r;
}

// The 16 x bytes of v as 4 words t[p] = bytes {x[p], x[4+p], x[8+p], x[12+p]}.
__device__ __forceinline__ void transpose16(uint4 v, unsigned t[4]) {
#pragma unroll
  for (int p = 0; p < 4; ++p) {
    unsigned sel = p | ((4 + p) << 4);
    unsigned lo = __byte_perm(v.x, v.y, sel);
    unsigned hi = __byte_perm(v.z, v.w, sel);
    t[p] = __byte_perm(lo, hi, 0x5410);
  }
}

// v transposed (transpose16) as a uint4; `sum` plus the sum of its bytes.
__device__ __forceinline__ uint4 transposeAndSum(uint4 v, int &sum) {
  unsigned tr[4];
  transpose16(v, tr);
#pragma unroll
  for (int p = 0; p < 4; ++p)
    sum = __dp4a(0x01010101, (int)tr[p], sum);
  return make_uint4(tr[0], tr[1], tr[2], tr[3]);
}

__device__ __forceinline__ int dotWord(unsigned word, const unsigned t[4],
                                       int acc) {
#pragma unroll
  for (int p = 0; p < 4; ++p)
    acc = dp4aUS((word >> (2 * p)) & 0x03030303u, t[p], acc);
  return acc;
}

__device__ __forceinline__ int warpSum(int v) {
#pragma unroll
  for (int o = 16; o; o >>= 1)
    v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

// A: the kernel convert-ternary-to-gpu builds today (ternary_gemv_i8_r1c4w4):
// 8 warps, COLS columns per warp, a lane loads 16 bytes of each column and
// the 64 x bytes of the step, K loop unrolled by UNROLL.
template <int COLS, int UNROLL, int HINT = 0>
__global__ __launch_bounds__(256) void gemvA(const int8_t *__restrict__ x,
                                             const uint32_t *__restrict__ w,
                                             int *__restrict__ y, int N,
                                             int rowWords) {
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  int col0 = (blockIdx.x * 8 + warp) * COLS;
  int acc[COLS] = {}, xsum = 0;
  const uint32_t *rows[COLS];
#pragma unroll
  for (int j = 0; j < COLS; ++j)
    rows[j] = w + (size_t)min(col0 + j, N - 1) * rowWords;
#pragma unroll UNROLL
  for (int s = lane * 4; s < rowWords; s += 128) {
    const uint4 *xp = reinterpret_cast<const uint4 *>(x + s * 16);
    unsigned t[4][4];
#pragma unroll
    for (int q = 0; q < 4; ++q) {
      transpose16(xp[q], t[q]);
#pragma unroll
      for (int p = 0; p < 4; ++p)
        xsum = __dp4a(0x01010101, (int)t[q][p], xsum);
    }
#pragma unroll
    for (int j = 0; j < COLS; ++j) {
      uint4 v = loadW<HINT>(rows[j] + s);
      acc[j] = dotWord(v.x, t[0], acc[j]);
      acc[j] = dotWord(v.y, t[1], acc[j]);
      acc[j] = dotWord(v.z, t[2], acc[j]);
      acc[j] = dotWord(v.w, t[3], acc[j]);
    }
  }
  xsum = warpSum(xsum);
#pragma unroll
  for (int j = 0; j < COLS; ++j) {
    int v = warpSum(acc[j]) - xsum;
    if (lane == 0 && col0 + j < N)
      y[col0 + j] = v;
  }
}

// Stages x, transposed, in shared memory: chunk c = (t * 4 + q) * 32 + l
// holds the 16 bytes that lane l uses as word q of step t (k = 64 l +
// 2048 t + 16 q), so that a warp's 128-bit shared loads are conflict-free;
// `chunks` chunks (PADDED: zeros past K, else chunks * 16 == K); returns
// the sum of x. Every thread of the block takes part.
template <bool PADDED>
__device__ __forceinline__ int stageX(const int8_t *__restrict__ x, int K,
                                      int chunks, uint4 *xt, int *blockSum) {
  int sum = 0;
  for (int c = threadIdx.x; c < chunks; c += blockDim.x) {
    int l = c & 31, tq = c >> 5, t = tq >> 2, q = tq & 3;
    int kx = 64 * l + 2048 * t + 16 * q;
    uint4 v = !PADDED || kx < K ? *reinterpret_cast<const uint4 *>(x + kx)
                                : make_uint4(0, 0, 0, 0);
    xt[c] = transposeAndSum(v, sum);
  }
  sum = warpSum(sum);
  if (threadIdx.x == 0)
    *blockSum = 0;
  __syncthreads();
  if ((threadIdx.x & 31) == 0)
    atomicAdd(blockSum, sum);
  __syncthreads();
  return *blockSum;
}

// acc[j] += the dp4a sums of columns j's words v[j][t] (steps step0 + t)
// with the staged x.
template <int COLS, int STEPS>
__device__ __forceinline__ void dotStaged(const uint4 *xt, int lane,
                                          int step0,
                                          const uint4 (&v)[COLS][STEPS],
                                          int (&acc)[COLS]) {
#pragma unroll
  for (int t = 0; t < STEPS; ++t) {
#pragma unroll
    for (int q = 0; q < 4; ++q) {
      uint4 xv = xt[((step0 + t) * 4 + q) * 32 + lane];
      unsigned tr[4] = {xv.x, xv.y, xv.z, xv.w};
#pragma unroll
      for (int j = 0; j < COLS; ++j)
        acc[j] = dotWord(wordOf(v[j][t], q), tr, acc[j]);
    }
  }
}

// B: x staged in shared memory (transposed once per block, not per warp);
// each warp issues all STEPS x COLS of its weight loads first, then computes.
// K = 2048 * STEPS.
template <int COLS, int STEPS>
__global__ __launch_bounds__(256) void gemvB(const int8_t *__restrict__ x,
                                             const uint32_t *__restrict__ w,
                                             int *__restrict__ y, int N) {
  extern __shared__ uint4 xt[];
  __shared__ int blockSum;
  constexpr int rowWords = 128 * STEPS;
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  int col0 = (blockIdx.x * 8 + warp) * COLS;
  uint4 v[COLS][STEPS];
#pragma unroll
  for (int j = 0; j < COLS; ++j) {
    const uint32_t *row = w + (size_t)min(col0 + j, N - 1) * rowWords;
#pragma unroll
    for (int t = 0; t < STEPS; ++t)
      v[j][t] = *reinterpret_cast<const uint4 *>(row + lane * 4 + 128 * t);
  }
  int xsum = stageX<false>(x, 2048 * STEPS, 128 * STEPS, xt, &blockSum);
  int acc[COLS] = {};
  dotStaged(xt, lane, 0, v, acc);
#pragma unroll
  for (int j = 0; j < COLS; ++j) {
    int s = warpSum(acc[j]) - xsum;
    if (lane == 0 && col0 + j < N)
      y[col0 + j] = s;
  }
}

// C: B made persistent: gridDim.x blocks (a whole number per SM) stage x
// once, then loop over groups of 8 * COLS columns, the loads of the next
// group issued before the arithmetic of this one.
template <int COLS, int STEPS, int HINT = 0, bool AHEAD = false>
__global__ __launch_bounds__(256) void gemvC(const int8_t *__restrict__ x,
                                             const uint32_t *__restrict__ w,
                                             int *__restrict__ y, int N) {
  extern __shared__ uint4 xt[];
  __shared__ int blockSum;
  constexpr int rowWords = 128 * STEPS;
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  int groups = (N + 8 * COLS - 1) / (8 * COLS);
  auto load = [&](int g, uint4 (&v)[COLS][STEPS]) {
    int col0 = (g * 8 + warp) * COLS;
#pragma unroll
    for (int j = 0; j < COLS; ++j) {
      const uint32_t *row = w + (size_t)min(col0 + j, N - 1) * rowWords;
#pragma unroll
      for (int t = 0; t < STEPS; ++t)
        v[j][t] = loadW<HINT>(row + lane * 4 + 128 * t);
    }
  };
  uint4 v[COLS][STEPS], next[COLS][STEPS];
  int g = blockIdx.x;
  if (g < groups)
    load(g, v);
  int xsum = stageX<false>(x, 2048 * STEPS, 128 * STEPS, xt, &blockSum);
  for (; g < groups; g += gridDim.x) {
    if (AHEAD && g + gridDim.x < groups)
      load(g + gridDim.x, next);
    int acc[COLS] = {};
    dotStaged(xt, lane, 0, v, acc);
    if (AHEAD) {
#pragma unroll
      for (int j = 0; j < COLS; ++j)
#pragma unroll
        for (int t = 0; t < STEPS; ++t)
          v[j][t] = next[j][t];
    } else if (g + gridDim.x < groups) {
      load(g + gridDim.x, v);
    }
    int col0 = (g * 8 + warp) * COLS;
#pragma unroll
    for (int j = 0; j < COLS; ++j) {
      int s = warpSum(acc[j]) - xsum;
      if (lane == 0 && col0 + j < N)
        y[col0 + j] = s;
    }
  }
}


// D: C with columns walked in chunks of CS steps (a unit = a column's
// chunk, CH chunks per column, steps past the row end padded) and DEPTH
// units of loads in flight ahead of the arithmetic; warp g of G takes
// columns g, g + G, ... (the MLIR kernel's order).
template <int CS, int CH, int DEPTH>
__global__ __launch_bounds__(256) void gemvD(const int8_t *__restrict__ x,
                                             const uint32_t *__restrict__ w,
                                             int *__restrict__ y, int N,
                                             int K) {
  extern __shared__ uint4 xt[];
  __shared__ int blockSum;
  const int rowWords = K / 16;
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  int gw = blockIdx.x * 8 + warp, G = gridDim.x * 8;
  int columns = gw < N ? (N - gw + G - 1) / G : 0;
  int units = columns * CH;
  auto load = [&](int u, uint4 (&v)[CS]) {
    if (u >= units)
      return;
    int col = gw + (u / CH) * G, chunk = u % CH;
    const uint32_t *row = w + (size_t)col * rowWords;
#pragma unroll
    for (int t = 0; t < CS; ++t) {
      int off = lane * 4 + 128 * (chunk * CS + t);
      v[t] = loadW<1>(row + (off < rowWords ? off : 0));
    }
  };
  uint4 buf[DEPTH + 1][CS];
#pragma unroll
  for (int d = 0; d < DEPTH; ++d)
    load(d, buf[d]);
  int xsum = stageX<true>(x, K, CH * CS * 128, xt, &blockSum), acc = 0;
  for (int u = 0; u < units; ++u) {
    // rotate: buf[0] is this unit's; load unit u + DEPTH into buf[DEPTH]
    load(u + DEPTH, buf[DEPTH]);
    int chunk = u % CH;
    int one[1] = {acc};
    dotStaged<1, CS>(xt, lane, chunk * CS,
                     reinterpret_cast<const uint4(&)[1][CS]>(buf[0]), one);
    acc = one[0];
    if (chunk == CH - 1) {
      int s = warpSum(acc) - xsum;
      if (lane == 0)
        y[gw + (u / CH) * G] = s;
      acc = 0;
    }
#pragma unroll
    for (int d = 0; d < DEPTH; ++d)
#pragma unroll
      for (int t = 0; t < CS; ++t)
        buf[d][t] = buf[d + 1][t];
  }
}

// M: the one-row int8 GEMV on the int8 tensor cores (the structure of
// ternary_gemv_f32_fx_k with one digit, x itself): mma.m16n8k16.u8.s8 with
// the trit codes of 16 columns as A (u8, (w >> 2p) & 0x03030303) and x as
// B's column 0 (s8; every lane loads the same 16 staged bytes, columns 1..7
// are unused), y = S - sum(x). Per 8 trits of a lane one mma and two
// masked words, against 2 dp4a and 2 masked words. Persistent grid, tile j
// of 16 columns to warp j / blocks of block j mod blocks, a warp walking
// its tiles' 256-k steps with the loads of D units ahead (unrolled rounds).
template <int D>
__global__ __launch_bounds__(256) void gemvM(const int8_t *__restrict__ x,
                                             const uint32_t *__restrict__ w,
                                             int *__restrict__ y, int N,
                                             int K) {
  // Item (s, q, t): the 16 bytes of word q of chunk 4s + t, transposed so
  // that word p holds x[k0 + p + 4i] in byte i (k0 = 64 (4s + t) + 16q).
  extern __shared__ uint4 xs[];
  __shared__ int partial[8];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int g = lane >> 2, t = lane & 3;
  const int steps = (K + 255) / 256, chunks = K / 64, rowWords = K / 16;
  const int group = warp * gridDim.x + blockIdx.x, groups = gridDim.x * 8;
  const int tiles = (N + 15) / 16;
  const int myTiles = group < tiles ? (tiles - group + groups - 1) / groups
                                    : 0;
  const int units = myTiles * steps;
  uint4 buf[D + 1][2];
  int li = 0, lu = 0;
  auto loadNext = [&](uint4(&v)[2]) {
    if (li >= myTiles)
      return;
    int col0 = (group + li * groups) * 16;
    int chunk = 4 * lu + t;
    int offset = chunk < chunks ? 4 * chunk : 0; // past K: zero x
    loadTile<1, 1>(w, col0, g, N, rowWords, offset, v);
    if (++lu == steps)
      lu = 0, ++li;
  };
#pragma unroll
  for (int d = 0; d < D; ++d)
    loadNext(buf[d]);
  int sum = 0;
  for (int item = threadIdx.x; item < steps * 16; item += blockDim.x) {
    int it = item & 3, q = (item >> 2) & 3, s = item >> 4;
    int k0 = 64 * (4 * s + it) + 16 * q;
    uint4 v = k0 < K ? *reinterpret_cast<const uint4 *>(x + k0)
                     : make_uint4(0, 0, 0, 0);
    xs[item] = transposeAndSum(v, sum);
  }
  sum = warpSum(sum);
  if (lane == 0)
    partial[warp] = sum;
  __syncthreads();
  int xsum = 0;
#pragma unroll
  for (int i = 0; i < 8; ++i)
    xsum += partial[i];

  int acc[4] = {};
  int ci = 0, cu = 0;
  auto compute = [&](const uint4(&v)[2]) {
#pragma unroll
    for (int q = 0; q < 4; ++q) {
      uint4 bv = xs[(cu * 4 + q) * 4 + t];
      unsigned b[4] = {bv.x, bv.y, bv.z, bv.w};
#pragma unroll
      for (int p = 0; p < 4; ++p)
        mmaU8S8(acc, (wordOf(v[0], q) >> (2 * p)) & 0x03030303u,
                (wordOf(v[1], q) >> (2 * p)) & 0x03030303u, b[p]);
    }
    if (++cu < steps)
      return;
    // Lane t = 0 holds D's column 0 (x) of columns g and g + 8.
    int col0 = (group + ci * groups) * 16;
#pragma unroll
    for (int h = 0; h < 2; ++h)
      if (t == 0 && col0 + 8 * h + g < N)
        y[col0 + 8 * h + g] = acc[2 * h] - xsum;
#pragma unroll
    for (int e = 0; e < 4; ++e)
      acc[e] = 0;
    cu = 0, ++ci;
  };
  runUnits<D>(units, buf, loadNext, compute);
}

struct Case {
  std::string name;
  std::function<void(const int8_t *, const uint32_t *, int *)> launch;
  bool checked = true;
};

int main(int argc, char **argv) {
  int K = 8192, N = 28672, repeat = 50;
  if (argc >= 3) {
    K = std::atoi(argv[1]);
    N = std::atoi(argv[2]);
  }
  cudaDeviceProp prop;
  CHECK(cudaGetDeviceProperties(&prop, 0));
  const int sms = prop.multiProcessorCount;
  const size_t wBytes = (size_t)N * K / 4;
  const int copies = (int)std::max<size_t>(1, ((size_t)512 << 20) / wBytes + 1);
  std::printf("# %s, %d SMs; K=%d N=%d, weights %.1f MB, %d copies\n",
              prop.name, sms, K, N, wBytes / 1e6, copies);

  std::mt19937_64 rng(42);
  std::vector<uint8_t> hw(wBytes);
  std::vector<int8_t> hx(K);
  for (auto &b : hw) {
    uint8_t v = 0;
    for (int i = 0; i < 4; ++i)
      v |= (uint8_t)(rng() % 3) << (2 * i);
    b = v;
  }
  for (auto &v : hx)
    v = (int8_t)((int)(rng() % 255) - 127);
  std::vector<long long> ref(N);
  for (int n = 0; n < N; ++n) {
    long long s = 0;
    const uint8_t *row = hw.data() + (size_t)n * K / 4;
    for (int k = 0; k < K; ++k)
      s += (long long)(((row[k / 4] >> (2 * (k % 4))) & 3) - 1) * hx[k];
    ref[n] = s;
  }

  int8_t *dx;
  int *dy, *dummy;
  std::vector<uint32_t *> dw(copies);
  CHECK(cudaMalloc(&dx, K));
  CHECK(cudaMalloc(&dy, N * sizeof(int)));
  CHECK(cudaMalloc(&dummy, sizeof(int)));
  CHECK(cudaMemcpy(dx, hx.data(), K, cudaMemcpyHostToDevice));
  for (auto &p : dw) {
    CHECK(cudaMalloc(&p, wBytes));
    CHECK(cudaMemcpy(p, hw.data(), wBytes, cudaMemcpyHostToDevice));
  }
  printCopyBandwidth();

  const int rowWords = K / 16;
  std::vector<Case> cases;
  auto grid = [&](int cols) { return (N + 8 * cols - 1) / (8 * cols); };
  cases.push_back({"A c4 u2 (today)", [&](auto x, auto w, auto y) {
                     gemvA<4, 2><<<grid(4), 256>>>(x, w, y, N, rowWords);
                   }});
  cases.push_back({"A c4 u2 hint", [&](auto x, auto w, auto y) {
                     gemvA<4, 2, 1><<<grid(4), 256>>>(x, w, y, N, rowWords);
                   }});
  cases.push_back({"A c4 u1", [&](auto x, auto w, auto y) {
                     gemvA<4, 1><<<grid(4), 256>>>(x, w, y, N, rowWords);
                   }});
  cases.push_back({"A c2 u2", [&](auto x, auto w, auto y) {
                     gemvA<2, 2><<<grid(2), 256>>>(x, w, y, N, rowWords);
                   }});
  if (K % 2048 == 0 && K <= 4 * 2048 * 4) {
    auto addB = [&](auto kernel, int cols, std::string name) {
      CHECK(cudaFuncSetAttribute(kernel,
                                 cudaFuncAttributeMaxDynamicSharedMemorySize,
                                 K));
      cases.push_back({name, [=](auto x, auto w, auto y) {
                         kernel<<<(N + 8 * cols - 1) / (8 * cols), 256, K>>>(
                             x, w, y, N);
                       }});
    };
    auto addC = [&](auto kernel, int cols, int perSM, std::string name) {
      CHECK(cudaFuncSetAttribute(kernel,
                                 cudaFuncAttributeMaxDynamicSharedMemorySize,
                                 K));
      int groups = (N + 8 * cols - 1) / (8 * cols);
      int blocks = std::min(sms * perSM, groups);
      if (perSM < 0) { // balanced: every block the same number of groups
        int each = (groups + sms * -perSM - 1) / (sms * -perSM);
        blocks = (groups + each - 1) / each;
      }
      cases.push_back({name + " " + std::to_string(blocks) + " blocks",
                       [=](auto x, auto w, auto y) {
                         kernel<<<blocks, 256, K>>>(x, w, y, N);
                       }});
    };
    if (K == 8192) {
      addB(gemvB<1, 4>, 1, "B c1");
      addB(gemvB<2, 4>, 2, "B c2");
      addB(gemvB<4, 4>, 4, "B c4");
      addC(gemvC<2, 4>, 2, 4, "C c2 x4");
      addC(gemvC<2, 4>, 2, -4, "C c2 x4 balanced");
      addC(gemvC<2, 4, 1>, 2, 4, "C c2 x4 hint");
      addC(gemvC<2, 4, 1>, 2, -4, "C c2 x4 balanced hint");
      addC(gemvC<1, 4>, 1, -4, "C c1 x4 balanced");
      addC(gemvC<1, 4>, 1, -6, "C c1 x6 balanced");
      addC(gemvC<1, 4, 0, true>, 1, -4, "C c1 ahead x4 balanced");
      addC(gemvC<1, 4, 1, true>, 1, -4, "C c1 ahead x4 balanced hint");
      addC(gemvC<1, 4, 1, true>, 1, 4, "C c1 ahead x4 hint");
      addC(gemvC<1, 4, 1, true>, 1, 3, "C c1 ahead x3 hint");
      addC(gemvC<2, 4, 0, true>, 2, -2, "C c2 ahead x2 balanced");
      addC(gemvC<2, 4, 1, true>, 2, -2, "C c2 ahead x2 balanced hint");
      addC(gemvC<4, 4>, 4, -2, "C c4 x2 balanced");
    }
  }

  auto addD = [&](auto kernel, int cs, int ch, int blocks, std::string name) {
    int bytes = cs * ch * 2048;
    CHECK(cudaFuncSetAttribute(kernel,
                               cudaFuncAttributeMaxDynamicSharedMemorySize,
                               bytes));
    cases.push_back({name + " " + std::to_string(blocks) + " blocks",
                     [=](auto x, auto w, auto y) {
                       kernel<<<blocks, 256, bytes>>>(x, w, y, N, K);
                     }});
  };
  if (K == 8192) {
    addD(gemvD<4, 1, 1>, 4, 1, 396, "D cs4 d1");
    addD(gemvD<4, 1, 1>, 4, 1, 399, "D cs4 d1");
    addD(gemvD<4, 1, 1>, 4, 1, 448, "D cs4 d1");
    addD(gemvD<4, 1, 2>, 4, 1, 396, "D cs4 d2");
    addD(gemvD<4, 1, 2>, 4, 1, 264, "D cs4 d2");
    addD(gemvD<2, 2, 1>, 2, 2, 396, "D cs2 ch2 d1");
    addD(gemvD<2, 2, 3>, 2, 2, 396, "D cs2 ch2 d3");
  }
  if (K == 28672) {
    addD(gemvD<2, 7, 1>, 2, 7, 396, "D cs2 ch7 d1");
    addD(gemvD<2, 7, 2>, 2, 7, 396, "D cs2 ch7 d2");
    addD(gemvD<2, 7, 3>, 2, 7, 396, "D cs2 ch7 d3");
    addD(gemvD<4, 4, 1>, 4, 4, 396, "D cs4 ch4 d1");
    addD(gemvD<4, 4, 2>, 4, 4, 396, "D cs4 ch4 d2");
    addD(gemvD<7, 2, 1>, 7, 2, 396, "D cs7 ch2 d1");
    addD(gemvD<7, 2, 1>, 7, 2, 264, "D cs7 ch2 d1");
  }
  auto addM = [&](auto kernel, int perSM, std::string name) {
    int steps = (K + 255) / 256, bytes = steps * 16 * 16;
    CHECK(cudaFuncSetAttribute(kernel,
                               cudaFuncAttributeMaxDynamicSharedMemorySize,
                               bytes));
    int tiles = (N + 15) / 16;
    int blocks = std::min(sms * perSM, (tiles + 7) / 8);
    cases.push_back({name + " " + std::to_string(blocks) + " blocks",
                     [=](auto x, auto w, auto y) {
                       kernel<<<blocks, 256, bytes>>>(x, w, y, N, K);
                     }});
  };
  if (K % 64 == 0) {
    addM(gemvM<1>, 3, "M d1 x3");
    addM(gemvM<2>, 3, "M d2 x3");
    addM(gemvM<3>, 3, "M d3 x3");
    addM(gemvM<4>, 2, "M d4 x2");
  }
  cases.push_back({"R read all, 4 blocks/SM", [&](auto, auto w, auto) {
                     readAll<0><<<sms * 4, 256>>>(
                         reinterpret_cast<const uint4 *>(w), wBytes / 16,
                         dummy);
                   }, false});
  cases.push_back({"R read all, 4 blocks/SM, nc L2::256B", [&](auto, auto w, auto) {
                     readAll<1><<<sms * 4, 256>>>(
                         reinterpret_cast<const uint4 *>(w), wBytes / 16,
                         dummy);
                   }, false});

  std::vector<int> hy(N);
  cudaEvent_t e0, e1;
  cudaEventCreate(&e0);
  cudaEventCreate(&e1);
  for (int round = 0; round < 2; ++round)
    for (auto &c : cases) {
      CHECK(cudaMemset(dy, 0, N * sizeof(int)));
      c.launch(dx, dw[0], dy);
      CHECK(cudaGetLastError());
      CHECK(cudaDeviceSynchronize());
      bool ok = true;
      if (c.checked) {
        CHECK(cudaMemcpy(hy.data(), dy, N * sizeof(int),
                         cudaMemcpyDeviceToHost));
        for (int n = 0; n < N; ++n)
          ok &= hy[n] == ref[n];
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
      std::printf("%-34s %7.2f us  %6.0f GB/s  %s\n", c.name.c_str(), us,
                  wBytes / (us * 1e-6) / 1e9,
                  c.checked ? (ok ? "exact" : "WRONG") : "");
    }
  return 0;
}
