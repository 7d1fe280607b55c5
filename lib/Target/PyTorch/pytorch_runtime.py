# The runtime of the PyTorch target: the imports, the lookup of the LibTorch
# op and the pure-PyTorch helpers that start every Python file the target
# writes (lib/Target/PyTorch/TranslateToPyTorch.cpp prints them after the
# file's two-line header, then one nn.Module per layer). The build embeds
# this file without this leading comment (cmake/EmbedText.cmake);
# test/Target/PyTorch/runtime-lint.test lints it and imports it.

import numbers
import weakref

import torch
from torch import nn


def _find_ternary_matmul_op():
    """torch.ops.triton_dsl.ternary_matmul when it is registered, else None."""
    try:
        import triton_dsl.torch_ops  # noqa: F401
    except ImportError:
        pass
    try:
        return torch.ops.triton_dsl.ternary_matmul
    except (AttributeError, RuntimeError):
        return None


# Set to False to force the pure-PyTorch path.
USE_RUNTIME_OP = True
_TERNARY_MATMUL_OP = _find_ternary_matmul_op()


def _from_hex(digits, dtype, shape):
    """A tensor from its little-endian bytes, written as hex digits."""
    data = bytearray.fromhex(digits)
    return torch.frombuffer(data, dtype=dtype).clone().reshape(shape)


# The trits _unpack decoded, per packed tensor: the pure-PyTorch path decodes
# a weight once, not on every call. An entry serves only the same tensor
# (still alive) at the same version: torch bumps a tensor's version on every
# in-place update (load_state_dict's copy_, w[3] = ..., w.add_(...)), so new
# bytes are decoded, and checked, again; an entry goes with its tensor.
_TRITS_CACHE = {}


def _unpack(packed, shape, encoding, axis):
    """The int8 trits of `packed` (packed along `axis`; docs/packing.md),
    decoded once per version of `packed` (_TRITS_CACHE)."""
    layout = (tuple(shape), encoding, axis)
    try:
        version = packed._version
    except RuntimeError:  # an inference tensor has no version: not cached
        return _decode_trits(packed, shape, encoding, axis)
    if torch.compiler.is_compiling():
        return _decode_trits(packed, shape, encoding, axis)
    key = id(packed)
    entry = _TRITS_CACHE.get(key)
    if entry is not None:
        ref, cached_version, cached_layout, trits = entry
        if ref() is packed and cached_version == version and cached_layout == layout:
            return trits
    trits = _decode_trits(packed, shape, encoding, axis)

    def forget(ref, key=key):
        if _TRITS_CACHE.get(key, (None,))[0] is ref:
            del _TRITS_CACHE[key]

    _TRITS_CACHE[key] = (weakref.ref(packed, forget), version, layout, trits)
    return trits


def _decode_trits(packed, shape, encoding, axis):
    """The int8 trits of `packed`, decoded now (invalid codes and non-zero
    padding raise ValueError)."""
    length = shape[axis]
    outer = 1
    for d in shape[:axis]:
        outer *= d
    inner = 1
    for d in shape[axis + 1 :]:
        inner *= d
    per = 4 if encoding == "offset2" else 5
    row_bytes = (length + per - 1) // per
    rows = packed.reshape(outer * inner, row_bytes).to(torch.int32).unsqueeze(-1)
    if encoding == "offset2":
        shifts = torch.arange(0, 8, 2, dtype=torch.int32, device=packed.device)
        codes = (rows >> shifts) & 3
        invalid = bool((codes == 3).any())
    else:
        digits = torch.arange(5, dtype=torch.int32, device=packed.device)
        codes = (rows // 3**digits) % 3
        invalid = bool((rows >= 243).any())
    if invalid:
        raise ValueError("packed ternary weights hold an invalid code")
    codes = codes.reshape(outer * inner, row_bytes * per)
    if bool((codes[:, length:] != 1).any()):
        raise ValueError("padding trits of packed ternary weights are not zero")
    trits = codes[:, :length] - 1
    trits = trits.reshape(outer, inner, length).permute(0, 2, 1)
    return trits.reshape(shape).to(torch.int8)


# The memory format of the float filters of ternary convolutions: with a
# channels_last filter, torch runs conv2d in oneDNN's NHWC form (the input
# converted inside the call, the output channels_last: same shape and
# values), which measured faster for the small convolutions of
# bench/from_fx_bench.py at batch 1 and 32 (docs/targets/pytorch.md). Set
# to False for NCHW (contiguous) filters and outputs.
CONV_CHANNELS_LAST = True

# The float filters _ternary_filter built, per (packed tensor, scale): a
# ternary convolution is one conv2d call on trits * scale, as the float
# model's is on its weight. An entry costs 4 bytes per trit (the float
# model's weight size; the packed bytes are 1/16 of it) and serves only the
# same tensors (still alive, same storage) at the same versions: torch bumps
# a tensor's version on every in-place update (load_state_dict's copy_,
# w[3] = ..., scale.mul_(2)), so new bytes or a new scale build the filter
# again; an entry goes with its packed tensor or its scale. Writes through
# `.data` (a separate version counter) are not seen.
_FILTER_CACHE = {}


def _ternary_filter(packed, shape, encoding, axis, scale, dtype):
    """The float filter trits * scale of a ternary convolution (`scale`: None
    for 1, one element, or one per filter), built once per version of
    `packed` and `scale` (_FILTER_CACHE). When autograd needs the gradient
    of `scale` it is built on every call from the cached trits (_unpack)."""
    if scale is not None and scale.numel() != 1:
        view = (-1,) + (1,) * (len(shape) - 1)
    else:
        view = None
    if (scale is not None and scale.requires_grad and torch.is_grad_enabled()) or (
        torch.compiler.is_compiling()
    ):
        return _scaled_filter(
            _unpack(packed, shape, encoding, axis), scale, view, dtype
        )
    try:
        versions = (packed._version, None if scale is None else scale._version)
    except RuntimeError:  # an inference tensor has no version: not cached
        return _scaled_filter(
            _decode_trits(packed, shape, encoding, axis), scale, view, dtype
        )
    layout = (
        tuple(shape),
        encoding,
        axis,
        dtype,
        CONV_CHANNELS_LAST,
        packed.data_ptr(),
        packed.device,
    )
    if scale is not None:
        layout += (scale.data_ptr(), scale.dtype, scale.device)
    key = (id(packed), id(scale))
    entry = _FILTER_CACHE.get(key)
    if entry is not None:
        packed_ref, scale_ref, cached_versions, cached_layout, weight = entry
        if (
            packed_ref() is packed
            and (scale_ref is None or scale_ref() is scale)
            and cached_versions == versions
            and cached_layout == layout
        ):
            return weight
    # Built outside inference mode and autograd: a plain tensor that later
    # calls, with or without them, can read.
    with torch.inference_mode(False), torch.no_grad():
        weight = _scaled_filter(
            _decode_trits(packed, shape, encoding, axis), scale, view, dtype
        )

    def forget(ref, key=key):
        entry = _FILTER_CACHE.get(key)
        if entry is not None and ref in (entry[0], entry[1]):
            del _FILTER_CACHE[key]

    scale_ref = None if scale is None else weakref.ref(scale, forget)
    _FILTER_CACHE[key] = (
        weakref.ref(packed, forget),
        scale_ref,
        versions,
        layout,
        weight,
    )
    return weight


def _scaled_filter(trits, scale, view, dtype):
    """trits * scale as a `dtype` tensor, dense in the memory format of
    CONV_CHANNELS_LAST (`scale` None for 1; `view` reshapes one scale per
    filter to broadcast over the filter's other dims). Dense: the decoded
    trits are a permuted view, and conv2d would copy a strided filter on
    every call."""
    weight = trits.to(dtype)
    if scale is not None:
        weight = weight * (
            scale.reshape(view) if view is not None else scale.reshape(())
        )
    if CONV_CHANNELS_LAST and weight.dim() == 4:
        return weight.contiguous(memory_format=torch.channels_last)
    return weight.contiguous()


def _check_packed_params(module, state_dict, prefix, *unused):
    """load_state_dict pre-hook of a generated layer: each packed param that
    is loaded (TERNARY_PARAMS) must be uint8 bytes with valid codes and zero
    padding, or loading stops, naming it, before anything of it is copied.
    Without it load_state_dict casts a float 1.7 to 1 and wraps an int64
    341 to 85, and the runtime op, which does not check bytes, would compute
    with invalid codes."""
    for name, (shape, encoding, axis) in type(module).TERNARY_PARAMS.items():
        key = prefix + name
        value = state_dict.get(key)
        if value is None:
            continue  # load_state_dict reports a missing key itself
        if not isinstance(value, torch.Tensor) or value.dtype != torch.uint8:
            got = getattr(value, "dtype", type(value).__name__)
            raise ValueError(f"packed ternary param {key}: expected uint8, got {got}")
        if value.shape != getattr(module, name).shape:
            continue  # load_state_dict reports the size mismatch itself
        try:
            _decode_trits(value, shape, encoding, axis)
        except ValueError as error:
            raise ValueError(f"packed ternary param {key}: {error}") from None


def _matmul_trits(x, trits, scale, bias):
    """x @ trits [* scale] [+ bias] with the element types of ternary.matmul."""
    if x.dtype == torch.int8:
        y = torch.matmul(x.to(torch.int32), trits.to(torch.int32))
        if scale is not None:
            y = y.to(torch.float32) * scale
    else:
        y = torch.matmul(x, trits.to(x.dtype))
        if scale is not None:
            y = y * scale
    if bias is not None:
        y = y + bias
    return y


def _scalar_argument(value, dtype, where):
    """A scalar argument (`s: f32`) as a 0-d tensor of its type: Python
    numbers would compute in double precision. A number of another kind (a
    float for an integer), a tensor with dims or an integer that does not fit
    raises, naming the argument (`where`)."""
    if isinstance(value, torch.Tensor):
        if value.dim() != 0:
            raise ValueError(f"{where} is a scalar, got shape {tuple(value.shape)}")
        if value.is_floating_point() and not dtype.is_floating_point:
            raise TypeError(f"{where} must be an integer ({dtype}), got {value.dtype}")
        converted = value.to(dtype)
        if not dtype.is_floating_point and converted != value:
            raise ValueError(f"{where} ({value.item()}) does not fit {dtype}")
        return converted
    if not dtype.is_floating_point and not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{where} must be an integer ({dtype}), got {type(value).__name__}"
        )
    if not isinstance(value, numbers.Number):
        raise TypeError(f"{where} must be a number, got {type(value).__name__}")
    try:
        return torch.as_tensor(value, dtype=dtype)
    except RuntimeError as error:  # an integer out of range
        raise ValueError(f"{where} ({value}) does not fit {dtype}") from error


def _ternary_matmul(x, packed, shape, encoding, axis, scale, bias):
    """ternary.matmul on packed bytes: the runtime op when it can, else unpack."""
    op = _TERNARY_MATMUL_OP
    if USE_RUNTIME_OP and op is not None and axis == 0 and x.dtype == torch.float32:
        return op(x, packed, shape[0], shape[1], scale, bias, encoding, "f32")
    return _matmul_trits(x, _unpack(packed, shape, encoding, axis), scale, bias)


def _quantize(x, method, threshold, axis):
    """ternary.quantize (threshold or absmean): int8 trits and float32 scale."""
    a = x.abs()
    if axis is None:
        dims = tuple(range(x.dim()))
        view = ()
    else:
        dims = tuple(d for d in range(x.dim()) if d != axis)
        view = [1] * x.dim()
        view[axis] = -1
    if method == "threshold":
        trits = (x > threshold).to(torch.int8) - (x < -threshold).to(torch.int8)
        kept = trits != 0
        total = torch.where(kept, a, torch.zeros_like(a)).sum(dim=dims)
        count = kept.sum(dim=dims)
        scale = torch.where(count > 0, total / count.clamp_min(1), 1.0)
        return trits, scale.to(torch.float32)
    gamma = a.mean(dim=dims).clamp_min(1e-5)
    g = gamma.reshape(view) if view else gamma
    trits = torch.round(x / g).clamp(-1, 1).to(torch.int8)
    return trits, gamma.to(torch.float32)
