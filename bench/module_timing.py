"""What the Python benchmarks of bench/ share: the build with the runtime op,
and the median time of a callable."""
import os
import pathlib
import time

import numpy as np

from triton_dsl import torch_ops

ROOT = pathlib.Path(__file__).resolve().parents[1]


def build_with_runtime_op() -> pathlib.Path:
    """The CMake build dir (TRITON_BUILD_DIR, default build/), its op registered."""
    build = pathlib.Path(os.environ.get("TRITON_BUILD_DIR", ROOT / "build")).resolve()
    if not torch_ops.load(build):
        raise SystemExit("the runtime op is not available: build the project first")
    return build


def median_time(fn, min_time):
    """Median seconds of fn() over at least min_time seconds and 5 calls."""
    fn()  # warm up
    times = []
    start = time.perf_counter()
    while time.perf_counter() - start < min_time or len(times) < 5:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def interleaved_median_times(fns, min_time, block_time=0.01):
    """Median seconds per call of each of fns, measured in rounds: each round
    times a block of calls of every fn in turn (about block_time seconds
    each; the calls of a block back to back, so caches stay warm as in
    median_time), until min_time seconds per fn and at least 5 rounds. A
    burst of load from other processes then hits every fn alike instead of
    whichever was being timed (on a shared machine, back-to-back
    median_time columns drift by 2x)."""
    counts = []
    for fn in fns:
        fn()  # warm up
        t0 = time.perf_counter()
        fn()
        once = time.perf_counter() - t0
        counts.append(max(1, int(block_time / max(once, 1e-7))))
    times = [[] for _ in fns]
    start = time.perf_counter()
    while time.perf_counter() - start < min_time * len(fns) or len(times[0]) < 5:
        for fn, count, out in zip(fns, counts, times):
            t0 = time.perf_counter()
            for _ in range(count):
                fn()
            out.append((time.perf_counter() - t0) / count)
    return [float(np.median(t)) for t in times]
