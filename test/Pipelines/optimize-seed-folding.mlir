// The seed's folding examples hold through ternary-optimize (upstream arith
// folding, CSE and DCE run as part of -O1 and -O2): 2 + 3 folds to 5, 5 * 4
// to 20, a duplicate add is shared, an unused value disappears; and at the
// network level an unused private function and an unread param disappear.
// At -O0 nothing changes.
// RUN: triton-opt %s -ternary-optimize=opt-level=1 | FileCheck %s
// RUN: triton-opt %s -ternary-optimize=opt-level=2 | FileCheck %s
// RUN: triton-opt %s -ternary-optimize=opt-level=0 | FileCheck %s --check-prefix=O0

// CHECK-LABEL: func.func @seed
// CHECK-SAME: (%[[X:[^:]+]]: i32)
// CHECK-DAG: %[[C5:.*]] = arith.constant 5 : i32
// CHECK-DAG: %[[C20:.*]] = arith.constant 20 : i32
// CHECK: %[[SUM:.*]] = arith.addi %[[X]], %[[C20]] : i32
// CHECK-NEXT: return %[[C5]], %[[C20]], %[[SUM]], %[[SUM]] : i32, i32, i32, i32
// CHECK-NOT: arith.muli
// O0-LABEL: func.func @seed
// O0: arith.addi %{{.*}}, %{{.*}} : i32
// O0: arith.muli
// O0: arith.addi %{{.*}}, %{{.*}} : i32
// O0: arith.addi %{{.*}}, %{{.*}} : i32
// O0: arith.muli
func.func @seed(%x: i32) -> (i32, i32, i32, i32) {
  %c2 = arith.constant 2 : i32
  %c3 = arith.constant 3 : i32
  %c4 = arith.constant 4 : i32
  %five = arith.addi %c2, %c3 : i32
  %twenty = arith.muli %five, %c4 : i32
  %sum1 = arith.addi %x, %twenty : i32
  %sum2 = arith.addi %x, %twenty : i32
  %unused = arith.muli %x, %x : i32
  return %five, %twenty, %sum1, %sum2 : i32, i32, i32, i32
}

// The same in a layer function on tensors, with an unread param and an
// unused private helper.
// CHECK-LABEL: ternary.layer @Block {
// CHECK-NEXT: func.func @forward(%[[X:[^:]+]]: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<2.000000e+01> : tensor<4xf32>
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[X]], %[[C]] : tensor<4xf32>
// CHECK-NEXT: return %[[S]], %[[S]]
// CHECK-NEXT: }
// CHECK-NEXT: }
// O0: ternary.param @unread
// O0: func.func private @helper
ternary.layer @Block {
  ternary.param @unread : tensor<4xf32>
  func.func @forward(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
    %c2 = arith.constant dense<2.0> : tensor<4xf32>
    %c3 = arith.constant dense<3.0> : tensor<4xf32>
    %c4 = arith.constant dense<4.0> : tensor<4xf32>
    %five = arith.addf %c2, %c3 : tensor<4xf32>
    %twenty = arith.mulf %five, %c4 : tensor<4xf32>
    %a = arith.addf %x, %twenty : tensor<4xf32>
    %b = arith.addf %x, %twenty : tensor<4xf32>
    %unused = arith.mulf %x, %x : tensor<4xf32>
    return %a, %b : tensor<4xf32>, tensor<4xf32>
  }
  func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
