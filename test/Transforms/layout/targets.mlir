// ternary-layout's target table: cpu, gpu, pytorch and onnx read offset2
// along K (the default layout, not printed), acalsim reads base3 along K; an
// unknown target is rejected by the option parser.
// RUN: triton-opt %s -ternary-layout=target=cpu | FileCheck %s --check-prefix=OFFSET2
// RUN: triton-opt %s -ternary-layout=target=gpu | FileCheck %s --check-prefix=OFFSET2
// RUN: triton-opt %s -ternary-layout=target=pytorch | FileCheck %s --check-prefix=OFFSET2
// RUN: triton-opt %s -ternary-layout=target=onnx | FileCheck %s --check-prefix=OFFSET2
// RUN: triton-opt %s -ternary-layout=target=acalsim | FileCheck %s --check-prefix=BASE3
// RUN: triton-opt %s -ternary-layout | FileCheck %s --check-prefix=OFFSET2
// RUN: not triton-opt %s -ternary-layout=target=tpu 2>&1 | FileCheck %s --check-prefix=BAD

// A weight argument in offset2 along N: relayout at run time into the target.
// OFFSET2: ternary.relayout %{{.*}} : !ternary.packed<8x4, #ternary.layout<offset2, axis = 1>> -> !ternary.packed<8x4>{{$}}
// OFFSET2-NEXT: ternary.matmul %{{.*}}, %{{.*}} : tensor<2x8xf32>, !ternary.packed<8x4> -> tensor<2x4xf32>
// BASE3: ternary.relayout %{{.*}} : !ternary.packed<8x4, #ternary.layout<offset2, axis = 1>> -> !ternary.packed<8x4, #ternary.layout<base3, axis = 0>>
// BASE3-NEXT: ternary.matmul %{{.*}}, %{{.*}} : tensor<2x8xf32>, !ternary.packed<8x4, #ternary.layout<base3, axis = 0>> -> tensor<2x4xf32>
// BAD: Cannot find option named 'tpu'
func.func @weights(%x: tensor<2x8xf32>, %p: !ternary.packed<8x4, #ternary.layout<offset2, axis = 1>>) -> tensor<2x4xf32> {
  %y = ternary.matmul %x, %p : tensor<2x8xf32>, !ternary.packed<8x4, #ternary.layout<offset2, axis = 1>> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
