// Every error branch of ternary.get_param's symbol check: it must be inside a
// layer, name a param (not a function) of that layer, and have the param's
// type; the name is a flat symbol.
// RUN: triton-opt %s -split-input-file -verify-diagnostics

func.func @outside_a_layer() {
  // expected-error @+1 {{'ternary.get_param' op must be nested in a 'ternary.layer'}}
  %w = ternary.get_param @weights : tensor<4xf32>
  return
}

// -----

ternary.layer @UnknownName {
  ternary.param @weights : tensor<4xf32>
  func.func @forward() {
    // expected-error @+1 {{'ternary.get_param' op 'bias' does not name a param of layer 'UnknownName'}}
    %b = ternary.get_param @bias : tensor<4xf32>
    return
  }
}

// -----

ternary.layer @NamesAFunction {
  func.func @helper() {
    return
  }
  func.func @forward() {
    // expected-error @+1 {{'ternary.get_param' op 'helper' does not name a param of layer 'NamesAFunction'}}
    %h = ternary.get_param @helper : tensor<4xf32>
    return
  }
}

// -----

// A param of another layer is not visible.
ternary.layer @Owner {
  ternary.param @weights : tensor<4xf32>
}
ternary.layer @Reader {
  func.func @forward() {
    // expected-error @+1 {{'ternary.get_param' op 'weights' does not name a param of layer 'Reader'}}
    %w = ternary.get_param @weights : tensor<4xf32>
    return
  }
}

// -----

ternary.layer @ShapeMismatch {
  ternary.param @weights : tensor<4xf32>
  func.func @forward() {
    // expected-error @+1 {{'ternary.get_param' op result type 'tensor<3xf32>' does not match the type 'tensor<4xf32>' of param 'weights'}}
    %w = ternary.get_param @weights : tensor<3xf32>
    return
  }
}

// -----

// The layout is part of the type: a packed param read with another layout.
ternary.layer @LayoutMismatch {
  ternary.param @weights : !ternary.packed<8x4>
  func.func @forward() {
    // expected-error @+1 {{'ternary.get_param' op result type '!ternary.packed<8x4, #ternary.layout<base3, axis = 0>>' does not match the type '!ternary.packed<8x4>' of param 'weights'}}
    %w = ternary.get_param @weights : !ternary.packed<8x4, #ternary.layout<base3, axis = 0>>
    return
  }
}

// -----

ternary.layer @NestedReference {
  ternary.param @weights : tensor<4xf32>
  func.func @forward() {
    // expected-error @+1 {{invalid kind of attribute specified}}
    %w = ternary.get_param @NestedReference::@weights : tensor<4xf32>
    return
  }
}
