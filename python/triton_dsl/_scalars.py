"""Scalar arguments (``s: f32``, ``n: i32``) of compiled functions: the one
check that ``triton_dsl.cpu`` and ``triton_dsl.cuda`` apply to them."""

from __future__ import annotations

import numpy as np


def scalar_value(where: str, value, dtype) -> np.generic:
    """``value`` (a Python or numpy number, or a 0-d array or tensor) as a
    numpy scalar of ``dtype``. A value of another shape is a ValueError; one
    of another kind (a float for an integer argument) a TypeError; an integer
    that does not fit, a ValueError. ``where`` starts the messages ("F:
    argument 1")."""
    dtype = np.dtype(dtype)
    if type(value).__module__.startswith("torch"):
        value = value.detach().cpu().numpy()
    array = np.asarray(value)
    if array.ndim != 0:
        raise ValueError(f"{where} is a scalar {dtype.name}, got shape {array.shape}")
    if not np.can_cast(array.dtype, dtype, casting="same_kind"):
        raise TypeError(f"{where} must be {dtype.name}, got {array.dtype}")
    converted = array.astype(dtype)
    if dtype.kind in "iu" and converted != array:
        raise ValueError(f"{where} ({value}) does not fit {dtype.name}")
    return converted[()]
