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
#ifndef TRITONDSL_PIPELINES_PIPELINES_H
#define TRITONDSL_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"
#include "tritondsl/Dialect/Ternary/Transforms/Passes.h"
#include "tritondsl/Target/Target.h"

#include "tritondsl/Support/LLVM.h"

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace tritondsl {

/// Options of `ternary-optimize` (and of tritonc's -O and --target).
struct TernaryOptimizeOptions
    : public PassPipelineOptions<TernaryOptimizeOptions> {
  PassOptions::Option<unsigned> optLevel{
      *this, "opt-level",
      llvm::cl::desc("Optimization level: 0 (none), 1 (folding and dead "
                     "code), 2 (also quantization fusion and layout)"),
      llvm::cl::init(2)};
  PassOptions::Option<std::string> target{
      *this, "target",
      llvm::cl::desc("The code generation target whose weight encoding and "
                     "fused-bias form to optimize for: a registered target "
                     "(tritonc --list-targets)"),
      llvm::cl::init("cpu")};
};

/// Adds the optimizations of `optLevel` for `target` to `pm` (a pass manager
/// on builtin.module):
///   -O0  nothing: the lowering handles the IR as the front end wrote it;
///   -O1  canonicalize, ternary-fold-constants, cse,
///        ternary-remove-unused-params, symbol-dce;
///   -O2  -O1, then ternary-quant-fusion (bias fused where the target has a
///        fused form), ternary-fold-constants, ternary-layout for the target,
///        and the -O1 clean-up again.
void buildTernaryOptimizePipeline(OpPassManager &pm, unsigned optLevel,
                                  const TargetBackend &target);

/// The same for the options of the `ternary-optimize` pipeline; fails, with
/// the list of known targets, when `options.target` names no registered
/// target.
LogicalResult
buildTernaryOptimizePipeline(OpPassManager &pm,
                             const TernaryOptimizeOptions &options,
                             llvm::function_ref<LogicalResult(const llvm::Twine &)>
                                 errorHandler);

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
  PassOptions::Option<bool> shareRepeatedCode{
      *this, "share-repeated-code",
      llvm::cl::desc("Compile the code that layers repeat once "
                     "(triton-share-repeated-code)"),
      llvm::cl::init(true)};
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

/// The tail of ternary-to-llvm: structured control flow, memref, math,
/// vector, arith, index, func and cf ops to the LLVM dialect (memref
/// descriptors expanded into scalars at function boundaries) and
/// reconcile-unrealized-casts. Also lowers the kernels of the GPU emulator.
void buildLoopsToLLVMPipeline(OpPassManager &pm);

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

/// ternary-optimize for the CPU target at `optLevel`, then ternary-to-llvm
/// (with elementwise fusion from -O2 on): the CPU target's whole pipeline.
/// Needs the CPU target registered.
void buildTernaryCPUPipeline(OpPassManager &pm,
                             const TernaryCPUOptions &options);

/// Registers `ternary-optimize` and `ternary-to-llvm` with the pass registry
/// (triton-opt).
void registerTernaryPipelines();

/// Registers `ternary-cpu` (done by registerCPUTarget).
void registerTernaryCPUPipeline();

} // namespace tritondsl

#endif // TRITONDSL_PIPELINES_PIPELINES_H
