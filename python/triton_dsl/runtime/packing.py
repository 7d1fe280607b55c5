"""Bit-exact packing of ternary tensors, vectorized with torch.

This is the Python twin of runtime/include/ternary_packing.h (the single
source of truth for the format; docs/packing.md explains it byte by byte):

* ``offset2``: 4 trits per byte, code = t + 1 in 2 bits, element i of a row in
  byte i // 4 at bits 2 * (i % 4), least significant first; code 0b11 is
  invalid.
* ``base3``: 5 trits per byte, byte = sum (t_i + 1) * 3**i; bytes 243..255 are
  invalid.
* A tensor is packed along one axis: every 1-D fiber along that axis is a row,
  rows follow each other in row-major order of the other axes, and every row
  is padded to a byte with zero trits.

The functions accept numpy arrays and torch tensors and answer in kind (numpy
in, numpy out; torch in, torch out on the same device). Errors raise
:class:`PackingError` carrying the same index the C library reports in
``error_index``: the flat row-major index of the first invalid trit in packed
order, or the byte offset of the first bad byte.
"""

from __future__ import annotations

from typing import Sequence, Tuple, Union

import numpy as np
import torch

__all__ = [
    "ENCODINGS",
    "PackingError",
    "pack",
    "packed_size",
    "row_bytes",
    "trits_per_byte",
    "unpack",
    "validate",
    "zero_byte",
]

ArrayLike = Union[np.ndarray, torch.Tensor]

# Encoding names and their tri_encoding values in the C header.
ENCODINGS = {"offset2": 0, "base3": 1}
_TRITS_PER_BYTE = {"offset2": 4, "base3": 5}
_ZERO_BYTE = {"offset2": 0x55, "base3": 121}

# The one-line messages of tri_status_message, keyed by status name.
_STATUS_MESSAGES = {
    "invalid_trit": "value is not a trit (-1, 0 or +1)",
    "invalid_code": "packed byte holds an invalid code",
    "bad_padding": "padding trits of a packed row are not zero",
}


class PackingError(ValueError):
    """A value that cannot be packed, or packed bytes that cannot be unpacked.

    Attributes:
        status: ``"invalid_trit"``, ``"invalid_code"`` or ``"bad_padding"``
            (TRI_ERR_INVALID_TRIT / _INVALID_CODE / _BAD_PADDING).
        index: what the C library writes to ``error_index``: for
            ``invalid_trit`` the flat row-major index of the element in the
            input tensor, otherwise the byte offset in the packed buffer.
        value: the offending element or byte.
        detail: where it is, the message without the status's sentence.
    """

    def __init__(self, status: str, index: int, value, detail: str):
        self.status = status
        self.index = int(index)
        self.value = value
        self.detail = detail
        super().__init__(f"{detail}: {_STATUS_MESSAGES[status]}")


def _check_encoding(encoding: str) -> str:
    if encoding not in ENCODINGS:
        raise ValueError(
            f"unknown encoding {encoding!r}; expected one of {sorted(ENCODINGS)}")
    return encoding


def trits_per_byte(encoding: str = "offset2") -> int:
    """Trits stored in one byte: 4 (offset2) or 5 (base3)."""
    return _TRITS_PER_BYTE[_check_encoding(encoding)]


def zero_byte(encoding: str = "offset2") -> int:
    """The byte that encodes only zero trits: 0x55 (offset2) or 121 (base3)."""
    return _ZERO_BYTE[_check_encoding(encoding)]


def row_bytes(n: int, encoding: str = "offset2") -> int:
    """Bytes of one packed row of ``n`` trits (the row is padded to a byte)."""
    if n < 0:
        raise ValueError(f"row length must be >= 0, got {n}")
    per = trits_per_byte(encoding)
    return -(-n // per)


def _normalize_shape_axis(shape: Sequence[int], axis: int) -> Tuple[Tuple[int, ...], int]:
    shape = tuple(int(d) for d in shape)
    rank = len(shape)
    if rank == 0:
        raise ValueError("cannot pack a rank-0 tensor: there is no axis to pack along")
    if any(d < 0 for d in shape):
        raise ValueError(f"negative dimension in shape {shape}")
    if not -rank <= axis < rank:
        raise ValueError(f"axis {axis} is out of range for a rank-{rank} tensor")
    return shape, axis % rank


def _split(shape: Tuple[int, ...], axis: int) -> Tuple[int, int, int]:
    """outer * len * inner around the packed axis (as split_shape in C)."""
    outer = int(np.prod(shape[:axis], dtype=np.int64)) if axis else 1
    inner = int(np.prod(shape[axis + 1:], dtype=np.int64)) if axis + 1 < len(shape) else 1
    return outer, shape[axis], inner


def packed_size(shape: Sequence[int], encoding: str = "offset2", axis: int = 0) -> int:
    """Bytes of a tensor of ``shape`` packed along ``axis`` (tri_packed_size)."""
    shape, axis = _normalize_shape_axis(shape, axis)
    outer, length, inner = _split(shape, axis)
    return outer * inner * row_bytes(length, encoding)


def _as_torch(x: ArrayLike, what: str) -> Tuple[torch.Tensor, bool]:
    """Returns (tensor, was_numpy); numpy arrays are shared, not copied."""
    if isinstance(x, torch.Tensor):
        return x.detach(), False
    if isinstance(x, np.ndarray):
        if not (x.flags.writeable and x.flags.c_contiguous):
            x = x.copy(order="C")  # torch.from_numpy warns on read-only memory
        return torch.from_numpy(x), True
    raise TypeError(f"{what} must be a numpy array or a torch tensor, got {type(x).__name__}")


def _first_true(mask: torch.Tensor) -> int:
    """Flat index of the first True element of a boolean tensor."""
    return int(torch.nonzero(mask.reshape(-1))[0, 0])


def _code_weights(encoding: str) -> Tuple[int, ...]:
    return (1, 4, 16, 64) if encoding == "offset2" else (1, 3, 9, 27, 81)


def pack(trits: ArrayLike, encoding: str = "offset2", axis: int = 0) -> ArrayLike:
    """Packs a tensor of trits along ``axis`` into a 1-D uint8 buffer.

    ``trits`` holds -1, 0 and +1 in any integer or floating dtype. The result
    has ``packed_size(trits.shape, encoding, axis)`` bytes and is identical to
    what ``tri_pack_tensor`` writes. Raises :class:`PackingError` with the flat
    index of the first invalid value in packed order (the index C reports).
    """
    t, was_numpy = _as_torch(trits, "trits")
    _check_encoding(encoding)
    if t.dtype == torch.bool or t.is_complex():
        raise TypeError(f"trits must have an integer or floating dtype, got {t.dtype}")
    shape, axis = _normalize_shape_axis(t.shape, axis)
    outer, length, inner = _split(shape, axis)
    per = trits_per_byte(encoding)
    nbytes_row = row_bytes(length, encoding)
    rows = outer * inner

    # Rows in packed order: (outer, inner, len).
    by_row = t.reshape(outer, length, inner).permute(0, 2, 1)
    valid = (by_row == 0) | (by_row == 1)
    if t.is_floating_point() or t.dtype.is_signed:
        valid |= by_row == -1  # (for unsigned dtypes -1 would wrap to the maximum)
    invalid = ~valid
    if bool(invalid.any()):
        first = _first_true(invalid)
        r, j = divmod(first, length)
        o, i = divmod(r, inner)
        flat = (o * length + j) * inner + i
        value = by_row.reshape(-1)[first].item()
        raise PackingError("invalid_trit", flat, value,
                           f"cannot pack value {value!r} at flat index {flat}")

    codes = torch.ones((rows, nbytes_row * per), dtype=torch.uint8, device=t.device)
    codes[:, :length] = (by_row.reshape(rows, length) + 1).to(torch.uint8)
    codes = codes.reshape(rows, nbytes_row, per)
    out = torch.zeros((rows, nbytes_row), dtype=torch.uint8, device=t.device)
    for k, weight in enumerate(_code_weights(encoding)):
        out += codes[:, :, k] * weight  # at most 2 * 81: no uint8 overflow
    out = out.reshape(-1)
    return out.numpy() if was_numpy else out


def _decode(packed: ArrayLike, shape: Sequence[int], encoding: str, axis: int,
            want_trits: bool):
    p, was_numpy = _as_torch(packed, "packed")
    _check_encoding(encoding)
    if p.dtype != torch.uint8:
        raise TypeError(f"packed bytes must have dtype uint8, got {p.dtype}")
    shape, axis = _normalize_shape_axis(shape, axis)
    outer, length, inner = _split(shape, axis)
    per = trits_per_byte(encoding)
    nbytes_row = row_bytes(length, encoding)
    rows = outer * inner
    expected = rows * nbytes_row
    if p.numel() != expected:
        raise ValueError(
            f"packed buffer has {p.numel()} bytes; shape {shape} packed along axis "
            f"{axis} as {encoding} needs {expected}")
    by_row = p.reshape(rows, nbytes_row)

    if encoding == "offset2":
        # bit 2k of (b & b >> 1) is set iff field k holds 0b11.
        invalid = ((by_row & (by_row >> 1)) & 0x55) != 0
        codes = torch.stack([(by_row >> (2 * k)) & 3 for k in range(per)], dim=-1)
    else:
        invalid = by_row >= 243
        codes = torch.stack([(by_row // w) % 3 for w in _code_weights(encoding)], dim=-1)

    # Only the last byte of a row can hold padding (fewer than `per` trits).
    bad = invalid
    pad_from = length - (nbytes_row - 1) * per if nbytes_row else per
    if rows and nbytes_row and pad_from < per:
        bad_padding = (codes[:, -1, pad_from:] != 1).any(dim=-1)
        bad = invalid.clone()
        bad[:, -1] |= bad_padding
    if bool(bad.any()):
        offset = _first_true(bad)
        byte = int(p.reshape(-1)[offset])
        status = "invalid_code" if bool(invalid.reshape(-1)[offset]) else "bad_padding"
        what = "invalid code" if status == "invalid_code" else "non-zero padding"
        raise PackingError(status, offset, byte,
                           f"{what} in byte 0x{byte:02x} at byte offset {offset}")
    if not want_trits:
        return None

    trits = codes.reshape(rows, nbytes_row * per)[:, :length].to(torch.int8) - 1
    trits = trits.reshape(outer, inner, length).permute(0, 2, 1).reshape(shape).contiguous()
    return trits.numpy() if was_numpy else trits


def unpack(packed: ArrayLike, shape: Sequence[int], encoding: str = "offset2",
           axis: int = 0) -> ArrayLike:
    """Unpacks a uint8 buffer into an int8 tensor of ``shape`` (tri_unpack_tensor).

    ``packed`` must hold exactly ``packed_size(shape, encoding, axis)`` bytes
    (any array shape; it is read flat). Every byte is validated: an invalid
    code or non-zero padding raises :class:`PackingError` whose ``index`` is
    the byte offset of the first offending byte, as C reports it.
    """
    return _decode(packed, shape, encoding, axis, want_trits=True)


def validate(packed: ArrayLike, shape: Sequence[int], encoding: str = "offset2",
             axis: int = 0) -> None:
    """Checks codes and padding of a packed buffer (tri_validate_tensor)."""
    _decode(packed, shape, encoding, axis, want_trits=False)
