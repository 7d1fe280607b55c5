// ukernel_bench.cpp - Google Benchmark of the packed ternary micro-kernels
// (runtime/include/ternary_ukernels.h) against fp32 dense BLAS (OpenBLAS
// cblas_sgemm / cblas_sgemv) and against the naive path (unpack the packed
// weights to float, then the same BLAS call), side by side in one run, with
// the machine's copy bandwidth measured in the same run.
//
// For y = x @ W, W[K, N]: shapes 784x256, 4096x4096, 4096x11008, 11008x4096,
// 8192x28672; batch (rows of x) 1, 8, 64; 1 thread and all threads.
// Counters: weight_GBps (weight bytes the method reads per call / time:
// packed bytes for ours and naive, 4*K*N for dense) and copy_GBps (the copy
// loop of the same thread count, bytes read + written). bench/report.py turns
// the JSON output into the tables of bench/RESULTS.md (ratios, % of copy).
//
// Filters: --benchmark_filter=... as usual; TRI_BENCH_QUICK=1 runs only the
// two smallest shapes (a smoke test).

#include "ternary_packing.h"
#include "ternary_ukernels.h"

#include <benchmark/benchmark.h>
#include <cblas.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

unsigned allThreads() { return std::max(1u, std::thread::hardware_concurrency()); }

void setThreads(unsigned threads) {
  tri_uk_set_num_threads(threads);
  openblas_set_num_threads(int(threads));
}

//===----------------------------------------------------------------------===//
// Copy bandwidth
//===----------------------------------------------------------------------===//

void BM_Copy(benchmark::State &state) {
  const unsigned threads = unsigned(state.range(0));
  const size_t bytes = size_t(512) << 20; // far above the last-level cache
  std::vector<char> src(bytes, 1), dst(bytes, 0);
  for (auto _ : state) {
    std::vector<std::thread> pool;
    size_t per = bytes / threads;
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        std::memcpy(dst.data() + t * per, src.data() + t * per,
                    t + 1 == threads ? bytes - t * per : per);
      });
    for (auto &th : pool)
      th.join();
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.counters["copy_GBps"] = benchmark::Counter(
      double(2 * bytes) * double(state.iterations()) / 1e9,
      benchmark::Counter::kIsRate);
  state.counters["threads"] = threads;
}

//===----------------------------------------------------------------------===//
// Problems (one shape's data is kept at a time)
//===----------------------------------------------------------------------===//

struct Problem {
  size_t k = 0, n = 0;
  std::vector<uint8_t> offset2, base3; // packed along K
  std::vector<float> dense;            // W[K, N] row-major f32
  std::vector<float> x;                // up to 64 x K activations
};

Problem &problem(size_t k, size_t n) {
  static std::unique_ptr<Problem> cur;
  if (cur && cur->k == k && cur->n == n)
    return *cur;
  cur.reset(); // free the previous shape first
  cur = std::make_unique<Problem>();
  Problem &p = *cur;
  p.k = k;
  p.n = n;
  std::mt19937 rng(unsigned(k * 31 + n));
  std::vector<int8_t> t(k * n);
  for (auto &v : t)
    v = int8_t(int(rng() % 3) - 1);
  int64_t shape[2] = {int64_t(k), int64_t(n)};
  p.offset2.resize(tri_packed_size(TRI_ENCODING_OFFSET2, shape, 2, 0));
  p.base3.resize(tri_packed_size(TRI_ENCODING_BASE3, shape, 2, 0));
  tri_pack_tensor(TRI_ENCODING_OFFSET2, t.data(), shape, 2, 0,
                  p.offset2.data(), nullptr);
  tri_pack_tensor(TRI_ENCODING_BASE3, t.data(), shape, 2, 0, p.base3.data(),
                  nullptr);
  p.dense.resize(k * n);
  for (size_t i = 0; i < k * n; ++i)
    p.dense[i] = float(t[i]);
  std::normal_distribution<float> d(0.0f, 1.0f);
  p.x.resize(64 * k);
  for (auto &v : p.x)
    v = d(rng);
  return p;
}

enum Method { OURS_I8, OURS_F32, OURS_I8_BASE3, OURS_F32_BASE3, DENSE, NAIVE };

const char *methodName(Method m) {
  switch (m) {
  case OURS_I8: return "ours_i8";
  case OURS_F32: return "ours_f32";
  case OURS_I8_BASE3: return "ours_i8_base3";
  case OURS_F32_BASE3: return "ours_f32_base3";
  case DENSE: return "dense_f32_blas";
  case NAIVE: return "naive_unpack_blas";
  }
  return "?";
}

void denseMatmul(const float *x, size_t m, const float *w, size_t k, size_t n,
                 float *y) {
  if (m == 1)
    cblas_sgemv(CblasRowMajor, CblasTrans, int(k), int(n), 1.0f, w, int(n), x,
                1, 0.0f, y, 1);
  else
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(m), int(n),
                int(k), 1.0f, x, int(k), w, int(n), 0.0f, y, int(n));
}

void BM_Matmul(benchmark::State &state) {
  const size_t k = size_t(state.range(0)), n = size_t(state.range(1));
  const size_t m = size_t(state.range(2));
  const unsigned threads = unsigned(state.range(3));
  const Method method = Method(state.range(4));
  Problem &p = problem(k, n);
  setThreads(threads);
  std::vector<float> y(m * n);
  std::vector<float> unpacked;
  std::vector<int8_t> trits;
  if (method == NAIVE) {
    unpacked.resize(k * n);
    trits.resize(k * n);
  }
  const int64_t shape[2] = {int64_t(k), int64_t(n)};
  double weightBytes = 0;
  for (auto _ : state) {
    tri_status st = TRI_OK;
    switch (method) {
    case OURS_I8:
      st = tri_uk_gemm_f32_q8(p.x.data(), m, k, p.offset2.data(),
                              TRI_ENCODING_OFFSET2, n, nullptr,
                              TRI_UK_SCALE_NONE, nullptr, y.data());
      weightBytes = double(p.offset2.size());
      break;
    case OURS_F32:
      st = tri_uk_gemm_f32(p.x.data(), m, k, p.offset2.data(),
                           TRI_ENCODING_OFFSET2, n, nullptr, TRI_UK_SCALE_NONE,
                           nullptr, y.data());
      weightBytes = double(p.offset2.size());
      break;
    case OURS_I8_BASE3:
      st = tri_uk_gemm_f32_q8(p.x.data(), m, k, p.base3.data(),
                              TRI_ENCODING_BASE3, n, nullptr,
                              TRI_UK_SCALE_NONE, nullptr, y.data());
      weightBytes = double(p.base3.size());
      break;
    case OURS_F32_BASE3:
      st = tri_uk_gemm_f32(p.x.data(), m, k, p.base3.data(),
                           TRI_ENCODING_BASE3, n, nullptr, TRI_UK_SCALE_NONE,
                           nullptr, y.data());
      weightBytes = double(p.base3.size());
      break;
    case DENSE:
      denseMatmul(p.x.data(), m, p.dense.data(), k, n, y.data());
      weightBytes = 4.0 * double(k) * double(n);
      break;
    case NAIVE:
      // The usual fallback: unpack to int8 trits, widen to float, BLAS.
      st = tri_unpack_tensor(TRI_ENCODING_OFFSET2, p.offset2.data(), shape, 2,
                             0, trits.data(), nullptr);
      for (size_t i = 0; i < k * n; ++i)
        unpacked[i] = float(trits[i]);
      denseMatmul(p.x.data(), m, unpacked.data(), k, n, y.data());
      weightBytes = double(p.offset2.size());
      break;
    }
    if (st != TRI_OK)
      state.SkipWithError("kernel failed");
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.counters["weight_GBps"] = benchmark::Counter(
      weightBytes * double(state.iterations()) / 1e9,
      benchmark::Counter::kIsRate);
  state.counters["threads"] = threads;
  state.SetLabel(std::string(methodName(method)) + " isa=" +
                 tri_uk_isa_name(tri_uk_selected_isa()));
}

void registerAll() {
  const bool quick = std::getenv("TRI_BENCH_QUICK") != nullptr;
  std::vector<unsigned> threadCounts = {1};
  if (allThreads() > 1)
    threadCounts.push_back(allThreads());
  for (unsigned t : threadCounts)
    benchmark::RegisterBenchmark(("copy/threads:" + std::to_string(t)).c_str(),
                                 BM_Copy)
        ->Arg(t)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond)
        ->MinTime(0.5);
  const std::vector<std::pair<size_t, size_t>> shapes = {
      {784, 256}, {4096, 4096}, {4096, 11008}, {11008, 4096}, {8192, 28672}};
  size_t count = quick ? 2 : shapes.size();
  for (size_t s = 0; s < count; ++s) {
    auto [k, n] = shapes[s];
    for (size_t m : {1, 8, 64})
      for (unsigned t : threadCounts)
        for (Method method : {OURS_I8, OURS_F32, OURS_I8_BASE3, OURS_F32_BASE3,
                              DENSE, NAIVE}) {
          bool base3 = method == OURS_I8_BASE3 || method == OURS_F32_BASE3;
          if (base3 && m != 1)
            continue; // base3 is a GEMV format
          std::string name = std::string(methodName(method)) + "/K:" +
                             std::to_string(k) + "/N:" + std::to_string(n) +
                             "/M:" + std::to_string(m) +
                             "/threads:" + std::to_string(t);
          auto *b = benchmark::RegisterBenchmark(name.c_str(), BM_Matmul)
                        ->Args({int64_t(k), int64_t(n), int64_t(m), int64_t(t),
                                int64_t(method)})
                        ->UseRealTime()
                        ->Unit(benchmark::kMicrosecond);
          if (method == NAIVE && k * n > (size_t(1) << 26))
            b->Iterations(2); // seconds per call: a few calls suffice
          else
            b->MinTime(0.3);
        }
  }
}

} // namespace

int main(int argc, char **argv) {
  registerAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  benchmark::AddCustomContext("ukernel_isa",
                              tri_uk_isa_name(tri_uk_selected_isa()));
  benchmark::AddCustomContext("blas", OPENBLAS_VERSION);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
