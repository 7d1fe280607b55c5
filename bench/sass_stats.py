#!/usr/bin/env python3
"""The machine code of the GPU kernels' hot loops, counted without a GPU.

    bench/sass_stats.py PTX_OR_DIR... [--arch sm_XX] [--json FILE] [--all]

For each `.ptx` file (a directory: every `.ptx` under it, e.g. one that
`bench/gpu_bench.py --prepare` wrote), ptxas compiles it for `--arch` (its
`.target` by default) and
cuobjdump disassembles it; every loop of every ternary kernel (a backward
branch) is counted by opcode. The packed kernels' loops read a known number
of trits per lane and iteration (their configuration, in the kernel name:
PackedGemv.cpp, PackedMma.cpp), so the table gives SASS instructions per
trit: a static figure of the issue cost that ptxas and cuobjdump measure
here exactly, not a time. It does not see memory stalls, occupancy or the
tensor pipe's rate: those need a GPU (bench/gpu_bench.py).

cuobjdump comes with the CUDA toolkit or the PyPI wheels
`nvidia-cuda-cuobjdump` and `nvidia-cuda-nvdisasm` (requirements.txt); ptxas
is found as the tests find it (PATH, /usr/local/cuda*/bin).
"""
import argparse
import collections
import glob
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile


def find_tool(name):
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/local/cuda*/bin/{name}"))
    try:
        import nvidia  # the PyPI wheels' namespace package
        for root in nvidia.__path__:
            candidates += sorted(glob.glob(f"{root}/cu*/bin/{name}"))
    except ImportError:
        pass
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def trits_per_iteration(kernel):
    """Trits one lane decodes per iteration of the kernel's main loop, and
    the rows of x they serve, from the kernel's configuration."""
    m = re.fullmatch(r"ternary_gemv_(?:f32|i8)_r(\d+)c(\d+)w(\d+)", kernel)
    if m:
        rows, columns, words = map(int, m.groups())
        return columns * words * 16, rows
    if kernel in ("ternary_mma_f32_m16n64", "ternary_mma_f32_m16n64_w1",
                  "ternary_mma_f32_m1n64"):
        # 8 columns, 4 words each (one 128-bit load, or 4 32-bit ones for
        # _w1); 16 rows or one.
        return 8 * 4 * 16, 1 if kernel.endswith("m1n64") else 16
    if kernel in ("ternary_mma_i8_m16n32", "ternary_mma_i8_m16n32_u8"):
        return 4 * 4 * 16, 16  # 4 columns, one 128-bit load each
    return None


def functions(sass):
    for chunk in re.split(r"\n\s*Function : ", sass)[1:]:
        name = chunk.split("\n", 1)[0].strip()
        code = [(int(m.group(1), 16), m.group(2).strip())
                for m in re.finditer(r"/\*([0-9a-f]{4,})\*/\s+(.*?)\s*;",
                                     chunk)]
        yield name, code


def unpredicated(instruction):
    return re.sub(r"^@!?U?P\w+\s+", "", instruction)


def opcode(instruction):
    return unpredicated(instruction).split()[0].split(".")[0]


def lop3_immediates(body):
    """How often each literal is an input of the loop's LOP3s (not the
    lookup table): the decode's masks, and the or-bits if ptxas could not
    keep them in a register."""
    found = collections.Counter()
    for text in body:
        if opcode(text) != "LOP3":
            continue
        # LOP3.LUT dst, a, b, c, lut, predicate
        operands = [o.strip()
                    for o in unpredicated(text).split(None, 1)[1].split(",")]
        for operand in operands[1:4]:
            if re.fullmatch(r"0x[0-9a-f]+", operand):
                found[operand] += 1
    return dict(found)


def loops(code):
    """(first address, last address) of each backward branch."""
    for address, text in code:
        if opcode(text) != "BRA":
            continue
        target = re.search(r"0x([0-9a-f]+)", text.split("BRA", 1)[1])
        if target and int(target.group(1), 16) < address:
            yield int(target.group(1), 16), address


def analyse(ptx, arch, ptxas, cuobjdump):
    with tempfile.TemporaryDirectory() as tmp:
        cubin = pathlib.Path(tmp) / "k.cubin"
        if not arch:
            target = re.search(r"^\.target\s+(sm_\w+)", ptx.read_text(),
                               re.M)
            arch = target.group(1) if target else "sm_90"
        subprocess.run([ptxas, f"-arch={arch}", "-o", str(cubin), str(ptx)],
                       check=True)
        sass = subprocess.run([cuobjdump, "-sass", str(cubin)], check=True,
                              capture_output=True, text=True).stdout
    rows = []
    for name, code in functions(sass):
        for first, last in loops(code):
            body = [text for address, text in code if first <= address <= last]
            rows.append((name, body))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--arch", help="default: the PTX's .target")
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--all", action="store_true",
                        help="also the kernels without a trit count")
    args = parser.parse_args()
    ptxas, cuobjdump = find_tool("ptxas"), find_tool("cuobjdump")
    if not ptxas or not cuobjdump:
        sys.exit("sass_stats: needs ptxas and cuobjdump (pip install "
                 "nvidia-cuda-cuobjdump nvidia-cuda-nvdisasm)")
    files = []
    for item in args.inputs:
        path = pathlib.Path(item)
        files += sorted(path.rglob("*.ptx")) if path.is_dir() else [path]
    seen = set()
    print(f"{args.arch or 'each PTX for its .target'}, ptxas {ptxas}")
    print("| kernel | loop | rows | trits/lane·iter | SASS/iter | SASS/trit "
          "| per trit: main opcodes |")
    print("|---|---|---:|---:|---:|---:|---|")
    rows = []
    for ptx in files:
        for name, body in analyse(ptx, args.arch, ptxas, cuobjdump):
            counts = collections.Counter(opcode(text) for text in body)
            key = (name, tuple(sorted(counts.items())))
            if key in seen:
                continue
            seen.add(key)
            known = trits_per_iteration(name)
            if not known and not args.all:
                continue
            mma = counts["HMMA"] + counts["IMMA"]
            label = f"{mma} mma" if mma else ""
            row = {"kernel": name, "mma": mma, "instructions": len(body),
                   "opcodes": dict(counts.most_common()),
                   "lop3_immediates": lop3_immediates(body)}
            if known:
                trits, served = known
                if name.startswith("ternary_mma_f32_m16n64") and counts["HMMA"] < 384:
                    served = 8  # the half-tile loop: 8 rows or fewer
                row.update(rows=served, trits=trits,
                           per_trit=len(body) / trits)
                mix = ", ".join(f"{op} {n / trits:.2f}"
                                for op, n in counts.most_common(8))
                print(f"| {name} | {label} | {served} | {trits} | {len(body)} "
                      f"| {len(body) / trits:.2f} | {mix} |")
            else:
                mix = ", ".join(f"{op} {n}" for op, n in counts.most_common(6))
                print(f"| {name} | {label} | | | {len(body)} | | {mix} |")
            rows.append(row)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")

if __name__ == "__main__":
    main()
