// ternary-layout changes nothing where the target layout is already used or
// no matmul reads the value: weights already in the target layout, constants
// and arguments that are only returned or unpacked, and packed values of
// other ranks. It never changes a function signature.
// RUN: triton-opt %s -ternary-layout=encoding=offset2 | FileCheck %s
// RUN: triton-opt %s -ternary-layout=encoding=offset2 -mlir-pass-statistics -o /dev/null 2>&1 | FileCheck %s --check-prefix=STATS
// STATS: ternary-layout
// STATS-NEXT: (S) 0 repacked-constants
// STATS-NEXT: (S) 0 repacked-params
// STATS-NEXT: (S) 0 runtime-relayouts
// STATS-NEXT: (S) 0 removed-relayouts

// CHECK-LABEL: func.func @already_target
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x8xf32>, %[[P:[^:]+]]: !ternary.packed<8x4>)
// CHECK-NEXT: %[[C:.*]] = ternary.constant dense<85> : tensor<8xui8> -> !ternary.packed<8x4>
// CHECK-NEXT: ternary.matmul %[[X]], %[[P]]
// CHECK-NEXT: ternary.matmul %[[X]], %[[C]]
func.func @already_target(%x: tensor<2x8xf32>, %p: !ternary.packed<8x4>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %c = ternary.constant dense<85> : tensor<8xui8> -> !ternary.packed<8x4>
  %y = ternary.matmul %x, %p : tensor<2x8xf32>, !ternary.packed<8x4> -> tensor<2x4xf32>
  %z = ternary.matmul %x, %c : tensor<2x8xf32>, !ternary.packed<8x4> -> tensor<2x4xf32>
  return %y, %z : tensor<2x4xf32>, tensor<2x4xf32>
}

// CHECK-LABEL: func.func @no_matmul
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>)
// CHECK-NEXT: %[[C:.*]] = ternary.constant dense<121> : tensor<8xui8> -> !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>
// CHECK-NEXT: %[[U:.*]] = ternary.unpack %[[P]] : !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>
// CHECK-NEXT: return %[[C]], %[[U]]
func.func @no_matmul(%p: !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>) -> (!ternary.packed<8x4, #ternary.layout<base3, axis = 1>>, tensor<8x4xi8>) {
  %c = ternary.constant dense<121> : tensor<8xui8> -> !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>
  %u = ternary.unpack %p : !ternary.packed<8x4, #ternary.layout<base3, axis = 1>> -> tensor<8x4xi8>
  return %c, %u : !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>, tensor<8x4xi8>
}

// CHECK-LABEL: func.func @rank3
// CHECK-NEXT: ternary.constant dense<85> : tensor<4xui8> -> !ternary.packed<2x2x4, #ternary.layout<offset2, axis = 2>>
func.func @rank3() -> !ternary.packed<2x2x4, #ternary.layout<offset2, axis = 2>> {
  %c = ternary.constant dense<85> : tensor<4xui8> -> !ternary.packed<2x2x4, #ternary.layout<offset2, axis = 2>>
  return %c : !ternary.packed<2x2x4, #ternary.layout<offset2, axis = 2>>
}
