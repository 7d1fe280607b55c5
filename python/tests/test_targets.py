"""Proves the target registry from Python (triton_dsl.targets, compile's
target/emit, Compiler; docs/targets/README.md): the registry lists the CPU
and PyTorch targets with their weight encoding and output kinds, as tritonc
--list-targets does; a name with no backend is refused by compile, Compiler
and the torch.compile backend with the list of known targets; emit selects a
target's output kind; a reusable Compiler gives byte-identical output to the
one-shot compile for every example and target, also from several threads at
once.

Needs a CMake build (tritonc and triton_dsl._core); skips without one.
"""

import concurrent.futures
import os
import pathlib
import subprocess

import pytest

import triton_dsl

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("TRITON_BUILD_DIR", ROOT / "build")).resolve()
TRITONC = BUILD / "bin" / "tritonc"
EXAMPLES = sorted((ROOT / "examples").glob("*.tri"))

pytestmark = pytest.mark.skipif(not TRITONC.exists(), reason="no CMake build of tritonc")


def test_registry_matches_tritonc():
    targets = triton_dsl.targets()
    assert sorted(targets) == ["acalsim", "cpu", "onnx", "ptx", "pytorch"]
    assert list(targets["acalsim"].emits) == ["dir", "dir-device", "dir-host", "emitc-mlir"]
    assert targets["cpu"].weight_encoding == "offset2" and targets["cpu"].fuses_bias
    assert list(targets["cpu"].emits) == ["obj", "llvm-mlir"]
    assert targets["cpu"].emits["obj"][1] is True
    assert list(targets["pytorch"].emits) == ["py"]
    assert list(targets["onnx"].emits) == ["onnx", "onnx-standard", "onnx-int8"]
    assert targets["onnx"].emits["onnx"][1] is True
    assert list(targets["ptx"].emits) == ["dir", "emulator", "dir-int8", "emulator-int8",
                                          "gpu-mlir"]
    listed = subprocess.run([TRITONC, "--list-targets"], check=True, capture_output=True,
                            text=True).stdout
    for name, info in targets.items():
        assert f"{name}: {info.description}" in listed


@pytest.mark.parametrize("call", ["compile", "Compiler"])
def test_unknown_target_lists_known(call):
    compile_function = (triton_dsl.compile if call == "compile"
                        else triton_dsl.Compiler().compile)
    with pytest.raises(ValueError, match=r"unknown target 'tpu' \(known targets: acalsim, cpu, onnx, ptx, pytorch\)"):
        compile_function("layer L { }", target="tpu")
    with pytest.raises(ValueError, match=r"target 'pytorch' cannot emit 'obj' \(it emits py\)"):
        compile_function("layer L { }", target="pytorch", emit="obj")


def test_backend_refuses_unknown_and_unrunnable_targets():
    with pytest.raises(ValueError, match=r"unknown target 'tpu' \(known targets: acalsim, cpu, onnx, ptx, pytorch\)"):
        triton_dsl.backend(target="tpu")
    with pytest.raises(ValueError, match="target 'cpu' has no torch.compile runner"):
        triton_dsl.backend(target="cpu")


def test_emit_selects_the_output_kind():
    source = ROOT / "examples" / "mlp.tri"
    assert triton_dsl.compile(source, "cpu", emit="llvm-mlir") == \
        triton_dsl.compile(source, "llvm-mlir")
    assert triton_dsl.compile(source, "cpu") == triton_dsl.compile(source, "obj")
    assert triton_dsl.compile(source, "opt-mlir", emit="pytorch") == \
        subprocess.run([TRITONC, source, "--target=pytorch", "--emit=opt-mlir"], check=True,
                       capture_output=True, text=True).stdout


CASES = [(example, target, level) for example in EXAMPLES
         for target in ("mlir", "opt-mlir", "pytorch", "llvm-mlir") for level in (0, 2)]


def test_compiler_matches_one_shot():
    compiler = triton_dsl.Compiler()
    for _ in range(2):  # the second round reuses contexts and pass managers
        for example, target, level in CASES:
            assert compiler.compile(example, target, level) == \
                triton_dsl.compile(example, target, level), (example.name, target, level)


def test_compiler_is_thread_safe():
    compiler = triton_dsl.Compiler()
    want = {case: triton_dsl.compile(case[0], case[1], case[2]) for case in CASES}
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda case: compiler.compile(case[0], case[1], case[2]),
                            CASES * 3))
    assert got == [want[case] for case in CASES * 3]


def test_compiler_reports_errors_and_goes_on():
    compiler = triton_dsl.Compiler()
    with pytest.raises(triton_dsl.CompileError) as error:
        compiler.compile("layer L {\n  fn f(x: Tensor[2]) -> Tensor[3] { return x }\n}", "mlir")
    assert error.value.line == 2
    assert "ternary.layer @MLP" in compiler.compile(ROOT / "examples" / "mlp.tri", "mlir")


def test_endless_input_is_refused(monkeypatch):
    import triton_dsl.compiler as compiler

    with pytest.raises(ValueError, match="'/dev/zero' is larger than"):
        triton_dsl.compile(pathlib.Path("/dev/zero"))
    monkeypatch.setattr(compiler, "MAX_INPUT_SIZE", 100)
    with pytest.raises(ValueError, match="larger than 100 bytes"):
        triton_dsl.compile(ROOT / "examples" / "mlp.tri")


def test_backend_ptx_without_a_gpu(tmp_path):
    """backend(target="ptx") writes the graph's PTX directory (codegen), and
    where no CUDA driver is found the graph fails with that reason rather
    than running something else."""
    from triton_dsl import cuda
    available, reason = cuda.driver_available()
    if available:
        pytest.skip(f"a GPU is present ({reason}): python/tests/test_gpu.py runs the backend")
    import torch
    import torch._dynamo
    torch._dynamo.reset()
    model = torch.nn.Sequential(torch.nn.Linear(16, 8), torch.nn.ReLU())
    backend = triton_dsl.backend(target="ptx", mode="codegen", folder=tmp_path)
    with pytest.raises(Exception, match="no CUDA driver found|libtriton_cuda.so not found"):
        torch.compile(model, backend=backend)(torch.randn(2, 16))
    directory = tmp_path / "graph_0" / "ptx"
    manifest = next(directory.glob("*.json"))
    assert manifest.with_suffix(".ptx").is_file() and next(directory.glob("*.weights.bin"))
    assert backend.graphs[0].ptx == directory
