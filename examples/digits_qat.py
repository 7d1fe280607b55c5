"""Train a ternary MLP on real data, capture it, compile it to every target.

    .venv/bin/python examples/digits_qat.py            # about half a minute
    .venv/bin/python examples/digits_qat.py --quick    # what `make test` runs

scikit-learn's bundled digits (1,797 8x8 images, no download) are split
70/30; an MLP 64 -> 128 -> 10 of ``triton_dsl.TernaryLinear`` layers is
trained with quantization-aware training (absmean trits, straight-through
gradients). The trained model is captured with ``triton_dsl.from_fx`` (the
QAT layers become ternary params with their own trits and scales) and
compiled to each registered target: the PyTorch module, the CPU object
(``triton_dsl.cpu.load``), the ONNX model in onnxruntime (``ort`` and
``standard`` profiles). Each prints its test accuracy (next to the same MLP
trained with float weights); a target this
example has no runner for is compiled and reported as such. With
``--check`` it stops with an error unless every target predicts exactly the
classes the trained model predicts and its logits are within 1e-4 of the
model's own forward pass in float64.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import tempfile
import time

import numpy as np
import torch
from torch import nn

try:
    import triton_dsl as td
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
    import triton_dsl as td


def load_digits(seed: int = 0):
    from sklearn.datasets import load_digits as sklearn_digits
    from sklearn.model_selection import train_test_split

    x, y = sklearn_digits(return_X_y=True)
    x = (x / 16.0).astype(np.float32)  # pixels 0..16
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3, random_state=seed,
                                                        stratify=y)
    return (torch.from_numpy(x_train), torch.from_numpy(y_train),
            torch.from_numpy(x_test), torch.from_numpy(y_test))


def train(x, y, epochs: int, seed: int = 0, linear=td.TernaryLinear) -> nn.Module:
    torch.manual_seed(seed)
    model = nn.Sequential(linear(64, 128), nn.ReLU(), linear(128, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(epochs):
        for batch in torch.randperm(len(x)).split(128):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
            optimizer.step()
    return model.eval()


def run_targets(program: td.TernaryProgram, x: torch.Tensor):
    """name -> logits (numpy) for every target that runs here, and the
    names of the targets only compiled (no runner in this example)."""
    logits, compiled_only = {}, {}
    with torch.no_grad():
        logits["pytorch"] = program.module()(x).numpy()
    logits["cpu"] = np.asarray(getattr(program.cpu(), program.layer_name).forward(x.numpy()))
    try:
        import onnxruntime as ort
    except ImportError:
        ort = None
    for profile in ("ort", "standard"):
        model = program.onnx(profile=profile)
        if ort is None:
            compiled_only[f"onnx ({profile})"] = len(model)
            continue
        options = ort.SessionOptions()
        options.log_severity_level = 3  # errors only
        session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        [out] = session.run(None, {session.get_inputs()[0].name: x.numpy()})
        logits[f"onnx ({profile})"] = out
    for target in sorted(td.targets()):
        if target in ("pytorch", "cpu", "onnx"):
            continue
        with tempfile.TemporaryDirectory() as folder:
            weights = os.path.join(folder, "weights.safetensors")
            program.save_weights(weights)
            try:
                output = td.compile(program.source, target=target, weights=weights)
            except td.CompileError as error:
                compiled_only[target] = f"does not compile: {error}"
                continue
        size = sum(map(len, output.values())) if isinstance(output, dict) else len(output)
        compiled_only[target] = size
    return logits, compiled_only


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--quick", action="store_true",
                        help="8 epochs, no float baseline (the test's setting)")
    parser.add_argument("--check", action="store_true",
                        help="fail unless every target agrees with the trained model")
    args = parser.parse_args(argv)
    epochs = 8 if args.quick else args.epochs

    x_train, y_train, x_test, y_test = load_digits()
    start = time.perf_counter()
    model = train(x_train, y_train, epochs)
    print(f"digits: {len(x_train)} train / {len(x_test)} test images; QAT {epochs} epochs "
          f"in {time.perf_counter() - start:.1f} s")

    reference = copy.deepcopy(model).double()
    with torch.no_grad():
        expected = reference(x_test.double()).numpy()
    predicted = expected.argmax(1)
    accuracy = {}
    if not args.quick:  # the same MLP with float weights, for comparison
        baseline = train(x_train, y_train, epochs, linear=nn.Linear)
        with torch.no_grad():
            accuracy["float MLP (not ternary)"] = float(
                (baseline(x_test).argmax(1) == y_test).float().mean())
    accuracy["trained model (float64)"] = float((predicted == y_test.numpy()).mean())

    program = td.from_fx(model, (x_test[:8],), name="DigitsMLP")
    logits, compiled_only = run_targets(program, x_test)
    errors, mismatches = {}, {}
    for name, out in logits.items():
        accuracy[name] = float((out.argmax(1) == y_test.numpy()).mean())
        errors[name] = float(np.abs(out.astype(np.float64) - expected).max())
        mismatches[name] = int((out.argmax(1) != predicted).sum())

    print(f"{'':28} {'test accuracy':>13}  {'argmax != model':>15}  {'max |logit diff|':>16}")
    for name, value in accuracy.items():
        extra = "" if name not in errors else f"  {mismatches[name]:>15}  {errors[name]:>16.2e}"
        print(f"{name:28} {value:>13.4f}{extra}")
    for name, what in compiled_only.items():
        print(f"{name:28} {'compiled, ' + str(what) + ' bytes' if isinstance(what, int) else what}"
              " (no runner in this example)")
    if args.check:
        bad = {n: (mismatches[n], errors[n]) for n in logits if mismatches[n] or errors[n] > 1e-4}
        if bad:
            raise SystemExit(f"targets disagree with the trained model: {bad}")
    return {"accuracy": accuracy, "errors": errors, "mismatches": mismatches,
            "compiled_only": compiled_only, "logits": logits, "predicted": predicted}


if __name__ == "__main__":
    main()
