// The PyTorch target refuses, with an error at the op's location, what it
// cannot print exactly (never silently wrong code): a linalg.generic with a
// reduction loop that is not a contraction, an op it has no printer for (or prints only in one role: a strided or rank-reducing tensor.extract_slice, a dilated sum pooling), stochastic quantization, and
// layers that call each other.
// Nothing is written to the output when it fails.
// RUN: triton-translate --to-pytorch -split-input-file -verify-diagnostics %s -o /dev/null
// RUN: not triton-translate --to-pytorch %s -o %t.py 2>&1 | FileCheck %s --check-prefix=FIRST
// RUN: not test -s %t.py

#id = affine_map<(d0, d1) -> (d0, d1)>
#red = affine_map<(d0, d1) -> (d0)>
ternary.layer @Reduction {
  func.func @forward(%x: tensor<4x8xf32>, %init: tensor<4xf32>) -> tensor<4xf32> {
    // FIRST: errors.mlir:[[@LINE+2]]:10: error: the PyTorch target prints only elementwise linalg.generic
    // expected-error @+1 {{the PyTorch target prints only elementwise linalg.generic (all loops parallel)}}
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
    // expected-error @+1 {{the PyTorch target prints tensor.extract_slice with static offsets and unit strides only}}
    %s = tensor.extract_slice %x[0, 0] [2, 8] [2, 1] : tensor<4x8xf32> to tensor<2x8xf32>
    return %s : tensor<2x8xf32>
  }
}

// -----

// tensor.from_elements is printed only as the shape of a tensor.reshape.
ternary.layer @Sizes {
  func.func @forward(%x: tensor<?x8xf32>) -> tensor<2xindex> {
    %c0 = arith.constant 0 : index
    %c8 = arith.constant 8 : index
    %n = tensor.dim %x, %c0 : tensor<?x8xf32>
    // expected-error @+1 {{the PyTorch target cannot print op 'tensor.from_elements'}}
    %shape = tensor.from_elements %n, %c8 : tensor<2xindex>
    return %shape : tensor<2xindex>
  }
}

// -----

ternary.layer @Stochastic {
  func.func @forward(%w: tensor<4x8xf32>) -> tensor<4x8xi8> {
    // expected-error @+1 {{the PyTorch target cannot print stochastic quantization}}
    %t, %s = ternary.quantize stochastic %w : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<f32>
    return %t : tensor<4x8xi8>
  }
}

// -----

// Layers that call each other cannot be built as modules (the front end
// rejects recursion; hand-written IR may still have it).
ternary.layer @Ping {
  func.func @forward(%x: tensor<2xf32>) -> tensor<2xf32> {
    %y = ternary.call @Pong::@forward(%x) : (tensor<2xf32>) -> tensor<2xf32>
    return %y : tensor<2xf32>
  }
}
// expected-error @+1 {{the PyTorch target cannot emit recursive layers ('Pong' calls 'Ping', which is already on the call path)}}
ternary.layer @Pong {
  func.func @forward(%x: tensor<2xf32>) -> tensor<2xf32> {
    %y = ternary.call @Ping::@forward(%x) : (tensor<2xf32>) -> tensor<2xf32>
    return %y : tensor<2xf32>
  }
}

// -----

ternary.layer @RankReducingSlice {
  func.func @forward(%x: tensor<4x8xf32>) -> tensor<8xf32> {
    // expected-error @+1 {{the PyTorch target prints tensor.extract_slice without rank reduction only}}
    %s = tensor.extract_slice %x[1, 0] [1, 8] [1, 1] : tensor<4x8xf32> to tensor<8xf32>
    return %s : tensor<8xf32>
  }
}

// -----

ternary.layer @DilatedSumPool {
  func.func @forward(%x: tensor<1x2x8x8xf32>, %init: tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32> {
    %w = tensor.empty() : tensor<2x2xf32>
    // expected-error @+1 {{the PyTorch target prints a sum pooling without dilation only}}
    %p = linalg.pooling_nchw_sum {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
        ins(%x, %w : tensor<1x2x8x8xf32>, tensor<2x2xf32>) outs(%init : tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32>
    return %p : tensor<1x2x6x6xf32>
  }
}
