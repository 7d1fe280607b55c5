#!/usr/bin/env python3
"""The kernels' thread pool next to torch's: what idle spinning costs.

    bench/threadpool_cotenancy.py [BUILD_DIR] [--threads T] [--rounds R] [--markdown]

Our kernels (libtriton_runtime.so, through ctypes, the built-in pool with T
threads) run a 4096x1024 f32 GEMV; right after it, torch runs a 256x256x256
fp32 matmul on its own intra-op pool (T threads). After every GEMV our idle
workers spin before they sleep; while they spin they take cores from torch.
Each row of the table is one child process with TRI_UK_SPIN_US set (the pool
reads it once), all in one run of this script:

  * 500 us: about what the old bound of 20,000 pause instructions measured
    (284-575 us),
  * the default (20 us), and 0 (sleep at once).

Columns: the median time of torch's matmul right after our GEMV, relative to
the same matmul with no GEMV before it (1.00 = no interference); the median
time of our GEMV; and the CPU time the process burns in a 2 ms sleep right
after a GEMV (idle spinning; 0 when the workers sleep).
"""
import argparse
import ctypes
import json
import os
import statistics
import subprocess
import sys
import time

SPIN_SETTINGS = [("500 us (as the old 20,000 pauses)", "500"), ("20 us (default)", None),
                 ("0 (sleep at once)", "0")]


def child(build, threads, rounds):
    import numpy as np
    import torch

    torch.set_num_threads(threads)
    lib = ctypes.CDLL(os.path.join(build, "lib", "libtriton_runtime.so"))
    lib.tri_uk_set_num_threads(ctypes.c_uint(threads))
    k, n = 4096, 1024
    rng = np.random.default_rng(0)
    x = rng.standard_normal(k).astype(np.float32)
    w = rng.integers(0, 256, size=n * (k // 4), dtype=np.uint8)
    w = np.where((w & 3) == 3, w & 0xFC, w).astype(np.uint8)  # no 0b11 codes
    y = np.empty(n, dtype=np.float32)
    f32p = ctypes.POINTER(ctypes.c_float)

    def gemv():
        status = lib.tri_uk_gemv_f32(x.ctypes.data_as(f32p), ctypes.c_size_t(k),
                                     w.ctypes.data_as(ctypes.c_void_p), 0,
                                     ctypes.c_size_t(n), None, 0, None,
                                     y.ctypes.data_as(f32p))
        assert status == 0, status

    a = torch.randn(256, 256)
    b = torch.randn(256, 256)
    for _ in range(50):
        gemv()
        torch.mm(a, b)

    def timed(fn):
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    alone = [timed(lambda: torch.mm(a, b)) for _ in range(rounds)]
    after, ours, idle_cpu = [], [], []
    for _ in range(rounds):
        ours.append(timed(gemv))
        after.append(timed(lambda: torch.mm(a, b)))
    for _ in range(max(rounds // 10, 20)):
        gemv()
        cpu = time.process_time()
        time.sleep(0.002)
        idle_cpu.append(time.process_time() - cpu)
    print(json.dumps({"alone": statistics.median(alone), "after": statistics.median(after),
                      "ours": statistics.median(ours), "idle_cpu": statistics.mean(idle_cpu)}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", nargs="?", default="build")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.build, args.threads, args.rounds)
        return
    rows = []
    for label, value in SPIN_SETTINGS:
        env = dict(os.environ)
        env.pop("TRI_UK_SPIN_US", None)
        if value is not None:
            env["TRI_UK_SPIN_US"] = value
        out = subprocess.run([sys.executable, __file__, args.build, "--child", "--threads",
                              str(args.threads), "--rounds", str(args.rounds)],
                             env=env, check=True, capture_output=True, text=True).stdout
        rows.append((label, json.loads(out.strip().splitlines()[-1])))
    print(f"| idle spin (threads={args.threads}) | torch mm after our GEMV / alone "
          "| our GEMV | CPU burnt in a 2 ms sleep after a GEMV |")
    print("|---|---|---|---|")
    for label, r in rows:
        print(f"| {label} | {r['after'] / r['alone']:.2f} ({r['after'] * 1e6:.0f} vs "
              f"{r['alone'] * 1e6:.0f} us) | {r['ours'] * 1e6:.1f} us "
              f"| {r['idle_cpu'] * 1e3:.2f} ms |")


if __name__ == "__main__":
    main()
