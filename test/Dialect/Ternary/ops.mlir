// Every ternary op, type and attribute survives a print/parse round trip
// through the custom assembly format (and through the generic form), with the
// default layout elided and everything else printed in full.
// RUN: triton-opt %s | triton-opt | FileCheck %s
// RUN: triton-opt %s -mlir-print-op-generic | triton-opt | FileCheck %s

// CHECK-LABEL: func.func @packed_types
// CHECK-SAME: (%{{[^:]+}}: !ternary.packed<784x10>,
// CHECK-SAME: %{{[^:]+}}: !ternary.packed<784x10>,
// CHECK-SAME: %{{[^:]+}}: !ternary.packed<784x10, #ternary.layout<offset2, axis = 1>>,
// CHECK-SAME: %{{[^:]+}}: !ternary.packed<784x10, #ternary.layout<base3, axis = 0>>,
// CHECK-SAME: %{{[^:]+}}: !ternary.packed<?x64, #ternary.layout<base3, axis = 1>>,
// CHECK-SAME: %{{[^:]+}}: !ternary.packed<?x?x?>,
// CHECK-SAME: %{{[^:]+}}: !ternary.packed<2x0x3, #ternary.layout<base3, axis = 2>>,
// CHECK-SAME: %{{[^:]+}}: !ternary.packed<7>)
func.func @packed_types(
    %default: !ternary.packed<784x10>,
    // The default layout written out is elided when printed.
    %explicit_default: !ternary.packed<784x10, #ternary.layout<offset2, axis = 0>>,
    %offset2_axis1: !ternary.packed<784x10, #ternary.layout<offset2, axis = 1>>,
    // base3 along axis 0 is not the default: the layout is printed.
    %base3_axis0: !ternary.packed<784x10, #ternary.layout<base3, axis = 0>>,
    %dynamic: !ternary.packed<?x64, #ternary.layout<base3, axis = 1>>,
    %all_dynamic: !ternary.packed<?x?x?>,
    %empty: !ternary.packed<2x0x3, #ternary.layout<base3, axis = 2>>,
    %rank1: !ternary.packed<7>) {
  return
}

// The layout attribute on its own, as a discardable attribute.
// CHECK-LABEL: func.func @layout_attribute
// CHECK-SAME: attributes {ternary.default = #ternary.layout<offset2, axis = 0>, ternary.hint = #ternary.layout<base3, axis = 3>}
func.func @layout_attribute() attributes {
    ternary.hint = #ternary.layout<base3, axis = 3>,
    ternary.default = #ternary.layout<offset2, axis = 0>} {
  return
}

// CHECK-LABEL: func.func @quantize
// CHECK-SAME: (%[[W:[^:]+]]: tensor<784x10xf32>, %[[H:[^:]+]]: tensor<?x8xf16>)
func.func @quantize(%w: tensor<784x10xf32>, %h: tensor<?x8xf16>)
    -> (tensor<784x10xi8>, tensor<f32>, tensor<10xf32>, tensor<784xf32>,
        tensor<f32>, tensor<f32>, tensor<?x8xi8>, tensor<f32>) {
  // CHECK-NEXT: %[[T0:[^,]+]], %[[S0:[^ ]+]] = ternary.quantize threshold(5.000000e-02) %[[W]] : tensor<784x10xf32> -> tensor<784x10xi8>, tensor<f32>
  %t0, %s0 = ternary.quantize threshold(0.05) %w
      : tensor<784x10xf32> -> tensor<784x10xi8>, tensor<f32>
  // CHECK-NEXT: %[[T1:[^,]+]], %[[S1:[^ ]+]] = ternary.quantize absmean %[[W]] axis 1 : tensor<784x10xf32> -> tensor<784x10xi8>, tensor<10xf32>
  %t1, %s1 = ternary.quantize absmean %w axis 1
      : tensor<784x10xf32> -> tensor<784x10xi8>, tensor<10xf32>
  // CHECK-NEXT: %[[T2:[^,]+]], %[[S2:[^ ]+]] = ternary.quantize threshold(0.000000e+00) %[[W]] axis 0 : tensor<784x10xf32> -> tensor<784x10xi8>, tensor<784xf32>
  %t2, %s2 = ternary.quantize threshold(0.0) %w axis 0
      : tensor<784x10xf32> -> tensor<784x10xi8>, tensor<784xf32>
  // CHECK-NEXT: %[[T3:[^,]+]], %[[S3:[^ ]+]] = ternary.quantize stochastic %[[W]] seed 42 : tensor<784x10xf32> -> tensor<784x10xi8>, tensor<f32>
  %t3, %s3 = ternary.quantize stochastic %w seed 42
      : tensor<784x10xf32> -> tensor<784x10xi8>, tensor<f32>
  // No seed: the default seed 0 is implied and nothing is printed.
  // CHECK-NEXT: %[[T4:[^,]+]], %[[S4:[^ ]+]] = ternary.quantize stochastic %[[W]] : tensor<784x10xf32> -> tensor<784x10xi8>, tensor<f32>
  %t4, %s4 = ternary.quantize stochastic %w
      : tensor<784x10xf32> -> tensor<784x10xi8>, tensor<f32>
  // Any float input type, dynamic dims.
  // CHECK-NEXT: %[[T5:[^,]+]], %[[S5:[^ ]+]] = ternary.quantize absmean %[[H]] : tensor<?x8xf16> -> tensor<?x8xi8>, tensor<f32>
  %t5, %s5 = ternary.quantize absmean %h
      : tensor<?x8xf16> -> tensor<?x8xi8>, tensor<f32>
  // CHECK-NEXT: return %[[T0]], %[[S0]], %[[S1]], %[[S2]], %[[S3]], %[[S4]], %[[T5]], %[[S5]] :
  return %t0, %s0, %s1, %s2, %s3, %s4, %t5, %s5
      : tensor<784x10xi8>, tensor<f32>, tensor<10xf32>, tensor<784xf32>,
        tensor<f32>, tensor<f32>, tensor<?x8xi8>, tensor<f32>
}

// CHECK-LABEL: func.func @dequantize
// CHECK-SAME: (%[[T:[^:]+]]: tensor<784x10xi8>, %[[S:[^:]+]]: tensor<f32>, %[[SC:[^:]+]]: tensor<10xf32>, %[[D:[^:]+]]: tensor<?x4xi8>)
func.func @dequantize(%t: tensor<784x10xi8>, %s: tensor<f32>,
                      %sc: tensor<10xf32>, %d: tensor<?x4xi8>)
    -> (tensor<784x10xf32>, tensor<784x10xbf16>, tensor<?x4xf16>) {
  // CHECK-NEXT: %[[R0:.*]] = ternary.dequantize %[[T]], %[[S]] : tensor<784x10xi8>, tensor<f32> -> tensor<784x10xf32>
  %r0 = ternary.dequantize %t, %s
      : tensor<784x10xi8>, tensor<f32> -> tensor<784x10xf32>
  // CHECK-NEXT: %[[R1:.*]] = ternary.dequantize %[[T]], %[[SC]] axis 1 : tensor<784x10xi8>, tensor<10xf32> -> tensor<784x10xbf16>
  %r1 = ternary.dequantize %t, %sc axis 1
      : tensor<784x10xi8>, tensor<10xf32> -> tensor<784x10xbf16>
  // CHECK-NEXT: %[[R2:.*]] = ternary.dequantize %[[D]], %[[S]] : tensor<?x4xi8>, tensor<f32> -> tensor<?x4xf16>
  %r2 = ternary.dequantize %d, %s
      : tensor<?x4xi8>, tensor<f32> -> tensor<?x4xf16>
  // CHECK-NEXT: return %[[R0]], %[[R1]], %[[R2]]
  return %r0, %r1, %r2
      : tensor<784x10xf32>, tensor<784x10xbf16>, tensor<?x4xf16>
}

// CHECK-LABEL: func.func @pack_unpack_relayout
// CHECK-SAME: (%[[T:[^:]+]]: tensor<64x64xi8>, %[[DT:[^:]+]]: tensor<?x64xi8>)
func.func @pack_unpack_relayout(%t: tensor<64x64xi8>, %dt: tensor<?x64xi8>)
    -> (tensor<64x64xi8>, !ternary.packed<64x64, #ternary.layout<base3, axis = 1>>,
        tensor<?x64xi8>) {
  // CHECK-NEXT: %[[P:.*]] = ternary.pack %[[T]] : tensor<64x64xi8> -> !ternary.packed<64x64>{{$}}
  %p = ternary.pack %t
      : tensor<64x64xi8> -> !ternary.packed<64x64, #ternary.layout<offset2, axis = 0>>
  // CHECK-NEXT: %[[Q:.*]] = ternary.relayout %[[P]] : !ternary.packed<64x64> -> !ternary.packed<64x64, #ternary.layout<base3, axis = 1>>{{$}}
  %q = ternary.relayout %p
      : !ternary.packed<64x64> -> !ternary.packed<64x64, #ternary.layout<base3, axis = 1>>
  // CHECK-NEXT: %[[U:.*]] = ternary.unpack %[[Q]] : !ternary.packed<64x64, #ternary.layout<base3, axis = 1>> -> tensor<64x64xi8>
  %u = ternary.unpack %q
      : !ternary.packed<64x64, #ternary.layout<base3, axis = 1>> -> tensor<64x64xi8>
  // Dynamic dims go through unchanged.
  // CHECK-NEXT: %[[DP:.*]] = ternary.pack %[[DT]] : tensor<?x64xi8> -> !ternary.packed<?x64, #ternary.layout<offset2, axis = 1>>
  %dp = ternary.pack %dt
      : tensor<?x64xi8> -> !ternary.packed<?x64, #ternary.layout<offset2, axis = 1>>
  // CHECK-NEXT: %[[DR:.*]] = ternary.relayout %[[DP]] : !ternary.packed<?x64, #ternary.layout<offset2, axis = 1>> -> !ternary.packed<?x64>
  %dr = ternary.relayout %dp
      : !ternary.packed<?x64, #ternary.layout<offset2, axis = 1>> -> !ternary.packed<?x64>
  // CHECK-NEXT: %[[DU:.*]] = ternary.unpack %[[DR]] : !ternary.packed<?x64> -> tensor<?x64xi8>
  %du = ternary.unpack %dr : !ternary.packed<?x64> -> tensor<?x64xi8>
  // CHECK-NEXT: return %[[U]], %[[Q]], %[[DU]]
  return %u, %q, %du
      : tensor<64x64xi8>, !ternary.packed<64x64, #ternary.layout<base3, axis = 1>>,
        tensor<?x64xi8>
}

// CHECK-LABEL: func.func @constants
func.func @constants() -> (!ternary.packed<6>, !ternary.packed<6, #ternary.layout<base3, axis = 0>>,
                           !ternary.packed<4x3, #ternary.layout<offset2, axis = 1>>,
                           !ternary.packed<8>, !ternary.packed<0x5>) {
  // [1, -1, 0, 1, 0, -1] in offset2: 0x92, 0x51.
  // CHECK-NEXT: %[[C0:.*]] = ternary.constant dense<[146, 81]> : tensor<2xui8> -> !ternary.packed<6>{{$}}
  %c0 = ternary.constant dense<[146, 81]> : tensor<2xui8> -> !ternary.packed<6>
  // The same trits in base3: 146, 120.
  // CHECK-NEXT: %[[C1:.*]] = ternary.constant dense<[146, 120]> : tensor<2xui8> -> !ternary.packed<6, #ternary.layout<base3, axis = 0>>
  %c1 = ternary.constant dense<[146, 120]> : tensor<2xui8>
      -> !ternary.packed<6, #ternary.layout<base3, axis = 0>>
  // A splat: four rows of three zero trits (0x55 is four zero codes).
  // CHECK-NEXT: %[[C2:.*]] = ternary.constant dense<85> : tensor<4xui8> -> !ternary.packed<4x3, #ternary.layout<offset2, axis = 1>>
  %c2 = ternary.constant dense<85> : tensor<4xui8>
      -> !ternary.packed<4x3, #ternary.layout<offset2, axis = 1>>
  // A dense_resource blob (defined at the end of the file).
  // CHECK-NEXT: %[[C3:.*]] = ternary.constant dense_resource<ops_weights> : tensor<2xui8> -> !ternary.packed<8>
  %c3 = ternary.constant dense_resource<ops_weights> : tensor<2xui8> -> !ternary.packed<8>
  // No bytes at all for an empty tensor.
  // CHECK-NEXT: %[[C4:.*]] = ternary.constant dense<> : tensor<0xui8> -> !ternary.packed<0x5>
  %c4 = ternary.constant dense<> : tensor<0xui8> -> !ternary.packed<0x5>
  // CHECK-NEXT: return %[[C0]], %[[C1]], %[[C2]], %[[C3]], %[[C4]]
  return %c0, %c1, %c2, %c3, %c4
      : !ternary.packed<6>, !ternary.packed<6, #ternary.layout<base3, axis = 0>>,
        !ternary.packed<4x3, #ternary.layout<offset2, axis = 1>>,
        !ternary.packed<8>, !ternary.packed<0x5>
}

// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[X:[^:]+]]: tensor<?x784xf32>, %[[Q:[^:]+]]: tensor<1x784xi8>, %[[X3:[^:]+]]: tensor<2x3x784xf32>, %[[W:[^:]+]]: !ternary.packed<784x10>, %[[WB:[^:]+]]: !ternary.packed<784x10, #ternary.layout<base3, axis = 0>>, %[[S:[^:]+]]: tensor<f32>, %[[SC:[^:]+]]: tensor<10xf32>)
func.func @matmul(%x: tensor<?x784xf32>, %q: tensor<1x784xi8>,
                  %x3: tensor<2x3x784xf32>, %w: !ternary.packed<784x10>,
                  %wb: !ternary.packed<784x10, #ternary.layout<base3, axis = 0>>,
                  %s: tensor<f32>, %sc: tensor<10xf32>) {
  // CHECK-NEXT: %{{.*}} = ternary.matmul %[[X]], %[[W]] : tensor<?x784xf32>, !ternary.packed<784x10> -> tensor<?x10xf32>
  %0 = ternary.matmul %x, %w
      : tensor<?x784xf32>, !ternary.packed<784x10> -> tensor<?x10xf32>
  // CHECK-NEXT: %{{.*}} = ternary.matmul %[[X]], %[[W]] scale %[[S]] : tensor<?x784xf32>, !ternary.packed<784x10>, tensor<f32> -> tensor<?x10xf32>
  %1 = ternary.matmul %x, %w scale %s
      : tensor<?x784xf32>, !ternary.packed<784x10>, tensor<f32> -> tensor<?x10xf32>
  // CHECK-NEXT: %{{.*}} = ternary.matmul %[[X]], %[[WB]] scale %[[SC]] : tensor<?x784xf32>, !ternary.packed<784x10, #ternary.layout<base3, axis = 0>>, tensor<10xf32> -> tensor<?x10xf32>
  %2 = ternary.matmul %x, %wb scale %sc
      : tensor<?x784xf32>, !ternary.packed<784x10, #ternary.layout<base3, axis = 0>>,
        tensor<10xf32> -> tensor<?x10xf32>
  // i8 input: exact i32 accumulation without a scale, f32 with one.
  // CHECK-NEXT: %{{.*}} = ternary.matmul %[[Q]], %[[W]] : tensor<1x784xi8>, !ternary.packed<784x10> -> tensor<1x10xi32>
  %3 = ternary.matmul %q, %w
      : tensor<1x784xi8>, !ternary.packed<784x10> -> tensor<1x10xi32>
  // CHECK-NEXT: %{{.*}} = ternary.matmul %[[Q]], %[[W]] scale %[[SC]] : tensor<1x784xi8>, !ternary.packed<784x10>, tensor<10xf32> -> tensor<1x10xf32>
  %4 = ternary.matmul %q, %w scale %sc
      : tensor<1x784xi8>, !ternary.packed<784x10>, tensor<10xf32> -> tensor<1x10xf32>
  // Batched input of rank 3.
  // CHECK-NEXT: %{{.*}} = ternary.matmul %[[X3]], %[[W]] : tensor<2x3x784xf32>, !ternary.packed<784x10> -> tensor<2x3x10xf32>
  %5 = ternary.matmul %x3, %w
      : tensor<2x3x784xf32>, !ternary.packed<784x10> -> tensor<2x3x10xf32>
  // CHECK-NEXT: return
  return
}

// A network: two layers with params, a function reading them, layer
// composition through ternary.call, and a top-level caller.
// CHECK-LABEL: ternary.layer @Block {
// CHECK-NEXT:    ternary.param @weights : !ternary.packed<6x2, #ternary.layout<base3, axis = 0>> = dense<[146, 120, 146, 120]> : tensor<4xui8>
// CHECK-NEXT:    ternary.param @scale : tensor<2xf32> = dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
// CHECK-NEXT:    ternary.param @bias : tensor<2xf32>{{$}}
// CHECK-NEXT:    ternary.param @blob : !ternary.packed<8> = dense_resource<ops_weights> : tensor<2xui8>
// CHECK-NEXT:    func.func @forward(%[[X:[^:]+]]: tensor<?x6xf32>) -> tensor<?x2xf32> {
// CHECK-NEXT:      %[[W:.*]] = ternary.get_param @weights : !ternary.packed<6x2, #ternary.layout<base3, axis = 0>>
// CHECK-NEXT:      %[[S:.*]] = ternary.get_param @scale : tensor<2xf32>
// CHECK-NEXT:      %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] scale %[[S]] : tensor<?x6xf32>, !ternary.packed<6x2, #ternary.layout<base3, axis = 0>>, tensor<2xf32> -> tensor<?x2xf32>
// CHECK-NEXT:      return %[[Y]] : tensor<?x2xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:  }
ternary.layer @Block {
  ternary.param @weights : !ternary.packed<6x2, #ternary.layout<base3, axis = 0>>
      = dense<[146, 120, 146, 120]> : tensor<4xui8>
  ternary.param @scale : tensor<2xf32> = dense<[0.5, 0.25]> : tensor<2xf32>
  ternary.param @bias : tensor<2xf32>
  ternary.param @blob : !ternary.packed<8> = dense_resource<ops_weights> : tensor<2xui8>
  func.func @forward(%x: tensor<?x6xf32>) -> tensor<?x2xf32> {
    %w = ternary.get_param @weights : !ternary.packed<6x2, #ternary.layout<base3, axis = 0>>
    %s = ternary.get_param @scale : tensor<2xf32>
    %y = ternary.matmul %x, %w scale %s
        : tensor<?x6xf32>, !ternary.packed<6x2, #ternary.layout<base3, axis = 0>>,
          tensor<2xf32> -> tensor<?x2xf32>
    return %y : tensor<?x2xf32>
  }
}

// CHECK-LABEL: ternary.layer @Model {
// CHECK-NEXT:    func.func @forward(%[[X:[^:]+]]: tensor<?x6xf32>) -> tensor<?x2xf32> {
// CHECK-NEXT:      %[[H:.*]] = ternary.call @Block::@forward(%[[X]]) : (tensor<?x6xf32>) -> tensor<?x2xf32>
// CHECK-NEXT:      %[[Y:.*]] = ternary.call @head(%[[H]]) : (tensor<?x2xf32>) -> tensor<?x2xf32>
// CHECK-NEXT:      return %[[Y]] : tensor<?x2xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    func.func @head(%[[A:[^:]+]]: tensor<?x2xf32>) -> tensor<?x2xf32> {
// CHECK-NEXT:      return %[[A]] : tensor<?x2xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:  }
ternary.layer @Model {
  func.func @forward(%x: tensor<?x6xf32>) -> tensor<?x2xf32> {
    %h = ternary.call @Block::@forward(%x) : (tensor<?x6xf32>) -> tensor<?x2xf32>
    // A flat reference names a function of the caller's own layer.
    %y = ternary.call @head(%h) : (tensor<?x2xf32>) -> tensor<?x2xf32>
    return %y : tensor<?x2xf32>
  }
  func.func @head(%a: tensor<?x2xf32>) -> tensor<?x2xf32> {
    return %a : tensor<?x2xf32>
  }
}

// CHECK-LABEL: ternary.layer @Empty {
// CHECK-NEXT:  }
ternary.layer @Empty {
}

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:[^:]+]]: tensor<?x6xf32>)
// CHECK-NEXT: %[[Y:.*]] = ternary.call @Model::@forward(%[[X]]) : (tensor<?x6xf32>) -> tensor<?x2xf32>
// CHECK-NEXT: return %[[Y]]
func.func @main(%x: tensor<?x6xf32>) -> tensor<?x2xf32> {
  %y = ternary.call @Model::@forward(%x) : (tensor<?x6xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// The blob of the dense_resource constants survives the round trip.
// CHECK:      {-#
// CHECK-NEXT:   dialect_resources: {
// CHECK-NEXT:     builtin: {
// CHECK-NEXT:       ops_weights: "0x010000009251"
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT: #-}

{-#
  dialect_resources: {
    builtin: {
      ops_weights: "0x010000009251"
    }
  }
#-}
