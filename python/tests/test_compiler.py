"""Proves the compiler's Python API (triton_dsl.compile, load, CompileError;
docs/python.md): for every examples/*.tri, compile() returns exactly the bytes
that tritonc prints for the same file, target and -O level (the object file
too); a bad program raises CompileError located at its first error (lexer,
parser, semantic checks, the PyTorch emitter) whose diagnostics are the lines
tritonc prints; warnings arrive as CompileWarning and do not fail; wrong
arguments raise ValueError or TypeError; a failure prints and writes
nothing; load() imports the generated module, whose nn.Module matches a
float64 numpy reference; compiles on several threads at once agree; and a
wheel that pip builds carries a _core that imports and compiles with neither
the checkout's build nor LD_LIBRARY_PATH.

Needs a CMake build (tritonc and triton_dsl._core in $TRITON_BUILD_DIR,
default build/); skips without one.
"""

import concurrent.futures
import hashlib
import inspect
import os
import pathlib
import pickle
import re
import subprocess
import sys
import types
import warnings
import zipfile

import numpy as np
import pytest
import torch

import triton_dsl
from triton_dsl import CompileError, CompileWarning, Diagnostic

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("TRITON_BUILD_DIR", ROOT / "build")).resolve()
TRITONC = BUILD / "bin" / "tritonc"
EXAMPLES = sorted((ROOT / "examples").glob("*.tri"))

pytestmark = pytest.mark.skipif(not TRITONC.exists(), reason="no CMake build of tritonc")

# (target, opt_level) -> the tritonc options that print the same thing.
TRITONC_OPTIONS = {
    ("ast", 2): ["--emit=ast"],
    ("mlir", 2): ["--emit=mlir"],
    ("opt-mlir", 0): ["--emit=opt-mlir", "-O0"],
    ("opt-mlir", 1): ["--emit=opt-mlir", "-O1"],
    ("opt-mlir", 2): ["--emit=opt-mlir", "-O2"],
    ("pytorch", 0): ["--target=pytorch", "-O0"],
    ("pytorch", 2): ["--target=pytorch", "-O2"],
    ("llvm-mlir", 0): ["--target=cpu", "--emit=llvm-mlir", "-O0"],
    ("llvm-mlir", 2): ["--target=cpu", "--emit=llvm-mlir", "-O2"],
}


def tritonc(*args, check=True):
    return subprocess.run([str(TRITONC), *map(str, args)], capture_output=True, check=check)


@pytest.mark.parametrize("target,opt_level", sorted(TRITONC_OPTIONS))
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_text_targets_match_tritonc(example, target, opt_level):
    expected = tritonc(example, *TRITONC_OPTIONS[target, opt_level]).stdout
    got = triton_dsl.compile(example, target, opt_level)
    assert isinstance(got, str)
    assert got.encode() == expected


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_object_file_matches_tritonc(example, tmp_path):
    tritonc(example, "--target=cpu", "-O2", "-o", tmp_path / "model.o")
    got = triton_dsl.compile(example, "obj")
    assert isinstance(got, bytes) and got[:4] == b"\x7fELF"
    assert got == (tmp_path / "model.o").read_bytes()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_microkernel_lowering_matches_tritonc(example, tmp_path):
    expected = tritonc(example, "--target=cpu", "--emit=llvm-mlir", "--use-microkernels").stdout
    got = triton_dsl.compile(example, "llvm-mlir", use_microkernels=True)
    assert got.encode() == expected
    tritonc(example, "--target=cpu", "--use-microkernels", "-o", tmp_path / "model.o")
    assert triton_dsl.compile(example, "obj", use_microkernels=True) == \
        (tmp_path / "model.o").read_bytes()


def test_microkernels_change_the_lowering():
    # The default, as tritonc's: the kernels from opt_level=1 on.
    mlp = ROOT / "examples" / "mlp.tri"
    assert "@tri_mlir_gemm_" in triton_dsl.compile(mlp, "llvm-mlir", use_microkernels=True)
    assert "@tri_mlir_gemm_" in triton_dsl.compile(mlp, "llvm-mlir")
    assert "@tri_mlir_gemm_" in triton_dsl.compile(mlp, "llvm-mlir", opt_level=1)
    assert "@tri_mlir_gemm_" not in triton_dsl.compile(mlp, "llvm-mlir", opt_level=0)
    assert "@tri_mlir_gemm_" not in triton_dsl.compile(mlp, "llvm-mlir", use_microkernels=False)
    assert "@tri_mlir_gemm_" in triton_dsl.compile(mlp, "llvm-mlir", opt_level=0,
                                                    use_microkernels=True)
    assert triton_dsl.compile(mlp, "llvm-mlir", use_microkernels=False).encode() == \
        tritonc(mlp, "--target=cpu", "--emit=llvm-mlir", "--no-microkernels").stdout


def test_source_text_and_path_agree():
    example = ROOT / "examples" / "mlp.tri"
    text = example.read_text()
    assert triton_dsl.compile(text, "pytorch", filename=str(example)) == \
        triton_dsl.compile(example, "pytorch")
    assert triton_dsl.compile(text) == triton_dsl.compile(example)  # default: pytorch -O2
    with pytest.raises(CompileError):      # a str is source text, never a path
        triton_dsl.compile(str(example))


# --- errors -----------------------------------------------------------------

LINEAR = """\
layer LinearClassifier {{
    param weights: TernaryTensor[{k}, 10]
    param bias: Tensor[10]

    fn forward(x: Tensor[N, 784]) -> Tensor[N, 10] {{
        return x @ weights + bias
    }}
}}
"""

# name -> (source, target, (line, column, message) of the first error)
ERRORS = {
    "lexer": ("layer A {\n  fn forward(x: Tensor[4]) -> Tensor[4] {\n    return x $ 2\n  }\n}\n",
              "mlir", (3, 14, "unexpected character '$'")),
    "parser": ("layer A {\n  fn forward(x: Tensor[4]) -> Tensor[4] {\n    return relu(x\n  }\n}\n",
               "mlir", (3, 18, "expected ',' or ')' in the arguments of 'relu', got '}'")),
    "sema": (LINEAR.format(k=785), "pytorch",
             (6, 18, "matmul inner dimensions differ: "
                     "Tensor[N, 784] @ TernaryTensor[785, 10] (784 vs 785)")),
    # Accepted by the front end and ternary-optimize; refused by the PyTorch
    # emitter (a located MLIR diagnostic): nn.Module has a method `half`.
    "pytorch-emitter": ("layer A {\n  fn half(x: Tensor[4]) -> Tensor[4] {\n    return x\n  }\n}\n",
                        "pytorch",
                        (2, 6, "the PyTorch target cannot name a method 'half'")),
}

TRITONC_TARGET = {"mlir": [], "pytorch": ["--target=pytorch"]}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_are_located_like_tritonc(name, tmp_path):
    source, target, (line, column, message) = ERRORS[name]
    path = tmp_path / f"{name}.tri"
    path.write_text(source)
    with pytest.raises(CompileError) as info:
        triton_dsl.compile(path, target)
    error = info.value
    assert (error.filename, error.line, error.column, error.message) == \
        (str(path), line, column, message)
    assert str(error).splitlines()[0] == f"{path}:{line}:{column}: error: {message}"
    # The same diagnostics, in the same order, as tritonc's stderr.
    stderr = tritonc(path, *TRITONC_TARGET[target], check=False).stderr.decode()
    pattern = re.compile(rf"^{re.escape(str(path))}:\d+:\d+: (error|warning|note): .*$", re.M)
    assert [str(d).splitlines()[0] for d in error.diagnostics] == \
        [m.group(0) for m in pattern.finditer(stderr)]
    assert error.diagnostics[0] == Diagnostic("error", str(path), line, column, message)


def test_emitter_error_from_source_text_names_the_filename():
    source, target, (line, column, message) = ERRORS["pytorch-emitter"]
    with pytest.raises(CompileError) as info:
        triton_dsl.compile(source, target, filename="half.tri")
    assert (info.value.filename, info.value.line, info.value.column) == ("half.tri", line, column)
    # The other targets accept the program: only the emitter refuses it.
    assert "func.func @half" in triton_dsl.compile(source, "opt-mlir")
    notes = [d for d in info.value.diagnostics if d.severity == "note"]
    assert notes and notes[0].message.startswith("see current operation")


def test_every_error_is_reported():
    source = "layer A {\n  fn f(x: f32) -> f32 { return y + z }\n}\n"
    with pytest.raises(CompileError) as info:
        triton_dsl.compile(source, "mlir", filename="two.tri")
    assert str(info.value) == ("two.tri:2:32: error: unknown variable 'y'\n"
                               "two.tri:2:36: error: unknown variable 'z'")
    assert [(d.line, d.column) for d in info.value.diagnostics] == [(2, 32), (2, 36)]
    assert (info.value.line, info.value.column) == (2, 32)


def test_compile_error_pickles():
    with pytest.raises(CompileError) as info:
        triton_dsl.compile(ERRORS["sema"][0], filename="m.tri")
    copy = pickle.loads(pickle.dumps(info.value))
    assert str(copy) == str(info.value) and copy.diagnostics == info.value.diagnostics
    assert (copy.filename, copy.line, copy.column, copy.message) == \
        (info.value.filename, info.value.line, info.value.column, info.value.message)


UNUSED = """\
layer W {
    param used: Tensor[4]
    param unused: Tensor[4]
    fn forward(x: Tensor[4]) -> Tensor[4] {
        return x + used
    }
}
"""


def test_warnings_do_not_fail():
    with pytest.warns(CompileWarning) as record:
        code = triton_dsl.compile(UNUSED, "pytorch", filename="w.tri")
    assert "class W(nn.Module)" in code
    [warning] = [w for w in record if issubclass(w.category, CompileWarning)]
    assert (warning.filename, warning.lineno) == ("w.tri", 3)
    message = warning.message
    assert (message.filename, message.line, message.column, message.message) == \
        ("w.tri", 3, 11, "param 'unused' of layer 'W' is never used")
    assert str(warning.message) == "w.tri:3:11: warning: param 'unused' of layer 'W' is never used"
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileWarning)
        with pytest.raises(CompileWarning):
            triton_dsl.compile(UNUSED, filename="w.tri")


def test_warnings_are_listed_with_errors():
    source = ("layer A {\n  param unused: Tensor[4]\n"
              "  fn half(x: Tensor[4]) -> Tensor[4] {\n    return x\n  }\n}\n")
    with pytest.warns(CompileWarning), pytest.raises(CompileError) as info:
        triton_dsl.compile(source, "pytorch", filename="w.tri")
    # The front end warns; -O2 removes the param with a remark (and a note);
    # the PyTorch emitter refuses the method name.
    assert [(d.severity, d.line) for d in info.value.diagnostics] == \
        [("warning", 2), ("remark", 2), ("note", 2), ("error", 3), ("note", 3)]
    assert str(info.value) == \
        "w.tri:3:6: error: the PyTorch target cannot name a method 'half'"


# --- arguments --------------------------------------------------------------

@pytest.mark.parametrize("kwargs,error", [
    ({"target": "tpu"}, ValueError),
    ({"target": ""}, ValueError),
    ({"opt_level": 3}, ValueError),
    ({"opt_level": -1}, ValueError),
    ({"opt_level": "2"}, TypeError),
    ({"opt_level": 2.0}, TypeError),
    ({"opt_level": True}, TypeError),
    ({"target": 1}, TypeError),
    ({"filename": 5}, TypeError),
    ({"use_microkernels": 1}, TypeError),
    ({"target": "pytorch", "use_microkernels": True}, ValueError),
    ({"target": "opt-mlir", "use_microkernels": True}, ValueError),
])
def test_bad_arguments(kwargs, error):
    with pytest.raises(error):
        triton_dsl.compile(LINEAR.format(k=784), **kwargs)


@pytest.mark.parametrize("source", [b"layer A {}", None, 42, ["layer A {}"]])
def test_source_must_be_text_or_path(source):
    with pytest.raises(TypeError):
        triton_dsl.compile(source)


def test_missing_file_raises_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        triton_dsl.compile(tmp_path / "missing.tri")


@pytest.mark.parametrize("target", ["ast", "mlir", "opt-mlir", "pytorch", "llvm-mlir", "obj"])
def test_failure_prints_and_writes_nothing(target, tmp_path, monkeypatch, capfd):
    monkeypatch.chdir(tmp_path)
    modules = set(sys.modules)
    for name, (source, _, _) in sorted(ERRORS.items()):
        if name == "pytorch-emitter" and target != "pytorch":
            continue
        with pytest.raises(CompileError):
            triton_dsl.compile(source, target, filename="bad.tri")
        if target == "pytorch":
            with pytest.raises(CompileError):
                triton_dsl.load(source, name=f"bad_{name.replace('-', '_')}")
    assert list(tmp_path.iterdir()) == []
    assert set(sys.modules) == modules
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


# --- load -------------------------------------------------------------------

def test_load_runs_and_matches_numpy():
    module = triton_dsl.load(ROOT / "examples" / "mlp.tri")
    assert sys.modules[module.__name__] is module
    assert module.__name__.startswith("triton_dsl_generated_")
    model = module.MLP()
    rng = np.random.default_rng(7)
    w1 = rng.integers(-1, 2, size=(784, 256)).astype(np.int8)
    b1, w2, b2 = (rng.standard_normal(s).astype(np.float32) for s in [(256,), (256, 10), (10,)])
    model.load_state_dict({"w1": triton_dsl.pack(torch.from_numpy(w1)),
                           "b1": torch.from_numpy(b1), "w2": torch.from_numpy(w2),
                           "b2": torch.from_numpy(b2)})
    x = rng.standard_normal((3, 784)).astype(np.float32)
    with torch.no_grad():
        got = model(torch.from_numpy(x)).numpy()
    x64 = x.astype(np.float64)
    ref = np.maximum(x64 @ w1 + b1, 0.0) @ w2.astype(np.float64) + b2
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5 * np.abs(ref).max())


def test_load_names_and_source():
    path = ROOT / "examples" / "linear_classifier.tri"
    first, second = triton_dsl.load(path), triton_dsl.load(path)
    assert first.__name__ == second.__name__                      # deterministic
    assert first is not second and sys.modules[first.__name__] is second
    assert triton_dsl.load(ROOT / "examples" / "mlp.tri").__name__ != first.__name__
    named = triton_dsl.load(path.read_text(), name="my_classifier")
    assert sys.modules["my_classifier"] is named
    import my_classifier  # noqa: F401  (registered in sys.modules)
    assert my_classifier.LinearClassifier.__module__ == "my_classifier"
    assert "class LinearClassifier(nn.Module)" in inspect.getsource(named.LinearClassifier)
    del sys.modules["my_classifier"]


def test_load_never_hides_another_module(tmp_path, monkeypatch):
    """A generated module never replaces, in sys.modules, a module triton_dsl
    did not generate (issue 16: load(src, name="os") replaced os)."""
    import os as os_module
    source = (ROOT / "examples" / "linear_classifier.tri").read_text()
    with pytest.raises(ValueError, match="'os'.*pass another name"):
        triton_dsl.load(source, name="os")
    assert sys.modules["os"] is os_module
    with pytest.raises(ValueError, match="'os.path'"):
        triton_dsl.load(source, name="os.path")
    assert sys.modules["os.path"] is os_module.path
    # Nor a module that is importable but not imported yet, nor one under it.
    (tmp_path / "td_not_imported_yet").mkdir()
    (tmp_path / "td_not_imported_yet" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("td_not_imported_yet", "td_not_imported_yet.model"):
        with pytest.raises(ValueError, match=repr(name)):
            triton_dsl.load(source, name=name)
        assert name not in sys.modules
    # Nor a module someone else registered, even under a generated-looking name.
    foreign = types.ModuleType("foreign")
    monkeypatch.setitem(sys.modules, "td_foreign", foreign)
    with pytest.raises(ValueError, match="'td_foreign'"):
        triton_dsl.load(source, name="td_foreign")
    assert sys.modules["td_foreign"] is foreign
    # A module triton_dsl generated may be replaced by the next one.
    first = triton_dsl.load(source, name="td_replaceable")
    second = triton_dsl.load(source, name="td_replaceable")
    assert first is not second and sys.modules["td_replaceable"] is second
    del sys.modules["td_replaceable"]
    # The default name takes a suffix rather than hide a module.
    code = triton_dsl.compile(source)
    default = "triton_dsl_generated_" + hashlib.sha256(code.encode()).hexdigest()[:16]
    monkeypatch.setitem(sys.modules, default, foreign)
    module = triton_dsl.load(source)
    assert module.__name__ == default + "_1" and sys.modules[default] is foreign
    assert triton_dsl.load(source).__name__ == default + "_1"   # still deterministic
    del sys.modules[module.__name__]


# --- threads ----------------------------------------------------------------

def test_concurrent_compiles_agree():
    jobs = [(example, target) for example in EXAMPLES for target in ("pytorch", "obj", "opt-mlir")]
    expected = [triton_dsl.compile(example, target) for example, target in jobs]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda job: triton_dsl.compile(*job), jobs * 2))
    assert got == expected * 2


# --- pip --------------------------------------------------------------------

def test_pip_wheel_carries_the_module(tmp_path):
    """pip builds a wheel of python/ (reusing this build: TRITON_BUILD_DIR) whose
    _core loads from the wheel alone: no build dir, no LD_LIBRARY_PATH."""
    env = dict(os.environ, TRITON_BUILD_DIR=str(BUILD))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path / "dist"), str(ROOT / "python")],
                   check=True, env=env, capture_output=True)
    [wheel] = (tmp_path / "dist").glob("triton_dsl-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert any(re.fullmatch(r"triton_dsl/_core\..*\.so", n) for n in names)
        archive.extractall(tmp_path / "site")
    env = {k: v for k, v in os.environ.items()
           if k not in ("TRITON_BUILD_DIR", "LD_LIBRARY_PATH", "PYTHONPATH")}
    env["PYTHONPATH"] = str(tmp_path / "site")
    check = (
        "import triton_dsl, pathlib, sys\n"
        "site = pathlib.Path(sys.argv[1])\n"
        "assert pathlib.Path(triton_dsl.__file__).is_relative_to(site), triton_dsl.__file__\n"
        "core = triton_dsl.compiler._core()\n"
        "assert pathlib.Path(core.__file__).is_relative_to(site), core.__file__\n"
        "code = triton_dsl.compile(sys.argv[2], 'pytorch')\n"
        "print(code.splitlines()[0])\n")
    result = subprocess.run([sys.executable, "-c", check, str(tmp_path / "site"),
                             LINEAR.format(k=784)], env=env, cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Generated by the Triton DSL compiler")
