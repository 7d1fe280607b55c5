//===- Pipelines.cpp - Named pass pipelines of the ternary compiler -------===//
#include "triton/Pipelines/Pipelines.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include "triton/Conversion/Passes.h"

using namespace mlir;
using namespace mlir::triton;

/// Folding and dead code: what -O1 runs, and -O2 again after fusion.
static void addCleanup(OpPassManager &pm) {
  pm.addPass(createCanonicalizerPass());
  pm.addPass(ternary::createTernaryFoldConstants());
  pm.addPass(createCSEPass());
  pm.addPass(ternary::createTernaryRemoveUnusedParams());
  pm.addPass(createSymbolDCEPass());
}

void mlir::triton::buildTernaryOptimizePipeline(
    OpPassManager &pm, const TernaryOptimizeOptions &options) {
  if (options.optLevel == 0)
    return;
  addCleanup(pm);
  if (options.optLevel < 2)
    return;
  ternary::TernaryQuantFusionOptions fusion;
  fusion.fuseBias = ternary::targetHasFusedBias(options.target);
  pm.addPass(ternary::createTernaryQuantFusion(fusion));
  // Fusion exposes packs of constant trits and params read only through
  // quantize: fold them before choosing the layout.
  pm.addPass(ternary::createTernaryFoldConstants());
  ternary::TernaryLayoutOptions layout;
  layout.target = options.target;
  pm.addPass(ternary::createTernaryLayout(layout));
  addCleanup(pm);
}

void mlir::triton::buildTernaryToLLVMPipeline(
    OpPassManager &pm, const TernaryToLLVMOptions &options) {
  pm.addPass(ternary::createTernaryFlattenLayers());
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
  }

  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::BufferDeallocationPipelineOptions deallocation;
  bufferization::buildBufferDeallocationPipeline(pm, deallocation);
  // bufferization.clone (buffers returned without ownership) -> memref.
  pm.addPass(createConvertBufferizationToMemRefPass());
  // Copies into strided views (tensor.pad) become loops instead of calls of
  // memrefCopy, which only MLIR's C runner utilities define.
  pm.addPass(createMemRefCopyToLinalg());

  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  // What LLVM has no intrinsic for (tanh, erf, ...) calls libm.
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::triton::buildTernaryCPUPipeline(OpPassManager &pm,
                                           const TernaryCPUOptions &options) {
  TernaryOptimizeOptions optimize;
  optimize.optLevel = options.optLevel;
  optimize.target = ternary::Target::cpu;
  buildTernaryOptimizePipeline(pm, optimize);
  TernaryToLLVMOptions lowering;
  lowering.useMicrokernels = options.useMicrokernels;
  lowering.fuseElementwise = options.optLevel >= 2;
  buildTernaryToLLVMPipeline(pm, lowering);
}

void mlir::triton::registerTernaryPipelines() {
  PassPipelineRegistration<TernaryOptimizeOptions>(
      "ternary-optimize",
      "The ternary optimizations of one level (opt-level=0|1|2) for one "
      "target (target=cpu|gpu|pytorch|onnx|acalsim)",
      buildTernaryOptimizePipeline);
  PassPipelineRegistration<TernaryToLLVMOptions>(
      "ternary-to-llvm",
      "Lower ternary + upstream tensor IR to the LLVM dialect "
      "(use-microkernels, fuse-elementwise)",
      buildTernaryToLLVMPipeline);
  PassPipelineRegistration<TernaryCPUOptions>(
      "ternary-cpu",
      "ternary-optimize for the CPU at opt-level=0|1|2, then ternary-to-llvm "
      "(use-microkernels)",
      buildTernaryCPUPipeline);
}
