"""Quantization-aware training and packed inference layers.

* :func:`ternarize` applies a quantizer in the forward pass and a
  straight-through estimator (STE) in the backward pass: the gradient with
  respect to the latent float weight is the gradient with respect to the
  ternarized weight, unchanged (as in BitNet's ``w + (q(w) - w).detach()``).
* :class:`TernaryLinear` is ``nn.Linear`` trained with QAT: it keeps latent
  float weights and uses ``trits * scale`` in the forward pass.
* :class:`PackedTernaryLinear` is its inference form: only the packed uint8
  weight, the float32 scale(s) and the bias are stored, and its state_dict
  round-trips through ``torch.save`` / ``torch.load``.
* :class:`TernaryConv2d` / :class:`PackedTernaryConv2d` are the same for
  ``nn.Conv2d``: the weight [out, in/groups, kh, kw] is packed as
  [out, in/groups * kh * kw] along its columns (one row per output channel).

The forward passes call the custom ops of :mod:`.ops`
(``torch.ops.triton_dsl.ternarize``, ``packed_linear``, ``packed_conv2d``),
so ``torch.fx``, ``torch.compile`` and ``torch.export`` capture each layer as
one node that the FX front end maps to a ternary param with the layer's own
scale.

Weights follow PyTorch's ``[out_features, in_features]`` layout and are packed
along axis 1 (in_features): each output feature is one contiguous packed row.
These are the same bytes as the compiler's ``W[K, N]`` (K = in_features,
N = out_features) packed along axis 0.
"""

from __future__ import annotations

import math
from typing import Optional

import torch
from torch import nn
from torch.nn import functional as F

from .ops import packed_conv2d, packed_linear, ternarize_op
from .packing import packed_size, validate
from .quantize import METHODS, quantize
from .tensor import TernaryTensor

__all__ = ["PackedTernaryConv2d", "PackedTernaryLinear", "TernarizeSTE", "TernaryConv2d",
           "TernaryLinear", "ternarize"]

# Version tag of PackedTernaryLinear's extra state (the packing format of
# ternary_packing.h plus the layout fields below).
_FORMAT = "triton_dsl.packed_linear/1"


def _scale_view(scales: torch.Tensor, rank: int, channel_axis: Optional[int]) -> torch.Tensor:
    if channel_axis is None:
        return scales
    view = [1] * rank
    view[channel_axis] = -1
    return scales.reshape(view)


class TernarizeSTE(torch.autograd.Function):
    """Forward: ``trits * scale`` of :func:`quantize`. Backward: identity."""

    @staticmethod
    def forward(ctx, weight, method, channel_axis, threshold, seed):
        trits, scales = quantize(weight, method, channel_axis, threshold, seed)
        if channel_axis is not None:
            channel_axis %= weight.dim()
        dequantized = trits.to(torch.float32) * _scale_view(scales, weight.dim(), channel_axis)
        return dequantized.to(weight.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output, None, None, None, None


def ternarize(weight: torch.Tensor, method: str = "absmean", channel_axis: Optional[int] = None,
              threshold: Optional[float] = None, seed: int = 0) -> torch.Tensor:
    """Quantize-dequantize ``weight`` with a straight-through gradient (the
    custom op ``torch.ops.triton_dsl.ternarize``, one node in a captured graph)."""
    return ternarize_op(weight, method, channel_axis, threshold, seed)


class TernaryLinear(nn.Module):
    """A linear layer with ternary weights, trained with QAT.

    Args:
        in_features, out_features, bias: as in ``nn.Linear``.
        method: ``"absmean"`` (BitNet b1.58, the default), ``"threshold"``
            (needs ``threshold``) or ``"stochastic"`` (uses ``seed``).
        per_channel: one scale per output feature instead of one per tensor.
        encoding: packing used by :meth:`freeze` (``"offset2"`` or ``"base3"``).

    The latent float weights are ordinary parameters; any optimizer trains
    them. ``freeze()`` returns the packed inference module.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 method: str = "absmean", per_channel: bool = False,
                 threshold: Optional[float] = None, seed: int = 0,
                 encoding: str = "offset2", device=None, dtype=None):
        super().__init__()
        if method not in METHODS:
            raise ValueError(f"unknown quantization method {method!r}; expected one of {sorted(METHODS)}")
        if method == "threshold" and threshold is None:
            raise ValueError("method='threshold' needs threshold=d (d >= 0)")
        packed_size((out_features, in_features), encoding, 1)  # checks the encoding
        self.in_features = in_features
        self.out_features = out_features
        self.method = method
        self.per_channel = per_channel
        self.threshold = threshold
        self.seed = seed
        self.encoding = encoding
        factory = {"device": device, "dtype": dtype}
        self.weight = nn.Parameter(torch.empty((out_features, in_features), **factory))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_features, **factory))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """The initialization of ``nn.Linear``."""
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0
            nn.init.uniform_(self.bias, -bound, bound)

    @property
    def channel_axis(self) -> Optional[int]:
        return 0 if self.per_channel else None

    def quantized_weight(self) -> torch.Tensor:
        """``trits * scale`` of the current weights, with the STE gradient."""
        return ternarize(self.weight, self.method, self.channel_axis, self.threshold, self.seed)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.quantized_weight(), self.bias)

    def ternary_weight(self) -> TernaryTensor:
        """The packed weights (packed along in_features)."""
        return TernaryTensor.from_float(self.weight.detach(), self.method, self.encoding, axis=1,
                                        channel_axis=self.channel_axis,
                                        threshold=self.threshold, seed=self.seed)

    def freeze(self) -> "PackedTernaryLinear":
        """The inference form: packed uint8 weights + scale, no float weights."""
        packed = PackedTernaryLinear(self.in_features, self.out_features, self.bias is not None,
                                     self.encoding, self.per_channel, device=self.weight.device)
        packed.load_ternary_weight(self.ternary_weight())
        if self.bias is not None:
            packed.bias.copy_(self.bias.detach().to(torch.float32))
        return packed

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}, method={self.method!r}, "
                f"per_channel={self.per_channel}")


class PackedTernaryLinear(nn.Module):
    """Inference linear layer over packed ternary weights.

    Its state_dict holds ``packed_weight`` (uint8, the bytes of
    ternary_packing.h), ``weight_scale`` (float32, ``()`` or
    ``(out_features,)``), ``bias`` (float32, if any) and an extra state that
    records the layout; loading checks the layout and validates every byte.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 encoding: str = "offset2", per_channel: bool = False, device=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.encoding = encoding
        self.per_channel = per_channel
        nbytes = packed_size(self.weight_shape, encoding, 1)
        # An all-zero weight until loaded (zero trits, scale 1).
        zero = 0x55 if encoding == "offset2" else 121
        self.register_buffer("packed_weight",
                             torch.full((nbytes,), zero, dtype=torch.uint8, device=device))
        scale_shape = (out_features,) if per_channel else ()
        self.register_buffer("weight_scale", torch.ones(scale_shape, dtype=torch.float32, device=device))
        if bias:
            self.register_buffer("bias", torch.zeros(out_features, dtype=torch.float32, device=device))
        else:
            self.bias = None
        self.register_load_state_dict_post_hook(PackedTernaryLinear._validate_after_load)

    @property
    def weight_shape(self):
        return (self.out_features, self.in_features)

    @property
    def channel_axis(self) -> Optional[int]:
        return 0 if self.per_channel else None

    @classmethod
    def from_float(cls, linear: nn.Linear, method: str = "absmean", per_channel: bool = False,
                   encoding: str = "offset2", threshold: Optional[float] = None,
                   seed: int = 0) -> "PackedTernaryLinear":
        """Quantizes a trained ``nn.Linear`` (post-training quantization)."""
        module = cls(linear.in_features, linear.out_features, linear.bias is not None, encoding,
                     per_channel, device=linear.weight.device)
        module.load_ternary_weight(TernaryTensor.from_float(
            linear.weight.detach(), method, encoding, axis=1,
            channel_axis=0 if per_channel else None, threshold=threshold, seed=seed))
        if linear.bias is not None:
            module.bias.copy_(linear.bias.detach().to(torch.float32))
        return module

    @torch.no_grad()
    def load_ternary_weight(self, weight: TernaryTensor) -> None:
        """Stores a TernaryTensor of shape (out, in) packed along axis 1."""
        if (weight.shape != self.weight_shape or weight.axis != 1
                or weight.encoding != self.encoding or weight.channel_axis != self.channel_axis):
            raise ValueError(f"{weight!r} does not fit {self}: need shape {self.weight_shape}, "
                             f"axis 1, encoding {self.encoding!r}, channel_axis {self.channel_axis}")
        self.packed_weight.copy_(weight.packed)
        self.weight_scale.copy_(weight.scale)

    def ternary_weight(self) -> TernaryTensor:
        return TernaryTensor(self.packed_weight, self.weight_shape, self.encoding, 1,
                             self.weight_scale, self.channel_axis, check=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # unpack() validates the bytes, so a corrupted buffer raises here too.
        return packed_linear(x, self.packed_weight, self.weight_scale, self.bias,
                             self.in_features, self.out_features, self.encoding)

    # -- state_dict ---------------------------------------------------------
    def get_extra_state(self):
        return {"format": _FORMAT, "encoding": self.encoding,
                "shape": list(self.weight_shape), "axis": 1, "channel_axis": self.channel_axis}

    def set_extra_state(self, state) -> None:
        expected = self.get_extra_state()
        if state != expected:
            raise ValueError(f"packed weight layout {state} does not match this module's {expected}")

    @staticmethod
    def _validate_after_load(module, incompatible_keys) -> None:
        validate(module.packed_weight, module.weight_shape, module.encoding, 1)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}, encoding={self.encoding!r}, "
                f"per_channel={self.per_channel}, packed_bytes={self.packed_weight.numel()}")


_CONV_FORMAT = "triton_dsl.packed_conv2d/1"


def _pair(value) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


class TernaryConv2d(nn.Conv2d):
    """``nn.Conv2d`` with ternary weights, trained with QAT.

    Takes ``nn.Conv2d``'s arguments plus ``method``, ``per_channel`` (one
    scale per output channel), ``threshold``, ``seed`` and ``encoding`` as
    :class:`TernaryLinear` does. The forward pass convolves with
    ``trits * scale`` of the latent float weight (straight-through gradient);
    ``freeze()`` returns the packed :class:`PackedTernaryConv2d`.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 dilation=1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 method: str = "absmean", per_channel: bool = False,
                 threshold: Optional[float] = None, seed: int = 0, encoding: str = "offset2",
                 device=None, dtype=None):
        if method not in METHODS:
            raise ValueError(f"unknown quantization method {method!r}; expected one of {sorted(METHODS)}")
        if method == "threshold" and threshold is None:
            raise ValueError("method='threshold' needs threshold=d (d >= 0)")
        packed_size((1, 1), encoding, 1)  # checks the encoding
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, device=device, dtype=dtype)
        self.method = method
        self.per_channel = per_channel
        self.threshold = threshold
        self.seed = seed
        self.encoding = encoding

    @property
    def channel_axis(self) -> Optional[int]:
        return 0 if self.per_channel else None

    def quantized_weight(self) -> torch.Tensor:
        """``trits * scale`` of the current weights, with the STE gradient."""
        return ternarize(self.weight, self.method, self.channel_axis, self.threshold, self.seed)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._conv_forward(x, self.quantized_weight(), self.bias)

    def explicit_padding(self) -> tuple:
        """The padding as two ints (``"valid"`` and symmetric ``"same"`` resolved)."""
        if self.padding == "valid":
            return (0, 0)
        if self.padding == "same":
            totals = [d * (k - 1) for d, k in zip(self.dilation, self.kernel_size)]
            if any(t % 2 for t in totals):
                raise ValueError("padding='same' with an even kernel pads unevenly; "
                                 "the packed form takes symmetric padding only")
            return tuple(t // 2 for t in totals)
        return tuple(self.padding)

    def freeze(self) -> "PackedTernaryConv2d":
        """The inference form: packed uint8 weights + scale, no float weights."""
        if self.padding_mode != "zeros":
            raise ValueError(f"padding_mode={self.padding_mode!r}: the packed form pads with zeros only")
        packed = PackedTernaryConv2d(self.in_channels, self.out_channels, self.kernel_size,
                                     self.stride, self.explicit_padding(), self.dilation,
                                     self.groups, self.bias is not None, self.encoding,
                                     self.per_channel, device=self.weight.device)
        rows = self.weight.detach().reshape(self.out_channels, -1)
        packed.load_ternary_weight(TernaryTensor.from_float(
            rows, self.method, self.encoding, axis=1, channel_axis=self.channel_axis,
            threshold=self.threshold, seed=self.seed))
        if self.bias is not None:
            packed.bias.copy_(self.bias.detach().to(torch.float32))
        return packed

    def extra_repr(self) -> str:
        return (super().extra_repr() + f", method={self.method!r}, per_channel={self.per_channel}")


class PackedTernaryConv2d(nn.Module):
    """Inference 2-D convolution over packed ternary weights.

    The weight [out, in/groups, kh, kw] is stored as the packed bytes of the
    [out, in/groups * kh * kw] matrix along its columns (``packed_weight``),
    with ``weight_scale`` (``()`` or ``(out,)``) and ``bias``; the extra
    state records the layout and loading validates every byte, as
    :class:`PackedTernaryLinear` does. Padding is zeros, symmetric.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 dilation=1, groups: int = 1, bias: bool = True, encoding: str = "offset2",
                 per_channel: bool = False, device=None):
        super().__init__()
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"in_channels {in_channels} and out_channels {out_channels} must be "
                             f"divisible by groups {groups}")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _pair(kernel_size)
        self.stride = _pair(stride)
        self.padding = _pair(padding)
        self.dilation = _pair(dilation)
        self.groups = groups
        self.encoding = encoding
        self.per_channel = per_channel
        nbytes = packed_size(self.packed_shape, encoding, 1)
        zero = 0x55 if encoding == "offset2" else 121
        self.register_buffer("packed_weight",
                             torch.full((nbytes,), zero, dtype=torch.uint8, device=device))
        scale_shape = (out_channels,) if per_channel else ()
        self.register_buffer("weight_scale", torch.ones(scale_shape, dtype=torch.float32, device=device))
        if bias:
            self.register_buffer("bias", torch.zeros(out_channels, dtype=torch.float32, device=device))
        else:
            self.bias = None
        self.register_load_state_dict_post_hook(PackedTernaryConv2d._validate_after_load)

    @property
    def weight_shape(self):
        """The logical weight [out, in/groups, kh, kw]."""
        return (self.out_channels, self.in_channels // self.groups, *self.kernel_size)

    @property
    def packed_shape(self):
        """The packed matrix [out, in/groups * kh * kw]."""
        out, inner, kh, kw = self.weight_shape
        return (out, inner * kh * kw)

    @property
    def channel_axis(self) -> Optional[int]:
        return 0 if self.per_channel else None

    @classmethod
    def from_float(cls, conv: nn.Conv2d, method: str = "absmean", per_channel: bool = False,
                   encoding: str = "offset2", threshold: Optional[float] = None,
                   seed: int = 0) -> "PackedTernaryConv2d":
        """Quantizes a trained ``nn.Conv2d`` (post-training quantization)."""
        qat = TernaryConv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride,
                            conv.padding, conv.dilation, conv.groups, conv.bias is not None,
                            conv.padding_mode, method, per_channel, threshold, seed, encoding,
                            device=conv.weight.device)
        qat.load_state_dict(conv.state_dict())
        return qat.freeze()

    @torch.no_grad()
    def load_ternary_weight(self, weight: TernaryTensor) -> None:
        """Stores a TernaryTensor of shape [out, in/groups * kh * kw] packed along axis 1."""
        if (weight.shape != self.packed_shape or weight.axis != 1
                or weight.encoding != self.encoding or weight.channel_axis != self.channel_axis):
            raise ValueError(f"{weight!r} does not fit {self}: need shape {self.packed_shape}, "
                             f"axis 1, encoding {self.encoding!r}, channel_axis {self.channel_axis}")
        self.packed_weight.copy_(weight.packed)
        self.weight_scale.copy_(weight.scale)

    def ternary_weight(self) -> TernaryTensor:
        return TernaryTensor(self.packed_weight, self.packed_shape, self.encoding, 1,
                             self.weight_scale, self.channel_axis, check=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return packed_conv2d(x, self.packed_weight, self.weight_scale, self.bias,
                             list(self.weight_shape), list(self.stride), list(self.padding),
                             list(self.dilation), self.groups, self.encoding)

    def get_extra_state(self):
        return {"format": _CONV_FORMAT, "encoding": self.encoding,
                "shape": list(self.weight_shape), "axis": 1, "channel_axis": self.channel_axis}

    def set_extra_state(self, state) -> None:
        expected = self.get_extra_state()
        if state != expected:
            raise ValueError(f"packed weight layout {state} does not match this module's {expected}")

    @staticmethod
    def _validate_after_load(module, incompatible_keys) -> None:
        validate(module.packed_weight, module.packed_shape, module.encoding, 1)

    def extra_repr(self) -> str:
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}, dilation={self.dilation}, "
                f"groups={self.groups}, bias={self.bias is not None}, encoding={self.encoding!r}, "
                f"per_channel={self.per_channel}, packed_bytes={self.packed_weight.numel()}")
