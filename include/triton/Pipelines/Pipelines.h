//===- Pipelines.h - Named pass pipelines of the ternary compiler -*- C++ -*-===//
//
// The pipelines that tritonc runs and that triton-opt exposes by name:
//
//   ternary-optimize   the optimization levels -O0/-O1/-O2 (on ternary IR)
//   ternary-to-llvm    flattening, convert-ternary-to-linalg, bufferization
//                      and the upstream conversions to the LLVM dialect
//   ternary-cpu        ternary-optimize (target=cpu) then ternary-to-llvm
//
// Link TritonTernaryPipelines to use them.
//
//===----------------------------------------------------------------------===//
#ifndef TRITON_PIPELINES_PIPELINES_H
#define TRITON_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"
#include "triton/Dialect/Ternary/Transforms/Passes.h"

namespace mlir {
class OpPassManager;
namespace triton {

/// Options of `ternary-optimize` (and of tritonc's -O and --target).
struct TernaryOptimizeOptions
    : public PassPipelineOptions<TernaryOptimizeOptions> {
  PassOptions::Option<unsigned> optLevel{
      *this, "opt-level",
      llvm::cl::desc("Optimization level: 0 (none), 1 (folding and dead "
                     "code), 2 (also quantization fusion and layout)"),
      llvm::cl::init(2)};
  PassOptions::Option<ternary::Target> target{
      *this, "target", llvm::cl::desc("The code generation target"),
      llvm::cl::init(ternary::Target::cpu),
      llvm::cl::values(
          clEnumValN(ternary::Target::cpu, "cpu", "LLVM CPU code"),
          clEnumValN(ternary::Target::gpu, "gpu", "PTX kernels"),
          clEnumValN(ternary::Target::pytorch, "pytorch",
                     "PyTorch nn.Module source"),
          clEnumValN(ternary::Target::onnx, "onnx", "ONNX model"),
          clEnumValN(ternary::Target::acalsim, "acalsim",
                     "RISC-V C for ACALSim"))};
};

/// Adds the optimizations of `options.optLevel` for `options.target` to `pm`
/// (a pass manager on builtin.module):
///   -O0  nothing: the lowering handles the IR as the front end wrote it;
///   -O1  canonicalize, ternary-fold-constants, cse,
///        ternary-remove-unused-params, symbol-dce;
///   -O2  -O1, then ternary-quant-fusion (bias fused where the target has a
///        fused form), ternary-fold-constants, ternary-layout for the target,
///        and the -O1 clean-up again.
void buildTernaryOptimizePipeline(OpPassManager &pm,
                                  const TernaryOptimizeOptions &options);

/// Options of `ternary-to-llvm`.
struct TernaryToLLVMOptions
    : public PassPipelineOptions<TernaryToLLVMOptions> {
  PassOptions::Option<bool> useMicrokernels{
      *this, "use-microkernels",
      llvm::cl::desc("Lower eligible matmuls to calls of the runtime "
                     "micro-kernels (link runtime/ternary_kernels.c)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> fuseElementwise{
      *this, "fuse-elementwise",
      llvm::cl::desc("Fuse elementwise linalg ops before bufferization"),
      llvm::cl::init(false)};
};

/// Lowers a module of ternary + upstream ops on tensors to the LLVM dialect
/// only: ternary-flatten-layers, convert-ternary-to-linalg,
/// triton-decompose-linalg-aggregates, convert-elementwise-to-linalg,
/// canonicalize,
/// (linalg-fuse-elementwise-ops), one-shot-bufferize with function
/// boundaries (identity layouts), the buffer deallocation pipeline,
/// convert-bufferization-to-memref,
/// convert-linalg-to-loops, lower-affine, convert-scf-to-cf,
/// expand-strided-metadata, then math (LLVM intrinsics, else libm calls),
/// arith/index/memref/func/cf/ub to LLVM
/// and reconcile-unrealized-casts. The result is accepted by Debian's
/// mlir-opt and translates with mlir-translate --mlir-to-llvmir.
void buildTernaryToLLVMPipeline(OpPassManager &pm,
                                const TernaryToLLVMOptions &options);

/// Options of `ternary-cpu`: an optimization level and the lowering.
struct TernaryCPUOptions : public PassPipelineOptions<TernaryCPUOptions> {
  PassOptions::Option<unsigned> optLevel{
      *this, "opt-level", llvm::cl::desc("Optimization level (0, 1 or 2)"),
      llvm::cl::init(2)};
  PassOptions::Option<bool> useMicrokernels{
      *this, "use-microkernels",
      llvm::cl::desc("Lower eligible matmuls to runtime micro-kernel calls"),
      llvm::cl::init(false)};
};

/// ternary-optimize for the CPU at `optLevel`, then ternary-to-llvm (with
/// elementwise fusion from -O2 on).
void buildTernaryCPUPipeline(OpPassManager &pm,
                             const TernaryCPUOptions &options);

/// Registers the named pipelines with the pass registry (triton-opt).
void registerTernaryPipelines();

} // namespace triton
} // namespace mlir

#endif // TRITON_PIPELINES_PIPELINES_H
