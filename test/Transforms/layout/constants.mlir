// ternary-layout repacks constant weights that a matmul reads into the
// target's layout at compile time: offset2 along K for cpu, base3 along K for
// acalsim. The old constant disappears when nothing else reads it.
// RUN: triton-opt %s -ternary-layout=encoding=offset2 | FileCheck %s --check-prefix=CPU
// RUN: triton-opt %s -ternary-layout=encoding=base3 | FileCheck %s --check-prefix=ACALSIM

// W (K = 4, N = 2) = [[1, -1], [0, 1], [-1, 0], [1, -1]] given in base3 along
// N: one byte per row of W, digit = t + 1, padding digits 1 (9 + 27 + 81):
//   [1, -1] -> 2 + 0 + 117 = 119; [0, 1] -> 1 + 6 + 117 = 124;
//   [-1, 0] -> 0 + 3 + 117 = 120; [1, -1] -> 119.
// cpu, offset2 along K (one byte per column, code = t + 1, LSB first):
//   col 0 = [1, 0, -1, 1]  -> 2 + 4 + 0 + 128 = 134
//   col 1 = [-1, 1, 0, -1] -> 0 + 8 + 16 + 0 = 24
// acalsim, base3 along K (padding digit 1 at position 4 = 81):
//   col 0 -> 2 + 1*3 + 0*9 + 2*27 + 81 = 140; col 1 -> 0 + 6 + 9 + 0 + 81 = 96
// CPU-LABEL: func.func @matmul_constant
// CPU-NEXT: %[[W:.*]] = ternary.constant dense<[134, 24]> : tensor<2xui8> -> !ternary.packed<4x2>
// CPU-NEXT: %[[Y:.*]] = ternary.matmul %{{.*}}, %[[W]] : tensor<1x4xf32>, !ternary.packed<4x2> -> tensor<1x2xf32>
// CPU-NEXT: return %[[Y]]
// ACALSIM-LABEL: func.func @matmul_constant
// ACALSIM-NEXT: %[[W:.*]] = ternary.constant dense<[140, 96]> : tensor<2xui8> -> !ternary.packed<4x2, #ternary.layout<base3, axis = 0>>
// ACALSIM-NEXT: %[[Y:.*]] = ternary.matmul %{{.*}}, %[[W]] : tensor<1x4xf32>, !ternary.packed<4x2, #ternary.layout<base3, axis = 0>> -> tensor<1x2xf32>
// ACALSIM-NEXT: return %[[Y]]
func.func @matmul_constant(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = ternary.constant dense<[119, 124, 120, 119]> : tensor<4xui8> -> !ternary.packed<4x2, #ternary.layout<base3, axis = 1>>
  %y = ternary.matmul %x, %w : tensor<1x4xf32>, !ternary.packed<4x2, #ternary.layout<base3, axis = 1>> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// The returned constant keeps its type; the matmul reads a repacked copy.
// CPU-LABEL: func.func @also_returned
// CPU-DAG: %[[OLD:.*]] = ternary.constant dense<[119, 124, 120, 119]> : tensor<4xui8> -> !ternary.packed<4x2, #ternary.layout<base3, axis = 1>>
// CPU-DAG: %[[W:.*]] = ternary.constant dense<[134, 24]> : tensor<2xui8> -> !ternary.packed<4x2>
// CPU: %[[Y:.*]] = ternary.matmul %{{.*}}, %[[W]]
// CPU-NEXT: return %[[Y]], %[[OLD]]
func.func @also_returned(%x: tensor<1x4xf32>) -> (tensor<1x2xf32>, !ternary.packed<4x2, #ternary.layout<base3, axis = 1>>) {
  %w = ternary.constant dense<[119, 124, 120, 119]> : tensor<4xui8> -> !ternary.packed<4x2, #ternary.layout<base3, axis = 1>>
  %y = ternary.matmul %x, %w : tensor<1x4xf32>, !ternary.packed<4x2, #ternary.layout<base3, axis = 1>> -> tensor<1x2xf32>
  return %y, %w : tensor<1x2xf32>, !ternary.packed<4x2, #ternary.layout<base3, axis = 1>>
}

// A pack feeding the matmul packs straight into the target layout.
// CPU-LABEL: func.func @pack
// CPU-NEXT: %[[P:.*]] = ternary.pack %{{.*}} : tensor<4x2xi8> -> !ternary.packed<4x2>
// CPU-NEXT: ternary.matmul %{{.*}}, %[[P]] :
func.func @pack(%x: tensor<1x4xf32>, %t: tensor<4x2xi8>) -> tensor<1x2xf32> {
  %p = ternary.pack %t : tensor<4x2xi8> -> !ternary.packed<4x2, #ternary.layout<offset2, axis = 1>>
  %y = ternary.matmul %x, %p : tensor<1x4xf32>, !ternary.packed<4x2, #ternary.layout<offset2, axis = 1>> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
