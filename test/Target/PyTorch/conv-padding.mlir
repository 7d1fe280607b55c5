// A tensor.pad of +0.0 on the two spatial dims, the same before and after,
// whose only use is a convolution's input becomes that conv2d's `padding=`
// (no copy of the padded image); any other pad (uneven here, or used twice)
// stays a torch.nn.functional.pad feeding the conv2d. A filter dequantized
// with a scale of 1 is the trits as floats (no multiplication per call).
// RUN: triton-translate --to-pytorch %s | FileCheck %s

module {
  ternary.layer @Conv {
    ternary.param @filter : !ternary.packed<3x2x3x3>
    func.func @forward(%x: tensor<1x2x5x5xf32>) -> tensor<1x3x3x3xf32> {
      %one = arith.constant dense<1.000000e+00> : tensor<f32>
      %p = ternary.get_param @filter : !ternary.packed<3x2x3x3>
      %t = ternary.unpack %p : !ternary.packed<3x2x3x3> -> tensor<3x2x3x3xi8>
      %w = ternary.dequantize %t, %one : tensor<3x2x3x3xi8>, tensor<f32> -> tensor<3x2x3x3xf32>
      %zero = arith.constant 0.000000e+00 : f32
      %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
      ^bb0(%a: index, %b: index, %c: index, %d: index):
        tensor.yield %zero : f32
      } : tensor<1x2x5x5xf32> to tensor<1x2x7x7xf32>
      %init = tensor.empty() : tensor<1x3x3x3xf32>
      %fill = linalg.fill ins(%zero : f32) outs(%init : tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32>
      %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
        ins(%padded, %w : tensor<1x2x7x7xf32>, tensor<3x2x3x3xf32>) outs(%fill : tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32>
      %uneven = tensor.pad %x low[0, 0, 0, 0] high[0, 0, 1, 1] {
      ^bb0(%a: index, %b: index, %c: index, %d: index):
        tensor.yield %zero : f32
      } : tensor<1x2x5x5xf32> to tensor<1x2x6x6xf32>
      %init2 = tensor.empty() : tensor<1x3x2x2xf32>
      %fill2 = linalg.fill ins(%zero : f32) outs(%init2 : tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32>
      %z = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
        ins(%uneven, %w : tensor<1x2x6x6xf32>, tensor<3x2x3x3xf32>) outs(%fill2 : tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32>
      return %y : tensor<1x3x3x3xf32>
    }
  }
}
// CHECK:     def forward(self, arg0):
// CHECK:             [[T:v[0-9]+]] = _unpack(self.filter, (3, 2, 3, 3), "offset2", 0)
// CHECK-NEXT:        [[W:v[0-9]+]] = [[T]].to(torch.float32)
// CHECK-NEXT:        [[Y:v[0-9]+]] = torch.nn.functional.conv2d(
// CHECK-NEXT:            arg0, [[W]], stride=(2, 2), padding=(1, 1), dilation=(1, 1)
// CHECK-NEXT:        )
// CHECK-NEXT:        [[P:v[0-9]+]] = torch.nn.functional.pad(arg0, (0, 1, 0, 1, 0, 0, 0, 0), value=0.0)
// CHECK-NEXT:        [[Z:v[0-9]+]] = torch.nn.functional.conv2d([[P]], [[W]], stride=(2, 2), dilation=(1, 1))
// CHECK-NEXT:        return [[Y]]
