// triton-opt registers the GPU and NVVM target extensions, so later GPU
// pipelines can serialize kernels to PTX with gpu-module-to-binary.
// RUN: triton-opt %s -gpu-module-to-binary=format=isa | FileCheck %s

// CHECK: gpu.binary @kernels
// CHECK-SAME: #nvvm.target<chip = "sm_80", features = "+ptx80">
// CHECK-SAME: .version 8.0
// CHECK-SAME: .target sm_80
// CHECK-SAME: .visible .entry scale
// CHECK-NOT: gpu.module
module attributes {gpu.container_module} {
  gpu.module @kernels [#nvvm.target<chip = "sm_80", features = "+ptx80">] {
    llvm.func @scale(%arg0: !llvm.ptr) attributes {gpu.kernel, nvvm.kernel} {
      llvm.return
    }
  }
}
