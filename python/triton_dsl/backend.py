"""A torch.compile backend that runs the code the compiler generates.

    compiled = torch.compile(model, backend=triton_dsl.backend(mode="compile"))

Each graph torch.compile captures goes through :func:`triton_dsl.from_fx`
(weights ternarized), the compiler (``ternary`` dialect, ``ternary-optimize``,
the PyTorch target) and :func:`triton_dsl.load`; the callable handed back to
torch.compile runs the generated module, not the original graph. Modes:

* ``"eager"``: no compilation; the captured graph runs as it is (a baseline).
* ``"trace"``: prints the captured FX graph and the ``.tri`` program it
  becomes, then runs the captured graph as it is (nothing compiled).
* ``"compile"``: compiles to the ternary dialect and the target, and runs the
  generated code. The IR and sources are kept in :attr:`Backend.graphs`.
* ``"codegen"``: as ``compile``, and also writes every artifact to
  ``folder``/graph_<i>/: ``model.tri``, ``model.mlir`` (ternary dialect),
  ``model.opt.mlir`` (after ternary-optimize), ``model.py`` (the generated
  PyTorch source) and ``weights.pt`` (its state_dict).
* ``"simulate"`` (``target="acalsim"`` or ``"ptx"``): with ``"acalsim"`` the
  graph's bare-metal RISC-V program is built and run in QEMU with the
  device-emulating harness, and QEMU's outputs are the result
  (triton_dsl.acalsim); with ``"ptx"`` the graph's kernels are compiled for
  this CPU (``--emit=emulator``) and run by the CPU emulator of runtime/cuda,
  one thread per GPU thread: no GPU needed, and not fast.

With ``target="ptx"`` (docs/targets/ptx.md), ``compile`` and ``codegen``
write the graph's PTX directory (kernels, launch manifest, the captured
weights) and run it on the GPU with :mod:`triton_dsl.cuda` (inputs on the
CPU or the GPU; results on the inputs' device); ``codegen`` writes it to
``folder``/graph_<i>/ptx/. Without a CUDA driver the graph fails to compile
with the runner's reason ("no CUDA driver found").

With ``target="acalsim"`` (docs/targets/acalsim.md), ``compile`` writes the
C directory and builds it with riscv64-unknown-elf-gcc, ``codegen`` writes it
to ``folder``/graph_<i>/acalsim/ beside the ``.tri`` and MLIR; both then run
the captured graph (only ``simulate`` runs the program).

Weights are captured when a graph is compiled (inference); if a weight tensor
is modified later (its version counter moves), the next call re-captures the
weights before running.
"""

from __future__ import annotations

import os
import pathlib
import sys
from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Sequence, TextIO

import torch

from .compiler import import_generated
from .fx import TernaryProgram, from_fx

__all__ = ["Backend", "CompiledGraph", "backend"]

MODES = ("trace", "compile", "codegen", "simulate", "eager")
#: The targets whose output the backend can run inside torch.compile (the
#: registry, triton_dsl.targets(), has every target): the PyTorch module, or
#: the ONNX model (ort profile) in an onnxruntime session, the ACALSim
#: program in QEMU (mode simulate), or the PTX kernels on a CUDA GPU.
TARGETS = ("pytorch", "onnx", "acalsim", "ptx")


@dataclass
class CompiledGraph:
    """One graph the backend compiled: its program, IR and generated source."""

    program: TernaryProgram
    mlir: str
    optimized_mlir: str
    python: str
    module: Optional[torch.nn.Module]
    folder: Optional[pathlib.Path] = None
    #: target="onnx": the model's bytes (python is empty, module None).
    onnx: Optional[bytes] = None
    #: target="acalsim": the directory of the program (python is empty).
    acalsim: Optional[pathlib.Path] = None
    #: target="ptx": the directory of the kernels (python is empty).
    ptx: Optional[pathlib.Path] = None


class Backend:
    """The torch.compile backend object (see the module docstring).

    Attributes:
        graphs: a :class:`CompiledGraph` per graph compiled (modes compile and codegen).
    """

    def __init__(self, target: str = "pytorch", mode: str = "compile", *, opt_level: int = 2,
                 folder: Optional[os.PathLike] = None, quantizer: str = "absmean",
                 per_channel: bool = False, threshold: Optional[float] = None, seed: int = 0,
                 stream: Optional[TextIO] = None, offload: str = "device",
                 activations: str = "f32"):
        if target not in TARGETS:
            from .compiler import targets
            known = sorted(targets())
            if target in known:
                raise ValueError(f"target {target!r} has no torch.compile runner yet; the backend "
                                 f"runs {list(TARGETS)}")
            raise ValueError(f"unknown target {target!r} (known targets: {', '.join(known)})")
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; expected one of {list(MODES)}")
        if mode == "simulate" and target not in ("acalsim", "ptx"):
            raise ValueError("mode='simulate' runs the ACALSim program in QEMU or the PTX "
                             "target's kernels on the CPU emulator: use target='acalsim' "
                             "or target='ptx'")
        if offload not in ("device", "host"):
            raise ValueError(f"offload must be 'device' or 'host', not {offload!r}")
        if activations not in ("f32", "int8"):
            raise ValueError(f"activations must be 'f32' or 'int8', not {activations!r}")
        if activations != "f32" and target != "ptx":
            raise ValueError("activations='int8' is an option of target='ptx' "
                             "(--gpu-activations=int8)")
        if mode == "codegen" and folder is None:
            raise ValueError("mode='codegen' needs folder=... to write the artifacts to")
        self.target = target
        self.mode = mode
        self.opt_level = opt_level
        self.folder = pathlib.Path(folder) if folder is not None else None
        self.quantizer = dict(quantizer=quantizer, per_channel=per_channel,
                              threshold=threshold, seed=seed)
        self.stream = stream
        self.offload = offload
        self.activations = activations
        self.graphs: List[CompiledGraph] = []
        self._traced = 0

    def __call__(self, gm: torch.fx.GraphModule, example_inputs: Sequence[Any]) -> Callable:
        if self.mode == "eager":
            return gm.forward
        program = from_fx(gm, example_inputs, dynamic_batch=False, **self.quantizer)
        if self.mode == "trace":
            out = self.stream or sys.stdout
            print(f"# FX graph {self._traced}\n{program.graph_code.strip()}\n", file=out)
            print(f"# as a .tri program\n{program.source}", file=out)
            self._traced += 1
            return gm.forward
        return self._compile(gm, program, example_inputs)

    def _compile(self, gm: torch.fx.GraphModule, program: TernaryProgram,
                 example_inputs: Sequence[Any]) -> Callable:
        if self.target == "onnx":
            return self._compile_onnx(gm, program, example_inputs)
        if self.target == "acalsim":
            return self._compile_acalsim(gm, program, example_inputs)
        if self.target == "ptx":
            return self._compile_ptx(gm, program, example_inputs)
        mlir = program.compile("mlir", self.opt_level)
        optimized = program.compile("opt-mlir", self.opt_level)
        python = program.compile("pytorch", self.opt_level)
        module = program._instantiate(import_generated(python))
        index = len(self.graphs)
        folder = None
        if self.mode == "codegen":
            folder = self.folder / f"graph_{index}"
            _write_artifacts(folder, program, mlir, optimized, python, module)
        self.graphs.append(CompiledGraph(program, mlir, optimized, python, module, folder))
        return _Runner(gm, program, module, example_inputs, self.quantizer)


    def _compile_ir(self, program: TernaryProgram):
        """(ternary MLIR, optimized MLIR, the graph's codegen folder or
        None): in mode codegen, the folder holds model.tri and both MLIRs."""
        mlir = program.compile("mlir", self.opt_level)
        optimized = program.compile("opt-mlir", self.opt_level)
        if self.mode != "codegen":
            return mlir, optimized, None
        folder = self.folder / f"graph_{len(self.graphs)}"
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in (("model.tri", program.source), ("model.mlir", mlir),
                           ("model.opt.mlir", optimized)):
            (folder / name).write_text(text)
        return mlir, optimized, folder

    def _output_directory(self, folder: Optional[pathlib.Path], target: str) -> pathlib.Path:
        """Where a target's directory goes: ``folder``/<target> in mode
        codegen, a fresh temporary directory otherwise."""
        import tempfile

        if folder is not None:
            return folder / target
        return pathlib.Path(tempfile.mkdtemp(prefix=f"triton_{target}_{len(self.graphs)}_"))

    def _compile_acalsim(self, gm: torch.fx.GraphModule, program: TernaryProgram,
                         example_inputs: Sequence[Any]) -> Callable:
        from .acalsim import GraphRunner, build, write_program

        mlir, optimized, folder = self._compile_ir(program)
        directory = self._output_directory(folder, "acalsim")
        write_program(program, directory, self.offload, self.opt_level)
        if self.mode == "compile":
            build(directory)
        self.graphs.append(CompiledGraph(program, mlir, optimized, "", None, folder,
                                         acalsim=directory))
        return GraphRunner(gm, program, directory, example_inputs, self.quantizer,
                           self.offload, self.opt_level, self.mode == "simulate")

    def _compile_ptx(self, gm: torch.fx.GraphModule, program: TernaryProgram,
                     example_inputs: Sequence[Any]) -> Callable:
        mlir, optimized, folder = self._compile_ir(program)
        directory = self._output_directory(folder, "ptx")
        # The output kind: the kernels for the GPU or the CPU emulator
        # (simulate), with --gpu-activations=int8 for activations="int8".
        emit = ("emulator" if self.mode == "simulate" else "dir") + (
            "-int8" if self.activations == "int8" else "")
        _write_ptx(program, directory, self.opt_level, emit)
        self.graphs.append(CompiledGraph(program, mlir, optimized, "", None, folder,
                                         ptx=directory))
        return _PTXRunner(gm, program, directory, example_inputs, self.quantizer,
                          self.opt_level, emit)

    def _compile_onnx(self, gm: torch.fx.GraphModule, program: TernaryProgram,
                      example_inputs: Sequence[Any]) -> Callable:
        mlir, optimized, folder = self._compile_ir(program)
        model = program.onnx(opt_level=self.opt_level)
        if folder is not None:
            (folder / "model.onnx").write_bytes(model)
        runner = _ONNXRunner(gm, program, model, example_inputs, self.quantizer,
                             self.opt_level)
        self.graphs.append(CompiledGraph(program, mlir, optimized, "", None, folder,
                                         onnx=model))
        return runner


class _CapturedGraph:
    """What the runners share: the graph, its program, which of torch.compile's
    arguments are activations and which are weights, and the weights'
    versions, to notice in-place updates (then ``recapture`` gives the
    program of the new weights)."""

    def __init__(self, gm: torch.fx.GraphModule, program: TernaryProgram,
                 example_inputs: Sequence[Any], quantizer: dict):
        self.gm = gm
        self.program = program
        self.quantizer = quantizer
        self.inputs = program.input_positions
        # Weights are graph inputs under torch.compile: remember which, and
        # their versions.
        self.weights = [i for i, x in enumerate(example_inputs)
                        if isinstance(x, torch.Tensor) and i not in self.inputs]
        self.versions = self._versions(example_inputs)

    def _versions(self, args: Sequence[Any]):
        return [(id(args[i]), args[i]._version) for i in self.weights]

    def recapture(self, args: Sequence[Any]) -> Optional[TernaryProgram]:
        """The program of the current weights when one was updated since the
        last capture, else None."""
        versions = self._versions(args)
        if not self.weights or versions == self.versions:
            return None
        fresh = from_fx(self.gm, args, dynamic_batch=False, **self.quantizer)
        self.versions = versions
        return fresh


class _ONNXRunner(_CapturedGraph):
    """What torch.compile calls with target="onnx": an onnxruntime session
    of the graph's ONNX model on the graph's activations (as numpy, CPU)."""

    def __init__(self, gm: torch.fx.GraphModule, program: TernaryProgram, model: bytes,
                 example_inputs: Sequence[Any], quantizer: dict, opt_level: int):
        super().__init__(gm, program, example_inputs, quantizer)
        self.opt_level = opt_level
        self._start(model)

    def _start(self, model: bytes):
        try:
            import onnxruntime
        except ImportError as error:
            raise ImportError("backend(target='onnx') needs onnxruntime: "
                              "pip install onnxruntime") from error
        self.session = onnxruntime.InferenceSession(model,
                                                    providers=["CPUExecutionProvider"])
        self.names = [value.name for value in self.session.get_inputs()]

    def __call__(self, *args):
        fresh = self.recapture(args)
        if fresh is not None:
            self._start(fresh.onnx(opt_level=self.opt_level))
        feeds = {name: args[i].detach().cpu().numpy()
                 for name, i in zip(self.names, self.inputs)}
        result = torch.from_numpy(self.session.run(None, feeds)[0])
        return (result,) if self.program.returns_tuple else result


def _write_ptx(program: TernaryProgram, directory: pathlib.Path, opt_level: int,
               emit: str) -> None:
    """The --target=ptx directory of ``program`` with its captured weights
    bound (written afresh: a recapture replaces it), of output kind
    ``emit``: ``"dir"`` (PTX), ``"emulator"`` (the kernels compiled for the
    CPU emulator), or either with ``-int8`` (--gpu-activations=int8)."""
    import tempfile

    from .compiler import compile as compile_source

    with tempfile.TemporaryDirectory() as scratch:
        weights = os.path.join(scratch, "weights.safetensors")
        program.save_weights(weights)
        files = compile_source(program.source, target="ptx", opt_level=opt_level,
                               filename=f"<from_fx {program.layer_name}>", weights=weights,
                               emit=emit)
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.iterdir():
        if stale.is_file():
            stale.unlink()
    for name, contents in files.items():
        if os.path.basename(name) != name:
            raise ValueError(f"unexpected file name {name!r}")
        (directory / name).write_bytes(contents.encode() if isinstance(contents, str)
                                       else bytes(contents))


class _PTXRunner(_CapturedGraph):
    """What torch.compile calls with target="ptx": the graph's layer function
    on the GPU (triton_dsl.cuda), or on the CPU emulator (``emit`` an
    emulator kind), on the graph's activations."""

    def __init__(self, gm: torch.fx.GraphModule, program: TernaryProgram,
                 directory: pathlib.Path, example_inputs: Sequence[Any], quantizer: dict,
                 opt_level: int, emit: str):
        super().__init__(gm, program, example_inputs, quantizer)
        self.directory = directory
        self.opt_level = opt_level
        self.emit = emit
        self.loaded = None
        self._load()

    def _load(self):
        from . import cuda

        if self.loaded is not None:
            self.loaded.close()
        self.loaded = cuda.load(self.directory)
        name = f"{self.program.layer_name}_forward"
        if name not in self.loaded.functions:
            raise RuntimeError(f"{self.directory}: the manifest has no function {name} "
                               f"(it has {sorted(self.loaded.functions)})")
        self.function = self.loaded.functions[name]

    def __call__(self, *args):
        fresh = self.recapture(args)
        if fresh is not None:
            if self.loaded is not None:
                # Before the files are replaced: the emulator's library is
                # one of them.
                self.loaded.close()
                self.loaded = None
            _write_ptx(fresh, self.directory, self.opt_level, self.emit)
            self._load()
        with torch.no_grad():
            result = self.function(*(args[i].detach().contiguous() for i in self.inputs))
        return (result,) if self.program.returns_tuple else result


class _Runner(_CapturedGraph):
    """What torch.compile calls: the generated module on the graph's activations."""

    def __init__(self, gm: torch.fx.GraphModule, program: TernaryProgram,
                 module: torch.nn.Module, example_inputs: Sequence[Any], quantizer: dict):
        super().__init__(gm, program, example_inputs, quantizer)
        self.module = module

    def __call__(self, *args):
        fresh = self.recapture(args)
        if fresh is not None:
            self.module.load_state_dict(
                fresh.state_dict(getattr(type(self.module), "TERNARY_PARAMS", {})))
        with torch.no_grad():
            result = self.module(*(args[i] for i in self.inputs))
        return (result,) if self.program.returns_tuple else result


def _write_artifacts(folder: pathlib.Path, program: TernaryProgram, mlir: str, optimized: str,
                     python: str, module: torch.nn.Module) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (("model.tri", program.source), ("model.mlir", mlir),
                       ("model.opt.mlir", optimized), ("model.py", python)):
        (folder / name).write_text(text)
    torch.save(module.state_dict(), folder / "weights.pt")


def backend(target: str = "pytorch", mode: str = "compile", **options) -> Backend:
    """A torch.compile backend: ``torch.compile(model, backend=triton_dsl.backend())``.

    Args:
        target: the code the graphs become: ``"pytorch"`` (the generated
            module runs), ``"onnx"`` (the ort-profile model runs in an
            onnxruntime session on the CPU; ``codegen`` writes ``model.onnx``),
            ``"acalsim"`` (bare-metal RISC-V C for the ACALSim device;
            ``simulate`` runs it in QEMU) or ``"ptx"`` (PTX kernels run on the
            GPU by triton_dsl.cuda; needs a CUDA driver).
        mode: ``"trace"``, ``"compile"``, ``"codegen"``, ``"simulate"``
            (``target="acalsim"``) or ``"eager"`` (module docstring).
        options: ``opt_level`` (0-2), ``folder`` (codegen), ``quantizer``,
            ``per_channel``, ``threshold``, ``seed`` (as in :func:`triton_dsl.from_fx`),
            ``stream`` (where trace prints; default stdout), ``offload``
            (``target="acalsim"``: ``"device"`` or ``"host"``), ``activations``
            (``target="ptx"``: ``"f32"``, or ``"int8"`` for W1.58A8, each row of
            a ternary matmul's input quantized to int8 on the device as
            ``tritonc --gpu-activations=int8`` does; docs/targets/ptx.md).
    """
    return Backend(target, mode, **options)
