"""Proves that the PyTorch target's output grows linearly with the depth of
a call chain (layer L{i} calls L{i-1}; issue 16: it used to grow with the
cube, 3.5 MB for 80 layers), that a 1,000-layer chain compiles, and that a
chain module computes the DSL's value (float64 numpy reference), keeps one
module per layer and survives a state_dict round trip.

Needs the compiled triton_dsl._core (a CMake build); skips without one.
"""

import io
import os
import pathlib
import sys

import numpy as np
import pytest
import torch

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

import triton_dsl  # noqa: E402

BUILD = pathlib.Path(os.environ.get("TRITON_BUILD_DIR", ROOT / "build")).resolve()

pytestmark = pytest.mark.skipif(not (BUILD / "bin" / "tritonc").exists(),
                                reason="no CMake build of the compiler")


def chain_source(layers: int) -> str:
    """L0 is relu(x @ w) with a ternary w; L{i} is L{i-1}(x) * 0.5 + b."""
    parts = ["layer L0 {\n"
             "    param w: TernaryTensor[4, 4]\n"
             "    fn forward(x: Tensor[N, 4]) -> Tensor[N, 4] {\n"
             "        return relu(x @ w)\n"
             "    }\n"
             "}\n"]
    for i in range(1, layers):
        parts.append(f"layer L{i} {{\n"
                     "    param b: Tensor[4]\n"
                     "    fn forward(x: Tensor[N, 4]) -> Tensor[N, 4] {\n"
                     f"        let h = L{i - 1}(x)\n"
                     "        return h * 0.5 + b\n"
                     "    }\n"
                     "}\n")
    return "".join(parts)


def chain_module_size(compiler, layers: int) -> int:
    return len(compiler.compile(chain_source(layers), "pytorch").encode())


def test_output_grows_linearly_with_chain_depth():
    compiler = triton_dsl.Compiler()
    sizes = {n: chain_module_size(compiler, n) for n in (20, 40, 80)}
    # Doubling the chain about doubles the file (the fixed runtime at its
    # head makes the ratio a little under 2); quadratic growth would give 4.
    assert sizes[40] / sizes[20] < 2.5, sizes
    assert sizes[80] / sizes[40] < 2.5, sizes
    per_layer = [(sizes[80] - sizes[40]) / 40, (sizes[40] - sizes[20]) / 20]
    assert max(per_layer) / min(per_layer) < 1.2, sizes


def test_thousand_layer_chain_compiles():
    code = triton_dsl.Compiler().compile(chain_source(1000), "pytorch")
    assert "class L999(nn.Module):" in code
    assert len(code) < 1_000 * 1_000   # about 0.5 KB a layer
    # Each __init__ names only its direct callee.
    assert code.count("(_shared, L500)") == 1


def test_chain_matches_numpy_and_shares_one_module_per_layer():
    layers = 20
    module = triton_dsl.load(chain_source(layers))
    module.USE_RUNTIME_OP = False
    net = getattr(module, f"L{layers - 1}")()
    rng = np.random.default_rng(16)
    trits = rng.integers(-1, 2, size=(4, 4)).astype(np.int8)
    biases = {i: rng.standard_normal(4).astype(np.float32) for i in range(1, layers)}
    state = net.state_dict()
    assert len(state) == layers     # one b per layer, one w
    for key in state:
        index = layers - 1 - key.count(".")
        state[key] = (torch.from_numpy(triton_dsl.pack(trits, "offset2", axis=0))
                      if index == 0 else torch.from_numpy(biases[index]))
    net.load_state_dict(state)
    x = rng.standard_normal((3, 4)).astype(np.float32)
    ref = np.maximum(x.astype(np.float64) @ trits.astype(np.float64), 0.0)
    for i in range(1, layers):
        ref = ref * 0.5 + biases[i].astype(np.float64)
    with torch.no_grad():
        got = net(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-6 * np.abs(ref).max())
    # Every layer is built once: one module per class in the whole tree.
    classes = [type(m).__name__ for m in net.modules()]
    assert sorted(classes) == sorted(f"L{i}" for i in range(layers))
    # The state dict survives torch.save/torch.load into a fresh module.
    buffer = io.BytesIO()
    torch.save(net.state_dict(), buffer)
    buffer.seek(0)
    fresh = getattr(module, f"L{layers - 1}")()
    fresh.load_state_dict(torch.load(buffer, weights_only=True))
    with torch.no_grad():
        assert torch.equal(fresh(torch.from_numpy(x)), torch.from_numpy(got))
    del sys.modules[module.__name__]
