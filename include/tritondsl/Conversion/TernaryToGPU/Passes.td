//===- Passes.td - Ternary to GPU (the PTX target) ---------*- tablegen -*-===//
//
// The ternary-specific pass of --target=ptx (docs/targets/ptx.md); the rest
// of the ternary-gpu pipeline is upstream MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef TRITON_CONVERSION_TERNARYTOGPU_PASSES_TD
#define TRITON_CONVERSION_TERNARYTOGPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertTernaryToGPU : Pass<"convert-ternary-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Lower ternary.matmul to GPU kernels on packed weights, "
                "the other ternary ops to linalg";
  let description = [{
    Runs after `ternary-flatten-layers`, on tensors. A `ternary.matmul` with
    a 2-D `f32` input, an `f32` result and offset2 weights packed along K
    (the PTX target's layout) becomes a `gpu.launch_func` of a kernel of
    `gpu.module @ternary_kernels` on the buffers of its operands
    (`bufferization.to_buffer`, a `memref.alloc` for the result, and
    `bufferization.to_tensor` of it):

    * `ternary_gemv_f32` when the batch M is at most `gemv-max-batch`: one
      warp per output column reads the column's packed bytes (consecutive
      lanes, consecutive bytes), decodes 4 trits per byte with shifts and
      masks, adds/subtracts/skips the activation (no multiplication by a
      weight; f32 accumulation) and sums the lanes with a `gpu.shuffle xor`
      butterfly; grid `(ceildiv(N, 8), M)`, 256 threads.
    * `ternary_gemm_f32` otherwise: a 32x8 block computes a 32x32 tile of
      the result, 4 tokens per thread, the activations staged in
      workgroup (shared) memory in chunks of 64 along K; grid
      `(ceildiv(N, 32), ceildiv(M, 32))`.

    A dynamic M chooses between the two at run time (`scf.if`). The weights
    stay packed: the kernels read the `i8` storage of the `!ternary.packed`
    value, and no dense copy of W is made. The kernels are written in MLIR
    (lib/Conversion/TernaryToGPU/TernaryKernels.mlir) and copied into the
    module once; the module gets `gpu.container_module`.

    Every other ternary op, and a matmul the kernels do not cover (`i8`
    input, another layout, an input of rank 3 or more), is lowered as
    `convert-ternary-to-linalg` does (still on the packed bytes); the
    upstream linalg -> parallel loops -> gpu passes of `ternary-gpu` run it.
    Function signatures are converted as in `convert-ternary-to-linalg`.
  }];
  let options = [
    Option<"gemvMaxBatch", "gemv-max-batch", "int64_t", /*default=*/"16",
           "The largest batch M that runs the GEMV kernel; larger batches "
           "run the tiled kernel">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::NVVM::NVVMDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
}

#endif // TRITON_CONVERSION_TERNARYTOGPU_PASSES_TD
