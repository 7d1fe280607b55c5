// ternary-gpu-invariant-loads: in a kernel marked ternary.read_only_inputs,
// a load whose address is a GEP chain on an llvm.readonly argument becomes
// invariant (ld.global.nc once NVPTX selects it); a load from another
// argument, and every load of an unmarked kernel, stays as it was.
// RUN: triton-opt %s -pass-pipeline='builtin.module(gpu.module(ternary-gpu-invariant-loads))' | FileCheck %s

gpu.module @kernels {
  // CHECK-LABEL: llvm.func @marked(
  llvm.func @marked(%x: !llvm.ptr {llvm.readonly}, %y: !llvm.ptr, %i: i64)
      attributes {gpu.kernel, nvvm.kernel, ternary.read_only_inputs} {
    // CHECK: %[[A:.*]] = llvm.getelementptr
    // CHECK: %[[B:.*]] = llvm.getelementptr %[[A]]
    // CHECK: llvm.load %[[B]] invariant : !llvm.ptr -> vector<4xi32>
    %a = llvm.getelementptr %x[%i] : (!llvm.ptr, i64) -> !llvm.ptr, i32
    %b = llvm.getelementptr %a[4] : (!llvm.ptr) -> !llvm.ptr, i32
    %v = llvm.load %b : !llvm.ptr -> vector<4xi32>
    // CHECK: llvm.load %{{.*}} invariant : !llvm.ptr -> f32
    %f = llvm.load %x : !llvm.ptr -> f32
    // The result: read and written, not invariant.
    // CHECK: %[[OUT:.*]] = llvm.getelementptr %{{.*}}[%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, f32
    // CHECK: llvm.load %[[OUT]] : !llvm.ptr -> f32
    %o = llvm.getelementptr %y[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
    %old = llvm.load %o : !llvm.ptr -> f32
    %sum = llvm.fadd %old, %f : f32
    llvm.store %sum, %o : f32, !llvm.ptr
    llvm.return
  }

  // Without the attribute nothing says that %y is not %x.
  // CHECK-LABEL: llvm.func @unmarked(
  // CHECK-NOT: invariant
  // CHECK: llvm.return
  llvm.func @unmarked(%x: !llvm.ptr {llvm.readonly}, %y: !llvm.ptr)
      attributes {gpu.kernel, nvvm.kernel} {
    %f = llvm.load %x : !llvm.ptr -> f32
    llvm.store %f, %y : f32, !llvm.ptr
    llvm.return
  }
}
