# The ACALSim target runs the pooling, layout and lookup builtins (issue 14)
# on the RISC-V core in f32: a grouped dilated conv2d, clamp, max and average
# pooling, slices, cat, expand and an embedding lookup, built with the
# harness and run in QEMU, against torch in float64.
import shutil

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import triton_dsl
from triton_dsl import acalsim

pytestmark = pytest.mark.skipif(
    shutil.which("riscv64-unknown-elf-gcc") is None or shutil.which("qemu-system-riscv64") is None,
    reason="needs riscv64-unknown-elf-gcc and qemu-system-riscv64 (scripts/setup.sh)")

LAYOUT = """
layer LayoutPooling {
    param dw: Tensor[8, 1, 3, 3]
    param table: Tensor[10, 4]
    fn forward(x: Tensor[2, 8, 8, 8]) -> Tensor[2, 8, 2, 3] {
        let a = clamp(conv2d(x, dw, padding=2, dilation=2, groups=8), 0, 6)
        let b = avg_pool2d(max_pool2d(a, 3, stride=2, padding=1), 2)
        let c = cat(slice(b, 3, 0, 1), b, 3)
        return c + expand(slice(slice(table, 0, 0, 1), 1, 0, 1), 2, 3)
    }
}
"""

LOOKUP = """
layer Lookup {
    param table: Tensor[10, 4]
    fn forward(ids: Tensor<i64>[2, 5]) -> Tensor[2, 5, 4] {
        return embedding(table, ids) * 2
    }
}
"""


def run(source, weights, inputs, tmp_path):
    path = tmp_path / "weights.safetensors"
    triton_dsl.save_weights(path, weights)
    files = triton_dsl.compile(source, target="acalsim", weights=path, emit="dir-host")
    directory = acalsim.write(files, tmp_path / "program")
    (output,) = acalsim.simulate(directory, inputs).outputs
    return output


def test_pooling_and_layout_builtins_run_on_the_core(tmp_path):
    torch.manual_seed(0)
    dw, table = torch.randn(8, 1, 3, 3), torch.randn(10, 4)
    x = torch.randn(2, 8, 8, 8)
    got = run(LAYOUT, {"LayoutPooling.dw": dw, "LayoutPooling.table": table}, [x.numpy()],
              tmp_path)
    a = F.conv2d(x.double(), dw.double(), padding=2, dilation=2, groups=8).clamp(0, 6)
    b = F.avg_pool2d(F.max_pool2d(a, 3, 2, 1), 2)
    expected = torch.cat([b[..., 0:1], b], 3) + table.double()[0, 0]
    assert np.abs(got - expected.numpy()).max() <= 1e-5 * np.abs(expected.numpy()).max()


def test_embedding_runs_on_the_core(tmp_path):
    torch.manual_seed(1)
    table = torch.randn(10, 4)
    ids = torch.randint(0, 10, (2, 5))
    got = run(LOOKUP, {"Lookup.table": table}, [ids.numpy()], tmp_path)
    assert np.array_equal(got, (table[ids] * 2).numpy())
