"""GPU checks of --target=ptx (issue 12 item 5). Each runs twice:

* on the CPU emulator (``--emit=emulator``: the same kernels, the gpu.func
  bodies the PTX is made from, compiled for this CPU and run with one thread
  per GPU thread; runtime/cuda/tri_emulator.h), everywhere, in ``make test``;
* on a CUDA GPU through the PTX, skipped with the runner's reason ("no CUDA
  driver found") where there is none. The ``cuda`` rows need MLIR and a
  GPU on one machine, which no session had; their cases ran on an H200
  through the GPU bundle (test/e2e/gpu/gpu_bundle.py; docs/targets/ptx.md).

What they check:
* every example with random weights (--weights) through tritonc
  --target=ptx and triton_dsl.cuda matches the PyTorch target on the same
  weights file (float rounding), at batch 1, 5 and 40 (the one-row kernels,
  the 16-row tensor-core kernels, the byte GEMV and tiled kernels where K %
  16 != 0);
* random programs (fuzz/random_programs.py --differential) match the
  PyTorch target;
* the GEMV/GEMM kernels on random shapes (K not a multiple of 4, N not a
  multiple of the blocks) match a float64 reference of the packed trits;
* int8 activations (Tensor<i8> @ TernaryTensor: the dp4a GEMV, the
  tensor-core kernel, a fused i32 bias) are exact;
* grouped and depthwise convolutions read their filters packed;
* the FX test models (resnet18, mobilenet_v2, ViT, BERT, ...) through
  torch.compile with backend(target="ptx") match the float64 reference of
  the ternarized model;
* bad inputs: a wrong dtype or shape is a TypeError/ValueError naming the
  argument, a missing weights file a FileNotFoundError.
The launcher and torch.compile tests take CUDA tensors: GPU only.
"""
import pathlib
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

from triton_dsl import cuda  # noqa: E402

_available, _reason = cuda.driver_available()
_needs_gpu = pytest.mark.skipif(not _available, reason=f"no CUDA GPU: {_reason}")
DEVICES = [pytest.param("emulator"), pytest.param("cuda", marks=_needs_gpu)]

BUILD = pathlib.Path(__import__("os").environ.get("TRITON_BUILD_DIR", ROOT / "build"))
TRITONC = BUILD / "bin" / "tritonc"
EXAMPLES = ["linear_classifier", "mlp", "ternary_mlp3", "attention", "qat_linear", "conv_block"]


sys.path.insert(0, str(ROOT / "test" / "e2e" / "gpu"))
from gpu_bundle import random_weights as _random_weights  # noqa: E402
from gpu_bundle import w158a8_reference  # noqa: E402


def _ptx_dir(tmp_path, program, weights, device, flags=()):
    """The --target=ptx directory of ``program``: PTX for "cuda", the
    emulator object for "emulator"; ``flags`` go to tritonc."""
    out = tmp_path / (program.stem + ".ptx.d")
    emit = ["--emit=emulator"] if device == "emulator" else []
    subprocess.run([str(TRITONC), str(program), "--target=ptx", *emit, "--weights", str(weights),
                    *flags, "-o", str(out)], check=True)
    return out


def _biased_int8_layer(tmp_path, trits, rng, device, flags):
    """`x @ w + b` with i8 x, the float32 [k, n] `trits` and a random i32
    bias bound, compiled with tritonc's `flags`: (its forward, the bias)."""
    import torch
    import triton_dsl
    k, n = trits.shape
    folder = tmp_path / "biased"
    folder.mkdir()
    program = folder / "b.tri"
    program.write_text(f"layer Biased {{\n    param w: TernaryTensor[{k}, {n}]\n"
                       f"    param b: Tensor<i32>[{n}]\n"
                       f"    fn forward(x: Tensor<i8>[B, {k}]) -> Tensor<i32>[B, {n}] {{\n"
                       "        return x @ w + b\n    }\n}\n")
    bias = rng.integers(-1000, 1000, size=n).astype(np.int32)
    bound = folder / "b.safetensors"
    triton_dsl.save_weights(bound, {"Biased.w": torch.from_numpy(trits),
                                    "Biased.b": torch.from_numpy(bias)})
    return cuda.load(_ptx_dir(folder, program, bound, device, flags)).Biased_forward, bias


def _matmul_layer(tmp_path, name, k, n, seed, element="Tensor", result="Tensor"):
    """A layer ``name`` computing ``x @ w`` (``element`` [B, k] -> ``result``
    [B, n]) with random trits bound from a weights file: (program, weights,
    trits as float32 [k, n], the generator that made them)."""
    import torch
    import triton_dsl
    program = tmp_path / f"{name.lower()}.tri"
    program.write_text(f"layer {name} {{\n    param w: TernaryTensor[{k}, {n}]\n"
                       f"    fn forward(x: {element}[B, {k}]) -> {result}[B, {n}] {{\n"
                       f"        return x @ w\n    }}\n}}\n")
    rng = np.random.default_rng(seed)
    trits = rng.integers(-1, 2, size=(k, n)).astype(np.float32)
    weights = tmp_path / "w.safetensors"
    triton_dsl.save_weights(weights, {f"{name}.w": torch.from_numpy(trits)})
    return program, weights, trits, rng


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("batch", [1, 5, 40])
def test_examples_match_pytorch(tmp_path, name, batch, device):
    import torch
    import triton_dsl
    program = ROOT / "examples" / f"{name}.tri"
    rng = np.random.default_rng(0)
    weights = tmp_path / "w.safetensors"
    _random_weights(weights, program, rng)
    directory = _ptx_dir(tmp_path, program, weights, device)
    loaded = cuda.load(directory)
    assert loaded.emulated == (device == "emulator")
    source = triton_dsl.compile(program, target="pytorch", weights=weights)
    namespace = {}
    exec(compile(source, str(program), "exec"), namespace)
    for function in loaded.functions.values():
        module = namespace[function.description["layer"]]()
        inputs = []
        for spec in function.description["arguments"]:
            if spec["role"] == "input":
                shape = [batch if isinstance(e[0], str) else e[0] for e in spec["shape"]]
                inputs.append(rng.standard_normal(shape).astype(np.float32))
        got = function(*inputs)
        want = module(*[torch.from_numpy(x) for x in inputs]).detach().numpy()
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ["lenet5", "embedding_classifier", "resnet18", "mobilenet_v2",
                                  "transformer_encoder_layer", "vit", "bert"])
def test_fx_architectures(name, device):
    """The FX test models (fx_architectures.py) through torch.compile with
    backend(target="ptx") (mode "simulate": the emulator) against the
    float64 reference of the ternarized model, to 1e-5 of the largest
    output, with CPU inputs (results come back on the CPU)."""
    import torch
    import triton_dsl
    sys.path.insert(0, str(ROOT / "python" / "tests"))
    from fx_architectures import architecture
    from test_fx_architectures import reference, relative_error
    model, x = architecture(name)
    torch._dynamo.reset()
    backend = triton_dsl.backend(target="ptx",
                                 mode="simulate" if device == "emulator" else "compile")
    with torch.no_grad():
        y = torch.compile(model, backend=backend)(x)
    assert backend.graphs, "no graph reached the backend"
    assert not y.is_cuda
    assert relative_error(y, reference(model, x)) <= 1e-5


@pytest.mark.parametrize("device", DEVICES)
# K % 16 != 0: the byte GEMV (batch <= 16), else tiled; K % 16 == 0: the
# word GEMV for one row, the f32 tensor-core kernel of 32-bit words for
# more (its last chunk of 64 trits partial: 48 = 3 words, 784 = 12 chunks
# and 1 word, 4112 = 64 chunks and 1 word, warp 0 running 3 steps);
# K % 64 == 0: the f32 tensor-core kernels (one row per block for one row;
# 16 rows x 64 columns per block, its second group of 8 rows from batch 9).
# K = 4160 (65 chunks of 64): warp 0 of the one-row kernel runs 3 steps,
# both shared buffers.
@pytest.mark.parametrize("k,n,batch", [(37, 45, 1), (37, 45, 16), (130, 33, 17), (1001, 70, 3),
                                       (64, 45, 1), (64, 45, 3), (48, 33, 1), (48, 33, 16),
                                       (1024, 100, 1), (1024, 100, 7), (192, 257, 2),
                                       (192, 257, 40), (512, 130, 13), (64, 45, 16),
                                       (320, 64, 9), (4160, 37, 1), (48, 33, 40),
                                       (784, 70, 20), (4112, 20, 3)])
def test_gemv_shapes(tmp_path, k, n, batch, device):
    import triton_dsl
    program = tmp_path / "odd.tri"
    program.write_text(f"layer Odd {{\n    param w: TernaryTensor[{k}, {n}]\n\n"
                       f"    fn forward(x: Tensor[N, {k}]) -> Tensor[N, {n}] {{\n"
                       f"        return x @ w\n    }}\n}}\n")
    rng = np.random.default_rng(k * n)
    trits = rng.integers(-1, 2, size=(k, n)).astype(np.float32)
    weights = tmp_path / "w.safetensors"
    import torch
    triton_dsl.save_weights(weights, {"Odd.w": torch.from_numpy(trits)})
    directory = _ptx_dir(tmp_path, program, weights, device)
    x = rng.standard_normal((batch, k)).astype(np.float32)
    function = cuda.load(directory).Odd_forward
    got = function(x)
    # A strided torch view of x (column-major): the same result.
    import torch
    strided = torch.from_numpy(np.asfortranarray(x))
    if device == "cuda":
        strided = strided.cuda()
    assert not strided.is_contiguous() or batch == 1
    np.testing.assert_array_equal(np.asarray(function(strided).cpu()), got)
    # absmean ternarization of exact trits keeps them; `x @ w` of a
    # TernaryTensor param has no scale (the PyTorch target agrees).
    want = x.astype(np.float64) @ trits.astype(np.float64)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("device", DEVICES)
def test_any_rank_input(tmp_path, device):
    """Inputs of rank 1, 3 and 4 (f32) and 3 (int8) run the packed kernels
    on their rows as a matrix (a view: no copy, no loop of one thread per
    output), for a float64 / int64 reference."""
    import json
    import torch
    import triton_dsl
    program = tmp_path / "ranks.tri"
    program.write_text("""
layer One {
    param w: TernaryTensor[128, 45]
    fn forward(x: Tensor[128]) -> Tensor[45] { return x @ w }
}
layer Three {
    param w: TernaryTensor[128, 45]
    fn forward(x: Tensor[B, T, 128]) -> Tensor[B, T, 45] { return x @ w }
}
layer Four {
    param w: TernaryTensor[128, 45]
    param b: Tensor[45]
    fn forward(x: Tensor[A, 2, T, 128]) -> Tensor[A, 2, T, 45] { return x @ w + b }
}
layer Int8 {
    param w: TernaryTensor[128, 45]
    fn forward(x: Tensor<i8>[B, T, 128]) -> Tensor<i32>[B, T, 45] { return x @ w }
}
""")
    rng = np.random.default_rng(3)
    trits = rng.integers(-1, 2, size=(128, 45)).astype(np.float32)
    bias = rng.standard_normal(45).astype(np.float32)
    weights = tmp_path / "w.safetensors"
    triton_dsl.save_weights(weights, {f"{layer}.w": torch.from_numpy(trits.copy())
                                      for layer in ("One", "Three", "Four", "Int8")}
                            | {"Four.b": torch.from_numpy(bias)})
    directory = _ptx_dir(tmp_path, program, weights, device)
    manifest = json.loads((directory / "ranks.json").read_text())
    for function in manifest["functions"]:
        kernels = {step["launch"] for step in function["steps"] if "launch" in step}
        assert kernels and all(k.startswith("ternary_") for k in kernels), \
            (function["name"], kernels)
    loaded = cuda.load(directory)
    w = trits.astype(np.float64)
    x1 = rng.standard_normal(128).astype(np.float32)
    np.testing.assert_allclose(loaded.One_forward(x1), x1 @ w, rtol=1e-5, atol=1e-4)
    for shape in [(1, 1, 128), (2, 3, 128), (3, 7, 128)]:  # 1, 6 and 21 rows
        x3 = rng.standard_normal(shape).astype(np.float32)
        got = loaded.Three_forward(x3)
        assert got.shape == shape[:-1] + (45,)
        np.testing.assert_allclose(got, x3 @ w, rtol=1e-5, atol=1e-4)
    x4 = rng.standard_normal((2, 2, 5, 128)).astype(np.float32)
    np.testing.assert_allclose(loaded.Four_forward(x4), x4 @ w + bias, rtol=1e-5, atol=1e-4)
    q = rng.integers(-128, 128, size=(2, 9, 128)).astype(np.int8)
    np.testing.assert_array_equal(loaded.Int8_forward(q),
                                  q.astype(np.int64) @ trits.astype(np.int64))


@pytest.mark.parametrize("device", DEVICES)
def test_f32_mma_exact(tmp_path, device):
    """The f32 tensor-core kernel multiplies x exactly: with one trit (+1 or
    -1) per column, y is +-x at that trit's row, bit for bit, for x with all
    24 significant bits in use and exponents from 2^-60 to 2^60 (the three
    bf16 parts hi + mid + lo are x; two would keep 16 bits). Batches 2, 9
    and 16 (one and two groups of 8 rows), and 1 (the one-row kernel, whose
    sums of t * lo, t * mid and t * hi meet in the epilogue) alike."""
    import torch
    import triton_dsl
    k, n = 128, 72
    program = tmp_path / "p.tri"
    program.write_text(f"layer P {{\n    param w: TernaryTensor[{k}, {n}]\n"
                       f"    fn forward(x: Tensor[B, {k}]) -> Tensor[B, {n}] {{\n"
                       f"        return x @ w\n    }}\n}}\n")
    rng = np.random.default_rng(7)
    rows = rng.permutation(k)[:n]
    signs = rng.choice([-1.0, 1.0], size=n)
    trits = np.zeros((k, n), np.float32)
    trits[rows, np.arange(n)] = signs
    weights = tmp_path / "w.safetensors"
    triton_dsl.save_weights(weights, {"P.w": torch.from_numpy(trits)})
    function = cuda.load(_ptx_dir(tmp_path, program, weights, device)).P_forward
    kernels = [s["launch"] for s in function.description["steps"] if "launch" in s]
    assert {"ternary_mma_f32_m16n64", "ternary_mma_f32_m1n64"} <= set(kernels)
    for batch in (2, 9, 16, 1):
        mantissa = 1 + rng.integers(1, 2**23, size=(batch, k)) / 2**23
        x = (mantissa * np.exp2(rng.integers(-60, 61, size=(batch, k)))
             * rng.choice([-1, 1], size=(batch, k))).astype(np.float32)
        assert (x.view(np.uint32) & 0xFF).any()  # bits below a 16-bit split
        np.testing.assert_array_equal(function(x), x[:, rows] * signs.astype(np.float32))


@pytest.mark.parametrize("device", DEVICES)
def test_f32_mma_scale(tmp_path, device):
    """A quantize_ternary weight (the per-tensor scale its absmean gives)
    and a bias through the f32 tensor-core kernel's epilogue: the PyTorch
    target on the same weights, at batches 3 and 12."""
    import torch
    import triton_dsl
    program = tmp_path / "qat.tri"
    program.write_text("layer Qat {\n    param w: Tensor[192, 70]\n    param b: Tensor[70]\n"
                       "    fn forward(x: Tensor[N, 192]) -> Tensor[N, 70] {\n"
                       "        let wq = quantize_ternary(w, 0.05)\n"
                       "        return x @ wq + b\n    }\n}\n")
    rng = np.random.default_rng(11)
    weights = tmp_path / "w.safetensors"
    _random_weights(weights, program, rng)
    function = cuda.load(_ptx_dir(tmp_path, program, weights, device)).Qat_forward
    kernels = [s["launch"] for s in function.description["steps"] if "launch" in s]
    assert "ternary_mma_f32_m16n64" in kernels
    namespace = {}
    exec(compile(triton_dsl.compile(program, target="pytorch", weights=weights),
                 str(program), "exec"), namespace)
    module = namespace["Qat"]()
    for batch in (3, 12):
        x = rng.standard_normal((batch, 192)).astype(np.float32)
        want = module(torch.from_numpy(x)).detach().numpy()
        np.testing.assert_allclose(function(x), want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("k,n", [(64, 33), (256, 45), (1024, 70), (48, 10)])
def test_int8_gemv(tmp_path, k, n, device):
    """Tensor<i8> @ TernaryTensor is exact i32: the dp4a GEMV (K % 64 == 0)
    or the linalg lowering (K = 48) against an int64 reference, at batch
    1, 3 and 17, with the extreme values -128 and 127."""
    program, weights, trits, rng = _matmul_layer(tmp_path, "Q", k, n, seed=k + n,
                                                 element="Tensor<i8>", result="Tensor<i32>")
    function = cuda.load(_ptx_dir(tmp_path, program, weights, device)).Q_forward
    kernels = [s["launch"] for s in function.description["steps"] if "launch" in s]
    assert any(name.startswith("ternary_gemv_i8") for name in kernels) == (k % 64 == 0)
    for batch in (1, 3, 17):
        x = rng.integers(-128, 128, size=(batch, k)).astype(np.int8)
        x[0, :2] = [-128, 127]
        got = function(x)
        assert got.dtype == np.int32
        np.testing.assert_array_equal(got, x.astype(np.int64) @ trits.astype(np.int64))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("k,n", [(128, 45), (4160, 70), (8192, 9), (8256, 33)])
def test_int8_staged_gemv(tmp_path, k, n, device):
    """The one-row int8 GEMV with x staged in shared memory
    (ternary_gemv_i8_sx_k<K>, K <= 8192) is exact against int64 and equal
    to ternary_gemv_i8_r1c4w4 (--gpu-int8-staged-x=false): K = 128 (lanes
    past the row end), 4160 (3 steps, the last partly past the end), 8192
    (4 whole steps; N = 9 leaves most warps of the persistent grid without
    a column). K = 8256 is past the staged kernel: r1c4w4 either way."""
    program, weights, trits, rng = _matmul_layer(tmp_path, "S", k, n, seed=k - n,
                                                 element="Tensor<i8>", result="Tensor<i32>")
    staged = cuda.load(_ptx_dir(tmp_path, program, weights, device)).S_forward
    (tmp_path / "classic").mkdir()
    classic = cuda.load(_ptx_dir(tmp_path / "classic", program, weights, device,
                                 ["--gpu-int8-staged-x=false"])).S_forward
    want = f"ternary_gemv_i8_sx_k{k}" if k <= 8192 else "ternary_gemv_i8_r1c4w4"
    assert want in [s["launch"] for s in staged.description["steps"]]
    assert "ternary_gemv_i8_r1c4w4" in [s["launch"] for s in classic.description["steps"]]
    x = rng.integers(-128, 128, size=(1, k)).astype(np.int8)
    x[0, -2:] = [-128, 127]
    got = staged(x)
    np.testing.assert_array_equal(got, x.astype(np.int64) @ trits.astype(np.int64))
    np.testing.assert_array_equal(got, classic(x))


@pytest.mark.parametrize("device", DEVICES)
def test_f32_fixed_point_extremes(tmp_path, device):
    """ternary_gemv_f32_fx_k at the ends of the f32 range: all zeros (+0 and
    -0), a row whose largest value is near FLT_MAX (the scale 2^(38 - E) is
    then 2^-90) or subnormal (2^164), and one mixing both ends: y is the
    float64 sum of the truncated row rounded once, as the fixed point says;
    a NaN gives NaN everywhere."""
    k, n = 128, 40
    program, weights, trits, rng = _matmul_layer(tmp_path, "E", k, n, seed=3)
    forward = cuda.load(_ptx_dir(tmp_path, program, weights, device,
                                 ["--gpu-f32-fixed-point"])).E_forward
    exact = trits.astype(np.float64)

    def expected(x):
        largest = np.abs(x.astype(np.float64)).max()
        if largest == 0:
            return np.zeros((1, n), np.float32)
        grid = 2.0 ** (np.frexp(largest)[1] - 38)
        return ((np.trunc(x.astype(np.float64) / grid) * grid) @ exact).astype(np.float32)

    zeros = np.zeros((1, k), np.float32)
    zeros[0, ::2] = -0.0
    np.testing.assert_array_equal(forward(zeros), np.zeros((1, n), np.float32))
    big = (rng.standard_normal((1, k)) * 1e36).astype(np.float32)
    big[0, 0] = np.float32(3.0e38)
    tiny = (rng.standard_normal((1, k)) * 1e-40).astype(np.float32)
    assert (np.abs(tiny) < np.finfo(np.float32).tiny).all()
    mixed = np.where(rng.integers(0, 2, (1, k)) == 1, big / 1e30, tiny).astype(np.float32)
    for x in (big, tiny, mixed):
        np.testing.assert_array_max_ulp(forward(x), expected(x), maxulp=1)
    nan = big.copy()
    nan[0, 7] = np.nan
    assert np.isnan(forward(nan)).all()


def test_manifest_sms():
    """A persistent kernel's grid names the device's SM count, "sms", which
    the runner binds before evaluating it."""
    grid = ["sms", 3, "*", "arg1.0", 32, "ceildiv", "min"]
    assert cuda.evaluate(grid, {"sms": 132, "arg1.0": 28672}) == 396
    assert cuda.evaluate(grid, {"sms": 108, "arg1.0": 28672}) == 324
    assert cuda.evaluate(grid, {"sms": 1, "arg1.0": 45}) == 2
    with pytest.raises(ValueError, match="unknown dim sms"):
        cuda.evaluate(grid, {"arg1.0": 45})


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("k,n", [(64, 45), (320, 70), (8192, 9), (64, 400)])
def test_f32_fixed_point_gemv(tmp_path, k, n, device):
    """The one-row f32 GEMV in fixed point on the int8 tensor cores
    (--gpu-f32-fixed-point, ternary_gemv_f32_fx_k<K>): x within 2^14 of its
    largest magnitude converts exactly, so y is the float64 sum rounded
    once to f32 (up to the f64 sum's own rounding: 1 ulp); x spanning 2^60
    loses only what lies below 2^-38 of the largest. K = 64 (one step, 3 of
    its 4 chunks past the row), 320 (a second step partly past it), 8192
    (32 steps; N = 9, one 16-column tile for the whole grid); N = 400, 25
    tiles for the 24 warps of the emulator's grid (3 blocks for its one SM):
    a warp walks two. A non-finite x makes every y NaN; two rows run
    ternary_mma_f32_m16n64."""
    program, weights, trits, rng = _matmul_layer(tmp_path, "F", k, n, seed=k + n)
    forward = cuda.load(_ptx_dir(tmp_path, program, weights, device,
                                 ["--gpu-f32-fixed-point"])).F_forward
    launches = [s["launch"] for s in forward.description["steps"] if "launch" in s]
    assert f"ternary_gemv_f32_fx_k{k}" in launches
    sms = forward.program.runner.multiprocessors
    assert sms == 1 if device == "emulator" else sms > 1
    exact = trits.astype(np.float64)
    # Within 2^14 of the largest magnitude: every x exact in fixed point.
    x = (rng.standard_normal((1, k)) * 2.0 ** rng.integers(-6, 7, (1, k))).astype(np.float32)
    x[0, 0] = -np.float32(2.0 ** 7)  # the largest, exactly a power of two
    want = (x.astype(np.float64) @ exact).astype(np.float32)
    got = forward(x)
    np.testing.assert_array_max_ulp(got, want, maxulp=1)
    # A row spanning 2^60: y is the sum of x truncated to multiples of
    # 2^(E - 38) (max |x| < 2^E), rounded once.
    wide = (rng.standard_normal((1, k)) * 2.0 ** rng.integers(-40, 20, (1, k))).astype(np.float32)
    grid = 2.0 ** (np.frexp(np.abs(wide).max())[1] - 38)
    truncated = np.trunc(wide.astype(np.float64) / grid) * grid
    assert (truncated != wide).any()
    np.testing.assert_array_max_ulp(forward(wide), (truncated @ exact).astype(np.float32), maxulp=1)
    nan = x.copy()
    nan[0, k // 2] = np.inf
    assert np.isnan(forward(nan)).all()
    two = np.concatenate([x, wide])
    np.testing.assert_allclose(forward(two), two.astype(np.float64) @ exact,
                               rtol=1e-5, atol=1e-5 * np.abs(two @ exact).max())


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("k,n", [(128, 45), (4160, 70), (8192, 9), (64, 400)])
def test_int8_mma_gemv(tmp_path, k, n, device):
    """The one-row int8 GEMV on the int8 tensor cores (--gpu-int8-mma-gemv,
    ternary_gemv_i8_mma_k<K>: u8 trit codes x s8 x, x staged once per
    block) is exact against int64: K = 128, 4160 (a last step partly past
    the row), 8192; N = 400 gives the emulator's 24 warps 25 tiles. With a
    bias, each column's is added."""
    program, weights, trits, rng = _matmul_layer(tmp_path, "M", k, n, seed=k * n,
                                                 element="Tensor<i8>", result="Tensor<i32>")
    forward = cuda.load(_ptx_dir(tmp_path, program, weights, device,
                                 ["--gpu-int8-mma-gemv"])).M_forward
    launches = [s["launch"] for s in forward.description["steps"] if "launch" in s]
    assert f"ternary_gemv_i8_mma_k{k}" in launches
    assert not any(name.startswith("ternary_gemv_i8_sx") for name in launches)
    x = rng.integers(-128, 128, size=(1, k)).astype(np.int8)
    x[0, :2] = [-128, 127]
    np.testing.assert_array_equal(forward(x), x.astype(np.int64) @ trits.astype(np.int64))
    if k != 128:
        return
    function, bias = _biased_int8_layer(tmp_path, trits, rng, device, ["--gpu-int8-mma-gemv"])
    np.testing.assert_array_equal(function(x), x.astype(np.int64) @ trits.astype(np.int64) + bias)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("k, n", [(128, 40), (4160, 72), (8192, 64)])
def test_int8_mma_codes(tmp_path, k, n, device):
    """The int8 tensor-core kernel of more rows with the trit codes as the
    mma's unsigned operand (--gpu-int8-mma-codes, ternary_mma_i8_m16n32_u8:
    x's row sums taken off) is exact against int64 at batches 2, 16 and 33
    (a tile mostly past the end): K = 128 (lanes past the row end), 4160 (a
    last step partly past it), 8192; N not a multiple of the 32-column tile
    at 40 and 72. x holds -128 and 127. With a bias, each column's is
    added."""
    program, weights, trits, rng = _matmul_layer(tmp_path, "C", k, n, seed=k + n,
                                                 element="Tensor<i8>", result="Tensor<i32>")
    forward = cuda.load(_ptx_dir(tmp_path, program, weights, device,
                                 ["--gpu-int8-mma-codes"])).C_forward
    launches = [s["launch"] for s in forward.description["steps"] if "launch" in s]
    assert "ternary_mma_i8_m16n32_u8" in launches
    assert "ternary_mma_i8_m16n32" not in launches
    for batch in (2, 16, 33):
        x = rng.integers(-128, 128, size=(batch, k)).astype(np.int8)
        x[0, :2] = [-128, 127]
        x[-1, -3:] = [127, -128, 127]
        np.testing.assert_array_equal(forward(x), x.astype(np.int64) @ trits.astype(np.int64))
    if k != 128:
        return
    function, bias = _biased_int8_layer(tmp_path, trits, rng, device, ["--gpu-int8-mma-codes"])
    x = rng.integers(-128, 128, size=(5, k)).astype(np.int8)
    np.testing.assert_array_equal(function(x), x.astype(np.int64) @ trits.astype(np.int64) + bias)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("k,n", [(128, 45), (4160, 70), (8192, 9), (8256, 33)])
def test_int8_activations(tmp_path, k, n, device):
    """--gpu-activations=int8 (W1.58A8): an f32 layer `x @ w * s + b` runs
    ternary_gemv_a8_sx_k<K> for one row (x quantized as it is staged, the
    dequantization in the epilogue) and ternary_quantize_rows_i8 and the s8
    tensor-core kernel ternary_mma_a8_m16n32 (dequantizing in its epilogue)
    above, and equals
    the CPU runtime's W1.58A8 definition bit for bit (numpy, above; and
    triton_dsl.torch_ops.ternary_matmul_reference(activations="int8")) at
    batches 1, 3, 16 and 33, per-column scales and a bias; with rows that
    are all zeros (the bias), that round halves to even (x = 2.5 when the
    row's largest magnitude is 127) and that hold NaN or infinity (NaN)."""
    import torch
    import triton_dsl
    from triton_dsl.torch_ops import ternary_matmul_reference
    program = tmp_path / "a8.tri"
    program.write_text(f"layer A8 {{\n    param w: TernaryTensor[{k}, {n}]\n"
                       f"    param s: Tensor[{n}]\n    param b: Tensor[{n}]\n"
                       f"    fn forward(x: Tensor[B, {k}]) -> Tensor[B, {n}] {{\n"
                       f"        return x @ w * s + b\n    }}\n}}\n")
    rng = np.random.default_rng(k + n)
    trits = rng.integers(-1, 2, size=(k, n)).astype(np.float32)
    scale = rng.uniform(0.5, 2.0, size=n).astype(np.float32)
    bias = rng.standard_normal(n).astype(np.float32)
    weights = tmp_path / "w.safetensors"
    triton_dsl.save_weights(weights, {"A8.w": torch.from_numpy(trits),
                                      "A8.s": torch.from_numpy(scale),
                                      "A8.b": torch.from_numpy(bias)})
    function = cuda.load(_ptx_dir(tmp_path, program, weights, device,
                                  ["--gpu-activations=int8"])).A8_forward
    # One row: the fused kernel alone; more: quantize, then the s8 tensor
    # cores dequantizing in their epilogue (the manifest's "when" chooses at
    # run time).
    launches = [(s["launch"], s.get("when")) for s in function.description["steps"]
                if "launch" in s]
    one_row = [name for name, when in launches if when == ["arg0.0", 1, "<="]]
    more = [name for name, when in launches if when != ["arg0.0", 1, "<="]]
    # K > 8192: ternary_gemv_i8_r1c4w4 between quantize_rows and
    # dequantize_rows.
    assert one_row == ([f"ternary_gemv_a8_sx_k{k}"] if k <= 8192 else
                       ["ternary_quantize_rows_i8", "ternary_gemv_i8_r1c4w4",
                        "ternary_dequantize_rows"]), launches
    assert more == ["ternary_quantize_rows_i8", "ternary_mma_a8_m16n32"], launches
    codes = np.ones((n, -(-k // 4) * 4), np.uint8)  # offset2: code = trit + 1
    codes[:, :k] = (trits.T + 1).astype(np.uint8)
    fields = codes.reshape(n, -1, 4)
    packed = torch.from_numpy(fields[..., 0] | fields[..., 1] << 2 | fields[..., 2] << 4
                              | fields[..., 3] << 6)
    for batch in (1, 3, 16, 33):
        x = (rng.standard_normal((batch, k)) * 4).astype(np.float32)
        if batch == 33:
            x[5] = 0
            x[6, :5] = [127, 2.5, -2.5, 3.5, 0.5]
            x[6, 5:] = 0
            x[7, 9] = np.nan
            x[8, k - 1] = -np.inf
        got = function(x)
        want = w158a8_reference(x, trits, scale, bias)
        np.testing.assert_array_equal(got, want)
        finite = np.isfinite(x).all(axis=1)
        runtime = ternary_matmul_reference(torch.from_numpy(x[finite]), packed, k, n,
                                           torch.from_numpy(scale), torch.from_numpy(bias),
                                           activations="int8")
        np.testing.assert_array_equal(got[finite], runtime.numpy())
    np.testing.assert_array_equal(got[5], bias)
    assert np.isnan(got[7]).all() and np.isnan(got[8]).all()
    # The same rows one at a time: the one-row kernel's own quantization.
    for i in range(5, 9):
        one = function(x[i:i + 1])
        np.testing.assert_array_equal(one, w158a8_reference(x[i:i + 1], trits, scale, bias))
        np.testing.assert_array_equal(one[0], got[i])  # NaN rows agree too


@pytest.mark.parametrize("device", DEVICES)
def test_int8_activations_with_mma_codes(tmp_path, device):
    """--gpu-activations=int8 with --gpu-int8-mma-codes: more rows run
    ternary_mma_a8_m16n32_u8 (the codes kernel dequantizing in its
    epilogue), bit for bit the runtime's W1.58A8 definition at batches 2,
    16 and 33 with a bias."""
    import torch
    import triton_dsl
    k, n = 4160, 72
    program = tmp_path / "c.tri"
    program.write_text(f"layer C {{\n    param w: TernaryTensor[{k}, {n}]\n"
                       f"    param b: Tensor[{n}]\n"
                       f"    fn forward(x: Tensor[B, {k}]) -> Tensor[B, {n}] {{\n"
                       f"        return x @ w + b\n    }}\n}}\n")
    rng = np.random.default_rng(41)
    trits = rng.integers(-1, 2, size=(k, n)).astype(np.float32)
    bias = rng.standard_normal(n).astype(np.float32)
    weights = tmp_path / "w.safetensors"
    triton_dsl.save_weights(weights, {"C.w": torch.from_numpy(trits),
                                      "C.b": torch.from_numpy(bias)})
    function = cuda.load(_ptx_dir(tmp_path, program, weights, device,
                                  ["--gpu-activations=int8", "--gpu-int8-mma-codes"])).C_forward
    launches = [s["launch"] for s in function.description["steps"] if "launch" in s]
    assert "ternary_mma_a8_m16n32_u8" in launches, launches
    for batch in (2, 16, 33):
        x = (rng.standard_normal((batch, k)) * 2).astype(np.float32)
        np.testing.assert_array_equal(function(x),
                                      w158a8_reference(x, trits, np.float32(1), bias))


@pytest.mark.parametrize("device", DEVICES)
def test_int8_activations_conv(tmp_path, device):
    """--gpu-activations=int8 on a ternary conv2d with C·KH·KW = 576 (a
    multiple of 64): its im2col matmul quantizes each patch (a row of the
    im2col matrix, padding zeros included) as the runtime defines, bit for
    bit against torch's unfold of the same input at batch 2."""
    import torch
    import triton_dsl
    program = tmp_path / "c.tri"
    program.write_text("layer C {\n    param w: TernaryTensor[8, 64, 3, 3]\n"
                       "    fn forward(x: Tensor[N, 64, 6, 6]) -> Tensor[N, 8, 6, 6] {\n"
                       "        return conv2d(x, w, padding=1)\n    }\n}\n")
    rng = np.random.default_rng(1)
    w = rng.integers(-1, 2, size=(8, 64, 3, 3)).astype(np.float32)
    weights = tmp_path / "w.safetensors"
    triton_dsl.save_weights(weights, {"C.w": torch.from_numpy(w)})
    function = cuda.load(_ptx_dir(tmp_path, program, weights, device,
                                  ["--gpu-activations=int8"])).C_forward
    launches = [s["launch"] for s in function.description["steps"] if "launch" in s]
    assert {"ternary_quantize_rows_i8", "ternary_mma_a8_m16n32"} <= set(launches), launches
    x = rng.standard_normal((2, 64, 6, 6)).astype(np.float32)
    patches = torch.nn.functional.unfold(torch.from_numpy(x), 3, padding=1)  # [2, 576, 36]
    rows = patches.transpose(1, 2).reshape(-1, 576).numpy()
    want = w158a8_reference(rows, w.reshape(8, -1).T, np.float32(1), np.float32(0))
    want = want.reshape(2, 36, 8).transpose(0, 2, 1).reshape(2, 8, 6, 6)
    np.testing.assert_array_equal(function(x), want)


@pytest.mark.parametrize("device", DEVICES)
def test_int8_activations_backend(device):
    """backend(target="ptx", activations="int8") (mode "simulate": the
    emulator) on a two-layer MLP: each Linear's input is quantized on the
    device; the result equals, bit for bit, the runtime's W1.58A8
    definition applied layer by layer to the ternarized model's trits and
    scales (ternarize_model: trits * scale, recovered as sign and largest
    magnitude), with the ReLU between them. The f32 backend's result is
    not that: the comparison can fail."""
    import torch
    import triton_dsl
    from triton_dsl.fx import ternarize_model
    torch.manual_seed(3)
    model = torch.nn.Sequential(torch.nn.Linear(128, 64), torch.nn.ReLU(),
                                torch.nn.Linear(64, 32))
    x = torch.randn(5, 128)
    mode = "simulate" if device == "emulator" else "compile"
    torch._dynamo.reset()
    with torch.no_grad():
        got = torch.compile(model, backend=triton_dsl.backend(
            target="ptx", mode=mode, activations="int8"))(x).numpy()
        torch._dynamo.reset()
        plain = torch.compile(model, backend=triton_dsl.backend(target="ptx", mode=mode))(x)
    want = x.numpy()
    for layer in ternarize_model(model):
        if isinstance(layer, torch.nn.ReLU):
            want = np.maximum(want, np.float32(0))
            continue
        weight = layer.weight.detach().numpy()
        scale = np.abs(weight).max()
        want = w158a8_reference(want, np.sign(weight).T, scale,
                                layer.bias.detach().numpy())
    np.testing.assert_array_equal(got, want)
    assert not np.array_equal(plain.numpy(), want)
    with pytest.raises(ValueError, match="activations must be 'f32' or 'int8'"):
        triton_dsl.backend(target="ptx", activations="int4")
    with pytest.raises(ValueError, match="an option of target='ptx'"):
        triton_dsl.backend(target="pytorch", activations="int8")


def _patch_w158a8(namespace):
    """Patches a PyTorch target module's namespace so that its ternary
    matmuls with f32 x and K % 64 == 0 quantize x per row as
    --gpu-activations=int8 defines (triton_dsl.torch_ops'
    quantize_activations_reference, the runtime's definition); returns the
    list their calls are counted in."""
    import torch
    from random_program_cases import patch_ternary_matmuls
    from triton_dsl.torch_ops import quantize_activations_reference
    calls = []

    def quantized(x, trits, scale, bias, matmul_trits):
        if x.dtype != torch.float32 or trits.shape[0] % 64:
            return matmul_trits(x, trits, scale, bias)
        calls.append(tuple(x.shape))
        q, step = quantize_activations_reference(x.reshape(-1, x.shape[-1]))
        y = ((q.double() @ trits.double()).float() * step).reshape(*x.shape[:-1],
                                                                  trits.shape[1])
        y = y * scale if scale is not None else y
        return y + bias if bias is not None else y

    patch_ternary_matmuls(namespace, quantized)
    return calls


@pytest.mark.filterwarnings("ignore::triton_dsl.compiler.CompileWarning")
@pytest.mark.parametrize("device", DEVICES)
def test_int8_activations_random_programs(tmp_path, device):
    """20 random programs of width 64 (fuzz/random_programs.py
    --differential) through --gpu-activations=int8 at batch 1 (the fused
    one-row kernel) and 3 (quantize, tensor cores, dequantize) against the
    PyTorch target on the same weights with its f32 ternary matmuls of K %
    64 == 0 quantized as the runtime defines (_patch_w158a8). A matmul of a
    constant input is folded when compiling, in f32: a function whose
    quantizing launches do not match the reference's quantized calls is not
    compared (counted). NaNs and infinities in the same places."""
    import random

    import torch
    from random_program_cases import pytorch_namespace, write_random_program
    rng = random.Random(9)
    values = np.random.default_rng(9)
    compared = quantized = folded = 0
    for i in range(20):
        folder = tmp_path / f"random{i}"
        program, weights = write_random_program(folder, rng, values, width=64)
        subprocess.run([str(TRITONC), str(program), "--target=ptx", "--no-warnings",
                        f"--emit={'emulator' if device == 'emulator' else 'dir'}-int8",
                        "--weights", str(weights), "-o", str(folder / "d")], check=True)
        namespace = pytorch_namespace(program, weights)
        calls = _patch_w158a8(namespace)
        for name, function in cuda.load(folder / "d").functions.items():
            description = function.description
            for batch in (1, 3):
                shapes = [[batch if isinstance(e[0], str) else e[0] for e in spec["shape"]]
                          for spec in description["arguments"] if spec["role"] == "input"]
                inputs = [values.standard_normal(shape).astype(np.float32) for shape in shapes]
                dims = {f"arg{a}.{d}": size for a, shape in enumerate(shapes)
                        for d, size in enumerate(shape)}
                launches = sum(1 for step in description["steps"]
                               if step.get("launch", "").startswith(
                                   ("ternary_quantize_rows_i8", "ternary_gemv_a8_sx_k"))
                               and ("when" not in step or cuda.evaluate(step["when"], dims)))
                before = len(calls)
                module = namespace[description["layer"]]()
                want = getattr(module, description["function"])(
                    *[torch.from_numpy(x) for x in inputs]).detach().numpy()
                if len(calls) - before != launches:
                    folded += 1
                    continue
                compared += 1
                quantized += launches > 0
                np.testing.assert_allclose(function(*inputs), want, rtol=1e-3, atol=1e-3,
                                           err_msg=f"{name}, batch {batch}, of\n"
                                                   f"{program.read_text()}")
    print(f"{compared} compared ({quantized} quantizing), {folded} with folded matmuls")
    assert quantized >= 5 and compared >= 4 * folded


def _w158a8_model(model, x):
    """The ternarized model (ternarize_model) in float32 with every
    Linear and ungrouped Conv2d whose K (in_features, C·KH·KW) is a multiple
    of 64 on W1.58A8 activations as the runtime defines them: rows of x,
    im2col patches (torch's unfold) for the convolutions."""
    import torch
    import torch.nn.functional as F
    from triton_dsl.fx import ternarize_model
    from triton_dsl.torch_ops import quantize_activations_reference

    def product(rows, weight):
        q, step = quantize_activations_reference(rows)
        return (q.double() @ weight.reshape(weight.shape[0], -1).double().t()).float() * step

    linear, conv2d = F.linear, F.conv2d

    def quantized_linear(input, weight, bias=None):
        if input.shape[-1] % 64:
            return linear(input, weight, bias)
        y = product(input.reshape(-1, input.shape[-1]), weight)
        y = y.reshape(*input.shape[:-1], weight.shape[0])
        return y + bias if bias is not None else y

    def quantized_conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        f, c, kh, kw = weight.shape
        if groups != 1 or (c * kh * kw) % 64:
            return conv2d(input, weight, bias, stride, padding, dilation, groups)
        def pair(v):
            return tuple(v) if isinstance(v, (tuple, list)) else (v, v)

        (ph, pw), (sh, sw), (dh, dw) = pair(padding), pair(stride), pair(dilation)
        n, _, h, w = input.shape
        patches = F.unfold(input, (kh, kw), dilation=(dh, dw), padding=(ph, pw),
                           stride=(sh, sw))
        y = product(patches.transpose(1, 2).reshape(-1, c * kh * kw), weight)
        y = y.reshape(n, -1, f).transpose(1, 2).reshape(
            n, f, (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1, -1)
        return y + bias.reshape(1, -1, 1, 1) if bias is not None else y

    reference = ternarize_model(model).eval()
    F.linear, F.conv2d = quantized_linear, quantized_conv2d
    try:
        with torch.no_grad():
            return reference(x)
    finally:
        F.linear, F.conv2d = linear, conv2d


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", ["vit", "mobilenet_v2"])
def test_int8_activations_fx_models(name, device):
    """ViT (its patch embedding, 3·8·8 = 192) and MobileNetV2 (its 1x1
    convolutions and classifier with K % 64 == 0) through
    backend(target="ptx", activations="int8") match _w158a8_model to 1e-5
    of the largest output, and are farther than 1e-3 from the f32
    ternarized model (the comparison can fail). ResNet18 is not compared
    so: its W1.58A8 output moves 0.8% when x moves by 1e-6 (a quantized
    value near a tie rounds the other way, deep layers amplify it;
    fuzz/results.md)."""
    import torch
    import triton_dsl
    sys.path.insert(0, str(ROOT / "python" / "tests"))
    from fx_architectures import architecture
    from test_fx_architectures import reference, relative_error
    model, x = architecture(name)
    torch._dynamo.reset()
    backend = triton_dsl.backend(target="ptx", activations="int8",
                                 mode="simulate" if device == "emulator" else "compile")
    with torch.no_grad():
        y = torch.compile(model, backend=backend)(x)
    assert relative_error(y, _w158a8_model(model, x).double()) <= 1e-5
    assert relative_error(y, reference(model, x)) > 1e-3


@pytest.mark.parametrize("device", DEVICES)
def test_int8_activations_other_k(tmp_path, device):
    """K = 784 (not a multiple of 64) keeps f32 activations under
    --gpu-activations=int8 (a warning at the matmul): the same kernels and
    results as without the option."""
    program, weights, trits, rng = _matmul_layer(tmp_path, "K", 784, 10, seed=4)
    (tmp_path / "a8").mkdir()
    quantized = cuda.load(_ptx_dir(tmp_path / "a8", program, weights, device,
                                   ["--gpu-activations=int8"])).K_forward
    plain = cuda.load(_ptx_dir(tmp_path, program, weights, device)).K_forward
    assert ([s.get("launch") for s in quantized.description["steps"]]
            == [s.get("launch") for s in plain.description["steps"]])
    x = rng.standard_normal((3, 784)).astype(np.float32)
    np.testing.assert_array_equal(quantized(x), plain(x))


@pytest.mark.parametrize("device", DEVICES)
def test_int8_bias(tmp_path, device):
    """`x @ w + b` with i8 x and an i32 bias: the bias is fused into the
    int8 kernels (the dp4a GEMV at batch 1, the tensor-core kernel above,
    whose epilogue adds it per column); exact against int64 at batches 1,
    2, 16 and 33 (a second 16-row tile, mostly past the end)."""
    import torch
    import triton_dsl
    program = tmp_path / "qb.tri"
    program.write_text("layer QB {\n    param w: TernaryTensor[128, 40]\n"
                       "    param b: Tensor<i32>[40]\n"
                       "    fn forward(x: Tensor<i8>[B, 128]) -> Tensor<i32>[B, 40] {\n"
                       "        return x @ w + b\n    }\n}\n")
    rng = np.random.default_rng(21)
    trits = rng.integers(-1, 2, size=(128, 40))
    bias = rng.integers(-1000, 1000, size=40).astype(np.int32)
    weights = tmp_path / "w.safetensors"
    triton_dsl.save_weights(weights, {"QB.w": torch.from_numpy(trits.astype(np.float32)),
                                      "QB.b": torch.from_numpy(bias)})
    function = cuda.load(_ptx_dir(tmp_path, program, weights, device)).QB_forward
    kernels = [s["launch"] for s in function.description["steps"] if "launch" in s]
    assert "ternary_mma_i8_m16n32" in kernels and "ternary_gemv_i8_sx_k128" in kernels
    for batch in (1, 2, 16, 33):
        x = rng.integers(-128, 128, size=(batch, 128)).astype(np.int8)
        np.testing.assert_array_equal(function(x), x.astype(np.int64) @ trits + bias)


@pytest.mark.parametrize("device", DEVICES)
def test_strided_reshape(tmp_path, device):
    """A reshape of a slice (test/Target/PTX/Inputs/strided_reshape.tri): the
    kernels read the strided view; the result is x[:, 0, :] @ w."""
    import torch
    import triton_dsl
    program = ROOT / "test" / "Target" / "PTX" / "Inputs" / "strided_reshape.tri"
    rng = np.random.default_rng(5)
    trits = rng.integers(-1, 2, size=(16, 10)).astype(np.float32)
    weights = tmp_path / "w.safetensors"
    triton_dsl.save_weights(weights, {"Head.w": torch.from_numpy(trits)})
    function = cuda.load(_ptx_dir(tmp_path, program, weights, device)).Head_forward
    x = rng.standard_normal((3, 5, 16)).astype(np.float32)
    np.testing.assert_allclose(function(x), x[:, 0, :].astype(np.float64) @ trits,
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("device", DEVICES)
def test_random_programs_match_pytorch(tmp_path, device):
    """30 random programs (fuzz/random_programs.py --differential: softmax,
    layer_norm, reductions, conv2d, reshapes, float and ternary matmuls,
    helper layers, folded constants) with random weights: every function
    through --target=ptx matches the PyTorch target at batch 3, NaNs and
    infinities in the same places."""
    import random

    import torch
    from random_program_cases import pytorch_namespace, write_random_program
    rng = random.Random(5)
    values = np.random.default_rng(5)
    for i in range(30):
        folder = tmp_path / f"random{i}"
        program, weights = write_random_program(folder, rng, values)
        emit = ["--emit=emulator"] if device == "emulator" else []
        subprocess.run([str(TRITONC), str(program), "--target=ptx", *emit, "--no-warnings",
                        "--weights", str(weights), "-o", str(folder / "d")], check=True)
        namespace = pytorch_namespace(program, weights)
        for name, function in cuda.load(folder / "d").functions.items():
            description = function.description
            inputs = [values.standard_normal([3 if isinstance(e[0], str) else e[0]
                                              for e in spec["shape"]]).astype(np.float32)
                      for spec in description["arguments"] if spec["role"] == "input"]
            module = namespace[description["layer"]]()
            want = getattr(module, description["function"])(
                *[torch.from_numpy(x) for x in inputs]).detach().numpy()
            np.testing.assert_allclose(function(*inputs), want, rtol=1e-3, atol=1e-3,
                                       err_msg=f"{name} of\n{program.read_text()}")


@pytest.mark.parametrize("device", DEVICES)
def test_scalar_arguments(tmp_path, device):
    """test/Target/PTX/Inputs/scalar_arguments.tri: f32 and f16 scalars
    reach the kernels by value (one also as the matmul's scale), an i32 one
    as a size; the results match float64 / int64. A scalar of the wrong
    kind, shape or range is refused, naming the argument."""
    import torch
    import triton_dsl
    program = ROOT / "test" / "Target" / "PTX" / "Inputs" / "scalar_arguments.tri"
    rng = np.random.default_rng(12)
    trits = rng.integers(-1, 2, size=(64, 8)).astype(np.float32)
    weights = tmp_path / "w.safetensors"
    triton_dsl.save_weights(weights, {"Scaled.w": torch.from_numpy(trits)})
    loaded = cuda.load(_ptx_dir(tmp_path, program, weights, device))
    for batch, s, t in ((1, 0.5, -2.0), (3, -1.25, 0.75), (17, 3.0, 0.0)):
        x = rng.standard_normal((batch, 64)).astype(np.float32)
        want = np.maximum(x.astype(np.float64) @ trits * s, 0) - t * s
        for scalar in (s, np.float32(s), np.array(s, np.float32), torch.tensor(s)):
            np.testing.assert_allclose(loaded.Scaled_forward(x, scalar, t), want,
                                       rtol=1e-5, atol=1e-5)
    x = rng.integers(-1000, 1000, size=(5, 4)).astype(np.int32)
    np.testing.assert_array_equal(loaded.Scaled_shifted(x, -7), x.astype(np.int64) - 7)
    np.testing.assert_array_equal(loaded.Scaled_shifted(x, np.int32(2**31 - 1001)),
                                  x.astype(np.int64) + 2**31 - 1001)
    x = rng.standard_normal((3, 4)).astype(np.float16)
    np.testing.assert_array_equal(loaded.Scaled_half(x, 1.5), x * np.float16(1.5))
    x = rng.standard_normal((2, 64)).astype(np.float32)
    with pytest.raises(ValueError, match="argument 1 is a scalar float32, got shape"):
        loaded.Scaled_forward(x, np.ones(2, np.float32), 1.0)
    with pytest.raises(TypeError, match="argument 2 must be float32"):
        loaded.Scaled_forward(x, 1.0, "1")
    with pytest.raises(TypeError, match="argument 1 must be int32, got float64"):
        loaded.Scaled_shifted(np.zeros((1, 4), np.int32), 2.5)
    with pytest.raises(ValueError, match="argument 1 .* does not fit int32"):
        loaded.Scaled_shifted(np.zeros((1, 4), np.int32), 2**40)


@pytest.mark.parametrize("device", DEVICES)
def test_negative_zero_argument(tmp_path, device):
    """1 / (x * -0.0) (test/Target/PTX/Inputs/negative_zero.tri): the -0.0
    kernel argument keeps its sign through the manifest, so the result is
    -inf where x > 0, as in float64."""
    program = ROOT / "test" / "Target" / "PTX" / "Inputs" / "negative_zero.tri"
    out = tmp_path / "negzero.d"
    emit = ["--emit=emulator"] if device == "emulator" else []
    subprocess.run([str(TRITONC), str(program), "--target=ptx", *emit, "-o", str(out)],
                   check=True)
    x = np.array([[1.5, -2.0, 3.0, -0.25], [-1.0, 2.0, -3.0, 4.0]], np.float32)
    with np.errstate(divide="ignore"):
        want = 1 / (x.astype(np.float64) * -0.0)
    np.testing.assert_array_equal(cuda.load(out).NegZero_forward(x), want)


@pytest.mark.parametrize("device", DEVICES)
def test_grouped_conv_packed(tmp_path, device):
    """Grouped convolutions (test/Target/PTX/Inputs/grouped_conv.tri: a
    depthwise 3x3, then 2 groups with stride, padding and dilation) with
    bound weights: their filters are in the weights file as packed bytes,
    one row of ceil(C*KH*KW / 4) per output channel, not as floats; the
    result matches torch's float64 grouped conv2d at batch 1 and 3."""
    from safetensors.numpy import load_file
    inputs = ROOT / "test" / "Target" / "PTX" / "Inputs"
    weights = inputs / "grouped_conv.weights.safetensors"
    loaded = cuda.load(_ptx_dir(tmp_path, inputs / "grouped_conv.tri", weights, device))
    constants = [(c["dtype"], c["shape"]) for c in loaded.manifest["constants"]]
    assert ("i8", [8, 3]) in constants and ("i8", [6, 9]) in constants, constants
    assert not [c for c in constants if c[0] == "f32" and np.prod(c[1]) in (8 * 9, 6 * 36)]
    w = load_file(str(weights))
    rng = np.random.default_rng(11)
    for batch in (1, 3):
        x = rng.standard_normal((batch, 8, 9, 9)).astype(np.float32)
        np.testing.assert_allclose(loaded.Grouped_forward(x), _grouped_reference(w, x),
                                   rtol=1e-5, atol=1e-5)


def _grouped_reference(w, x):
    """test/Target/PTX/Inputs/grouped_conv.tri in torch float64."""
    import torch
    w = {k: torch.from_numpy(v).double() for k, v in w.items()}
    a = torch.conv2d(torch.from_numpy(x).double(), w["Grouped.dw"], padding=1, groups=8)
    return (torch.conv2d(a.relu(), w["Grouped.gw"], stride=2, padding=2, dilation=2, groups=2)
            * w["Grouped.s"]).numpy()


@pytest.mark.parametrize("device", DEVICES)
def test_grouped_conv_unbound(tmp_path, device):
    """The grouped convolutions of test_grouped_conv_packed without
    --weights: the filters are params of packed bytes (packed along F, as
    in a weights file) passed at the call, and each trit is decoded from
    them in the convolution's loop; no temporary holds a filter (trits or
    floats). Matches torch's float64 grouped conv2d."""
    from safetensors.numpy import load_file
    from triton_dsl.runtime.packing import pack
    program = ROOT / "test" / "Target" / "PTX" / "Inputs" / "grouped_conv.tri"
    out = tmp_path / "grouped.d"
    emit = ["--emit=emulator"] if device == "emulator" else []
    subprocess.run([str(TRITONC), str(program), "--target=ptx", *emit, "-o", str(out)],
                   check=True)
    function = cuda.load(out).Grouped_forward
    arguments = [(a.get("param"), a["dtype"], a["shape"])
                 for a in function.description["arguments"]]
    assert arguments[:3] == [("Grouped.dw", "i8", [[9], [2]]), ("Grouped.gw", "i8", [[36], [2]]),
                             ("Grouped.s", "f32", [[6], [1], [1]])], arguments
    filter_sizes = {8 * 9, 6 * 36}
    assert not [t for t in function.description["temporaries"]
                if np.prod([d[0] if len(d) == 1 and isinstance(d[0], int) else 0
                            for d in t["shape"]]) in filter_sizes], \
        function.description["temporaries"]
    w = load_file(str(program.with_name("grouped_conv.weights.safetensors")))
    packed = {name: np.asarray(pack(w[name].astype(np.int8), encoding="offset2", axis=0))
              .view(np.int8).reshape(shape)
              for name, shape in (("Grouped.dw", (9, 2)), ("Grouped.gw", (36, 2)))}
    rng = np.random.default_rng(12)
    for batch in (1, 3):
        x = rng.standard_normal((batch, 8, 9, 9)).astype(np.float32)
        got = function(packed["Grouped.dw"], packed["Grouped.gw"], w["Grouped.s"], x)
        np.testing.assert_allclose(got, _grouped_reference(w, x), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("device", DEVICES)
def test_unbound_conv_filter(tmp_path, device):
    """examples/conv_block.tri without --weights: the filter is a param of
    packed bytes passed at the call, repacked on the device as the [C*KH*KW,
    F] weight of its im2col matmul straight from those bytes, so no tensor
    of unpacked trits ([16, 16, 3, 3] or [144, 16]) is ever allocated (no
    dense copy of W); the result matches torch's float64 conv2d."""
    import torch
    from triton_dsl.runtime.packing import pack
    program = ROOT / "examples" / "conv_block.tri"
    out = tmp_path / "conv_block.d"
    emit = ["--emit=emulator"] if device == "emulator" else []
    subprocess.run([str(TRITONC), str(program), "--target=ptx", *emit, "-o", str(out)],
                   check=True)
    function = cuda.load(out).ConvBlock_forward
    description = function.description
    assert [a.get("param") for a in description["arguments"][:2]] == ["ConvBlock.w",
                                                                      "ConvBlock.bias"]
    temporaries = [(t["dtype"], t["shape"]) for t in description["temporaries"]]
    assert ("i8", [[16], [36]]) in temporaries, temporaries  # the repacked bytes
    assert not [t for t in temporaries if t[0] == "i8" and t != ("i8", [[16], [36]])], \
        temporaries
    rng = np.random.default_rng(8)
    trits = rng.integers(-1, 2, size=(16, 16, 3, 3)).astype(np.int8)
    packed = np.asarray(pack(trits, encoding="offset2", axis=0)).view(np.int8).reshape(144, 4)
    bias = rng.standard_normal((16, 1, 1)).astype(np.float32)
    x = rng.standard_normal((2, 16, 32, 32)).astype(np.float32)
    x64 = torch.from_numpy(x).double()
    want = (torch.conv2d(x64, torch.from_numpy(trits).double(), padding=1)
            + torch.from_numpy(bias).double()).relu() + x64
    np.testing.assert_allclose(function(packed, bias, x), want.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("device", DEVICES)
def test_reload_after_recompiling(tmp_path, device):
    """A directory compiled again (another program, the same name) and
    loaded while the first load is still open runs the new kernels; loading
    writes nothing into the directory (it may be read-only)."""
    out = tmp_path / "layer.d"
    emit = ["--emit=emulator"] if device == "emulator" else []
    x = np.arange(8, dtype=np.float32).reshape(2, 4) - 3
    loads = []
    for body, want in (("relu(x)", np.maximum(x, 0)), ("x * 3 - 1", x * 3 - 1)):
        program = tmp_path / "layer.tri"
        program.write_text("layer L {\n    fn forward(x: Tensor[N, 4]) -> Tensor[N, 4] {\n"
                           f"        return {body}\n    }}\n}}\n")
        subprocess.run([str(TRITONC), str(program), "--target=ptx", *emit, "-o", str(out)],
                       check=True)
        written = sorted(out.iterdir())
        loads.append(cuda.load(out))
        np.testing.assert_array_equal(loads[-1].L_forward(x), want)
        assert sorted(out.iterdir()) == written  # e.g. no linked emulator library
    for loaded in loads:
        loaded.close()


@pytest.mark.parametrize("device", DEVICES)
def test_bad_inputs(tmp_path, device):
    program = ROOT / "examples" / "mlp.tri"
    weights = tmp_path / "w.safetensors"
    _random_weights(weights, program, np.random.default_rng(1))
    directory = _ptx_dir(tmp_path, program, weights, device)
    loaded = cuda.load(directory)
    with pytest.raises(TypeError, match="must be float32"):
        loaded.MLP_forward(np.zeros((1, 784), np.float64))
    with pytest.raises(ValueError, match="dim 1 must be 784"):
        loaded.MLP_forward(np.zeros((1, 785), np.float32))
    (directory / "mlp.weights.bin").unlink()
    with pytest.raises(FileNotFoundError, match="weights file"):
        cuda.load(directory)
    if device == "emulator":
        _random_weights(weights, program, np.random.default_rng(1))
        directory = _ptx_dir(tmp_path, program, weights, device)
        loaded = cuda.load(directory)
        with pytest.raises(RuntimeError, match="emulated kernels have no kernel 'missing'"):
            loaded.kernel("missing")
        with pytest.raises(RuntimeError, match="the CPU emulator runs no PTX"):
            loaded.runner.check(loaded.runner.lib.tri_cuda_load_ptx(loaded.runner.handle, b""))
        import ctypes
        step = next(s for s in loaded.MLP_forward.description["steps"] if "launch" in s)
        grid, block = (ctypes.c_uint * 3)(1, 1, 1), (ctypes.c_uint * 3)(2048, 1, 1)
        with pytest.raises(RuntimeError, match="blocks of 1 to 1024 threads, not 2048"):
            loaded.runner.check(loaded.runner.lib.tri_cuda_launch(
                loaded.runner.handle, loaded.kernel(step["launch"]), grid, block, 0, None))
        loaded.close()
        (directory / "mlp.emulator.o").unlink()
        with pytest.raises(FileNotFoundError, match="emulator object"):
            cuda.load(directory)


@_needs_gpu
def test_launcher_matches_call(tmp_path):
    """_Function.launcher (bench/gpu_bench.py) binds CUDA tensors once and
    queues the steps: the same result as a call."""
    import torch
    program = tmp_path / "g.tri"
    program.write_text("layer G {\n    param w: TernaryTensor[70, 33]\n"
                       "    fn forward(x: Tensor[B, 70]) -> Tensor[B, 33] {\n"
                       "        return x @ w\n    }\n}\n")
    out = tmp_path / "g.d"
    subprocess.run([str(TRITONC), str(program), "--target=ptx", "-o", str(out)], check=True)
    function = cuda.load(out).G_forward
    packed = torch.full((33, 18), 0x55, dtype=torch.int8, device="cuda")  # all zeros
    packed[:, 0] = 0b10_00_10_00 - 256  # 0x88: trits -1, +1, -1, +1 in k = 0..3
    for batch in (1, 20):
        x = torch.randn(batch, 70, device="cuda")
        run, result = function.launcher(packed, x)
        run()
        torch.cuda.synchronize()
        want = function(packed, x)
        torch.testing.assert_close(result, want)
        reference = -x[:, 0] + x[:, 1] - x[:, 2] + x[:, 3]
        torch.testing.assert_close(result, reference[:, None].expand(-1, 33), rtol=1e-5, atol=1e-5)
    with pytest.raises(TypeError, match="torch CUDA tensors"):
        function.launcher(packed.cpu(), torch.randn(1, 70))
    # A view 4 bytes into its storage: the launcher refuses it, a call
    # copies it to aligned memory.
    shifted = torch.randn(70 * 3 + 1, device="cuda")[1:].view(3, 70)
    with pytest.raises(ValueError, match="16-byte aligned"):
        function.launcher(packed, shifted)
    reference = -shifted[:, 0] + shifted[:, 1] - shifted[:, 2] + shifted[:, 3]
    torch.testing.assert_close(function(packed, shifted), reference[:, None].expand(-1, 33),
                               rtol=1e-5, atol=1e-5)


@_needs_gpu
def test_torch_compile_backend_ptx(tmp_path):
    """backend(target="ptx"): the graph's kernels on the GPU match the
    PyTorch target's backend on the same captured weights, for CUDA and CPU
    inputs, and after an in-place weight update (recaptured)."""
    import torch
    import triton_dsl
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(48, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
    x = torch.randn(4, 48)
    ptx = triton_dsl.backend(target="ptx", mode="codegen", folder=tmp_path)
    reference = torch.compile(model, backend=triton_dsl.backend(target="pytorch"))
    want = reference(x)
    got = torch.compile(model, backend=ptx)(x)
    assert (tmp_path / "graph_0" / "ptx").is_dir()
    torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-4)
    got_cuda = torch.compile(model, backend=ptx)(x.cuda())
    assert got_cuda.is_cuda
    torch.testing.assert_close(got_cuda.cpu(), want, rtol=1e-4, atol=1e-4)
