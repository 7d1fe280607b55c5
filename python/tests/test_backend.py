# The torch.compile backend: the compiled callable runs the generated module
# (checked against the ternarized original in float64, and against the float
# model it must differ from), in every mode, with dynamic batch sizes,
# weight updates and unsupported graphs.
import importlib.util
import io

import pytest
import torch
import torch._dynamo
from torch import nn

import triton_dsl
from test_fx import SmallCNN, mlp, reference


@pytest.fixture(autouse=True)
def fresh_dynamo():
    torch._dynamo.reset()
    yield
    torch._dynamo.reset()


def close(y, expected, tol=1e-5):
    scale = max(expected.abs().max().item(), 1e-6)
    return (y.double() - expected).abs().max().item() / scale < tol


def test_compile_mode_runs_the_generated_module():
    model = mlp()
    backend = triton_dsl.backend(target="pytorch", mode="compile")
    compiled = torch.compile(model, backend=backend)
    x = torch.randn(4, 784)
    with torch.no_grad():
        y = compiled(x)
        assert close(y, reference(model, x))
        assert (y - model(x)).abs().max() > 1e-2  # not the float graph
    (graph,) = backend.graphs
    assert type(graph.module).__name__ == graph.program.layer_name
    assert "!ternary.packed<784x256>" in graph.mlir
    assert "ternary.matmul" in graph.optimized_mlir
    assert "class Captured(nn.Module):" in graph.python


def test_cnn_and_new_batch_sizes():
    torch.manual_seed(5)
    model = SmallCNN().eval()
    backend = triton_dsl.backend(mode="compile")
    compiled = torch.compile(model, backend=backend)
    with torch.no_grad():
        for batch in (2, 3, 5):  # the second size makes torch.compile go dynamic
            x = torch.randn(batch, 3, 8, 8)
            assert close(compiled(x), reference(model, x))
    assert any("Tensor[s" in g.program.source for g in backend.graphs)


def test_trace_mode_prints_and_runs_the_original_graph():
    model = mlp()
    out = io.StringIO()
    compiled = torch.compile(model, backend=triton_dsl.backend(mode="trace", stream=out))
    x = torch.randn(2, 784)
    with torch.no_grad():
        assert torch.equal(compiled(x), model(x))
    printed = out.getvalue()
    assert "# FX graph 0" in printed and "torch._C._nn.linear" in printed
    assert "layer Captured {" in printed and "TernaryTensor[784, 256]" in printed


def test_eager_mode_is_the_original_graph():
    model = mlp()
    compiled = torch.compile(model, backend=triton_dsl.backend(mode="eager"))
    x = torch.randn(2, 784)
    with torch.no_grad():
        assert torch.equal(compiled(x), model(x))


def test_codegen_mode_writes_runnable_artifacts(tmp_path):
    model = mlp()
    compiled = torch.compile(model, backend=triton_dsl.backend(mode="codegen", folder=tmp_path))
    x = torch.randn(3, 784)
    with torch.no_grad():
        y = compiled(x)
    folder = tmp_path / "graph_0"
    assert sorted(p.name for p in folder.iterdir()) == [
        "model.mlir", "model.opt.mlir", "model.py", "model.tri", "weights.pt"]
    assert "ternary.layer @Captured" in (folder / "model.mlir").read_text()
    # The written module, loaded on its own with the written weights.
    spec = importlib.util.spec_from_file_location("written_model", folder / "model.py")
    written = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(written)
    module = written.Captured()
    module.load_state_dict(torch.load(folder / "weights.pt"))
    with torch.no_grad():
        assert torch.equal(module(x), y)


def test_weight_updates_are_picked_up():
    model = mlp()
    compiled = torch.compile(model, backend=triton_dsl.backend(mode="compile"))
    x = torch.randn(2, 784)
    with torch.no_grad():
        compiled(x)
        model[0].weight.mul_(-1.0)
        model[2].bias.add_(1.0)
        assert close(compiled(x), reference(model, x))


def test_unsupported_graph_fails_naming_the_op():
    model = nn.Sequential(nn.Linear(4, 4), nn.Softplus())
    compiled = torch.compile(model, backend=triton_dsl.backend(mode="compile"))
    with pytest.raises(Exception, match="unsupported operation .*softplus"):
        compiled(torch.randn(2, 4))


def test_bad_options():
    with pytest.raises(ValueError, match="unknown target 'tpu'"):
        triton_dsl.backend(target="tpu")
    with pytest.raises(ValueError, match="unknown mode 'jit'"):
        triton_dsl.backend(mode="jit")
    with pytest.raises(ValueError, match="needs folder"):
        triton_dsl.backend(mode="codegen")
    with pytest.raises(ValueError, match="use target='acalsim' or target='ptx'"):
        triton_dsl.backend(target="onnx", mode="simulate")
