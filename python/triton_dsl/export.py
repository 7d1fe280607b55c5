"""``from_exported``: a ``torch.export.ExportedProgram`` to a ternary program.

``torch.export`` is the capture torch-mlir and IREE take: one graph of ATen
operators with the weights lifted to inputs (``graph_signature``) and the
input shapes, static or symbolic, in each node's ``meta["val"]``. This
module rewrites that graph into the form :func:`triton_dsl.from_fx` reads:

* each lifted parameter, buffer or tensor constant becomes a ``get_attr`` of
  its value, so ``from_fx`` sees a weight of the model, not an input;
* each ATen operator ``aten.NAME.overload`` becomes the torch function with
  the same arguments (``torch.NAME``, else ``torch._C._nn.NAME``), a tensor
  method (``view``, ``sym_size``) or an adapter where the argument order
  differs (``batch_norm``, ``dropout``); an operator without one stays as it
  is and ``from_fx`` refuses it, naming it;
* the package's custom ops (``torch.ops.triton_dsl.*``, the QAT layers) are
  kept: ``from_fx`` maps them itself.

The shapes are the exported program's: a dim exported as dynamic
(``dynamic_shapes=``) is a symbolic dim of the program, the others are fixed.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

import torch
import torch.fx
import torch.nn.functional as F
from torch import nn

from .fx import TernaryProgram, from_fx

__all__ = ["from_exported"]


def _batch_norm_args(input, weight, bias, running_mean, running_var, training, momentum, eps,
                     cudnn_enabled=True):
    """aten.batch_norm's arguments in F.batch_norm's order."""
    return (input, running_mean, running_var, weight, bias, training, momentum, eps)


#: ATen operators whose torch function is another one, or takes the
#: arguments in another order: name -> (function, argument rewrite or None).
_ADAPTERS: Dict[str, Any] = {
    "batch_norm": (F.batch_norm, _batch_norm_args),
    "dropout": (F.dropout, None),
    "linear": (F.linear, None),
    "gelu": (F.gelu, None),
}
#: ATen operators that are tensor methods.
_METHODS = {"view": "view", "_unsafe_view": "view", "sym_size": "size", "clone": "contiguous"}


def _retarget(node: torch.fx.Node) -> None:
    """Points an ATen call at the torch function from_fx knows (in place)."""
    target = node.target
    if not isinstance(target, torch._ops.OpOverload) or target.namespace != "aten":
        return
    name = target.overloadpacket.__name__
    if name in _METHODS:
        if name == "clone" and set(node.kwargs) - {"memory_format"}:
            return
        node.op = "call_method"
        node.target = _METHODS[name]
        node.kwargs = {}
        return
    if name in _ADAPTERS:
        function, rewrite = _ADAPTERS[name]
        if rewrite is not None:
            node.args = rewrite(*node.args, **node.kwargs)
            node.kwargs = {}
        node.target = function
        return
    function = getattr(torch, name, None) or getattr(torch._C._nn, name, None)
    if callable(function):
        node.target = function


def _module_name(exported: torch.export.ExportedProgram) -> Optional[str]:
    """The exported module's class name, from the nodes' nn_module_stack."""
    for node in exported.graph.nodes:
        for path, kind in (node.meta.get("nn_module_stack") or {}).values():
            if path == "":
                return (kind if isinstance(kind, str) else kind.__name__).rsplit(".", 1)[-1]
    return None


def from_exported(exported: torch.export.ExportedProgram,
                  example_inputs: Optional[Sequence[Any]] = None, *, quantizer: str = "absmean",
                  per_channel: bool = False, threshold: Optional[float] = None, seed: int = 0,
                  name: Optional[str] = None) -> TernaryProgram:
    """Captures a ``torch.export`` program into a ternary program.

    Args:
        exported: what ``torch.export.export(model, args)`` (or
            ``torch.export.load("model.pt2")``) returns; eval-mode models.
        example_inputs: the user inputs (default: the ones it was exported
            with, ``exported.example_inputs``).
        quantizer, per_channel, threshold, seed, name: as for :func:`from_fx`.

    Returns:
        a :class:`TernaryProgram`, as :func:`from_fx`.

    Raises:
        UnsupportedOperationError: naming the first node that cannot be translated.
        ValueError: a program with keyword inputs, buffer mutations (a model
            exported in training mode), tokens or custom objects.
    """
    from torch.export.graph_signature import InputKind, OutputKind

    if not isinstance(exported, torch.export.ExportedProgram):
        raise TypeError(f"from_exported expects a torch.export.ExportedProgram, "
                        f"got {type(exported).__name__}")
    signature = exported.graph_signature
    for spec in signature.output_specs:
        if spec.kind != OutputKind.USER_OUTPUT:
            raise ValueError(f"the exported program has a {spec.kind.name.lower()} output "
                             f"({spec.target or spec.arg}): export the model in eval mode "
                             "(model.eval()), whose graph only computes outputs")
    if example_inputs is None:
        recorded = getattr(exported, "example_inputs", None)
        if recorded is None:
            raise ValueError("the exported program has no example inputs; pass example_inputs=")
        args, kwargs = recorded
        if kwargs:
            raise ValueError("keyword inputs are not supported; export with positional args")
        example_inputs = args
    if isinstance(example_inputs, torch.Tensor):
        example_inputs = (example_inputs,)
    example_inputs = list(example_inputs)

    weights = exported.state_dict
    root = nn.Module()
    graph = torch.fx.Graph()
    env: Dict[torch.fx.Node, torch.fx.Node] = {}
    specs = {spec.arg.name: spec for spec in signature.input_specs}
    for node in exported.graph.nodes:
        if node.op == "placeholder":
            spec = specs[node.name]
            if spec.kind == InputKind.USER_INPUT:
                copy = graph.placeholder(node.name)
                copy.meta["example_value"] = node.meta.get("val")
            elif spec.kind in (InputKind.PARAMETER, InputKind.BUFFER, InputKind.CONSTANT_TENSOR):
                value = weights[spec.target] if spec.target in weights else exported.constants[spec.target]
                attr = spec.target.replace(".", "_")
                root.register_buffer(attr, value.detach(), persistent=False)
                copy = graph.get_attr(attr)
            else:
                raise ValueError(f"exported input {node.name} is a {spec.kind.name.lower()}; "
                                 "only tensors, parameters, buffers and constants are supported")
        else:
            if isinstance(node.target, torch._ops.OpOverload) and node.target._schema.is_mutable:
                raise ValueError(f"the exported program updates a tensor in place ({node.target} "
                                 f"at node '{node.name}'): export the model in eval mode "
                                 "(model.eval()), whose graph only computes outputs")
            copy = graph.node_copy(node, lambda n: env[n])
            val = node.meta.get("val")
            if val is not None:
                copy.meta["example_value"] = val
            _retarget(copy)
        env[node] = copy
    users = [n for n in graph.nodes if n.op == "placeholder"]
    if len(users) != len(example_inputs):
        raise ValueError(f"the exported program has {len(users)} inputs, {len(example_inputs)} "
                         "example inputs were given")
    gm = torch.fx.GraphModule(root, graph, "Exported")
    return from_fx(gm, example_inputs, quantizer=quantizer, per_channel=per_channel,
                   threshold=threshold, seed=seed, dynamic_batch=False,
                   name=name or _module_name(exported) or "Exported")
