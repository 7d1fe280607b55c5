# The architectures of issue 14 through from_fx and the torch.compile
# backend, on every target that runs here (the PyTorch module, ONNX in
# onnxruntime, the CPU object): each output is compared with an independent
# float64 reference, the model with its Linear/Conv2d (and attention
# in-projection) weights replaced by trits * scale (ternarize_model), to 1e-5
# relative to the largest output. The models are in fx_architectures.py.
import numpy as np
import pytest
import torch

import triton_dsl
from triton_dsl.fx import from_fx, ternarize_model

from fx_architectures import ARCHITECTURES, architecture

NAMES = list(ARCHITECTURES)


def reference(model, x):
    with torch.no_grad():
        return ternarize_model(model).double()(x.double() if x.is_floating_point() else x)


def relative_error(y, expected):
    y = torch.as_tensor(np.asarray(y)) if not isinstance(y, torch.Tensor) else y
    assert tuple(y.shape) == tuple(expected.shape)
    return ((y.double() - expected).abs().max() / expected.abs().max()).item()


@pytest.mark.parametrize("name", NAMES)
def test_from_fx_matches_the_ternarized_model(name):
    model, x = architecture(name)
    program = from_fx(model, (x,))
    with torch.no_grad():
        y = program.module()(x)
    expected = reference(model, x)
    assert relative_error(y, expected) <= 1e-5
    # The reference is not the float model: the comparison can fail.
    with torch.no_grad():
        assert relative_error(model(x), expected) > 1e-3


@pytest.mark.parametrize("name", NAMES)
def test_torch_compile_runs_the_generated_module(name):
    model, x = architecture(name)
    torch._dynamo.reset()
    backend = triton_dsl.backend(target="pytorch", mode="compile")
    with torch.no_grad():
        y = torch.compile(model, backend=backend)(x)
    assert backend.graphs, "no graph reached the backend"
    assert relative_error(y, reference(model, x)) <= 1e-5


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", NAMES)
def test_onnx_target(name):
    ort = pytest.importorskip("onnxruntime")
    model, x = architecture(name)
    program = from_fx(model, (x,))
    session = ort.InferenceSession(program.onnx(), providers=["CPUExecutionProvider"])
    (y,) = session.run(None, {session.get_inputs()[0].name: x.numpy()})
    assert relative_error(y, reference(model, x)) <= 1e-5


@pytest.mark.parametrize("name", NAMES)
def test_cpu_target(name):
    model, x = architecture(name)
    program = from_fx(model, (x,))
    y = getattr(program.cpu(), program.layer_name).forward(x)
    assert relative_error(y, reference(model, x)) <= 1e-5


def test_symbolic_batch_of_a_traced_architecture():
    model, x = architecture("resnet18")
    program = from_fx(model, (x,))
    assert "Tensor[N, 3, 32, 32]" in program.source
    other = torch.randn(3, 3, 32, 32)
    with torch.no_grad():
        assert relative_error(program.module()(other), reference(model, other)) <= 1e-5


def test_integer_inputs_stay_integer():
    model, x = architecture("embedding_classifier")
    program = from_fx(model, (x,))
    assert "tokens: Tensor<i64>[N, 7]" in program.source
    assert "embedding(" in program.source


@pytest.mark.parametrize("name", ["vit", "transformer_encoder_layer"])
def test_per_channel_scales_of_the_attention_projections(name):
    # The packed in-projection is ternarized once, per output row: its q, k
    # and v blocks keep their rows' scales.
    model, x = architecture(name)
    program = from_fx(model, (x,), per_channel=True)
    with torch.no_grad():
        y = program.module()(x)
        expected = ternarize_model(model, per_channel=True).double()(x.double())
    assert relative_error(y, expected) <= 1e-5
