// triton-expand-function-instances: each instance recorded on a lowered
// template replaces its declaration by a copy of the template, renamed as
// recorded; the template's C interface wrapper is copied with it. Call glue
// with at least unoptimized-glue-copies instances is marked optnone.
// RUN: triton-opt %s -split-input-file -verify-diagnostics -triton-expand-function-instances | FileCheck %s
// RUN: triton-opt %s -split-input-file -verify-diagnostics -triton-expand-function-instances=unoptimized-glue-copies=2 | FileCheck %s --check-prefix=GLUE

llvm.mlir.global private constant @w1(dense<1.0> : tensor<4xf32>) : !llvm.array<4 x f32>
llvm.mlir.global private constant @w2(dense<2.0> : tensor<4xf32>) : !llvm.array<4 x f32>
llvm.mlir.global private constant @w3(dense<3.0> : tensor<4xf32>) : !llvm.array<4 x f32>
llvm.func @L0(%arg0: !llvm.ptr) -> !llvm.ptr {
  llvm.return %arg0 : !llvm.ptr
}
llvm.func @tail(!llvm.ptr, !llvm.ptr) -> !llvm.ptr

// CHECK-LABEL: llvm.func @L1(
// CHECK-NOT: ternary.instances
// CHECK: llvm.mlir.addressof @w1
// CHECK: llvm.call @L0
// CHECK: llvm.call @tail
// GLUE-LABEL: llvm.func @L1(
// GLUE-SAME: no_inline, optimize_none
llvm.func @L1(%arg0: !llvm.ptr) -> !llvm.ptr attributes {ternary.instances = [[@L1, @w1, @L0, @tail], [@L2, @w2, @L1, @tail], [@L3, @w3, @L2, @tail]]} {
  %0 = llvm.mlir.addressof @w1 : !llvm.ptr
  %1 = llvm.call @L0(%arg0) : (!llvm.ptr) -> !llvm.ptr
  %2 = llvm.call @tail(%1, %0) : (!llvm.ptr, !llvm.ptr) -> !llvm.ptr
  llvm.return %2 : !llvm.ptr
}
// CHECK-LABEL: llvm.func @_mlir_ciface_L1(
// CHECK: llvm.call @L1(
// GLUE-LABEL: llvm.func @_mlir_ciface_L1(
// GLUE-SAME: no_inline, optimize_none
llvm.func @_mlir_ciface_L1(%arg0: !llvm.ptr) -> !llvm.ptr attributes {ternary.instances = [[@L1, @w1, @L0, @tail], [@L2, @w2, @L1, @tail], [@L3, @w3, @L2, @tail]]} {
  %0 = llvm.call @L1(%arg0) : (!llvm.ptr) -> !llvm.ptr
  llvm.return %0 : !llvm.ptr
}

// The copies take the place of the declarations, each followed by its C
// interface wrapper.
// CHECK-LABEL: llvm.func @L2(
// CHECK: llvm.mlir.addressof @w2
// CHECK: llvm.call @L1(
// CHECK: llvm.call @tail
// CHECK-LABEL: llvm.func @_mlir_ciface_L2(
// CHECK: llvm.call @L2(
// CHECK-LABEL: llvm.func @L3(
// CHECK: llvm.mlir.addressof @w3
// CHECK: llvm.call @L2(
// CHECK-LABEL: llvm.func @_mlir_ciface_L3(
// CHECK: llvm.call @L3(
// CHECK-NOT: ternary.instances
// GLUE-LABEL: llvm.func @L2(
// GLUE-SAME: no_inline, optimize_none
llvm.func @L2(!llvm.ptr) -> !llvm.ptr attributes {sym_visibility = "private"}
llvm.func @L3(!llvm.ptr) -> !llvm.ptr attributes {sym_visibility = "private"}

// -----

// A template with a loop is not call glue: never optnone.
// GLUE-LABEL: llvm.func @loop(
// GLUE-NOT: optimize_none
// GLUE: llvm.return
llvm.func @loop(%arg0: i64) -> i64 attributes {ternary.instances = [[@loop], [@loop2], [@loop3]]} {
  llvm.br ^bb1(%arg0 : i64)
^bb1(%0: i64):
  %1 = llvm.mlir.constant(1 : i64) : i64
  %2 = llvm.sub %0, %1 : i64
  %3 = llvm.icmp "eq" %2, %1 : i64
  llvm.cond_br %3, ^bb2, ^bb1(%2 : i64)
^bb2:
  llvm.return %2 : i64
}
llvm.func @loop2(i64) -> i64 attributes {sym_visibility = "private"}
llvm.func @loop3(i64) -> i64 attributes {sym_visibility = "private"}

// -----

// expected-error @+1 {{records an instance 'gone' that the module does not declare}}
llvm.func @f() attributes {ternary.instances = [[@f], [@gone]]} {
  llvm.return
}

// -----

// expected-error @+1 {{has a malformed 'ternary.instances' attribute}}
llvm.func @g() attributes {ternary.instances = [[@g, @x], [@h]]} {
  llvm.return
}
llvm.func @h() attributes {sym_visibility = "private"}
