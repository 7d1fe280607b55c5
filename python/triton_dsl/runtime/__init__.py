"""Pure-Python runtime of triton_dsl: packing, quantizers, TernaryTensor, QAT layers.

Everything here agrees bit for bit with the C library
runtime/include/ternary_packing.h (the single source of truth of the format).
"""

from .nn import (PackedTernaryConv2d, PackedTernaryLinear, TernarizeSTE, TernaryConv2d,
                 TernaryLinear, ternarize)
from .packing import (ENCODINGS, PackingError, pack, packed_size, row_bytes, trits_per_byte,
                      unpack, validate, zero_byte)
from .quantize import METHODS, quantize, stochastic_uniform
from .tensor import CompressionReport, TernaryTensor

__all__ = [
    "CompressionReport",
    "ENCODINGS",
    "METHODS",
    "PackedTernaryConv2d",
    "PackedTernaryLinear",
    "PackingError",
    "TernarizeSTE",
    "TernaryConv2d",
    "TernaryLinear",
    "TernaryTensor",
    "pack",
    "packed_size",
    "quantize",
    "row_bytes",
    "stochastic_uniform",
    "ternarize",
    "trits_per_byte",
    "unpack",
    "validate",
    "zero_byte",
]
