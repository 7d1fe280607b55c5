"""Driver of format.test: generates every .tri file of the given folders
(arguments 2..n-1) with tritonc (argument 1) into folder n, imports each file with only torch on the module path, then runs black --check
and ruff format --check when they are installed."""

import importlib.util
import pathlib
import shutil
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parents[3]
tritonc, folders, out = sys.argv[1], sys.argv[2:-1], pathlib.Path(sys.argv[-1])
files = []
for example in sorted(p for folder in folders for p in pathlib.Path(folder).glob("*.tri")):
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
