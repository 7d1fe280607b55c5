// triton-translate --to-cpu (tritondsl::emitObjectFile, the
// API tritonc calls) turns the LLVM-dialect output of ternary-cpu into a host
// ELF object; linked into a shared library it exports the C entry of every
// public layer function (`<Layer>_<fn>` and `_mlir_ciface_<Layer>_<fn>`),
// carries the packed weights as i8 data, and the e2e test runs it against
// numpy (test/e2e/cpu, --emitter triton-translate).
// RUN: triton-opt %s -ternary-cpu=opt-level=2 | triton-translate --to-cpu -o %t.o
// RUN: llvm-nm %t.o | FileCheck %s --check-prefix=OBJECT
// RUN: %{cc} -shared %t.o -o %t.so -lm
// RUN: llvm-nm -D --defined-only %t.so | FileCheck %s --check-prefix=LIBRARY
// RUN: triton-opt %s -ternary-cpu=opt-level=0 | triton-translate --to-cpu --target-opt-level=0 -o %t0.o
// RUN: llvm-nm %t0.o | FileCheck %s --check-prefix=OBJECT
// An op that has no LLVM IR translation is refused with an error.
// RUN: echo 'llvm.func @f() -> i32 { %0 = builtin.unrealized_conversion_cast to i32 ; llvm.return %0 : i32 }' | sed 's/;/\n/' | not triton-translate --to-cpu -o /dev/null 2>&1 | FileCheck %s --check-prefix=ERROR

// OBJECT-DAG: T Linear_forward
// OBJECT-DAG: T _mlir_ciface_Linear_forward
// OBJECT-DAG: U malloc
// LIBRARY-DAG: T Linear_forward
// LIBRARY-DAG: T _mlir_ciface_Linear_forward
// ERROR: error: cannot translate the module to LLVM IR

ternary.layer @Linear {
  ternary.param @w : !ternary.packed<8x4> = dense<[146, 81, 70, 86, 85, 85, 170, 86]> : tensor<8xui8>
  ternary.param @b : tensor<4xf32> = dense<[0.5, -0.5, 1.0, 0.0]> : tensor<4xf32>
  func.func @forward(%x: tensor<?x8xf32>) -> tensor<?x4xf32> {
    %w = ternary.get_param @w : !ternary.packed<8x4>
    %b = ternary.get_param @b : tensor<4xf32>
    %y = ternary.matmul %x, %w bias %b : tensor<?x8xf32>, !ternary.packed<8x4>, tensor<4xf32> -> tensor<?x4xf32>
    return %y : tensor<?x4xf32>
  }
}
