// ternary-layout removes relayouts that cancel or that a matmul does not need:
// a chain of relayouts that comes back to the start disappears, a matmul
// reading a relayout of a value already in the target layout reads the value,
// and a chain into another layout becomes one relayout into the target.
// RUN: triton-opt %s -ternary-layout=encoding=offset2 | FileCheck %s

// CHECK-LABEL: func.func @cancel
// CHECK-SAME: (%[[P:[^:]+]]: !ternary.packed<8x4>)
// CHECK-NEXT: return %[[P]]
func.func @cancel(%p: !ternary.packed<8x4>) -> !ternary.packed<8x4> {
  %a = ternary.relayout %p : !ternary.packed<8x4> -> !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>
  %b = ternary.relayout %a : !ternary.packed<8x4, #ternary.layout<base3, axis = 1>> -> !ternary.packed<8x4, #ternary.layout<offset2, axis = 1>>
  %c = ternary.relayout %b : !ternary.packed<8x4, #ternary.layout<offset2, axis = 1>> -> !ternary.packed<8x4>
  return %c : !ternary.packed<8x4>
}

// CHECK-LABEL: func.func @matmul_reads_source
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x8xf32>, %[[P:[^:]+]]: !ternary.packed<8x4>)
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[P]] : tensor<2x8xf32>, !ternary.packed<8x4> -> tensor<2x4xf32>
// CHECK-NEXT: return %[[Y]]
func.func @matmul_reads_source(%x: tensor<2x8xf32>, %p: !ternary.packed<8x4>) -> tensor<2x4xf32> {
  %q = ternary.relayout %p : !ternary.packed<8x4> -> !ternary.packed<8x4, #ternary.layout<base3, axis = 0>>
  %y = ternary.matmul %x, %q : tensor<2x8xf32>, !ternary.packed<8x4, #ternary.layout<base3, axis = 0>> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @one_relayout
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x8xf32>, %[[P:[^:]+]]: !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>)
// CHECK-NEXT: %[[Q:.*]] = ternary.relayout %[[P]] : !ternary.packed<8x4, #ternary.layout<base3, axis = 1>> -> !ternary.packed<8x4>
// CHECK-NEXT: %[[Y:.*]] = ternary.matmul %[[X]], %[[Q]]
// CHECK-NEXT: return %[[Y]]
func.func @one_relayout(%x: tensor<2x8xf32>, %p: !ternary.packed<8x4, #ternary.layout<base3, axis = 1>>) -> tensor<2x4xf32> {
  %q = ternary.relayout %p : !ternary.packed<8x4, #ternary.layout<base3, axis = 1>> -> !ternary.packed<8x4, #ternary.layout<offset2, axis = 1>>
  %r = ternary.relayout %q : !ternary.packed<8x4, #ternary.layout<offset2, axis = 1>> -> !ternary.packed<8x4, #ternary.layout<base3, axis = 0>>
  %y = ternary.matmul %x, %r : tensor<2x8xf32>, !ternary.packed<8x4, #ternary.layout<base3, axis = 0>> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
