// The ONNX target refuses, with an error at the op's location, what it
// cannot map exactly (never a silently wrong model): a linalg.generic with a
// reduction loop that is not a contraction, ops with no mapping (a strided or rank-reducing tensor.extract_slice, a dilated sum pooling, arith.divsi,
// stochastic quantization, tensor.from_elements other than a reshape's
// shape), a module whose every layer function is called (no entry), and
// layers that call each other without end.
// Nothing is written to the output when it fails.
// RUN: triton-translate --to-onnx -split-input-file -verify-diagnostics %s -o /dev/null
// RUN: not triton-translate --to-onnx %s -o %t.onnx 2>&1 | FileCheck %s --check-prefix=FIRST
// RUN: not test -s %t.onnx

#id = affine_map<(d0, d1) -> (d0, d1)>
#red = affine_map<(d0, d1) -> (d0)>
ternary.layer @Reduction {
  func.func @forward(%x: tensor<4x8xf32>, %init: tensor<4xf32>) -> tensor<4xf32> {
    // FIRST: errors.mlir:[[@LINE+2]]:10: error: the ONNX target maps only elementwise linalg.generic
    // expected-error @+1 {{the ONNX target maps only elementwise linalg.generic (all loops parallel) and contractions (out + a * b)}}
    %r = linalg.generic {indexing_maps = [#id, #red], iterator_types = ["parallel", "reduction"]}
        ins(%x : tensor<4x8xf32>) outs(%init : tensor<4xf32>) {
    ^bb0(%a: f32, %acc: f32):
      %s = arith.addf %a, %acc : f32
      linalg.yield %s : f32
    } -> tensor<4xf32>
    return %r : tensor<4xf32>
  }
}

// -----

ternary.layer @Slice {
  func.func @forward(%x: tensor<4x8xf32>) -> tensor<2x8xf32> {
    // expected-error @+1 {{the ONNX target maps tensor.extract_slice with static offsets and unit strides only}}
    %s = tensor.extract_slice %x[0, 0] [2, 8] [2, 1] : tensor<4x8xf32> to tensor<2x8xf32>
    return %s : tensor<2x8xf32>
  }
}

// -----

// Integer division rounds differently in ONNX runtimes: refused.
ternary.layer @IntegerDivision {
  func.func @forward(%x: tensor<4xi32>, %y: tensor<4xi32>) -> tensor<4xi32> {
    // expected-error @+1 {{the ONNX target cannot map op 'arith.divsi'}}
    %q = arith.divsi %x, %y : tensor<4xi32>
    return %q : tensor<4xi32>
  }
}

// -----

ternary.layer @Stochastic {
  func.func @forward(%w: tensor<4x8xf32>) -> tensor<4x8xi8> {
    // expected-error @+1 {{the ONNX target cannot map stochastic quantization}}
    %t, %s = ternary.quantize stochastic %w : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<f32>
    return %t : tensor<4x8xi8>
  }
}

// -----

// tensor.from_elements is mapped only as the shape of a tensor.reshape.
ternary.layer @Sizes {
  func.func @forward(%x: tensor<?x8xf32>) -> tensor<2xindex> {
    %c0 = arith.constant 0 : index
    %c8 = arith.constant 8 : index
    %n = tensor.dim %x, %c0 : tensor<?x8xf32>
    // expected-error @+1 {{the ONNX target cannot map op 'tensor.from_elements'}}
    %shape = tensor.from_elements %n, %c8 : tensor<2xindex>
    return %shape : tensor<2xindex>
  }
}

// -----

// Every function is called by another: there is no graph to export.
// expected-error @+1 {{the ONNX target found no layer function to export (every function is called by another)}}
ternary.layer @Ping {
  func.func @forward(%x: tensor<2xf32>) -> tensor<2xf32> {
    %y = ternary.call @Pong::@forward(%x) : (tensor<2xf32>) -> tensor<2xf32>
    return %y : tensor<2xf32>
  }
}
ternary.layer @Pong {
  func.func @forward(%x: tensor<2xf32>) -> tensor<2xf32> {
    %y = ternary.call @Ping::@forward(%x) : (tensor<2xf32>) -> tensor<2xf32>
    return %y : tensor<2xf32>
  }
}

// -----

// Calls are inlined: a layer that calls itself has no finite graph.
ternary.layer @Main {
  func.func @forward(%x: tensor<2xf32>) -> tensor<2xf32> {
    %y = ternary.call @Loop::@forward(%x) : (tensor<2xf32>) -> tensor<2xf32>
    return %y : tensor<2xf32>
  }
}
ternary.layer @Loop {
  func.func @forward(%x: tensor<2xf32>) -> tensor<2xf32> {
    // expected-error @+1 {{the ONNX target inlines at most 256 nested layer calls (recursive layers?)}}
    %y = ternary.call @Loop::@forward(%x) : (tensor<2xf32>) -> tensor<2xf32>
    return %y : tensor<2xf32>
  }
}

// -----

ternary.layer @RankReducingSlice {
  func.func @forward(%x: tensor<4x8xf32>) -> tensor<8xf32> {
    // expected-error @+1 {{the ONNX target maps tensor.extract_slice without rank reduction only}}
    %s = tensor.extract_slice %x[1, 0] [1, 8] [1, 1] : tensor<4x8xf32> to tensor<8xf32>
    return %s : tensor<8xf32>
  }
}

// -----

ternary.layer @DilatedSumPool {
  func.func @forward(%x: tensor<1x2x8x8xf32>, %init: tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32> {
    %w = tensor.empty() : tensor<2x2xf32>
    // expected-error @+1 {{the ONNX target maps a sum pooling without dilation only}}
    %p = linalg.pooling_nchw_sum {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
        ins(%x, %w : tensor<1x2x8x8xf32>, tensor<2x2xf32>) outs(%init : tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32>
    return %p : tensor<1x2x6x6xf32>
  }
}
