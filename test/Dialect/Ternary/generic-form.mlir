// The generic form of the ternary ops shows how they are stored: the quantize
// method is an i32 enum property, threshold/seed/axis are optional
// properties, matmul's scale and bias are optional operands, and the packed type and
// layout print the same in both forms. Parsing the generic form back gives
// the custom form.
// RUN: triton-opt %s -mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC
// RUN: triton-opt %s -mlir-print-op-generic | triton-opt | FileCheck %s --check-prefix=CUSTOM

// GENERIC-LABEL: sym_name = "conversions"
// GENERIC: "ternary.quantize"(%{{.*}}) <{method = 0 : i32, threshold = 2.500000e-01 : f32}> : (tensor<4x3xf32>) -> (tensor<4x3xi8>, tensor<f32>)
// GENERIC-NEXT: "ternary.quantize"(%{{.*}}) <{axis = 1 : i64, method = 1 : i32}> : (tensor<4x3xf32>) -> (tensor<4x3xi8>, tensor<3xf32>)
// GENERIC-NEXT: "ternary.quantize"(%{{.*}}) <{method = 2 : i32, seed = 9 : i64}> : (tensor<4x3xf32>) -> (tensor<4x3xi8>, tensor<f32>)
// GENERIC-NEXT: "ternary.dequantize"(%{{.*}}, %{{.*}}) <{axis = 1 : i64}> : (tensor<4x3xi8>, tensor<3xf32>) -> tensor<4x3xf32>
// GENERIC-NEXT: "ternary.pack"(%{{.*}}) : (tensor<4x3xi8>) -> !ternary.packed<4x3, #ternary.layout<base3, axis = 1>>
// GENERIC-NEXT: "ternary.relayout"(%{{.*}}) : (!ternary.packed<4x3, #ternary.layout<base3, axis = 1>>) -> !ternary.packed<4x3>
// GENERIC-NEXT: "ternary.unpack"(%{{.*}}) : (!ternary.packed<4x3>) -> tensor<4x3xi8>
// GENERIC-NEXT: "ternary.constant"() <{value = dense<[146, 81]> : tensor<2xui8>}> : () -> !ternary.packed<6>
// CUSTOM-LABEL: func.func @conversions
// CUSTOM: ternary.quantize threshold(2.500000e-01) %{{.*}} : tensor<4x3xf32> -> tensor<4x3xi8>, tensor<f32>
// CUSTOM-NEXT: ternary.quantize absmean %{{.*}} axis 1 : tensor<4x3xf32> -> tensor<4x3xi8>, tensor<3xf32>
// CUSTOM-NEXT: ternary.quantize stochastic %{{.*}} seed 9 : tensor<4x3xf32> -> tensor<4x3xi8>, tensor<f32>
// CUSTOM-NEXT: ternary.dequantize %{{.*}}, %{{.*}} axis 1 : tensor<4x3xi8>, tensor<3xf32> -> tensor<4x3xf32>
// CUSTOM-NEXT: ternary.pack %{{.*}} : tensor<4x3xi8> -> !ternary.packed<4x3, #ternary.layout<base3, axis = 1>>
// CUSTOM-NEXT: ternary.relayout %{{.*}} : !ternary.packed<4x3, #ternary.layout<base3, axis = 1>> -> !ternary.packed<4x3>
// CUSTOM-NEXT: ternary.unpack %{{.*}} : !ternary.packed<4x3> -> tensor<4x3xi8>
// CUSTOM-NEXT: ternary.constant dense<[146, 81]> : tensor<2xui8> -> !ternary.packed<6>
func.func @conversions(%w: tensor<4x3xf32>) {
  %t0, %s0 = ternary.quantize threshold(0.25) %w : tensor<4x3xf32> -> tensor<4x3xi8>, tensor<f32>
  %t1, %s1 = ternary.quantize absmean %w axis 1 : tensor<4x3xf32> -> tensor<4x3xi8>, tensor<3xf32>
  %t2, %s2 = ternary.quantize stochastic %w seed 9 : tensor<4x3xf32> -> tensor<4x3xi8>, tensor<f32>
  %d = ternary.dequantize %t1, %s1 axis 1 : tensor<4x3xi8>, tensor<3xf32> -> tensor<4x3xf32>
  %p = ternary.pack %t0 : tensor<4x3xi8> -> !ternary.packed<4x3, #ternary.layout<base3, axis = 1>>
  %r = ternary.relayout %p : !ternary.packed<4x3, #ternary.layout<base3, axis = 1>> -> !ternary.packed<4x3>
  %u = ternary.unpack %r : !ternary.packed<4x3> -> tensor<4x3xi8>
  %c = ternary.constant dense<[146, 81]> : tensor<2xui8> -> !ternary.packed<6>
  return
}

// GENERIC-LABEL: sym_name = "matmuls"
// The optional scale and bias are told apart by operandSegmentSizes.
// GENERIC: "ternary.matmul"(%{{.*}}, %{{.*}}) <{operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<2x4xf32>, !ternary.packed<4x3>) -> tensor<2x3xf32>
// GENERIC-NEXT: "ternary.matmul"(%{{.*}}, %{{.*}}, %{{.*}}) <{operandSegmentSizes = array<i32: 1, 1, 1, 0>}> : (tensor<2x4xf32>, !ternary.packed<4x3>, tensor<3xf32>) -> tensor<2x3xf32>
// GENERIC-NEXT: "ternary.matmul"(%{{.*}}, %{{.*}}, %{{.*}}) <{operandSegmentSizes = array<i32: 1, 1, 0, 1>}> : (tensor<2x4xf32>, !ternary.packed<4x3>, tensor<3xf32>) -> tensor<2x3xf32>
// GENERIC-NEXT: "ternary.matmul"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) <{operandSegmentSizes = array<i32: 1, 1, 1, 1>}> : (tensor<2x4xf32>, !ternary.packed<4x3>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CUSTOM-LABEL: func.func @matmuls
// CUSTOM: ternary.matmul %{{.*}}, %{{.*}} : tensor<2x4xf32>, !ternary.packed<4x3> -> tensor<2x3xf32>
// CUSTOM-NEXT: ternary.matmul %{{.*}}, %{{.*}} scale %{{.*}} : tensor<2x4xf32>, !ternary.packed<4x3>, tensor<3xf32> -> tensor<2x3xf32>
// CUSTOM-NEXT: ternary.matmul %{{.*}}, %{{.*}} bias %{{.*}} : tensor<2x4xf32>, !ternary.packed<4x3>, tensor<3xf32> -> tensor<2x3xf32>
// CUSTOM-NEXT: ternary.matmul %{{.*}}, %{{.*}} scale %{{.*}} bias %{{.*}} : tensor<2x4xf32>, !ternary.packed<4x3>, tensor<3xf32>, tensor<3xf32> -> tensor<2x3xf32>
func.func @matmuls(%x: tensor<2x4xf32>, %w: !ternary.packed<4x3>, %s: tensor<3xf32>) {
  %y0 = ternary.matmul %x, %w : tensor<2x4xf32>, !ternary.packed<4x3> -> tensor<2x3xf32>
  %y1 = ternary.matmul %x, %w scale %s : tensor<2x4xf32>, !ternary.packed<4x3>, tensor<3xf32> -> tensor<2x3xf32>
  %y2 = ternary.matmul %x, %w bias %s : tensor<2x4xf32>, !ternary.packed<4x3>, tensor<3xf32> -> tensor<2x3xf32>
  %y3 = ternary.matmul %x, %w scale %s bias %s : tensor<2x4xf32>, !ternary.packed<4x3>, tensor<3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  return
}

// GENERIC: "ternary.layer"() <{sym_name = "Block"}> ({
// GENERIC-NEXT: "ternary.param"() <{initial_value = dense<85> : tensor<3xui8>, sym_name = "weights", type = !ternary.packed<4x3>}> : () -> ()
// GENERIC: "ternary.get_param"() <{name = @weights}> : () -> !ternary.packed<4x3>
// GENERIC: "ternary.call"(%{{.*}}) <{callee = @Block::@forward}> : (tensor<2x4xf32>) -> tensor<2x3xf32>
// CUSTOM-LABEL: ternary.layer @Block
// CUSTOM-NEXT: ternary.param @weights : !ternary.packed<4x3> = dense<85> : tensor<3xui8>
// CUSTOM: ternary.get_param @weights : !ternary.packed<4x3>
// CUSTOM: ternary.call @Block::@forward(%{{.*}}) : (tensor<2x4xf32>) -> tensor<2x3xf32>
ternary.layer @Block {
  ternary.param @weights : !ternary.packed<4x3> = dense<85> : tensor<3xui8>
  func.func @forward(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
    %w = ternary.get_param @weights : !ternary.packed<4x3>
    %y = ternary.matmul %x, %w : tensor<2x4xf32>, !ternary.packed<4x3> -> tensor<2x3xf32>
    return %y : tensor<2x3xf32>
  }
}
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %y = ternary.call @Block::@forward(%x) : (tensor<2x4xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
