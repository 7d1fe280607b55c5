// -mlir-pass-statistics reports what ternary-fold-constants changed: the
// number of ternary ops that folding erased and the number of params
// quantized at compile time.
// RUN: triton-opt %s -ternary-fold-constants -mlir-pass-statistics -o /dev/null 2>&1 | FileCheck %s

// CHECK: Pass statistics report (ternary passes)
// CHECK: ternary-fold-constants
// CHECK-NEXT: (S) 7 folded-ops - Ternary ops folded to constants or erased as dead
// CHECK-NEXT: (S) 1 quantized-params - Float params quantized and packed at compile time

// 7 ops erased by folding: in @weights the quantize, the pack, the base3
// constant it folded to and the relayout of that constant; in @L::@forward
// the pack(unpack(packed param)) pair and the unused read of @w_scale.
func.func @weights() -> !ternary.packed<4> {
  %w = arith.constant dense<[0.5, -1.0, 0.0, 2.0]> : tensor<4xf32>
  %t, %s = ternary.quantize absmean %w : tensor<4xf32> -> tensor<4xi8>, tensor<f32>
  %p = ternary.pack %t : tensor<4xi8> -> !ternary.packed<4, #ternary.layout<base3, axis = 0>>
  %q = ternary.relayout %p : !ternary.packed<4, #ternary.layout<base3, axis = 0>> -> !ternary.packed<4>
  return %q : !ternary.packed<4>
}

ternary.layer @L {
  ternary.param @w : tensor<4xf32> = dense<[0.5, -1.0, 0.0, 2.0]> : tensor<4xf32>
  func.func @forward() -> !ternary.packed<4> {
    %f = ternary.get_param @w : tensor<4xf32>
    %t, %s = ternary.quantize absmean %f : tensor<4xf32> -> tensor<4xi8>, tensor<f32>
    %p = ternary.pack %t : tensor<4xi8> -> !ternary.packed<4>
    return %p : !ternary.packed<4>
  }
}
