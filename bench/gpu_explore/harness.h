// What the CUDA exploration harnesses (int8_gemv.cu, f32_gemv.cu) share:
// error checks, the 16-byte weight loads, the read ceiling and the copy
// bandwidth as bench/gpu_bench.py measures it. Exploration, not product
// code.
#ifndef TRITONDSL_BENCH_GPU_EXPLORE_HARNESS_H
#define TRITONDSL_BENCH_GPU_EXPLORE_HARNESS_H

#include <cuda_runtime.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#define CHECK(call)                                                          \
  do {                                                                       \
    cudaError_t e = (call);                                                  \
    if (e != cudaSuccess) {                                                  \
      std::fprintf(stderr, "%s:%d %s\n", __FILE__, __LINE__,                 \
                   cudaGetErrorString(e));                                   \
      std::exit(1);                                                          \
    }                                                                        \
  } while (0)

// 16 bytes of weights: a plain load (HINT 0), or ld.global.nc with
// L1::no_allocate and the L2::256B prefetch-size hint (HINT 1).
template <int HINT>
__device__ __forceinline__ uint4 loadW(const uint32_t *p) {
  if (HINT == 0)
    return *reinterpret_cast<const uint4 *>(p);
  uint4 v;
  asm volatile(
      "ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {%0,%1,%2,%3}, [%4];"
      : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w)
      : "l"(p));
  return v;
}

__device__ __forceinline__ unsigned wordOf(uint4 v, int q) {
  return q == 0 ? v.x : q == 1 ? v.y : q == 2 ? v.z : v.w;
}

// d += A B on the int8 tensor cores, m16n8k16: A (a0, a1: rows g, g + 8,
// k 4t..4t+3 of lane 4g + t) unsigned bytes, B (b0: k 4t..4t+3 of column
// g) signed bytes, i32 accumulators.
__device__ __forceinline__ void mmaU8S8(int (&d)[4], unsigned a0, unsigned a1,
                                        unsigned b0) {
  asm volatile("mma.sync.aligned.m16n8k16.row.col.s32.u8.s8.s32 "
               "{%0,%1,%2,%3}, {%4,%5}, {%6}, {%0,%1,%2,%3};"
               : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3])
               : "r"(a0), "r"(a1), "r"(b0));
}

// The 16-byte words of chunk `offset` (a word index in the row) of the 2T
// columns of a lane: columns 16jj + g and 16jj + g + 8 of the tile at col0
// (the last column again past N).
template <int T, int HINT>
__device__ __forceinline__ void loadTile(const uint32_t *__restrict__ w,
                                         int col0, int g, int N,
                                         int rowWords, int offset,
                                         uint4 (&v)[2 * T]) {
#pragma unroll
  for (int c = 0; c < 2 * T; ++c) {
    int col = min(col0 + 16 * (c / 2) + 8 * (c % 2) + g, N - 1);
    v[c] = loadW<HINT>(w + (size_t)col * rowWords + offset);
  }
}

// A warp's units (a unit: the words one step of its tile loads) with the
// loads of the D units after it in flight: the words of the first D are
// in buf[0..D-1] already; unit v's are buf[v % (D + 1)], rounds of D + 1
// units so that the ring is indexed statically. loadNext(words) loads the
// next unit's (nothing past the last), compute(words) does one unit.
template <int D, typename Words, typename Load, typename Compute>
__device__ __forceinline__ void runUnits(int units, Words (&buf)[D + 1],
                                         Load &loadNext, Compute &compute) {
  for (int v = 0; v < units; v += D + 1) {
#pragma unroll
    for (int z = 0; z <= D; ++z) {
      if (v + z < units) {
        loadNext(buf[(z + D) % (D + 1)]);
        compute(buf[z]);
      }
    }
  }
}

// R: the read ceiling: every 16 bytes of w read once (grid-stride, 8 loads
// in flight per thread), summed so that nothing is optimized away.
template <int HINT>
__global__ __launch_bounds__(256) void readAll(const uint4 *__restrict__ w,
                                               size_t n, int *out) {
  unsigned s = 0;
  size_t stride = (size_t)gridDim.x * blockDim.x;
  size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
  for (; i + 7 * stride < n; i += 8 * stride) {
    uint4 v[8];
#pragma unroll
    for (int u = 0; u < 8; ++u)
      v[u] = loadW<HINT>(
          reinterpret_cast<const uint32_t *>(w + i + u * stride));
#pragma unroll
    for (int u = 0; u < 8; ++u)
      s ^= v[u].x ^ v[u].y ^ v[u].z ^ v[u].w;
  }
  for (; i < n; i += stride)
    s ^= w[i].x ^ w[i].y ^ w[i].z ^ w[i].w;
  if (s == 0x12345678u)
    *out = s;
}

// Prints the copy bandwidth, as bench/gpu_bench.py measures it (bytes read
// + written per second of a 1 GiB device-to-device copy).
inline void printCopyBandwidth() {
  size_t bytes = (size_t)1 << 30;
  void *a, *b;
  CHECK(cudaMalloc(&a, bytes));
  CHECK(cudaMalloc(&b, bytes));
  cudaEvent_t e0, e1;
  cudaEventCreate(&e0);
  cudaEventCreate(&e1);
  CHECK(cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice));
  cudaEventRecord(e0);
  for (int i = 0; i < 10; ++i)
    cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice);
  cudaEventRecord(e1);
  cudaEventSynchronize(e1);
  float ms;
  cudaEventElapsedTime(&ms, e0, e1);
  std::printf("# copy: %.0f GB/s read + written\n",
              2.0 * bytes * 10 / (ms * 1e-3) / 1e9);
  cudaFree(a);
  cudaFree(b);
}

#endif // TRITONDSL_BENCH_GPU_EXPLORE_HARNESS_H
