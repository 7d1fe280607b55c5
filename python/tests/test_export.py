# torch.export in: triton_dsl.from_exported(ExportedProgram) and the console
# script `triton-dsl compile model.pt2 --target=... -o OUT`. Each capture is
# compared with the independent reference (ternarize_model of the original
# model, float64) to 1e-5 of the largest output: the generated PyTorch module,
# the CPU object (triton_dsl.cpu.load) and the ONNX model (onnxruntime) that
# the script writes. A dim exported as dynamic stays symbolic (other batch
# sizes run); bad input (an unknown target, a file that is not a .pt2, a
# model exported in training mode, an unsupported operator) gives one clear
# error and writes nothing.
import importlib.util
import os
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import triton_dsl as td
from_exported = td.from_exported

REPO = pathlib.Path(__file__).resolve().parents[2]


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4 * 6 * 6, 5)
        self.drop = nn.Dropout(0.2)

    def forward(self, x):
        h = F.gelu(self.bn(self.conv(x)))
        return self.drop(self.fc(h.view(x.shape[0], -1))).softmax(-1)


def cnn():
    torch.manual_seed(0)
    model = CNN()
    with torch.no_grad():
        model.bn.running_mean.uniform_(-0.5, 0.5)
        model.bn.running_var.uniform_(0.5, 2.0)
    return model.eval()


def mlp():
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(12, 32), nn.ReLU(), nn.Linear(32, 4)).eval()


def reference(model, x):
    ref = td.ternarize_model(model).double().eval()
    with torch.no_grad():
        return ref(torch.as_tensor(x).double())


def assert_close(y, expected):
    y = torch.as_tensor(np.asarray(y)) if not isinstance(y, torch.Tensor) else y
    assert tuple(y.shape) == tuple(expected.shape)
    scale = max(expected.abs().max().item(), 1e-6)
    err = (y.double() - expected).abs().max().item() / scale
    assert err < 1e-5, f"relative error {err}"


@pytest.mark.parametrize("dynamic", [False, True])
def test_from_exported_cnn(dynamic):
    model = cnn()
    x = torch.randn(3, 1, 6, 6)
    shapes = ({0: torch.export.Dim("batch")},) if dynamic else None
    program = from_exported(torch.export.export(model, (x,), dynamic_shapes=shapes))
    assert program.layer_name == "CNN"
    assert program.dynamic_batch == dynamic
    module = program.module()
    with torch.no_grad():
        assert_close(module(x), reference(model, x))
        if dynamic:
            x7 = torch.randn(7, 1, 6, 6)
            assert_close(module(x7), reference(model, x7))
    # The weights were ternarized (2 bits), the BatchNorm folded.
    assert set(program.ternary_params) == {"conv_weight", "fc_weight"}


def test_from_exported_options_and_other_example_inputs():
    model = mlp()
    x = torch.randn(2, 12)
    exported = torch.export.export(model, (x,))
    program = from_exported(exported, (torch.randn(2, 12),), per_channel=True, name="Net")
    assert program.layer_name == "Net"
    ref = td.ternarize_model(model, per_channel=True).double()
    with torch.no_grad():
        assert_close(program.module()(x), ref(x.double()))


def test_from_exported_refusals():
    model = cnn().train()
    x = torch.randn(3, 1, 6, 6)
    with pytest.raises(ValueError, match="eval mode"):
        from_exported(torch.export.export(model, (x,)))

    class Hard(nn.Module):
        def forward(self, x):
            return torch.cumsum(x, 1)

    with pytest.raises(td.UnsupportedOperationError, match="cumsum"):
        from_exported(torch.export.export(Hard(), (x,)))
    with pytest.raises(TypeError, match="ExportedProgram"):
        from_exported(model)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "triton_dsl", *map(str, args)],
                          capture_output=True, text=True, cwd=REPO, timeout=300)


@pytest.fixture(scope="module")
def pt2(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pt2")
    model = cnn()
    x = torch.randn(3, 1, 6, 6)
    path = folder / "cnn.pt2"
    torch.export.save(torch.export.export(model, (x,), dynamic_shapes=({0: torch.export.Dim("b")},)),
                      path)
    return path, model


def test_cli_pytorch_target(pt2, tmp_path):
    path, model = pt2
    out = tmp_path / "cnn_module.py"
    result = run_cli("compile", path, "--target=pytorch", "-o", out)
    assert result.returncode == 0, result.stderr
    spec = importlib.util.spec_from_file_location("cnn_module", out)
    generated = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generated)
    net = generated.CNN()  # starts with the weights: they are in the file
    x = torch.randn(5, 1, 6, 6)
    with torch.no_grad():
        assert_close(net(x), reference(model, x))


def test_cli_cpu_target(pt2, tmp_path):
    path, model = pt2
    out = tmp_path / "cnn.o"
    result = run_cli("compile", path, "--target=cpu", "-o", out)
    assert result.returncode == 0, result.stderr
    x = np.random.default_rng(0).standard_normal((4, 1, 6, 6)).astype(np.float32)
    assert_close(td.cpu.load(out).CNN.forward(x), reference(model, x))


def test_cli_onnx_target(pt2, tmp_path):
    ort = pytest.importorskip("onnxruntime")
    path, model = pt2
    x = np.random.default_rng(1).standard_normal((2, 1, 6, 6)).astype(np.float32)
    for profile in ("ort", "standard"):
        out = tmp_path / f"cnn_{profile}.onnx"
        result = run_cli("compile", path, "--target=onnx", f"--onnx-profile={profile}", "-o", out)
        assert result.returncode == 0, result.stderr
        session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
        [y] = session.run(None, {session.get_inputs()[0].name: x})
        assert_close(y, reference(model, x))


def test_cli_tri_and_console_script(pt2, tmp_path):
    path, _ = pt2
    out = tmp_path / "cnn.tri"
    script = shutil.which("triton-dsl", path=os.path.dirname(sys.executable))
    command = [script] if script else [sys.executable, "-m", "triton_dsl"]
    result = subprocess.run([*command, "compile", str(path), "--target=tri", "-o", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert out.read_text().startswith("# Captured by triton_dsl.from_fx")
    assert "layer CNN {" in out.read_text()


def test_cli_errors_write_nothing(pt2, tmp_path):
    path, _ = pt2
    out = tmp_path / "out"
    result = run_cli("compile", path, "--target=tpu", "-o", out)
    assert result.returncode == 1
    assert result.stderr.startswith("triton-dsl: error: unknown target 'tpu'")
    junk = tmp_path / "junk.pt2"
    junk.write_text("not a zip")
    result = run_cli("compile", junk, "--target=cpu", "-o", out)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"triton-dsl: error: {junk}: not a torch.export program "
        "(BadZipFile: File is not a zip file)"]
    result = run_cli("compile", tmp_path / "missing.pt2", "-o", out)
    assert result.returncode == 1 and "no such file" in result.stderr
    result = run_cli("compile", path, "--target=cpu", "--onnx-profile=ort", "-o", out)
    assert result.returncode == 1 and "--onnx-profile is for --target=onnx" in result.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junk.pt2"]  # no temporary left
