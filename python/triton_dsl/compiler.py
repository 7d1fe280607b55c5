"""compile() and load(): the Triton DSL compiler from Python.

The work is done by the compiled module ``triton_dsl._core``
(python/src/CoreModule.cpp), which runs the same C++ driver as ``tritonc``:
for the same source and options the output is byte-identical to what
``tritonc`` prints. Errors raise :class:`CompileError`, located like
``tritonc``'s messages; warnings are issued as :class:`CompileWarning` through
the :mod:`warnings` module. Nothing is printed and no file is written.

``_core`` is imported on first use, so ``import triton_dsl`` works without
it: a wheel carries it inside the package; in a checkout it is found in the
CMake build, ``$TRITON_BUILD_DIR/python_packages/triton_dsl`` (default
``build/``).
"""

from __future__ import annotations

import builtins
import dataclasses
import hashlib
import importlib
import importlib.util
import linecache
import os
import pathlib
import sys
import types
import warnings
import weakref

__all__ = ["CompileError", "CompileWarning", "Compiler", "Diagnostic", "TargetInfo", "compile",
           "load", "targets"]

#: The stages of the front end that ``compile(target=...)`` accepts beside
#: the registered targets; ``"obj"`` and ``"llvm-mlir"`` name the CPU
#: target's outputs.
STAGES = ("ast", "mlir", "opt-mlir")


@dataclasses.dataclass(frozen=True)
class TargetInfo:
    """A registered code generation target (``tritonc --list-targets``).

    ``emits`` maps each output kind (``compile(emit=...)``, the default
    first) to ``(description, binary)``."""

    name: str
    description: str
    weight_encoding: str
    fuses_bias: bool
    emits: dict


def targets():
    """The registered targets, by name: ``{name: TargetInfo}``."""
    return {name: TargetInfo(name, description, encoding, fuses_bias,
                             {kind: (text, binary) for kind, text, binary in kinds})
            for name, description, encoding, fuses_bias, kinds in _core().targets()}


@dataclasses.dataclass(frozen=True)
class Diagnostic:
    """One message of the compiler: an error, warning, note or remark.

    ``line`` and ``column`` are 1-based (the column counts bytes); both are 0
    when the message has no source location."""

    severity: str
    filename: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        where = f"{self.filename}:{self.line}:{self.column}" if self.line else self.filename
        return f"{where}: {self.severity}: {self.message}"


class CompileError(Exception):
    """A program that does not compile.

    ``filename``, ``line``, ``column`` and ``message`` are those of the first
    error; ``diagnostics`` holds every diagnostic in order (errors, their
    notes, warnings). ``str(error)`` is one ``file:line:col: error: message``
    line per error."""

    def __init__(self, diagnostics):
        self.diagnostics = list(diagnostics)
        errors = [d for d in self.diagnostics if d.severity == "error"]
        first = errors[0] if errors else Diagnostic(
            "error", "<unknown>", 0, 0, "compilation failed without a diagnostic")
        self.filename, self.line, self.column, self.message = (
            first.filename, first.line, first.column, first.message)
        super().__init__("\n".join(str(d) for d in errors or [first]))

    def __reduce__(self):
        return type(self), (self.diagnostics,)


class CompileWarning(UserWarning):
    """A warning of the compiler (e.g. a param no function reads), issued with
    :func:`warnings.warn_explicit` at the ``.tri`` file and line. It has the
    ``filename``, ``line``, ``column`` and ``message`` of its diagnostic."""

    def __init__(self, diagnostic: Diagnostic):
        self.diagnostic = diagnostic
        self.filename, self.line, self.column, self.message = (
            diagnostic.filename, diagnostic.line, diagnostic.column, diagnostic.message)
        super().__init__(str(diagnostic))

    def __reduce__(self):
        return type(self), (self.diagnostic,)


_core_module = None


def _core():
    """The compiled module: inside the package, else in the CMake build."""
    global _core_module
    if _core_module is not None:
        return _core_module
    package = sys.modules[__package__]
    try:
        _core_module = importlib.import_module("._core", __package__)
        return _core_module
    except ModuleNotFoundError as error:
        if error.name != f"{__package__}._core":
            raise
    checkout = pathlib.Path(__file__).resolve().parents[2]
    build = os.environ.get("TRITON_BUILD_DIR")
    if build is None and (checkout / "CMakeLists.txt").exists():
        build = checkout / "build"
    candidate = pathlib.Path(build).resolve() / "python_packages" / "triton_dsl" if build else None
    if candidate is None or not candidate.is_dir():
        raise ImportError(
            "triton_dsl._core (the compiled compiler) is not built: build the project "
            "(`make build`, or `ninja -C build`; set TRITON_BUILD_DIR when the build is "
            "not in build/), or `pip install python/`"
            + (f"; looked in {candidate}" if candidate else ""))
    if str(candidate) not in package.__path__:
        package.__path__.append(str(candidate))
    _core_module = importlib.import_module("._core", __package__)
    return _core_module


#: The largest .tri file compile() reads from a path (tritonc's
#: --max-input-size default): an endless file such as /dev/zero is an error,
#: not a MemoryError.
MAX_INPUT_SIZE = 256 << 20


def _read_source(source, filename):
    """(source bytes, filename) from source text or a path."""
    if isinstance(source, os.PathLike):
        path = os.fspath(source)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        with open(path, "rb") as file:
            text = file.read(MAX_INPUT_SIZE + 1)
        if len(text) > MAX_INPUT_SIZE:
            raise ValueError(f"input {path!r} is larger than {MAX_INPUT_SIZE} bytes "
                             "(is it a .tri program?)")
        return text, path if filename is None else filename
    if not isinstance(source, str):
        raise TypeError("source must be .tri source text (str) or a path (os.PathLike), "
                        f"not {type(source).__name__}")
    return source.encode("utf-8"), "<string>" if filename is None else filename


def _check_arguments(target, opt_level, filename, use_microkernels, emit, weights, quantizer,
                     threshold, seed):
    if not isinstance(target, str):
        raise TypeError(f"target must be a str, not {type(target).__name__}")
    if isinstance(opt_level, bool) or not isinstance(opt_level, int):
        raise TypeError(f"opt_level must be an int (0, 1 or 2), not {type(opt_level).__name__}")
    if opt_level not in (0, 1, 2):
        raise ValueError(f"unknown optimization level {opt_level} (use 0, 1 or 2)")
    if filename is not None and not isinstance(filename, str):
        raise TypeError(f"filename must be a str, not {type(filename).__name__}")
    if use_microkernels is not None and not isinstance(use_microkernels, bool):
        raise TypeError("use_microkernels must be a bool or None, not "
                        f"{type(use_microkernels).__name__}")
    if use_microkernels and target not in ("llvm-mlir", "obj", "cpu"):
        raise ValueError("use_microkernels applies to the CPU target ('cpu', 'llvm-mlir', 'obj'), "
                         f"not {target!r}")
    if emit is not None and not isinstance(emit, str):
        raise TypeError(f"emit must be a str, not {type(emit).__name__}")
    if weights is not None and not isinstance(weights, (str, os.PathLike)):
        raise TypeError(f"weights must be a path, not {type(weights).__name__}")
    if not isinstance(quantizer, str):
        raise TypeError(f"quantizer must be a str, not {type(quantizer).__name__}")
    if threshold is not None and (isinstance(threshold, bool)
                                  or not isinstance(threshold, (int, float))):
        raise TypeError(f"threshold must be a number, not {type(threshold).__name__}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**64:
        raise TypeError("seed must be an int in [0, 2**64)")


def _run(compile_function, source, target, opt_level, filename, use_microkernels, emit,
         weights=None, quantizer="absmean", threshold=None, seed=0):
    _check_arguments(target, opt_level, filename, use_microkernels, emit, weights, quantizer,
                     threshold, seed)
    if use_microkernels is None:  # tritonc's default: the kernels from -O1 on
        use_microkernels = target in ("llvm-mlir", "obj", "cpu") and opt_level > 0
    text, filename = _read_source(source, filename)
    ok, files, binary, diagnostics = compile_function(
        text, filename, target, opt_level, use_microkernels, emit or "",
        os.fspath(weights) if weights is not None else "", quantizer,
        None if threshold is None else float(threshold), seed)
    diagnostics = [Diagnostic(*d) for d in diagnostics]
    for d in diagnostics:
        if d.severity == "warning":
            warnings.warn_explicit(CompileWarning(d), CompileWarning, d.filename, d.line)
    if not ok:
        raise CompileError(diagnostics)
    if len(files) == 1 and files[0][0] == "":
        output = files[0][1]
        return output if binary else output.decode("utf-8")
    return {name: data for name, data in files}


def compile(source, target: str = "pytorch", opt_level: int = 2, filename: str | None = None,
            use_microkernels: bool | None = None, emit: str | None = None, weights=None,
            quantizer: str = "absmean", threshold: float | None = None, seed: int = 0):
    """Compiles a ``.tri`` program.

    ``source`` is the program text (``str``) or the path of a file
    (``os.PathLike``: ``pathlib.Path("model.tri")``; a ``str`` is always
    source text). ``target`` is a registered target (:func:`targets`:
    ``"cpu"``, ``"pytorch"``, ...), whose output kind ``emit`` selects (its
    default when ``None``: ``"obj"`` for the CPU), or a stage of the front
    end: ``"ast"``, ``"mlir"``, ``"opt-mlir"`` (optimized for the target
    named by ``emit``, the CPU by default). ``"obj"`` and ``"llvm-mlir"`` are
    the CPU target's two outputs. Each is what ``tritonc`` writes with the
    same ``--target``/``--emit`` at ``-O<opt_level>``: text is returned as
    ``str``, a binary output (an object file) as ``bytes``, the files of a
    target that writes a directory as ``{name: bytes}``. ``filename`` names
    the program in diagnostics and locations (default: the path, or
    ``"<string>"``). ``use_microkernels`` (CPU target only) lowers eligible
    ``ternary.matmul`` ops to calls of the runtime's fast kernels: ``None``
    (the default) from ``opt_level=1`` on, as tritonc does; ``False`` never
    (``--no-microkernels``), ``True`` also at ``opt_level=0``
    (docs/targets/cpu.md). ``weights`` is the
    path of a weights file (safetensors, :func:`triton_dsl.save_weights`;
    docs/weights.md) whose values the output embeds, like ``tritonc
    --weights``; float weights of TernaryTensor params are ternarized with
    ``quantizer`` (``"absmean"``, ``"threshold"`` with ``threshold``,
    ``"stochastic"`` with ``seed``).

    Each call sets up the compiler anew; :class:`Compiler` keeps it between
    programs (many programs a second).

    Raises :class:`CompileError` when the program does not compile,
    ``ValueError`` for an unknown target (the message lists the known ones),
    emit or opt_level, ``TypeError`` for arguments of the wrong type,
    ``OSError`` when the file cannot be read. Warnings are issued as
    :class:`CompileWarning`.
    """
    return _run(_core().Compiler().compile, source, target, opt_level, filename,
                use_microkernels, emit, weights, quantizer, threshold, seed)


class Compiler:
    """A reusable compiler: :meth:`compile` takes the arguments of
    :func:`compile` and gives the same output, but the MLIR contexts (dialects
    loaded once) and pass pipelines are kept between programs. Thread-safe:
    threads compile in parallel, each with a context of its own (the GIL is
    released while compiling)."""

    def __init__(self):
        self._compiler = _core().Compiler()

    def compile(self, source, target: str = "pytorch", opt_level: int = 2,
                filename: str | None = None, use_microkernels: bool | None = None,
                emit: str | None = None, weights=None, quantizer: str = "absmean",
                threshold: float | None = None, seed: int = 0):
        """As :func:`compile`."""
        return _run(self._compiler.compile, source, target, opt_level, filename,
                    use_microkernels, emit, weights, quantizer, threshold, seed)


def load(source, opt_level: int = 2, name: str | None = None, filename: str | None = None,
         weights=None, quantizer: str = "absmean", threshold: float | None = None,
         seed: int = 0):
    """Compiles a ``.tri`` program for PyTorch and imports the result.

    ``source`` is as for :func:`compile`. Returns a new module (registered in
    ``sys.modules`` as ``name``, by default ``triton_dsl_generated_<hash>``
    of the generated code) holding one ``nn.Module`` class per layer. A name
    never hides another module: ``ValueError`` when ``name`` is already in
    ``sys.modules`` (unless triton_dsl generated that module) or names a
    module that can be imported; the default name takes a suffix
    (``_1``, ...) instead. With
    ``weights`` (a weights file, as for :func:`compile`) the classes start
    with those values instead of zeros.
    Tracebacks and ``inspect.getsource`` show the generated code.
    """
    return import_generated(compile(source, "pytorch", opt_level, filename, weights=weights,
                                    quantizer=quantizer, threshold=threshold, seed=seed), name)


#: The modules :func:`import_generated` registered: the only ones a later
#: call may replace in ``sys.modules``.
_generated_modules = weakref.WeakSet()


def _hides_a_module(name: str) -> bool:
    """Whether registering ``name`` in ``sys.modules`` would hide a module
    that triton_dsl did not generate: one already imported, or one that
    ``import name`` would find."""
    existing = sys.modules.get(name)
    if existing is not None:
        return existing not in _generated_modules
    parent = name.rpartition(".")[0]
    if parent and parent not in sys.modules:
        # Finding a submodule would import its package: a name under a
        # package that exists is taken as hiding one.
        return _hides_a_module(parent)
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def import_generated(code: str, name: str | None = None):
    """Imports PyTorch source that ``compile(..., target="pytorch")`` returned
    (what :func:`load` does after compiling), as for :func:`load`'s ``name``."""
    if name is None:
        base = "triton_dsl_generated_" + hashlib.sha256(code.encode()).hexdigest()[:16]
        name, suffix = base, 0
        while _hides_a_module(name):
            suffix += 1
            name = f"{base}_{suffix}"
    elif not isinstance(name, str) or not name:
        raise TypeError("name must be a non-empty str")
    elif _hides_a_module(name):
        raise ValueError(
            f"cannot register the generated module as {name!r}: that name belongs to a "
            "module triton_dsl did not generate, which it would hide; pass another name")
    origin = f"<triton_dsl generated {name}>"
    module = types.ModuleType(name, "PyTorch modules generated by triton_dsl.load")
    module.__file__ = origin
    linecache.cache[origin] = (len(code), None, code.splitlines(True), origin)
    previous = sys.modules.get(name)
    sys.modules[name] = module
    try:
        exec(builtins.compile(code, origin, "exec"), module.__dict__)
    except BaseException:
        if previous is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = previous
        raise
    module.__triton_dsl_source__ = code
    for value in list(module.__dict__.values()):
        if isinstance(value, type) and value.__module__ == name and hasattr(value, "forward"):
            value.__triton_dsl_source__ = code
            value.__reduce_ex__ = _reduce_generated
            value.__setstate__ = _setstate_generated
    _generated_modules.add(module)
    return module


#: The state key under which a pickled generated module lists the hooks its
#: __init__ registered from the generated code (re-registered on loading).
_HOOKS_KEY = "__triton_dsl_hooks__"


def _reduce_generated(self, protocol):
    """Pickling of a generated module's instances (torch.save(model)): the
    class is named by its generated source, not by the module name, which a
    new process does not know; :func:`_rebuild_generated` imports the source
    again there. The state is the instance's, except the load_state_dict
    hooks that are functions of the generated code (pickle would name them
    by the module too): their names go along and the new instance registers
    the functions of the code it was rebuilt from."""
    cls = type(self)
    state = dict(self.__getstate__())
    hooks = state.get("_load_state_dict_pre_hooks")
    if hooks:
        generated = [(key, wrapped) for key, wrapped in hooks.items()
                     if getattr(getattr(wrapped, "hook", None), "__module__", None) == cls.__module__]
        if generated:
            state["_load_state_dict_pre_hooks"] = type(hooks)(
                (key, wrapped) for key, wrapped in hooks.items()
                if all(key != k for k, _ in generated))
            state[_HOOKS_KEY] = [wrapped.hook.__name__ for _, wrapped in generated]
    return (_rebuild_generated, (cls.__triton_dsl_source__, cls.__module__, cls.__qualname__),
            state)


def _setstate_generated(self, state):
    hooks = state.pop(_HOOKS_KEY, [])
    torch_module = sys.modules["torch"].nn.Module
    torch_module.__setstate__(self, state)
    module = sys.modules[type(self).__module__]
    for name in hooks:
        self.register_load_state_dict_pre_hook(getattr(module, name))


def _rebuild_generated(code: str, name: str, qualname: str):
    """An empty instance of class ``qualname`` of the generated ``code``: the
    module already imported under ``name`` when it is that code, else the code
    imported anew (under ``name`` when that is free)."""
    module = sys.modules.get(name)
    if module is None or getattr(module, "__triton_dsl_source__", None) != code:
        module = import_generated(code, None if _hides_a_module(name) else name)
    cls = getattr(module, qualname)
    return cls.__new__(cls)
