// Every ternary op, type and attribute (layouts, dynamic dims, dense and
// dense_resource constants, layers/params/calls) survives a round trip through
// MLIR bytecode unchanged.
// RUN: triton-opt %s -emit-bytecode | triton-opt | FileCheck %s
// Bytecode written from the parsed bytecode is the same again.
// RUN: triton-opt %s -emit-bytecode | triton-opt -emit-bytecode | triton-opt | FileCheck %s

// CHECK-LABEL: func.func @conversions
// CHECK-SAME: (%[[W:[^:]+]]: tensor<8x4xf32>, %[[D:[^:]+]]: !ternary.packed<?x64, #ternary.layout<base3, axis = 1>>)
func.func @conversions(%w: tensor<8x4xf32>,
                       %d: !ternary.packed<?x64, #ternary.layout<base3, axis = 1>>)
    -> (tensor<8x4xf32>, tensor<8x4xi8>, tensor<f32>, tensor<f32>, tensor<?x64xi8>) {
  // CHECK-NEXT: %[[T:[^,]+]], %[[S:[^ ]+]] = ternary.quantize absmean %[[W]] axis 1 : tensor<8x4xf32> -> tensor<8x4xi8>, tensor<4xf32>
  %t, %s = ternary.quantize absmean %w axis 1
      : tensor<8x4xf32> -> tensor<8x4xi8>, tensor<4xf32>
  // CHECK-NEXT: %[[T1:[^,]+]], %[[S1:[^ ]+]] = ternary.quantize threshold(2.500000e-01) %[[W]] : tensor<8x4xf32> -> tensor<8x4xi8>, tensor<f32>
  %t1, %s1 = ternary.quantize threshold(0.25) %w
      : tensor<8x4xf32> -> tensor<8x4xi8>, tensor<f32>
  // CHECK-NEXT: %[[T2:[^,]+]], %[[S2:[^ ]+]] = ternary.quantize stochastic %[[W]] seed 7 : tensor<8x4xf32> -> tensor<8x4xi8>, tensor<f32>
  %t2, %s2 = ternary.quantize stochastic %w seed 7
      : tensor<8x4xf32> -> tensor<8x4xi8>, tensor<f32>
  // CHECK-NEXT: %[[P:.*]] = ternary.pack %[[T]] : tensor<8x4xi8> -> !ternary.packed<8x4>{{$}}
  %p = ternary.pack %t : tensor<8x4xi8> -> !ternary.packed<8x4>
  // CHECK-NEXT: %[[R:.*]] = ternary.relayout %[[P]] : !ternary.packed<8x4> -> !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>
  %r = ternary.relayout %p
      : !ternary.packed<8x4> -> !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>
  // CHECK-NEXT: %[[U:.*]] = ternary.unpack %[[R]] : !ternary.packed<8x4, #ternary.layout<base3, axis = 1>> -> tensor<8x4xi8>
  %u = ternary.unpack %r
      : !ternary.packed<8x4, #ternary.layout<base3, axis = 1>> -> tensor<8x4xi8>
  // CHECK-NEXT: %[[F:.*]] = ternary.dequantize %[[U]], %[[S]] axis 1 : tensor<8x4xi8>, tensor<4xf32> -> tensor<8x4xf32>
  %f = ternary.dequantize %u, %s axis 1
      : tensor<8x4xi8>, tensor<4xf32> -> tensor<8x4xf32>
  // CHECK-NEXT: %[[DU:.*]] = ternary.unpack %[[D]] : !ternary.packed<?x64, #ternary.layout<base3, axis = 1>> -> tensor<?x64xi8>
  %du = ternary.unpack %d
      : !ternary.packed<?x64, #ternary.layout<base3, axis = 1>> -> tensor<?x64xi8>
  // CHECK-NEXT: return %[[F]], %[[T1]], %[[S1]], %[[S2]], %[[DU]]
  return %f, %t1, %s1, %s2, %du
      : tensor<8x4xf32>, tensor<8x4xi8>, tensor<f32>, tensor<f32>, tensor<?x64xi8>
}

// CHECK-LABEL: func.func @constants_and_matmul
// CHECK-SAME: (%[[X:[^:]+]]: tensor<?x6xf32>, %[[Q:[^:]+]]: tensor<3x6xi8>, %[[SC:[^:]+]]: tensor<2xf32>)
func.func @constants_and_matmul(%x: tensor<?x6xf32>, %q: tensor<3x6xi8>,
                                %sc: tensor<2xf32>)
    -> (tensor<?x2xf32>, tensor<3x2xi32>, !ternary.packed<8>) {
  // CHECK-NEXT: %[[W:.*]] = ternary.constant dense<[146, 120, 146, 120]> : tensor<4xui8> -> !ternary.packed<6x2, #ternary.layout<base3, axis = 0>>
  %w = ternary.constant dense<[146, 120, 146, 120]> : tensor<4xui8>
      -> !ternary.packed<6x2, #ternary.layout<base3, axis = 0>>
  // CHECK-NEXT: %[[B:.*]] = ternary.constant dense_resource<bytecode_blob> : tensor<2xui8> -> !ternary.packed<8>
  %b = ternary.constant dense_resource<bytecode_blob> : tensor<2xui8> -> !ternary.packed<8>
  // CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[W]] scale %[[SC]] : tensor<?x6xf32>, !ternary.packed<6x2, #ternary.layout<base3, axis = 0>>, tensor<2xf32> -> tensor<?x2xf32>
  %y = ternary.matmul %x, %w scale %sc
      : tensor<?x6xf32>, !ternary.packed<6x2, #ternary.layout<base3, axis = 0>>,
        tensor<2xf32> -> tensor<?x2xf32>
  // CHECK-NEXT: %[[A:.*]] = ternary.matmul %[[Q]], %[[W]] : tensor<3x6xi8>, !ternary.packed<6x2, #ternary.layout<base3, axis = 0>> -> tensor<3x2xi32>
  %a = ternary.matmul %q, %w
      : tensor<3x6xi8>, !ternary.packed<6x2, #ternary.layout<base3, axis = 0>>
        -> tensor<3x2xi32>
  // CHECK-NEXT: return %[[Y]], %[[A]], %[[B]]
  return %y, %a, %b : tensor<?x2xf32>, tensor<3x2xi32>, !ternary.packed<8>
}

// CHECK-LABEL: func.func @layout_attribute
// CHECK-SAME: attributes {ternary.hint = #ternary.layout<base3, axis = 2>}
func.func @layout_attribute() attributes {
    ternary.hint = #ternary.layout<base3, axis = 2>} {
  return
}

// CHECK-LABEL: ternary.layer @Encoder {
// CHECK-NEXT:    ternary.param @weights : !ternary.packed<6> = dense<[146, 81]> : tensor<2xui8>
// CHECK-NEXT:    ternary.param @bias : tensor<2xf32>{{$}}
// CHECK-NEXT:    func.func @forward(%[[X:[^:]+]]: tensor<6xf32>) -> tensor<2xf32> {
// CHECK-NEXT:      %[[W:.*]] = ternary.get_param @weights : !ternary.packed<6>
// CHECK-NEXT:      %[[B:.*]] = ternary.get_param @bias : tensor<2xf32>
// CHECK-NEXT:      return %[[B]] : tensor<2xf32>
ternary.layer @Encoder {
  ternary.param @weights : !ternary.packed<6> = dense<[146, 81]> : tensor<2xui8>
  ternary.param @bias : tensor<2xf32>
  func.func @forward(%x: tensor<6xf32>) -> tensor<2xf32> {
    %w = ternary.get_param @weights : !ternary.packed<6>
    %b = ternary.get_param @bias : tensor<2xf32>
    return %b : tensor<2xf32>
  }
}

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:[^:]+]]: tensor<6xf32>)
// CHECK-NEXT: %[[Y:.*]] = ternary.call @Encoder::@forward(%[[X]]) : (tensor<6xf32>) -> tensor<2xf32>
// CHECK-NEXT: return %[[Y]] : tensor<2xf32>
func.func @main(%x: tensor<6xf32>) -> tensor<2xf32> {
  %y = ternary.call @Encoder::@forward(%x) : (tensor<6xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// CHECK:      dialect_resources: {
// CHECK-NEXT:   builtin: {
// CHECK-NEXT:     bytecode_blob: "0x010000009251"

{-#
  dialect_resources: {
    builtin: {
      bytecode_blob: "0x010000009251"
    }
  }
#-}
