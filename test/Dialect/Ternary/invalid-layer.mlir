// Every error of ternary.layer: its body holds only ternary.param and
// func.func (the offending op is the one reported), it is a single block
// without arguments, its symbols are unique and it lives in a symbol table.
// RUN: triton-opt %s -split-input-file -verify-diagnostics

ternary.layer @ConstantInBody {
  // expected-error @+1 {{'arith.constant' op cannot be in a 'ternary.layer' body; a layer holds only 'ternary.param' and 'func.func' ops}}
  %c = arith.constant 1 : i32
}

// -----

ternary.layer @NestedLayer {
  // expected-error @+1 {{'ternary.layer' op cannot be in a 'ternary.layer' body; a layer holds only 'ternary.param' and 'func.func' ops}}
  ternary.layer @Inner {
  }
}

// -----

ternary.layer @ConstantAfterParams {
  ternary.param @weights : !ternary.packed<4x2>
  func.func @forward() {
    return
  }
  // expected-error @+1 {{'ternary.constant' op cannot be in a 'ternary.layer' body; a layer holds only 'ternary.param' and 'func.func' ops}}
  %w = ternary.constant dense<85> : tensor<2xui8> -> !ternary.packed<4x2>
}

// -----

// expected-error @+1 {{'ternary.layer' op region should have no arguments}}
ternary.layer @BlockArgument {
^bb0(%arg0: i32):
}

// -----

// expected-error @+1 {{'ternary.layer' op expects region #0 to have 0 or 1 blocks}}
"ternary.layer"() <{sym_name = "TwoBlocks"}> ({
^bb0:
  "ternary.param"() <{sym_name = "a", type = tensor<4xf32>}> : () -> ()
^bb1:
  "ternary.param"() <{sym_name = "b", type = tensor<4xf32>}> : () -> ()
}) : () -> ()

// -----

// expected-error @+1 {{'ternary.layer' op region #0 ('body') failed to verify constraint: region with 1 blocks}}
"ternary.layer"() <{sym_name = "NoBlock"}> ({
}) : () -> ()

// -----

// expected-error @+1 {{'ternary.layer' op requires attribute 'sym_name'}}
"ternary.layer"() ({
^bb0:
}) : () -> ()

// -----

ternary.layer @DuplicateParams {
  // expected-note @+1 {{see existing symbol definition here}}
  ternary.param @weights : tensor<4xf32>
  // expected-error @+1 {{redefinition of symbol named 'weights'}}
  ternary.param @weights : tensor<4xf32>
}

// -----

// expected-note @+1 {{see existing symbol definition here}}
ternary.layer @Twice {
}
// expected-error @+1 {{redefinition of symbol named 'Twice'}}
ternary.layer @Twice {
}

// -----

func.func @layer_in_function() {
  // expected-error @+1 {{'ternary.layer' op symbol's parent must have the SymbolTable trait}}
  ternary.layer @Local {
  }
  return
}
