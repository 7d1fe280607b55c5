# Proves that docs/python.md is accurate: every ```python block runs as
# written (in order, sharing one namespace, as a reader pasting them would),
# and the compression report shown on the page is what print(report) prints.
import contextlib
import io
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "python.md"


def test_python_md_examples_run():
    text = DOC.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 6
    namespace = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for i, block in enumerate(blocks):
            exec(compile(block, f"{DOC.name}[python block {i}]", "exec"), namespace)
    printed = out.getvalue()
    shown = re.search(r"`print\(report\)` shows:\n\n```\n(.*?)```", text, flags=re.S).group(1)
    assert shown.strip() in printed
    assert "['_extra_state', 'bias', 'packed_weight', 'weight_scale']" in printed
    assert "cannot pack value 2 at flat index 2" in printed
    assert namespace["ptq"].ternary_weight().compression_report().total_bytes == 4 * 4 + 4
