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
