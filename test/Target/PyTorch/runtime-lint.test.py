"""Driver of runtime-lint.test: checks lib/Target/PyTorch/pytorch_runtime.py
(argument 1) as Python (byte-compiles it, ruff check with the pyflakes and
syntax rules, black --check, ruff format --check), imports it with only torch
on the module path and runs its helpers against expectations written from
docs/packing.md and docs/dialect.md; then compiles a .tri file (argument 3)
with tritonc (argument 2) into the scratch folder (argument 4) and checks
that the file holds the runtime's text verbatim after its two-line header."""

import importlib.util
import json
import pathlib
import py_compile
import shutil
import subprocess
import sys

import torch

runtime, tritonc, example, scratch = map(pathlib.Path, sys.argv[1:])
root = pathlib.Path(__file__).resolve().parents[3]

py_compile.compile(str(runtime), cfile=str(scratch / "runtime.pyc"), doraise=True)
print("compiles")

# `from torch import nn` is for the classes that follow the runtime in a
# generated file: the one finding allowed of ruff's pyflakes rules.
ALLOWED = {("F401", "`torch.nn` imported but unused")}


def tool(name):
    exe = pathlib.Path(sys.executable).parent / name
    if not exe.exists():
        exe = shutil.which(name) or root / ".venv-fmt" / "bin" / name
    return str(exe) if pathlib.Path(exe).exists() else None


ruff, black = tool("ruff"), tool("black")
if ruff:
    lint = subprocess.run(
        [ruff, "check", "--isolated", "--no-cache", "--select", "E4,E7,E9,F",
         "--output-format", "json", str(runtime)],
        capture_output=True, text=True)
    findings = [f"{f['code']}: {f['message']} (line {f['location']['row']})"
                for f in json.loads(lint.stdout)
                if (f["code"], f["message"]) not in ALLOWED]
    print("ruff check: " + ("clean" if not findings else "; ".join(findings)))
else:
    print("ruff check: ruff not installed, skipped")
for name, command in (("black", [black, "--check", "-q"]),
                      ("ruff format", [ruff, "format", "--isolated", "--no-cache", "--check", "-q"])):
    if command[0] is None:
        print(f"{name}: not installed, skipped")
        continue
    subprocess.run([*command, str(runtime)], check=True)
    print(f"{name}: clean")

# Only torch: the checkout's triton_dsl (and so the LibTorch op) is not found.
sys.path = [p for p in sys.path if "triton" not in p]
sys.modules["triton_dsl"] = None  # nor an (editable) install of it: import fails
spec = importlib.util.spec_from_file_location("pytorch_runtime", runtime)
rt = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rt)
print(f"imports with only torch: runtime op {rt._TERNARY_MATMUL_OP}")


def check(name, condition):
    print(f"{name}: {'ok' if condition else 'WRONG'}")


check("_from_hex", rt._from_hex("0000803f000000c0", torch.float32, (2,)).tolist() == [1.0, -2.0])

# W[K=5, N=3] packed along K, offset2 (docs/packing.md): one row per column n,
# code t + 1 at bits 2 (k % 4) of byte k // 4, padding code 1 (zero trit).
trits = torch.tensor([[1, 0, -1], [-1, -1, 1], [0, 1, 0], [1, 1, 1], [0, 0, -1]], dtype=torch.int8)
rows = []
for column in trits.T.tolist():
    codes = [t + 1 for t in column] + [1] * 3
    rows.append([sum(c << 2 * i for i, c in enumerate(codes[b * 4 : b * 4 + 4])) for b in range(2)])
packed = torch.tensor(rows, dtype=torch.uint8)
check("_unpack", torch.equal(rt._unpack(packed, (5, 3), "offset2", 0), trits))
try:
    rt._unpack(torch.full((3, 2), 0xFF, dtype=torch.uint8), (5, 3), "offset2", 0)
    print("_unpack invalid code: accepted")
except ValueError:
    print("_unpack invalid code: ValueError")

# Decoded once per version of the bytes: the same tensor object again, new
# trits after an in-place update, no entry left once the bytes are gone.
bytes_ = packed.clone()
first = rt._unpack(bytes_, (5, 3), "offset2", 0)
same = rt._unpack(bytes_, (5, 3), "offset2", 0) is first
bytes_[0] = 0x55  # zero trits in column 0's first byte
updated = rt._unpack(bytes_, (5, 3), "offset2", 0)
changed = updated is not first and updated[:4, 0].tolist() == [0, 0, 0, 0]
key = id(bytes_)
del bytes_, first, updated
check("_unpack cache", same and changed and key not in rt._TRITS_CACHE)

x = torch.randn(4, 5, generator=torch.Generator().manual_seed(0))
scale = torch.tensor([0.5, 2.0, 1.0])
bias = torch.tensor([1.0, 0.0, -1.0])
rt.USE_RUNTIME_OP = False
got = rt._ternary_matmul(x, packed, (5, 3), "offset2", 0, scale, bias)
want = (x.double() @ trits.double()) * scale.double() + bias.double()
check("_ternary_matmul", torch.allclose(got.double(), want, rtol=1e-6, atol=1e-6))

w = torch.tensor([[0.9, -0.1], [-0.6, 0.3], [0.2, -0.8]])
t, s = rt._quantize(w, "threshold", 0.5, None)
check("_quantize threshold", t.tolist() == [[1, 0], [-1, 0], [0, -1]]
      and abs(float(s) - (0.9 + 0.6 + 0.8) / 3) < 1e-6)
t, s = rt._quantize(w, "absmean", 0.0, 1)
gamma = w.abs().mean(dim=0)
check("_quantize absmean", torch.allclose(s, gamma)
      and torch.equal(t, torch.round(w / gamma).clamp(-1, 1).to(torch.int8)))

generated = scratch / (example.stem + ".py")
subprocess.run([str(tritonc), str(example), "--target=pytorch", "-o", str(generated)], check=True)
text = runtime.read_text()
embedded = text[text.index("\n\n") + 2 :]  # less the leading comment block
body = generated.read_text().split("\n", 2)[2]
print(f"embedded verbatim in {generated.name}" if body.startswith(embedded)
      else f"{generated.name} does not hold the runtime's text")
