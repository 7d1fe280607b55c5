"""TernaryTensor: a ternary tensor kept packed, with its scale(s).

The storage is the packed uint8 buffer of runtime/include/ternary_packing.h
(a 1-D torch tensor) plus a float32 scale: one for the whole tensor (shape
``()``) or one per index of ``channel_axis``. The represented value is
``trits * scale`` with the scale broadcast along ``channel_axis``.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Optional, Sequence, Tuple, Union

import numpy as np
import torch

from .packing import PackingError, pack, packed_size, trits_per_byte, unpack, validate
from .quantize import quantize

__all__ = ["CompressionReport", "TernaryTensor"]

ArrayLike = Union[np.ndarray, torch.Tensor]


@dataclasses.dataclass(frozen=True)
class CompressionReport:
    """Storage of a TernaryTensor compared with dense float formats."""

    shape: Tuple[int, ...]
    encoding: str
    elements: int
    packed_bytes: int  # the packed trits, padding included
    scale_bytes: int  # float32 scales
    fp32_bytes: int  # the same tensor as dense float32
    fp16_bytes: int  # ... and as dense float16

    @property
    def total_bytes(self) -> int:
        return self.packed_bytes + self.scale_bytes

    @property
    def bits_per_weight(self) -> float:
        """Bits of packed storage per element (2.0 / 1.6 plus padding)."""
        return 8 * self.packed_bytes / self.elements if self.elements else math.nan

    @property
    def bits_per_weight_with_scales(self) -> float:
        return 8 * self.total_bytes / self.elements if self.elements else math.nan

    @property
    def ratio_vs_fp32(self) -> float:
        """How many times smaller than float32 (scales included)."""
        return self.fp32_bytes / self.total_bytes if self.total_bytes else math.nan

    @property
    def ratio_vs_fp16(self) -> float:
        return self.fp16_bytes / self.total_bytes if self.total_bytes else math.nan

    def as_dict(self) -> dict:
        d = dataclasses.asdict(self)
        for name in ("total_bytes", "bits_per_weight", "bits_per_weight_with_scales",
                     "ratio_vs_fp32", "ratio_vs_fp16"):
            d[name] = getattr(self, name)
        return d

    def __str__(self) -> str:
        dims = "x".join(str(d) for d in self.shape)
        return (
            f"TernaryTensor {dims} ({self.encoding}): {self.elements} weights\n"
            f"  packed  {self.packed_bytes:>12} bytes  {self.bits_per_weight:.3f} bits/weight\n"
            f"  scales  {self.scale_bytes:>12} bytes\n"
            f"  total   {self.total_bytes:>12} bytes  {self.bits_per_weight_with_scales:.3f} bits/weight\n"
            f"  fp32    {self.fp32_bytes:>12} bytes  {self.ratio_vs_fp32:.2f}x larger\n"
            f"  fp16    {self.fp16_bytes:>12} bytes  {self.ratio_vs_fp16:.2f}x larger")


class TernaryTensor:
    """A packed ternary tensor with per-tensor or per-channel float32 scale.

    Attributes:
        packed: 1-D uint8 torch tensor, ``packed_size(shape, encoding, axis)``
            bytes in the format of ternary_packing.h.
        shape: the logical shape (a tuple).
        encoding: ``"offset2"`` or ``"base3"``.
        axis: the packed axis (each fiber along it is one packed row).
        scale: float32 torch tensor, shape ``()`` or ``(shape[channel_axis],)``.
        channel_axis: ``None`` (per-tensor scale) or the axis of the scales.

    The constructor refuses ``packed`` that is not uint8 (a cast would turn
    1.7 into 1 and 341 into 85) and, with ``check``, bytes with an invalid
    code or non-zero padding; ``name`` (e.g. the param's) is named in those
    errors.
    """

    def __init__(self, packed: ArrayLike, shape: Sequence[int], encoding: str = "offset2",
                 axis: int = 0, scale: Union[float, ArrayLike] = 1.0,
                 channel_axis: Optional[int] = None, check: bool = True,
                 name: Optional[str] = None):
        # Errors name the bytes: the param `name` when given, else `packed`.
        what = f"packed bytes of {name}" if name else "packed"
        if isinstance(packed, np.ndarray) and packed.dtype == np.uint8:
            packed = torch.from_numpy(packed.copy(order="C"))
        if not isinstance(packed, torch.Tensor) or packed.dtype != torch.uint8:
            got = getattr(packed, "dtype", type(packed).__name__)
            raise TypeError(f"{what} must be a uint8 numpy array or torch tensor, got {got} "
                            "(a cast would change the bytes: pack trits with from_trits)")
        self.shape = tuple(int(d) for d in shape)
        rank = len(self.shape)
        self.encoding = encoding
        expected = packed_size(self.shape, encoding, axis)  # also checks axis/encoding
        self.axis = axis % rank
        self.packed = packed.reshape(-1)
        if self.packed.numel() != expected:
            raise ValueError(f"{what} has {self.packed.numel()} bytes, "
                             f"expected {expected} for shape {self.shape}")
        if channel_axis is not None:
            if not -rank <= channel_axis < rank:
                raise ValueError(f"channel_axis {channel_axis} is out of range for rank {rank}")
            channel_axis %= rank
        self.channel_axis = channel_axis
        if isinstance(scale, np.ndarray):
            scale = torch.from_numpy(np.asarray(scale, dtype=np.float32))
        scale = torch.as_tensor(scale, dtype=torch.float32, device=self.packed.device)
        want = () if channel_axis is None else (self.shape[channel_axis],)
        if tuple(scale.shape) != want:
            raise ValueError(f"scale has shape {tuple(scale.shape)}, expected {want}")
        self.scale = scale
        if check:
            try:
                validate(self.packed, self.shape, encoding, self.axis)
            except PackingError as error:
                raise PackingError(error.status, error.index, error.value,
                                   f"{what}: {error.detail}") from None

    # -- construction -------------------------------------------------------
    @classmethod
    def from_trits(cls, trits: ArrayLike, scale: Union[float, ArrayLike] = 1.0,
                   encoding: str = "offset2", axis: int = 0,
                   channel_axis: Optional[int] = None) -> "TernaryTensor":
        """Packs a tensor of trits (values -1, 0, +1) with the given scale."""
        if isinstance(trits, np.ndarray):
            trits = torch.from_numpy(trits.copy(order="C"))
        packed = pack(trits, encoding, axis)
        return cls(packed, trits.shape, encoding, axis, scale, channel_axis, check=False)

    @classmethod
    def from_float(cls, w: ArrayLike, method: str = "absmean", encoding: str = "offset2",
                   axis: int = 0, channel_axis: Optional[int] = None,
                   threshold: Optional[float] = None, seed: int = 0) -> "TernaryTensor":
        """Quantizes a float tensor (see :func:`quantize`) and packs the trits."""
        if isinstance(w, np.ndarray):
            w = torch.from_numpy(np.asarray(w, dtype=np.float32))
        trits, scales = quantize(w, method, channel_axis, threshold, seed)
        return cls.from_trits(trits, scales, encoding, axis, channel_axis)

    # -- views --------------------------------------------------------------
    def trits(self) -> torch.Tensor:
        """The unpacked trits, int8, on the device of ``packed``."""
        return unpack(self.packed, self.shape, self.encoding, self.axis)

    def scale_broadcast(self) -> torch.Tensor:
        """The scale shaped to broadcast against the tensor."""
        if self.channel_axis is None:
            return self.scale
        view = [1] * len(self.shape)
        view[self.channel_axis] = -1
        return self.scale.reshape(view)

    def to_float(self, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """``trits * scale``, computed in float32, then cast to ``dtype``."""
        return (self.trits().to(torch.float32) * self.scale_broadcast()).to(dtype)

    def to(self, device) -> "TernaryTensor":
        return TernaryTensor(self.packed.to(device), self.shape, self.encoding, self.axis,
                             self.scale.to(device), self.channel_axis, check=False)

    # -- sizes --------------------------------------------------------------
    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    @property
    def nbytes(self) -> int:
        """Bytes of the packed trits (scales not included)."""
        return self.packed.numel()

    @property
    def scale_nbytes(self) -> int:
        return self.scale.numel() * 4

    def compression_report(self) -> CompressionReport:
        n = self.numel
        return CompressionReport(shape=self.shape, encoding=self.encoding, elements=n,
                                 packed_bytes=self.nbytes, scale_bytes=self.scale_nbytes,
                                 fp32_bytes=4 * n, fp16_bytes=2 * n)

    def __repr__(self) -> str:
        scale = "per-tensor" if self.channel_axis is None else f"per-channel(axis={self.channel_axis})"
        return (f"TernaryTensor(shape={self.shape}, encoding={self.encoding!r}, axis={self.axis}, "
                f"scale={scale}, nbytes={self.nbytes}, trits_per_byte={trits_per_byte(self.encoding)})")
