# The ACALSim target from Python (docs/targets/acalsim.md): every FX test
# model (test_fx.FX_CASES) and the seed's examples (an MLP 16->32->10, matmul
# patterns, an attention block) compiled to bare-metal RISC-V C, built with
# riscv64-unknown-elf-gcc and run in qemu-system-riscv64 with the harness
# that emulates the ACALSim device. Outputs are compared with an independent
# float64 reference: the model with its Linear/Conv2d weights ternarized
# (ternarize_model), every Linear's input quantized to int8 per row as the
# target defines it (s = 127 / max|x|, round half away from zero), in
# float64. The emulated device must have done one ADD/SUB per non-zero trit
# of every Linear times its rows. The torch.compile backend's `simulate` mode
# returns QEMU's numbers: editing one weight byte in its directory changes
# them. Needs the CMake build and the RISC-V toolchain and QEMU
# (scripts/setup.sh installs them).
import os
import pathlib
import shutil
import subprocess
from unittest import mock

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import triton_dsl
from triton_dsl import acalsim
from triton_dsl.fx import from_fx, ternarize_model

from test_fx import FX_CASES

ROOT = pathlib.Path(__file__).resolve().parents[2]
TRITONC = pathlib.Path(os.environ.get("TRITON_BUILD_DIR", ROOT / "build")) / "bin" / "tritonc"

pytestmark = pytest.mark.skipif(
    shutil.which("riscv64-unknown-elf-gcc") is None or shutil.which("qemu-system-riscv64") is None,
    reason="no RISC-V toolchain or QEMU (scripts/setup.sh installs them)")


def fake_quantize_rows(x: torch.Tensor) -> torch.Tensor:
    """The int8 codes of each row times its step, in float64: what the
    device's integer sum sees, computed from the f32 activations."""
    x32 = x.detach().to(torch.float32).numpy()
    rows = x32.reshape(-1, x32.shape[-1])
    out = np.zeros(rows.shape, dtype=np.float64)
    for i, row in enumerate(rows):
        absmax = np.float32(np.abs(row).max())
        if absmax == 0:
            continue
        v = (row * (np.float32(127) / absmax)).astype(np.float32)
        t = np.trunc(v)
        fraction = (v - t).astype(np.float32)
        q = np.clip(t + (fraction >= 0.5) - (fraction <= -0.5), -127, 127)
        out[i] = q.astype(np.float64) * float(np.float32(absmax / np.float32(127)))
    return torch.from_numpy(out.reshape(x32.shape))


def int8_reference(model, x, **quantizer):
    """Every linear (nn.Linear and F.linear, which it calls) sees its input
    quantized to int8 per row."""
    ref = ternarize_model(model, **quantizer).double().eval()
    linear = F.linear

    def quantized_linear(input, weight, bias=None):
        return linear(fake_quantize_rows(input), weight, bias)

    with torch.no_grad(), mock.patch.object(F, "linear", quantized_linear):
        return ref(x.double())


def expected_operations(program, example):
    """nonzero trits x rows of every 2-D ternary param (a Linear; conv
    weights are 4-D and run on the core)."""
    rows = example.shape[0]
    return sum(int((trits != 0).sum()) * rows
               for trits in program.ternary_params.values() if trits.dim() == 2)


def assert_close(got, want, tolerance=1e-4):
    got = torch.as_tensor(got).double()
    assert got.shape == want.shape
    scale = max(want.abs().max().item(), 1e-6)
    err = (got - want).abs().max().item() / scale
    assert err <= tolerance, f"relative error {err}"


@pytest.mark.parametrize("name", sorted(FX_CASES))
def test_fx_models_run_in_qemu(name, tmp_path):
    torch.manual_seed(5)
    model, x, quantizer = FX_CASES[name]()
    program = from_fx(model, (x,), dynamic_batch=False, **quantizer)
    directory = program.acalsim(tmp_path / name)
    result = acalsim.simulate(directory, [x.numpy()])
    assert_close(result.outputs[0], int8_reference(model, x, **quantizer))
    assert result.device["add"] + result.device["sub"] == expected_operations(program, x)
    assert result.device["errors"] == 0


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(16, 32), nn.Linear(32, 10)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


class MatmulPatterns(nn.Module):
    """F.linear without bias, x @ W.T through a Linear's weight, a chain."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(24, 16, bias=False)
        self.b = nn.Linear(16, 16)
        self.c = nn.Linear(16, 8)

    def forward(self, x):
        h = F.linear(x, self.a.weight)
        return self.c(torch.tanh(self.b(h)) + h)


class Attention(nn.Module):
    """Single-head attention with ternary projections."""

    def __init__(self, d=32):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.norm = nn.LayerNorm(d)
        self.d = d

    def forward(self, x):
        q, k, v = self.q(x), self.k(x), self.v(x)
        scores = torch.softmax(q @ k.transpose(0, 1) / self.d ** 0.5, dim=-1)
        return self.norm(x + self.o(scores @ v))


SEED_MODELS = {"mlp_16_32_10": (MLP, (4, 16)), "matmul_patterns": (MatmulPatterns, (3, 24)),
               "attention": (Attention, (6, 32))}


@pytest.mark.parametrize("name", sorted(SEED_MODELS))
def test_backend_simulate_returns_qemus_outputs(name):
    cls, shape = SEED_MODELS[name]
    torch._dynamo.reset()
    torch.manual_seed(11)
    model = cls().eval()
    x = torch.randn(*shape)
    backend = triton_dsl.backend(target="acalsim", mode="simulate")
    compiled = torch.compile(model, backend=backend)
    with torch.no_grad():
        got = compiled(x)
    assert_close(got, int8_reference(model, x))
    graph = backend.graphs[0]
    rerun = acalsim.run(graph.acalsim)  # the same ELF: its device counters
    assert torch.equal(torch.from_numpy(rerun.outputs[0]), got)
    assert rerun.device["add"] + rerun.device["sub"] == expected_operations(graph.program, x)


def test_simulate_reads_the_directorys_weights():
    torch._dynamo.reset()
    torch.manual_seed(12)
    model = MLP().eval()
    x = torch.randn(2, 16)
    backend = triton_dsl.backend(target="acalsim", mode="simulate")
    compiled = torch.compile(model, backend=backend)
    with torch.no_grad():
        before = compiled(x).clone()
    directory = backend.graphs[0].acalsim
    info = acalsim.manifest(directory)
    packed = next(w for w in info["weights"] if w["dtype"] == "i8")
    path = directory / info["weights_file"]
    data = bytearray(path.read_bytes())
    # Flip every code of the first packed byte: -1 <-> +1, 0 stays.
    byte = data[packed["offset"]]
    codes = [(byte >> (2 * i)) & 3 for i in range(4)]
    assert any(code != 1 for code in codes)
    data[packed["offset"]] = sum((2 - code) << (2 * i) for i, code in enumerate(codes))
    path.write_bytes(bytes(data))
    with torch.no_grad():
        after = compiled(x)
    assert not torch.equal(before, after)
    with torch.no_grad():
        assert torch.equal(model(x), model(x))  # eager is untouched


def test_backend_modes(tmp_path, capsys):
    model = MLP().eval()
    x = torch.randn(2, 16)
    with torch.no_grad():
        eager = model(x)
    for mode in ("eager", "trace", "compile"):
        torch._dynamo.reset()
        backend = triton_dsl.backend(target="acalsim", mode=mode)
        with torch.no_grad():
            assert torch.allclose(torch.compile(model, backend=backend)(x), eager)
        if mode == "compile":  # built, not run
            assert (backend.graphs[0].acalsim / "from_fx_captured.elf").is_file()
    assert "# as a .tri program" in capsys.readouterr().out
    torch._dynamo.reset()
    backend = triton_dsl.backend(target="acalsim", mode="codegen", folder=tmp_path,
                                 offload="host")
    with torch.no_grad():
        torch.compile(model, backend=backend)(x)
    folder = tmp_path / "graph_0"
    assert (folder / "model.tri").is_file() and (folder / "model.opt.mlir").is_file()
    source = (folder / "acalsim" / "from_fx_captured.c").read_text()
    assert "ACALSIM_OFFLOAD_HOST" in source and "acalsim_ternary_matmul_f32" in source
    with pytest.raises(ValueError, match="use target='acalsim'"):
        triton_dsl.backend(mode="simulate")
    with pytest.raises(ValueError, match="offload must be"):
        triton_dsl.backend(target="acalsim", offload="gpu")


def test_programs_the_random_programs_broke_run_in_qemu(tmp_path):
    """Programs --target=acalsim once could not compile (found by the random
    programs of fuzz/random_programs.py; test/Target/ACALSim/
    views-and-scalars.test): a flatten as the function's result (a copy out
    of a reshaped view), a runtime ternarize (its absmean scale a rank-0
    buffer) and a reshape to a shape computed from N before a softmax. In
    qemu they match float64 or the PyTorch target. So do a reshape of a
    quantize_ternary result (its dynamic type could not be lowered) and a
    matmul with trits quantized at run time with K = N, now on the device."""
    inputs = ROOT / "test" / "Target" / "ACALSim" / "Inputs"
    rng = np.random.default_rng(3)

    def compile_and_run(name, weights, x):
        """`name`.tri compiled with `weights` (a dict) and run in qemu on x."""
        triton_dsl.save_weights(tmp_path / f"{name}.safetensors",
                                {k: torch.from_numpy(v) for k, v in weights.items()})
        subprocess.run([str(TRITONC), str(inputs / f"{name}.tri"), "--target=acalsim",
                        f"--acalsim-batch={x.shape[0]}",
                        "--weights", str(tmp_path / f"{name}.safetensors"),
                        "-o", str(tmp_path / name)], check=True)
        return acalsim.simulate(tmp_path / name, [x]).outputs[0]

    def pytorch_target(name, layer, x):
        namespace = {}
        exec(triton_dsl.compile(inputs / f"{name}.tri", target="pytorch",
                                weights=tmp_path / f"{name}.safetensors"), namespace)
        return namespace[layer]()(torch.from_numpy(x)).detach().double()

    trits = rng.integers(-1, 2, size=(2, 1, 3, 3)).astype(np.float32)
    x = rng.standard_normal((1, 1, 6, 6)).astype(np.float32)
    want = F.relu(F.conv2d(torch.from_numpy(x).double(), torch.from_numpy(trits).double(),
                           padding=1)).flatten(1)
    assert_close(compile_and_run("flatten_conv", {"C.cw": trits}, x), want, 1e-5)

    for name, layer, weights in (
            ("runtime_ternarize", "R", {"R.q": rng.standard_normal((4, 4)).astype(np.float32)}),
            ("reshape_softmax", "S", {"S.b": rng.standard_normal(4).astype(np.float32)}),
            ("reshape_quantized", "Q", {})):
        x = rng.standard_normal((2, 8 if name == "reshape_quantized" else 4)).astype(np.float32)
        got = compile_and_run(name, weights, x)
        assert_close(got, pytorch_target(name, layer, x), 1e-5)

    # Trits quantized at run time with K = N run on the device: x's rows
    # (of transpose(x)) quantized to int8, one ADD/SUB per non-zero trit.
    x = rng.standard_normal((3, 4)).astype(np.float32)
    y = rng.standard_normal((3, 8)).astype(np.float32)
    subprocess.run([str(TRITONC), str(inputs / "runtime_weights.tri"), "--target=acalsim",
                    "--acalsim-batch=3", "-o", str(tmp_path / "weights")], check=True)
    result = acalsim.simulate(tmp_path / "weights", [x, y])
    y64 = y.astype(np.float64)
    trits = np.where(y64 > 0.1, 1.0, np.where(y64 < -0.1, -1.0, 0.0))
    scale = np.abs(y64)[trits != 0].mean()
    want = fake_quantize_rows(torch.from_numpy(x.T.copy())) @ torch.from_numpy(trits) * scale
    assert_close(result.outputs[0], want, 1e-5)
    assert result.device["add"] + result.device["sub"] == 4 * int((trits != 0).sum())


def test_nan_propagates_through_max_min_and_relu(tmp_path):
    """relu, max and min give NaN for a NaN operand, as torch does: C's
    fmaxf / fminf return the other operand (fuzz/results.md: random programs
    whose NaN rows came out as numbers)."""
    source = """layer M {
    fn forward(x: Tensor[2, 4]) -> Tensor[2, 6] {
        let r = relu(x)
        let hi = max(x, 1, keepdim=true)
        let lo = min(x, 1, keepdim=true)
        return cat(cat(r, hi, 1), lo, 1)
    }
}
"""
    files = triton_dsl.compile(source, target="acalsim", filename="m.tri")
    folder = acalsim.write(files, tmp_path / "m")
    x = np.array([[-1.0, 2.0, np.nan, -0.0], [1.0, -3.0, 0.5, 2.0]], dtype=np.float32)
    got = acalsim.simulate(folder, [x]).outputs[0]
    t = torch.from_numpy(x)
    want = torch.cat([torch.relu(t), t.amax(1, keepdim=True), t.amin(1, keepdim=True)], 1)
    np.testing.assert_array_equal(got, want.numpy())


@pytest.mark.parametrize("bad", [np.inf, np.nan])
def test_non_finite_row_stops_the_run(tmp_path, bad):
    """A row of x holding inf or NaN has no int8 quantization: the program
    reports status 4 and prints no outputs (a NaN once went unnoticed and
    gave numbers). A finite input runs."""
    source = """layer T {
    param w: TernaryTensor[4, 3]
    fn forward(x: Tensor[1, 4]) -> Tensor[1, 3] {
        return x @ w
    }
}
"""
    trits = np.array([[1, 0, -1], [1, 1, 0], [-1, 1, 1], [0, -1, 1]], np.float32)
    weights = tmp_path / "w.safetensors"
    triton_dsl.save_weights(weights, {"T.w": torch.from_numpy(trits)})
    files = triton_dsl.compile(source, target="acalsim", filename="t.tri", weights=weights)
    folder = acalsim.write(files, tmp_path / "t")
    x = np.array([[127.0, -63.0, 2.0, 1.0]], np.float32)
    np.testing.assert_array_equal(acalsim.simulate(folder, [x]).outputs[0],
                                  x.astype(np.float64) @ trits)
    x[0, 1] = bad
    with pytest.raises(acalsim.ACALSimError, match="error 4: invalid kernel argument") as error:
        acalsim.simulate(folder, [x])
    assert error.value.status == 4 and "output 0" not in error.value.output


class _NonFiniteRow(Exception):
    """The reference quantized a row holding inf or NaN."""


def w158a8_reference(namespace, quantize):
    """Patches the namespace of a PyTorch target module so that its ternary
    matmuls with f32 x (packed weights or trits quantized at run time) see x
    quantized per row (fake_quantize_rows) when `quantize`, as this target's
    device computes them; returns the list their calls are counted in."""
    from random_program_cases import patch_ternary_matmuls
    calls = []

    def quantized(x, trits, scale, bias, matmul_trits):
        if x.dtype != torch.float32:
            return matmul_trits(x, trits, scale, bias)
        calls.append(x.shape)
        if not quantize:
            return matmul_trits(x, trits, scale, bias)
        if not bool(torch.isfinite(x).all()):
            raise _NonFiniteRow()
        y = (fake_quantize_rows(x) @ trits.double()).to(torch.float32)
        y = y * scale if scale is not None else y
        return y + bias if bias is not None else y

    patch_ternary_matmuls(namespace, quantized)
    return calls


@pytest.mark.filterwarnings("ignore::triton_dsl.compiler.CompileWarning")
def test_random_programs_match_the_pytorch_target(tmp_path):
    """40 random programs (fuzz/random_programs.py --differential: softmax,
    layer_norm, reductions, conv2d, reshapes, runtime quantization, float and
    ternary matmuls, helper layers) at batch 2 in qemu against the PyTorch
    target on the same weights, its ternary matmuls W1.58A8 as this target
    defines them (w158a8_reference) when the C runs them on the device; a
    matmul of a constant input is folded when compiling, in f32 (a program
    with both kinds is skipped). NaNs and infinities in the same places; a
    row holding inf or NaN stops the run (status 4) exactly where the
    reference quantizes one."""
    import random

    from random_program_cases import write_random_program
    rng = random.Random(5)
    values = np.random.default_rng(5)
    stopped = on_device = mixed = 0
    for i in range(40):
        folder = tmp_path / f"random{i}"
        program, weights = write_random_program(folder, rng, values, width=8)
        subprocess.run([str(TRITONC), str(program), "--target=acalsim", "--acalsim-batch=2",
                        "--no-warnings", "--weights", str(weights), "-o", str(folder / "d")],
                       check=True)
        info = acalsim.manifest(folder / "d")
        inputs = [values.standard_normal(spec["shape"]).astype(np.float32)
                  for spec in info["inputs"]]
        device_calls = (folder / "d" / "random.c").read_text().count(
            "acalsim_ternary_matmul_f32(")
        source = triton_dsl.compile(program, target="pytorch", weights=weights)
        layer, function = info["entry"].split("_", 1)

        def reference(quantize):
            namespace = {}
            exec(compile(source, str(program), "exec"), namespace)
            calls = w158a8_reference(namespace, quantize)
            with torch.no_grad():
                want = getattr(namespace[layer](), function)(
                    *[torch.from_numpy(x) for x in inputs]).numpy()
            return want, len(calls)

        want, calls = reference(quantize=False)
        if device_calls and calls != device_calls:
            mixed += 1
            continue
        if device_calls:
            try:
                want, _ = reference(quantize=True)
            except _NonFiniteRow:
                with pytest.raises(acalsim.ACALSimError,
                                   match="error 4: invalid kernel argument"):
                    acalsim.simulate(folder / "d", inputs)
                stopped += 1
                continue
        on_device += device_calls > 0
        np.testing.assert_allclose(acalsim.simulate(folder / "d", inputs).outputs[0], want,
                                   rtol=1e-3, atol=1e-3, err_msg=program.read_text())
    # The sample runs matmuls on the device, not only folded or stopped ones.
    assert on_device >= 5 and stopped + mixed < 5, (on_device, stopped, mixed)


def test_rank_zero_params_inputs_and_results(tmp_path):
    """A rank-0 param, input and result are scalars main passes by address:
    an unbound scalar param (an FX model's weight scale without --weights)
    was refused ("main cannot pass an argument of type '!emitc.ptr<f32>'")."""
    source = """layer S {
    param s: Tensor[]
    fn forward(t: Tensor[]) -> Tensor[] {
        return t * s + 1
    }
}
"""
    unbound = acalsim.write(triton_dsl.compile(source, target="acalsim", filename="s.tri"),
                            tmp_path / "unbound")
    info = acalsim.manifest(unbound)
    assert [spec["shape"] for spec in info["inputs"] + info["outputs"]] == [[], []]
    assert info["unbound_params"] == [{"dtype": "f32", "param": "S.s", "shape": []}]
    got = acalsim.simulate(unbound, [np.float32(1.5)]).outputs[0]
    assert got.shape == () and got == 1.0  # the param's zero bytes
    weights = tmp_path / "s.safetensors"
    triton_dsl.save_weights(weights, {"S.s": torch.tensor(2.0)})
    bound = acalsim.write(triton_dsl.compile(source, target="acalsim", filename="s.tri",
                                             weights=weights), tmp_path / "bound")
    assert acalsim.simulate(bound, [np.array(-0.25, np.float32)]).outputs[0] == 0.5


@pytest.mark.parametrize("last", ["scaled", "shifted"])
def test_scalar_arguments(tmp_path, last):
    """Scalar arguments (`s: f32`, `n: i32`) are inputs of shape [] that
    main passes by value (they were refused: "main cannot pass an argument
    of type 'f32'"); the results match float64 / int64."""
    functions = {
        "scaled": """    fn scaled(x: Tensor[N, 4], s: f32, t: f32) -> Tensor[N, 4] {
        return relu(x * s) - t * s
    }
""",
        "shifted": """    fn shifted(x: Tensor<i32>[N, 4], n: i32) -> Tensor<i32>[N, 4] {
        return x + n
    }
"""}
    source = ("layer S {\n" + "".join(v for k, v in functions.items() if k != last)
              + functions[last] + "}\n")  # main runs the last function
    folder = acalsim.write(triton_dsl.compile(source, target="acalsim", filename="s.tri"),
                           tmp_path / last)
    info = acalsim.manifest(folder)
    rng = np.random.default_rng(4)
    if last == "scaled":
        assert [spec["shape"] for spec in info["inputs"]] == [[1, 4], [], []]
        x = rng.standard_normal((1, 4)).astype(np.float32)
        got = acalsim.simulate(folder, [x, np.float32(-1.5), 0.25]).outputs[0]
        np.testing.assert_allclose(got, np.maximum(x * -1.5, 0) - 0.25 * -1.5, rtol=1e-6)
    else:
        assert [spec["dtype"] for spec in info["inputs"]] == ["i32", "i32"]
        x = rng.integers(-1000, 1000, (1, 4)).astype(np.int32)
        got = acalsim.simulate(folder, [x, np.int32(-7)]).outputs[0]
        np.testing.assert_array_equal(got, x.astype(np.int64) - 7)
