// Inside layer functions ternary-fold-constants composes the folders like in
// plain functions: constant trits packed, relayed out and unpacked fold to
// constants, dequantize of constants folds to floats, unpack(pack(x)) is x,
// and a unit scale on an f32 matmul is dropped (canonicalization pattern).
// RUN: triton-opt %s -ternary-fold-constants | FileCheck %s

// t = [1, -1, 0, 1]: dequantize by 0.5 = [0.5, -0.5, 0, 0.5].
// CHECK-LABEL: ternary.layer @Block
// CHECK: func.func @forward(%[[X:[^:]+]]: tensor<1x4xf32>, %[[T:[^:]+]]: tensor<4x1xi8>)
// CHECK-DAG: %[[W:.*]] = ternary.constant dense<146> : tensor<1xui8> -> !ternary.packed<4x1>
// CHECK-DAG: %[[D:.*]] = arith.constant dense<[5.000000e-01, -5.000000e-01, 0.000000e+00, 5.000000e-01]> : tensor<4xf32>
// CHECK: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] : tensor<1x4xf32>, !ternary.packed<4x1> -> tensor<1x1xf32>
// CHECK-NEXT: return %[[Y]], %[[D]], %[[T]]
ternary.layer @Block {
  func.func @forward(%x: tensor<1x4xf32>, %t: tensor<4x1xi8>) -> (tensor<1x1xf32>, tensor<4xf32>, tensor<4x1xi8>) {
    %c = arith.constant dense<[1, -1, 0, 1]> : tensor<4xi8>
    %p = ternary.pack %c : tensor<4xi8> -> !ternary.packed<4, #ternary.layout<base3, axis = 0>>
    %u = ternary.unpack %p : !ternary.packed<4, #ternary.layout<base3, axis = 0>> -> tensor<4xi8>
    %s = arith.constant dense<0.5> : tensor<f32>
    %d = ternary.dequantize %u, %s : tensor<4xi8>, tensor<f32> -> tensor<4xf32>
    %w = arith.constant dense<[[1], [-1], [0], [1]]> : tensor<4x1xi8>
    %pw = ternary.pack %w : tensor<4x1xi8> -> !ternary.packed<4x1>
    %one = arith.constant dense<1.0> : tensor<f32>
    %y = ternary.matmul %x, %pw scale %one : tensor<1x4xf32>, !ternary.packed<4x1>, tensor<f32> -> tensor<1x1xf32>
    // unpack(pack(%t)) is %t.
    %rt = ternary.pack %t : tensor<4x1xi8> -> !ternary.packed<4x1>
    %back = ternary.unpack %rt : !ternary.packed<4x1> -> tensor<4x1xi8>
    return %y, %d, %back : tensor<1x1xf32>, tensor<4xf32>, tensor<4x1xi8>
  }
}
