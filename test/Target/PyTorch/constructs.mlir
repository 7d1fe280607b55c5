// triton-translate --to-pytorch prints one nn.Module per ternary.layer:
// packed params as uint8 buffers (initial bytes kept), float params as
// nn.Parameters, called layers as child modules, and one statement per op:
// ternary.matmul on packed bytes, pack/unpack/dequantize, quantize,
// broadcast views of linalg.generic inputs (constant-0 and missing dims),
// reduce, softmax, transpose, pad + conv2d, reshape, and symbolic sizes.
// RUN: triton-translate --to-pytorch %s | FileCheck %s

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
#col = affine_map<(d0, d1) -> (d0)>
module {
  ternary.layer @Block {
    ternary.param @w : !ternary.packed<6x2> = dense<[146, 81, 85, 85]> : tensor<4xui8>
    ternary.param @b : tensor<2xf32>
    func.func @forward(%x: tensor<?x6xf32>) -> tensor<?x2xf32> {
      %w = ternary.get_param @w : !ternary.packed<6x2>
      %y = ternary.matmul %x, %w : tensor<?x6xf32>, !ternary.packed<6x2> -> tensor<?x2xf32>
      return %y : tensor<?x2xf32>
    }
  }
  ternary.layer @Net {
    ternary.param @v : tensor<3x2xf32> = dense<5.000000e-01> : tensor<3x2xf32>
    ternary.param @p : !ternary.packed<2x3, #ternary.layout<base3, axis = 1>>
    func.func @forward(%x: tensor<?x6xf32>) -> tensor<?x3xf32> {
      %cst = arith.constant 0.000000e+00 : f32
      %c0 = arith.constant 0 : index
      %n = tensor.dim %x, %c0 : tensor<?x6xf32>
      %h = ternary.call @Block::@forward(%x) : (tensor<?x6xf32>) -> tensor<?x2xf32>
      %p = ternary.get_param @p : !ternary.packed<2x3, #ternary.layout<base3, axis = 1>>
      %t = ternary.unpack %p : !ternary.packed<2x3, #ternary.layout<base3, axis = 1>> -> tensor<2x3xi8>
      %packed = ternary.pack %t : tensor<2x3xi8> -> !ternary.packed<2x3>
      %y = ternary.matmul %h, %packed : tensor<?x2xf32>, !ternary.packed<2x3> -> tensor<?x3xf32>
      %e = tensor.empty(%n) : tensor<?x3xf32>
      %sum_init = tensor.empty(%n) : tensor<?xf32>
      %zero = linalg.fill ins(%cst : f32) outs(%sum_init : tensor<?xf32>) -> tensor<?xf32>
      %s = linalg.reduce ins(%y : tensor<?x3xf32>) outs(%zero : tensor<?xf32>) dimensions = [1]
        (%in: f32, %acc: f32) {
          %a = arith.addf %in, %acc : f32
          linalg.yield %a : f32
        }
      %z = linalg.generic {indexing_maps = [#id2, #col, #id2], iterator_types = ["parallel", "parallel"]}
          ins(%y, %s : tensor<?x3xf32>, tensor<?xf32>) outs(%e : tensor<?x3xf32>) {
      ^bb0(%a: f32, %b: f32, %o: f32):
        %d = arith.subf %a, %b : f32
        %r = arith.maximumf %d, %cst : f32
        linalg.yield %r : f32
      } -> tensor<?x3xf32>
      %sm = linalg.softmax dimension(1) ins(%z : tensor<?x3xf32>) outs(%e : tensor<?x3xf32>) -> tensor<?x3xf32>
      return %sm : tensor<?x3xf32>
    }
  }
}

// CHECK: import torch
// CHECK: from torch import nn
// CHECK: def _unpack(packed, shape, encoding, axis):
// A layer that calls another gets it through _shared_layer, printed once
// after the runtime.
// CHECK:      def _shared_layer(shared, layer_class):
// CHECK:          if name not in shared:
// CHECK-NEXT:         shared[name] = layer_class(_shared=shared)
// CHECK-NEXT:     return shared[name]
// CHECK: class Block(nn.Module):
// CHECK-NEXT:     """ternary.layer @Block."""
// CHECK-EMPTY:
// CHECK-NEXT:     # Packed ternary params: name -> (shape, encoding, packed axis).
// CHECK-NEXT:     TERNARY_PARAMS = {"w": ((6, 2), "offset2", 0)}
// CHECK-EMPTY:
// CHECK-NEXT:     def __init__(self, *, _shared=None):
// CHECK-NEXT:        super().__init__()
// CHECK-NEXT:        self.register_load_state_dict_pre_hook(_check_packed_params)
// CHECK-NEXT:        self.register_buffer(
// CHECK-NEXT:            "w",
// CHECK-NEXT:            _from_hex(
// CHECK-NEXT:                "92515555",
// CHECK-NEXT:                torch.uint8,
// CHECK-NEXT:                (4,),
// CHECK-NEXT:            ),
// CHECK-NEXT:        )
// CHECK-NEXT:        self.b = nn.Parameter(torch.zeros((2,), dtype=torch.float32))
// CHECK:     def forward(self, arg0):
// CHECK-NEXT:        v0 = _ternary_matmul(arg0, self.w, (6, 2), "offset2", 0, None, None)
// CHECK-NEXT:        return v0
// CHECK: class Net(nn.Module):
// CHECK:     TERNARY_PARAMS = {"p": ((2, 3), "base3", 1)}
// CHECK:     def __init__(self, *, _shared=None):
// CHECK-NEXT:        super().__init__()
// CHECK-NEXT:        self.register_load_state_dict_pre_hook(_check_packed_params)
// CHECK-NEXT:        self.v = nn.Parameter(torch.full((3, 2), 0.5, dtype=torch.float32))
// CHECK-NEXT:        self.register_buffer("p", torch.full((2,), 121, dtype=torch.uint8))
// CHECK-NEXT:        if _shared is None:
// CHECK-NEXT:            _shared = {}
// CHECK-NEXT:        self.Block = _shared_layer(_shared, Block)
// CHECK:     def forward(self, arg0):
// CHECK-NEXT:        [[H:v[0-9]+]] = self.Block(arg0)
// CHECK-NEXT:        [[T:v[0-9]+]] = _unpack(self.p, (2, 3), "base3", 1)
// CHECK-NEXT:        [[Y:v[0-9]+]] = _matmul_trits([[H]], [[T]], None, None)
// CHECK-NEXT:        [[S:v[0-9]+]] = torch.sum([[Y]], dim=(1,), dtype=torch.float32)
// CHECK-NEXT:        [[SV:v[0-9]+]] = [[S]][:, None]
// CHECK-NEXT:        [[D:v[0-9]+]] = [[Y]] - [[SV]]
// CHECK-NEXT:        [[R:v[0-9]+]] = torch.clamp_min([[D]], 0.0)
// CHECK-NEXT:        [[SM:v[0-9]+]] = torch.softmax([[R]], dim=1)
// CHECK-NEXT:        return [[SM]]
