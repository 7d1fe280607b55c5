// A ternary linear classifier (4 inputs -> 2 classes) written directly in the
// ternary dialect. Its float weights are constants, so -canonicalize
// quantizes (absmean, per output channel) and packs them at compile time:
// the folded program carries 2-bit packed bytes, not floats.
ternary.layer @TinyClassifier {
  ternary.param @bias : tensor<2xf32> = dense<[0.5, -0.5]> : tensor<2xf32>

  func.func @forward(%x: tensor<?x4xf32>) -> tensor<?x2xf32> {
    %w = arith.constant dense<[[0.9, -0.1], [-1.1, 0.8], [0.05, -0.7], [1.0, 0.0]]> : tensor<4x2xf32>
    %trits, %scale = ternary.quantize absmean %w axis 1
        : tensor<4x2xf32> -> tensor<4x2xi8>, tensor<2xf32>
    %packed = ternary.pack %trits : tensor<4x2xi8> -> !ternary.packed<4x2>
    // unpack(pack(t)) is t, and a relayout back and forth is nothing.
    %again = ternary.unpack %packed : !ternary.packed<4x2> -> tensor<4x2xi8>
    %repacked = ternary.pack %again : tensor<4x2xi8> -> !ternary.packed<4x2>
    %b3 = ternary.relayout %repacked : !ternary.packed<4x2>
        -> !ternary.packed<4x2, #ternary.layout<base3, axis = 0>>
    %back = ternary.relayout %b3 : !ternary.packed<4x2, #ternary.layout<base3, axis = 0>>
        -> !ternary.packed<4x2>
    %y = ternary.matmul %x, %back scale %scale
        : tensor<?x4xf32>, !ternary.packed<4x2>, tensor<2xf32> -> tensor<?x2xf32>
    %bias = ternary.get_param @bias : tensor<2xf32>
    %c0 = arith.constant 0 : index
    %n = tensor.dim %x, %c0 : tensor<?x4xf32>
    %bias2d = tensor.empty(%n) : tensor<?x2xf32>
    %bb = linalg.broadcast ins(%bias : tensor<2xf32>) outs(%bias2d : tensor<?x2xf32>) dimensions = [0]
    %out = arith.addf %y, %bb : tensor<?x2xf32>
    return %out : tensor<?x2xf32>
  }
}
