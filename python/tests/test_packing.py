# Proves that triton_dsl.pack / unpack / validate / packed_size are
# byte-identical to the C library (runtime/src/ternary_packing.c, built by the
# `clib` fixture) on the same bytes: random shapes, every axis, both
# encodings, rows longer than C's internal chunk, all 256 byte values; that
# errors raise PackingError with the index C reports in error_index; and that
# the documented worked examples (docs/packing.md) come out byte for byte.
import time

import numpy as np
import pytest
import torch

import triton_dsl as td

ENCODINGS = ["offset2", "base3"]
PER = {"offset2": 4, "base3": 5}


def random_shapes(rng, count):
    shapes = []
    for _ in range(count):
        rank = int(rng.integers(1, 5))
        shapes.append(tuple(int(d) for d in rng.integers(0, 11, size=rank)))
    return shapes


def random_trits(rng, shape):
    return rng.integers(-1, 2, size=shape).astype(np.int8)


# -- documented examples (hand-computed in docs/packing.md) ---------------------

def test_seed_example_bytes():
    row = np.array([1, -1, 0, 1, 0, -1], dtype=np.int8)
    assert td.pack(row, "offset2").tolist() == [0x92, 0x51]
    assert td.pack(row, "base3").tolist() == [146, 120]


def test_worked_example_w_k_n():
    w = np.array([[1, 0], [-1, 1], [0, 1], [1, -1], [0, 0], [-1, -1]], dtype=np.int8)
    assert td.pack(w, "offset2", axis=0).tolist() == [0x92, 0x51, 0x29, 0x51]
    assert td.pack(w, "base3", axis=0).tolist() == [146, 120, 106, 120]
    assert td.pack(w, "offset2", axis=1).tolist() == [0x56, 0x58, 0x59, 0x52, 0x55, 0x50]
    assert td.pack(w, "base3", axis=1).tolist() == [0x7A, 0x7B, 0x7C, 0x77, 0x79, 0x75]
    for enc in ENCODINGS:
        for axis in (0, 1):
            np.testing.assert_array_equal(td.unpack(td.pack(w, enc, axis), w.shape, enc, axis), w)


def test_format_constants():
    assert td.trits_per_byte("offset2") == 4 and td.trits_per_byte("base3") == 5
    assert td.zero_byte("offset2") == 0x55 and td.zero_byte("base3") == 121
    assert [td.row_bytes(n, "offset2") for n in range(10)] == [0, 1, 1, 1, 1, 2, 2, 2, 2, 3]
    assert [td.row_bytes(n, "base3") for n in range(12)] == [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3]


# -- agreement with the C library ------------------------------------------------

@pytest.mark.parametrize("encoding", ENCODINGS)
def test_pack_unpack_match_c_on_random_shapes(clib, encoding):
    rng = np.random.default_rng(1234 + len(encoding))
    checked = 0
    for shape in random_shapes(rng, 60):
        trits = random_trits(rng, shape)
        for axis in range(len(shape)):
            status, c_bytes, _ = clib.pack(trits, encoding, axis)
            assert status == "ok"
            assert td.packed_size(shape, encoding, axis) == clib.packed_size(shape, encoding, axis)
            packed = td.pack(trits, encoding, axis)
            assert packed.dtype == np.uint8 and packed.ndim == 1
            np.testing.assert_array_equal(packed, c_bytes, err_msg=f"{shape} axis {axis}")
            # Python unpacks C's bytes, and C unpacks Python's bytes.
            np.testing.assert_array_equal(td.unpack(c_bytes, shape, encoding, axis), trits)
            c_status, c_trits, _ = clib.unpack(packed, shape, encoding, axis)
            assert c_status == "ok"
            np.testing.assert_array_equal(c_trits, trits)
            # Negative axes mean the same axis.
            np.testing.assert_array_equal(td.pack(trits, encoding, axis - len(shape)), c_bytes)
            checked += 1
    assert checked > 100


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("shape,axis", [((2600,), 0), ((3, 2601), 1), ((1283, 2, 3), 0),
                                        ((2, 1281, 2), 1)])
def test_long_rows_cross_c_chunks(clib, encoding, shape, axis):
    # The C walker packs rows in chunks of 1280 trits; rows here are longer.
    trits = random_trits(np.random.default_rng(7), shape)
    _, c_bytes, _ = clib.pack(trits, encoding, axis)
    np.testing.assert_array_equal(td.pack(trits, encoding, axis), c_bytes)
    np.testing.assert_array_equal(td.unpack(c_bytes, shape, encoding, axis), trits)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_byte_value_matches_c(clib, encoding):
    # Each of the 256 byte values as a one-byte row of every length 1..per:
    # same trits, or the same error status and byte offset.
    outcomes = set()
    for n in range(1, PER[encoding] + 1):
        for value in range(256):
            buf = np.array([value], dtype=np.uint8)
            c_status, c_trits, c_index = clib.unpack(buf, (n,), encoding, 0)
            if c_status == "ok":
                np.testing.assert_array_equal(td.unpack(buf, (n,), encoding), c_trits)
                td.validate(buf, (n,), encoding)
            else:
                with pytest.raises(td.PackingError) as info:
                    td.unpack(buf, (n,), encoding)
                assert (info.value.status, info.value.index) == (c_status, c_index)
                assert info.value.value == value
                with pytest.raises(td.PackingError):
                    td.validate(buf, (n,), encoding)
            outcomes.add(c_status)
    assert outcomes == {"ok", "invalid_code", "bad_padding"}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_valid_byte_count(encoding):
    # Independent count: 3**4 = 81 valid offset2 bytes, 243 valid base3 bytes.
    valid = 0
    for value in range(256):
        try:
            td.unpack(np.array([value], dtype=np.uint8), (PER[encoding],), encoding)
            valid += 1
        except td.PackingError:
            pass
    assert valid == (81 if encoding == "offset2" else 243)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_random_bytes_first_error_matches_c(clib, encoding):
    # Buffers of mostly valid bytes with a few arbitrary ones: the first
    # offending byte (code or padding) is the one C reports.
    rng = np.random.default_rng(99)
    valid = [v for v in range(256) if (v < 243 if encoding == "base3"
                                       else ((v & (v >> 1)) & 0x55) == 0)]
    statuses = set()
    for shape in random_shapes(rng, 80):
        for axis in range(len(shape)):
            n = td.packed_size(shape, encoding, axis)
            buf = rng.choice(valid, size=n).astype(np.uint8)
            if n:
                hits = rng.integers(0, n, size=int(rng.integers(0, 3)))
                buf[hits] = rng.integers(0, 256, size=hits.size)
            c_status, c_trits, c_index = clib.unpack(buf, shape, encoding, axis)
            statuses.add(c_status)
            if c_status == "ok":
                np.testing.assert_array_equal(td.unpack(buf, shape, encoding, axis), c_trits)
            else:
                with pytest.raises(td.PackingError) as info:
                    td.unpack(buf, shape, encoding, axis)
                assert (info.value.status, info.value.index) == (c_status, c_index)
    assert statuses == {"ok", "invalid_code", "bad_padding"}


def test_large_tensor_matches_c(clib):
    trits = random_trits(np.random.default_rng(5), (1024, 1536))
    for enc in ENCODINGS:
        for axis in (0, 1):
            _, c_bytes, _ = clib.pack(trits, enc, axis)
            np.testing.assert_array_equal(td.pack(trits, enc, axis), c_bytes)
            np.testing.assert_array_equal(td.unpack(c_bytes, trits.shape, enc, axis), trits)


def test_vectorized_speed():
    # 8M trits: a per-element Python loop would take minutes; the vectorized
    # code takes well under a second (the bound leaves room for a busy CI box).
    trits = torch.randint(-1, 2, (2048, 4096), dtype=torch.int8)
    start = time.perf_counter()
    packed = td.pack(trits, "offset2", axis=0)
    back = td.unpack(packed, trits.shape, "offset2", axis=0)
    assert time.perf_counter() - start < 20.0
    assert torch.equal(back, trits)


# -- errors ---------------------------------------------------------------------

def test_invalid_trit_index_is_first_in_packed_order(clib):
    # Shape (3, 4) packed along axis 0: row n is column n (flat n, n+4, n+8).
    # Bad values at flat 2 (row 2) and 9 (row 1): row 1 comes first, so C and
    # Python report 9 although 2 is smaller.
    trits = np.zeros((3, 4), dtype=np.int16)
    trits.flat[2] = 5
    trits.flat[9] = -2
    with pytest.raises(td.PackingError) as info:
        td.pack(trits, "offset2", axis=0)
    assert info.value.status == "invalid_trit"
    assert info.value.index == 9 and info.value.value == -2
    assert "flat index 9" in str(info.value)
    # C sees int8 values; -2 and 5 stay invalid there.
    assert clib.pack(trits, "offset2", 0)[::2] == ("invalid_trit", 9)
    # Along axis 1 the rows are the matrix rows: flat 2 comes first.
    with pytest.raises(td.PackingError) as info:
        td.pack(trits, "base3", axis=1)
    assert info.value.index == 2
    assert clib.pack(trits, "base3", 1)[::2] == ("invalid_trit", 2)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_invalid_trits_match_c_on_random_positions(clib, encoding):
    rng = np.random.default_rng(3)
    for shape in random_shapes(rng, 60):
        if not np.prod(shape):
            continue
        trits = random_trits(rng, shape)
        bad = rng.integers(0, trits.size, size=int(rng.integers(1, 4)))
        trits.flat[bad] = rng.choice([2, -2, 3, 127, -128], size=bad.size)
        for axis in range(len(shape)):
            c_status, _, c_index = clib.pack(trits, encoding, axis)
            assert c_status == "invalid_trit"
            with pytest.raises(td.PackingError) as info:
                td.pack(trits, encoding, axis)
            assert info.value.index == c_index
            assert trits.flat[info.value.index] == info.value.value


def test_unsigned_and_float_inputs():
    # uint8 255 is not -1, and a float 0.5 or NaN is not a trit.
    with pytest.raises(td.PackingError) as info:
        td.pack(np.array([1, 0, 255], dtype=np.uint8))
    assert info.value.index == 2
    for bad in (0.5, float("nan")):
        with pytest.raises(td.PackingError) as info:
            td.pack(np.array([1.0, -1.0, bad, 0.0]))
        assert info.value.index == 2
    as_float = td.pack(np.array([1.0, -1.0, 0.0, 1.0], dtype=np.float32))
    assert as_float.tolist() == td.pack(np.array([1, -1, 0, 1], dtype=np.int8)).tolist()
    for dtype in (np.int16, np.int32, np.int64):
        assert td.pack(np.array([-1, 1, 0], dtype=dtype)).tolist() == [0 | 2 << 2 | 1 << 4 | 1 << 6]


def test_bad_padding_and_invalid_code_offsets():
    # Shape (2, 5) along axis 1, offset2: rows of 2 bytes, element 4 and three
    # padding codes in the second byte of each row (offsets 1 and 3).
    good = td.pack(np.zeros((2, 5), dtype=np.int8), "offset2", axis=1)
    assert good.tolist() == [0x55, 0x55, 0x55, 0x55]
    buf = good.copy()
    buf[3] = 0b01_10_01_01  # padding code +1 at field 2 (element 6 of row 1)
    with pytest.raises(td.PackingError) as info:
        td.unpack(buf, (2, 5), "offset2", axis=1)
    assert (info.value.status, info.value.index, info.value.value) == ("bad_padding", 3, buf[3])
    assert "byte offset 3" in str(info.value)
    buf[1] = 0xFF  # an invalid code before it wins
    with pytest.raises(td.PackingError) as info:
        td.unpack(buf, (2, 5), "offset2", axis=1)
    assert (info.value.status, info.value.index) == ("invalid_code", 1)
    # A byte that is both invalid and padding reports the invalid code.
    buf = good.copy()
    buf[1] = 0b11_01_01_01
    with pytest.raises(td.PackingError) as info:
        td.validate(buf, (2, 5), "offset2", axis=1)
    assert (info.value.status, info.value.index) == ("invalid_code", 1)
    # base3: 243 is invalid; 122 = 121 + 1 sets element 0 to +1 (fine), 124 =
    # 121 + 3 puts +1 in the first padding digit of a row of 1.
    with pytest.raises(td.PackingError) as info:
        td.unpack(np.array([121, 243], dtype=np.uint8), (2, 1), "base3", axis=1)
    assert (info.value.status, info.value.index) == ("invalid_code", 1)
    assert td.unpack(np.array([122], dtype=np.uint8), (1,), "base3").tolist() == [1]
    with pytest.raises(td.PackingError) as info:
        td.unpack(np.array([121, 124], dtype=np.uint8), (2, 1), "base3", axis=1)
    assert (info.value.status, info.value.index) == ("bad_padding", 1)


def test_argument_errors():
    with pytest.raises(ValueError, match="encoding"):
        td.pack(np.zeros(4, dtype=np.int8), "base4")
    with pytest.raises(ValueError, match="rank-0"):
        td.pack(np.array(0, dtype=np.int8))
    with pytest.raises(ValueError, match="axis"):
        td.pack(np.zeros((2, 3), dtype=np.int8), axis=2)
    with pytest.raises(ValueError, match="needs 2"):
        td.unpack(np.zeros(3, dtype=np.uint8), (8,))
    with pytest.raises(TypeError, match="uint8"):
        td.unpack(np.zeros(2, dtype=np.int8), (8,))
    with pytest.raises(TypeError):
        td.pack([1, 0, -1])
    with pytest.raises(ValueError, match="negative"):
        td.packed_size((2, -1), "offset2", 0)
    assert issubclass(td.PackingError, ValueError)


def test_empty_tensors(clib):
    for shape, axis in [((0,), 0), ((3, 0), 0), ((3, 0), 1), ((0, 5, 2), 1)]:
        for enc in ENCODINGS:
            trits = np.zeros(shape, dtype=np.int8)
            assert td.packed_size(shape, enc, axis) == clib.packed_size(shape, enc, axis)
            packed = td.pack(trits, enc, axis)
            assert packed.size == td.packed_size(shape, enc, axis)
            assert td.unpack(packed, shape, enc, axis).shape == shape


# -- numpy / torch interplay -----------------------------------------------------

def test_torch_in_torch_out(clib):
    trits = torch.randint(-1, 2, (5, 7, 3), dtype=torch.int8)
    for enc in ENCODINGS:
        for axis in range(3):
            packed = td.pack(trits, enc, axis)
            assert isinstance(packed, torch.Tensor) and packed.dtype == torch.uint8
            _, c_bytes, _ = clib.pack(trits.numpy(), enc, axis)
            np.testing.assert_array_equal(packed.numpy(), c_bytes)
            back = td.unpack(packed, trits.shape, enc, axis)
            assert isinstance(back, torch.Tensor) and back.dtype == torch.int8
            assert torch.equal(back, trits)


def test_non_contiguous_and_read_only_inputs(clib):
    base = np.random.default_rng(0).integers(-1, 2, size=(6, 8)).astype(np.int8)
    view = base.T  # non-contiguous
    _, c_bytes, _ = clib.pack(np.ascontiguousarray(view), "offset2", 1)
    np.testing.assert_array_equal(td.pack(view, "offset2", 1), c_bytes)
    np.testing.assert_array_equal(td.pack(torch.from_numpy(base).t(), "offset2", 1), c_bytes)
    ro = np.ascontiguousarray(view)
    ro.flags.writeable = False
    np.testing.assert_array_equal(td.pack(ro, "offset2", 1), c_bytes)
    c_bytes.flags.writeable = False
    np.testing.assert_array_equal(td.unpack(c_bytes, view.shape, "offset2", 1), view)
