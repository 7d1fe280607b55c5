// Packing at run time (ternary.pack / relayout / unpack lowered to linalg)
// round-trips trits through every layout, and a matmul reads run-time packed
// base3 weights and offset2 weights packed along N correctly. The trits come
// in as an argument so that nothing folds. Exact numbers by hand, at -O0 and
// -O2.
// RUN: triton-opt %s -ternary-cpu=opt-level=0 | mlir-runner -e main -entry-point-result=void %{runner_libs} | FileCheck %s
// RUN: triton-opt %s -ternary-cpu=opt-level=2 | mlir-runner -e main -entry-point-result=void %{runner_libs} | FileCheck %s

// Round trip: offset2 along K -> base3 along N -> offset2 along N -> trits.
// CHECK: sizes = [7, 3]
// CHECK-NEXT: {{\[\[}}1, -1, 0],
// CHECK-NEXT: [0, 1, -1],
// CHECK-NEXT: [-1, -1, 1],
// CHECK-NEXT: [1, 0, 0],
// CHECK-NEXT: [0, 0, 1],
// CHECK-NEXT: [1, 1, 1],
// CHECK-NEXT: [-1, 0, -1]]
// x = [1, 2, 3, 4, 5, 6, 7] times W (columns [1,0,-1,1,0,1,-1],
// [-1,1,-1,0,0,1,0], [0,-1,1,0,1,1,-1]):
//   col 0 = 1 - 3 + 4 + 6 - 7 = 1; col 1 = -1 + 2 - 3 + 6 = 4;
//   col 2 = -2 + 3 + 5 + 6 - 7 = 5 -- for base3 along K and offset2 along N.
// CHECK: sizes = [1, 3]
// CHECK-NEXT: {{\[\[}}1, 4, 5]]
// CHECK: sizes = [1, 3]
// CHECK-NEXT: {{\[\[}}1, 4, 5]]

func.func @run(%t: tensor<7x3xi8>, %x: tensor<1x7xf32>) -> (tensor<7x3xi8>, tensor<1x3xf32>, tensor<1x3xf32>) {
  %p = ternary.pack %t : tensor<7x3xi8> -> !ternary.packed<7x3>
  %b = ternary.relayout %p : !ternary.packed<7x3> -> !ternary.packed<7x3, #ternary.layout<base3, axis = 1>>
  %o = ternary.relayout %b : !ternary.packed<7x3, #ternary.layout<base3, axis = 1>> -> !ternary.packed<7x3, #ternary.layout<offset2, axis = 1>>
  %u = ternary.unpack %o : !ternary.packed<7x3, #ternary.layout<offset2, axis = 1>> -> tensor<7x3xi8>
  %w3 = ternary.pack %t : tensor<7x3xi8> -> !ternary.packed<7x3, #ternary.layout<base3, axis = 0>>
  %y3 = ternary.matmul %x, %w3 : tensor<1x7xf32>, !ternary.packed<7x3, #ternary.layout<base3, axis = 0>> -> tensor<1x3xf32>
  %yn = ternary.matmul %x, %o : tensor<1x7xf32>, !ternary.packed<7x3, #ternary.layout<offset2, axis = 1>> -> tensor<1x3xf32>
  return %u, %y3, %yn : tensor<7x3xi8>, tensor<1x3xf32>, tensor<1x3xf32>
}

func.func @main() {
  %t = arith.constant dense<[[1, -1, 0], [0, 1, -1], [-1, -1, 1], [1, 0, 0], [0, 0, 1], [1, 1, 1], [-1, 0, -1]]> : tensor<7x3xi8>
  %x = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]]> : tensor<1x7xf32>
  %u, %y3, %yn = call @run(%t, %x) : (tensor<7x3xi8>, tensor<1x7xf32>) -> (tensor<7x3xi8>, tensor<1x3xf32>, tensor<1x3xf32>)
  %i = arith.extsi %u : tensor<7x3xi8> to tensor<7x3xi32>
  %mi = bufferization.to_buffer %i : tensor<7x3xi32> to memref<7x3xi32>
  %ui = memref.cast %mi : memref<7x3xi32> to memref<*xi32>
  call @printMemrefI32(%ui) : (memref<*xi32>) -> ()
  %m3 = bufferization.to_buffer %y3 : tensor<1x3xf32> to memref<1x3xf32>
  %u3 = memref.cast %m3 : memref<1x3xf32> to memref<*xf32>
  call @printMemrefF32(%u3) : (memref<*xf32>) -> ()
  %mn = bufferization.to_buffer %yn : tensor<1x3xf32> to memref<1x3xf32>
  %un = memref.cast %mn : memref<1x3xf32> to memref<*xf32>
  call @printMemrefF32(%un) : (memref<*xf32>) -> ()
  return
}
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefF32(memref<*xf32>)
