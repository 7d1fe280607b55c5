"""Proves that a program rebinding names to values of other shapes
(python/tests/data/rebinding_mlp.tri: `x = relu(x @ w1 + b1)` then
`x = x @ w2 + b2` on the argument x, and an untyped `let` going from
[N, 10] to [N, 1] and back) compiles with `tritonc --target=pytorch` at -O0
and -O2, and that the generated nn.Module computes, from random weights
(the ternary one packed by triton_dsl.pack), the same numbers as a float64
numpy reference to 1e-5 of the largest output.

Needs a CMake build (tritonc in $TRITON_BUILD_DIR/bin, default build/);
skips without one.
"""

import importlib.util
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
import torch

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

import triton_dsl  # noqa: E402

BUILD = pathlib.Path(os.environ.get("TRITON_BUILD_DIR", ROOT / "build")).resolve()
TRITONC = BUILD / "bin" / "tritonc"
SOURCE = pathlib.Path(__file__).parent / "data" / "rebinding_mlp.tri"

pytestmark = pytest.mark.skipif(not TRITONC.exists(), reason="no CMake build of tritonc")


def load_generated(out: pathlib.Path, opt: str):
    subprocess.run([str(TRITONC), str(SOURCE), "--target=pytorch", opt, "-o", str(out)],
                   check=True)
    spec = importlib.util.spec_from_file_location(f"generated_{out.stem}", out)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference(w1, b1, w2, b2, x):
    """The DSL program in float64, name by name."""
    x = np.maximum(x @ w1 + b1, 0.0)
    x = x @ w2 + b2
    e = np.exp(x - x.max(axis=1, keepdims=True))
    h = e / e.sum(axis=1, keepdims=True)
    h = (h * x).sum(axis=1, keepdims=True)
    h = x - h
    return h


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
def test_rebinding_matches_numpy_reference(tmp_path, opt):
    module = load_generated(tmp_path / f"rebinding{opt[1:]}.py", opt)
    module.USE_RUNTIME_OP = False
    rng = np.random.default_rng(7)
    trits = rng.integers(-1, 2, size=(784, 256)).astype(np.int8)
    b1, w2, b2 = (rng.standard_normal(shape).astype(np.float32)
                  for shape in [(256,), (256, 10), (10,)])
    model = module.RebindMLP()
    model.load_state_dict({
        "w1": triton_dsl.pack(torch.from_numpy(trits), "offset2", 0),
        "b1": torch.from_numpy(b1), "w2": torch.from_numpy(w2), "b2": torch.from_numpy(b2),
    })
    x = rng.standard_normal((5, 784)).astype(np.float32)
    with torch.no_grad():
        got = model(torch.from_numpy(x)).numpy()
    ref = reference(trits.astype(np.float64), b1.astype(np.float64), w2.astype(np.float64),
                    b2.astype(np.float64), x.astype(np.float64))
    assert got.shape == ref.shape == (5, 10)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5 * np.abs(ref).max())
