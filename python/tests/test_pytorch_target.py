"""Proves that `tritonc --target=pytorch` generates, for every examples/*.tri,
a Python file that imports with only torch, whose nn.Modules accept random
weights (ternary ones packed by triton_dsl.pack) through load_state_dict and
compute forward to 1e-5 (relative to the largest output) of an independent
float64 numpy reference of the DSL semantics; that state_dict survives
torch.save/torch.load; that the 784->256->10 MLP stores its ternary weights
at 2 bits per weight (byte counts below, quoted in docs/targets/pytorch.md);
that the output is deterministic (generated twice, same bytes); and that the
pure-PyTorch path and the runtime op (when it builds here; skipped otherwise)
agree.

Needs a CMake build (tritonc in $TRITON_BUILD_DIR/bin, default build/);
skips without one.
"""

import importlib.util
import io
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
EXAMPLES = sorted((ROOT / "examples").glob("*.tri"))

pytestmark = pytest.mark.skipif(not TRITONC.exists(), reason="no CMake build of tritonc")


def generate(example: pathlib.Path, out: pathlib.Path, opt: str = "-O2") -> pathlib.Path:
    subprocess.run([str(TRITONC), str(example), "--target=pytorch", opt, "-o", str(out)],
                   check=True)
    return out


def load_module(path: pathlib.Path):
    spec = importlib.util.spec_from_file_location(f"generated_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- random weights -------------------------------------------------------

def random_params(shapes: dict, rng: np.random.Generator):
    """name -> (float64 value for the reference, tensor for the state_dict).

    Shapes of ternary params are given as ("ternary", shape)."""
    params = {}
    for name, spec in shapes.items():
        if isinstance(spec, tuple) and spec and spec[0] == "ternary":
            trits = rng.integers(-1, 2, size=spec[1]).astype(np.int8)
            packed = triton_dsl.pack(torch.from_numpy(trits), "offset2", 0)
            params[name] = (trits.astype(np.float64), packed)
        else:
            value = rng.standard_normal(spec).astype(np.float32)
            params[name] = (value.astype(np.float64), torch.from_numpy(value))
    return params


def state_dict_of(params: dict) -> dict:
    return {name: tensor for name, (_, tensor) in params.items()}


# --- the float64 reference of the DSL semantics ---------------------------

def relu(x):
    return np.maximum(x, 0.0)


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def layer_norm(x):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + np.float64(np.float32(1e-5)))


def conv2d_pad1(x, w):
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    out = np.zeros((n, f, h, wd))
    for i in range(kh):
        for j in range(kw):
            out += np.einsum("nchw,fc->nfhw", xp[:, :, i:i + h, j:j + wd], w[:, :, i, j])
    return out


def quantize_threshold(w, threshold):
    t = np.where(w > threshold, 1.0, np.where(w < -threshold, -1.0, 0.0))
    kept = np.abs(w)[t != 0]
    scale = kept.mean() if kept.size else 1.0
    return t, scale


CASES = {
    "linear_classifier": (
        "LinearClassifier",
        {"weights": ("ternary", (784, 10)), "bias": (10,)},
        (5, 784),
        lambda p, x: x @ p["weights"] + p["bias"],
    ),
    "mlp": (
        "MLP",
        {"w1": ("ternary", (784, 256)), "b1": (256,), "w2": (256, 10), "b2": (10,)},
        (4, 784),
        lambda p, x: relu(x @ p["w1"] + p["b1"]) @ p["w2"] + p["b2"],
    ),
    "qat_linear": (
        "QATLinear",
        {"w": (784, 10), "b": (10,)},
        (3, 784),
        lambda p, x: (lambda ts: x @ (ts[0] * ts[1]) + p["b"])(
            quantize_threshold(p["w"], np.float64(np.float32(0.05)))),
    ),
    "ternary_mlp3": (
        "TernaryMLP",
        {"Dense1.w": ("ternary", (784, 256)), "Dense1.b": (256,),
         "Dense2.w": ("ternary", (256, 128)), "Dense2.b": (128,),
         "Classifier.w": ("ternary", (128, 10)), "Classifier.b": (10,)},
        (6, 784),
        lambda p, x: softmax(
            relu(relu(x @ p["Dense1.w"] + p["Dense1.b"]) @ p["Dense2.w"] + p["Dense2.b"])
            @ p["Classifier.w"] + p["Classifier.b"], 1),
    ),
    "attention": (
        "Attention",
        {"wq": ("ternary", (64, 64)), "wk": ("ternary", (64, 64)),
         "wv": ("ternary", (64, 64)), "wo": ("ternary", (64, 64))},
        (7, 64),
        lambda p, x: layer_norm(
            x + (softmax((x @ p["wq"]) @ (x @ p["wk"]).T / 8.0, 1) @ (x @ p["wv"])) @ p["wo"]),
    ),
    "conv_block": (
        "ConvBlock",
        {"w": ("ternary", (16, 16, 3, 3)), "bias": (16, 1, 1)},
        (2, 16, 32, 32),
        lambda p, x: relu(conv2d_pad1(x, p["w"]) + p["bias"]) + x,
    ),
}


def test_every_example_has_a_case():
    assert sorted(CASES) == sorted(e.stem for e in EXAMPLES)


def run_case(tmp_path, stem, use_runtime_op=False, opt="-O2"):
    cls, shapes, input_shape, reference = CASES[stem]
    module = load_module(generate(ROOT / "examples" / f"{stem}.tri",
                                  tmp_path / f"{stem}{opt[1:]}.py", opt))
    module.USE_RUNTIME_OP = use_runtime_op
    rng = np.random.default_rng(1234)
    params = random_params(shapes, rng)
    model = getattr(module, cls)()
    assert sorted(model.state_dict()) == sorted(params)
    model.load_state_dict(state_dict_of(params))
    x = rng.standard_normal(input_shape).astype(np.float32)
    with torch.no_grad():
        got = model(torch.from_numpy(x)).numpy()
    ref = reference({k: v for k, (v, _) in params.items()}, x.astype(np.float64))
    return model, got, ref


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
@pytest.mark.parametrize("stem", sorted(CASES))
def test_forward_matches_numpy_reference(tmp_path, stem, opt):
    _, got, ref = run_case(tmp_path, stem, opt=opt)
    assert got.shape == ref.shape
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5 * np.abs(ref).max())


@pytest.mark.parametrize("stem", sorted(CASES))
def test_state_dict_round_trip(tmp_path, stem):
    model, got, _ = run_case(tmp_path, stem)
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    buffer.seek(0)
    loaded = torch.load(buffer)
    fresh = type(model)()
    fresh.load_state_dict(loaded)
    for name, value in model.state_dict().items():
        assert torch.equal(fresh.state_dict()[name], value), name
    _, shapes, input_shape, _ = CASES[stem]
    x = torch.from_numpy(np.random.default_rng(1234).standard_normal(input_shape)
                         .astype(np.float32))
    with torch.no_grad():
        assert torch.equal(fresh(x), model(x))


def test_mlp_state_dict_bytes(tmp_path):
    model, _, _ = run_case(tmp_path, "mlp")
    state = model.state_dict()
    nbytes = {name: t.numel() * t.element_size() for name, t in state.items()}
    assert state["w1"].dtype == torch.uint8
    assert nbytes == {"w1": 784 * 256 // 4, "b1": 256 * 4, "w2": 256 * 10 * 4, "b2": 10 * 4}
    assert nbytes["w1"] == 50176  # 2 bits per weight: 784 * 256 / 4
    assert sum(nbytes.values()) == 50176 + 1024 + 10240 + 40  # 61480
    # The float32 MLP of the same shape: 784*256*4 + 1024 + 10240 + 40 bytes.
    assert 784 * 256 * 4 + 1024 + 10240 + 40 == 814120


def test_output_is_deterministic(tmp_path):
    for example in EXAMPLES:
        first = generate(example, tmp_path / "a.py").read_bytes()
        second = generate(example, tmp_path / "b.py").read_bytes()
        assert first == second, example.name


def test_runtime_op_and_fallback_agree(tmp_path):
    from triton_dsl import torch_ops

    try:
        available = torch_ops.load(BUILD)
    except Exception as error:  # a compiler missing in this environment
        pytest.skip(f"the runtime op does not build here: {error}")
    if not available:
        pytest.skip("the runtime op is not available (no runtime libraries)")
    for stem in ["linear_classifier", "mlp", "ternary_mlp3", "attention"]:
        _, fallback, ref = run_case(tmp_path, stem, use_runtime_op=False)
        _, with_op, _ = run_case(tmp_path, stem, use_runtime_op=True)
        np.testing.assert_allclose(with_op, fallback, rtol=1e-5,
                                   atol=1e-5 * np.abs(ref).max())


def test_fallback_rejects_corrupt_packed_weights(tmp_path):
    """The pure-PyTorch path refuses invalid codes and non-zero padding
    instead of computing with them (never silently wrong numbers)."""
    module = load_module(generate(ROOT / "examples" / "mlp.tri", tmp_path / "mlp.py"))
    module.USE_RUNTIME_OP = False
    model = module.MLP()
    x = torch.randn(2, 784)
    model(x)  # the default zero weights are valid
    with torch.no_grad():
        model.w1[3] = 0xFF  # four 0b11 codes
    with pytest.raises(ValueError, match="invalid code"):
        model(x)
    # base3 needs a layout with padding: pack a 5-trit row by hand.
    packed = torch.tensor([2 + 1 * 3 + 1 * 9 + 1 * 27 + 0 * 81], dtype=torch.uint8)
    with pytest.raises(ValueError, match="padding"):
        module._unpack(packed, (4,), "base3", 0)
    with pytest.raises(ValueError, match="invalid code"):
        module._unpack(torch.tensor([243], dtype=torch.uint8), (5,), "base3", 0)


def test_layer_called_from_two_layers_has_one_set_of_params(tmp_path):
    """One set of params per layer (the dialect's semantics): Block, called
    by A and by B, is one module inside Net; its weights appear once in the
    computation, and forward matches a float64 numpy reference that uses a
    single Block weight."""
    source = pathlib.Path(__file__).parent / "data" / "shared_layer.tri"
    module = load_module(generate(source, tmp_path / "shared.py"))
    module.USE_RUNTIME_OP = False
    net = module.Net()
    assert net.A.Block is net.B.Block
    rng = np.random.default_rng(3)
    trits = rng.integers(-1, 2, size=(8, 8)).astype(np.int8)
    a = rng.standard_normal(8)
    with torch.no_grad():
        net.A.Block.w.copy_(torch.from_numpy(triton_dsl.pack(trits, "offset2", axis=0)))
        net.A.a.copy_(torch.from_numpy(a.astype(np.float32)))
    assert torch.equal(net.B.Block.w, net.A.Block.w)
    x = rng.standard_normal((3, 8)).astype(np.float32)
    block = np.maximum(x.astype(np.float64) @ trits.astype(np.float64), 0.0)
    ref = (block + a.astype(np.float32)) + block * 2.0
    got = net(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-6)
    # A state_dict saved and loaded keeps the sharing.
    buffer = io.BytesIO()
    torch.save(net.state_dict(), buffer)
    buffer.seek(0)
    fresh = module.Net()
    fresh.load_state_dict(torch.load(buffer, weights_only=True))
    assert fresh.A.Block is fresh.B.Block
    assert torch.equal(fresh.A.Block.w, net.A.Block.w)


def test_scalar_arguments(tmp_path):
    """Scalar arguments (test/Target/PTX/Inputs/scalar_arguments.tri, its
    f16 function renamed: nn.Module has .half) become 0-d tensors of their
    type: f32 and i32 results match float64 / int64, f16 math stays f16 (they
    were refused: "the PyTorch target cannot pass an argument of type
    'f32'"). A float for an integer, a tensor with dims and an integer out of
    range are refused, naming the argument."""
    source = (ROOT / "test" / "Target" / "PTX" / "Inputs" / "scalar_arguments.tri").read_text()
    program = tmp_path / "scalars.tri"
    program.write_text(source.replace("fn half(", "fn halved("))
    rng = np.random.default_rng(12)
    trits = rng.integers(-1, 2, size=(64, 8)).astype(np.float32)
    weights = tmp_path / "w.safetensors"
    triton_dsl.save_weights(weights, {"Scaled.w": torch.from_numpy(trits)})
    namespace = {}
    exec(triton_dsl.compile(program, target="pytorch", weights=weights), namespace)
    module = namespace["Scaled"]()
    for batch, s, t in ((1, 0.5, -2.0), (3, -1.25, 0.75), (17, 3.0, 0.0)):
        x = rng.standard_normal((batch, 64)).astype(np.float32)
        want = np.maximum(x.astype(np.float64) @ trits * s, 0) - t * s
        for scalar in (s, np.float32(s), torch.tensor(s), torch.tensor(s, dtype=torch.float64)):
            got = module.forward(torch.from_numpy(x), scalar, t)
            assert got.dtype == torch.float32
            np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-5)
    x = rng.integers(-1000, 1000, size=(5, 4)).astype(np.int32)
    got = module.shifted(torch.from_numpy(x), 2**31 - 1001)
    assert got.dtype == torch.int32
    np.testing.assert_array_equal(got.numpy(), x.astype(np.int64) + 2**31 - 1001)
    x = rng.standard_normal((3, 4)).astype(np.float16)
    got = module.halved(torch.from_numpy(x), 1.5)
    assert got.dtype == torch.float16
    np.testing.assert_array_equal(got.numpy(), x * np.float16(1.5))
    x = torch.zeros(2, 64)
    with pytest.raises(ValueError, match="forward: argument 1 is a scalar, got shape"):
        module.forward(x, torch.ones(2), 1.0)
    with pytest.raises(TypeError, match="forward: argument 2 must be a number, got str"):
        module.forward(x, 1.0, "1")
    with pytest.raises(TypeError, match=r"shifted: argument 1 must be an integer \(torch.int32\)"):
        module.shifted(torch.zeros(1, 4, dtype=torch.int32), 1.5)
    with pytest.raises(TypeError, match="must be an integer"):
        module.shifted(torch.zeros(1, 4, dtype=torch.int32), torch.tensor(1.5))
    with pytest.raises(ValueError, match="does not fit torch.int32"):
        module.shifted(torch.zeros(1, 4, dtype=torch.int32), 2**31)
    with pytest.raises(ValueError, match="does not fit torch.int32"):
        module.shifted(torch.zeros(1, 4, dtype=torch.int32), torch.tensor(2**31))
