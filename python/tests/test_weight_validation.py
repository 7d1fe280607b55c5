"""Proves that bad packed weights are refused once, where they enter, with an
error naming the param, so the LibTorch op (which does not check bytes) and
the pure-PyTorch path never compute with them: load_state_dict of a generated
module refuses an invalid offset2 code (0b11), non-zero padding (offset2 and
base3), a base3 byte >= 243, a float tensor (1.7 would be cast to 1) and an
int64 tensor (341 would wrap to 85) for a packed buffer, and leaves the
buffer as it was; a subclass of a generated layer is checked too; a layer
nested in another module is named with its prefix;
TernaryTensor refuses the same inputs naming its bytes; and the op refuses a
bias or scale with the right element count in the wrong shape and an integer
scale, with an error saying which.
"""

import os
import pathlib
import subprocess

import pytest
import torch
from torch import nn

import triton_dsl as td
from triton_dsl import torch_ops
from triton_dsl.compiler import import_generated

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("TRITON_BUILD_DIR", ROOT / "build")).resolve()

# One layer with a packed param of each encoding, both with padding: a is 6
# trits per offset2 row (2 bytes, 2 padding trits), c is 7 trits per base3
# row (2 bytes, 3 padding trits).
PAIR = """
module {
  ternary.layer @Pair {
    ternary.param @a : !ternary.packed<6x2>
    ternary.param @c : !ternary.packed<7x2, #ternary.layout<base3, axis = 0>>
    func.func @forward(%x: tensor<?x6xf32>, %z: tensor<?x7xf32>) -> tensor<?x2xf32> {
      %a = ternary.get_param @a : !ternary.packed<6x2>
      %c = ternary.get_param @c : !ternary.packed<7x2, #ternary.layout<base3, axis = 0>>
      %y = ternary.matmul %x, %a : tensor<?x6xf32>, !ternary.packed<6x2> -> tensor<?x2xf32>
      %w = ternary.matmul %z, %c
          : tensor<?x7xf32>, !ternary.packed<7x2, #ternary.layout<base3, axis = 0>>
          -> tensor<?x2xf32>
      %s = arith.addf %y, %w : tensor<?x2xf32>
      return %s : tensor<?x2xf32>
    }
  }
}
"""


@pytest.fixture(scope="module")
def pair_module(tmp_path_factory):
    translate = BUILD / "bin" / "triton-translate"
    if not translate.exists():
        pytest.skip("triton-translate is not built")
    source = tmp_path_factory.mktemp("pair") / "pair.mlir"
    source.write_text(PAIR)
    code = subprocess.run([str(translate), "--to-pytorch", str(source)], check=True,
                          capture_output=True, text=True).stdout
    return import_generated(code)


def valid_state():
    a = td.pack(torch.tensor([[1, 0], [-1, 1], [0, 0], [1, 1], [-1, -1], [0, 1]]), "offset2", 0)
    c = td.pack(torch.tensor([[1, 0], [-1, 1], [0, 0], [1, 1], [-1, -1], [0, 1], [1, -1]]),
                "base3", 0)
    return {"a": a, "c": c}


def with_byte(name, offset, value):
    state = valid_state()
    state[name] = state[name].clone()
    state[name][offset] = value
    return state


BAD_STATES = {
    # field 0 of a's byte 0 holds 0b11
    "offset2 invalid code": (lambda: with_byte("a", 0, 0x57), "a: .*invalid code"),
    # byte 1 of a's row holds trits 4, 5 and two padding trits: one is +1
    "offset2 bad padding": (lambda: with_byte("a", 1, 0x95), "a: .*padding"),
    "base3 byte >= 243": (lambda: with_byte("c", 0, 243), "c: .*invalid code"),
    # byte 1 of c's row holds trits 5, 6 and three padding trits: one is +1
    "base3 bad padding": (lambda: with_byte("c", 1, 121 + 2 * 9), "c: .*padding"),
    "float tensor": (lambda: {**valid_state(), "a": valid_state()["a"].float() * 1.7},
                     "a: expected uint8, got torch.float32"),
    "int64 341": (lambda: {**valid_state(), "c": torch.full((4,), 341, dtype=torch.int64)},
                  "c: expected uint8, got torch.int64"),
}


@pytest.mark.parametrize("case", sorted(BAD_STATES))
def test_load_state_dict_refuses_bad_packed_bytes(pair_module, case):
    make, message = BAD_STATES[case]
    model = pair_module.Pair()
    model.load_state_dict(valid_state())
    before = {name: value.clone() for name, value in model.state_dict().items()}
    with pytest.raises(ValueError, match=f"packed ternary param {message}"):
        model.load_state_dict(make())
    for name, value in model.state_dict().items():
        assert torch.equal(value, before[name]), f"{name} changed by a refused load"


def test_load_state_dict_accepts_valid_bytes(pair_module):
    model = pair_module.Pair()
    model.load_state_dict(valid_state())
    pair_module.USE_RUNTIME_OP = False
    x, z = torch.randn(3, 6), torch.randn(3, 7)
    want = x @ td.unpack(valid_state()["a"], (6, 2)).float() + \
        z @ td.unpack(valid_state()["c"], (7, 2), "base3").float()
    torch.testing.assert_close(model(x, z), want)


def test_subclass_of_a_generated_layer_is_checked(pair_module):
    class Mine(pair_module.Pair):
        pass

    with pytest.raises(ValueError, match="packed ternary param c: .*invalid code"):
        Mine().load_state_dict(with_byte("c", 2, 250))


def test_nested_layer_is_named_with_its_prefix(pair_module):
    outer = nn.Sequential(nn.Identity(), pair_module.Pair())
    state = {f"1.{name}": value for name, value in with_byte("a", 0, 0xFF).items()}
    with pytest.raises(ValueError, match="packed ternary param 1.a: "):
        outer.load_state_dict(state)


def load_op():
    try:
        available = torch_ops.load(BUILD)
    except Exception as error:  # no C++ compiler for the extension here
        pytest.skip(f"the runtime op does not build here: {error}")
    if not available:
        pytest.skip("the runtime op is not available (no runtime libraries)")
    return torch.ops.triton_dsl.ternary_matmul


def test_generated_module_with_runtime_op_refuses_invalid_code_at_load():
    """The op path: the generated mlp checks at load, not per call."""
    load_op()
    module = td.load((ROOT / "examples" / "mlp.tri").read_text())
    assert module._TERNARY_MATMUL_OP is not None
    model = module.MLP()
    state = model.state_dict()
    state["w1"] = state["w1"].clone()
    state["w1"][100] = 0xFF
    with pytest.raises(ValueError, match="packed ternary param w1: .*invalid code"):
        model.load_state_dict(state)


@pytest.mark.parametrize("packed, error, message", [
    (torch.full((3,), 85.0 * 1.7), TypeError, "got torch.float32"),
    (torch.full((3,), 341, dtype=torch.int64), TypeError, "got torch.int64"),
    (torch.tensor([0x55, 0xFF, 0x55], dtype=torch.uint8), td.PackingError, "invalid code"),
    (torch.tensor([0x55, 0x55, 0x95], dtype=torch.uint8), td.PackingError, "padding"),
])
def test_ternary_tensor_refuses_bad_bytes_naming_them(packed, error, message):
    shape = (3, 3)  # 3 rows of 3 trits, one byte each with one padding trit
    with pytest.raises(error, match=f"packed bytes of layer.w.*{message}"):
        td.TernaryTensor(packed, shape, name="layer.w")
    with pytest.raises(error, match=f"^packed.*{message}"):
        td.TernaryTensor(packed, shape)


def test_ternary_tensor_refuses_base3_byte_243():
    with pytest.raises(td.PackingError, match="packed bytes of w: .*invalid code"):
        td.TernaryTensor(torch.tensor([243], dtype=torch.uint8), (5,), "base3", name="w")


@pytest.fixture(scope="module")
def op():
    return load_op()


@pytest.mark.parametrize("scale, bias, message", [
    (None, torch.ones(2, 2), r"bias must have shape \(n,\) = \(4,\)"),
    (None, torch.ones(4, 1), r"bias must have shape \(n,\) = \(4,\)"),
    (None, torch.ones(4, dtype=torch.int64), "bias must be floating point"),
    (torch.ones(2, 2), None, r"scale must have shape \(\), \(1,\) or \(n,\) = \(4,\)"),
    (torch.ones(1, 1), None, r"scale must have shape"),
    (torch.ones(4, dtype=torch.int32), None, "scale must be floating point"),
    (torch.tensor(2), None, "scale must be floating point"),
])
def test_op_refuses_misshapen_scale_and_bias(op, scale, bias, message):
    packed = torch.full((4 * 2,), 0x55, dtype=torch.uint8)  # k = 8, n = 4
    x = torch.randn(3, 8)
    with pytest.raises(RuntimeError, match=message):
        op(x, packed, 8, 4, scale, bias)
    from torch._subclasses.fake_tensor import FakeTensorMode

    with FakeTensorMode(), pytest.raises(RuntimeError, match=message):  # the fake kernel
        fake = [None if t is None else torch.empty(t.shape, dtype=t.dtype) for t in (scale, bias)]
        op(torch.empty(3, 8), torch.empty(8, dtype=torch.uint8), 8, 4, *fake)
