// A convolution prints as one torch.nn.functional.conv2d call when it can
// (docs/targets/pytorch.md): a ternary filter (unpack -> dequantize of a
// packed param) is the runtime's cached float filter `_ternary_filter`,
// with the scale folded in (the `* scale` after the convolution: a scalar
// or one per channel; or the dequantize's own), and a `+ bias` per output
// channel after it is conv2d's `bias=`; no separate multiply or add per
// call, and no torch.full for the unit dequantization scale. A result used
// twice, or a bias that is not one per channel, keeps its own statements.
// A grouped convolution is conv2d's groups= (layer @Grouped).
// RUN: triton-translate --to-pytorch %s | FileCheck %s

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#scalar = affine_map<(d0, d1, d2, d3) -> ()>
#column = affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>
#channel = affine_map<(d0, d1, d2, d3) -> (d1)>
module {
  ternary.layer @Conv {
    ternary.param @w : !ternary.packed<4x2x3x3>
    ternary.param @s : tensor<f32>
    ternary.param @b : tensor<4x1x1xf32>
    ternary.param @pc : tensor<4x1x1xf32>
    ternary.param @b1 : tensor<4xf32>
    ternary.param @w2 : !ternary.packed<4x2x3x3>
    ternary.param @ps : tensor<4xf32>
    ternary.param @w3 : !ternary.packed<4x2x3x3>
    ternary.param @f : tensor<4x2x3x3xf32>
    ternary.param @full : tensor<1x4x5x5xf32>
    func.func @forward(%x: tensor<?x2x5x5xf32>) -> (tensor<?x4x5x5xf32>, tensor<?x4x5x5xf32>, tensor<?x4x5x5xf32>, tensor<?x4x5x5xf32>, tensor<?x4x5x5xf32>, tensor<?x4x5x5xf32>) {
      %one = arith.constant dense<1.000000e+00> : tensor<f32>
      %zero = arith.constant 0.000000e+00 : f32
      %c0 = arith.constant 0 : index
      %n = tensor.dim %x, %c0 : tensor<?x2x5x5xf32>
      %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
      ^bb0(%a: index, %b: index, %c: index, %d: index):
        tensor.yield %zero : f32
      } : tensor<?x2x5x5xf32> to tensor<?x2x7x7xf32>
      %padded1 = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
      ^bb0(%a: index, %b: index, %c: index, %d: index):
        tensor.yield %zero : f32
      } : tensor<?x2x5x5xf32> to tensor<?x2x7x7xf32>
      %init = tensor.empty(%n) : tensor<?x4x5x5xf32>
      %fill = linalg.fill ins(%zero : f32) outs(%init : tensor<?x4x5x5xf32>) -> tensor<?x4x5x5xf32>

      // conv(x, trits) * scalar scale + bias[4, 1, 1]: one conv2d, its
      // input's only pad as conv2d's padding.
      %p = ternary.get_param @w : !ternary.packed<4x2x3x3>
      %t = ternary.unpack %p : !ternary.packed<4x2x3x3> -> tensor<4x2x3x3xi8>
      %wf = ternary.dequantize %t, %one : tensor<4x2x3x3xi8>, tensor<f32> -> tensor<4x2x3x3xf32>
      %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
        ins(%padded1, %wf : tensor<?x2x7x7xf32>, tensor<4x2x3x3xf32>) outs(%fill : tensor<?x4x5x5xf32>) -> tensor<?x4x5x5xf32>
      %s = ternary.get_param @s : tensor<f32>
      %ys = linalg.generic {indexing_maps = [#id, #scalar, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%y, %s : tensor<?x4x5x5xf32>, tensor<f32>) outs(%init : tensor<?x4x5x5xf32>) {
      ^bb0(%in: f32, %in2: f32, %out: f32):
        %m = arith.mulf %in, %in2 : f32
        linalg.yield %m : f32
      } -> tensor<?x4x5x5xf32>
      %b = ternary.get_param @b : tensor<4x1x1xf32>
      %yb = linalg.generic {indexing_maps = [#id, #column, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%ys, %b : tensor<?x4x5x5xf32>, tensor<4x1x1xf32>) outs(%init : tensor<?x4x5x5xf32>) {
      ^bb0(%in: f32, %in2: f32, %out: f32):
        %a = arith.addf %in, %in2 : f32
        linalg.yield %a : f32
      } -> tensor<?x4x5x5xf32>

      // Per-channel scale [4, 1, 1] (scale * conv) and bias [4] (bias + ...).
      // (%padded has other uses: a pad statement of its own.)
      %p2 = ternary.get_param @w : !ternary.packed<4x2x3x3>
      %t2 = ternary.unpack %p2 : !ternary.packed<4x2x3x3> -> tensor<4x2x3x3xi8>
      %wf2 = ternary.dequantize %t2, %one : tensor<4x2x3x3xi8>, tensor<f32> -> tensor<4x2x3x3xf32>
      %y2 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
        ins(%padded, %wf2 : tensor<?x2x7x7xf32>, tensor<4x2x3x3xf32>) outs(%fill : tensor<?x4x5x5xf32>) -> tensor<?x4x5x5xf32>
      %pc = ternary.get_param @pc : tensor<4x1x1xf32>
      %ys2 = linalg.generic {indexing_maps = [#column, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%pc, %y2 : tensor<4x1x1xf32>, tensor<?x4x5x5xf32>) outs(%init : tensor<?x4x5x5xf32>) {
      ^bb0(%in: f32, %in2: f32, %out: f32):
        %m = arith.mulf %in, %in2 : f32
        linalg.yield %m : f32
      } -> tensor<?x4x5x5xf32>
      %b1 = ternary.get_param @b1 : tensor<4xf32>
      %yb2 = linalg.generic {indexing_maps = [#channel, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%b1, %ys2 : tensor<4xf32>, tensor<?x4x5x5xf32>) outs(%init : tensor<?x4x5x5xf32>) {
      ^bb0(%in: f32, %in2: f32, %out: f32):
        %a = arith.addf %in, %in2 : f32
        linalg.yield %a : f32
      } -> tensor<?x4x5x5xf32>

      // The dequantize's own per-filter scale, no bias.
      %p3 = ternary.get_param @w2 : !ternary.packed<4x2x3x3>
      %t3 = ternary.unpack %p3 : !ternary.packed<4x2x3x3> -> tensor<4x2x3x3xi8>
      %ps = ternary.get_param @ps : tensor<4xf32>
      %wf3 = ternary.dequantize %t3, %ps {axis = 0 : i64} : tensor<4x2x3x3xi8>, tensor<4xf32> -> tensor<4x2x3x3xf32>
      %y3 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
        ins(%padded, %wf3 : tensor<?x2x7x7xf32>, tensor<4x2x3x3xf32>) outs(%fill : tensor<?x4x5x5xf32>) -> tensor<?x4x5x5xf32>

      // A float filter: only the bias is fused.
      %f = ternary.get_param @f : tensor<4x2x3x3xf32>
      %y4 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
        ins(%padded, %f : tensor<?x2x7x7xf32>, tensor<4x2x3x3xf32>) outs(%fill : tensor<?x4x5x5xf32>) -> tensor<?x4x5x5xf32>
      %yb4 = linalg.generic {indexing_maps = [#id, #column, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%y4, %b : tensor<?x4x5x5xf32>, tensor<4x1x1xf32>) outs(%init : tensor<?x4x5x5xf32>) {
      ^bb0(%in: f32, %in2: f32, %out: f32):
        %a = arith.addf %in, %in2 : f32
        linalg.yield %a : f32
      } -> tensor<?x4x5x5xf32>

      // Not fused: the convolution's result is also returned (the scale
      // multiply stays), and a bias over every element is not conv2d's.
      %p5 = ternary.get_param @w3 : !ternary.packed<4x2x3x3>
      %t5 = ternary.unpack %p5 : !ternary.packed<4x2x3x3> -> tensor<4x2x3x3xi8>
      %wf5 = ternary.dequantize %t5, %one : tensor<4x2x3x3xi8>, tensor<f32> -> tensor<4x2x3x3xf32>
      %y5 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
        ins(%padded, %wf5 : tensor<?x2x7x7xf32>, tensor<4x2x3x3xf32>) outs(%fill : tensor<?x4x5x5xf32>) -> tensor<?x4x5x5xf32>
      %ys5 = linalg.generic {indexing_maps = [#id, #scalar, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%y5, %s : tensor<?x4x5x5xf32>, tensor<f32>) outs(%init : tensor<?x4x5x5xf32>) {
      ^bb0(%in: f32, %in2: f32, %out: f32):
        %m = arith.mulf %in, %in2 : f32
        linalg.yield %m : f32
      } -> tensor<?x4x5x5xf32>
      %full = ternary.get_param @full : tensor<1x4x5x5xf32>
      %yb5 = linalg.generic {indexing_maps = [#id, affine_map<(d0, d1, d2, d3) -> (0, d1, d2, d3)>, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%ys5, %full : tensor<?x4x5x5xf32>, tensor<1x4x5x5xf32>) outs(%init : tensor<?x4x5x5xf32>) {
      ^bb0(%in: f32, %in2: f32, %out: f32):
        %a = arith.addf %in, %in2 : f32
        linalg.yield %a : f32
      } -> tensor<?x4x5x5xf32>
      return %yb, %yb2, %y3, %yb4, %yb5, %y5 : tensor<?x4x5x5xf32>, tensor<?x4x5x5xf32>, tensor<?x4x5x5xf32>, tensor<?x4x5x5xf32>, tensor<?x4x5x5xf32>, tensor<?x4x5x5xf32>
    }
  }

  // A grouped convolution as the front end writes it (expand_shape of the
  // padded input and of the filter, conv_2d_ngchw_gfchw, collapse_shape):
  // one conv2d with groups= on the 4-D input and filter, the pad as its
  // padding, the scale folded into the filter, the bias as bias=.
  ternary.layer @Grouped {
    ternary.param @w : !ternary.packed<8x2x3x3>
    ternary.param @s : tensor<f32>
    ternary.param @b : tensor<8x1x1xf32>
    func.func @forward(%x: tensor<?x8x6x6xf32>) -> tensor<?x8x6x6xf32> {
      %zero = arith.constant 0.000000e+00 : f32
      %one = arith.constant dense<1.000000e+00> : tensor<f32>
      %c0 = arith.constant 0 : index
      %n = tensor.dim %x, %c0 : tensor<?x8x6x6xf32>
      %p = ternary.get_param @w : !ternary.packed<8x2x3x3>
      %t = ternary.unpack %p : !ternary.packed<8x2x3x3> -> tensor<8x2x3x3xi8>
      %wf = ternary.dequantize %t, %one : tensor<8x2x3x3xi8>, tensor<f32> -> tensor<8x2x3x3xf32>
      %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
      ^bb0(%a: index, %b: index, %c: index, %d: index):
        tensor.yield %zero : f32
      } : tensor<?x8x6x6xf32> to tensor<?x8x8x8xf32>
      %xe = tensor.expand_shape %padded [[0], [1, 2], [3], [4]] output_shape [%n, 4, 2, 8, 8] : tensor<?x8x8x8xf32> into tensor<?x4x2x8x8xf32>
      %we = tensor.expand_shape %wf [[0, 1], [2], [3], [4]] output_shape [4, 2, 2, 3, 3] : tensor<8x2x3x3xf32> into tensor<4x2x2x3x3xf32>
      %init5 = tensor.empty(%n) : tensor<?x4x2x6x6xf32>
      %fill5 = linalg.fill ins(%zero : f32) outs(%init5 : tensor<?x4x2x6x6xf32>) -> tensor<?x4x2x6x6xf32>
      %y = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
        ins(%xe, %we : tensor<?x4x2x8x8xf32>, tensor<4x2x2x3x3xf32>) outs(%fill5 : tensor<?x4x2x6x6xf32>) -> tensor<?x4x2x6x6xf32>
      %yc = tensor.collapse_shape %y [[0], [1, 2], [3], [4]] : tensor<?x4x2x6x6xf32> into tensor<?x8x6x6xf32>
      %init = tensor.empty(%n) : tensor<?x8x6x6xf32>
      %s = ternary.get_param @s : tensor<f32>
      %ys = linalg.generic {indexing_maps = [#id, #scalar, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%yc, %s : tensor<?x8x6x6xf32>, tensor<f32>) outs(%init : tensor<?x8x6x6xf32>) {
      ^bb0(%in: f32, %in2: f32, %out: f32):
        %m = arith.mulf %in, %in2 : f32
        linalg.yield %m : f32
      } -> tensor<?x8x6x6xf32>
      %b = ternary.get_param @b : tensor<8x1x1xf32>
      %yb = linalg.generic {indexing_maps = [#id, #column, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%ys, %b : tensor<?x8x6x6xf32>, tensor<8x1x1xf32>) outs(%init : tensor<?x8x6x6xf32>) {
      ^bb0(%in: f32, %in2: f32, %out: f32):
        %a = arith.addf %in, %in2 : f32
        linalg.yield %a : f32
      } -> tensor<?x8x6x6xf32>
      return %yb : tensor<?x8x6x6xf32>
    }
  }

  // Trits quantized at run time (not unpacked from packed bytes): the
  // filter prints as it is; the bias is still conv2d's.
  ternary.layer @Quantized {
    ternary.param @f : tensor<4x2x3x3xf32>
    ternary.param @b : tensor<4xf32>
    func.func @forward(%x: tensor<?x2x3x3xf32>) -> tensor<?x4x1x1xf32> {
      %zero = arith.constant 0.000000e+00 : f32
      %c0 = arith.constant 0 : index
      %n = tensor.dim %x, %c0 : tensor<?x2x3x3xf32>
      %f = ternary.get_param @f : tensor<4x2x3x3xf32>
      %t, %s = ternary.quantize absmean %f : tensor<4x2x3x3xf32> -> tensor<4x2x3x3xi8>, tensor<f32>
      %wf = ternary.dequantize %t, %s : tensor<4x2x3x3xi8>, tensor<f32> -> tensor<4x2x3x3xf32>
      %init = tensor.empty(%n) : tensor<?x4x1x1xf32>
      %fill = linalg.fill ins(%zero : f32) outs(%init : tensor<?x4x1x1xf32>) -> tensor<?x4x1x1xf32>
      %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
        ins(%x, %wf : tensor<?x2x3x3xf32>, tensor<4x2x3x3xf32>) outs(%fill : tensor<?x4x1x1xf32>) -> tensor<?x4x1x1xf32>
      %b = ternary.get_param @b : tensor<4xf32>
      %yb = linalg.generic {indexing_maps = [#id, #channel, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%y, %b : tensor<?x4x1x1xf32>, tensor<4xf32>) outs(%init : tensor<?x4x1x1xf32>) {
      ^bb0(%in: f32, %in2: f32, %out: f32):
        %a = arith.addf %in, %in2 : f32
        linalg.yield %a : f32
      } -> tensor<?x4x1x1xf32>
      return %yb : tensor<?x4x1x1xf32>
    }
  }
}
// CHECK:     def forward(self, arg0):
// CHECK-NOT:         torch.full
// CHECK:             [[P:v[0-9]+]] = torch.nn.functional.pad(arg0, (1, 1, 1, 1, 0, 0, 0, 0), value=0.0)
// CHECK-NEXT:        [[W:v[0-9]+]] = _ternary_filter(self.w, (4, 2, 3, 3), "offset2", 0, self.s, torch.float32)
// CHECK-NEXT:        [[Y:v[0-9]+]] = torch.nn.functional.conv2d(
// CHECK-NEXT:            arg0,
// CHECK-NEXT:            [[W]],
// CHECK-NEXT:            bias=self.b.reshape(-1),
// CHECK-NEXT:            stride=(1, 1),
// CHECK-NEXT:            padding=(1, 1),
// CHECK-NEXT:            dilation=(1, 1),
// CHECK-NEXT:        )
// CHECK-NEXT:        [[W2:v[0-9]+]] = _ternary_filter(self.w, (4, 2, 3, 3), "offset2", 0, self.pc, torch.float32)
// CHECK-NEXT:        [[Y2:v[0-9]+]] = torch.nn.functional.conv2d(
// CHECK-NEXT:            [[P]], [[W2]], bias=self.b1, stride=(1, 1), dilation=(1, 1)
// CHECK-NEXT:        )
// CHECK-NEXT:        [[W3:v[0-9]+]] = _ternary_filter(
// CHECK-NEXT:            self.w2, (4, 2, 3, 3), "offset2", 0, self.ps, torch.float32
// CHECK-NEXT:        )
// CHECK-NEXT:        [[Y3:v[0-9]+]] = torch.nn.functional.conv2d([[P]], [[W3]], stride=(1, 1), dilation=(1, 1))
// CHECK-NEXT:        [[Y4:v[0-9]+]] = torch.nn.functional.conv2d(
// CHECK-NEXT:            [[P]], self.f, bias=self.b.reshape(-1), stride=(1, 1), dilation=(1, 1)
// CHECK-NEXT:        )
// CHECK-NEXT:        [[W5:v[0-9]+]] = _ternary_filter(self.w3, (4, 2, 3, 3), "offset2", 0, None, torch.float32)
// CHECK-NEXT:        [[Y5:v[0-9]+]] = torch.nn.functional.conv2d([[P]], [[W5]], stride=(1, 1), dilation=(1, 1))
// CHECK-NEXT:        [[S5:v[0-9]+]] = [[Y5]] * self.s
// CHECK-NEXT:        [[F5:v[0-9]+]] = self.full[0]
// CHECK-NEXT:        [[B5:v[0-9]+]] = [[S5]] + [[F5]]
// CHECK-NEXT:        return [[Y]], [[Y2]], [[Y3]], [[Y4]], [[B5]], [[Y5]]
// CHECK-LABEL: class Grouped(nn.Module):
// CHECK:     def forward(self, arg0):
// CHECK-NEXT:        [[W:v[0-9]+]] = _ternary_filter(self.w, (8, 2, 3, 3), "offset2", 0, self.s, torch.float32)
// CHECK-NEXT:        [[Y:v[0-9]+]] = torch.nn.functional.conv2d(
// CHECK-NEXT:            arg0,
// CHECK-NEXT:            [[W]],
// CHECK-NEXT:            bias=self.b.reshape(-1),
// CHECK-NEXT:            stride=(1, 1),
// CHECK-NEXT:            padding=(1, 1),
// CHECK-NEXT:            dilation=(1, 1),
// CHECK-NEXT:            groups=4,
// CHECK-NEXT:        )
// CHECK-NEXT:        return [[Y]]
// CHECK-LABEL: class Quantized(nn.Module):
// CHECK:     def forward(self, arg0):
// CHECK-NEXT:        [[T:v[0-9]+]], [[S:v[0-9]+]] = _quantize(self.f, "absmean", None, None)
// CHECK-NEXT:        [[W:v[0-9]+]] = [[T]].to(torch.float32) * [[S]]
// CHECK-NEXT:        [[Y:v[0-9]+]] = torch.nn.functional.conv2d(
// CHECK-NEXT:            arg0, [[W]], bias=self.b, stride=(1, 1), dilation=(1, 1)
// CHECK-NEXT:        )
// CHECK-NEXT:        return [[Y]]
