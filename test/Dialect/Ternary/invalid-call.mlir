// Every error branch of ternary.call's symbol check: the callee must resolve
// (@Layer::@fn in the table holding the layers, a flat @fn in the caller's own
// layer) to a func.func, visible from the caller (not private to another
// layer), whose operand and result counts and types match.
// RUN: triton-opt %s -split-input-file -verify-diagnostics

ternary.layer @Block {
  func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
ternary.layer @Model {
  func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{'ternary.call' op '@Block::@backward' does not name a function}}
    %y = ternary.call @Block::@backward(%x) : (tensor<4xf32>) -> tensor<4xf32>
    return %y : tensor<4xf32>
  }
}

// -----

ternary.layer @Model {
  func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{'ternary.call' op '@Missing::@forward' does not name a function}}
    %y = ternary.call @Missing::@forward(%x) : (tensor<4xf32>) -> tensor<4xf32>
    return %y : tensor<4xf32>
  }
}

// -----

// A flat name is looked up in the caller's own layer only.
ternary.layer @Block {
  func.func @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
ternary.layer @Model {
  func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{'ternary.call' op '@helper' does not name a function}}
    %y = ternary.call @helper(%x) : (tensor<4xf32>) -> tensor<4xf32>
    return %y : tensor<4xf32>
  }
}

// -----

ternary.layer @Block {
  ternary.param @weights : tensor<4xf32>
}
ternary.layer @Model {
  func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{'ternary.call' op '@Block::@weights' is a 'ternary.param', not a 'func.func'}}
    %y = ternary.call @Block::@weights(%x) : (tensor<4xf32>) -> tensor<4xf32>
    return %y : tensor<4xf32>
  }
}

// -----

// A layer is not callable; its functions are.
ternary.layer @Block {
}
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'ternary.call' op '@Block' is a 'ternary.layer', not a 'func.func'}}
  %y = ternary.call @Block(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

ternary.layer @Block {
  func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'ternary.call' op '@Block::@forward' takes 1 operands, got 2}}
  %y = ternary.call @Block::@forward(%x, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

ternary.layer @Block {
  func.func @forward(%x: tensor<4xf32>, %y: tensor<?x4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
func.func @main(%x: tensor<4xf32>, %y: tensor<2x4xf32>) -> tensor<4xf32> {
  // A static shape is not the dynamic one the callee declares: types must be equal.
  // expected-error @+1 {{'ternary.call' op operand 1 has type 'tensor<2x4xf32>' but '@Block::@forward' expects 'tensor<?x4xf32>'}}
  %r = ternary.call @Block::@forward(%x, %y) : (tensor<4xf32>, tensor<2x4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

ternary.layer @Block {
  func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
func.func @main(%x: tensor<4xf32>) {
  // expected-error @+1 {{'ternary.call' op '@Block::@forward' returns 1 results, got 0}}
  ternary.call @Block::@forward(%x) : (tensor<4xf32>) -> ()
  return
}

// -----

ternary.layer @Block {
  func.func @forward(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi8>) {
    %t = arith.constant dense<0> : tensor<4xi8>
    return %x, %t : tensor<4xf32>, tensor<4xi8>
  }
}
ternary.layer @Model {
  func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{'ternary.call' op result 1 has type 'tensor<4xf32>' but '@Block::@forward' returns 'tensor<4xi8>'}}
    %y:2 = ternary.call @Block::@forward(%x) : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
    return %y#0 : tensor<4xf32>
  }
}

// -----

// ODS: the callee is a symbol reference.
func.func @main(%x: tensor<4xf32>) {
  // expected-error @+1 {{'ternary.call' op attribute 'callee' failed to satisfy constraint: symbol reference attribute}}
  "ternary.call"(%x) {callee = "Block"} : (tensor<4xf32>) -> ()
  return
}

// -----

// A private function is visible only inside its own layer (MLIR symbol
// visibility, which -symbol-dce relies on).
ternary.layer @Block {
  func.func private @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
ternary.layer @Model {
  func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{'ternary.call' op '@Block::@forward' is private: only functions of its own layer can call it, by a flat reference}}
    %y = ternary.call @Block::@forward(%x) : (tensor<4xf32>) -> tensor<4xf32>
    return %y : tensor<4xf32>
  }
}

// -----

ternary.layer @Block {
  func.func private @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'ternary.call' op '@Block::@forward' is private: only functions of its own layer can call it, by a flat reference}}
  %y = ternary.call @Block::@forward(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Even from its own layer, a nested reference goes through the enclosing
// table, where the private function is not visible.
ternary.layer @Block {
  func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
  func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{'ternary.call' op '@Block::@helper' is private: only functions of its own layer can call it, by a flat reference}}
    %y = ternary.call @Block::@helper(%x) : (tensor<4xf32>) -> tensor<4xf32>
    return %y : tensor<4xf32>
  }
}
