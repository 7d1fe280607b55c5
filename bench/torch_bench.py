#!/usr/bin/env python3
"""Torch-side benchmark of the packed ternary micro-kernels, all in one run.

For y = x @ W, W[K, N] ternary, side by side at each shape, batch and thread
count:
  ours_i8     torch.ops.triton_dsl.ternary_matmul(..., activations="int8"):
              per-token int8 quantization (counted in the time) + int32 sums
  ours_f32    the same op with f32 activations
  torch_f32   torch.matmul(x, W) with W dense float32 (torch's BLAS: MKL)
  naive       the pure-PyTorch path: unpack the packed bytes with tensor ops,
              then torch.matmul (python/triton_dsl/torch_ops.py)
and the copy bandwidth of the same process (torch copy_ of 512 MiB, bytes
read + written). Reported: median time, GB/s of weight bytes read (packed
bytes for ours and naive, 4*K*N for torch_f32), that rate as % of the copy
bandwidth at the same thread count, and speed-ups of ours over torch_f32 and
over naive.

  python bench/torch_bench.py [--quick] [--json out.json] [--markdown out.md]

Needs torch and a CMake build of the runtime (build/, or TRITON_BUILD_DIR).
"""

import argparse
import json
import os
import pathlib
import platform
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))

import torch  # noqa: E402

from triton_dsl import torch_ops  # noqa: E402

SHAPES = [(784, 256), (4096, 4096), (4096, 11008), (11008, 4096), (8192, 28672)]
BATCHES = [1, 8, 64]


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def cpu_flags():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("flags"):
                flags = line.split(":", 1)[1].split()
                keep = ("avx2", "fma", "bmi2", "avx512f", "avx512bw", "avx512vl",
                        "avx512_vnni", "avx512vnni", "avx_vnni")
                return [f for f in flags if f in keep]
    except OSError:
        pass
    return []


def timeit(fn, min_time, max_reps, min_reps=3):
    fn()  # warm-up (first-touch, thread start-up)
    times = []
    start = time.perf_counter()
    while len(times) < max_reps and (len(times) < min_reps or
                                     time.perf_counter() - start < min_time):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def copy_bandwidth(threads, nbytes=512 << 20):
    torch.set_num_threads(threads)
    src = torch.ones(nbytes // 4, dtype=torch.float32)
    dst = torch.empty_like(src)
    t = timeit(lambda: dst.copy_(src), 0.5, 20)
    return 2 * nbytes / t / 1e9


def pack_random(k, n, gen):
    # Random codes 0..2 packed four per byte (offset2) directly: no need to go
    # through trits for a benchmark, and torch_op tests prove the format.
    rb = (k + 3) // 4
    codes = torch.randint(0, 3, (n, rb * 4), generator=gen, dtype=torch.uint8)
    codes[:, k:] = 1  # padding trits are zeros
    c = codes.view(n, rb, 4)
    return (c[..., 0] | (c[..., 1] << 2) | (c[..., 2] << 4) | (c[..., 3] << 6)).contiguous()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="two smallest shapes only")
    ap.add_argument("--json", help="write the results as JSON here")
    ap.add_argument("--markdown", help="write the tables as Markdown here")
    ap.add_argument("--min-time", type=float, default=0.3)
    args = ap.parse_args()

    if not torch_ops.load():
        sys.exit("torch_bench: cannot build the torch op (is the runtime built in build/?)")
    op = torch.ops.triton_dsl.ternary_matmul
    all_threads = os.cpu_count() or 1
    thread_counts = [1] + ([all_threads] if all_threads > 1 else [])
    info = {
        "cpu": cpu_model(), "flags": cpu_flags(), "cpus": all_threads,
        "torch": torch.__version__, "ukernel_isa": torch.ops.triton_dsl.ukernel_isa(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    copy = {t: copy_bandwidth(t) for t in thread_counts}
    rows = []
    gen = torch.Generator().manual_seed(0)
    shapes = SHAPES[:2] if args.quick else SHAPES
    for k, n in shapes:
        w = pack_random(k, n, gen)
        dense = torch_ops.unpack_reference(w, k, n).contiguous()  # [K, N] f32
        packed_bytes = w.numel()
        for m in BATCHES:
            x = torch.randn(m, k, generator=gen)
            for threads in thread_counts:
                torch.set_num_threads(threads)
                big = k * n > (1 << 26)
                methods = {
                    "ours_i8": (lambda: op(x, w, k, n, None, None, "offset2", "int8"), packed_bytes),
                    "ours_f32": (lambda: op(x, w, k, n, None, None, "offset2", "f32"), packed_bytes),
                    "torch_f32": (lambda d=dense: torch.matmul(x, d), 4 * k * n),
                    "naive": (lambda: torch_ops.ternary_matmul_reference(x, w, k, n), packed_bytes),
                }
                res = {"K": k, "N": n, "M": m, "threads": threads}
                for name, (fn, wbytes) in methods.items():
                    reps = 2 if (name == "naive" and big) else 1000
                    t = timeit(fn, args.min_time, reps, min_reps=2 if big else 3)
                    gbps = wbytes / t / 1e9
                    res[name] = {"time_ms": t * 1e3, "weight_GBps": gbps,
                                 "pct_copy": 100 * gbps / copy[threads]}
                for ours in ("ours_i8", "ours_f32"):
                    res[ours]["x_vs_torch_f32"] = res["torch_f32"]["time_ms"] / res[ours]["time_ms"]
                    res[ours]["x_vs_naive"] = res["naive"]["time_ms"] / res[ours]["time_ms"]
                rows.append(res)
                print(f"K={k} N={n} M={m} threads={threads}: " + ", ".join(
                    f"{nm} {res[nm]['time_ms']:.3f} ms" for nm in methods), flush=True)
        del dense

    md = [f"CPU: {info['cpu']} ({info['cpus']} CPUs; flags {' '.join(info['flags'])}); "
          f"torch {info['torch']}; ukernel ISA {info['ukernel_isa']}; {info['date']}", "",
          "Copy bandwidth (torch copy_, read + write): " +
          ", ".join(f"{t} thread(s) {copy[t]:.1f} GB/s" for t in thread_counts), "",
          "| K x N | M | thr | ours_i8 ms | GB/s | % copy | ours_f32 ms | torch_f32 ms | GB/s | naive ms "
          "| i8 vs torch | i8 vs naive | f32 vs torch | f32 vs naive |",
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        i8, f32, tf, nv = r["ours_i8"], r["ours_f32"], r["torch_f32"], r["naive"]
        md.append(f"| {r['K']}x{r['N']} | {r['M']} | {r['threads']} | {i8['time_ms']:.3f} | "
                  f"{i8['weight_GBps']:.1f} | {i8['pct_copy']:.0f}% | {f32['time_ms']:.3f} | "
                  f"{tf['time_ms']:.3f} | {tf['weight_GBps']:.1f} | {nv['time_ms']:.2f} | "
                  f"{i8['x_vs_torch_f32']:.1f}x | {i8['x_vs_naive']:.1f}x | "
                  f"{f32['x_vs_torch_f32']:.2f}x | {f32['x_vs_naive']:.1f}x |")
    text = "\n".join(md)
    print(text)
    if args.markdown:
        pathlib.Path(args.markdown).write_text(text + "\n")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(
            {"info": info, "copy_GBps": copy, "results": rows}, indent=1))


if __name__ == "__main__":
    main()
