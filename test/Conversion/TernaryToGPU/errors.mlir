// convert-ternary-to-gpu refuses unflattened layers and a module that
// already has a @ternary_kernels symbol, at their locations.
// RUN: triton-opt %s -split-input-file -convert-ternary-to-gpu -verify-diagnostics

// expected-error @below {{'ternary.layer' must be flattened before lowering: run -ternary-flatten-layers}}
ternary.layer @L {
  ternary.param @w : !ternary.packed<4x2>
  func.func @f(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %w = ternary.get_param @w : !ternary.packed<4x2>
    %y = ternary.matmul %x, %w : tensor<1x4xf32>, !ternary.packed<4x2> -> tensor<1x2xf32>
    return %y : tensor<1x2xf32>
  }
}

// -----

// expected-error @below {{'@ternary_kernels' is reserved for the kernels of convert-ternary-to-gpu}}
func.func private @ternary_kernels()
func.func @f(%w: !ternary.packed<4x2>, %x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %y = ternary.matmul %x, %w : tensor<1x4xf32>, !ternary.packed<4x2> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// The persistent kernels' grids call @__tri_multiprocessor_count, which the
// pass declares: a module's own symbol of that name is refused.
// expected-error @below {{'@__tri_multiprocessor_count' is reserved for the runner's SM count}}
func.func private @__tri_multiprocessor_count() -> index
func.func @g(%w: !ternary.packed<64x2>, %x: tensor<1x64xi8>) -> tensor<1x2xi32> {
  %y = ternary.matmul %x, %w : tensor<1x64xi8>, !ternary.packed<64x2> -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}
