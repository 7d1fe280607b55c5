"""Calling CPU objects from Python: ``triton_dsl.cpu.load``.

An object or shared library made by ``tritonc --target=cpu`` (or
``triton_dsl.compile(..., "cpu")``) exports, next to its C entry points
``_mlir_ciface_<Layer>_<fn>``, the JSON string ``__tritondsl_manifest``
(written by the ``ternary-entry-manifest`` pass): every entry point's params,
inputs and results with their dtypes and shapes. ``load`` reads it and
returns one callable per layer function::

    lib = triton_dsl.cpu.load("mlp.o")                 # weights embedded (--weights)
    lib = triton_dsl.cpu.load("mlp.o", weights="mlp.safetensors")
    logits = lib.MLP.forward(x)                        # numpy in, numpy out

Inputs are numpy arrays or CPU torch tensors (the results are then torch
tensors); they are checked against the manifest (count, dtype, rank, static
sizes) before any native code runs. Params the object does not embed come
from ``weights``: a safetensors file (docs/weights.md) or a mapping
``{"Layer.param": value}``; ternary params accept a :class:`TernaryTensor`,
trits (int8 -1/0/+1) or float master weights (ternarized with absmean, as
``tritonc --weights`` does).

An object file is linked into a shared library first, with the C compiler
(``$CC`` or ``cc``) and the runtime library ``libtriton_runtime.so`` (the
micro-kernels), found next to the compiled module ``triton_dsl._core`` or
through ``$TRITON_RUNTIME_LIB``.
"""
from __future__ import annotations

import ctypes
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
from typing import Any, Dict, List, Mapping, Optional

import numpy as np

from .runtime.packing import PackingError, pack, packed_size
from .runtime.quantize import quantize
from ._scalars import scalar_value
from .runtime.tensor import TernaryTensor

__all__ = ["CPULibrary", "CPUFunction", "load"]

MANIFEST_SYMBOL = "__tritondsl_manifest"

# The scalar arguments ctypes can pass by value (not f16 / bf16).
_SCALAR_CTYPES = {"f32": ctypes.c_float, "f64": ctypes.c_double, "i1": ctypes.c_bool,
                  "i8": ctypes.c_int8, "i16": ctypes.c_int16, "i32": ctypes.c_int32,
                  "i64": ctypes.c_int64, "ui8": ctypes.c_uint8, "ui16": ctypes.c_uint16,
                  "ui32": ctypes.c_uint32, "ui64": ctypes.c_uint64}

_DTYPES = {"f16": np.float16, "f32": np.float32, "f64": np.float64, "i1": np.bool_,
           "i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64,
           "ui8": np.uint8, "ui16": np.uint16, "ui32": np.uint32, "ui64": np.uint64}


def _runtime_library() -> Optional[pathlib.Path]:
    """libtriton_runtime.so: $TRITON_RUNTIME_LIB, or next to triton_dsl._core
    (build/lib for the build tree, <prefix>/lib for an installed package)."""
    env = os.environ.get("TRITON_RUNTIME_LIB")
    if env:
        return pathlib.Path(env)
    from .compiler import _core
    core = pathlib.Path(_core().__file__).resolve()
    for directory in (core.parents[2] / "lib", core.parents[3]):
        candidate = directory / "libtriton_runtime.so"
        if candidate.is_file():
            return candidate
    return None


def _is_object_file(path: pathlib.Path) -> bool:
    """An ELF relocatable (ET_REL) rather than a shared library."""
    with open(path, "rb") as file:
        header = file.read(18)
    if len(header) < 18 or header[:4] != b"\x7fELF":
        raise ValueError(f"{path}: not an ELF object or shared library")
    return int.from_bytes(header[16:18], "little") == 1


def _link(obj: pathlib.Path, directory: str, runtime: Optional[pathlib.Path] = None
          ) -> pathlib.Path:
    """``obj`` linked into ``directory/<stem>.so`` against ``runtime`` (the
    library that defines what it calls; libtriton_runtime.so by default)."""
    runtime = runtime or _runtime_library()
    if runtime is None:
        raise FileNotFoundError(
            "libtriton_runtime.so not found (build the project, or set TRITON_RUNTIME_LIB); "
            f"it is needed to link {obj}")
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        raise FileNotFoundError(f"no C compiler to link {obj} (set CC)")
    library = pathlib.Path(directory) / (obj.stem + ".so")
    command = [cc, "-shared", "-o", str(library), str(obj), str(runtime),
               "-Wl,-rpath," + str(runtime.parent), "-lm"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"linking {obj} failed: {' '.join(command)}\n{result.stderr}")
    return library


class _MemRef(ctypes.Structure):
    """Base of the memref descriptor structures (see _memref_class)."""


_memref_classes: Dict[tuple, type] = {}


def _memref_class(ctype, rank: int):
    """{allocated, aligned, offset, sizes[rank], strides[rank]} (docs/targets/cpu.md)."""
    key = (ctype, rank)
    if key not in _memref_classes:
        _memref_classes[key] = type(f"MemRef{rank}", (_MemRef,), {"_fields_": [
            ("allocated", ctypes.c_void_p), ("aligned", ctypes.c_void_p),
            ("offset", ctypes.c_int64), ("sizes", ctypes.c_int64 * rank),
            ("strides", ctypes.c_int64 * rank)]})
    return _memref_classes[key]


def _descriptor(array: np.ndarray):
    descriptor = _memref_class(None, array.ndim)()
    descriptor.allocated = descriptor.aligned = array.ctypes.data
    descriptor.offset = 0
    for dim, size in enumerate(array.shape):
        descriptor.sizes[dim] = size
        descriptor.strides[dim] = array.strides[dim] // array.itemsize if size > 1 else 1
    return descriptor


_libc = ctypes.CDLL(None)
_libc.free.argtypes = [ctypes.c_void_p]


def _take_result(descriptor, dtype) -> np.ndarray:
    """Copies a result out of its malloc'ed buffer and frees the buffer."""
    rank = len(descriptor.sizes)
    shape = tuple(descriptor.sizes[d] for d in range(rank))
    strides = tuple(descriptor.strides[d] for d in range(rank))
    itemsize = np.dtype(dtype).itemsize
    try:
        if 0 in shape:
            return np.zeros(shape, dtype=dtype)
        # Row-major (what the generated code returns): one copy.
        expected, contiguous = 1, True
        for size, stride in zip(reversed(shape), reversed(strides)):
            if size > 1 and stride != expected:
                contiguous = False
                break
            expected *= size
        if contiguous:
            result = np.empty(shape, dtype=dtype)
            ctypes.memmove(result.ctypes.data, descriptor.aligned + descriptor.offset * itemsize,
                           result.nbytes)
            return result
        extent = 1 + sum((s - 1) * st for s, st in zip(shape, strides))
        base = descriptor.aligned + descriptor.offset * itemsize
        flat = np.frombuffer((ctypes.c_char * (extent * itemsize)).from_address(base),
                             dtype=dtype)
        view = np.lib.stride_tricks.as_strided(
            flat, shape=shape, strides=tuple(st * itemsize for st in strides))
        return np.array(view, dtype=dtype)
    finally:
        _libc.free(descriptor.allocated)


def _type_text(spec: Mapping[str, Any]) -> str:
    if spec.get("scalar"):
        return spec["dtype"]
    dims = "x".join("?" if d is None else str(d) for d in spec["shape"])
    return f"{spec['dtype']}[{dims}]"


class CPUFunction:
    """One entry point, ``lib.Layer.fn``: call it with the function's inputs."""

    def __init__(self, library: "CPULibrary", spec: Mapping[str, Any], params: List[np.ndarray]):
        self.layer = spec["layer"]
        self.name = spec["function"]
        self._spec = spec
        self._params = params
        self._inputs = [a for a in spec["arguments"] if "param" not in a]
        self._results = spec["results"]
        unsupported = [a for a in spec["arguments"] + spec["results"]
                       if (a["dtype"] not in _DTYPES and a["dtype"] != "packed")
                       or (a.get("scalar") and a["dtype"] not in _SCALAR_CTYPES)]
        self._unsupported = (unsupported[0].get("type") or _type_text(unsupported[0])
                             if unsupported else None)
        self._library = library  # keeps the shared library loaded
        self._entry = getattr(library._dll, spec["symbol"])
        self._entry.restype = None
        # The params' descriptors do not change from call to call.
        self._param_descriptors = [_descriptor(a) for a in params]
        self._param_refs = [ctypes.byref(d) for d in self._param_descriptors]

    def __repr__(self) -> str:
        inputs = ", ".join(_type_text(a) for a in self._inputs)
        results = ", ".join(_type_text(r) for r in self._results)
        return f"<{self.layer}.{self.name}({inputs}) -> ({results})>"

    def _check(self, index: int, value, spec) -> np.ndarray:
        where = f"{self.layer}.{self.name}: input {index}"
        torch = _torch()
        if torch is not None and isinstance(value, torch.Tensor):
            if value.device.type != "cpu":
                raise ValueError(f"{where} is on {value.device}; CPU code takes CPU tensors")
            value = value.detach().numpy()
        if not isinstance(value, np.ndarray):
            raise TypeError(f"{where} must be a numpy array or a CPU torch tensor, "
                            f"got {type(value).__name__}")
        want = np.dtype(_DTYPES[spec["dtype"]])
        if value.dtype != want:
            raise TypeError(f"{where} must be {want} ({_type_text(spec)}), got {value.dtype}; "
                            f"convert it first (x.astype(np.{want}) / x.to(torch.{want}))")
        shape = spec["shape"]
        if value.ndim != len(shape) or any(d is not None and d != s
                                           for d, s in zip(shape, value.shape)):
            raise ValueError(f"{where} must have shape {_type_text(spec)}, "
                             f"got {list(value.shape)}")
        return np.ascontiguousarray(value)

    def _scalar(self, index: int, value, spec):
        """Scalar input ``index`` as the ctypes value passed."""
        number = scalar_value(f"{self.layer}.{self.name}: input {index}", value,
                              _DTYPES[spec["dtype"]])
        return _SCALAR_CTYPES[spec["dtype"]](number.item())

    def __call__(self, *inputs):
        if self._unsupported:
            raise TypeError(f"{self.layer}.{self.name}: its signature has the type "
                            f"{self._unsupported}, which triton_dsl.cpu cannot pass")
        if len(inputs) != len(self._inputs):
            raise TypeError(f"{self.layer}.{self.name} takes {len(self._inputs)} input(s) "
                            f"({', '.join(_type_text(a) for a in self._inputs)}), "
                            f"got {len(inputs)}")
        torch = _torch()
        as_torch = torch is not None and any(isinstance(x, torch.Tensor) for x in inputs)
        # Arrays go by descriptor (kept alive with their arrays), scalars by
        # value.
        arrays = [self._scalar(i, x, spec) if spec.get("scalar") else self._check(i, x, spec)
                  for i, (x, spec) in enumerate(zip(inputs, self._inputs))]
        arguments = [a if spec.get("scalar") else ctypes.byref(_descriptor(a))
                     for a, spec in zip(arrays, self._inputs)]
        results = [_memref_class(None, len(r["shape"]))() for r in self._results]
        if len(results) == 1:
            out = results[0]
        else:
            out = type("Results", (ctypes.Structure,),
                       {"_fields_": [(f"r{i}", type(r)) for i, r in enumerate(results)]})()
        self._entry(ctypes.byref(out), *self._param_refs, *arguments)
        if len(results) > 1:
            results = [getattr(out, f"r{i}") for i in range(len(results))]
        values = [_take_result(d, _DTYPES[r["dtype"]]) for d, r in zip(results, self._results)]
        if as_torch:
            values = [torch.from_numpy(v) for v in values]
        return values[0] if len(values) == 1 else tuple(values)


class _Layer:
    """The functions of one layer, as attributes."""

    def __init__(self, name: str):
        self._name = name

    def __repr__(self) -> str:
        functions = ", ".join(k for k in vars(self) if not k.startswith("_"))
        return f"<layer {self._name}: {functions}>"


class CPULibrary:
    """A loaded CPU object: ``lib.<Layer>.<fn>`` are :class:`CPUFunction`s."""

    def __init__(self, path: pathlib.Path, dll: ctypes.CDLL, manifest: Mapping[str, Any]):
        self.path = path
        self._dll = dll
        self.manifest = manifest
        self.functions: Dict[str, CPUFunction] = {}

    def __getattr__(self, name: str):
        raise AttributeError(f"{self.path.name} has no layer {name!r} "
                             f"(layers: {', '.join(sorted(self._layer_names())) or 'none'})")

    def _layer_names(self):
        return {f["layer"] for f in self.manifest["functions"]}

    def __repr__(self) -> str:
        return f"<CPULibrary {self.path}: {', '.join(self.functions)}>"


def _torch():
    try:
        import torch
        return torch
    except ImportError:
        return None


def _read_weights(weights) -> Dict[str, Any]:
    """{"Layer.param": value} from a mapping or a safetensors file."""
    if weights is None:
        return {}
    if isinstance(weights, Mapping):
        return dict(weights)
    if isinstance(weights, (str, os.PathLike)):
        try:
            from safetensors import safe_open
        except ImportError as error:
            raise ImportError("reading a weights file needs the safetensors package "
                              "(pip install safetensors)") from error
        values: Dict[str, Any] = {}
        with safe_open(os.fspath(weights), framework="numpy") as file:
            metadata = file.metadata() or {}
            for name in file.keys():
                tensor = file.get_tensor(name)
                encoding = metadata.get(f"{name}.encoding")
                if tensor.dtype == np.uint8 and encoding is not None:
                    values[name] = ("packed", tensor, encoding,
                                    int(metadata.get(f"{name}.axis", "0")))
                else:
                    values[name] = tensor
        return values
    raise TypeError("weights must be a path of a safetensors file or a mapping "
                    f"{{'Layer.param': tensor}}, not {type(weights).__name__}")


def _to_numpy(value, name: str):
    torch = _torch()
    if torch is not None and isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        return value
    raise TypeError(f"weight {name!r}: expected a tensor, a numpy array or a TernaryTensor, "
                    f"not {type(value).__name__}")


def _packed_param(name: str, value, spec) -> np.ndarray:
    """The bytes of a packed param, in the layout the object expects."""
    try:
        return _pack_param(name, value, spec)
    except PackingError as error:
        raise ValueError(f"weight {name!r}: {error}") from None


def _pack_param(name: str, value, spec) -> np.ndarray:
    shape, encoding, axis = list(spec["shape"]), spec["encoding"], spec["axis"]
    if isinstance(value, TernaryTensor):
        if list(value.shape) != shape:
            raise ValueError(f"weight {name!r}: shape {list(value.shape)}, the program "
                             f"declares {shape}")
        if value.encoding == encoding and value.axis == axis:
            data = _to_numpy(value.packed, name)
        else:
            data = pack(_to_numpy(value.trits(), name).astype(np.int8), encoding, axis)
    elif isinstance(value, tuple) and value and value[0] == "packed":
        _, data, file_encoding, file_axis = value
        expected = packed_size(shape, file_encoding, file_axis)
        if data.size != expected:
            raise ValueError(f"weight {name!r}: {data.size} packed bytes, {shape} in "
                             f"{file_encoding} along axis {file_axis} needs {expected}")
        tensor = TernaryTensor(np.ascontiguousarray(data).reshape(-1), shape,
                               encoding=file_encoding, axis=file_axis)
        return _pack_param(name, tensor, spec)
    else:
        array = _to_numpy(value, name)
        if list(array.shape) != shape:
            raise ValueError(f"weight {name!r}: shape {list(array.shape)}, the program "
                             f"declares {shape}")
        if np.issubdtype(array.dtype, np.floating):
            array, _ = quantize(array.astype(np.float32), "absmean")
            array = _to_numpy(array, name)
        elif not np.issubdtype(array.dtype, np.integer):
            raise TypeError(f"weight {name!r}: dtype {array.dtype} is neither trits nor floats")
        data = pack(np.asarray(array), encoding, axis)
    data = np.ascontiguousarray(_to_numpy(data, name), dtype=np.uint8)
    return data.view(np.int8).reshape(spec["storage"])


def _tensor_param(name: str, value, spec) -> np.ndarray:
    if isinstance(value, (TernaryTensor, tuple)):
        raise TypeError(f"weight {name!r}: the param is a {_type_text(spec)} tensor, "
                        "not a ternary one")
    array = _to_numpy(value, name)
    want = np.dtype(_DTYPES[spec["dtype"]])
    if list(array.shape) != list(spec["shape"]):
        raise ValueError(f"weight {name!r}: shape {list(array.shape)}, the program declares "
                         f"{list(spec['shape'])}")
    if np.issubdtype(want, np.floating) != np.issubdtype(array.dtype, np.floating):
        raise TypeError(f"weight {name!r}: dtype {array.dtype}, the program declares {want}")
    return np.ascontiguousarray(array, dtype=want)


def load(path, weights=None) -> CPULibrary:
    """Loads a CPU object (``.o``) or shared library (``.so``) made by the
    CPU target and returns its layer functions (see the module docstring).

    Raises ``ValueError``/``TypeError`` for weights that do not fit the
    params (missing, unknown, wrong shape or dtype, invalid trits),
    ``ValueError`` for a file without the manifest (not made by the CPU
    target of this version), ``RuntimeError`` when linking fails.
    """
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    library_path = path
    with tempfile.TemporaryDirectory(prefix="triton_dsl_cpu_") as work:
        if _is_object_file(path):
            library_path = _link(path, work)
        dll = ctypes.CDLL(str(library_path))
    try:
        text = ctypes.string_at(ctypes.addressof(ctypes.c_char.in_dll(dll, MANIFEST_SYMBOL)))
    except ValueError:
        raise ValueError(f"{path}: no {MANIFEST_SYMBOL} (not an object of the CPU target, "
                         "or one made before triton_dsl.cpu existed)") from None
    manifest = json.loads(text.decode())
    library = CPULibrary(path, dll, manifest)

    values = _read_weights(weights)
    wanted: Dict[str, Any] = {}
    for spec in manifest["functions"]:
        for argument in spec["arguments"]:
            if "param" in argument:
                wanted.setdefault(argument["param"], argument)
    unknown = sorted(set(values) - set(wanted))
    if unknown:
        known = ", ".join(sorted(wanted)) or "none: the object embeds its weights"
        raise ValueError(f"weights name no param of {path.name}: {', '.join(unknown)} "
                         f"(params: {known})")
    missing = sorted(set(wanted) - set(values))
    if missing:
        raise ValueError(f"{path.name} needs weights for {', '.join(missing)} "
                         "(pass weights=..., or compile with --weights)")
    params = {name: (_packed_param(name, values[name], spec) if spec["dtype"] == "packed"
                     else _tensor_param(name, values[name], spec))
              for name, spec in wanted.items()}

    for spec in manifest["functions"]:
        layer = library.__dict__.get(spec["layer"])
        if layer is None:
            layer = _Layer(spec["layer"])
            setattr(library, spec["layer"], layer)
        function = CPUFunction(library, spec,
                               [params[a["param"]] for a in spec["arguments"] if "param" in a])
        setattr(layer, spec["function"], function)
        library.functions[f"{spec['layer']}.{spec['function']}"] = function
    return library
