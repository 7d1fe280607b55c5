// ternary-layout's encoding option: offset2 along K (the default layout, not
// printed; the default of the option) or base3 along K; an unknown encoding
// is rejected by the option parser. Which target reads which encoding is the
// target registry's business (Pipelines/optimize-targets.mlir).
// RUN: triton-opt %s -ternary-layout=encoding=offset2 | FileCheck %s --check-prefix=OFFSET2
// RUN: triton-opt %s -ternary-layout=encoding=base3 | FileCheck %s --check-prefix=BASE3
// RUN: triton-opt %s -ternary-layout | FileCheck %s --check-prefix=OFFSET2
// RUN: not triton-opt %s -ternary-layout=encoding=base4 2>&1 | FileCheck %s --check-prefix=BAD

// A weight argument in offset2 along N: relayout at run time into the target.
// OFFSET2: ternary.relayout %{{.*}} : !ternary.packed<8x4, #ternary.layout<offset2, axis = 1>> -> !ternary.packed<8x4>{{$}}
// OFFSET2-NEXT: ternary.matmul %{{.*}}, %{{.*}} : tensor<2x8xf32>, !ternary.packed<8x4> -> tensor<2x4xf32>
// BASE3: ternary.relayout %{{.*}} : !ternary.packed<8x4, #ternary.layout<offset2, axis = 1>> -> !ternary.packed<8x4, #ternary.layout<base3, axis = 0>>
// BASE3-NEXT: ternary.matmul %{{.*}}, %{{.*}} : tensor<2x8xf32>, !ternary.packed<8x4, #ternary.layout<base3, axis = 0>> -> tensor<2x4xf32>
// BAD: Cannot find option named 'base4'
func.func @weights(%x: tensor<2x8xf32>, %p: !ternary.packed<8x4, #ternary.layout<offset2, axis = 1>>) -> tensor<2x4xf32> {
  %y = ternary.matmul %x, %p : tensor<2x8xf32>, !ternary.packed<8x4, #ternary.layout<offset2, axis = 1>> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
