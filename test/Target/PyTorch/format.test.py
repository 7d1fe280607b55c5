"""Driver of format.test: generates every example with tritonc (argument 1),
imports each file with only torch on the module path, then runs black --check
and ruff format --check when they are installed."""

import importlib.util
import pathlib
import shutil
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parents[3]
tritonc, examples, out = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
files = []
for example in sorted(examples.glob("*.tri")):
    target = out / (example.stem + ".py")
    subprocess.run([tritonc, str(example), "--target=pytorch", "-o", str(target)], check=True)
    files.append(str(target))
print(f"generated {len(files)} files")
sys.path = [p for p in sys.path if "triton" not in p]
for path in files:
    spec = importlib.util.spec_from_file_location(pathlib.Path(path).stem, path)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
print(f"imported {len(files)} files")
for tool, args in (("black", ["--check", "-q"]), ("ruff", ["format", "--check", "-q"])):
    exe = str(pathlib.Path(sys.executable).parent / tool)
    if not pathlib.Path(exe).exists():
        exe = shutil.which(tool) or str(root / ".venv-fmt" / "bin" / tool)
    if not pathlib.Path(exe).exists():
        print(f"{tool} not installed: skipped")
        continue
    subprocess.run([exe, *args, *files], check=True)
    print(f"{tool}: clean")
