#!/usr/bin/env python3
"""The GPU checks of --target=ptx for a machine with a GPU but no MLIR.

    test/e2e/gpu/gpu_bundle.py --prepare DIR [--build BUILD] [--quick] [--with-emulator]
    test/e2e/gpu/gpu_bundle.py DIR [--emulate] [--json FILE]

python/tests/test_gpu.py compiles as it tests, so it needs tritonc (and the
MLIR it links) where the GPU is. The GPU machines have torch, numpy and the
CUDA driver but no MLIR, so the same checks come in two halves:

* `--prepare` (here): every case's `--target=ptx` directory (and, with
  `--with-emulator`, its `--emit=emulator` twin), its inputs and its
  expected outputs, computed independently of our code, into DIR: the
  examples and PROGRAMS (grouped convolutions) with random weights at
  batch 1, 5 and 40 (expected: the PyTorch target on the same weights),
  RANDOM_PROGRAMS random programs (fuzz/random_programs.py --differential)
  at batch 3 (the same expectation), scalar arguments (float64, int64),
  the GEMV/GEMM shapes (float64 products of
  the trits), int8 activations (exact int64 products), f32 layers with
  --gpu-activations=int8 (W1.58A8, bit for bit), the kernel
  VARIANTS of the hidden flags on their shapes (the same expectations) and
  the FX test models (the float64 ternarized model).
* the run (on the GPU): loads each directory with triton_dsl.cuda (torch
  and numpy, which the GPU machines have, and build/lib/libtriton_cuda.so
  through TRITON_CUDA_LIB; no MLIR, no triton_dsl._core), compares, prints
  one line per case and a summary, and exits 1 if any case fails.
  `--emulate` runs the emulator twins instead (here: the bundle checks
  itself). Without a GPU the run says why and exits 0.

Prepare DIR under build/ (ignored by git) and carry it with
build/lib/libtriton_cuda.so to the GPU machine (docs/targets/ptx.md, "A GPU
session"); the repository (python/triton_dsl) travels with the working
tree.
"""
import argparse
import json
import os
import pathlib
import random
import re
import subprocess
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[3]
EXAMPLES = ["linear_classifier", "mlp", "ternary_mlp3", "attention", "qat_linear", "conv_block"]
# Test programs checked like the examples (DIR/program_<name>).
PROGRAMS = [ROOT / "test" / "Target" / "PTX" / "Inputs" / "grouped_conv.tri"]
GEMV_SHAPES = [(37, 45), (130, 33), (1001, 70), (64, 45), (48, 33), (1024, 100), (192, 257)]
GEMV_BATCHES = [1, 3, 16, 17, 40]
INT8_SHAPES = [(64, 33), (256, 45), (1024, 70), (48, 10)]
# The kernel variants behind hidden tritonc flags (docs/targets/ptx.md,
# "Kernel variants"), checked on the GPU before one becomes the default:
# name -> (flags, activations, shapes K x N, batches). Each shape's first
# row is the one --quick keeps.
VARIANTS = {
    "fx": (["--gpu-f32-fixed-point"], "f32", [(1024, 100), (4160, 72), (8192, 400)], [1]),
    "i8mma": (["--gpu-int8-mma-gemv"], "int8", [(1024, 70), (4160, 72), (8192, 400)], [1]),
    "i8codes": (["--gpu-int8-mma-codes"], "int8", [(1024, 70), (4160, 72), (8192, 400)],
                [2, 16, 33]),
}
# --gpu-activations=int8 (W1.58A8): f32 layers quantized on the device,
# against the runtime's definition (w158a8_reference) bit for bit.
W158A8_SHAPES = [(128, 45), (4160, 72), (8192, 400), (8256, 40)]
W158A8_BATCHES = [1, 3, 16, 33]
# Random programs (seed, count) checked like the examples at batch 3.
RANDOM_SEED, RANDOM_PROGRAMS = 5, 30
ARCHITECTURES = ["lenet5", "embedding_classifier", "resnet18", "mobilenet_v2",
                 "transformer_encoder_layer", "vit", "bert"]


def _compile(tritonc, program, weights, out, emulator, flags=()):
    """The PTX directory of `program` in out/ptx and, with `emulator`, its
    emulator twin in out/emulator, with `weights` bound and tritonc's
    `flags`."""
    kinds = [("ptx", [])] + ([("emulator", ["--emit=emulator"])] if emulator else [])
    for kind, emit in kinds:
        # Its remarks (params the functions do not read) only on a failure.
        done = subprocess.run([str(tritonc), str(program), "--target=ptx", "--gpu-chip=sm_90",
                               *emit, *flags, "--weights", str(weights), "-o", str(out / kind)],
                              capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"gpu_bundle: tritonc failed on {program}:\n{done.stderr}")


def random_weights(path, program, rng):
    """Float weights (normal, 0.1) for every param of the program's layers,
    saved as safetensors (tritonc ternarizes them)."""
    import torch
    import triton_dsl
    weights = {}
    for layer, body in re.findall(r"layer (\w+) \{(.*?)\n\}", program.read_text(), re.S):
        for name, _, dims in re.findall(r"param (\w+): (\w+)\[([^\]]*)\]", body):
            shape = tuple(int(d) for d in dims.split(","))
            weights[f"{layer}.{name}"] = torch.from_numpy(
                (rng.standard_normal(shape) * 0.1).astype(np.float32))
    triton_dsl.save_weights(path, weights)


def w158a8_reference(x, trits, scale, bias):
    """The W1.58A8 layer as the CPU runtime defines it
    (tri_uk_quantize_act_i8 + tri_uk_gemm_i8, runtime/include/
    ternary_ukernels.h), in numpy: a = max |x| per row, q = round half to
    even of x * (127 / a) in [-127, 127] (0 when a == 0), exact int64 sums,
    then ((f32(sum) * (a / 127)) * scale) + bias in float32. A row holding
    NaN or infinity (which the runtime refuses) is NaN."""
    x = np.asarray(x, np.float32)
    amax = np.abs(x).max(axis=1, keepdims=True)
    finite = np.isfinite(amax)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = np.where(finite & (amax > 0), np.float32(127) / amax, np.float32(0))
        q = np.where(finite, np.clip(np.rint(x * inv), -127, 127), 0)
    sums = q.astype(np.int64) @ trits.astype(np.int64)
    step = np.where(finite, amax / np.float32(127), np.float32(np.nan)).astype(np.float32)
    return ((sums.astype(np.float32) * step) * scale) + bias


def _save_case(cases, directory, name, function, inputs, expected, check, tolerance):
    """Records one case: inputs and expected outputs in name.npz."""
    np.savez(directory / f"{name}.npz", expected=expected,
             **{f"input{i}": x for i, x in enumerate(inputs)})
    cases.append({"name": name, "directory": str(directory.name), "function": function,
                  "inputs": len(inputs), "check": check, "tolerance": tolerance})


def prepare(args):
    import torch
    sys.path.insert(0, str(ROOT / "python"))
    sys.path.insert(0, str(ROOT / "python" / "tests"))
    import triton_dsl
    tritonc = pathlib.Path(args.build) / "bin" / "tritonc"
    out = pathlib.Path(args.directory)
    out.mkdir(parents=True, exist_ok=True)
    cases = []
    rng = np.random.default_rng(0)

    def program_cases(folder, program, batches, tolerance):
        """The cases <function>_b<batch> of every function of `program`
        (compiled into `folder` with random weights) against the PyTorch
        target on the same weights."""
        folder.mkdir(exist_ok=True)
        weights = folder / "weights.safetensors"
        random_weights(weights, program, rng)
        _compile(tritonc, program, weights, folder, args.with_emulator)
        source = triton_dsl.compile(program, target="pytorch", weights=weights)
        namespace = {}
        exec(compile(source, str(program), "exec"), namespace)
        manifest = json.loads(next((folder / "ptx").glob("*.json")).read_text())
        for function in manifest["functions"]:
            module = namespace[function["layer"]]()
            call = getattr(module, function["function"])
            for batch in batches:
                inputs = [rng.standard_normal(
                    [batch if isinstance(e[0], str) else e[0] for e in spec["shape"]]
                ).astype(np.float32) for spec in function["arguments"] if spec["role"] == "input"]
                with torch.no_grad():
                    want = call(*[torch.from_numpy(x) for x in inputs]).numpy()
                _save_case(cases, folder, f"{folder.name}_{function['name']}_b{batch}",
                           function["name"], inputs, want, "allclose", tolerance)

    programs = [(f"example_{name}", ROOT / "examples" / f"{name}.tri") for name in EXAMPLES]
    programs += [(f"program_{path.stem}", path) for path in PROGRAMS]
    for folder_name, program in (programs[:2] if args.quick else programs):
        program_cases(out / folder_name, program, [1, 40] if args.quick else [1, 5, 40], 1e-4)
    def matmul_layer(kind, k, n, element, result, flags=()):
        """DIR/<kind>_KxN: `y = x @ w` with random exact trits bound,
        compiled with tritonc's `flags`."""
        folder = out / f"{kind}_{k}x{n}"
        folder.mkdir(exist_ok=True)
        program = folder / "layer.tri"
        program.write_text(f"layer G {{\n    param w: TernaryTensor[{k}, {n}]\n"
                           f"    fn forward(x: {element}[B, {k}]) -> {result}[B, {n}] {{\n"
                           f"        return x @ w\n    }}\n}}\n")
        trits = rng.integers(-1, 2, size=(k, n)).astype(np.float32)
        triton_dsl.save_weights(folder / "w.safetensors", {"G.w": torch.from_numpy(trits)})
        _compile(tritonc, program, folder / "w.safetensors", folder, args.with_emulator,
                 flags)
        return folder, trits

    def matmul_cases(kind, shapes, batches, int8, flags=()):
        """The cases <kind>_KxN_b<batch> of a layer per shape: f32 x against
        the float64 product, or i8 x (an i32 result) against the exact int64
        one."""
        for k, n in shapes:
            types = ("Tensor<i8>", "Tensor<i32>") if int8 else ("Tensor", "Tensor")
            folder, trits = matmul_layer(kind, k, n, *types, flags)
            for batch in batches:
                if int8:
                    x = rng.integers(-128, 128, size=(batch, k)).astype(np.int8)
                    want, check, tolerance = x.astype(np.int64) @ trits.astype(np.int64), "exact", 0
                else:
                    x = rng.standard_normal((batch, k)).astype(np.float32)
                    want = x.astype(np.float64) @ trits.astype(np.float64)
                    check, tolerance = "allclose", 1e-4
                _save_case(cases, folder, f"{kind}_{k}x{n}_b{batch}", "G_forward", [x], want,
                           check, tolerance)

    matmul_cases("gemv", GEMV_SHAPES[:3] if args.quick else GEMV_SHAPES, GEMV_BATCHES,
                 int8=False)
    matmul_cases("int8", INT8_SHAPES[:2] if args.quick else INT8_SHAPES, (1, 3, 17), int8=True)
    for variant, (flags, activations, shapes, batches) in VARIANTS.items():
        matmul_cases(f"variant_{variant}", shapes[:1] if args.quick else shapes, batches,
                     int8=activations == "int8", flags=flags)
    for k, n in W158A8_SHAPES[:1] if args.quick else W158A8_SHAPES:
        folder, trits = matmul_layer("a8", k, n, "Tensor", "Tensor", ["--gpu-activations=int8"])
        for batch in W158A8_BATCHES:
            x = (rng.standard_normal((batch, k)) * 4).astype(np.float32)
            if batch == 33:  # a zero row, halves to round, NaN and infinity
                x[5] = 0
                x[6, :5], x[6, 5:] = [127, 2.5, -2.5, 3.5, 0.5], 0
                x[7, 9], x[8, k - 1] = np.nan, -np.inf
            want = w158a8_reference(x, trits, np.float32(1), np.float32(0))
            _save_case(cases, folder, f"a8_{k}x{n}_b{batch}", "G_forward", [x], want,
                       "allclose", 0)

    # Scalar arguments (f32 by value, i32 as a size) against float64 / int64.
    folder = out / "scalars"
    folder.mkdir(exist_ok=True)
    trits = rng.integers(-1, 2, size=(64, 8)).astype(np.float32)
    triton_dsl.save_weights(folder / "w.safetensors", {"Scaled.w": torch.from_numpy(trits)})
    _compile(tritonc, ROOT / "test" / "Target" / "PTX" / "Inputs" / "scalar_arguments.tri",
             folder / "w.safetensors", folder, args.with_emulator)
    s, t = np.array(-1.25, np.float32), np.array(0.75, np.float32)
    for batch in (1, 17):
        x = rng.standard_normal((batch, 64)).astype(np.float32)
        want = np.maximum(x.astype(np.float64) @ trits * s, 0) - t.astype(np.float64) * s
        _save_case(cases, folder, f"scalars_b{batch}", "Scaled_forward", [x, s, t], want,
                   "allclose", 1e-5)
    x = rng.integers(-1000, 1000, size=(5, 4)).astype(np.int32)
    _save_case(cases, folder, "scalars_i32", "Scaled_shifted", [x, np.array(-7, np.int32)],
               x.astype(np.int64) - 7, "exact", 0)

    if not args.quick:
        from fx_architectures import architecture
        from test_fx_architectures import reference
        from triton_dsl.fx import from_fx
        for name in ARCHITECTURES:
            model, x = architecture(name)
            program = from_fx(model, (x,))
            folder = out / f"fx_{name}"
            folder.mkdir(exist_ok=True)
            (folder / "model.tri").write_text(program.source)
            program.save_weights(folder / "weights.safetensors")
            _compile(tritonc, folder / "model.tri", folder / "weights.safetensors", folder,
                     args.with_emulator)
            want = reference(model, x).numpy()
            _save_case(cases, folder, f"fx_{name}", f"{program.layer_name}_forward",
                       [x.numpy()], want, "relative", 1e-5)

    # Random programs (fuzz/random_programs.py --differential), with their
    # NaNs and infinities; last, so that a run cut short by its time limit
    # has checked the kernels and variants first.
    sys.path.insert(0, str(ROOT / "fuzz"))
    from random_programs import Generator
    generator_rng = random.Random(RANDOM_SEED)
    for i in range(RANDOM_PROGRAMS // 10 if args.quick else RANDOM_PROGRAMS):
        folder = out / f"random_{i:02d}"
        folder.mkdir(exist_ok=True)
        (folder / "random.tri").write_text(
            Generator(generator_rng, 0.0, differential=True).program())
        program_cases(folder, folder / "random.tri", [3], 1e-3)

    for stale in out.glob("*/*.safetensors"):
        stale.unlink()  # bound into each directory's weights file
    (out / "cases.json").write_text(json.dumps(cases, indent=1))
    print(f"gpu_bundle: {len(cases)} cases in {out}")


def _compare(got, expected, case):
    """(passed, error) of a result against its expectation."""
    got = np.asarray(got)
    if got.shape != expected.shape:
        return False, f"shape {got.shape} != {expected.shape}"
    if case["check"] == "exact":
        wrong = int(np.count_nonzero(got.astype(np.int64) != expected))
        return wrong == 0, f"{wrong} wrong"
    got, expected = got.astype(np.float64), expected.astype(np.float64)
    # Equal values (infinities included) and NaNs in the same places agree.
    same = (got == expected) | (np.isnan(got) & np.isnan(expected))
    with np.errstate(invalid="ignore"):  # inf - inf where they agree
        difference = np.where(same, 0.0, np.abs(got - expected))
    if case["check"] == "relative":
        error = float(difference.max() / max(np.abs(expected).max(), 1e-30))
        return error <= case["tolerance"], f"rel {error:.1e}"
    tolerance = case["tolerance"] * (1 + np.abs(expected))
    close = np.isfinite(expected) & (difference <= tolerance)  # not inf against -inf
    return bool((same | close).all()), f"max {float(difference.max()):.1e}"


def run(args):
    sys.path.insert(0, str(ROOT / "python"))
    from triton_dsl import cuda
    directory = pathlib.Path(args.directory)
    cases = json.loads((directory / "cases.json").read_text())
    kind = "emulator" if args.emulate else "ptx"
    if not args.emulate:
        available, reason = cuda.driver_available()
        if not available:
            print(f"gpu_bundle: skipped, no CUDA GPU: {reason}")
            return 0
        print(f"# {reason}")
    programs, results, failed = {}, [], 0
    start = time.monotonic()
    for case in cases:
        path = directory / case["directory"] / kind
        try:
            if path not in programs:
                programs[path] = cuda.load(path)
            data = np.load(directory / case["directory"] / f"{case['name']}.npz")
            inputs = [data[f"input{i}"] for i in range(case["inputs"])]
            got = programs[path].functions[case["function"]](*inputs)
            passed, detail = _compare(got, data["expected"], case)
        except Exception as error:  # a failing case is reported, not fatal
            passed, detail = False, f"{type(error).__name__}: {error}"
        failed += not passed
        results.append({"name": case["name"], "passed": passed, "detail": detail})
        print(f"{'PASS' if passed else 'FAIL'} {case['name']}: {detail}", flush=True)
    for program in programs.values():
        program.close()
    print(f"gpu_bundle ({kind}): {len(cases) - failed} passed, {failed} failed "
          f"in {time.monotonic() - start:.0f} s")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=1))
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--prepare", action="store_true",
                        help="compile the cases into DIRECTORY (needs tritonc, no GPU)")
    parser.add_argument("--build", default=os.environ.get("TRITON_BUILD_DIR",
                                                          str(ROOT / "build")))
    parser.add_argument("--quick", action="store_true", help="a few cases of each kind")
    parser.add_argument("--with-emulator", action="store_true",
                        help="--prepare: also write each case's emulator twin")
    parser.add_argument("--emulate", action="store_true",
                        help="run the emulator twins (no GPU needed)")
    parser.add_argument("--json", help="also write the results as JSON")
    args = parser.parse_args()
    if args.prepare:
        prepare(args)
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
