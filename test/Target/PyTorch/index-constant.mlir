// Constants of index elements: an int64 buffer (this used to crash on the
// bit width of `index`); a constant that only gives a tensor.reshape its
// (static) shape is not printed at all.
// RUN: triton-translate --to-pytorch %s | FileCheck %s

module {
  ternary.layer @Static {
    func.func @forward(%x: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
      %shape = arith.constant dense<[2, 12]> : tensor<2xindex>
      %r = tensor.reshape %x(%shape) : (tensor<2x3x4xf32>, tensor<2xindex>) -> tensor<2x12xf32>
      return %r : tensor<2x12xf32>
    }
    func.func @sizes(%x: tensor<2x3x4xf32>) -> tensor<2xindex> {
      %shape = arith.constant dense<[2, 12]> : tensor<2xindex>
      return %shape : tensor<2xindex>
    }
  }
}

// CHECK-LABEL: class Static(nn.Module):
// CHECK:         self.register_buffer(
// CHECK-NEXT:        "const0",
// CHECK-NEXT:        _from_hex(
// CHECK-NEXT:            "02000000000000000c00000000000000",
// CHECK-NEXT:            torch.int64,
// CHECK-NEXT:            (2,),
// CHECK-NEXT:        ),
// CHECK-NEXT:        persistent=False,
// CHECK-NEXT:    )
// CHECK-NOT:     const1
// CHECK:       def forward(self, arg0):
// CHECK-NEXT:      v0 = torch.reshape(arg0, (2, 12))
// CHECK-NEXT:      return v0
// CHECK:       def sizes(self, arg0):
// CHECK-NEXT:      return self.const0
