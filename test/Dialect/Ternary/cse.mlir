// CSE merges identical ternary ops, which are Pure (pack, unpack, relayout,
// quantize, dequantize, matmul, constant, get_param), and keeps ops that differ
// in any type or attribute. ternary.call has unknown effects: never merged.
// RUN: triton-opt %s -cse -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @identical_packs
// CHECK-SAME: (%[[T:[^:]+]]: tensor<8x4xi8>)
// CHECK-NEXT: %[[P:.*]] = ternary.pack %[[T]] : tensor<8x4xi8> -> !ternary.packed<8x4>
// CHECK-NEXT: return %[[P]], %[[P]] : !ternary.packed<8x4>, !ternary.packed<8x4>
func.func @identical_packs(%t: tensor<8x4xi8>) -> (!ternary.packed<8x4>, !ternary.packed<8x4>) {
  %a = ternary.pack %t : tensor<8x4xi8> -> !ternary.packed<8x4>
  %b = ternary.pack %t : tensor<8x4xi8> -> !ternary.packed<8x4>
  return %a, %b : !ternary.packed<8x4>, !ternary.packed<8x4>
}

// -----

// Packs into different layouts are different values.
// CHECK-LABEL: func.func @packs_with_different_layouts
// CHECK-SAME: (%[[T:[^:]+]]: tensor<8x4xi8>)
// CHECK-NEXT: %[[A:.*]] = ternary.pack %[[T]] : tensor<8x4xi8> -> !ternary.packed<8x4>
// CHECK-NEXT: %[[B:.*]] = ternary.pack %[[T]] : tensor<8x4xi8> -> !ternary.packed<8x4, #ternary.layout<base3, axis = 0>>
// CHECK-NEXT: return %[[A]], %[[B]]
func.func @packs_with_different_layouts(%t: tensor<8x4xi8>)
    -> (!ternary.packed<8x4>, !ternary.packed<8x4, #ternary.layout<base3, axis = 0>>) {
  %a = ternary.pack %t : tensor<8x4xi8> -> !ternary.packed<8x4>
  %b = ternary.pack %t : tensor<8x4xi8> -> !ternary.packed<8x4, #ternary.layout<base3, axis = 0>>
  return %a, %b : !ternary.packed<8x4>, !ternary.packed<8x4, #ternary.layout<base3, axis = 0>>
}

// -----

// CHECK-LABEL: func.func @identical_conversions
// CHECK-SAME: (%[[W:[^:]+]]: tensor<8x4xf32>, %[[P:[^:]+]]: !ternary.packed<8x4>)
// CHECK-NEXT: %[[T:[^,]+]], %[[S:[^ ]+]] = ternary.quantize absmean %[[W]] axis 1
// CHECK-NEXT: %[[D:.*]] = ternary.dequantize %[[T]], %[[S]] axis 1
// CHECK-NEXT: %[[U:.*]] = ternary.unpack %[[P]]
// CHECK-NEXT: %[[R:.*]] = ternary.relayout %[[P]]
// CHECK-NEXT: return %[[D]], %[[D]], %[[U]], %[[U]], %[[R]], %[[R]]
func.func @identical_conversions(%w: tensor<8x4xf32>, %p: !ternary.packed<8x4>)
    -> (tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xi8>, tensor<8x4xi8>,
        !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>,
        !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>) {
  %t0, %s0 = ternary.quantize absmean %w axis 1 : tensor<8x4xf32> -> tensor<8x4xi8>, tensor<4xf32>
  %t1, %s1 = ternary.quantize absmean %w axis 1 : tensor<8x4xf32> -> tensor<8x4xi8>, tensor<4xf32>
  %d0 = ternary.dequantize %t0, %s0 axis 1 : tensor<8x4xi8>, tensor<4xf32> -> tensor<8x4xf32>
  %d1 = ternary.dequantize %t1, %s1 axis 1 : tensor<8x4xi8>, tensor<4xf32> -> tensor<8x4xf32>
  %u0 = ternary.unpack %p : !ternary.packed<8x4> -> tensor<8x4xi8>
  %u1 = ternary.unpack %p : !ternary.packed<8x4> -> tensor<8x4xi8>
  %r0 = ternary.relayout %p : !ternary.packed<8x4> -> !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>
  %r1 = ternary.relayout %p : !ternary.packed<8x4> -> !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>
  return %d0, %d1, %u0, %u1, %r0, %r1
      : tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xi8>, tensor<8x4xi8>,
        !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>,
        !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>
}

// -----

// Quantizers with different seeds draw different trits: not merged.
// CHECK-LABEL: func.func @different_seeds
// CHECK: ternary.quantize stochastic %{{.*}} seed 1
// CHECK-NEXT: ternary.quantize stochastic %{{.*}} seed 2
func.func @different_seeds(%w: tensor<8xf32>) -> (tensor<8xi8>, tensor<8xi8>) {
  %t0, %s0 = ternary.quantize stochastic %w seed 1 : tensor<8xf32> -> tensor<8xi8>, tensor<f32>
  %t1, %s1 = ternary.quantize stochastic %w seed 2 : tensor<8xf32> -> tensor<8xi8>, tensor<f32>
  return %t0, %t1 : tensor<8xi8>, tensor<8xi8>
}

// -----

// CHECK-LABEL: func.func @identical_constants_and_matmuls
// CHECK-SAME: (%[[X:[^:]+]]: tensor<?x6xf32>)
// CHECK-NEXT: %[[W:.*]] = ternary.constant dense<[146, 81]>
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]]
// CHECK-NEXT: return %[[Y]], %[[Y]]
func.func @identical_constants_and_matmuls(%x: tensor<?x6xf32>) -> (tensor<?x1xf32>, tensor<?x1xf32>) {
  %w0 = ternary.constant dense<[146, 81]> : tensor<2xui8> -> !ternary.packed<6x1>
  %w1 = ternary.constant dense<[146, 81]> : tensor<2xui8> -> !ternary.packed<6x1>
  %y0 = ternary.matmul %x, %w0 : tensor<?x6xf32>, !ternary.packed<6x1> -> tensor<?x1xf32>
  %y1 = ternary.matmul %x, %w1 : tensor<?x6xf32>, !ternary.packed<6x1> -> tensor<?x1xf32>
  return %y0, %y1 : tensor<?x1xf32>, tensor<?x1xf32>
}

// -----

// The same byte under two layouts is two different constants: 85 = 0x55 is
// four zero trits in offset2 but 1 + 1*3 + 0*9 + 0*27 + 1*81 = [0, 0, -1, -1]
// (+ a zero padding digit) in base3.
// CHECK-LABEL: func.func @same_bytes_other_layout
// CHECK-NEXT: ternary.constant dense<85> : tensor<1xui8> -> !ternary.packed<4>
// CHECK-NEXT: ternary.constant dense<85> : tensor<1xui8> -> !ternary.packed<4, #ternary.layout<base3, axis = 0>>
func.func @same_bytes_other_layout() -> (!ternary.packed<4>, !ternary.packed<4, #ternary.layout<base3, axis = 0>>) {
  %a = ternary.constant dense<85> : tensor<1xui8> -> !ternary.packed<4>
  %b = ternary.constant dense<85> : tensor<1xui8> -> !ternary.packed<4, #ternary.layout<base3, axis = 0>>
  return %a, %b : !ternary.packed<4>, !ternary.packed<4, #ternary.layout<base3, axis = 0>>
}

// -----

// get_param is Pure; ternary.call is not, so both calls stay.
// CHECK-LABEL: ternary.layer @Block
// CHECK:      func.func @forward(%[[X:[^:]+]]: tensor<4xf32>)
// CHECK-NEXT:   %[[B:.*]] = ternary.get_param @bias : tensor<4xf32>
// CHECK-NEXT:   return %[[B]], %[[B]]
// CHECK-LABEL: func.func @main
// CHECK-NEXT: %[[C0:.*]]:2 = ternary.call @Block::@forward
// CHECK-NEXT: %[[C1:.*]]:2 = ternary.call @Block::@forward
// CHECK-NEXT: return %[[C0]]#0, %[[C1]]#0
ternary.layer @Block {
  ternary.param @bias : tensor<4xf32>
  func.func @forward(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
    %b0 = ternary.get_param @bias : tensor<4xf32>
    %b1 = ternary.get_param @bias : tensor<4xf32>
    return %b0, %b1 : tensor<4xf32>, tensor<4xf32>
  }
}
func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %a:2 = ternary.call @Block::@forward(%x) : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  %b:2 = ternary.call @Block::@forward(%x) : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  return %a#0, %b#0 : tensor<4xf32>, tensor<4xf32>
}
