// -mlir-pass-statistics reports what ternary-remove-unused-params changed:
// two params removed (@unread, and @dead once its unused read is gone) and
// one read erased.
// RUN: triton-opt %s -ternary-remove-unused-params=remarks=false -mlir-pass-statistics -o /dev/null 2>&1 | FileCheck %s

// CHECK: ternary-remove-unused-params
// CHECK-NEXT: (S) 2 removed-params - Params removed because no function reads them
// CHECK-NEXT: (S) 1 removed-reads - Unused ternary.get_param ops erased
ternary.layer @L {
  ternary.param @unread : tensor<4xf32>
  ternary.param @dead : tensor<4xf32>
  ternary.param @live : tensor<4xf32>
  func.func @forward() -> tensor<4xf32> {
    %d = ternary.get_param @dead : tensor<4xf32>
    %l = ternary.get_param @live : tensor<4xf32>
    return %l : tensor<4xf32>
  }
}
