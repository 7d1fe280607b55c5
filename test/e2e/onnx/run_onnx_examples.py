#!/usr/bin/env python3
"""Compiles the DSL examples (examples/*.tri) to ONNX with tritonc in both
profiles and checks each model with its real consumers:

  tritonc EXAMPLE.tri --target=onnx [--emit=onnx-standard] -o model.onnx

then onnx.checker.check_model(full_check=True), strict shape inference, and
onnxruntime (CPU provider) on the same fixed random inputs and weights as
test/e2e/examples/run_examples.py (whose float64 numpy reference, written
from the DSL semantics, this script reuses): within 1e-5 relative. Params
without a value are graph inputs named Layer.param (packed params as their
1-D uint8 storage). The standard profile also runs in
onnx.reference.ReferenceEvaluator. A second compilation must give the same
bytes. Prints one line per (example, profile, runtime) and the worst
relative error; exits non-zero on any mismatch.
"""
import argparse
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "examples"))
sys.path.insert(0, os.path.dirname(HERE))
import run_examples  # noqa: E402
from memref_abi import compare  # noqa: E402

PROFILES = {"ort": [], "standard": ["--emit=onnx-standard"],
            "ort-int8": ["--emit=onnx-int8"]}


def compile_model(args, example, profile):
    source = os.path.join(args.examples, example.source)
    out = os.path.join(args.work, "%s.%s.onnx" % (example.source, profile))
    command = [args.tritonc, source, "--target=onnx", "-o", out] + PROFILES[profile]
    subprocess.run(command, check=True)
    with open(out, "rb") as f:
        data = f.read()
    again = out + ".again"
    subprocess.run([again if c == out else c for c in command], check=True)
    with open(again, "rb") as f:
        if f.read() != data:
            raise SystemExit("FAIL %s %s: two compilations differ" % (example.source, profile))
    return data


def feeds_for(model, example, entry):
    feeds = {}
    for value in model.graph.input:
        name = value.name
        if name.startswith("input"):
            feeds[name] = entry.inputs[int(name[len("input"):])]
        else:
            argument = run_examples.abi_argument(example.arguments[name])
            if argument.dtype == np.int8:  # packed: the C ABI's [rows, bytes]
                argument = argument.view(np.uint8).reshape(-1)
            feeds[name] = argument
    return feeds


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--example", action="append", required=True,
                        choices=sorted(run_examples.EXAMPLES))
    parser.add_argument("--tritonc", required=True)
    parser.add_argument("--examples", required=True)
    parser.add_argument("--python-package", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--profile", action="append", choices=sorted(PROFILES),
                        help="default: ort and standard")
    parser.add_argument("--tolerance", type=float, default=1e-5,
                        help="relative error bound (1e-5: exact forms)")
    args = parser.parse_args()
    profiles = args.profile or ["ort", "standard"]
    os.makedirs(args.work, exist_ok=True)
    sys.path.insert(0, args.python_package)
    import onnx
    import onnx.reference
    import onnxruntime as ort

    ok = True
    worst = 0.0
    for name in args.example:
        example = run_examples.EXAMPLES[name](np.random.default_rng(args.seed))
        for profile in profiles:
            data = compile_model(args, example, profile)
            model = onnx.load_from_string(data)
            onnx.checker.check_model(model, full_check=True)
            onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
            entry_name = model.graph.name.replace(".", "_")
            entry = next(e for e in example.entries if e.name == entry_name)
            feeds = feeds_for(model, example, entry)
            options = ort.SessionOptions()
            options.intra_op_num_threads = 1
            session = ort.InferenceSession(data, options,
                                           providers=["CPUExecutionProvider"])
            runs = [("onnxruntime", lambda: session.run(None, feeds)[0])]
            if profile == "standard":
                evaluator = onnx.reference.ReferenceEvaluator(model)
                runs.append(("onnx.reference", lambda: evaluator.run(None, feeds)[0]))
            ops = sorted({(n.domain + "." if n.domain else "") + n.op_type
                          for n in model.graph.node})
            print("%s %s: %d bytes, ops %s" % (name, profile, len(data), " ".join(ops)))
            for runtime, call in runs:
                got = np.asarray(call())
                passed, detail, error = compare(got, entry.reference(), False)
                if args.tolerance != 1e-5:
                    passed = error <= args.tolerance
                    detail = "max relative error %.3g (limit %g)" % (error, args.tolerance)
                print("%s %s %s %s %s: %s" % ("PASS" if passed else "FAIL", name,
                                              entry.name, profile, runtime, detail))
                ok &= passed
                worst = max(worst, error if error is not None else float("inf"))
    print("worst relative error %.3g" % worst)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
