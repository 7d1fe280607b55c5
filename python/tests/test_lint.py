"""ruff (requirements.txt) finds nothing in the Python of the repository:
the package, its tests, bench/ and test/e2e/ (unused or undefined names,
redefinitions, several statements on a line)."""
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_ruff_finds_nothing():
    try:
        import ruff  # noqa: F401  (the wheel ships the binary)
    except ImportError:
        pytest.skip("ruff is not installed (scripts/setup.sh installs requirements.txt)")
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache",
                             "--output-format", "concise", "python", "bench", "test/e2e"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
