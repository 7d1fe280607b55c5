"""test/e2e/gpu/gpu_bundle.py, the GPU checks for a machine without MLIR:
--prepare writes the cases (here, with tritonc), the run checks them on the
emulator twins (--emulate) and reports a wrong result as a failure; without
a GPU the PTX run says why and exits 0."""
import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("TRITON_BUILD_DIR", ROOT / "build"))
BUNDLE = ROOT / "test" / "e2e" / "gpu" / "gpu_bundle.py"

pytestmark = pytest.mark.skipif(not (BUILD / "bin" / "tritonc").exists(),
                                reason="tritonc is not built")


def _run(*args):
    return subprocess.run([sys.executable, str(BUNDLE), *map(str, args)],
                          capture_output=True, text=True)


def test_prepare_and_run_on_the_emulator(tmp_path):
    prepared = _run("--prepare", tmp_path, "--quick", "--with-emulator", "--build", BUILD)
    assert prepared.returncode == 0, prepared.stderr
    cases = json.loads((tmp_path / "cases.json").read_text())
    kinds = {case["name"].split("_")[0] for case in cases}
    assert {"example", "random", "scalars", "gemv", "int8", "variant", "a8"} <= kinds
    assert len(cases) >= 20
    # One shape of each kernel variant behind a hidden flag.
    assert {case["name"].split("_")[1] for case in cases
            if case["name"].startswith("variant_")} == {"fx", "i8mma", "i8codes"}
    assert not list(tmp_path.glob("*/*.safetensors"))  # bound into weights.bin

    emulated = _run(tmp_path, "--emulate", "--json", tmp_path / "results.json")
    assert emulated.returncode == 0, emulated.stdout + emulated.stderr
    assert f"{len(cases)} passed, 0 failed" in emulated.stdout
    assert all(r["passed"] for r in json.loads((tmp_path / "results.json").read_text()))

    on_gpu = _run(tmp_path)
    if "skipped" in on_gpu.stdout:
        assert on_gpu.returncode == 0 and "no CUDA GPU" in on_gpu.stdout
    else:
        assert on_gpu.returncode == 0, on_gpu.stdout

    # A wrong expectation fails, named, with exit status 1.
    case = next(c for c in cases if c["check"] == "exact")
    path = tmp_path / case["directory"] / f"{case['name']}.npz"
    data = dict(np.load(path))
    data["expected"] = data["expected"] + 1
    np.savez(path, **data)
    broken = _run(tmp_path, "--emulate")
    assert broken.returncode == 1
    assert f"FAIL {case['name']}" in broken.stdout


def test_compare_non_finite_values():
    """The random programs' results hold NaNs and infinities: equal ones
    and NaNs in the same places agree (a NaN expectation must not make the
    tolerance NaN); a NaN or an infinity against a number does not."""
    sys.path.insert(0, str(BUNDLE.parent))
    from gpu_bundle import _compare
    case = {"check": "allclose", "tolerance": 1e-3}
    expected = np.array([1.0, np.nan, np.inf, -np.inf, 2.0])
    assert _compare(expected + 1e-6, expected, case)[0]
    for position, value in [(1, 0.0), (0, np.nan), (2, -np.inf), (4, np.inf), (4, 2.1)]:
        got = expected.copy()
        got[position] = value
        assert not _compare(got, expected, case)[0], (position, value)
