// gemv_ab.cpp - the small harness behind some figures of bench/RESULTS.md
// ("base3 at memory speed, f32 column lookups"): times
// tri_uk_gemm_f32_q8 / tri_uk_gemm_f32 on offset2 and base3 weights of one
// K x N problem, the variants interleaved call by call in one process,
// medians; int8 mode also runs base3 with TRI_UK_NO_VBMI=1 (the plain
// AVX-512 kernel). Build against the runtime's static library, e.g.
//   g++ -O2 -Iruntime/include gemv_ab.cpp build/lib/libTritonTernaryUkernels.a \
//       build/lib/libTritonTernaryRuntime.a -lpthread -o gemv_ab
//   TRI_UK_NUM_THREADS=1 ./gemv_ab K N REPS i8|f32 [M]
// quick A/B harness: int8 (f32_q8) and f32 GEMV, offset2 vs base3, medians
#include "ternary_packing.h"
#include "ternary_ukernels.h"
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>
static double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
int main(int argc, char **argv) {
  size_t k = argc > 1 ? atol(argv[1]) : 8192, n = argc > 2 ? atol(argv[2]) : 28672;
  int reps = argc > 3 ? atoi(argv[3]) : 15;
  const char *what = argc > 4 ? argv[4] : "i8";
  size_t m = argc > 5 ? atol(argv[5]) : 1;
  std::mt19937 rng(unsigned(k * 31 + n));
  std::vector<int8_t> t(k * n);
  for (auto &v : t) v = int8_t(int(rng() % 3) - 1);
  int64_t shape[2] = {int64_t(k), int64_t(n)};
  std::vector<uint8_t> o2(tri_packed_size(TRI_ENCODING_OFFSET2, shape, 2, 0)), b3(tri_packed_size(TRI_ENCODING_BASE3, shape, 2, 0));
  tri_pack_tensor(TRI_ENCODING_OFFSET2, t.data(), shape, 2, 0, o2.data(), nullptr);
  tri_pack_tensor(TRI_ENCODING_BASE3, t.data(), shape, 2, 0, b3.data(), nullptr);
  std::normal_distribution<float> d(0, 1);
  std::vector<float> x(m * k);
  for (auto &v : x) v = d(rng);
  std::vector<float> y(m * n), yref(m * n);
  // variants: name, encoding, env NO_VBMI, f32?
  struct V { const char *name; tri_encoding enc; const char *novbmi; bool f32; };
  std::vector<V> vs;
  if (!strcmp(what, "i8")) vs = {{"o2_i8", TRI_ENCODING_OFFSET2, "0", false}, {"b3_i8_old", TRI_ENCODING_BASE3, "1", false}, {"b3_i8_new", TRI_ENCODING_BASE3, "0", false}};
  else if (!strcmp(what, "i8ab")) vs = {{"o2_i8_A", TRI_ENCODING_OFFSET2, "0", false}, {"o2_i8_B", TRI_ENCODING_OFFSET2, "1", false}, {"b3_i8", TRI_ENCODING_BASE3, "0", false}};
  else if (!strcmp(what, "f32ab")) vs = {{"o2_f32_A", TRI_ENCODING_OFFSET2, "0", true}, {"o2_f32_B", TRI_ENCODING_OFFSET2, "1", true}};
  else vs = {{"o2_f32", TRI_ENCODING_OFFSET2, "0", true}, {"b3_f32", TRI_ENCODING_BASE3, "0", true}};
  const char *abvar = argc > 6 ? argv[6] : "TRI_UK_NO_VBMI";
  std::vector<std::vector<double>> ts(vs.size());
  for (int r = 0; r < reps; ++r)
    for (size_t i = 0; i < vs.size(); ++i) {
      if (!strcmp(what, "f32ab") || !strcmp(what, "i8ab")) { if (vs[i].novbmi[0] == '1') setenv(abvar, "1", 1); else unsetenv(abvar); }
      else setenv("TRI_UK_NO_VBMI", vs[i].novbmi, 1);
      const uint8_t *w = vs[i].enc == TRI_ENCODING_OFFSET2 ? o2.data() : b3.data();
      double t0 = now();
      if (vs[i].f32) tri_uk_gemm_f32(x.data(), m, k, w, vs[i].enc, n, nullptr, TRI_UK_SCALE_NONE, nullptr, y.data());
      else tri_uk_gemm_f32_q8(x.data(), m, k, w, vs[i].enc, n, nullptr, TRI_UK_SCALE_NONE, nullptr, y.data());
      ts[i].push_back(now() - t0);
      if (r == 0 && i == 0) yref = y;
      if (r == 0 && i > 0 && memcmp(y.data(), yref.data(), y.size() * 4)) printf("MISMATCH %s\n", vs[i].name);
    }
  double base = 0;
  for (size_t i = 0; i < vs.size(); ++i) {
    std::sort(ts[i].begin(), ts[i].end());
    double med = ts[i][ts[i].size() / 2];
    if (!i) base = med;
    size_t bytes = vs[i].enc == TRI_ENCODING_OFFSET2 ? o2.size() : b3.size();
    printf("%-10s %8.0f us  %6.2f GB/s  min %8.0f  ratio-to-first %.3f\n", vs[i].name, med * 1e6, bytes / med / 1e9, ts[i][0] * 1e6, med / base);
  }
}
