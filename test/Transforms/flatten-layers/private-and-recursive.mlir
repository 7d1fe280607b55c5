// ternary-flatten-layers keeps private layer functions private (no C
// interface), resolves flat calls inside a layer to the layer's own function
// (@Block::@clip -> @Block_clip, not a top-level @clip), resolves flat calls
// at top level to top-level functions, and propagates param arguments through
// recursive calls (a fixed point over the call graph).
// RUN: triton-opt %s -ternary-flatten-layers | FileCheck %s

// CHECK-LABEL: func.func @Block_forward
// CHECK-SAME: (%[[W:[^:]+]]: !ternary.packed<4x4> {ternary.param = @Block::@w}, %[[X:[^:]+]]: tensor<1x4xf32>) -> tensor<1x4xf32> attributes {llvm.emit_c_interface, ternary.origin = @Block::@forward}
// CHECK: call @Block_clip(%{{.*}})
// CHECK-LABEL: func.func private @Block_clip
// CHECK-NOT: llvm.emit_c_interface
// CHECK-LABEL: func.func @Block_repeat
// CHECK-SAME: (%[[W:[^:]+]]: !ternary.packed<4x4> {ternary.param = @Block::@w}, %[[X:[^:]+]]: tensor<1x4xf32>, %[[N:[^:]+]]: i32)
// CHECK: %[[R:.*]] = func.call @Block_repeat(%[[W]], %[[X]], %{{.*}})
// CHECK-NEXT: func.call @Block_forward(%[[W]], %[[R]])
// CHECK-LABEL: func.func @clip
// CHECK-LABEL: func.func @top
// CHECK-NEXT: call @clip(
ternary.layer @Block {
  ternary.param @w : !ternary.packed<4x4>
  func.func @forward(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    %w = ternary.get_param @w : !ternary.packed<4x4>
    %y = ternary.matmul %x, %w : tensor<1x4xf32>, !ternary.packed<4x4> -> tensor<1x4xf32>
    %z = ternary.call @clip(%y) : (tensor<1x4xf32>) -> tensor<1x4xf32>
    return %z : tensor<1x4xf32>
  }
  func.func private @clip(%y: tensor<1x4xf32>) -> tensor<1x4xf32> {
    return %y : tensor<1x4xf32>
  }
  // Applies forward n times by recursion: needs @w through forward only.
  func.func @repeat(%x: tensor<1x4xf32>, %n: i32) -> tensor<1x4xf32> {
    %c0 = arith.constant 0 : i32
    %c1 = arith.constant 1 : i32
    %done = arith.cmpi sle, %n, %c0 : i32
    %r = scf.if %done -> tensor<1x4xf32> {
      scf.yield %x : tensor<1x4xf32>
    } else {
      %m = arith.subi %n, %c1 : i32
      %rest = ternary.call @repeat(%x, %m) : (tensor<1x4xf32>, i32) -> tensor<1x4xf32>
      %y = ternary.call @forward(%rest) : (tensor<1x4xf32>) -> tensor<1x4xf32>
      scf.yield %y : tensor<1x4xf32>
    }
    return %r : tensor<1x4xf32>
  }
}
func.func @clip(%y: tensor<1x4xf32>) -> tensor<1x4xf32> {
  return %y : tensor<1x4xf32>
}
func.func @top(%y: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %z = ternary.call @clip(%y) : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %z : tensor<1x4xf32>
}
