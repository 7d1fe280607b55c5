# examples/digits_qat.py, short version: an MLP of TernaryLinear layers
# trained (QAT) on scikit-learn's bundled digits, captured with from_fx and
# compiled to every target that runs here (PyTorch module, CPU object through
# triton_dsl.cpu.load, ONNX in onnxruntime with the ort and standard
# profiles). Every target must predict exactly the classes of the trained
# model's own forward pass in float64 on all 540 test images, with logits
# within 1e-4; the trained model must have learned (accuracy > 0.85).
import importlib.util
import pathlib

import pytest

pytest.importorskip("sklearn")

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "digits_qat.py"


def test_digits_qat_targets_agree_exactly(capsys):
    spec = importlib.util.spec_from_file_location("digits_qat", EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    result = example.main(["--quick", "--check"])
    printed = capsys.readouterr().out
    targets = set(result["logits"])
    assert {"pytorch", "cpu"} <= targets
    try:
        import onnxruntime  # noqa: F401
        assert {"onnx (ort)", "onnx (standard)"} <= targets
    except ImportError:
        pass
    assert len(result["predicted"]) == 540
    for name in targets:
        assert result["mismatches"][name] == 0, name
        assert result["errors"][name] < 1e-4, (name, result["errors"][name])
        assert name in printed
    accuracy = result["accuracy"]
    assert accuracy["trained model (float64)"] > 0.85
    assert len({accuracy[name] for name in targets}) == 1
