#!/usr/bin/env python3
"""Instructions retired in QEMU and ELF bytes of --target=acalsim programs.

    bench/acalsim_bench.py [BUILD_DIR] [--batch 1]

For an MLP 16->32->10 and an MLP 784->256->10 (relu between, both layers
ternary, random trits and biases), compiled by tritonc --target=acalsim with
--acalsim-offload=device and =host, and the same MLPs with dense float
weights (Tensor params: f32 matmuls in C loops on the core) as the baseline
compiled the same way (tritonc --target=acalsim, riscv64-unknown-elf-gcc -O2
-march=rv64gc), each ELF runs once in `qemu-system-riscv64 -machine virt
-bios none -icount shift=0` with the test harness (which emulates the ACALSim
device in a machine-mode trap handler). Prints a markdown table:

* instret: minstret around the entry point's call in main (instructions
  retired by the model's run, with -icount; start-up and printing excluded);
* harness: the instructions the trap handler spent emulating the device
  (not part of a real system; it also hides the device's own latency);
* program = instret - harness: what the RISC-V core itself executes;
* device ops: ADD/SUB operations of the emulated device;
* .text / weights bytes of the ELF (`size -A`: .text; .acalsim_weights, the
  constants of {name}_weights.bin) and bits per ternary weight (packed
  bytes of the ternary params * 8 / their trits).
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SOURCE = """layer MLP {{
    param w1: {kind}[{k}, {h}]
    param b1: Tensor[{h}]
    param w2: {kind}[{h}, {n}]
    param b2: Tensor[{n}]
    fn forward(x: Tensor[N, {k}]) -> Tensor[N, {n}] {{
        return relu(x @ w1 + b1) @ w2 + b2
    }}
}}
"""


def section_sizes(elf):
    out = subprocess.run(["riscv64-unknown-elf-size", "-A", elf], check=True,
                         capture_output=True, text=True).stdout
    sizes = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].startswith(".") and parts[1].isdigit():
            sizes[parts[0]] = int(parts[1])
    return sizes


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("build", nargs="?", default=os.path.join(ROOT, "build"))
    parser.add_argument("--batch", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(ROOT, "python"))
    from safetensors.numpy import save_file
    from triton_dsl import acalsim

    tritonc = os.path.join(args.build, "bin", "tritonc")
    rng = np.random.default_rng(0)
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for k, h, n in ((16, 32, 10), (784, 256, 10)):
            t1 = rng.integers(-1, 2, (k, h)).astype(np.int8)
            t2 = rng.integers(-1, 2, (h, n)).astype(np.int8)
            b1 = rng.standard_normal(h).astype(np.float32)
            b2 = rng.standard_normal(n).astype(np.float32)
            x = rng.standard_normal((args.batch, k)).astype(np.float32)
            nonzero = int((t1 != 0).sum() + (t2 != 0).sum())
            for kind, offload in (("TernaryTensor", "device"), ("TernaryTensor", "host"),
                                  ("Tensor", "host")):
                tag = f"mlp_{k}_{h}_{n}_{'ternary' if kind != 'Tensor' else 'float'}_{offload}"
                source = os.path.join(work, f"mlp_{k}.tri")
                with open(source, "w") as f:
                    f.write(SOURCE.format(kind=kind, k=k, h=h, n=n))
                weights = os.path.join(work, tag + ".safetensors")
                if kind == "Tensor":
                    # The same numbers as dense f32 weights.
                    w = {"MLP.w1": t1.astype(np.float32), "MLP.w2": t2.astype(np.float32)}
                else:
                    w = {"MLP.w1": t1, "MLP.w2": t2}
                save_file({**w, "MLP.b1": b1, "MLP.b2": b2}, weights)
                directory = os.path.join(work, tag)
                subprocess.run([tritonc, source, "--target=acalsim", "--weights", weights,
                                f"--acalsim-offload={offload}", f"--acalsim-batch={args.batch}",
                                "-o", directory], check=True)
                acalsim.write_inputs(directory, [x])
                elf = acalsim.build(directory)
                result = acalsim.run(directory, extra_qemu_flags=["-icount", "shift=0"])
                info = acalsim.manifest(directory)
                sizes = section_sizes(str(elf))
                packed = sum(entry["bytes"] for entry in info["weights"] if entry["dtype"] == "i8")
                bits = f"{8 * packed / (k * h + h * n):.3f}" if packed else "32 (f32)"
                device = result.device
                program = result.instret - device["harness_instret"]
                rows.append((f"{k}->{h}->{n}", "ternary" if kind != "Tensor" else "dense f32",
                             offload if kind != "Tensor" else "-", result.instret,
                             device["harness_instret"], program,
                             device["add"] + device["sub"], nonzero * args.batch
                             if offload == "device" and kind != "Tensor" else 0,
                             sizes.get(".text", 0), sizes.get(".acalsim_weights", 0), bits))
    print(f"batch {args.batch}; QEMU -icount shift=0; riscv64-unknown-elf-gcc -O2 -march=rv64gc\n")
    print("| model | weights | offload | instret | harness | program | device ops "
          "| expected ops | .text B | weights B | bits/ternary weight |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(str(v) for v in row) + " |")


if __name__ == "__main__":
    main()
