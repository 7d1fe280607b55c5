#!/usr/bin/env python3
"""Faults reach the caller of a --target=acalsim program as a status, never as
wrong numbers. examples/linear_classifier.tri with random weights, compiled
with --acalsim-offload=device, built with riscv64-unknown-elf-gcc and run in
QEMU with the trap-handler harness configured to:

* end the 5th device operation with STATUS.ERROR  -> status 1 (device error)
* keep the 3rd operation BUSY forever             -> status 2 (timeout)
* (no fault) but one packed weight byte of {name}_weights.bin set to 0xFF,
  an invalid trit code                             -> status 3 (weights)

Each run must print `acalsim: error STATUS ...`, exit non-zero and print no
output values; the operation count shows where the program stopped. A
control run without faults prints outputs. A last run changes one valid
weight byte in {name}_weights.bin (a +1 trit becomes -1) and checks that
the output changes by exactly 2 * the quantized input of that trit * step:
the numbers come from the bytes in the directory.
"""
import argparse
import os
import subprocess
import sys

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tritonc", required=True)
    parser.add_argument("--examples", required=True)
    parser.add_argument("--python-package", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    sys.path.insert(0, args.python_package)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from safetensors.numpy import save_file
    from triton_dsl import acalsim
    from run_acalsim import quantize_rows

    rng = np.random.default_rng(7)
    trits = rng.integers(-1, 2, size=(784, 10)).astype(np.int8)
    bias = rng.standard_normal(10).astype(np.float32)
    x = rng.standard_normal((1, 784)).astype(np.float32)
    weights = os.path.join(args.work, "weights.safetensors")
    save_file({"LinearClassifier.weights": trits, "LinearClassifier.bias": bias}, weights)
    directory = os.path.join(args.work, "linear")
    subprocess.run([args.tritonc, os.path.join(args.examples, "linear_classifier.tri"),
                    "--target=acalsim", "--weights", weights, "-o", directory], check=True)
    acalsim.write_inputs(directory, [x])
    info = acalsim.manifest(directory)

    ok = True
    control = acalsim.simulate(directory)
    print("control: %d outputs, %d device operations" % (
        control.outputs[0].size, control.device["operations"]))

    def expect_error(label, status, cflags=()):
        nonlocal ok
        try:
            acalsim.simulate(directory, harness_cflags=cflags)
        except acalsim.ACALSimError as error:
            printed = [line for line in error.output.splitlines() if line.startswith("output")]
            device = [line for line in error.output.splitlines()
                      if line.startswith("acalsim-device")]
            good = error.status == status and not printed
            print("%s %s: status %s (%s), %d output lines; %s" % (
                "PASS" if good else "FAIL", label, error.status, error, len(printed),
                device[0] if device else "no device line"))
            ok &= good
            return
        print("FAIL %s: the program printed outputs" % label)
        ok = False

    expect_error("error bit", 1, ["-DACALSIM_HARNESS_ERROR_AT=5"])
    expect_error("stuck busy", 2, ["-DACALSIM_HARNESS_STUCK_AT=3"])

    bin_path = os.path.join(directory, info["weights_file"])
    original = open(bin_path, "rb").read()
    packed = [w for w in info["weights"] if w["dtype"] == "i8"][0]
    broken = bytearray(original)
    broken[packed["offset"] + 3] = 0xFF
    open(bin_path, "wb").write(bytes(broken))
    expect_error("invalid trit code", 3)

    # Flip one +1 trit to -1 in the bytes: column n, row k.
    n = 4
    k = int(np.flatnonzero(trits[:, n] == 1)[0])
    row_bytes = packed["shape"][1]
    position = packed["offset"] + n * row_bytes + k // 4
    changed = bytearray(original)
    shift = 2 * (k % 4)
    assert (changed[position] >> shift) & 3 == 2
    changed[position] = (changed[position] & ~(3 << shift)) | (0 << shift)
    open(bin_path, "wb").write(bytes(changed))
    after = acalsim.simulate(directory).outputs[0]
    open(bin_path, "wb").write(original)
    q, step = quantize_rows(x)
    want = -2.0 * q[0, k] * step[0]
    delta = float(after[0, n]) - float(control.outputs[0][0, n])
    others = np.delete(after[0] - control.outputs[0][0], n)
    good = abs(delta - want) <= 1e-5 * max(1.0, abs(float(control.outputs[0][0, n]))) \
        and not np.any(others) and q[0, k] != 0
    print("%s weight byte edit: output %d moved by %.6g (expected %.6g), others unchanged" % (
        "PASS" if good else "FAIL", n, delta, want))
    ok &= good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
