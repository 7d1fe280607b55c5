"""Runs the module of layout-pooling.tri against the same computation in torch."""
import importlib.util
import sys

import torch
import torch.nn.functional as F

spec = importlib.util.spec_from_file_location("generated", sys.argv[1])
generated = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generated)
torch.manual_seed(0)
module = generated.LayoutPooling()
dw, table = torch.randn(8, 1, 3, 3), torch.randn(10, 4)
module.load_state_dict({"dw": dw, "table": table})
x = torch.randn(3, 8, 8, 8)
a = F.conv2d(x.double(), dw.double(), padding=2, dilation=2, groups=8).clamp(0, 6)
b = F.avg_pool2d(F.max_pool2d(a, 3, 2, 1), 2)
expected = torch.cat([b[..., 0:1], b], 3) + table.double()[0, 0]
error = (module(x).double() - expected).abs().max().item()
assert error < 1e-5, error
print(f"forward: max abs error {error:.2g} (limit 1e-5)")
ids = torch.randint(0, 10, (3, 5))
assert torch.equal(module.lookup(ids), table[ids])
print("lookup: exact")
