"""Runs the directory of ``--target=ptx`` on an NVIDIA GPU.

``load(DIR)`` reads the launch manifest ``{name}.json`` (docs/targets/ptx.md),
opens the CUDA runner (``libtriton_cuda.so``, runtime/cuda/tri_cuda.h: the
driver API through dlopen), loads ``{name}.ptx`` and uploads the constants of
``{name}.weights.bin`` once. Each layer function is then an attribute of the
program (``program.MLP_forward(x)``, or ``program("MLP", "forward")``) that
takes numpy arrays or torch tensors (CUDA tensors stay on the device) for its
inputs and unbound params, in the manifest's order, and returns the outputs
as the same kind.

Without a driver, ``load`` raises ``RuntimeError("no CUDA driver found
...")``. A directory of ``--emit=emulator`` (its manifest names
``{name}.emulator.o`` instead of a PTX file) runs on the CPU emulator of
runtime/cuda instead, with or without a GPU: the same kernels, one thread
per GPU thread, to check their results (``Program.emulated``). Nothing here
has run on a GPU yet: see docs/targets/ptx.md.
"""

from __future__ import annotations

import ctypes
import json
import operator
import os
import pathlib
import tempfile
from typing import Optional

import numpy as np

from ._scalars import scalar_value

_DTYPES = {"f32": np.float32, "f16": np.float16, "f64": np.float64, "i1": np.bool_,
           "i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64}


def runner_library() -> Optional[pathlib.Path]:
    """libtriton_cuda.so: $TRITON_CUDA_LIB, or the build's lib/ next to the
    one of triton_dsl._core."""
    env = os.environ.get("TRITON_CUDA_LIB")
    if env:
        return pathlib.Path(env)
    from .compiler import _core
    core = pathlib.Path(_core().__file__).resolve()
    for directory in (core.parents[2] / "lib", core.parents[3]):
        candidate = directory / "libtriton_cuda.so"
        if candidate.is_file():
            return candidate
    return None


# The manifest's binary operators on integers (comparisons give 0 or 1).
_BINARY = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.floordiv,
    "ceildiv": lambda a, b: -(-a // b), "%": operator.mod, "min": min, "max": max,
    "<": lambda a, b: int(a < b), "<=": lambda a, b: int(a <= b),
    ">": lambda a, b: int(a > b), ">=": lambda a, b: int(a >= b),
    "==": lambda a, b: int(a == b), "!=": lambda a, b: int(a != b),
}


def evaluate(expr, dims: dict) -> int:
    """The value of a manifest expression (postfix: integers, "argI.D",
    "sms" the device's multiprocessor count, operators)."""
    stack = []
    for token in expr:
        if isinstance(token, int):
            stack.append(token)
        elif token.startswith("arg") or token == "sms":
            if token not in dims:
                raise ValueError(f"the manifest refers to unknown dim {token}")
            stack.append(dims[token])
        elif token == "select":
            f, t, c = stack.pop(), stack.pop(), stack.pop()
            stack.append(t if c else f)
        elif token in _BINARY:
            b, a = stack.pop(), stack.pop()
            stack.append(_BINARY[token](a, b))
        else:
            raise ValueError(f"unknown manifest operator {token!r}")
    if len(stack) != 1:
        raise ValueError(f"malformed manifest expression {expr}")
    return stack[0]


class _Runner:
    """The runner library opened on CUDA device ``device``, or on the CPU
    emulator of the kernels of ``emulated`` (a shared library linked from
    ``{name}.emulator.o``)."""

    def __init__(self, library: pathlib.Path, device: int,
                 emulated: Optional[pathlib.Path] = None):
        self.lib = ctypes.CDLL(str(library))
        lib = self.lib
        lib.tri_cuda_last_error.restype = ctypes.c_char_p
        lib.tri_cuda_device_name.restype = ctypes.c_char_p
        lib.tri_cuda_open.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_void_p)]
        lib.tri_cuda_open_emulator.argtypes = [ctypes.c_char_p,
                                               ctypes.POINTER(ctypes.c_void_p)]
        for name in ("tri_cuda_load_ptx", "tri_cuda_get_kernel", "tri_cuda_alloc",
                     "tri_cuda_free", "tri_cuda_upload", "tri_cuda_download",
                     "tri_cuda_copy", "tri_cuda_launch", "tri_cuda_synchronize"):
            getattr(lib, name).restype = ctypes.c_int
        lib.tri_cuda_alloc.argtypes = [ctypes.c_void_p, ctypes.c_size_t,
                                       ctypes.POINTER(ctypes.c_uint64)]
        lib.tri_cuda_free.argtypes = [ctypes.c_void_p, ctypes.c_uint64]
        lib.tri_cuda_upload.argtypes = [ctypes.c_void_p, ctypes.c_uint64, ctypes.c_void_p,
                                        ctypes.c_size_t]
        lib.tri_cuda_download.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint64,
                                          ctypes.c_size_t]
        lib.tri_cuda_copy.argtypes = [ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64,
                                      ctypes.c_size_t]
        lib.tri_cuda_load_ptx.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.tri_cuda_get_kernel.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                            ctypes.POINTER(ctypes.c_void_p)]
        lib.tri_cuda_launch.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                        ctypes.POINTER(ctypes.c_uint),
                                        ctypes.POINTER(ctypes.c_uint), ctypes.c_uint,
                                        ctypes.POINTER(ctypes.c_void_p)]
        lib.tri_cuda_synchronize.argtypes = [ctypes.c_void_p]
        lib.tri_cuda_close.argtypes = [ctypes.c_void_p]
        lib.tri_cuda_device_name.argtypes = [ctypes.c_void_p]
        lib.tri_cuda_multiprocessor_count.argtypes = [ctypes.c_void_p]
        lib.tri_cuda_multiprocessor_count.restype = ctypes.c_int
        handle = ctypes.c_void_p()
        if emulated is not None:
            status = lib.tri_cuda_open_emulator(str(emulated).encode(), ctypes.byref(handle))
        else:
            status = lib.tri_cuda_open(device, ctypes.byref(handle))
        if status:
            raise RuntimeError(lib.tri_cuda_last_error().decode())
        self.handle = handle
        # The persistent kernels' grids scale with it (the manifest's "sms").
        self.multiprocessors = lib.tri_cuda_multiprocessor_count(handle)

    def check(self, status: int):
        if status:
            raise RuntimeError(self.lib.tri_cuda_last_error().decode())

    def alloc(self, nbytes: int) -> int:
        pointer = ctypes.c_uint64()
        self.check(self.lib.tri_cuda_alloc(self.handle, nbytes, ctypes.byref(pointer)))
        return pointer.value

    def close(self):
        if getattr(self, "handle", None):
            self.lib.tri_cuda_close(self.handle)
            self.handle = None


class _Function:
    def __init__(self, program: "Program", description: dict):
        self.program = program
        self.description = description
        self.name = description["name"]
        self.inputs = [i for i, a in enumerate(description["arguments"])
                       if a["role"] != "output"]

    def __call__(self, *values):
        program, runner = self.program, self.program.runner
        arguments = self.description["arguments"]
        if len(values) != len(self.inputs):
            names = [arguments[i].get("param", f"input {i}") for i in self.inputs]
            raise TypeError(f"{self.name} takes {len(self.inputs)} arguments ({', '.join(names)}), "
                            f"got {len(values)}")
        torch_out = None
        dims, buffers, owned, keep_alive = {"sms": runner.multiprocessors}, {}, [], []
        try:
            for index, value in zip(self.inputs, values):
                spec = arguments[index]
                dtype = _DTYPES[spec["dtype"]]
                if spec["role"] == "scalar":
                    self._bind_scalar(index, value, spec, dims)
                    continue
                if type(value).__module__.startswith("torch"):
                    torch_out = value.device
                    if value.is_cuda and (not value.is_contiguous() or value.data_ptr() % 16):
                        # The kernels read whole 16-byte vectors.
                        value = value.contiguous().clone()
                        keep_alive.append(value)
                    array = (np.ascontiguousarray(value.detach().to("cpu").numpy())
                             if not value.is_cuda else None)
                    shape, pointer = tuple(value.shape), (value.data_ptr() if value.is_cuda else None)
                    if str(value.dtype).replace("torch.", "") != np.dtype(dtype).name:
                        raise TypeError(f"{self.name}: argument {index} must be {np.dtype(dtype).name}, "
                                        f"got {value.dtype}")
                else:
                    array = np.asarray(value)
                    if array.dtype != dtype:
                        raise TypeError(f"{self.name}: argument {index} must be {np.dtype(dtype).name}, "
                                        f"got {array.dtype}")
                    array, shape, pointer = np.ascontiguousarray(array), array.shape, None
                self._bind_dims(index, shape, spec, dims)
                if pointer is None:
                    pointer = runner.alloc(array.nbytes)
                    owned.append(pointer)
                    runner.check(runner.lib.tri_cuda_upload(runner.handle, pointer,
                                                            array.ctypes.data, array.nbytes))
                buffers[("arg", index)] = pointer
            outputs = []
            for index, shape, dtype in self._output_shapes(dims):
                nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
                pointer = runner.alloc(nbytes)
                owned.append(pointer)
                buffers[("arg", index)] = pointer
                outputs.append((pointer, shape, dtype))
            for index, spec in enumerate(self.description["temporaries"]):
                shape = [evaluate(e, dims) for e in spec["shape"]]
                nbytes = int(np.prod(shape)) * np.dtype(_DTYPES[spec["dtype"]]).itemsize
                pointer = runner.alloc(nbytes)
                owned.append(pointer)
                buffers[("temp", index)] = pointer
            for index, pointer in program.constant_pointers.items():
                buffers[("constant", index)] = pointer
            for run, prepared in self._prepare_steps(buffers, dims):
                run(prepared)
            runner.check(runner.lib.tri_cuda_synchronize(runner.handle))
            results = []
            for pointer, shape, dtype in outputs:
                host = np.empty(shape, dtype=dtype)
                runner.check(runner.lib.tri_cuda_download(runner.handle, host.ctypes.data,
                                                          pointer, host.nbytes))
                if torch_out is not None:
                    import torch
                    results.append(torch.from_numpy(host).to(torch_out))
                else:
                    results.append(host)
        finally:
            for pointer in owned:
                runner.lib.tri_cuda_free(runner.handle, pointer)
        return results[0] if len(results) == 1 else tuple(results)

    def _bind_scalar(self, index, value, spec, dims):
        """Checks scalar argument ``index`` (a Python or numpy number, or a
        0-d array or tensor) and records its value as ``argI``."""
        dims[f"arg{index}"] = scalar_value(f"{self.name}: argument {index}", value,
                                           _DTYPES[spec["dtype"]]).item()

    def _bind_dims(self, index, shape, spec, dims):
        """Checks the shape of argument ``index`` against the manifest and
        records the dims it defines (``argI.D``) in ``dims``."""
        if len(shape) != len(spec["shape"]):
            raise ValueError(f"{self.name}: argument {index} must have rank "
                             f"{len(spec['shape'])}, got shape {shape}")
        for d, (size, expr) in enumerate(zip(shape, spec["shape"])):
            if expr == [f"arg{index}.{d}"]:
                dims[f"arg{index}.{d}"] = size
            elif evaluate(expr, dims) != size:
                raise ValueError(f"{self.name}: argument {index} has shape {shape}, "
                                 f"dim {d} must be {evaluate(expr, dims)}")

    def _output_shapes(self, dims):
        """(index, shape, numpy dtype) of every output argument, from the
        bound dims; records the dims each output defines."""
        for index, spec in enumerate(self.description["arguments"]):
            if spec["role"] != "output":
                continue
            shape = tuple(evaluate(e, dims) for e in spec["shape"])
            for d, size in enumerate(shape):
                dims[f"arg{index}.{d}"] = size
            yield index, shape, _DTYPES[spec["dtype"]]

    def _prepare_steps(self, buffers, dims):
        """The steps that run for these dims, each as (run, prepared):
        ``run(prepared)`` queues it (a launch or a device copy)."""
        steps = []
        for step in self.description["steps"]:
            if "when" in step and not evaluate(step["when"], dims):
                continue
            if "copy" in step:
                steps.append((self._run_copy, self._prepare_copy(step["copy"], buffers, dims)))
            else:
                prepared = self._prepare_launch(step, buffers, dims)
                if prepared is not None:
                    steps.append((self._run_launch, prepared))
        return steps

    def _view(self, view, buffers, dims):
        ref = view["buffer"]
        kind, index = next(iter(ref.items()))
        return (buffers[(kind, index)], evaluate(view["offset"], dims),
                [evaluate(e, dims) for e in view["sizes"]],
                [evaluate(e, dims) for e in view["strides"]])

    def _prepare_copy(self, copy, buffers, dims):
        """(destination, source, bytes) of a contiguous copy step."""
        (dst, dst_off, sizes, dst_strides) = self._view(copy["to"], buffers, dims)
        (src, src_off, _, src_strides) = self._view(copy["from"], buffers, dims)
        contiguous = list(np.cumprod([1] + sizes[:0:-1])[::-1]) if sizes else []
        if [int(s) for s in dst_strides] != [int(c) for c in contiguous] or \
           [int(s) for s in src_strides] != [int(c) for c in contiguous]:
            raise RuntimeError(f"{self.name}: a copy between strided views is not supported")
        element = self._element_size(copy)
        return (dst + dst_off * element, src + src_off * element,
                int(np.prod(sizes)) * element)

    def _run_copy(self, prepared):
        runner = self.program.runner
        dst, src, nbytes = prepared
        runner.check(runner.lib.tri_cuda_copy(runner.handle, dst, src, nbytes))

    def _element_size(self, copy) -> int:
        ref = copy["to"]["buffer"]
        kind, index = next(iter(ref.items()))
        if kind == "arg":
            dtype = self.description["arguments"][index]["dtype"]
        elif kind == "temp":
            dtype = self.description["temporaries"][index]["dtype"]
        else:
            dtype = self.program.manifest["constants"][index]["dtype"]
        return np.dtype(_DTYPES[dtype]).itemsize

    def _prepare_launch(self, step, buffers, dims):
        """The driver arguments of a launch step (None for an empty grid);
        they keep the ctypes values they point to alive."""
        grid = [evaluate(e, dims) for e in step["grid"]]
        block = [evaluate(e, dims) for e in step["block"]]
        if 0 in grid:
            return None  # an empty batch
        keep, params = [], []
        for argument in step["args"]:
            kind, value = next(iter(argument.items()))
            if kind == "memref":
                pointer, offset, sizes, strides = self._view(value, buffers, dims)
                fields = [ctypes.c_uint64(pointer), ctypes.c_uint64(pointer),
                          ctypes.c_int64(offset)]
                fields += [ctypes.c_int64(s) for s in sizes] + [ctypes.c_int64(s) for s in strides]
            elif kind in ("f16", "f32", "f64"):
                # A number, or "inf", "-inf", "nan", "-0" (not JSON numbers),
                # or a scalar argument of the call {"arg": I}.
                if isinstance(value, dict):
                    value = dims[f"arg{value['arg']}"]
                if kind == "f16":  # its bits, as the driver takes a 2-byte parameter
                    fields = [ctypes.c_uint16(int(np.float16(float(value)).view(np.uint16)))]
                else:
                    fields = [(ctypes.c_float if kind == "f32" else ctypes.c_double)(float(value))]
            else:
                ctype = {"i8": ctypes.c_int8, "i16": ctypes.c_int16, "i32": ctypes.c_int32,
                         "i64": ctypes.c_int64}[kind]
                fields = [ctype(evaluate(value, dims))]
            keep += fields
            params += [ctypes.cast(ctypes.pointer(f), ctypes.c_void_p) for f in fields]
        kernel = self.program.kernel(step["launch"])
        param_array = (ctypes.c_void_p * len(params))(*params)
        shared = evaluate(step["shared"], dims) if "shared" in step else 0
        return (kernel, (ctypes.c_uint * 3)(*grid), (ctypes.c_uint * 3)(*block), shared,
                param_array, keep)

    def _run_launch(self, prepared):
        runner = self.program.runner
        kernel, grid, block, shared, param_array, _ = prepared
        runner.check(runner.lib.tri_cuda_launch(runner.handle, kernel, grid, block, shared,
                                                param_array))

    def launcher(self, *values):
        """For benchmarks: binds torch CUDA tensors (the inputs and unbound
        params, in the manifest's order; numbers for scalar arguments) once,
        allocates the outputs and temporaries as torch CUDA tensors,
        prepares every step, and returns
        ``(run, outputs)``. ``run()`` queues the steps (launches, device
        copies) on the default stream and returns without synchronizing and
        without copying anything to the host, so that a caller can time it
        with CUDA events; ``outputs`` hold the results once it has run."""
        import torch
        arguments = self.description["arguments"]
        if len(values) != len(self.inputs):
            raise TypeError(f"{self.name} takes {len(self.inputs)} arguments, got {len(values)}")
        dims, buffers, keep = {}, {}, []
        device = None
        for index, value in zip(self.inputs, values):
            spec = arguments[index]
            if spec["role"] == "scalar":
                self._bind_scalar(index, value, spec, dims)
                continue
            if not isinstance(value, torch.Tensor) or not value.is_cuda:
                raise TypeError(f"{self.name}: launcher() takes torch CUDA tensors "
                                f"(argument {index})")
            if str(value.dtype).replace("torch.", "") != np.dtype(_DTYPES[spec["dtype"]]).name:
                raise TypeError(f"{self.name}: argument {index} must be "
                                f"{np.dtype(_DTYPES[spec['dtype']]).name}, got {value.dtype}")
            if not value.is_contiguous() or value.data_ptr() % 16:
                raise ValueError(f"{self.name}: argument {index} must be contiguous and "
                                 "16-byte aligned (the kernels read whole 16-byte vectors)")
            self._bind_dims(index, tuple(value.shape), spec, dims)
            buffers[("arg", index)] = value.data_ptr()
            device = value.device
        outputs = []
        for index, shape, dtype in self._output_shapes(dims):
            out = torch.empty(shape, dtype=getattr(torch, np.dtype(dtype).name), device=device)
            outputs.append(out)
            buffers[("arg", index)] = out.data_ptr()
        for index, spec in enumerate(self.description["temporaries"]):
            shape = [evaluate(e, dims) for e in spec["shape"]]
            nbytes = int(np.prod(shape)) * np.dtype(_DTYPES[spec["dtype"]]).itemsize
            temp = torch.empty(max(nbytes, 1), dtype=torch.uint8, device=device)
            keep.append(temp)
            buffers[("temp", index)] = temp.data_ptr()
        for index, pointer in self.program.constant_pointers.items():
            buffers[("constant", index)] = pointer
        steps = self._prepare_steps(buffers, dims)

        def run(_steps=steps, _keep=keep):
            for function, prepared in _steps:
                function(prepared)

        return run, (outputs[0] if len(outputs) == 1 else tuple(outputs))


class Program:
    """A loaded --target=ptx directory (see the module docstring)."""

    def __init__(self, directory, device: int = 0, library=None):
        directory = pathlib.Path(directory)
        manifests = sorted(directory.glob("*.json"))
        if len(manifests) != 1:
            raise FileNotFoundError(f"{directory}: expected one launch manifest (*.json), "
                                    f"found {len(manifests)}")
        self.manifest = json.loads(manifests[0].read_text())
        if self.manifest.get("version") != 1:
            raise ValueError(f"{manifests[0]}: unsupported manifest version")
        ptx = self.manifest.get("ptx")
        self.ptx = (directory / ptx).read_bytes() if ptx else None
        weights = self.manifest.get("weights")
        if weights and not (directory / weights).is_file():
            raise FileNotFoundError(f"{directory / weights}: the weights file of the manifest "
                                    "is missing")
        blob = (directory / weights).read_bytes() if weights else b""
        library = pathlib.Path(library) if library else runner_library()
        if library is None or not library.is_file():
            raise FileNotFoundError("libtriton_cuda.so not found (build runtime/cuda, which "
                                    "needs cuda.h, or set TRITON_CUDA_LIB)")
        self.emulated = bool(self.manifest.get("emulator"))
        if self.emulated:
            # --emit=emulator: the kernels compiled for this CPU, linked into
            # a library of a fresh path (dlopen would return a library of the
            # same path already open, with the kernels of an earlier
            # compile) and nothing written into the directory.
            from .cpu import _link
            obj = directory / self.manifest["emulator"]
            if not obj.is_file():
                raise FileNotFoundError(f"{obj}: the emulator object of the manifest is missing")
            with tempfile.TemporaryDirectory(prefix="triton_dsl_emulator_") as work:
                self.runner = _Runner(library, device, _link(obj, work, runtime=library))
        else:
            self.runner = _Runner(library, device)
        self._kernels = {}
        self.constant_pointers = {}
        if self.ptx:
            self.runner.check(self.runner.lib.tri_cuda_load_ptx(self.runner.handle, self.ptx))
        for index, constant in enumerate(self.manifest.get("constants", [])):
            data = blob[constant["offset"]:constant["offset"] + constant["bytes"]]
            if len(data) != constant["bytes"]:
                raise ValueError(f"{weights}: constant {constant['name']} is cut short")
            pointer = self.runner.alloc(len(data))
            self.runner.check(self.runner.lib.tri_cuda_upload(
                self.runner.handle, pointer, data, len(data)))
            self.constant_pointers[index] = pointer
        self.functions = {f["name"]: _Function(self, f) for f in self.manifest["functions"]}

    def kernel(self, name: str):
        if name not in self._kernels:
            pointer = ctypes.c_void_p()
            self.runner.check(self.runner.lib.tri_cuda_get_kernel(
                self.runner.handle, name.encode(), ctypes.byref(pointer)))
            self._kernels[name] = pointer
        return self._kernels[name]

    def __getattr__(self, name):
        functions = self.__dict__.get("functions", {})
        if name in functions:
            return functions[name]
        raise AttributeError(name)

    def __call__(self, layer: str, function: str = "forward"):
        return self.functions[f"{layer}_{function}"]

    def close(self):
        if getattr(self, "runner", None):
            for pointer in self.constant_pointers.values():
                self.runner.lib.tri_cuda_free(self.runner.handle, pointer)
            self.runner.close()


def load(directory, device: int = 0) -> Program:
    """Loads a --target=ptx directory on CUDA device ``device``."""
    return Program(directory, device)


def driver_available() -> tuple[bool, str]:
    """(True, device name) when a CUDA driver and device are usable, else
    (False, the reason)."""
    library = runner_library()
    if library is None:
        return False, "libtriton_cuda.so not found (runtime/cuda not built)"
    try:
        runner = _Runner(library, 0)
    except RuntimeError as error:
        return False, str(error)
    name = runner.lib.tri_cuda_device_name(runner.handle).decode()
    runner.close()
    return True, name
