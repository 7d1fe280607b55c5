# Proves that docs/python.md is accurate: every ```python block runs as
# written (in order, sharing one namespace, as a reader pasting them would,
# from the repository root), and what the page says is printed is printed:
# the compression report, the compiler's error and warning. The blocks of
# the compiler's section need the CMake build (triton_dsl._core); they are
# skipped without one, so `make test-python` runs the rest alone.
import contextlib
import io
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "python.md"
BUILD = Path(os.environ.get("TRITON_BUILD_DIR", ROOT / "build")).resolve()
COMPILER_SECTION = "## Compiling `.tri` programs"


def sections():
    """(the compiler's section, the rest of the page)."""
    text = DOC.read_text()
    start = text.index(COMPILER_SECTION)
    end = text.index("\n## ", start)
    return text[start:end], text[:start] + text[end:]


def run_blocks(text, name):
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    namespace = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for i, block in enumerate(blocks):
            exec(compile(block, f"[{name} block {i}]", "exec"), namespace)
    return len(blocks), namespace, out.getvalue()


def test_python_md_examples_run():
    _, text = sections()
    count, namespace, printed = run_blocks(text, "python")
    assert count >= 6
    shown = re.search(r"`print\(report\)` shows:\n\n```\n(.*?)```", text, flags=re.S).group(1)
    assert shown.strip() in printed
    assert "['_extra_state', 'bias', 'packed_weight', 'weight_scale']" in printed
    assert "cannot pack value 2 at flat index 2" in printed
    assert namespace["ptq"].ternary_weight().compression_report().total_bytes == 4 * 4 + 4


@pytest.mark.skipif(not (BUILD / "bin" / "tritonc").exists(), reason="no CMake build")
def test_python_md_compiler_examples_run(monkeypatch):
    monkeypatch.chdir(ROOT)
    text, _ = sections()
    count, namespace, printed = run_blocks(text, "compiler")
    assert count >= 4
    for comment in re.findall(r"print\((?:err|warning\.message)\)\s+# (.*)", text):
        assert comment in printed
    assert namespace["mlp_model"].__class__.__name__ == "MLP"


@pytest.mark.skipif(not (BUILD / "bin" / "tritonc").exists(), reason="no CMake build")
def test_from_pytorch_md_examples_run():
    # docs/from_pytorch.md: the blocks run in order, and what the page says
    # they print is what they print.
    text = (ROOT / "docs" / "from_pytorch.md").read_text()
    count, _, printed = run_blocks(text, "from_pytorch")
    assert count >= 6
    shown_program = re.search(r"prints\n\n```tri\n(.*?)```", text, flags=re.S).group(1)
    assert shown_program in printed
    for shown in re.findall(r"# (torch\.Size\(\[8, 10\]\)|True|torch\.uint8 50176"
                            r"|from_fx: unsupported .*|\['model\.mlir'.*)", text):
        assert shown in printed, shown
    assert printed.count("True") == text.count("# True")


@pytest.mark.skipif(not (BUILD / "bin" / "tritonc").exists(), reason="no CMake build")
def test_readme_examples_run(monkeypatch):
    monkeypatch.chdir(ROOT)  # the README's paths are relative to the checkout
    count, namespace, printed = run_blocks((ROOT / "README.md").read_text(), "README")
    assert count >= 4
    assert "ternary.layer @Sequential" in printed
    assert namespace["y"].shape == (4, 10)
