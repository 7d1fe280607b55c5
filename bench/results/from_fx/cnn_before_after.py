"""Before/after for bench/from_fx_bench.py's CNN, in one process, calls
interleaved (one call of each in turn; median per call): the float model;
the generated module as commit ee8ed12 printed it (its forward, copied
below, on that commit's runtime, `git show ee8ed12:lib/Target/PyTorch/
pytorch_runtime.py`, same params); the module of this checkout with NCHW
filters (CONV_CHANNELS_LAST = False) and as generated (channels_last).

    .venv/bin/python bench/results/from_fx/cnn_before_after.py [ROUNDS_B1 ROUNDS_B32]
"""
import pathlib
import subprocess
import sys
import time
import types

import torch

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "python"))
import numpy as np  # noqa: E402
import triton_dsl  # noqa: E402
from from_fx_bench import SmallCNN  # noqa: E402
torch.set_num_threads(1)
print(f"triton_dsl from {pathlib.Path(triton_dsl.__file__).parent}; torch {torch.__version__}, 1 thread")
torch.manual_seed(0)
m = SmallCNN().eval()
mod = triton_dsl.from_fx(m, (torch.randn(2, 3, 32, 32),)).module()
g = sys.modules[type(mod).__module__]
OLD_FORWARD = '''
def forward(self, arg0):
    v0 = torch.full((), 1.0, dtype=torch.float32)
    v1 = _unpack(self.conv1_weight, (32, 3, 3, 3), "offset2", 0)
    v2 = v1.to(torch.float32)
    v3 = torch.nn.functional.conv2d(arg0, v2, stride=(1, 1), padding=(1, 1), dilation=(1, 1))
    v4 = v3 * self.conv1_weight_scale
    v5 = self.conv1_bias[:, 0, 0][:, None, None]
    v6 = v4 + v5
    v7 = torch.clamp_min(v6, 0.0)
    v8 = _unpack(self.conv2_weight, (64, 32, 3, 3), "offset2", 0)
    v9 = v8.to(torch.float32)
    v10 = torch.nn.functional.conv2d(v7, v9, stride=(2, 2), padding=(1, 1), dilation=(1, 1))
    v11 = v10 * self.conv2_weight_scale
    v12 = self.conv2_bias[:, 0, 0][:, None, None]
    v13 = v11 + v12
    v14 = torch.clamp_min(v13, 0.0)
    v15 = _unpack(self.conv3_weight, (64, 64, 3, 3), "offset2", 0)
    v16 = v15.to(torch.float32)
    v17 = torch.nn.functional.conv2d(v14, v16, stride=(2, 2), padding=(1, 1), dilation=(1, 1))
    v18 = v17 * self.conv3_weight_scale
    v19 = self.conv3_bias[:, 0, 0][:, None, None]
    v20 = v18 + v19
    v21 = torch.clamp_min(v20, 0.0)
    v22 = torch.reshape(v21, (-1, 4096))
    v23 = _ternary_matmul(v22, self.fc_weight, (4096, 10), "offset2", 0, self.fc_weight_scale, self.fc_bias)
    return v23
'''
old_ns = {}
exec(subprocess.run(["git", "-C", str(ROOT), "show", "ee8ed12:lib/Target/PyTorch/pytorch_runtime.py"],
                    capture_output=True, text=True, check=True).stdout, old_ns)
exec(OLD_FORWARD, old_ns)
old_forward = types.MethodType(old_ns["forward"], mod)
mod2 = triton_dsl.from_fx(m, (torch.randn(2, 3, 32, 32),)).module()
g2 = sys.modules[type(mod2).__module__]
assert g2 is not g
g2.CONV_CHANNELS_LAST = False
nchw = mod2
ref = triton_dsl.ternarize_model(m)
for b in (1, 32):
    x = torch.randn(b, 3, 32, 32)
    fs = {"float": m, "old module": old_forward, "fused NCHW": nchw, "fused channels_last": mod}
    ts = {k: [] for k in fs}
    with torch.no_grad():
        for k, f in fs.items():
            if k != "float":
                torch.testing.assert_close(f(x), ref(x), rtol=1e-4, atol=1e-4)
        rounds = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) > 2 else (3000, 150)
        for i in range(rounds[0] if b == 1 else rounds[1]):
            for k, f in fs.items():
                t0 = time.perf_counter()
                f(x)
                ts[k].append(time.perf_counter() - t0)
    med = {k: np.median(v[5:]) * 1e3 for k, v in ts.items()}
    print(f"batch {b}: " + ", ".join(f"{k} {v:.3f} ms ({med['float'] / v:.2f}x)" for k, v in med.items()))
