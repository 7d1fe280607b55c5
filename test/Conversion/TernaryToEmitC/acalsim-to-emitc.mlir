// RUN: triton-opt %s --convert-acalsim-to-emitc | FileCheck %s
// RUN: triton-opt %s --convert-acalsim-to-emitc | triton-translate --mlir-to-cpp | FileCheck %s --check-prefix=C
// convert-acalsim-to-emitc on a bufferized module: a static allocation
// becomes a private global, the public function is wrapped in an entry that
// returns the run's status, the kernel declaration's calls become
// emitc.call_opaque of its C name with arrays as pointers to their first
// element, math without an upstream pattern calls libm (tanhf), maximumf
// and minimumf call fmaxf / fminf but return NaN when an operand is NaN (C's
// fmaxf returns the other operand), the rest goes through the upstream
// *-to-emitc patterns.

func.func private @acalsim_kernel_0(memref<2x8xf32>, memref<2x4xf32>) attributes {acalsim.c_args = [0 : index, "0", 1 : index, "2", "ACALSIM_OFFLOAD_DEVICE"], acalsim.c_name = "acalsim_kernel"}

func.func @forward(%x: memref<2x8xf32>, %out: memref<2x4xf32> {bufferize.result}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %buffer = memref.alloc() : memref<2x4xf32>
  call @acalsim_kernel_0(%x, %buffer) : (memref<2x8xf32>, memref<2x4xf32>) -> ()
  scf.for %i = %c0 to %c2 step %c1 {
    scf.for %j = %c0 to %c4 step %c1 {
      %v = memref.load %buffer[%i, %j] : memref<2x4xf32>
      %t = math.tanh %v : f32
      %r = arith.maximumf %t, %zero : f32
      %m = arith.minimumf %r, %v : f32
      memref.store %m, %out[%i, %j] : memref<2x4xf32>
    }
  }
  memref.dealloc %buffer : memref<2x4xf32>
  return
}

// CHECK: module attributes {acalsim.entry_inputs = {forward = 1 : i64}}
// CHECK: emitc.include "acalsim.h"
// CHECK: emitc.global static @acalsim_buffer_0 : !emitc.array<2x4xf32>
// CHECK-NOT: acalsim_kernel_0
// CHECK: emitc.func private @forward_body(%[[X:.*]]: !emitc.array<2x8xf32>, %[[OUT:.*]]: !emitc.array<2x4xf32> {bufferize.result})
// CHECK: %[[BUF:.*]] = get_global @acalsim_buffer_0 : !emitc.array<2x4xf32>
// CHECK: %[[XE:.*]] = subscript %[[X]][%{{.*}}, %{{.*}}]
// CHECK: %[[XP:.*]] = apply "&"(%[[XE]]) : (!emitc.lvalue<f32>) -> !emitc.ptr<f32>
// CHECK: %[[BE:.*]] = subscript %[[BUF]][%{{.*}}, %{{.*}}]
// CHECK: %[[BP:.*]] = apply "&"(%[[BE]])
// CHECK: call_opaque "acalsim_kernel"(%[[XP]], %[[BP]]) {args = [0 : index, #emitc.opaque<"0">, 1 : index, #emitc.opaque<"2">, #emitc.opaque<"ACALSIM_OFFLOAD_DEVICE">]}
// CHECK: call_opaque "tanhf"
// CHECK: call_opaque "fmaxf"
// CHECK: call_opaque "fminf"
// CHECK-NOT: dealloc
// CHECK: emitc.func @forward(%{{.*}}: !emitc.array<2x8xf32>, %{{.*}}: !emitc.array<2x4xf32> {bufferize.result}) -> i32
// CHECK-NEXT: call_opaque "acalsim_run_begin"()
// CHECK-NEXT: call @forward_body
// CHECK-NEXT: %[[S:.*]] = call_opaque "acalsim_run_end"() {args = []} : () -> i32
// CHECK-NEXT: return %[[S]] : i32

// C: static float acalsim_buffer_0[2][4];
// C: static void forward_body(float [[X:v[0-9]+]][2][8], float [[OUT:v[0-9]+]][2][4]) {
// C: acalsim_kernel({{v[0-9]+}}, 0, {{v[0-9]+}}, 2, ACALSIM_OFFLOAD_DEVICE);
// C: float [[T:v[0-9]+]] = tanhf([[V:v[0-9]+]]);
// C-NEXT: bool [[TN:v[0-9]+]] = [[T]] != [[T]];
// C-NEXT: bool [[ZN:v[0-9]+]] = [[Z:v[0-9]+]] != [[Z]];
// C-NEXT: bool [[U:v[0-9]+]] = [[TN]] || [[ZN]];
// C-NEXT: float [[NAN:v[0-9]+]] = [[T]] + [[Z]];
// C-NEXT: float [[MAX:v[0-9]+]] = fmaxf([[T]], [[Z]]);
// C-NEXT: float [[R:v[0-9]+]] = [[U]] ? [[NAN]] : [[MAX]];
// C: float [[MIN:v[0-9]+]] = fminf([[R]], [[V]]);
// C-NEXT: float {{v[0-9]+}} = {{v[0-9]+}} ? {{v[0-9]+}} : [[MIN]];
// C: int32_t forward(
