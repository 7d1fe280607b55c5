# The ONNX target from Python: triton_dsl.compile(target="onnx") gives the
# model's bytes; every model the FX tests capture (test_fx.py: the MLP, the
# small CNN under each quantizer, every supported op, a batch-tied model)
# becomes an ONNX model with its weights (TernaryProgram.onnx) in both
# profiles that passes onnx.checker (full check) and runs in onnxruntime (the
# standard profile also in onnx.reference) with the numbers of the
# ternarized model in float64 and of the PyTorch target, to 1e-5 relative;
# torch.compile with triton_dsl.backend(target="onnx") runs the model in
# onnxruntime; bad input is refused with a clear error.
import pathlib

import numpy as np
import pytest
import torch

import triton_dsl
from triton_dsl.fx import from_fx

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
import onnx.reference  # noqa: E402,F811  (the submodule of the onnx above)

from test_fx import FX_CASES, mlp, reference  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]


def run_onnx(model_bytes, inputs, runtime="onnxruntime"):
    model = onnx.load_from_string(model_bytes)
    onnx.checker.check_model(model, full_check=True)
    feeds = {value.name: x.numpy() for value, x in zip(model.graph.input, inputs)}
    if runtime == "onnx.reference":
        return onnx.reference.ReferenceEvaluator(model).run(None, feeds)[0]
    session = ort.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    return session.run(None, feeds)[0]


def relative_error(got, want):
    want = np.asarray(want, dtype=np.float64)
    scale = max(np.abs(want).max(), 1e-6)
    return np.abs(np.asarray(got, dtype=np.float64) - want).max() / scale


def test_compile_gives_model_bytes_in_both_profiles():
    source = ROOT / "examples" / "mlp.tri"
    ort_model = triton_dsl.compile(source, target="onnx")
    standard = triton_dsl.compile(source, target="onnx", emit="onnx-standard")
    assert isinstance(ort_model, bytes) and isinstance(standard, bytes)
    assert ort_model == triton_dsl.compile(source, target="onnx")  # deterministic
    ops = {n.op_type for n in onnx.load_from_string(ort_model).graph.node}
    assert "MatMulNBits" in ops
    ops = {(n.domain, n.op_type) for n in onnx.load_from_string(standard).graph.node}
    assert all(domain == "" for domain, _ in ops) and ("", "BitShift") in ops


@pytest.mark.parametrize("profile, runtime", [("ort", "onnxruntime"),
                                              ("standard", "onnxruntime"),
                                              ("standard", "onnx.reference")])
@pytest.mark.parametrize("case", sorted(FX_CASES))
def test_fx_models_run_in_onnx(case, profile, runtime):
    torch.manual_seed(4)
    model, x, quantizer = FX_CASES[case]()
    program = from_fx(model, (x,), **quantizer)
    got = run_onnx(program.onnx(profile=profile), [x], runtime)
    assert relative_error(got, reference(model, x, **quantizer)) < 1e-5
    with torch.no_grad():
        assert relative_error(got, program.module()(x)) < 1e-5


def test_fx_model_keeps_two_bits_a_weight(tmp_path):
    # standard: the param's offset2 bytes; ort: MatMulNBits' blocks, each
    # column's K = 784 trits in 49 blocks of 16 (no padding needed): the
    # same bytes. Scales and zero points are one value each in the file.
    program = from_fx(mlp(), (torch.randn(2, 784),))
    for profile, size in (("standard", 784 * 256 // 4), ("ort", 784 * 256 // 4)):
        path = tmp_path / f"mlp.{profile}.onnx"
        program.onnx(path, profile=profile)
        inits = {t.name: t for t in onnx.load(path).graph.initializer}
        packed = inits[f"{program.layer_name}.m0_weight"]
        assert packed.data_type == onnx.TensorProto.UINT8
        assert len(packed.raw_data) == size


def test_torch_compile_backend_runs_onnxruntime(tmp_path):
    torch.manual_seed(5)
    model = mlp()
    x = torch.randn(4, 784)
    backend = triton_dsl.backend(target="onnx", mode="codegen", folder=tmp_path)
    compiled = torch.compile(model, backend=backend)
    y = compiled(x)
    assert relative_error(y.detach().numpy(), reference(model, x)) < 1e-5
    assert backend.graphs and backend.graphs[0].onnx
    assert (tmp_path / "graph_0" / "model.onnx").read_bytes() == backend.graphs[0].onnx
    # An in-place weight update is picked up (the model is rebuilt).
    with torch.no_grad():
        model[2].weight.mul_(-1)
    y = compiled(x)
    assert relative_error(y.detach().numpy(), reference(model, x)) < 1e-5


def test_bad_profile_and_unmapped_program():
    program = from_fx(mlp(), (torch.randn(2, 784),))
    with pytest.raises(ValueError, match="unknown ONNX profile 'fast'"):
        program.onnx(profile="fast")
    with pytest.raises(ValueError, match=r"target 'onnx' cannot emit 'py'"):
        triton_dsl.compile(ROOT / "examples" / "mlp.tri", target="onnx", emit="py")


def language_examples():
    import re
    text = (ROOT / "docs" / "language.md").read_text()
    return re.findall(r"```tri\n(.*?)```", text, re.S)


def random_weights(source, rng):
    """Layer.param -> random tensor for every param of `source` (float
    master weights for TernaryTensor params: both targets ternarize them
    with the same quantizer)."""
    import re
    weights = {}
    for layer, body in re.findall(r"layer (\w+) \{(.*?)\n\}", source, re.S):
        for name, kind, dtype, dims in re.findall(
                r"param (\w+): (TernaryTensor|Tensor)(?:<(\w+)>)?\[([^\]]*)\]", body):
            shape = [int(d) for d in dims.split(",") if d.strip()]
            if dtype in ("i32", "i8"):
                value = torch.from_numpy(rng.integers(-3, 4, shape).astype(
                    np.int32 if dtype == "i32" else np.int8))
            else:
                value = torch.from_numpy(rng.standard_normal(shape).astype(np.float32))
            weights[f"{layer}.{name}"] = value
    return weights


def random_feeds(session, rng):
    feeds = {}
    for value in session.get_inputs():
        shape = [d if isinstance(d, int) else 3 for d in value.shape]
        if value.type == "tensor(int32)":
            feeds[value.name] = rng.integers(-5, 6, shape).astype(np.int32)
        elif value.type == "tensor(int64)":  # embedding indices: rows of any table
            feeds[value.name] = rng.integers(0, 4, shape).astype(np.int64)
        elif value.type == "tensor(float16)":
            feeds[value.name] = rng.standard_normal(shape).astype(np.float16)
        else:
            feeds[value.name] = rng.standard_normal(shape).astype(np.float32)
    return feeds


@pytest.mark.filterwarnings("ignore::triton_dsl.compiler.CompileWarning")
@pytest.mark.parametrize("profile", ["ort", "standard"])
@pytest.mark.parametrize("index", range(len(language_examples())))
def test_language_examples_match_the_pytorch_target(index, profile, tmp_path):
    # Every program of docs/language.md (every builtin, composition, scalar
    # arguments, batched products) compiles to ONNX with random weights, and
    # each entry function's model gives what the PyTorch target's module
    # computes with the same weights file (where that target can print the
    # program: today it prints all of them, scalar arguments included).
    source = language_examples()[index]
    rng = np.random.default_rng(index)
    weights = tmp_path / "weights.safetensors"
    triton_dsl.save_weights(weights, random_weights(source, rng))
    output = triton_dsl.compile(source, target="onnx", weights=weights,
                                emit="onnx" if profile == "ort" else "onnx-standard")
    models = output if isinstance(output, dict) else {"": output}
    try:
        generated = triton_dsl.load(source, weights=weights)
    except triton_dsl.CompileError:
        generated = None
    for model_bytes in models.values():
        model = onnx.load_from_string(model_bytes)
        onnx.checker.check_model(model, full_check=True)
        session = ort.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
        feeds = random_feeds(session, rng)
        got = session.run(None, feeds)[0]
        if generated is None:
            continue
        layer, function = model.graph.name.split(".")
        module = getattr(generated, layer)()
        args = [torch.from_numpy(np.asarray(feeds[v.name])) for v in model.graph.input
                if v.name.startswith("input")]
        with torch.no_grad():
            want = getattr(module, function)(*args)
        assert relative_error(got, want.numpy()) < 1e-5, model.graph.name


INT8_PROGRAM = """
layer Q {
    param w: TernaryTensor[36, 8]
    fn forward(x: Tensor<i8>[N, 36]) -> Tensor<i32>[N, 8] {
        return x @ w
    }
}
"""


@pytest.mark.parametrize("profile, runtime", [("ort", "onnxruntime"),
                                              ("standard", "onnxruntime"),
                                              ("standard", "onnx.reference")])
def test_int8_activations_are_exact(profile, runtime):
    # Tensor<i8> @ TernaryTensor is an exact int32 sum: MatMulInteger on
    # the decoded int8 trits (K = 36: the last packed byte has padding).
    rng = np.random.default_rng(6)
    trits = torch.from_numpy(rng.integers(-1, 2, (36, 8)).astype(np.int8))
    packed = triton_dsl.pack(trits).reshape(-1)
    x = torch.from_numpy(rng.integers(-128, 128, (5, 36)).astype(np.int8))
    model = triton_dsl.compile(INT8_PROGRAM, target="onnx",
                               emit="onnx" if profile == "ort" else "onnx-standard")
    assert "MatMulInteger" in {n.op_type for n in onnx.load_from_string(model).graph.node}
    got = run_onnx(model, [x, packed], runtime)
    assert got.dtype == np.int32
    assert np.array_equal(got, x.numpy().astype(np.int64) @ trits.numpy().astype(np.int64))


def test_int8_activation_profile_is_close_not_exact():
    # profile="ort-int8": MatMulNBits accuracy_level=4 (onnxruntime rounds
    # the activations to int8 per block): within 5e-2 of the largest output
    # of the ternarized model, and not exact.
    torch.manual_seed(7)
    model = mlp()
    x = torch.rand(3, 784)
    program = from_fx(model, (x,))
    model_bytes = program.onnx(profile="ort-int8")
    nodes = [n for n in onnx.load_from_string(model_bytes).graph.node
             if n.op_type == "MatMulNBits"]
    assert nodes and all(onnx.helper.get_attribute_value(a) == 4 for n in nodes
                         for a in n.attribute if a.name == "accuracy_level")
    got = run_onnx(model_bytes, [x])
    want = reference(model, x).numpy()
    error = relative_error(got, want)
    assert 1e-6 < error < 5e-2


@pytest.mark.parametrize("profile, runtime", [("ort", "onnxruntime"),
                                              ("standard", "onnxruntime"),
                                              ("standard", "onnx.reference")])
def test_scalar_argument_scales_a_ternary_matmul(profile, runtime, tmp_path):
    # `x @ w * s` with a scalar argument s: the matmul's scale is the
    # rank-0 input (it was refused: "cannot map op 'tensor.from_elements'",
    # found by fuzz/random_programs.py programs with scalar arguments).
    source = ("layer F {\n    param w: TernaryTensor[36, 8]\n"
              "    fn forward(x: Tensor[N, 36], s: f32) -> Tensor[N, 8] {\n"
              "        return x @ w * s\n    }\n}\n")
    rng = np.random.default_rng(7)
    trits = rng.integers(-1, 2, (36, 8)).astype(np.float32)
    weights = tmp_path / "w.safetensors"
    triton_dsl.save_weights(weights, {"F.w": torch.from_numpy(trits)})
    model = triton_dsl.compile(source, target="onnx", weights=weights,
                               emit="onnx" if profile == "ort" else "onnx-standard")
    x = rng.standard_normal((5, 36)).astype(np.float32)
    got = run_onnx(model, [torch.from_numpy(x), torch.tensor(-1.5)], runtime)
    assert relative_error(got, x.astype(np.float64) @ trits * -1.5) < 1e-6
