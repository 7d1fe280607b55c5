"""Build and run the directories of ``--target=acalsim`` (docs/targets/acalsim.md).

``tritonc --target=acalsim -o DIR`` (or ``compile(..., target="acalsim")``,
which returns the same files as ``{name: bytes}``) writes C for
``riscv64-unknown-elf-gcc`` plus ``{name}.json``, the manifest this module
reads: the entry point ``main`` runs, the layout of ``{name}_input.bin``,
the outputs ``main`` prints. This module writes inputs, runs ``make`` and
``qemu-system-riscv64 -machine virt -bios none`` with the test harness of
runtime/acalsim/qemu (a machine-mode trap handler that emulates the ACALSim
devices), and parses what the program printed: the outputs (float bits in
hex, integers in decimal) and the harness's device counters.

    files = triton_dsl.compile(source, target="acalsim", weights="w.safetensors")
    directory = triton_dsl.acalsim.write(files, "out")
    result = triton_dsl.acalsim.simulate(directory, [x])
    result.outputs[0], result.device["operations"]
"""
from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import re
import shutil
import subprocess
from typing import Dict, List, Mapping, Optional, Sequence

import numpy as np

__all__ = ["ACALSimError", "SimulationResult", "harness_dir", "manifest", "write",
           "write_inputs", "build", "run", "simulate"]

_DTYPES = {"f32": np.float32, "f64": np.float64, "i8": np.int8, "i16": np.int16,
           "i32": np.int32, "i64": np.int64, "ui8": np.uint8, "i1": np.bool_}


class ACALSimError(RuntimeError):
    """A build or run of an ACALSim program failed (the message has the
    tool's output); ``status`` is the program's acalsim_status when it
    reported one (1 device error, 2 timeout, 3 bad weights, 4 argument)."""

    def __init__(self, message: str, status: Optional[int] = None, output: str = ""):
        super().__init__(message)
        self.status = status
        self.output = output


@dataclasses.dataclass
class SimulationResult:
    """What a QEMU run printed: ``outputs`` (numpy arrays of the manifest's
    shapes), ``device`` (the emulated device's counters: operations, add,
    sub, mul, div, bad, errors, resets, peer, echo) and the whole ``stdout``."""
    outputs: List[np.ndarray]
    device: Dict[str, int]
    stdout: str
    #: minstret around the entry point's call (main prints it): instructions
    #: retired by the model's run, harness included (exact with -icount).
    instret: Optional[int] = None


def harness_dir() -> pathlib.Path:
    """runtime/acalsim of the source tree (``$TRITON_ACALSIM_HARNESS`` if
    set): the device model and the QEMU trap-handler harness."""
    override = os.environ.get("TRITON_ACALSIM_HARNESS")
    if override:
        return pathlib.Path(override)
    here = pathlib.Path(__file__).resolve().parent
    for root in (here.parent.parent, here.parent.parent.parent):
        candidate = root / "runtime" / "acalsim"
        if (candidate / "qemu" / "acalsim_harness.c").is_file():
            return candidate
    raise ACALSimError("runtime/acalsim (the QEMU test harness) not found: set "
                       "TRITON_ACALSIM_HARNESS to the repository's runtime/acalsim")


def write(files: Mapping[str, bytes], directory: os.PathLike | str) -> pathlib.Path:
    """Writes the files ``compile(target="acalsim")`` returned into
    ``directory`` (made if needed) and returns its path."""
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name, contents in files.items():
        if os.path.basename(name) != name:
            raise ValueError(f"unexpected file name {name!r}")
        data = contents.encode() if isinstance(contents, str) else bytes(contents)
        (directory / name).write_bytes(data)
    return directory


def manifest(directory: os.PathLike | str) -> dict:
    """The ``{name}.json`` of a directory."""
    directory = pathlib.Path(directory)
    found = [path for path in directory.glob("*.json")
             if (directory / "Makefile").is_file()]
    for path in found:
        data = json.loads(path.read_text())
        if isinstance(data, dict) and data.get("entry") and "inputs" in data:
            return data
    raise ACALSimError(f"{directory}: no --target=acalsim manifest ({{name}}.json)")


def write_inputs(directory: os.PathLike | str, inputs: Sequence[np.ndarray]) -> None:
    """Writes ``inputs`` (one array per input of the entry point, of its
    shape, converted to its dtype) as ``{name}_input.bin``."""
    directory = pathlib.Path(directory)
    info = manifest(directory)
    if len(inputs) != len(info["inputs"]):
        raise ValueError(f"{info['entry']} takes {len(info['inputs'])} inputs, got {len(inputs)}")
    blob = bytearray()
    for index, (value, spec) in enumerate(zip(inputs, info["inputs"])):
        # (np.asarray: ascontiguousarray would make a 0-d array 1-d; tobytes
        # below writes C order.)
        array = np.asarray(value, dtype=_DTYPES[spec["dtype"]])
        if list(array.shape) != list(spec["shape"]):
            raise ValueError(f"input {index} of {info['entry']} has shape {list(array.shape)}, "
                             f"the program was compiled for {spec['shape']}")
        blob.extend(b"\0" * (spec["offset"] - len(blob)))
        data = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        assert len(data) == spec["bytes"]
        blob.extend(data)
    (directory / info["input_file"]).write_bytes(bytes(blob))


def build(directory: os.PathLike | str, harness: Optional[os.PathLike | str] = None,
          harness_cflags: Sequence[str] = (), make: str = "make",
          timeout: float = 600) -> pathlib.Path:
    """``make`` in ``directory`` with the QEMU harness (``harness_dir()``
    unless given; ``harness_cflags`` such as ``-DACALSIM_HARNESS_ERROR_AT=5``
    inject faults). Returns the ELF's path."""
    directory = pathlib.Path(directory)
    info = manifest(directory)
    harness = pathlib.Path(harness) if harness is not None else harness_dir()
    elf = directory / info["elf"]
    if elf.exists():
        elf.unlink()  # the harness flags are not a make dependency
    command = [make, "-s", "-C", str(directory), f"HARNESS={harness}",
               "HARNESS_CFLAGS=" + " ".join(harness_cflags)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise ACALSimError(f"building {directory} failed:\n{done.stdout}{done.stderr}",
                           output=done.stdout + done.stderr)
    return elf


_OUTPUT = re.compile(r"^output (\d+) (\S+) (\S+)$")
_DEVICE = re.compile(r"^acalsim-device: (.*)$")
_ERROR = re.compile(r"^acalsim: error (-?\d+) (.*)$")
_INSTRET = re.compile(r"^acalsim: instret (\d+)$")


def run(directory: os.PathLike | str, qemu: str = "qemu-system-riscv64",
        timeout: float = 600, extra_qemu_flags: Sequence[str] = ()) -> SimulationResult:
    """Runs the built ELF in ``qemu-system-riscv64 -machine virt -bios none``
    and parses its console. Raises ACALSimError when the program reports an
    error (with its status) or QEMU fails."""
    directory = pathlib.Path(directory)
    info = manifest(directory)
    elf = directory / info["elf"]
    if shutil.which(qemu) is None:
        raise ACALSimError(f"{qemu} not found (Debian: apt-get install qemu-system-misc)")
    command = [qemu, "-machine", "virt", "-bios", "none", "-nographic", "-m", "128M",
               *extra_qemu_flags, "-kernel", str(elf)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as error:
        raise ACALSimError(f"{elf} did not finish in {timeout} s in QEMU") from error
    stdout = done.stdout.replace("\r", "")
    lines = stdout.splitlines()
    device: Dict[str, int] = {}
    for line in lines:
        match = _DEVICE.match(line)
        if match:
            for item in match.group(1).split():
                key, _, value = item.partition("=")
                device[key] = int(value)
    for line in lines:
        match = _ERROR.match(line)
        if match:
            raise ACALSimError(f"{info['entry']} reported error {match.group(1)}: "
                               f"{match.group(2)}", status=int(match.group(1)), output=stdout)
    if done.returncode != 0 or "acalsim: done" not in lines:
        raise ACALSimError(f"{elf} failed in QEMU (exit {done.returncode}):\n{stdout}"
                           f"{done.stderr}", output=stdout)
    outputs: List[np.ndarray] = []
    index = 0
    while index < len(lines):
        match = _OUTPUT.match(lines[index])
        index += 1
        if not match:
            continue
        dtype, shape = match.group(2), [int(d) for d in match.group(3).split("x")]
        count = int(np.prod(shape))
        values = lines[index:index + count]
        index += count
        if dtype == "f32":
            bits = np.array([int(v, 16) for v in values], dtype=np.uint32)
            array = bits.view(np.float32)
        else:
            array = np.array([int(v) for v in values], dtype=_DTYPES.get(dtype, np.int64))
        outputs.append(array.reshape(info["outputs"][len(outputs)]["shape"]))
    if len(outputs) != len(info["outputs"]):
        raise ACALSimError(f"{elf} printed {len(outputs)} outputs, expected "
                           f"{len(info['outputs'])}:\n{stdout}", output=stdout)
    instret = None
    for line in lines:
        match = _INSTRET.match(line)
        if match:
            instret = int(match.group(1))
    return SimulationResult(outputs, device, stdout, instret)


def simulate(directory: os.PathLike | str, inputs: Optional[Sequence[np.ndarray]] = None,
             harness_cflags: Sequence[str] = (), timeout: float = 600) -> SimulationResult:
    """write_inputs (when ``inputs`` is given), build, run."""
    if inputs is not None:
        write_inputs(directory, inputs)
    build(directory, harness_cflags=harness_cflags, timeout=timeout)
    return run(directory, timeout=timeout)


def write_program(program, directory: os.PathLike | str, offload: str = "device",
                  opt_level: int = 2) -> pathlib.Path:
    """The directory of a :class:`~triton_dsl.TernaryProgram` (its captured
    weights embedded, ternary ones packed 2 bits a weight):
    ``TernaryProgram.acalsim``. A program captured with a symbolic batch
    (``dynamic_batch=True``) is compiled for batch 1."""
    import tempfile

    from .compiler import compile as compile_source

    if offload not in ("device", "host"):
        raise ValueError(f"offload must be 'device' or 'host', not {offload!r}")
    with tempfile.TemporaryDirectory() as folder:
        weights = os.path.join(folder, "weights.safetensors")
        program.save_weights(weights)
        files = compile_source(program.source, target="acalsim", opt_level=opt_level,
                               emit=f"dir-{offload}", filename=f"<from_fx {program.layer_name}>",
                               weights=weights)
    return write(files, directory)


class GraphRunner:
    """What torch.compile calls with ``backend(target="acalsim")``: mode
    ``simulate`` runs the graph's program in QEMU (inputs written into the
    directory, the ELF built with the harness, the console parsed) and
    returns QEMU's outputs; the other modes run the captured graph. A weight
    updated in place (its version moves) regenerates the directory.
    ``last`` is the :class:`SimulationResult` of the latest run."""

    def __init__(self, gm, program, directory: pathlib.Path, example_inputs, quantizer: dict,
                 offload: str, opt_level: int, simulate: bool):
        import torch

        self.gm = gm
        self.program = program
        self.directory = directory
        self.quantizer = quantizer
        self.offload = offload
        self.opt_level = opt_level
        self.simulate = simulate
        self.inputs = program.input_positions
        self.weights = [i for i, x in enumerate(example_inputs)
                        if isinstance(x, torch.Tensor) and i not in self.inputs]
        self.versions = self._versions(example_inputs)
        self.last: Optional[SimulationResult] = None

    def _versions(self, args):
        return [(id(args[i]), args[i]._version) for i in self.weights]

    def __call__(self, *args):
        import torch

        from .fx import from_fx

        if not self.simulate:
            return self.gm.forward(*args)
        if self.weights and self._versions(args) != self.versions:
            self.program = from_fx(self.gm, args, dynamic_batch=False, **self.quantizer)
            write_program(self.program, self.directory, self.offload, self.opt_level)
            self.versions = self._versions(args)
        inputs = [args[i].detach().cpu().numpy() for i in self.inputs]
        self.last = simulate(self.directory, inputs)
        outputs = [torch.from_numpy(np.array(out)) for out in self.last.outputs]
        if self.program.returns_tuple or len(outputs) > 1:
            return tuple(outputs)
        return outputs[0]
