// ternary-flatten-layers reports, on the layer function, a flattened name
// that is already taken by a top-level function or by another layer's
// flattened function, instead of renaming the C entry point silently.
// RUN: triton-opt %s -ternary-flatten-layers -split-input-file -verify-diagnostics

ternary.layer @Linear {
  // expected-error @+1 {{flattened name '@Linear_forward' of '@Linear::@forward' is already taken}}
  func.func @forward() {
    return
  }
}
func.func @Linear_forward() {
  return
}

// -----

ternary.layer @A_B {
  func.func @c() {
    return
  }
}
ternary.layer @A {
  // expected-error @+1 {{flattened name '@A_B_c' of '@A::@B_c' is already taken}}
  func.func @B_c() {
    return
  }
}
