// Every error branch of the ternary.param verifier: its parent is a layer, its
// type is packed or a ranked tensor, a tensor initial value has the param's
// type and a packed initial value is checked byte by byte like
// ternary.constant (each failure prefixed with "initial value: ").
// RUN: triton-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{'ternary.param' op expects parent op 'ternary.layer'}}
ternary.param @orphan : tensor<4xf32>

// -----

func.func @param_in_function() {
  // expected-error @+1 {{'ternary.param' op expects parent op 'ternary.layer'}}
  ternary.param @local : tensor<4xf32>
  return
}

// -----

ternary.layer @ScalarType {
  // expected-error @+1 {{'ternary.param' op param type must be a !ternary.packed or a ranked tensor type, got 'i32'}}
  ternary.param @count : i32
}

// -----

ternary.layer @UnrankedType {
  // expected-error @+1 {{'ternary.param' op param type must be a !ternary.packed or a ranked tensor type, got 'tensor<*xf32>'}}
  ternary.param @bias : tensor<*xf32>
}

// -----

ternary.layer @InitialValueShape {
  // expected-error @+1 {{'ternary.param' op initial value type 'tensor<3xf32>' does not match the param type 'tensor<4xf32>'}}
  ternary.param @bias : tensor<4xf32> = dense<1.0> : tensor<3xf32>
}

// -----

ternary.layer @InitialValueElementType {
  // expected-error @+1 {{'ternary.param' op initial value type 'tensor<4xi32>' does not match the param type 'tensor<4xf32>'}}
  ternary.param @bias : tensor<4xf32> = dense<1> : tensor<4xi32>
}

// -----

// Trits given unpacked are not the packed bytes.
ternary.layer @PackedInitialValueTrits {
  // expected-error @+1 {{'ternary.param' op initial value: packed bytes must be a 1-D tensor of ui8, got 'tensor<6xi8>'}}
  ternary.param @weights : !ternary.packed<6> = dense<[1, -1, 0, 1, 0, -1]> : tensor<6xi8>
}

// -----

ternary.layer @PackedInitialValueDynamic {
  // expected-error @+1 {{'ternary.param' op initial value: packed value of type '!ternary.packed<?>' must have a static shape}}
  ternary.param @weights : !ternary.packed<?> = dense<[146, 81]> : tensor<2xui8>
}

// -----

ternary.layer @PackedInitialValueCount {
  // expected-error @+1 {{'ternary.param' op initial value: type '!ternary.packed<6>' needs 2 bytes (1 rows of 2 bytes, offset2), got 1}}
  ternary.param @weights : !ternary.packed<6> = dense<[146]> : tensor<1xui8>
}

// -----

ternary.layer @PackedInitialValueInvalidCode {
  // expected-error @+1 {{'ternary.param' op initial value: byte 1 (0xff) of '!ternary.packed<6>' is invalid: packed byte holds an invalid code}}
  ternary.param @weights : !ternary.packed<6> = dense<[146, 255]> : tensor<2xui8>
}

// -----

ternary.layer @PackedInitialValueBadPadding {
  // expected-error @+1 {{'ternary.param' op initial value: byte 1 (0x7c) of '!ternary.packed<6, #ternary.layout<base3, axis = 0>>' is invalid: padding trits of a packed row are not zero}}
  ternary.param @weights : !ternary.packed<6, #ternary.layout<base3, axis = 0>> = dense<[146, 124]> : tensor<2xui8>
}

// -----

ternary.layer @PackedInitialValueSplat {
  // expected-error @+1 {{'ternary.param' op initial value: splat byte 0x00 of '!ternary.packed<3x2, #ternary.layout<offset2, axis = 1>>' is invalid: padding trits of a packed row are not zero}}
  ternary.param @weights : !ternary.packed<3x2, #ternary.layout<offset2, axis = 1>> = dense<0> : tensor<3xui8>
}

// -----

ternary.layer @PackedInitialValueSparse {
  // expected-error @+1 {{'ternary.param' op initial value: packed bytes must be a dense or dense_resource elements attribute}}
  ternary.param @weights : !ternary.packed<6> = sparse<[[0]], [146]> : tensor<2xui8>
}

// -----

ternary.layer @PackedInitialValueShortBlob {
  // expected-error @+1 {{'ternary.param' op initial value: the blob of the packed bytes holds 2 bytes, but its type 'tensor<4xui8>' says 4}}
  ternary.param @weights : !ternary.packed<16> = dense_resource<param_blob> : tensor<4xui8>
}

{-#
  dialect_resources: {
    builtin: {
      param_blob: "0x010000009251"
    }
  }
#-}

// -----

ternary.layer @InitialValueNotElements {
  // expected-error @+1 {{invalid kind of attribute specified}}
  ternary.param @count : tensor<4xf32> = 3 : i32
}

// -----

ternary.layer @MissingType {
  // expected-error @+1 {{'ternary.param' op requires attribute 'type'}}
  "ternary.param"() <{sym_name = "w"}> : () -> ()
}
