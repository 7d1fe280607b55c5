// -mlir-pass-statistics reports what ternary-layout changed: one constant
// and one param repacked at compile time, one runtime relayout inserted for
// an argument, and one relayout removed: the last matmul reads the middle of
// a relayout chain, which is already in the target layout.
// RUN: triton-opt %s -ternary-layout=encoding=offset2 -mlir-pass-statistics -o /dev/null 2>&1 | FileCheck %s

// CHECK: ternary-layout
// CHECK-NEXT: (S) 1 repacked-constants - Constant weights repacked at compile time
// CHECK-NEXT: (S) 1 repacked-params - Initialized params repacked at compile time
// CHECK-NEXT: (S) 1 runtime-relayouts - Relayouts inserted for weights known only at run time
// CHECK-NEXT: (S) 1 removed-relayouts - ternary.relayout ops removed
ternary.layer @L {
  ternary.param @w : !ternary.packed<4x2, #ternary.layout<base3, axis = 1>> = dense<[119, 124, 120, 119]> : tensor<4xui8>
  func.func @forward(%x: tensor<1x4xf32>, %p: !ternary.packed<4x2, #ternary.layout<base3, axis = 0>>) -> (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) {
    %w = ternary.get_param @w : !ternary.packed<4x2, #ternary.layout<base3, axis = 1>>
    %y = ternary.matmul %x, %w : tensor<1x4xf32>, !ternary.packed<4x2, #ternary.layout<base3, axis = 1>> -> tensor<1x2xf32>
    %c = ternary.constant dense<[119, 124, 120, 119]> : tensor<4xui8> -> !ternary.packed<4x2, #ternary.layout<base3, axis = 1>>
    %z = ternary.matmul %x, %c : tensor<1x4xf32>, !ternary.packed<4x2, #ternary.layout<base3, axis = 1>> -> tensor<1x2xf32>
    %r = ternary.matmul %x, %p : tensor<1x4xf32>, !ternary.packed<4x2, #ternary.layout<base3, axis = 0>> -> tensor<1x2xf32>
    %q = ternary.relayout %p : !ternary.packed<4x2, #ternary.layout<base3, axis = 0>> -> !ternary.packed<4x2>
    %q2 = ternary.relayout %q : !ternary.packed<4x2> -> !ternary.packed<4x2, #ternary.layout<offset2, axis = 1>>
    %s = ternary.matmul %x, %q2 : tensor<1x4xf32>, !ternary.packed<4x2, #ternary.layout<offset2, axis = 1>> -> tensor<1x2xf32>
    return %y, %z, %r, %s : tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>
  }
}
