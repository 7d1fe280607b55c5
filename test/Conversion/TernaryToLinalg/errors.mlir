// convert-ternary-to-linalg reports what it cannot lower at the op's
// location instead of producing wrong code: the layer structure (run
// ternary-flatten-layers first), a packed value whose dynamic size along the
// packed axis is not recoverable from its bytes, a matmul with a dynamic N
// packed along N, and a call using a name reserved for the micro-kernels.
// RUN: triton-opt %s -convert-ternary-to-linalg -split-input-file -verify-diagnostics

// expected-error @+1 {{'ternary.layer' must be flattened before lowering: run -ternary-flatten-layers}}
ternary.layer @L {
  func.func @forward() {
    return
  }
}

// -----

func.func @get_param_outside_layer() {
  // expected-error @+1 {{'ternary.call' must be flattened before lowering: run -ternary-flatten-layers}}
  ternary.call @f() : () -> ()
  return
}
func.func @f() {
  return
}

// -----

func.func @dynamic_packed_axis(%p: !ternary.packed<?x4>) -> tensor<?x4xi8> {
  // expected-error @+1 {{cannot lower '!ternary.packed<?x4>': a dynamic size along the packed axis (or of a tensor of rank > 2) is not recoverable from the packed bytes}}
  %t = ternary.unpack %p : !ternary.packed<?x4> -> tensor<?x4xi8>
  return %t : tensor<?x4xi8>
}

// -----

func.func @dynamic_n_along_n(%x: tensor<2x8xf32>, %w: !ternary.packed<8x?, #ternary.layout<offset2, axis = 1>>) -> tensor<2x?xf32> {
  // expected-error @+1 {{cannot lower a matmul with a dynamic N packed along N: N is not recoverable from the bytes}}
  %y = ternary.matmul %x, %w : tensor<2x8xf32>, !ternary.packed<8x?, #ternary.layout<offset2, axis = 1>> -> tensor<2x?xf32>
  return %y : tensor<2x?xf32>
}

// -----

func.func private @tri_mlir_gemm_f32_offset2()
func.func @reserved() {
  // expected-error @+1 {{'tri_mlir_gemm_*' names are reserved for the runtime micro-kernels}}
  func.call @tri_mlir_gemm_f32_offset2() : () -> ()
  return
}
