# Fast by default: the LibTorch op is built by CMake (_torch_ops.so beside
# triton_dsl._core) and `import triton_dsl` registers it, so a generated
# module calls it with nothing loaded by hand and no compiler run at import
# or first call (cpp_extension.load is made to fail in the child process to
# prove it). A _torch_ops.so stamped for another torch is not loaded: the
# module falls back to the pure-PyTorch path and still computes the right
# numbers. The pure path decodes packed weights once and reuses the trits
# until the bytes change: load_state_dict, an in-place write (an invalid
# byte is then refused again) and a new tensor all give fresh trits.
import os
import pathlib
import shutil
import subprocess
import sys

import pytest
import torch
from torch import nn

import triton_dsl as td

REPO = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("TRITON_BUILD_DIR", REPO / "build")).resolve()
PREBUILT = BUILD / "python_packages" / "triton_dsl" / "_torch_ops.so"

needs_prebuilt = pytest.mark.skipif(not PREBUILT.exists(), reason="no CMake-built _torch_ops.so")

CHILD = """
import sys
sys.path.insert(0, {python!r})
import torch, torch.utils.cpp_extension as cpp_extension

def no_build(*args, **kwargs):
    raise AssertionError("a C++ build was started")

cpp_extension.load = no_build
import triton_dsl as td
from torch import nn
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(40, 24), nn.ReLU(), nn.Linear(24, 5)).eval()
x = torch.randn(3, 40)
module = td.from_fx(model, (x,)).module()
generated = sys.modules[type(module).__module__]
with torch.no_grad():
    y = module(x).double()
    ref = td.ternarize_model(model).double()(x.double())
err = ((y - ref).abs().max() / ref.abs().max()).item()
print("op" if generated._TERNARY_MATMUL_OP is not None else "pure", err < 1e-5)
print(td.torch_ops.load_error)
"""


def child(env_extra=None):
    env = dict(os.environ, **(env_extra or {}))
    result = subprocess.run([sys.executable, "-c", CHILD.format(python=str(REPO / "python"))],
                            capture_output=True, text=True, env=env, timeout=300, cwd="/")
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@needs_prebuilt
def test_import_registers_the_prebuilt_op_without_building(tmp_path):
    lines = child({"TORCH_EXTENSIONS_DIR": str(tmp_path / "ext"), "TRITON_BUILD_DIR": str(BUILD)})
    assert lines == ["op True", "None"]
    assert not (tmp_path / "ext").exists()


@needs_prebuilt
def test_an_op_built_for_another_torch_is_not_loaded(tmp_path):
    folder = tmp_path / "python_packages" / "triton_dsl"
    folder.mkdir(parents=True)
    shutil.copy(PREBUILT, folder / "_torch_ops.so")
    for core in PREBUILT.parent.glob("_core*.so"):  # the compiler itself, from the build
        (folder / core.name).symlink_to(core)
    (tmp_path / "lib").symlink_to(BUILD / "lib")  # libtriton_runtime.so
    (folder / "_torch_ops.torch_version").write_text("0.0.0\n")
    lines = child({"TRITON_BUILD_DIR": str(tmp_path)})
    assert lines[0] == "pure True"
    assert f"was built for torch 0.0.0, this is {torch.__version__}" in lines[1]


def pure_module(model, x):
    module = td.from_fx(model, (x,)).module()
    generated = sys.modules[type(module).__module__]
    generated.USE_RUNTIME_OP = False
    return module, generated


def expected(model, x):
    with torch.no_grad():
        return td.ternarize_model(model).double()(x.double())


def assert_close(y, ref):
    assert ((y.double() - ref).abs().max() / ref.abs().max()).item() < 1e-5


def test_pure_path_decodes_once_and_again_after_updates():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 3)).eval()
    x = torch.randn(4, 16)
    module, generated = pure_module(model, x)
    with torch.no_grad():
        assert_close(module(x), expected(model, x))
        cached = generated._unpack(module.m0_weight, *type(module).TERNARY_PARAMS["m0_weight"])
        assert generated._unpack(module.m0_weight, *type(module).TERNARY_PARAMS["m0_weight"]) is cached

        # load_state_dict with another model's weights: new trits.
        torch.manual_seed(2)
        other = nn.Sequential(nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 3)).eval()
        module.load_state_dict(td.from_fx(other, (x,)).module().state_dict())
        assert_close(module(x), expected(other, x))

        # An in-place write of the bytes: decoded (and checked) again.
        module.m2_weight.fill_(0x55)  # all zero trits: only the bias is left
        assert torch.equal(module(x), module.m2_bias.expand(4, 3))
        module.m2_weight[0] = 0xFF
        with pytest.raises(ValueError, match="invalid code"):
            module(x)


def test_pure_path_cache_follows_a_new_tensor():
    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(12, 4)).eval()
    x = torch.randn(2, 12)
    module, generated = pure_module(model, x)
    with torch.no_grad():
        before = module(x)
        module.m0_weight = torch.full_like(module.m0_weight, 0x55)  # a new buffer
        assert torch.equal(module(x), module.m0_bias.expand(2, 4))
        assert not torch.equal(before, module(x))


# A ternary convolution is one conv2d call on the runtime's cached float
# filter (trits * scale, _ternary_filter) with the bias as conv2d's bias=,
# with or without the op; the filter is built again when the packed bytes
# or the scale change (load_state_dict, in-place writes, a new tensor).


def conv_module(model, x):
    module = td.from_fx(model, (x,)).module()
    return module, sys.modules[type(module).__module__]


def filter_of(module, generated, name):
    shape, encoding, axis = type(module).TERNARY_PARAMS[name]
    return generated._ternary_filter(getattr(module, name), shape, encoding, axis,
                                     getattr(module, name + "_scale"), torch.float32)


@pytest.mark.parametrize("per_channel", [False, True])
def test_conv_is_one_conv2d_on_a_cached_filter(per_channel):
    torch.manual_seed(4)
    model = nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.ReLU(),
                          nn.Conv2d(6, 4, 3, stride=2, padding=1)).eval()
    x = torch.randn(2, 3, 9, 9)
    module = td.from_fx(model, (x,), per_channel=per_channel).module()
    generated = sys.modules[type(module).__module__]
    source = generated.__triton_dsl_source__
    forward = source[source.index("def forward"):]
    assert forward.count("torch.nn.functional.conv2d(") == 2
    assert forward.count("_ternary_filter(") == 2
    assert forward.count("bias=self.m0_bias.reshape(-1)") == 1
    assert "_unpack(" not in forward and "torch.full" not in forward
    assert " * self." not in forward
    reference = td.ternarize_model(model, per_channel=per_channel).double()
    with torch.no_grad():
        assert_close(module(x), reference(x.double()))
        cached = filter_of(module, generated, "m0_weight")
        assert filter_of(module, generated, "m0_weight") is cached
        assert not cached.requires_grad
        # Dense (no copy per conv2d call), channels_last by default.
        assert generated.CONV_CHANNELS_LAST
        assert cached.is_contiguous(memory_format=torch.channels_last)
        y = module(x)
        assert y.is_contiguous(memory_format=torch.channels_last)
        generated.CONV_CHANNELS_LAST = False
        try:
            nchw = filter_of(module, generated, "m0_weight")
            assert nchw is not cached and nchw.is_contiguous() and torch.equal(nchw, cached)
            assert module(x).is_contiguous()
            assert torch.allclose(module(x), y, rtol=1e-5, atol=1e-6)
        finally:
            generated.CONV_CHANNELS_LAST = True


def test_conv_filter_cache_follows_load_state_dict_and_in_place_updates():
    torch.manual_seed(5)
    model = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1)).eval()
    x = torch.randn(2, 2, 6, 6)
    module, generated = conv_module(model, x)
    with torch.no_grad():
        assert_close(module(x), expected(model, x))
        cached = filter_of(module, generated, "m0_weight")

        # load_state_dict with another model's weights: a new filter.
        torch.manual_seed(6)
        other = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1)).eval()
        module.load_state_dict(td.from_fx(other, (x,)).module().state_dict())
        assert filter_of(module, generated, "m0_weight") is not cached
        assert_close(module(x), expected(other, x))

        # An in-place update of the scale: the filter is scaled anew.
        bias = module.m0_bias.reshape(1, 3, 1, 1)
        before = module(x) - bias
        module.m0_weight_scale.mul_(2)
        assert torch.allclose(module(x) - bias, 2 * before, rtol=1e-6, atol=1e-6)

        # An in-place write of the bytes: decoded (and checked) again.
        module.m0_weight.fill_(0x55)  # all zero trits: only the bias is left
        assert torch.equal(module(x), bias.expand(2, 3, 6, 6))
        module.m0_weight[0] = 0xFF
        with pytest.raises(ValueError, match="invalid code"):
            module(x)

        # A new tensor (not an update of the old one): its own filter.
        module.m0_weight = torch.full_like(module.m0_weight, 0x55)
        module.m0_weight_scale = nn.Parameter(torch.tensor(3.0))
        assert torch.equal(module(x), bias.expand(2, 3, 6, 6))


def test_conv_filter_with_autograd_and_inference_mode():
    torch.manual_seed(7)
    model = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1)).eval()
    x = torch.randn(2, 2, 6, 6)
    module, generated = conv_module(model, x)
    # With grad on, the scale gets its gradient (the filter is built per
    # call, from the cached trits), call after call.
    for _ in range(2):
        module.zero_grad()
        module(x).sum().backward()
        grad = module.m0_weight_scale.grad
        assert grad is not None and grad.abs().item() > 0
        assert module.m0_bias.grad is not None
    with torch.no_grad():
        reference = module(x)
    # A filter cached in inference mode serves autograd calls afterwards.
    with torch.inference_mode():
        assert torch.equal(module(x), reference)
    module.m0_weight_scale.requires_grad_(False)
    x.requires_grad_(True)
    module(x).sum().backward()
    assert x.grad is not None
    with torch.no_grad():
        assert torch.equal(module(x), reference)


@pytest.mark.parametrize("per_channel", [False, True])
def test_grouped_conv_is_one_conv2d(per_channel):
    torch.manual_seed(8)
    model = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1, groups=8), nn.ReLU(),
                          nn.Conv2d(8, 4, 3, stride=2, padding=2, dilation=2, groups=2)).eval()
    x = torch.randn(3, 8, 9, 9)
    module = td.from_fx(model, (x,), per_channel=per_channel).module()
    generated = sys.modules[type(module).__module__]
    source = generated.__triton_dsl_source__
    forward = source[source.index("def forward"):]
    assert forward.count("torch.nn.functional.conv2d(") == 2
    assert "groups=8" in forward and "groups=2" in forward
    for extra in ("flatten", "reshape(arg0", "torch.nn.functional.pad", "_unpack(", " * self."):
        assert extra not in forward, extra
    reference = td.ternarize_model(model, per_channel=per_channel).double()
    with torch.no_grad():
        assert_close(module(x), reference(x.double()))
