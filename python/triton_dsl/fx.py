"""The FX front end: a torch.nn model (or an FX graph) to the ternary dialect.

``from_fx(model, example_inputs)`` traces ``model`` with ``torch.fx`` (or
takes the ``GraphModule`` that torch.compile hands to a backend) and writes
the graph as a ``.tri`` program: one layer, whose ``forward`` has one
statement per graph node. Linear and Conv2d weights are ternarized with a
quantizer of :mod:`triton_dsl.runtime.quantize` and become ``TernaryTensor``
params plus a float scale; every other weight is a float ``Tensor`` param.
The front end of the compiler (``triton_dsl.compile``) then checks the
program and lowers it to the ``ternary`` dialect, so a captured model goes
through exactly the passes and targets a ``.tri`` file does.

Supported (docs/from_pytorch.md has the table): Linear, Conv2d (grouped,
depthwise, dilated; zero padding), max/average/adaptive-average pooling,
ReLU, ReLU6/Hardtanh/clamp, GELU, Sigmoid, Tanh, Hardswish, Hardsigmoid,
SiLU, Softmax, LayerNorm over the last dim, BatchNorm1d/2d in eval mode
(folded into a per-channel scale and shift), Embedding on integer inputs,
Flatten, reshape/view/unsqueeze/squeeze, permute/transpose/expand/cat/split/
chunk/indexing, add/sub/mul/div (in place when nothing reads the old value),
neg, matmul/bmm, mean, scaled-dot-product attention, MultiheadAttention and
TransformerEncoderLayer (decomposed), shape assertions (checked at capture),
Identity and Dropout in eval mode, as modules, functions or tensor methods.
Anything else raises :class:`UnsupportedOperationError` naming the first node
it meets. A model symbolic tracing cannot follow is captured as one graph by
torch.compile's front end (Dynamo) instead.

The package's QAT layers (``TernaryLinear``, ``TernaryConv2d``) and their
frozen forms (``PackedTernaryLinear``, ``PackedTernaryConv2d``) are leaf
modules of the trace, and under torch.compile / torch.export the custom ops
their forward passes call (``torch.ops.triton_dsl.ternarize``,
``packed_linear``, ``packed_conv2d``): either way they become ternary params
with the layer's own trits and scale (its quantizer's settings, or its packed
bytes), not ternarized again by ``from_fx``'s quantizer.
"""

from __future__ import annotations

import dataclasses
import keyword
import os
import math
import operator
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.fx
import torch.nn.functional as F
from torch import nn
from torch.fx.passes.shape_prop import ShapeProp

from ._builtins import BUILTINS
from .runtime.packing import pack, unpack
from .runtime.nn import (PackedTernaryConv2d, PackedTernaryLinear, TernaryConv2d, TernaryLinear,
                         ternarize)
from .runtime.quantize import METHODS, quantize

__all__ = [
    "TernaryProgram",
    "UnsupportedOperationError",
    "from_fx",
    "ternarize_model",
]

Dim = Union[int, str]

# Names the generated program must not use for variables or params: the
# language's keywords, its builtins (the list of Builtins.def, generated into
# _builtins.py) and names the generated program uses itself.
_RESERVED = {
    "layer", "param", "fn", "let", "return", "true", "false",
    "forward", "Tensor", "TernaryTensor", "N",
} | set(BUILTINS)


class UnsupportedOperationError(NotImplementedError):
    """A model uses something the FX front end cannot translate.

    ``node`` is the FX node's name, ``operation`` what it calls (a module
    type, a function or a method) and ``reason`` why it was refused.
    """

    def __init__(self, node: str, operation: str, reason: str):
        self.node = node
        self.operation = operation
        self.reason = reason
        super().__init__(f"from_fx: unsupported operation {operation} (FX node '{node}'): {reason}")


#: Version tag of TernaryProgram.save's file.
_PROGRAM_FORMAT = "triton_dsl.program/1"


@dataclass
class TernaryProgram:
    """A model captured by :func:`from_fx`.

    Attributes:
        source: the ``.tri`` program (one layer named ``layer_name``).
        layer_name: the layer, and the class of the generated PyTorch module.
        ternary_params: DSL name -> int8 trits, in the DSL's logical shape.
        float_params: DSL name -> float32 tensor.
        graph_code: the Python code of the FX graph that was captured.
        dynamic_batch: whether dim 0 of the inputs is the symbolic dim ``N``.
    """

    source: str
    layer_name: str
    ternary_params: Dict[str, torch.Tensor]
    float_params: Dict[str, torch.Tensor]
    graph_code: str
    dynamic_batch: bool
    returns_tuple: bool = False
    input_positions: List[int] = field(default_factory=list)

    def compile(self, target: str = "mlir", opt_level: int = 2):
        """``triton_dsl.compile`` of :attr:`source` (``mlir`` is the ternary dialect)."""
        from . import compile as compile_source

        return compile_source(self.source, target=target, opt_level=opt_level,
                              filename=f"<from_fx {self.layer_name}>")

    def state_dict(self, ternary_layout: Dict[str, Tuple[Tuple[int, ...], str, int]]) -> Dict[str, torch.Tensor]:
        """The generated module's state: packed bytes laid out as ``ternary_layout`` says."""
        state = {name: value.clone() for name, value in self.float_params.items()}
        for name, trits in self.ternary_params.items():
            shape, encoding, axis = ternary_layout[name]
            if tuple(shape) != tuple(trits.shape):
                raise ValueError(f"param '{name}': the generated module expects shape "
                                 f"{tuple(shape)}, the capture has {tuple(trits.shape)}")
            state[name] = pack(trits, encoding=encoding, axis=axis).reshape(-1)
        return state

    def save_weights(self, path) -> None:
        """Writes the captured weights as a weights file (``Layer.param``
        names; see :func:`triton_dsl.save_weights`) for ``tritonc --weights``
        and ``compile(weights=)``: every target then embeds them."""
        from .weights import save_weights

        save_weights(path, self)

    def onnx(self, path=None, profile: str = "ort", opt_level: int = 2) -> bytes:
        """The ONNX model (``target="onnx"``, docs/targets/onnx.md) with the
        captured weights as initializers, ternary ones packed 2 bits a weight:
        ``profile`` ``"ort"`` (com.microsoft.MatMulNBits, for onnxruntime),
        ``"ort-int8"`` (the same with int8 activations, accuracy_level=4: fast,
        not exact) or ``"standard"`` (default-domain operators only). Written
        to ``path`` when one is given; returns the model's bytes."""
        import tempfile

        from . import compile as compile_source

        emits = {"ort": "onnx", "ort-int8": "onnx-int8", "standard": "onnx-standard"}
        if profile not in emits:
            raise ValueError(f"unknown ONNX profile {profile!r}; expected 'ort', 'ort-int8' "
                             "or 'standard'")
        with tempfile.TemporaryDirectory() as folder:
            weights = os.path.join(folder, "weights.safetensors")
            self.save_weights(weights)
            model = compile_source(self.source, target="onnx", opt_level=opt_level,
                                   emit=emits[profile],
                                   filename=f"<from_fx {self.layer_name}>", weights=weights)
        if path is not None:
            with open(path, "wb") as f:
                f.write(model)
        return model

    def cpu(self, opt_level: int = 2, use_microkernels: bool = True):
        """The CPU object (``target="cpu"``) with the captured weights
        embedded, loaded by :func:`triton_dsl.cpu.load`: call
        ``program.cpu().<layer_name>.forward(x)`` with numpy arrays or CPU
        tensors. ``use_microkernels`` links the runtime's fast kernels."""
        import tempfile

        from . import compile as compile_source
        from .cpu import load as load_cpu

        with tempfile.TemporaryDirectory() as folder:
            weights = os.path.join(folder, "weights.safetensors")
            self.save_weights(weights)
            obj = compile_source(self.source, target="cpu", opt_level=opt_level,
                                 use_microkernels=use_microkernels and opt_level > 0,
                                 filename=f"<from_fx {self.layer_name}>", weights=weights)
            path = os.path.join(folder, f"{self.layer_name}.o")
            with open(path, "wb") as f:
                f.write(obj)
            return load_cpu(path)

    def acalsim(self, directory, offload: str = "device", opt_level: int = 2):
        """Writes the ``target="acalsim"`` directory (bare-metal RISC-V C for
        the ACALSim device, docs/targets/acalsim.md) with the captured
        weights embedded, and returns its path; ``triton_dsl.acalsim.simulate``
        builds and runs it in QEMU. ``offload`` is ``"device"`` or ``"host"``."""
        from .acalsim import write_program

        return write_program(self, directory, offload=offload, opt_level=opt_level)

    def save(self, path) -> None:
        """Writes the capture (source, trits packed 2 bits a weight, float
        params) with ``torch.save``; :meth:`load` reads it back, also in
        another process (``torch.load(weights_only=True)``: plain tensors and
        strings only)."""
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        fields["ternary_params"] = {
            name: {"shape": list(trits.shape), "packed": pack(trits.reshape(-1), axis=0)}
            for name, trits in self.ternary_params.items()}
        torch.save({"format": _PROGRAM_FORMAT, **fields}, path)

    @classmethod
    def load(cls, path) -> "TernaryProgram":
        """A program :meth:`save` wrote. Anything else raises ``ValueError``."""
        try:
            saved = torch.load(path, weights_only=True)
        except OSError:
            raise
        except Exception as e:  # torch.load's errors for other files vary (KeyError, ...)
            raise ValueError(f"{path}: not a saved TernaryProgram ({e})") from None
        if not isinstance(saved, dict) or saved.get("format") != _PROGRAM_FORMAT:
            raise ValueError(f"{path}: not a saved TernaryProgram (format "
                             f"{saved.get('format') if isinstance(saved, dict) else type(saved).__name__!r}, "
                             f"expected {_PROGRAM_FORMAT!r})")
        names = {f.name for f in dataclasses.fields(cls)}
        fields = {k: v for k, v in saved.items() if k in names}
        fields["ternary_params"] = {
            name: unpack(entry["packed"], (math.prod(entry["shape"]),), "offset2", 0)
            .reshape(entry["shape"])
            for name, entry in saved["ternary_params"].items()}
        return cls(**fields)

    def module(self, opt_level: int = 2) -> nn.Module:
        """The generated PyTorch module (``target="pytorch"``) with the captured weights."""
        from . import load

        generated = load(self.source, opt_level=opt_level)
        return self._instantiate(generated)

    def _instantiate(self, generated) -> nn.Module:
        cls = getattr(generated, self.layer_name)
        module = cls()
        module.load_state_dict(self.state_dict(getattr(cls, "TERNARY_PARAMS", {})))
        return module.eval()


@dataclass(frozen=True)
class _Quantizer:
    """How Linear/Conv2d weights are ternarized (the options of from_fx)."""

    method: str = "absmean"
    per_channel: bool = False  # one scale per output channel (dim 0 of the weight)
    threshold: Optional[float] = None
    seed: int = 0

    def quantize(self, weight: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """(int8 trits, float32 scale: shape () or (out_channels,))."""
        return quantize(weight.detach().to(torch.float32).cpu(), self.method,
                        channel_axis=0 if self.per_channel else None,
                        threshold=self.threshold, seed=self.seed)


def ternarize_model(model: nn.Module, quantizer: str = "absmean", per_channel: bool = False,
                    threshold: Optional[float] = None, seed: int = 0) -> nn.Module:
    """A copy of ``model`` whose Linear and Conv2d weights are ternarized in place.

    Each weight becomes ``trits * scale`` from the same quantizer call that
    :func:`from_fx` makes, so the copy is the float reference of what the
    captured program computes. The QAT layers (``TernaryLinear``,
    ``TernaryConv2d``, their packed forms) are kept as they are: they
    ternarize with their own settings already.
    """
    import copy

    ternarized = copy.deepcopy(model)
    with torch.no_grad():
        for sub in ternarized.modules():
            if isinstance(sub, _QAT_LAYERS):
                continue
            if isinstance(sub, (nn.Linear, nn.Conv2d)):
                sub.weight.copy_(ternarize(sub.weight, quantizer, 0 if per_channel else None,
                                           threshold, seed))
            elif isinstance(sub, nn.MultiheadAttention) and sub.in_proj_weight is not None:
                # The packed q/k/v projection is one Linear weight to from_fx.
                sub.in_proj_weight.copy_(ternarize(sub.in_proj_weight, quantizer,
                                                   0 if per_channel else None, threshold, seed))
    return ternarized


# --- shapes ---------------------------------------------------------------------------------


def _dim_of(size: Any) -> Optional[Dim]:
    """An int, or the name of a plain symbol (a dynamic size from torch.compile)."""
    if isinstance(size, int):
        return size
    if isinstance(size, torch.SymInt):
        expr = size.node.expr
        if getattr(expr, "is_Symbol", False):
            return str(expr)
        if getattr(expr, "is_Integer", False):
            return int(expr)
    return None


def _propagate(gm: torch.fx.GraphModule, inputs: Sequence[Any]) -> Dict[str, Any]:
    """Runs ShapeProp; returns node name -> (shape tuple, dtype) or scalar value."""
    try:
        ShapeProp(gm).propagate(*inputs)
    except Exception as e:  # the model itself fails on the inputs (a shape assertion)
        cause = e.__cause__ or e
        failing = re.search(r"node=%(\w+)", str(e))
        node = failing.group(1) if failing else type(gm).__name__
        raise UnsupportedOperationError(node, "the model on the example inputs",
                                        f"running it fails: {type(cause).__name__}: "
                                        f"{cause}") from e
    out = {}
    for node in gm.graph.nodes:
        tm = node.meta.get("tensor_meta")
        if tm is not None and hasattr(tm, "shape"):
            out[node.name] = (tuple(int(d) for d in tm.shape), tm.dtype)
    return out


# --- the translator -------------------------------------------------------------------------


@dataclass
class _Tensor:
    """An activation: a variable of the program."""

    expr: str
    shape: Tuple[Dim, ...]
    dtype: Any = torch.float32


@dataclass
class _Const:
    """A weight or buffer known at capture time (not yet a param)."""

    value: torch.Tensor
    name: str
    param: Optional[str] = None  # the float param, once declared


@dataclass
class _Ternarized(_Const):
    """A weight with its own trits and scale (a QAT layer's, or packed bytes'):
    a Linear/Conv weight takes them as they are; any other use reads the
    float value ``trits * scale``."""

    trits: Optional[torch.Tensor] = None
    scale: Optional[torch.Tensor] = None


def _ternarized(name: str, trits: torch.Tensor, scale: torch.Tensor) -> _Ternarized:
    scale = scale.detach().to(torch.float32).cpu()
    view = scale.reshape(-1, *([1] * (trits.dim() - 1))) if scale.dim() == 1 else scale
    return _Ternarized(trits.to(torch.float32) * view, name, trits=trits.to(torch.int8), scale=scale)


@dataclass
class _Size:
    """A size read from a tensor (x.size(0), x.shape[1], a SymInt input);
    ``dim`` is None for a size computed from a dynamic one."""

    dim: Optional[Dim]


@dataclass
class _LazySlice:
    """A piece of split/chunk/unbind: emitted only when something reads it."""

    source: "_Tensor"
    dim: int
    start: int
    end: int
    hint: str
    shape: Optional[Tuple[Dim, ...]] = None  # unbind: the dim is dropped


def _number(value: Union[int, float, bool]) -> str:
    if isinstance(value, bool):
        raise TypeError("bool")
    if isinstance(value, int):
        return f"({value})" if value < 0 else str(value)
    if not math.isfinite(value):
        raise ValueError(f"non-finite constant {value}")
    text = repr(float(value))
    return f"({text})" if value < 0 else text


#: Integer inputs the program accepts (indices of an embedding).
_INTEGER_DTYPES = {torch.int64: "i64", torch.int32: "i32"}


def _type(shape: Sequence[Dim], dtype: Any = torch.float32) -> str:
    element = f"<{_INTEGER_DTYPES[dtype]}>" if dtype in _INTEGER_DTYPES else ""
    return f"Tensor{element}[" + ", ".join(str(d) for d in shape) + "]"


def _pair(value: Any) -> Tuple[int, int]:
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            return (int(value[0]), int(value[0]))
        return (int(value[0]), int(value[1]))
    return (int(value), int(value))


def _target_name(node: torch.fx.Node, gm: torch.fx.GraphModule) -> str:
    if node.op == "call_module":
        return f"module {type(gm.get_submodule(node.target)).__name__} ('{node.target}')"
    if node.op == "call_method":
        return f"method Tensor.{node.target}"
    target = node.target
    module = getattr(target, "__module__", None) or ""
    name = getattr(target, "__name__", str(target))
    return f"function {module + '.' if module else ''}{name}"


class _Translator:
    def __init__(self, gm: torch.fx.GraphModule, shapes: Dict[str, Tuple[Tuple[Dim, ...], Any]],
                 constants: Dict[str, torch.Tensor], quantizer: _Quantizer):
        self.gm = gm
        self.shapes = shapes
        self.constants = constants
        self.quantizer = quantizer
        self.env: Dict[str, Any] = {}
        self.names: set = set()
        self.params: List[str] = []  # declarations, in order
        self.ternary: Dict[str, torch.Tensor] = {}
        self.floats: Dict[str, torch.Tensor] = {}
        self.body: List[str] = []
        self.args: List[str] = []
        self.input_positions: List[int] = []
        self.result: Optional[_Tensor] = None
        self.returns_tuple = False
        self.node: Optional[torch.fx.Node] = None
        self.order: Optional[Dict[torch.fx.Node, int]] = None  # node -> position (in-place checks)

    # names ----------------------------------------------------------------------------------

    def fresh(self, hint: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_]", "_", hint)
        base = re.sub(r"_+", "_", base).strip("_") or "v"
        if base[0].isdigit():
            base = "m" + base
        if keyword.iskeyword(base) or base in _RESERVED:
            base += "_"
        name, i = base, 1
        while name in self.names:
            i += 1
            name = f"{base}_{i}"
        self.names.add(name)
        return name

    @staticmethod
    def param_hint(name: str) -> str:
        """l_self_modules_fc1_parameters_weight_ -> fc1_weight (torch.compile names)."""
        hint = re.sub(r"^[lL]_", "", name)
        hint = re.sub(r"^(self|fn|mod|model)_", "", hint)
        hint = re.sub(r"(^|_)(modules|parameters|buffers)_", r"\1", hint)
        return hint.strip("_")

    # errors ---------------------------------------------------------------------------------

    def unsupported(self, reason: str) -> UnsupportedOperationError:
        node = self.node
        return UnsupportedOperationError(node.name, _target_name(node, self.gm), reason)

    # values ---------------------------------------------------------------------------------

    def shape_of(self, node: torch.fx.Node) -> Tuple[Dim, ...]:
        entry = self.shapes.get(node.name)
        if entry is None:
            raise self.unsupported("its result is not a tensor of known shape")
        shape, dtype = entry
        if dtype != torch.float32:
            raise self.unsupported(f"tensors of {dtype} are not supported (only float32)")
        return shape

    def emit(self, expr: str, node: torch.fx.Node) -> _Tensor:
        entry = self.shapes.get(node.name)
        if entry is not None and entry[1] in _INTEGER_DTYPES:  # indices being sliced
            return self.emit_as(expr, node.name, entry[0], entry[1])
        name = self.fresh(node.name)
        self.body.append(f"        let {name} = {expr}")
        return _Tensor(name, self.shape_of(node))

    def check_inplace(self, node, target) -> None:
        """An in-place op (x += y, x.add_(y)) is the pure op when nothing reads
        the old x after it; otherwise the program would differ."""
        if not isinstance(target, torch.fx.Node):
            return
        if self.order is None:
            self.order = {n: i for i, n in enumerate(self.gm.graph.nodes)}
        order = self.order
        if any(order[user] > order[node] for user in target.users if user is not node):
            raise self.unsupported("an in-place update of a value that is read again later")

    def emit_as(self, expr: str, hint: str, shape: Tuple[Dim, ...],
                dtype: Any = torch.float32) -> _Tensor:
        """A statement whose shape the caller knows (a step of a decomposition)."""
        name = self.fresh(hint)
        self.body.append(f"        let {name} = {expr}")
        return _Tensor(name, tuple(shape), dtype)

    def value(self, arg: Any) -> Any:
        if isinstance(arg, torch.fx.Node):
            v = self.env[arg.name]
            if isinstance(v, _LazySlice):
                v = self.materialize(v)
                self.env[arg.name] = v
            return v
        return arg

    def materialize(self, piece: "_LazySlice") -> _Tensor:
        v = self.sliced(piece.source, piece.dim, piece.start, piece.end, piece.hint)
        if piece.shape is not None:
            v = self.emit_as(f"reshape({v.expr}, {', '.join(str(d) for d in piece.shape)})",
                             piece.hint, piece.shape)
        return v

    def tensor(self, arg: Any, what: str = "operand", integer: bool = False) -> str:
        """The DSL expression of a tensor operand (declaring a param for a constant).
        Integer tensors (embedding indices) are accepted only with ``integer``."""
        v = self.value(arg)
        if isinstance(v, _Tensor):
            if v.dtype != torch.float32 and not integer:
                raise self.unsupported(f"its {what} is a tensor of {v.dtype}; integer "
                                       "tensors can only index an embedding")
            return v.expr
        if isinstance(v, _Const):
            return self.float_param(v)
        raise self.unsupported(f"its {what} must be a tensor")

    def operand(self, arg: Any) -> str:
        v = self.value(arg)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            try:
                return _number(v)
            except ValueError as e:
                raise self.unsupported(str(e)) from None
        return self.tensor(arg)

    def const(self, arg: Any, what: str) -> Optional[torch.Tensor]:
        if arg is None:
            return None
        if isinstance(arg, torch.Tensor):  # a module's own weight
            return arg.detach()
        v = self.value(arg)
        if isinstance(v, _Const):
            return v.value
        raise self.unsupported(f"its {what} must be a parameter or buffer of the model, "
                               "not a value computed by the graph")

    def declare_float(self, hint: str, value: torch.Tensor) -> str:
        name = self.fresh(hint)
        value = value.detach().to(torch.float32).cpu().contiguous().clone()
        self.params.append(f"    param {name}: {_type(value.shape)}")
        self.floats[name] = value
        return name

    def float_param(self, c: _Const) -> str:
        if c.param is None:
            c.param = self.declare_float(c.name, c.value)
        return c.param

    def ternarized(self, arg: Any) -> Optional[_Ternarized]:
        """The weight operand's own trits and scale, when it has them."""
        v = self.value(arg) if isinstance(arg, torch.fx.Node) else arg
        return v if isinstance(v, _Ternarized) else None

    def ternary_weight(self, hint: str, weight: torch.Tensor, dsl_trits: Callable,
                       own: Optional[_Ternarized] = None) -> Tuple[str, str]:
        """Declares TernaryTensor + scale params for a Linear/Conv weight:
        ``own``'s trits and scale, or the quantizer's of ``weight``."""
        try:
            trits, scale = (own.trits, own.scale) if own is not None else self.quantizer.quantize(weight)
        except ValueError as e:
            raise self.unsupported(f"cannot ternarize its weight: {e}") from None
        trits = dsl_trits(trits)
        name = self.fresh(hint)
        self.params.append(f"    param {name}: TernaryTensor[{', '.join(map(str, trits.shape))}]")
        self.ternary[name] = trits.contiguous()
        return name, scale

    # nodes ----------------------------------------------------------------------------------

    def run(self) -> None:
        placeholder_index = 0
        for node in self.gm.graph.nodes:
            self.node = node
            if node.op == "placeholder":
                self.placeholder(node, placeholder_index)
                placeholder_index += 1
            elif node.op == "get_attr":
                value = _fetch_attr(self.gm, node.target)
                if not isinstance(value, torch.Tensor):
                    raise self.unsupported("only tensor attributes are supported")
                self.env[node.name] = _Const(value, self.param_hint(str(node.target)))
            elif node.op == "output":
                self.output(node)
            else:
                self.env[node.name] = self.call(node)

    def placeholder(self, node: torch.fx.Node, index: int) -> None:
        if node.name in self.constants:
            self.env[node.name] = _Const(self.constants[node.name], self.param_hint(node.name))
            return
        entry = self.shapes.get(node.name)
        if entry is None:
            example = node.meta.get("example_value")  # a SymInt input of torch.compile
            dim = _dim_of(example) if example is not None else None
            if dim is None:
                raise self.unsupported("graph inputs must be float32 tensors or sizes")
            self.env[node.name] = _Size(dim)
            return
        shape, dtype = entry
        if dtype not in _INTEGER_DTYPES:
            shape = self.shape_of(node)
        name = self.fresh(node.name)
        self.args.append(f"{name}: {_type(shape, dtype)}")
        self.input_positions.append(index)
        self.env[node.name] = _Tensor(name, shape, dtype)

    def output(self, node: torch.fx.Node) -> None:
        result = node.args[0]
        if isinstance(result, (tuple, list)):
            if len(result) != 1:
                raise self.unsupported(f"the graph returns {len(result)} values; "
                                       "only one tensor can be returned")
            self.returns_tuple = True
            result = result[0]
        v = self.value(result)
        if isinstance(v, _Const):
            v = _Tensor(self.float_param(v), tuple(v.value.shape))
        if not isinstance(v, _Tensor):
            raise self.unsupported("the graph must return a tensor")
        self.result = v

    def call(self, node: torch.fx.Node) -> Any:
        if node.op == "call_module":
            return self.call_module(node, self.gm.get_submodule(node.target))
        key = node.target if node.op == "call_function" else ("method", node.target)
        handler = _FUNCTIONS.get(key)
        if handler is None:
            raise self.unsupported("no translation to the ternary dialect")
        return handler(self, node, *node.args, **node.kwargs)

    def call_module(self, node: torch.fx.Node, module: nn.Module) -> Any:
        x = node.args[0] if node.args else None
        if isinstance(module, _QAT_LAYERS):
            return self.qat_layer(node, x, module)
        if isinstance(module, nn.Linear):
            return self.linear(node, x, module.weight, module.bias)
        if isinstance(module, nn.Conv2d):
            return self.conv2d(node, x, module.weight, module.bias, module.stride, module.padding,
                               module.dilation, module.groups, module.padding_mode)
        if isinstance(module, nn.ReLU):
            return _relu_fn(self, node, x, module.inplace)
        if isinstance(module, nn.Sigmoid):
            return self.unary(node, "sigmoid", x)
        if isinstance(module, nn.Tanh):
            return self.unary(node, "tanh", x)
        if isinstance(module, nn.GELU):
            return self.gelu(node, x, module.approximate)
        if isinstance(module, nn.Softmax):
            return self.softmax(node, x, module.dim)
        if isinstance(module, nn.LayerNorm):
            return self.layer_norm(node, x, module.normalized_shape, module.weight, module.bias,
                                   module.eps)
        if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
            if module.training or module.running_mean is None:
                raise self.unsupported("BatchNorm is supported in eval mode with running "
                                       "statistics only (call model.eval())")
            return self.batch_norm(node, x, module.running_mean, module.running_var,
                                   module.weight, module.bias, module.eps)
        if isinstance(module, nn.Flatten):
            return self.flatten(node, x, module.start_dim, module.end_dim)
        if isinstance(module, nn.MaxPool2d):
            return self.pool2d(node, x, "max", module.kernel_size, module.stride, module.padding,
                               module.dilation, module.ceil_mode,
                               return_indices=module.return_indices)
        if isinstance(module, nn.AvgPool2d):
            return self.pool2d(node, x, "avg", module.kernel_size, module.stride, module.padding,
                               1, module.ceil_mode, module.count_include_pad,
                               module.divisor_override)
        if isinstance(module, nn.AdaptiveAvgPool2d):
            return self.adaptive_avg_pool2d(node, x, module.output_size)
        if isinstance(module, nn.Hardtanh):  # ReLU6 too
            return _hardtanh_fn(self, node, x, module.min_val, module.max_val, module.inplace)
        if isinstance(module, nn.Hardswish):
            return _activation_fn("hardswish")(self, node, x, module.inplace)
        if isinstance(module, nn.Hardsigmoid):
            return _activation_fn("hardsigmoid")(self, node, x, module.inplace)
        if isinstance(module, nn.SiLU):
            return _activation_fn("silu")(self, node, x, module.inplace)
        if isinstance(module, nn.Embedding):
            return self.embedding(node, x, module.weight, module.padding_idx, module.max_norm)
        if isinstance(module, nn.MultiheadAttention):
            return self.multihead_attention_module(node, module, *node.args, **node.kwargs)
        if isinstance(module, nn.TransformerEncoderLayer):
            return self.encoder_layer_module(node, module, *node.args, **node.kwargs)
        if isinstance(module, nn.Identity):
            return self.value(x)
        if isinstance(module, nn.Dropout):
            if module.training and module.p > 0:
                raise self.unsupported("Dropout in training mode (call model.eval())")
            return self.value(x)
        raise self.unsupported("no translation to the ternary dialect")

    def qat_layer(self, node, x, module: nn.Module) -> _Tensor:
        """TernaryLinear/TernaryConv2d (their quantizer's trits and scale) and
        the packed forms (their bytes and scale): a Linear/Conv2d whose
        weight is ternary already."""
        hint = f"{node.target}.weight"
        if isinstance(module, (TernaryLinear, TernaryConv2d)):
            try:
                trits, scale = quantize(module.weight.detach().to(torch.float32).cpu(),
                                        module.method, module.channel_axis, module.threshold,
                                        module.seed)
            except ValueError as e:
                raise self.unsupported(f"cannot ternarize its weight: {e}") from None
        else:
            trits = unpack(module.packed_weight.detach().cpu(), module.ternary_weight().shape,
                           module.encoding, 1)
            scale = module.weight_scale
        if isinstance(module, TernaryLinear):
            return self.linear(node, x, _ternarized(hint, trits, scale), module.bias)
        if isinstance(module, PackedTernaryLinear):
            return self.linear(node, x, _ternarized(hint, trits, scale), module.bias)
        if isinstance(module, TernaryConv2d):
            return self.conv2d(node, x, _ternarized(hint, trits, scale), module.bias, module.stride,
                               module.padding, module.dilation, module.groups, module.padding_mode)
        return self.conv2d(node, x, _ternarized(hint, trits.reshape(module.weight_shape), scale),
                           module.bias, module.stride, module.padding, module.dilation,
                           module.groups)

    # translations ---------------------------------------------------------------------------

    def linear(self, node, x, weight, bias=None) -> _Tensor:
        own = self.ternarized(weight)
        w = own.value if own is not None else self.const(weight, "weight")
        b = self.const(bias, "bias")
        if w.dim() != 2:
            raise self.unsupported("the weight must have rank 2")
        xs = self.tensor(x, "input")
        name, scale = self.ternary_weight(f"{self.hint(node, weight)}_weight", w, lambda t: t.t(),
                                          own)
        scale_name = self.declare_float(f"{name}_scale", scale)
        expr = f"{xs} @ {name} * {scale_name}"
        if b is not None:
            expr += f" + {self.declare_float(self.hint(node, bias, 'bias'), b)}"
        return self.emit(expr, node)

    def conv2d(self, node, x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1,
               padding_mode="zeros") -> _Tensor:
        own = self.ternarized(weight)
        w = own.value if own is not None else self.const(weight, "weight")
        b = self.const(bias, "bias")
        pair = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v, v)  # noqa: E731
        dh, dw = pair(dilation)
        if dh != dw:
            raise self.unsupported(f"dilation={dilation}: only equal dilations are supported")
        if padding_mode != "zeros":
            raise self.unsupported(f"padding_mode='{padding_mode}' (only 'zeros')")
        sh, sw = pair(stride)
        if sh != sw:
            raise self.unsupported(f"stride={stride}: only equal strides are supported")
        if padding == "valid":
            padding = 0
        elif padding == "same":
            kh, kw = w.shape[2], w.shape[3]
            if sh != 1 or kh != kw or kh % 2 == 0:
                raise self.unsupported("padding='same' needs stride 1 and an odd square kernel")
            padding = dh * (kh - 1) // 2
        ph, pw = pair(padding)
        if ph != pw:
            raise self.unsupported(f"padding={padding}: only equal paddings are supported")
        xs = self.tensor(x, "input")
        name, scale = self.ternary_weight(f"{self.hint(node, weight)}_weight", w, lambda t: t, own)
        if scale.dim() == 1:  # per channel
            scale = scale.reshape(-1, 1, 1)
        scale_name = self.declare_float(f"{name}_scale", scale)
        options = f"stride={sh}, padding={ph}"
        if dh != 1:
            options += f", dilation={dh}"
        if groups != 1:
            options += f", groups={groups}"
        expr = f"conv2d({xs}, {name}, {options}) * {scale_name}"
        if b is not None:
            expr += f" + {self.declare_float(self.hint(node, bias, 'bias'), b.reshape(-1, 1, 1))}"
        return self.emit(expr, node)

    def hint(self, node, arg, suffix: str = "") -> str:
        """A readable param name: the module path, or the weight's own name."""
        if node.op == "call_module":
            base = str(node.target)
            return f"{base}_{suffix}" if suffix else base
        v = self.value(arg) if isinstance(arg, torch.fx.Node) else arg
        if isinstance(v, _Const):
            name = re.sub(r"_?(weight|bias)$", "", v.name)
            base = name or node.name
        else:
            base = node.name
        return f"{base}_{suffix}" if suffix else base

    def unary(self, node, builtin: str, x) -> _Tensor:
        return self.emit(f"{builtin}({self.tensor(x, 'input')})", node)

    def gelu(self, node, x, approximate: str = "none") -> _Tensor:
        xs = self.tensor(x, "input")
        if approximate == "none":
            return self.emit(f"gelu({xs})", node)
        if approximate == "tanh":
            c = _number(math.sqrt(2.0 / math.pi))
            return self.emit(f"0.5 * {xs} * (1.0 + tanh({c} * ({xs} + 0.044715 * {xs} * {xs} * {xs})))",
                             node)
        raise self.unsupported(f"approximate='{approximate}'")

    def softmax(self, node, x, dim=None, *args, **kwargs) -> _Tensor:
        if dim is None:
            raise self.unsupported("softmax needs an explicit dim")
        if kwargs.get("dtype") is not None or (args and args[-1] is not None and not isinstance(args[-1], int)):
            raise self.unsupported("softmax with a dtype")
        return self.emit(f"softmax({self.tensor(x, 'input')}, {int(dim)})", node)

    def layer_norm(self, node, x, normalized_shape, weight=None, bias=None, eps=1e-5) -> _Tensor:
        shape = self.shape_of(node)
        normalized = tuple(normalized_shape) if isinstance(normalized_shape, (tuple, list, torch.Size)) \
            else (normalized_shape,)
        if len(normalized) != 1 or normalized[0] != shape[-1]:
            raise self.unsupported(f"normalized_shape={list(normalized)}: only the last dim "
                                   "can be normalized")
        w = self.const(weight, "weight")
        b = self.const(bias, "bias")
        args = [self.tensor(x, "input")]
        if w is not None or b is not None:
            args.append(self.declare_float(self.hint(node, weight, "weight"),
                                           w if w is not None else torch.ones(normalized)))
        if b is not None:
            args.append(self.declare_float(self.hint(node, bias, "bias"), b))
        return self.emit(f"layer_norm({', '.join(args)}, eps={_number(float(eps))})", node)

    def batch_norm(self, node, x, running_mean, running_var, weight=None, bias=None, eps=1e-5) -> _Tensor:
        mean = self.const(running_mean, "running mean").to(torch.float64)
        var = self.const(running_var, "running variance").to(torch.float64)
        w = self.const(weight, "weight")
        b = self.const(bias, "bias")
        scale = 1.0 / torch.sqrt(var + eps)
        if w is not None:
            scale = scale * w.detach().to(torch.float64)
        shift = -mean * scale
        if b is not None:
            shift = shift + b.detach().to(torch.float64)
        rank = len(self.shape_of(node))
        if rank < 2:
            raise self.unsupported("BatchNorm needs an input of rank >= 2")
        view = (-1,) + (1,) * (rank - 2)
        hint = self.hint(node, running_mean, "")
        a = self.declare_float(f"{hint}_bn_scale", scale.reshape(view))
        c = self.declare_float(f"{hint}_bn_shift", shift.reshape(view))
        return self.emit(f"{self.tensor(x, 'input')} * {a} + {c}", node)

    def flatten(self, node, x, start_dim=0, end_dim=-1) -> _Tensor:
        xs = self.tensor(x, "input")
        in_shape = self.value(x).shape
        rank = len(in_shape)
        start, end = start_dim % max(rank, 1), end_dim % max(rank, 1)
        if rank >= 2 and start == 1 and end == rank - 1 and all(isinstance(d, int) for d in in_shape[1:]):
            return self.emit(f"flatten({xs})", node)
        return self.reshape_to(node, xs)

    def reshape_to(self, node, xs: str) -> _Tensor:
        """reshape(x, <the node's result shape>): sizes come from shape propagation."""
        shape = self.shape_of(node)
        return self.emit(f"reshape({xs}, {', '.join(str(d) for d in shape)})", node)

    def reshape(self, node, x, *shape, **kwargs) -> _Tensor:
        return self.reshape_to(node, self.tensor(x, "input"))

    def neg(self, node, x) -> _Tensor:
        return self.emit(f"-{self.tensor(x, 'input')}", node)

    def matmul(self, node, a, b) -> _Tensor:
        return self.emit(f"{self.tensor(a, 'left operand')} @ {self.tensor(b, 'right operand')}", node)

    def identity(self, node, x, *args, **kwargs) -> Any:
        return self.value(x)

    def dropout(self, node, x, p=0.5, training=False, inplace=False) -> Any:
        if training and p > 0:
            raise self.unsupported("dropout in training mode")
        return self.value(x)

    def rank(self, node, x) -> int:
        v = self.value(x)
        if not isinstance(v, (_Tensor, _Const)):
            raise self.unsupported("dim() of a non-tensor")
        return len(v.shape) if isinstance(v, _Tensor) else v.value.dim()

    def size(self, node, x, dim=None) -> Any:
        v = self.value(x)
        if not isinstance(v, _Tensor):
            raise self.unsupported("size of a non-activation")
        if dim is None:
            return tuple(_Size(d) for d in v.shape)
        return _Size(v.shape[dim])

    def getattr_(self, node, x, attr) -> Any:
        if attr == "shape":
            return self.size(node, x)
        raise self.unsupported(f"attribute '{attr}'")

    def getitem(self, node, seq, index) -> Any:
        v = self.value(seq)
        if isinstance(v, tuple) and isinstance(index, int):
            item = v[index]
            return self.materialize(item) if isinstance(item, _LazySlice) else item
        if isinstance(v, tuple) and isinstance(index, slice):  # x.size()[:-1]
            return v[index]
        if isinstance(v, (_Tensor, _Const)):
            if isinstance(v, _Const):
                return _Const(v.value[index], v.name)
            return self.index(node, v, index)
        raise self.unsupported("indexing is supported on shapes, tuples and tensors only")


    # pooling, activations, convolution options -------------------------------------------------

    def pool2d(self, node, x, kind: str, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode=False, count_include_pad=True, divisor_override=None,
               return_indices=False) -> _Tensor:
        kh, kw = _pair(kernel_size)
        sh, sw = _pair(stride if stride not in (None, [], ()) else kernel_size)
        ph, pw = _pair(padding)
        if kh != kw or sh != sw or ph != pw:
            raise self.unsupported(f"kernel {kernel_size}, stride {stride}, padding {padding}: "
                                   "only square windows with equal strides and paddings")
        if _pair(dilation) != (1, 1):
            raise self.unsupported(f"dilation={dilation} (only 1 for pooling)")
        if ceil_mode:
            raise self.unsupported("ceil_mode=True")
        if return_indices:
            raise self.unsupported("return_indices=True")
        if divisor_override is not None:
            raise self.unsupported("divisor_override")
        if kind == "avg" and not count_include_pad and ph > 0:
            raise self.unsupported("count_include_pad=False with padding")
        if len(self.value(x).shape) != 4:
            raise self.unsupported("pooling needs an input [N, C, H, W]")
        if ph > kh // 2:
            raise self.unsupported(f"padding={padding} is more than half the kernel")
        return self.emit(f"{kind}_pool2d({self.tensor(x, 'input')}, {kh}, stride={sh}, "
                         f"padding={ph})", node)

    def adaptive_avg_pool2d(self, node, x, output_size) -> _Tensor:
        v = self.value(x)
        if not isinstance(v, _Tensor) or len(v.shape) != 4:
            raise self.unsupported("adaptive pooling needs an input [N, C, H, W]")
        h, w = v.shape[2], v.shape[3]
        oh, ow = _pair([h if o is None else o for o in output_size]
                       if isinstance(output_size, (tuple, list)) else output_size)
        if (oh, ow) == (1, 1):
            inner = self.emit_as(f"mean({v.expr}, 3, keepdim=true)", node.name,
                                 v.shape[:3] + (1,))
            return self.emit(f"mean({inner.expr}, 2, keepdim=true)", node)
        if h % oh or w % ow or h // oh != w // ow:
            raise self.unsupported(f"output size {(oh, ow)} of an input {h}x{w}: only sizes "
                                   "that divide it into equal square windows")
        k = h // oh
        return self.emit(f"avg_pool2d({v.expr}, {k}, stride={k})", node)

    def clamp(self, node, x, low, high) -> _Tensor:
        for bound in (low, high):
            if not isinstance(bound, (int, float)) or isinstance(bound, bool):
                raise self.unsupported("clamp bounds must be numbers")
        if low > high:
            raise self.unsupported(f"clamp with min {low} > max {high}")
        return self.emit(f"clamp({self.tensor(x, 'input')}, {_number(float(low))}, "
                         f"{_number(float(high))})", node)

    def hardswish(self, node, x) -> _Tensor:
        xs = self.tensor(x, "input")
        return self.emit(f"{xs} * clamp({xs} + 3.0, 0.0, 6.0) / 6.0", node)

    def hardsigmoid(self, node, x) -> _Tensor:
        return self.emit(f"clamp({self.tensor(x, 'input')} + 3.0, 0.0, 6.0) / 6.0", node)

    def silu(self, node, x) -> _Tensor:
        xs = self.tensor(x, "input")
        return self.emit(f"{xs} * sigmoid({xs})", node)

    # shapes and layout ------------------------------------------------------------------

    def transposed(self, v: _Tensor, d0: int, d1: int, hint: str) -> _Tensor:
        rank = len(v.shape)
        d0, d1 = d0 % rank, d1 % rank
        if d0 == d1:
            return v
        shape = list(v.shape)
        shape[d0], shape[d1] = shape[d1], shape[d0]
        return self.emit_as(f"transpose({v.expr}, {d0}, {d1})", hint, tuple(shape))

    def as_tensor(self, arg: Any, what: str = "input") -> _Tensor:
        v = self.value(arg)
        if isinstance(v, _LazySlice):  # a piece of split/chunk passed on whole
            return self.materialize(v)
        if isinstance(v, _Const):
            return _Tensor(self.float_param(v), tuple(v.value.shape))
        if isinstance(v, _Tensor):
            self.tensor(arg, what)  # refuses integer tensors
            return v
        raise self.unsupported(f"its {what} must be a tensor")

    def transpose(self, node, x, dim0=None, dim1=None) -> _Tensor:
        v = self.as_tensor(x)
        if dim0 is None:  # Tensor.t()
            if len(v.shape) < 2:
                return v
            dim0, dim1 = 0, 1
        return self.transposed(v, int(dim0), int(dim1), node.name)

    def permute(self, node, x, *dims, **kwargs) -> _Tensor:
        if "dims" in kwargs:
            dims = (kwargs["dims"],)
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = tuple(dims[0])
        v = self.as_tensor(x)
        rank = len(v.shape)
        perm = [int(d) % rank for d in dims]
        if sorted(perm) != list(range(rank)):
            raise self.unsupported(f"permutation {list(dims)} of a rank-{rank} tensor")
        # A permutation is a product of transpositions (selection order).
        current = list(range(rank))
        for i in range(rank):
            j = current.index(perm[i])
            if j != i:
                current[i], current[j] = current[j], current[i]
                v = self.transposed(v, i, j, node.name)
        return v

    def expand(self, node, x, *sizes, **kwargs) -> _Tensor:
        v = self.as_tensor(x)
        shape = self.shape_of(node)
        if tuple(shape) == tuple(v.shape):
            return v
        return self.emit(f"expand({v.expr}, {', '.join(str(d) for d in shape)})", node)

    def cat(self, node, tensors, dim=0) -> _Tensor:
        if isinstance(tensors, torch.fx.Node):  # torch.cat(torch.split(...))
            tensors = self.value(tensors)
        if not isinstance(tensors, (tuple, list)) or not tensors:
            raise self.unsupported("cat of a sequence of tensors")
        parts = [self.as_tensor(t) for t in tensors]
        rank = len(parts[0].shape)
        dim = int(dim) % rank
        result = parts[0]
        for i, part in enumerate(parts[1:]):
            shape = list(result.shape)
            if isinstance(shape[dim], str) or isinstance(part.shape[dim], str):
                raise self.unsupported("cat along a dynamic dim")
            shape[dim] = shape[dim] + part.shape[dim]
            expr = f"cat({result.expr}, {part.expr}, {dim})"
            if i == len(parts) - 2:
                return self.emit(expr, node)
            result = self.emit_as(expr, node.name, tuple(shape))
        return result

    def sliced(self, v: _Tensor, dim: int, start: int, end: int, hint: str) -> _Tensor:
        if start == 0 and end == v.shape[dim]:
            return v
        shape = list(v.shape)
        shape[dim] = end - start
        return self.emit_as(f"slice({v.expr}, {dim}, {start}, {end})", hint, tuple(shape), v.dtype)

    def split(self, node, x, split_size_or_sections, dim=0) -> Tuple[_Tensor, ...]:
        v = self.as_tensor(x)
        dim = int(dim) % len(v.shape)
        size = v.shape[dim]
        if isinstance(size, str):
            raise self.unsupported("split along a dynamic dim")
        if isinstance(split_size_or_sections, int):
            step = split_size_or_sections
            sections = [min(step, size - i) for i in range(0, size, step)]
        else:
            sections = list(split_size_or_sections)
        bounds, start = [], 0
        for length in sections:
            bounds.append((start, start + length))
            start += length
        return tuple(_LazySlice(v, dim, a, b, f"{node.name}_{i}")
                     for i, (a, b) in enumerate(bounds))

    def chunk(self, node, x, chunks, dim=0) -> Tuple[_Tensor, ...]:
        v = self.as_tensor(x)
        size = v.shape[int(dim) % len(v.shape)]
        if isinstance(size, str):
            raise self.unsupported("chunk along a dynamic dim")
        step = -(-size // int(chunks))
        return self.split(node, x, step, dim)

    def unbind(self, node, x, dim=0) -> Tuple[_Tensor, ...]:
        v = self.as_tensor(x)
        dim = int(dim) % len(v.shape)
        size = v.shape[dim]
        if isinstance(size, str):
            raise self.unsupported("unbind along a dynamic dim")
        shape = v.shape[:dim] + v.shape[dim + 1:]
        return tuple(_LazySlice(v, dim, i, i + 1, f"{node.name}_{i}", shape)
                     for i in range(size))

    def index(self, node, v: _Tensor, index) -> _Tensor:
        """x[...] with ints, slices of step 1, None and Ellipsis."""
        items = list(index) if isinstance(index, tuple) else [index]
        if sum(1 for i in items if i is Ellipsis) > 1:
            raise self.unsupported("more than one Ellipsis")
        if Ellipsis in items:
            at = items.index(Ellipsis)
            fill = len(v.shape) - (len(items) - 1 - sum(1 for i in items if i is None))
            items[at:at + 1] = [slice(None)] * fill
        dim, reshape = 0, False
        for item in items:
            if item is None:
                reshape = True
                continue
            if dim >= len(v.shape):
                raise self.unsupported("too many indices")
            size = v.shape[dim]
            if isinstance(item, int) and not isinstance(item, bool):
                if isinstance(size, str):
                    raise self.unsupported("an integer index into a dynamic dim")
                i = item % size
                v = self.sliced(v, dim, i, i + 1, node.name)
                reshape = True
            elif isinstance(item, slice):
                if item.step not in (None, 1):
                    raise self.unsupported(f"slice step {item.step}")
                if item != slice(None):
                    if isinstance(size, str):
                        raise self.unsupported("slicing a dynamic dim")
                    start, end, _ = item.indices(size)
                    v = self.sliced(v, dim, start, max(start, end), node.name)
            else:
                raise self.unsupported(f"index {item!r}: only integers, slices, None and ...")
            dim += 1
        if reshape:
            return self.reshape_to(node, v.expr)
        return v

    def squeeze_like(self, node, x, *args, **kwargs) -> _Tensor:
        """unsqueeze, squeeze, unflatten, view, reshape: sizes from shape propagation."""
        v = self.as_tensor(x)
        if tuple(self.shape_of(node)) == tuple(v.shape):
            return v
        return self.reshape_to(node, v.expr)

    def mean(self, node, x, dim=None, keepdim=False, *, dtype=None) -> _Tensor:
        if dtype is not None:
            raise self.unsupported("mean with a dtype")
        v = self.as_tensor(x)
        rank = len(v.shape)
        if dim is None:
            raise self.unsupported("mean over every dim (give the dims)")
        dims = sorted({int(d) % rank for d in (dim if isinstance(dim, (tuple, list)) else [dim])},
                      reverse=True)
        for i, d in enumerate(dims):
            shape = list(v.shape)
            if keepdim:
                shape[d] = 1
            else:
                del shape[d]
            expr = f"mean({v.expr}, {d}{', keepdim=true' if keepdim else ''})"
            v = self.emit(expr, node) if i == len(dims) - 1 else \
                self.emit_as(expr, node.name, tuple(shape))
        return v

    def embedding(self, node, indices, weight, padding_idx=None, max_norm=None, *args,
                  **kwargs) -> _Tensor:
        table = self.const(weight, "weight")
        if max_norm is not None:
            raise self.unsupported("max_norm (the table would change at run time)")
        if table.dim() != 2:
            raise self.unsupported("the table must have rank 2")
        idx = self.value(indices)
        if isinstance(idx, _Const):  # constant indices (position ids): a constant
            return _Const(table[idx.value.long()], f"{self.hint(node, weight)}_rows")
        if not isinstance(idx, _Tensor) or idx.dtype not in _INTEGER_DTYPES:
            raise self.unsupported("the indices must be an integer tensor")
        name = self.declare_float(self.hint(node, weight, "weight"), table)
        return self.emit(f"embedding({name}, {self.tensor(indices, 'indices', integer=True)})",
                         node)

    def attention(self, node, q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False,
                  scale=None, enable_gqa=False) -> _Tensor:
        if attn_mask is not None or is_causal:
            raise self.unsupported("attention masks")
        if dropout_p:
            raise self.unsupported("attention dropout")
        qv, kv, vv = self.as_tensor(q), self.as_tensor(k), self.as_tensor(v)
        return self.emit(self.attention_expr(qv, kv, vv, node.name, scale), node)

    def attention_expr(self, q: _Tensor, k: _Tensor, v: _Tensor, hint: str,
                       scale=None) -> str:
        """softmax(q @ k^T * scale) @ v, the result's expression (shape: q's with v's last dim)."""
        d = q.shape[-1]
        factor = 1.0 / math.sqrt(d) if scale is None else float(scale)
        kt = self.transposed(k, -2, -1, f"{hint}_kt")
        scores_shape = q.shape[:-1] + (k.shape[-2],)
        scores = self.emit_as(f"softmax({q.expr} @ {kt.expr} * {_number(factor)}, -1)",
                              f"{hint}_scores", scores_shape)
        return f"{scores.expr} @ {v.expr}"

    def assert_(self, node, condition, message=None) -> None:
        value = self.value(condition)
        if value is True:
            return None
        if value is False:
            raise self.unsupported(f"the model's shape assertion fails: {message}")
        raise self.unsupported("an assertion whose condition is not a shape check known at "
                               "capture time")


    # attention and transformer layers, decomposed ---------------------------------------------

    def ternary_linear_params(self, hint: str, weight: torch.Tensor, bias: Optional[torch.Tensor],
                              pieces: Sequence[str] = ("",)) -> List[Tuple[str, str, Optional[str], int]]:
        """Ternarizes a [out, in] weight with one quantizer call (as ternarize_model does)
        and declares it as len(pieces) row blocks (q, k, v of a packed in-projection):
        (trits param, scale param, bias param or None, out features) per block."""
        try:
            trits, scale = self.quantizer.quantize(weight)
        except ValueError as e:
            raise self.unsupported(f"cannot ternarize its weight: {e}") from None
        out = weight.shape[0] // len(pieces)
        declared = []
        for i, piece in enumerate(pieces):
            rows = slice(i * out, (i + 1) * out)
            base = f"{hint}_{piece}" if piece else hint
            name = self.fresh(f"{base}_weight")
            block = trits[rows].t().contiguous()
            self.params.append(f"    param {name}: TernaryTensor[{', '.join(map(str, block.shape))}]")
            self.ternary[name] = block
            scale_name = self.declare_float(f"{name}_scale", scale if scale.dim() == 0 else scale[rows])
            bias_name = None if bias is None else self.declare_float(f"{base}_bias", bias[rows])
            declared.append((name, scale_name, bias_name, out))
        return declared

    def project(self, v: _Tensor, params: Tuple[str, str, Optional[str], int], hint: str) -> _Tensor:
        weight, scale, bias, out = params
        expr = f"{v.expr} @ {weight} * {scale}" + (f" + {bias}" if bias else "")
        return self.emit_as(expr, hint, v.shape[:-1] + (out,))

    def norm(self, v: _Tensor, weight, bias, eps: float, hint: str) -> _Tensor:
        args = [v.expr]
        if weight is not None:
            args.append(self.declare_float(f"{hint}_weight", weight))
            if bias is not None:
                args.append(self.declare_float(f"{hint}_bias", bias))
        return self.emit_as(f"layer_norm({', '.join(args)}, eps={_number(float(eps))})", hint,
                            v.shape)

    def multihead_attention(self, hint: str, query: _Tensor, key: _Tensor, value: _Tensor,
                            heads: int, in_weight, in_bias, out_weight, out_bias,
                            batch_first: bool) -> _Tensor:
        """nn.MultiheadAttention without masks: projections (in_proj ternarized as one
        weight, then split into q, k, v), heads, softmax(q k^T / sqrt(d)) v, out_proj."""
        if not batch_first:  # [L, N, E]: attend batch first
            q_in, k_in, v_in = query, key, value
            query = self.transposed(q_in, 0, 1, f"{hint}_q_in")
            key = query if k_in is q_in else self.transposed(k_in, 0, 1, f"{hint}_k_in")
            value = query if v_in is q_in else key if v_in is k_in else \
                self.transposed(v_in, 0, 1, f"{hint}_v_in")
        embed = query.shape[-1]
        if embed % heads:
            raise self.unsupported(f"embed dim {embed} is not divisible by {heads} heads")
        head_dim = embed // heads
        q_params, k_params, v_params = self.ternary_linear_params(
            f"{hint}_in_proj", in_weight, in_bias, ("q", "k", "v"))

        def heads_of(x: _Tensor, params, name: str) -> _Tensor:
            projected = self.project(x, params, f"{hint}_{name}")
            b, length = projected.shape[0], projected.shape[1]
            split = self.emit_as(f"reshape({projected.expr}, {b}, {length}, {heads}, {head_dim})",
                                 f"{hint}_{name}_heads", (b, length, heads, head_dim))
            return self.transposed(split, 1, 2, f"{hint}_{name}_heads")

        q = heads_of(query, q_params, "q")
        k = heads_of(key, k_params, "k")
        v = heads_of(value, v_params, "v")
        attended = self.emit_as(self.attention_expr(q, k, v, hint), f"{hint}_attended", q.shape)
        merged = self.transposed(attended, 1, 2, f"{hint}_merged")
        b, length = merged.shape[0], merged.shape[1]
        merged = self.emit_as(f"reshape({merged.expr}, {b}, {length}, {embed})",
                              f"{hint}_merged", (b, length, embed))
        (out_params,) = self.ternary_linear_params(f"{hint}_out_proj", out_weight, out_bias)
        out = self.project(merged, out_params, f"{hint}_out")
        if not batch_first:
            out = self.transposed(out, 0, 1, f"{hint}_out")
        return out

    def multihead_attention_module(self, node, module: nn.MultiheadAttention, query, key, value,
                                   key_padding_mask=None, need_weights=True, attn_mask=None,
                                   average_attn_weights=True, is_causal=False) -> tuple:
        if key_padding_mask is not None or attn_mask is not None or is_causal:
            raise self.unsupported("attention masks")
        if module.training and module.dropout > 0:
            raise self.unsupported("attention dropout in training mode (call model.eval())")
        if not module._qkv_same_embed_dim or module.bias_k is not None or module.add_zero_attn:
            raise self.unsupported("separate q/k/v projection weights, bias_k/bias_v or "
                                   "add_zero_attn")
        q = self.as_tensor(query)
        k = q if key is query else self.as_tensor(key)
        v = q if value is query else k if value is key else self.as_tensor(value)
        hint = str(node.target)
        out = self.multihead_attention(hint, q, k, v,
                                       module.num_heads, module.in_proj_weight.detach(),
                                       None if module.in_proj_bias is None else module.in_proj_bias.detach(),
                                       module.out_proj.weight.detach(),
                                       None if module.out_proj.bias is None else module.out_proj.bias.detach(),
                                       module.batch_first)
        return (out, None)

    def encoder_layer(self, hint: str, x: _Tensor, heads: int, weights: Dict[str, Any],
                      eps: Tuple[float, float], norm_first: bool, activation: str,
                      batch_first: bool) -> _Tensor:
        """nn.TransformerEncoderLayer without masks, from its weights: in_w, in_b, out_w,
        out_b (self-attention), w1, b1, w2, b2 (feed-forward), n1w, n1b, n2w, n2b (norms)."""
        w = weights

        def attention(h: _Tensor) -> _Tensor:
            return self.multihead_attention(f"{hint}_self_attn", h, h, h, heads, w["in_w"],
                                            w["in_b"], w["out_w"], w["out_b"], batch_first)

        def feed_forward(h: _Tensor) -> _Tensor:
            (p1,) = self.ternary_linear_params(f"{hint}_linear1", w["w1"], w["b1"])
            hidden = self.project(h, p1, f"{hint}_linear1")
            hidden = self.emit_as(f"{activation}({hidden.expr})", f"{hint}_{activation}",
                                  hidden.shape)
            (p2,) = self.ternary_linear_params(f"{hint}_linear2", w["w2"], w["b2"])
            return self.project(hidden, p2, f"{hint}_linear2")

        def norm(h: _Tensor, i: int) -> _Tensor:
            return self.norm(h, w[f"n{i}w"], w[f"n{i}b"], eps[i - 1], f"{hint}_norm{i}")

        def add(a: _Tensor, b: _Tensor, name: str) -> _Tensor:
            return self.emit_as(f"{a.expr} + {b.expr}", f"{hint}_{name}", a.shape)

        if norm_first:
            x = add(x, attention(norm(x, 1)), "residual1")
            return add(x, feed_forward(norm(x, 2)), "residual2")
        x = norm(add(x, attention(x), "residual1"), 1)
        return norm(add(x, feed_forward(x), "residual2"), 2)

    def encoder_layer_fwd(self, node, src, embed_dim, num_heads, qkv_weight, qkv_bias, proj_weight,
                          proj_bias, use_gelu, norm_first, eps, norm_weight_1, norm_bias_1,
                          norm_weight_2, norm_bias_2, ffn_weight_1, ffn_bias_1, ffn_weight_2,
                          ffn_bias_2, mask=None, mask_type=None) -> _Tensor:
        """torch._transformer_encoder_layer_fwd: the fast path of an eval-mode
        TransformerEncoderLayer that torch.compile captures (batch first)."""
        if mask is not None:
            raise self.unsupported("attention masks")
        c = lambda arg, what: self.const(arg, what)  # noqa: E731
        weights = dict(in_w=c(qkv_weight, "weight"), in_b=c(qkv_bias, "bias"),
                       out_w=c(proj_weight, "weight"), out_b=c(proj_bias, "bias"),
                       w1=c(ffn_weight_1, "weight"), b1=c(ffn_bias_1, "bias"),
                       w2=c(ffn_weight_2, "weight"), b2=c(ffn_bias_2, "bias"),
                       n1w=c(norm_weight_1, "weight"), n1b=c(norm_bias_1, "bias"),
                       n2w=c(norm_weight_2, "weight"), n2b=c(norm_bias_2, "bias"))
        return self.encoder_layer(self.hint(node, qkv_weight) or node.name, self.as_tensor(src),
                                  int(num_heads), weights, (float(eps), float(eps)),
                                  bool(norm_first), "gelu" if use_gelu else "relu", True)

    def multi_head_attention_forward(self, node, query, key, value, embed_dim_to_check, num_heads,
                                     in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn,
                                     dropout_p, out_proj_weight, out_proj_bias, training=True,
                                     key_padding_mask=None, need_weights=True, attn_mask=None,
                                     use_separate_proj_weight=False, q_proj_weight=None,
                                     k_proj_weight=None, v_proj_weight=None, static_k=None,
                                     static_v=None, average_attn_weights=True,
                                     is_causal=False) -> tuple:
        """F.multi_head_attention_forward (sequence first), as torch.compile captures
        nn.MultiheadAttention."""
        if key_padding_mask is not None or attn_mask is not None or is_causal:
            raise self.unsupported("attention masks")
        if training and dropout_p > 0:
            raise self.unsupported("attention dropout in training mode (call model.eval())")
        if use_separate_proj_weight or bias_k is not None or bias_v is not None or add_zero_attn \
                or static_k is not None or static_v is not None:
            raise self.unsupported("separate q/k/v projection weights, bias_k/bias_v, "
                                   "add_zero_attn or static keys")
        q = self.as_tensor(query)
        k = q if key is query else self.as_tensor(key)
        v = q if value is query else self.as_tensor(value)
        in_b = self.const(in_proj_bias, "bias")
        out_b = self.const(out_proj_bias, "bias")
        out = self.multihead_attention(self.hint(node, in_proj_weight) or node.name, q, k, v,
                                       int(num_heads), self.const(in_proj_weight, "weight"), in_b,
                                       self.const(out_proj_weight, "weight"), out_b,
                                       batch_first=False)
        return (out, None)

    def encoder_layer_module(self, node, module: nn.TransformerEncoderLayer, src, src_mask=None,
                             src_key_padding_mask=None, is_causal=False) -> _Tensor:
        if src_mask is not None or src_key_padding_mask is not None or is_causal:
            raise self.unsupported("attention masks")
        if module.training:
            raise self.unsupported("TransformerEncoderLayer in training mode (call model.eval())")
        act = module.activation
        if act is F.relu or isinstance(act, nn.ReLU):
            activation = "relu"
        elif (act is F.gelu) or (isinstance(act, nn.GELU) and act.approximate == "none"):
            activation = "gelu"
        else:
            raise self.unsupported(f"activation {act!r} (relu or gelu)")
        d = lambda t: None if t is None else t.detach()  # noqa: E731
        a = module.self_attn
        if not a._qkv_same_embed_dim or a.bias_k is not None or a.add_zero_attn:
            raise self.unsupported("separate q/k/v projection weights, bias_k/bias_v or "
                                   "add_zero_attn")
        weights = dict(in_w=d(a.in_proj_weight), in_b=d(a.in_proj_bias),
                       out_w=d(a.out_proj.weight), out_b=d(a.out_proj.bias),
                       w1=d(module.linear1.weight), b1=d(module.linear1.bias),
                       w2=d(module.linear2.weight), b2=d(module.linear2.bias),
                       n1w=d(module.norm1.weight), n1b=d(module.norm1.bias),
                       n2w=d(module.norm2.weight), n2b=d(module.norm2.bias))
        return self.encoder_layer(str(node.target), self.as_tensor(src), a.num_heads, weights,
                                  (module.norm1.eps, module.norm2.eps), module.norm_first,
                                  activation, a.batch_first)

    # the program ----------------------------------------------------------------------------

    def program(self, layer: str) -> str:
        lines = [
            "# Captured by triton_dsl.from_fx: Linear/Conv2d weights ternarized "
            f"({self.quantizer.method}{', per channel' if self.quantizer.per_channel else ''}).",
            f"layer {layer} {{",
            *self.params,
            "",
            f"    fn forward({', '.join(self.args)}) -> {_type(self.result.shape)} {{",
            *self.body,
            f"        return {self.result.expr}",
            "    }",
            "}",
            "",
        ]
        return "\n".join(lines)


_SIZE_OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
             "//": operator.floordiv}


def _static_size(v: Any) -> Optional[int]:
    if isinstance(v, _Size):
        return v.dim if isinstance(v.dim, int) else None
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    return None


def _binary(op: str, inplace: bool = False) -> Callable:
    def translate(self, node, a, b, *, alpha=1, **kwargs):
        if alpha != 1 or kwargs:
            raise self.unsupported("alpha or other keyword arguments")
        if inplace:
            self.check_inplace(node, a)
        if op == "+" and all(isinstance(self.value(v), tuple) for v in (a, b)):
            return self.value(a) + self.value(b)  # shapes: x.size()[:-1] + (heads, dim)
        if not any(isinstance(self.value(v), (_Tensor, _Const)) for v in (a, b)):
            # Size arithmetic (h // patch): computed when the sizes are static;
            # the reshapes it feeds take their sizes from shape propagation.
            x, y = _static_size(self.value(a)), _static_size(self.value(b))
            if op in _SIZE_OPS and x is not None and y is not None:
                return _Size(_SIZE_OPS[op](x, y))
            if op in _SIZE_OPS and all(isinstance(self.value(v), (_Size, int)) for v in (a, b)):
                return _Size(None)
            raise self.unsupported("arithmetic on sizes is not supported")
        if op == "//":
            raise self.unsupported("floor division of tensors")
        return self.emit(f"{self.operand(a)} {op} {self.operand(b)}", node)

    return translate


def _compare(op: Callable) -> Callable:
    def translate(self, node, a, b):
        x, y = self.value(a), self.value(b)
        if isinstance(x, _Size) and isinstance(y, _Size) and x.dim is not None \
                and x.dim == y.dim and op in (operator.eq, operator.le, operator.ge):
            return True  # the same (possibly symbolic) size
        x, y = _static_size(x), _static_size(y)
        if x is None or y is None:
            raise self.unsupported("a comparison of values not known at capture time")
        return op(x, y)

    return translate


def _method(name: str) -> Tuple[str, str]:
    return ("method", name)


def _batch_norm_fn(self, node, x, running_mean, running_var, weight=None, bias=None,
                   training=False, momentum=0.1, eps=1e-5):
    if training:
        raise self.unsupported("BatchNorm in training mode (call model.eval())")
    return self.batch_norm(node, x, running_mean, running_var, weight, bias, eps)


def _relu_fn(self, node, x, inplace=False):
    # The program is pure: an in-place relu is only the same when nothing
    # else reads its input.
    if inplace and isinstance(x, torch.fx.Node) and len(x.users) > 1:
        raise self.unsupported("an in-place relu whose input is also used elsewhere")
    return self.unary(node, "relu", x)


def _flatten_fn(self, node, x, start_dim=0, end_dim=-1):
    return self.flatten(node, x, start_dim, end_dim)


def _unary_fn(builtin: str) -> Callable:
    return lambda self, node, x: self.unary(node, builtin, x)


def _gelu_fn(self, node, x, approximate="none"):
    return self.gelu(node, x, approximate)


def _softmax_fn(self, node, x, dim=None, _stacklevel=3, dtype=None):
    if dtype is not None:
        raise self.unsupported("softmax with a dtype")
    return self.softmax(node, x, dim)


def _ternarize_op(self, node, weight, method, channel_axis=None, threshold=None, seed=0):
    """torch.ops.triton_dsl.ternarize (a QAT layer's weight under torch.compile
    or torch.export): the weight with the trits and scale of those settings."""
    w = self.const(weight, "weight")
    try:
        trits, scale = quantize(w.to(torch.float32).cpu(), method, channel_axis, threshold, seed)
    except ValueError as e:
        raise self.unsupported(f"cannot ternarize its weight: {e}") from None
    if scale.dim() == 1 and channel_axis is not None and channel_axis % w.dim() != 0:
        raise self.unsupported(f"channel_axis={channel_axis}: a ternary weight's scale is per "
                               "output channel (axis 0) or per tensor")
    return _ternarized(self.value(weight).name, trits, scale)


def _packed_weight(self, packed, scale, rows: int, columns: int, encoding: str) -> _Ternarized:
    """A frozen layer's packed bytes and scale as a ternary weight [rows, columns]."""
    data = self.const(packed, "packed weight")
    try:
        trits = unpack(data.cpu(), (rows, columns), encoding, 1)
    except ValueError as e:
        raise self.unsupported(f"its packed weight: {e}") from None
    name = re.sub(r"_?packed_weight$", "_weight", self.value(packed).name)
    return _ternarized(name, trits, self.const(scale, "scale"))


def _packed_linear_op(self, node, x, packed, scale, bias, in_features, out_features, encoding):
    weight = _packed_weight(self, packed, scale, out_features, in_features, encoding)
    return self.linear(node, x, weight, bias)


def _packed_conv2d_op(self, node, x, packed, scale, bias, weight_shape, stride, padding, dilation,
                      groups, encoding):
    out, inner, kh, kw = weight_shape
    weight = _packed_weight(self, packed, scale, out, inner * kh * kw, encoding)
    weight.trits = weight.trits.reshape(weight_shape)
    weight.value = weight.value.reshape(weight_shape)
    return self.conv2d(node, x, weight, bias, stride, padding, dilation, groups)


def _max_pool_fn(self, node, x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                 return_indices=False):
    return self.pool2d(node, x, "max", kernel_size, stride, padding, dilation, ceil_mode,
                       return_indices=return_indices)


def _avg_pool_fn(self, node, x, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
    return self.pool2d(node, x, "avg", kernel_size, stride, padding, 1, ceil_mode,
                       count_include_pad, divisor_override)


def _hardtanh_fn(self, node, x, min_val=-1.0, max_val=1.0, inplace=False):
    if inplace:
        self.check_inplace(node, x)
    return self.clamp(node, x, min_val, max_val)


def _relu6_fn(self, node, x, inplace=False):
    return _hardtanh_fn(self, node, x, 0.0, 6.0, inplace)


def _clamp_fn(self, node, x, min=None, max=None):
    if min is None or max is None:
        if min is not None and max is None and min == 0:
            return self.unary(node, "relu", x)
        raise self.unsupported("clamp needs both bounds")
    return self.clamp(node, x, min, max)


def _activation_fn(method: str) -> Callable:
    def translate(self, node, x, inplace=False):
        if inplace:
            self.check_inplace(node, x)
        return getattr(self, method)(node, x)

    return translate


def _embedding_fn(self, node, indices, weight, padding_idx=None, max_norm=None, norm_type=2.0,
                  scale_grad_by_freq=False, sparse=False):
    return self.embedding(node, indices, weight, padding_idx, max_norm)


def _mean_fn(self, node, x, dim=None, keepdim=False, *, dtype=None):
    return self.mean(node, x, dim, keepdim, dtype=dtype)


def _split_fn(self, node, x, split_size_or_sections, dim=0):
    return self.split(node, x, split_size_or_sections, dim)


_FUNCTIONS: Dict[Any, Callable] = {
    torch.ops.triton_dsl.ternarize.default: _ternarize_op,
    torch.ops.triton_dsl.packed_linear.default: _packed_linear_op,
    torch.ops.triton_dsl.packed_conv2d.default: _packed_conv2d_op,
    F.linear: _Translator.linear,
    torch._C._nn.linear: _Translator.linear,
    F.conv2d: _Translator.conv2d,
    torch.conv2d: _Translator.conv2d,
    F.relu: _relu_fn,
    torch.relu: _relu_fn,
    _method("relu"): _relu_fn,
    F.gelu: _gelu_fn,
    torch._C._nn.gelu: _gelu_fn,
    F.sigmoid: _unary_fn("sigmoid"),
    torch.sigmoid: _unary_fn("sigmoid"),
    _method("sigmoid"): _unary_fn("sigmoid"),
    F.tanh: _unary_fn("tanh"),
    torch.tanh: _unary_fn("tanh"),
    _method("tanh"): _unary_fn("tanh"),
    F.softmax: _softmax_fn,
    torch.softmax: _softmax_fn,
    _method("softmax"): _softmax_fn,
    F.layer_norm: _Translator.layer_norm,
    torch.layer_norm: _Translator.layer_norm,
    F.batch_norm: _batch_norm_fn,
    torch.flatten: _flatten_fn,
    _method("flatten"): _flatten_fn,
    torch.reshape: _Translator.reshape,
    _method("reshape"): _Translator.reshape,
    _method("view"): _Translator.reshape,
    torch.transpose: _Translator.transpose,
    torch.t: _Translator.transpose,
    _method("transpose"): _Translator.transpose,
    _method("t"): _Translator.transpose,
    operator.add: _binary("+"),
    torch.add: _binary("+"),
    _method("add"): _binary("+"),
    operator.sub: _binary("-"),
    torch.sub: _binary("-"),
    _method("sub"): _binary("-"),
    operator.mul: _binary("*"),
    torch.mul: _binary("*"),
    _method("mul"): _binary("*"),
    operator.truediv: _binary("/"),
    torch.div: _binary("/"),
    _method("div"): _binary("/"),
    operator.neg: _Translator.neg,
    torch.neg: _Translator.neg,
    _method("neg"): _Translator.neg,
    operator.matmul: _Translator.matmul,
    torch.matmul: _Translator.matmul,
    _method("matmul"): _Translator.matmul,
    F.dropout: _Translator.dropout,
    _method("contiguous"): _Translator.identity,
    _method("size"): _Translator.size,
    getattr: _Translator.getattr_,
    operator.getitem: _Translator.getitem,
    # pooling and activations
    F.max_pool2d: _max_pool_fn,
    torch.max_pool2d: _max_pool_fn,
    F.avg_pool2d: _avg_pool_fn,
    torch._C._nn.avg_pool2d: _avg_pool_fn,
    F.adaptive_avg_pool2d: _Translator.adaptive_avg_pool2d,
    torch._C._nn.adaptive_avg_pool2d: _Translator.adaptive_avg_pool2d,
    F.hardtanh: _hardtanh_fn,
    torch._C._nn.hardtanh: _hardtanh_fn,
    F.relu6: _relu6_fn,
    torch.clamp: _clamp_fn,
    _method("clamp"): _clamp_fn,
    F.hardswish: _activation_fn("hardswish"),
    torch._C._nn.hardswish: _activation_fn("hardswish"),
    F.hardsigmoid: _activation_fn("hardsigmoid"),
    torch._C._nn.hardsigmoid: _activation_fn("hardsigmoid"),
    F.silu: _activation_fn("silu"),
    torch._C._nn.silu: _activation_fn("silu"),
    # layout
    torch.transpose: _Translator.transpose,
    _method("transpose"): _Translator.transpose,
    _method("t"): _Translator.transpose,
    torch.permute: _Translator.permute,
    _method("permute"): _Translator.permute,
    _method("expand"): _Translator.expand,
    _method("expand_as"): _Translator.expand,
    torch.cat: _Translator.cat,
    torch.concat: _Translator.cat,
    torch.split: _split_fn,
    _method("split"): _split_fn,
    torch.chunk: _Translator.chunk,
    _method("chunk"): _Translator.chunk,
    torch.unbind: _Translator.unbind,
    _method("unbind"): _Translator.unbind,
    torch.unsqueeze: _Translator.squeeze_like,
    _method("unsqueeze"): _Translator.squeeze_like,
    torch.squeeze: _Translator.squeeze_like,
    _method("squeeze"): _Translator.squeeze_like,
    torch.unflatten: _Translator.squeeze_like,
    _method("unflatten"): _Translator.squeeze_like,
    # reductions, products, lookups
    torch.mean: _mean_fn,
    _method("mean"): _mean_fn,
    torch.bmm: _Translator.matmul,
    _method("bmm"): _Translator.matmul,
    F.embedding: _embedding_fn,
    F.scaled_dot_product_attention: _Translator.attention,
    # in-place arithmetic: the pure op when nothing reads the old value again
    operator.iadd: _binary("+", inplace=True),
    _method("add_"): _binary("+", inplace=True),
    operator.isub: _binary("-", inplace=True),
    _method("sub_"): _binary("-", inplace=True),
    operator.imul: _binary("*", inplace=True),
    _method("mul_"): _binary("*", inplace=True),
    operator.itruediv: _binary("/", inplace=True),
    _method("div_"): _binary("/", inplace=True),
    operator.floordiv: _binary("//"),
    # shape checks (dropped when they hold at capture time)
    torch._assert: _Translator.assert_,
    _method("dim"): _Translator.rank,
    _method("ndimension"): _Translator.rank,
    torch._transformer_encoder_layer_fwd: _Translator.encoder_layer_fwd,
    F.multi_head_attention_forward: _Translator.multi_head_attention_forward,
    operator.eq: _compare(operator.eq),
    operator.ne: _compare(operator.ne),
    operator.lt: _compare(operator.lt),
    operator.le: _compare(operator.le),
    operator.gt: _compare(operator.gt),
    operator.ge: _compare(operator.ge),
}


#: The package's QAT layers and their frozen forms: leaves of the trace.
_QAT_LAYERS = (TernaryLinear, TernaryConv2d, PackedTernaryLinear, PackedTernaryConv2d)


class _Tracer(torch.fx.Tracer):
    """torch.fx's tracer with the QAT layers as leaf modules."""

    def is_leaf_module(self, m: nn.Module, module_qualified_name: str) -> bool:
        return isinstance(m, _QAT_LAYERS) or super().is_leaf_module(m, module_qualified_name)


def _trace(model: nn.Module) -> torch.fx.GraphModule:
    tracer = _Tracer()
    graph = tracer.trace(model)
    return torch.fx.GraphModule(tracer.root, graph, type(model).__name__)


class _Holder(nn.Module):
    """A module that calls one module of _DECOMPOSED_MODULES (see from_fx)."""

    def __init__(self, inner: nn.Module):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return self.inner(x)


class _AttentionHolder(_Holder):
    def forward(self, query, key, value):
        return self.inner(query, key, value)


#: Modules the FX front end translates whole, as a decomposition into the
#: DSL's operations (symbolic tracing keeps torch.nn modules as leaves).
_DECOMPOSED_MODULES = (nn.MultiheadAttention, nn.TransformerEncoderLayer)


def _capture_with_dynamo(model: nn.Module, example_inputs: Sequence[Any],
                         trace_error: Exception) -> Tuple[torch.fx.GraphModule, List[Any]]:
    """The one graph torch.compile's front end (Dynamo) captures of ``model``
    on ``example_inputs``, for models that symbolic tracing cannot follow
    (``x[:, :x.size(1)]``): (graph, its inputs, the positions of the inputs
    that are weights and buffers). Sizes are static."""
    captured: List[Tuple[torch.fx.GraphModule, List[Any]]] = []
    user = {id(x) for x in example_inputs}

    def capture(gm, inputs):
        captured.append((gm, list(inputs)))
        return gm.forward

    def refuse(reason: str) -> UnsupportedOperationError:
        return UnsupportedOperationError(
            type(model).__name__, f"module {type(model).__name__}",
            f"torch.fx cannot trace it ({trace_error}) and {reason}")

    try:
        with torch.no_grad():
            torch.compile(model, backend=capture, fullgraph=True, dynamic=False)(*example_inputs)
    except Exception as e:
        raise refuse(f"torch.compile cannot capture it as one graph: {e}") from e
    if len(captured) != 1:
        raise refuse(f"torch.compile captured {len(captured)} graphs")
    gm, inputs = captured[0]
    # Graph inputs that are not the caller's tensors are the model's weights and buffers.
    state = {i for i, x in enumerate(inputs) if isinstance(x, torch.Tensor) and id(x) not in user}
    return gm, inputs, state


def _fetch_attr(gm: torch.fx.GraphModule, target: str) -> Any:
    value: Any = gm
    for part in target.split("."):
        value = getattr(value, part)
    return value


def _is_weight_source(source: Any) -> bool:
    """Whether a torch.compile graph input is a parameter or buffer of the model."""
    while source is not None:
        if type(source).__name__ in ("UnspecializedParamBufferSource", "ParamBufferSource"):
            return True
        if getattr(source, "member", None) in ("_parameters", "_buffers"):
            return True
        source = getattr(source, "base", None)
    return False


def _compile_time_shapes(gm: torch.fx.GraphModule, example_inputs: Sequence[Any],
                         dynamic_batch: bool) -> Tuple[Dict[str, Any], bool]:
    """node name -> (shape with 'N' for the batch dim, dtype); and whether N was used."""
    first = _propagate(gm, example_inputs)
    tensors = [x for x in example_inputs if isinstance(x, torch.Tensor)]
    if not dynamic_batch or not tensors or any(x.dim() == 0 for x in tensors):
        return first, False
    batch = tensors[0].shape[0]
    if any(x.shape[0] != batch for x in tensors):
        return first, False
    grown = [torch.cat([x, x[:1]]) if isinstance(x, torch.Tensor) else x for x in example_inputs]
    try:
        second = _propagate(gm, grown)
    except Exception:  # the model is tied to the example batch size
        return _propagate(gm, example_inputs), False
    shapes = {}
    for name, (shape, dtype) in first.items():
        other = second.get(name, (shape, dtype))[0]
        if len(other) != len(shape):
            return _propagate(gm, example_inputs), False
        dims: List[Dim] = []
        for a, b in zip(shape, other):
            if a == b:
                dims.append(a)
            elif a == batch and b == batch + 1:
                dims.append("N")
            else:  # a dim that grows unlike the batch (e.g. flattened into it)
                return _propagate(gm, example_inputs), False
        shapes[name] = (tuple(dims), dtype)
    return shapes, True


def _dynamo_shapes(gm: torch.fx.GraphModule) -> Optional[Dict[str, Any]]:
    """Shapes from torch.compile's example values (symbolic sizes keep their names)."""
    shapes = {}
    for node in gm.graph.nodes:
        value = node.meta.get("example_value")
        if isinstance(value, torch.Tensor):
            dims = tuple(_dim_of(d) for d in value.shape)
            if any(d is None for d in dims):
                return None  # a size expression: propagate the real inputs' shapes instead
            shapes[node.name] = (dims, value.dtype)
    return shapes


def from_fx(model: Union[nn.Module, torch.fx.GraphModule], example_inputs: Sequence[Any], *,
            quantizer: str = "absmean", per_channel: bool = False,
            threshold: Optional[float] = None, seed: int = 0, dynamic_batch: bool = True,
            name: Optional[str] = None) -> TernaryProgram:
    """Captures ``model`` into a ternary program.

    Args:
        model: an ``nn.Module`` (traced with ``torch.fx.symbolic_trace``) or a
            ``torch.fx.GraphModule`` (e.g. the one torch.compile gives a backend).
        example_inputs: one float32 tensor per graph input (for a torch.compile
            graph: its example inputs, weights included).
        quantizer: ``"absmean"`` (BitNet b1.58), ``"threshold"`` (needs
            ``threshold``) or ``"stochastic"`` (uses ``seed``).
        per_channel: one scale per output channel instead of per tensor.
        dynamic_batch: make dim 0 of the inputs the symbolic dim ``N`` (kept
            static when the model ties a size to the example batch).
        name: the layer's name (default: the model's class name).

    Returns:
        a :class:`TernaryProgram`; ``.module()`` is the generated PyTorch module
        with the weights loaded, ``.compile("mlir")`` the ternary dialect.

    Raises:
        UnsupportedOperationError: naming the first node that cannot be translated.
    """
    if quantizer not in METHODS:
        raise ValueError(f"unknown quantizer {quantizer!r}; expected one of {sorted(METHODS)}")
    if isinstance(example_inputs, torch.Tensor):
        example_inputs = (example_inputs,)
    example_inputs = list(example_inputs)
    state: set = set()  # graph inputs known to be weights (a Dynamo capture)
    if isinstance(model, torch.fx.GraphModule):
        gm = model
    elif isinstance(model, nn.Module):
        if isinstance(model, _DECOMPOSED_MODULES):
            # The root of a trace is never a leaf: hold it in a module whose
            # forward calls it, so that it is translated as one call.
            name = name or type(model).__name__
            model = (_AttentionHolder if isinstance(model, nn.MultiheadAttention) else _Holder)(model)
        try:
            gm = _trace(model)
        except Exception as e:  # sizes used as Python values, data-dependent control flow
            name = name or type(model).__name__
            gm, example_inputs, state = _capture_with_dynamo(model, example_inputs, e)
            dynamic_batch = False
    else:
        raise TypeError(f"from_fx expects an nn.Module or a GraphModule, got {type(model).__name__}")

    placeholders = [n for n in gm.graph.nodes if n.op == "placeholder"]
    if len(placeholders) != len(example_inputs):
        raise ValueError(f"the graph has {len(placeholders)} inputs, {len(example_inputs)} "
                         "example inputs were given")
    constants = {}
    for position in state:
        constants[placeholders[position].name] = example_inputs[position].detach()
    for index, (node, example) in enumerate(zip(placeholders, example_inputs)):
        if node.name in constants:
            continue
        grapharg = node.meta.get("grapharg")
        if isinstance(example, torch.Tensor) and (
                isinstance(example, nn.Parameter)
                or (grapharg is not None and _is_weight_source(getattr(grapharg, "source", None)))):
            constants[node.name] = example.detach()
        elif (isinstance(example, torch.Tensor) and example.is_floating_point()
              and example.dtype != torch.float32):
            raise TypeError(f"from_fx: example input {index} ('{node.name}') is {example.dtype}; "
                            "a captured program takes float32 inputs: pass x.float() "
                            "(and capture model.float())")

    shapes = _dynamo_shapes(gm) if all("example_value" in n.meta for n in placeholders) else None
    dynamic = False
    if shapes is None:
        shapes, dynamic = _compile_time_shapes(gm, example_inputs, dynamic_batch)
    else:
        dynamic = any(isinstance(d, str) for s, _ in shapes.values() for d in s)

    translator = _Translator(gm, shapes, constants,
                             _Quantizer(quantizer, per_channel, threshold, seed))
    translator.names.add("N")
    translator.run()
    default = "Captured" if isinstance(model, torch.fx.GraphModule) else type(model).__name__
    layer = translator.fresh(name or default)
    return TernaryProgram(
        source=translator.program(layer),
        layer_name=layer,
        ternary_params=translator.ternary,
        float_params=translator.floats,
        graph_code=gm.code,
        dynamic_batch=dynamic,
        returns_tuple=translator.returns_tuple,
        input_positions=translator.input_positions,
    )
