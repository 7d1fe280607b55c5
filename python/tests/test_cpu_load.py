# triton_dsl.cpu.load and TernaryProgram.cpu(): every model the FX tests
# capture (test_fx.py: the MLP, the small CNN under each quantizer, every
# supported op) compiled for the CPU with its weights embedded gives the
# numbers of the ternarized model in float64 (1e-5 relative) at -O0 and at
# -O2 with the micro-kernels; an object without weights takes them at load
# time (a mapping or a weights file); bad inputs, shapes, dtypes and weights
# are refused with a message naming the input or param, before native code
# runs. (The examples/*.tri run through cpu.load in the lit test
# test/e2e/examples/examples-cpu-load.test.)
import pathlib

import numpy as np
import pytest
import torch

import triton_dsl
import triton_dsl.cpu
from triton_dsl.fx import from_fx

from test_fx import FX_CASES, reference  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]


def relative_error(got, want):
    want = np.asarray(want, dtype=np.float64)
    scale = max(np.abs(want).max(), 1.0)
    return np.abs(np.asarray(got, dtype=np.float64) - want).max() / scale


@pytest.mark.parametrize("opt_level", [0, 2])
@pytest.mark.parametrize("case", sorted(FX_CASES))
def test_fx_models_run_on_the_cpu(case, opt_level):
    torch.manual_seed(4)
    model, x, quantizer = FX_CASES[case]()
    program = from_fx(model, (x,), **quantizer)
    library = program.cpu(opt_level=opt_level)
    forward = getattr(library, program.layer_name).forward
    got = forward(x)
    assert isinstance(got, torch.Tensor)  # torch in, torch out
    assert relative_error(got, reference(model, x, **quantizer)) < 1e-5
    assert relative_error(forward(x.numpy()), reference(model, x, **quantizer)) < 1e-5


MLP = ROOT / "examples" / "mlp.tri"


@pytest.fixture(scope="module")
def mlp_weights():
    rng = np.random.default_rng(0)
    return {"MLP.w1": rng.integers(-1, 2, size=(784, 256)).astype(np.int8),
            "MLP.b1": rng.standard_normal(256).astype(np.float32),
            "MLP.w2": (rng.standard_normal((256, 10)) * 0.1).astype(np.float32),
            "MLP.b2": rng.standard_normal(10).astype(np.float32)}


def mlp_reference(w, x):
    f64 = lambda a: np.asarray(a, dtype=np.float64)  # noqa: E731
    return np.maximum(f64(x) @ f64(w["MLP.w1"]) + f64(w["MLP.b1"]), 0) @ f64(w["MLP.w2"]) \
        + f64(w["MLP.b2"])


@pytest.fixture(scope="module")
def mlp_object(tmp_path_factory):
    path = tmp_path_factory.mktemp("cpu") / "mlp.o"
    path.write_bytes(triton_dsl.compile(MLP, target="cpu"))
    return path


def test_weights_at_load_time_as_mapping_file_or_ternary_tensor(mlp_object, mlp_weights,
                                                                tmp_path):
    x = np.random.default_rng(1).standard_normal((4, 784)).astype(np.float32)
    want = mlp_reference(mlp_weights, x)
    library = triton_dsl.cpu.load(mlp_object, weights=mlp_weights)
    assert relative_error(library.MLP.forward(x), want) < 1e-5
    # A weights file, the ternary param stored packed (U8 + encoding metadata).
    packed = dict(mlp_weights, **{"MLP.w1": triton_dsl.TernaryTensor.from_trits(
        torch.from_numpy(mlp_weights["MLP.w1"]), encoding="base3", axis=1)})
    path = tmp_path / "mlp.safetensors"
    triton_dsl.save_weights(path, {k: torch.as_tensor(v) if isinstance(v, np.ndarray) else v
                                   for k, v in packed.items()})
    from_file = triton_dsl.cpu.load(mlp_object, weights=path)
    assert relative_error(from_file.MLP.forward(x), want) < 1e-5
    # A shared library made by the user loads the same way.
    assert repr(library.MLP.forward) == "<MLP.forward(f32[?x784]) -> (f32[?x10])>"


def test_embedded_weights_need_no_weights_argument(tmp_path, mlp_weights):
    path = tmp_path / "w.safetensors"
    triton_dsl.save_weights(path, {k: torch.as_tensor(v) for k, v in mlp_weights.items()})
    obj = tmp_path / "mlp.o"
    obj.write_bytes(triton_dsl.compile(MLP, target="cpu", weights=path))
    x = np.random.default_rng(2).standard_normal((2, 784)).astype(np.float32)
    library = triton_dsl.cpu.load(obj)
    assert relative_error(library.MLP.forward(x), mlp_reference(mlp_weights, x)) < 1e-5
    with pytest.raises(ValueError, match=r"name no param of mlp.o: MLP.w1 .*embeds"):
        triton_dsl.cpu.load(obj, weights={"MLP.w1": mlp_weights["MLP.w1"]})


def test_bad_inputs_are_refused_before_the_call(mlp_object, mlp_weights):
    forward = triton_dsl.cpu.load(mlp_object, weights=mlp_weights).MLP.forward
    x = np.zeros((2, 784), dtype=np.float32)
    with pytest.raises(TypeError, match=r"MLP.forward: input 0 must be float32 .*got float64"):
        forward(x.astype(np.float64))
    with pytest.raises(ValueError, match=r"input 0 must have shape f32\[\?x784\], got \[2, 10\]"):
        forward(x[:, :10])
    with pytest.raises(ValueError, match=r"must have shape .*got \[784\]"):
        forward(x[0])
    with pytest.raises(TypeError, match=r"takes 1 input\(s\) \(f32\[\?x784\]\), got 2"):
        forward(x, x)
    with pytest.raises(TypeError, match="numpy array or a CPU torch tensor, got list"):
        forward([[0.0] * 784])
    # Non-contiguous input: copied, same numbers.
    wide = np.zeros((2, 1568), dtype=np.float32)
    assert forward(wide[:, ::2]).shape == (2, 10)


def test_bad_weights_name_the_param(mlp_object, mlp_weights):
    load = triton_dsl.cpu.load
    with pytest.raises(ValueError, match=r"needs weights for MLP.b1, MLP.b2, MLP.w1, MLP.w2"):
        load(mlp_object)
    with pytest.raises(ValueError, match=r"needs weights for MLP.b2"):
        load(mlp_object, weights={k: v for k, v in mlp_weights.items() if k != "MLP.b2"})
    with pytest.raises(ValueError, match=r"name no param of mlp.o: MLP.w9"):
        load(mlp_object, weights=dict(mlp_weights, **{"MLP.w9": mlp_weights["MLP.b1"]}))
    with pytest.raises(ValueError, match=r"weight 'MLP.b2': shape \[3\], the program declares \[10\]"):
        load(mlp_object, weights=dict(mlp_weights, **{"MLP.b2": mlp_weights["MLP.b2"][:3]}))
    bad = mlp_weights["MLP.w1"].copy()
    bad[3, 5] = 2
    with pytest.raises(ValueError, match=r"weight 'MLP.w1': .*not a trit"):
        load(mlp_object, weights=dict(mlp_weights, **{"MLP.w1": bad}))
    with pytest.raises(TypeError, match=r"weight 'MLP.b1': dtype int8, the program declares float32"):
        load(mlp_object, weights=dict(mlp_weights, **{"MLP.b1": np.zeros(256, np.int8)}))
    with pytest.raises(TypeError, match="weights must be a path of a safetensors file or a mapping"):
        load(mlp_object, weights=42)


def test_files_that_are_not_cpu_objects(tmp_path):
    text = tmp_path / "model.o"
    text.write_text("not an object")
    with pytest.raises(ValueError, match="not an ELF object"):
        triton_dsl.cpu.load(text)
    with pytest.raises(FileNotFoundError):
        triton_dsl.cpu.load(tmp_path / "missing.o")
    runtime = pathlib.Path(triton_dsl.cpu._runtime_library())
    with pytest.raises(ValueError, match="no __tritondsl_manifest"):
        triton_dsl.cpu.load(runtime)


def test_scalar_arguments(tmp_path):
    """test/Target/PTX/Inputs/scalar_arguments.tri: f32 and i32 scalar
    arguments are passed by value (they were refused as "a type triton_dsl.cpu
    cannot pass"); the results match float64 / int64. A scalar of the wrong
    kind, shape or range is refused naming the input; an f16 scalar, which
    ctypes cannot pass by value, still is, naming its type."""
    program = ROOT / "test" / "Target" / "PTX" / "Inputs" / "scalar_arguments.tri"
    rng = np.random.default_rng(12)
    trits = rng.integers(-1, 2, size=(64, 8)).astype(np.int8)
    obj = tmp_path / "scalars.o"
    obj.write_bytes(triton_dsl.compile(program, target="cpu"))
    library = triton_dsl.cpu.load(obj, weights={"Scaled.w": trits})
    assert repr(library.Scaled.forward) == "<Scaled.forward(f32[?x64], f32, f32) -> (f32[?x8])>"
    for batch, s, t in ((1, 0.5, -2.0), (3, -1.25, 0.75), (17, 3.0, 0.0)):
        x = rng.standard_normal((batch, 64)).astype(np.float32)
        want = np.maximum(x.astype(np.float64) @ trits * s, 0) - t * s
        for scalar in (s, np.float32(s), np.array(s, np.float32), torch.tensor(s)):
            got = np.asarray(library.Scaled.forward(x, scalar, t))
            assert relative_error(got, want) < 1e-6
    x = rng.integers(-1000, 1000, size=(5, 4)).astype(np.int32)
    np.testing.assert_array_equal(library.Scaled.shifted(x, -7), x.astype(np.int64) - 7)
    np.testing.assert_array_equal(library.Scaled.shifted(x, np.int32(2**31 - 1001)),
                                  x.astype(np.int64) + 2**31 - 1001)
    x = rng.standard_normal((2, 64)).astype(np.float32)
    with pytest.raises(ValueError, match="input 1 is a scalar float32, got shape"):
        library.Scaled.forward(x, np.ones(2, np.float32), 1.0)
    with pytest.raises(TypeError, match="input 2 must be float32"):
        library.Scaled.forward(x, 1.0, "1")
    with pytest.raises(TypeError, match="input 1 must be int32, got float64"):
        library.Scaled.shifted(np.zeros((1, 4), np.int32), 1.5)
    with pytest.raises(ValueError, match="does not fit int32"):
        library.Scaled.shifted(np.zeros((1, 4), np.int32), 2**31)
    with pytest.raises(TypeError, match="the type f16, which triton_dsl.cpu cannot pass"):
        library.Scaled.half(np.zeros((1, 4), np.float16), 1.0)
