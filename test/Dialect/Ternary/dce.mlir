// Unused results of Pure ternary ops are erased by -canonicalize (DCE): an
// unused ternary.unpack, pack, relayout, quantize, dequantize, matmul,
// constant or get_param disappears, while an unused ternary.call (unknown
// effects) stays.
// RUN: triton-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @unused_unpack
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<8x4>)
// CHECK-NEXT: return %[[P]] : !ternary.packed<8x4>
// CHECK-NOT: ternary.unpack
func.func @unused_unpack(%p: !ternary.packed<8x4>) -> !ternary.packed<8x4> {
  %t = ternary.unpack %p : !ternary.packed<8x4> -> tensor<8x4xi8>
  return %p : !ternary.packed<8x4>
}

// -----

// CHECK-LABEL: func.func @unused_pure_ops
// CHECK-SAME: (%[[W:[^:]+]]: tensor<8x4xf32>, %[[X:[^:]+]]: tensor<2x8xf32>, %[[P:[^:]+]]: !ternary.packed<8x4>)
// CHECK-NEXT: return{{$}}
func.func @unused_pure_ops(%w: tensor<8x4xf32>, %x: tensor<2x8xf32>, %p: !ternary.packed<8x4>) {
  %t, %s = ternary.quantize absmean %w : tensor<8x4xf32> -> tensor<8x4xi8>, tensor<f32>
  %d = ternary.dequantize %t, %s : tensor<8x4xi8>, tensor<f32> -> tensor<8x4xf32>
  %q = ternary.pack %t : tensor<8x4xi8> -> !ternary.packed<8x4>
  %r = ternary.relayout %p : !ternary.packed<8x4> -> !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>
  %y = ternary.matmul %x, %p : tensor<2x8xf32>, !ternary.packed<8x4> -> tensor<2x4xf32>
  %c = ternary.constant dense<85> : tensor<8xui8> -> !ternary.packed<8x4, #ternary.layout<offset2, axis = 0>>
  return
}

// -----

// CHECK-LABEL: ternary.layer @Block
// CHECK-NEXT: ternary.param @weights : !ternary.packed<8x4>
// CHECK-NEXT: func.func @forward(%[[X:[^:]+]]: tensor<2x8xf32>) -> tensor<2x8xf32> {
// CHECK-NEXT:   return %[[X]]
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x8xf32>)
// CHECK-NEXT: %{{.*}} = ternary.call @Block::@forward(%[[X]])
// CHECK-NEXT: return{{$}}
ternary.layer @Block {
  ternary.param @weights : !ternary.packed<8x4>
  func.func @forward(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
    %w = ternary.get_param @weights : !ternary.packed<8x4>
    return %x : tensor<2x8xf32>
  }
}
func.func @main(%x: tensor<2x8xf32>) {
  %unused = ternary.call @Block::@forward(%x) : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return
}
