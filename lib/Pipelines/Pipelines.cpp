//===- Pipelines.cpp - Named pass pipelines of the ternary compiler -------===//
#include "tritondsl/Pipelines/Pipelines.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include "tritondsl/Conversion/Passes.h"

using namespace mlir;
using namespace tritondsl;

/// Folding and dead code: what -O1 runs, and -O2 again after fusion.
static void addCleanup(OpPassManager &pm) {
  pm.addPass(createCanonicalizerPass());
  pm.addPass(ternary::createTernaryFoldConstants());
  pm.addPass(createCSEPass());
  pm.addPass(ternary::createTernaryRemoveUnusedParams());
  pm.addPass(createSymbolDCEPass());
}

void tritondsl::buildTernaryOptimizePipeline(OpPassManager &pm,
                                             unsigned optLevel,
                                             const TargetBackend &target) {
  if (optLevel == 0)
    return;
  addCleanup(pm);
  if (optLevel < 2)
    return;
  ternary::TernaryQuantFusionOptions fusion;
  fusion.fuseBias = target.fusesBias();
  pm.addPass(ternary::createTernaryQuantFusion(fusion));
  // Fusion exposes packs of constant trits and params read only through
  // quantize: fold them before choosing the layout.
  pm.addPass(ternary::createTernaryFoldConstants());
  ternary::TernaryLayoutOptions layout;
  layout.encoding = target.getWeightEncoding();
  pm.addPass(ternary::createTernaryLayout(layout));
  addCleanup(pm);
}

LogicalResult tritondsl::buildTernaryOptimizePipeline(
    OpPassManager &pm, const TernaryOptimizeOptions &options,
    llvm::function_ref<LogicalResult(const llvm::Twine &)> errorHandler) {
  const TargetBackend *target = lookupTarget(options.target);
  if (!target)
    return errorHandler("ternary-optimize: " +
                        getUnknownTargetMessage(options.target));
  if (options.optLevel > 2)
    return errorHandler("ternary-optimize: opt-level must be 0, 1 or 2, got " +
                        llvm::Twine(options.optLevel.getValue()));
  buildTernaryOptimizePipeline(pm, options.optLevel, *target);
  return success();
}

void tritondsl::buildTernaryToLLVMPipeline(
    OpPassManager &pm, const TernaryToLLVMOptions &options) {
  pm.addPass(ternary::createTernaryFlattenLayers());
  pm.addPass(createTernaryEntryManifest());
  // With the micro-kernels, ternary convolutions become packed matmuls.
  if (options.useMicrokernels)
    pm.addNestedPass<func::FuncOp>(createTernaryConvToMatmul());
  // Layers that repeat the same code (with their own weights) share one
  // copy of it: compile time and code size grow with the distinct code, not
  // with the number of layers.
  if (options.shareRepeatedCode)
    pm.addPass(createShareRepeatedCode());
  ConvertTernaryToLinalgOptions lowering;
  lowering.useMicrokernels = options.useMicrokernels;
  pm.addPass(createConvertTernaryToLinalg(lowering));
  pm.addPass(createDecomposeLinalgAggregates());
  // Elementwise arith/math on tensors (e.g. a bias add written as
  // arith.addf) becomes linalg.generic, which bufferizes.
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  if (options.fuseElementwise) {
    pm.addPass(createLinalgElementwiseOpFusionPass());
    pm.addPass(createCanonicalizerPass());
    pm.addNestedPass<func::FuncOp>(createContractionLoopOrder());
    pm.addNestedPass<func::FuncOp>(createVectorizeElementwise());
  }

  // Upstream's own conversion of constants is quadratic in their number.
  pm.addPass(createTensorConstantsToGlobals());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // The short functions of a stack of equal layers (call the layer below,
  // call the shared code) differ only in the symbols they use: lower one of
  // each kind, copy it at the end.
  if (options.shareRepeatedCode)
    pm.addPass(createFoldFunctionInstances());
  bufferization::BufferDeallocationPipelineOptions deallocation;
  bufferization::buildBufferDeallocationPipeline(pm, deallocation);
  // bufferization.clone (buffers returned without ownership) -> memref.
  pm.addPass(createConvertBufferizationToMemRefPass());
  // Copies into strided views (tensor.pad) become loops instead of calls of
  // memrefCopy, which only MLIR's C runner utilities define.
  pm.addPass(createMemRefCopyToLinalg());
  // What triton-vectorize-elementwise made: n-D transfers to 1-D ones,
  // vector.mask to masked transfers.
  pm.addNestedPass<func::FuncOp>(createConvertVectorToSCFPass());
  pm.addNestedPass<func::FuncOp>(vector::createLowerVectorMaskPass());

  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  buildLoopsToLLVMPipeline(pm);
  if (options.shareRepeatedCode)
    pm.addPass(createExpandFunctionInstances());
}

void tritondsl::buildLoopsToLLVMPipeline(OpPassManager &pm) {
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // The conversions that need no module-level view run function by
  // function: a dialect conversion over the whole module grows faster than
  // linearly with its size (a program of thousands of layers), one per
  // function does not.
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addNestedPass<func::FuncOp>(createConvertMathToLLVMPass());
  // What LLVM has no intrinsic for (tanh, erf, ...) calls libm.
  pm.addPass(createConvertMathToLibmPass());
  // Vector ops: triton-vectorize-elementwise's, and the extracts/inserts
  // that math-to-libm unrolls vector calls into.
  pm.addNestedPass<func::FuncOp>(createConvertVectorToLLVMPass());
  pm.addNestedPass<func::FuncOp>(createArithToLLVMConversionPass());
  pm.addNestedPass<func::FuncOp>(createConvertIndexToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addNestedPass<LLVM::LLVMFuncOp>(createUBToLLVMConversionPass());
  pm.addNestedPass<LLVM::LLVMFuncOp>(createReconcileUnrealizedCastsPass());
  // Casts outside functions (none expected), and what the nested passes
  // could not see.
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void tritondsl::buildTernaryCPUPipeline(OpPassManager &pm,
                                        const TernaryCPUOptions &options) {
  const TargetBackend *cpu = lookupTarget("cpu");
  assert(cpu && "ternary-cpu is registered with the CPU target");
  buildTernaryOptimizePipeline(pm, options.optLevel, *cpu);
  TargetOptions targetOptions;
  targetOptions.optLevel = options.optLevel;
  targetOptions.useMicrokernels = options.useMicrokernels;
  cpu->buildPipeline(pm, targetOptions);
}

void tritondsl::registerTernaryPipelines() {
  // Registered through registerPassPipeline rather than
  // PassPipelineRegistration so that an unknown target is an error, not a
  // crash.
  registerPassPipeline(
      "ternary-optimize",
      "The ternary optimizations of one level (opt-level=0|1|2) for one "
      "registered target (target=cpu|pytorch|...)",
      [](OpPassManager &pm, llvm::StringRef optionsText,
         llvm::function_ref<LogicalResult(const llvm::Twine &)> errorHandler)
          -> LogicalResult {
        TernaryOptimizeOptions options;
        if (failed(options.parseFromString(optionsText)))
          return failure();
        return buildTernaryOptimizePipeline(pm, options, errorHandler);
      },
      [](llvm::function_ref<void(const detail::PassOptions &)> printOptions) {
        printOptions(TernaryOptimizeOptions());
      });
  PassPipelineRegistration<TernaryToLLVMOptions>(
      "ternary-to-llvm",
      "Lower ternary + upstream tensor IR to the LLVM dialect "
      "(use-microkernels, fuse-elementwise)",
      buildTernaryToLLVMPipeline);
}

void tritondsl::registerTernaryCPUPipeline() {
  PassPipelineRegistration<TernaryCPUOptions>(
      "ternary-cpu",
      "ternary-optimize for the CPU at opt-level=0|1|2, then ternary-to-llvm "
      "(use-microkernels)",
      buildTernaryCPUPipeline);
}
