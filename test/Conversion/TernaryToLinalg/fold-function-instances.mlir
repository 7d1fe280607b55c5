// triton-fold-function-instances: functions equal up to the symbols they
// reference (the callee, the weight globals) become private declarations,
// recorded with their renaming on the first of them (the template). A
// renaming that would change the kind of code (a global of another type, a
// callee of another visibility) or that is not consistent keeps the
// function as it is.
// RUN: triton-opt %s -triton-fold-function-instances | FileCheck %s
// RUN: triton-opt %s -triton-fold-function-instances -mlir-pass-statistics -o /dev/null 2>&1 | FileCheck %s --check-prefix=STATS

memref.global "private" constant @w0 : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>
memref.global "private" constant @w1 : memref<4xf32> = dense<[5.0, 6.0, 7.0, 8.0]>
memref.global "private" constant @w2 : memref<4xf32> = dense<[9.0, 1.0, 2.0, 3.0]>
memref.global "private" constant @w3 : memref<4xf32> = dense<[4.0, 5.0, 6.0, 7.0]>
memref.global "private" @mutable : memref<4xf32> = dense<0.0>
memref.global "private" constant @long : memref<8xf32> = dense<0.0>

func.func private @tail(%arg0: memref<4xf32>, %arg1: memref<4xf32>) -> memref<4xf32> {
  %alloc = memref.alloc() : memref<4xf32>
  memref.copy %arg0, %alloc : memref<4xf32> to memref<4xf32>
  return %alloc : memref<4xf32>
}

func.func @L0(%arg0: memref<4xf32>) -> memref<4xf32> {
  %0 = memref.get_global @w0 : memref<4xf32>
  %1 = call @tail(%arg0, %0) : (memref<4xf32>, memref<4xf32>) -> memref<4xf32>
  return %1 : memref<4xf32>
}

// The template: L1, which calls L0; L2 and L3 call L1 and L2 with their
// own weights.
// CHECK-LABEL: func.func @L1(
// CHECK-SAME: ternary.instances = {{\[\[}}@L1, @w1, @L0, @tail], {{\[}}@L2, @w2, @L1, @tail], {{\[}}@L3, @w3, @L2, @tail], {{\[}}@renamed_callee, @w1, @L1, @other]]
// CHECK: memref.get_global @w1
// CHECK: call @L0
// CHECK: call @tail
func.func @L1(%arg0: memref<4xf32>) -> memref<4xf32> attributes {llvm.emit_c_interface} {
  %0 = memref.get_global @w1 : memref<4xf32>
  %1 = call @L0(%arg0) : (memref<4xf32>) -> memref<4xf32>
  %2 = call @tail(%1, %0) : (memref<4xf32>, memref<4xf32>) -> memref<4xf32>
  return %2 : memref<4xf32>
}

// The instances: declarations of their type, private, without attributes.
// CHECK: func.func private @L2(memref<4xf32>) -> memref<4xf32>{{$}}
func.func @L2(%arg0: memref<4xf32>) -> memref<4xf32> attributes {llvm.emit_c_interface} {
  %0 = memref.get_global @w2 : memref<4xf32>
  %1 = call @L1(%arg0) : (memref<4xf32>) -> memref<4xf32>
  %2 = call @tail(%1, %0) : (memref<4xf32>, memref<4xf32>) -> memref<4xf32>
  return %2 : memref<4xf32>
}

// CHECK: func.func private @L3(memref<4xf32>) -> memref<4xf32>{{$}}
func.func @L3(%arg0: memref<4xf32>) -> memref<4xf32> attributes {llvm.emit_c_interface} {
  %0 = memref.get_global @w3 : memref<4xf32>
  %1 = call @L2(%arg0) : (memref<4xf32>) -> memref<4xf32>
  %2 = call @tail(%1, %0) : (memref<4xf32>, memref<4xf32>) -> memref<4xf32>
  return %2 : memref<4xf32>
}

// Not instances of L1:
// a mutable global instead of a constant one,
// CHECK-LABEL: func.func @reads_mutable(
// CHECK-NOT: ternary.instances
// CHECK: memref.get_global @mutable
func.func @reads_mutable(%arg0: memref<4xf32>) -> memref<4xf32> attributes {llvm.emit_c_interface} {
  %0 = memref.get_global @mutable : memref<4xf32>
  %1 = call @L1(%arg0) : (memref<4xf32>) -> memref<4xf32>
  %2 = call @tail(%1, %0) : (memref<4xf32>, memref<4xf32>) -> memref<4xf32>
  return %2 : memref<4xf32>
}

// a private callee where L1 calls a public one,
// CHECK-LABEL: func.func @calls_private(
// CHECK: call @tail(%arg0, %0)
func.func @calls_private(%arg0: memref<4xf32>) -> memref<4xf32> attributes {llvm.emit_c_interface} {
  %0 = memref.get_global @w1 : memref<4xf32>
  %1 = call @tail(%arg0, %0) : (memref<4xf32>, memref<4xf32>) -> memref<4xf32>
  %2 = call @tail(%1, %0) : (memref<4xf32>, memref<4xf32>) -> memref<4xf32>
  return %2 : memref<4xf32>
}

// a callee of the same kind under another name is renamed like a global,
// CHECK: func.func private @renamed_callee(memref<4xf32>) -> memref<4xf32>{{$}}
func.func private @other(%arg0: memref<4xf32>, %arg1: memref<4xf32>) -> memref<4xf32> {
  return %arg0 : memref<4xf32>
}
func.func @renamed_callee(%arg0: memref<4xf32>) -> memref<4xf32> attributes {llvm.emit_c_interface} {
  %0 = memref.get_global @w1 : memref<4xf32>
  %1 = call @L1(%arg0) : (memref<4xf32>) -> memref<4xf32>
  %2 = call @other(%1, %0) : (memref<4xf32>, memref<4xf32>) -> memref<4xf32>
  return %2 : memref<4xf32>
}

// and other attributes (no C interface).
// CHECK-LABEL: func.func @no_interface(
// CHECK: call @L1
func.func @no_interface(%arg0: memref<4xf32>) -> memref<4xf32> {
  %0 = memref.get_global @w1 : memref<4xf32>
  %1 = call @L1(%arg0) : (memref<4xf32>) -> memref<4xf32>
  %2 = call @tail(%1, %0) : (memref<4xf32>, memref<4xf32>) -> memref<4xf32>
  return %2 : memref<4xf32>
}

// A function that reads a global of another type is no instance either.
// CHECK-LABEL: func.func @reads_long(
// CHECK: memref.get_global @long
func.func @reads_long(%arg0: memref<4xf32>) -> memref<8xf32> attributes {llvm.emit_c_interface} {
  %0 = memref.get_global @long : memref<8xf32>
  return %0 : memref<8xf32>
}

// A symbol of the template used twice must be renamed one way:
// twice_b is an instance of twice_a, twice_c (@w0 as both @w1 and @w2) is
// not.
// CHECK-LABEL: func.func @twice_a(
// CHECK-SAME: ternary.instances = {{\[\[}}@twice_a, @w0, @tail], {{\[}}@twice_b, @w1, @tail]]
// CHECK: func.func private @twice_b(memref<4xf32>) -> memref<4xf32>{{$}}
// CHECK-LABEL: func.func @twice_c(
// CHECK: memref.get_global @w1
// CHECK: memref.get_global @w2
func.func @twice_a(%arg0: memref<4xf32>) -> memref<4xf32> {
  %0 = memref.get_global @w0 : memref<4xf32>
  %1 = memref.get_global @w0 : memref<4xf32>
  %2 = call @tail(%0, %1) : (memref<4xf32>, memref<4xf32>) -> memref<4xf32>
  return %2 : memref<4xf32>
}
func.func @twice_b(%arg0: memref<4xf32>) -> memref<4xf32> {
  %0 = memref.get_global @w1 : memref<4xf32>
  %1 = memref.get_global @w1 : memref<4xf32>
  %2 = call @tail(%0, %1) : (memref<4xf32>, memref<4xf32>) -> memref<4xf32>
  return %2 : memref<4xf32>
}
func.func @twice_c(%arg0: memref<4xf32>) -> memref<4xf32> {
  %0 = memref.get_global @w1 : memref<4xf32>
  %1 = memref.get_global @w2 : memref<4xf32>
  %2 = call @tail(%0, %1) : (memref<4xf32>, memref<4xf32>) -> memref<4xf32>
  return %2 : memref<4xf32>
}

// STATS: triton-fold-function-instances
// STATS-DAG: 4 instances
// STATS-DAG: 2 templates
