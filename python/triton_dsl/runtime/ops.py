"""The QAT layers' forward passes as PyTorch custom ops.

``torch.ops.triton_dsl.ternarize`` (quantize-dequantize of a latent weight,
straight-through gradient), ``packed_linear`` and ``packed_conv2d`` (the
frozen layers: packed uint8 weights, float scale, bias) are what
``TernaryLinear``, ``TernaryConv2d`` and their packed forms call. As custom
ops they stay one node each when a model is captured: ``torch.fx``,
``torch.compile`` (Dynamo) and ``torch.export`` record the call with the
weight and the quantizer's settings as its arguments instead of tracing into
the numpy quantizer or the unpacking, and the FX front end
(:mod:`triton_dsl.fx`) maps each node straight to a ternary param with the
layer's own scale. Each op has a fake kernel (shapes only) and an autograd
formula.
"""

from __future__ import annotations

from typing import List, Optional

import torch
from torch.nn import functional as F

from .packing import unpack
from .quantize import quantize

__all__ = ["packed_conv2d", "packed_linear", "ternarize_op"]


@torch.library.custom_op("triton_dsl::ternarize", mutates_args=())
def ternarize_op(weight: torch.Tensor, method: str, channel_axis: Optional[int],
                 threshold: Optional[float], seed: int) -> torch.Tensor:
    """``trits * scale`` of :func:`triton_dsl.quantize` (C-identical), in ``weight``'s dtype."""
    trits, scales = quantize(weight.detach(), method, channel_axis, threshold, seed)
    if channel_axis is not None:
        view = [1] * weight.dim()
        view[channel_axis % weight.dim()] = -1
        scales = scales.reshape(view)
    return (trits.to(torch.float32) * scales).to(weight.dtype)


@ternarize_op.register_fake
def _ternarize_fake(weight, method, channel_axis, threshold, seed):
    return torch.empty_like(weight)


def _ternarize_backward(ctx, grad):
    return grad, None, None, None, None  # straight-through


ternarize_op.register_autograd(_ternarize_backward)


def _trits(packed: torch.Tensor, rows: int, columns: int, encoding: str) -> torch.Tensor:
    """The [rows, columns] trits of a weight packed along its columns (validated)."""
    return unpack(packed, (rows, columns), encoding, 1)


def _scaled(trits: torch.Tensor, scale: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    scale = scale.to(torch.float32)
    view = scale.reshape(-1, *([1] * (trits.dim() - 1))) if scale.dim() == 1 else scale
    return (trits.to(torch.float32) * view).to(dtype)


@torch.library.custom_op("triton_dsl::packed_linear", mutates_args=())
def packed_linear(x: torch.Tensor, packed: torch.Tensor, scale: torch.Tensor,
                  bias: Optional[torch.Tensor], in_features: int, out_features: int,
                  encoding: str) -> torch.Tensor:
    """``F.linear(x, trits * scale, bias)``; ``packed`` is [out, in] packed along in."""
    weight = _scaled(_trits(packed, out_features, in_features, encoding), scale, x.dtype)
    return F.linear(x, weight, None if bias is None else bias.to(x.dtype))


@packed_linear.register_fake
def _packed_linear_fake(x, packed, scale, bias, in_features, out_features, encoding):
    torch._check(x.shape[-1] == in_features,
                 lambda: f"packed_linear: x's last dimension must be in_features = {in_features}")
    return x.new_empty((*x.shape[:-1], out_features))


def _packed_linear_setup(ctx, inputs, output):
    x, packed, scale, bias, in_features, out_features, encoding = inputs
    ctx.save_for_backward(packed, scale)
    ctx.layout = (in_features, out_features, encoding)


def _packed_linear_backward(ctx, grad):
    packed, scale = ctx.saved_tensors
    in_features, out_features, encoding = ctx.layout
    weight = _scaled(_trits(packed, out_features, in_features, encoding), scale, grad.dtype)
    return grad @ weight, None, None, None, None, None, None


packed_linear.register_autograd(_packed_linear_backward, setup_context=_packed_linear_setup)


@torch.library.custom_op("triton_dsl::packed_conv2d", mutates_args=())
def packed_conv2d(x: torch.Tensor, packed: torch.Tensor, scale: torch.Tensor,
                  bias: Optional[torch.Tensor], weight_shape: List[int], stride: List[int],
                  padding: List[int], dilation: List[int], groups: int,
                  encoding: str) -> torch.Tensor:
    """``F.conv2d(x, trits * scale, bias, ...)``; ``packed`` is the weight
    [out, in/groups * kh * kw] packed along its columns (one row per output
    channel), ``weight_shape`` its logical [out, in/groups, kh, kw]."""
    out_channels = weight_shape[0]
    columns = weight_shape[1] * weight_shape[2] * weight_shape[3]
    trits = _trits(packed, out_channels, columns, encoding).reshape(weight_shape)
    weight = _scaled(trits, scale, x.dtype)
    return F.conv2d(x, weight, None if bias is None else bias.to(x.dtype), stride, padding,
                    dilation, groups)


@packed_conv2d.register_fake
def _packed_conv2d_fake(x, packed, scale, bias, weight_shape, stride, padding, dilation, groups,
                        encoding):
    weight = x.new_empty(weight_shape)
    return F.conv2d(x, weight, None, stride, padding, dilation, groups)


def _packed_conv2d_setup(ctx, inputs, output):
    x, packed, scale, bias, weight_shape, stride, padding, dilation, groups, encoding = inputs
    ctx.save_for_backward(packed, scale)
    ctx.layout = (tuple(x.shape), weight_shape, stride, padding, dilation, groups, encoding)


def _packed_conv2d_backward(ctx, grad):
    packed, scale = ctx.saved_tensors
    x_shape, weight_shape, stride, padding, dilation, groups, encoding = ctx.layout
    columns = weight_shape[1] * weight_shape[2] * weight_shape[3]
    trits = _trits(packed, weight_shape[0], columns, encoding).reshape(weight_shape)
    weight = _scaled(trits, scale, grad.dtype)
    grad_x = torch.nn.grad.conv2d_input(x_shape, weight, grad, stride, padding, dilation, groups)
    return grad_x, None, None, None, None, None, None, None, None, None


packed_conv2d.register_autograd(_packed_conv2d_backward, setup_context=_packed_conv2d_setup)
