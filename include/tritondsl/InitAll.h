//===- InitAll.h - Register everything the ternary tools use ----*- C++ -*-===//
//
// The one place that registers dialects, passes and translations for
// triton-opt, triton-translate and tritonc (and for embedders that want the
// same set).
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_INITALL_H
#define TRITONDSL_INITALL_H

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/InitAllTranslations.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

#include "tritondsl/Conversion/Passes.h"
#include "tritondsl/Conversion/TernaryToLinalg/CallBufferization.h"
#include "tritondsl/Conversion/TernaryToEmitC/Passes.h"
#include "tritondsl/Conversion/TernaryToGPU/Passes.h"
#include "tritondsl/Dialect/Ternary/IR/TernaryOps.h"
#include "tritondsl/Frontend/MLIRGen.h"
#include "tritondsl/Dialect/Ternary/Transforms/Passes.h"
#include "tritondsl/Pipelines/Pipelines.h"
#include "tritondsl/Target/ACALSim/ACALSimTarget.h"
#include "tritondsl/Target/CPU/CPUTarget.h"
#include "tritondsl/Target/ONNX/ONNXTarget.h"
#include "tritondsl/Target/PTX/PTXTarget.h"
#include "tritondsl/Target/PyTorch/PyTorchTarget.h"
#include "tritondsl/Target/Target.h"
#include "tritondsl/Support/LLVM.h"

namespace tritondsl {

/// Our dialects only: what an embedding compiler needs.
inline void registerTernaryDialects(DialectRegistry &registry) {
  ternary::registerTernaryDialect(registry);
}

/// Every upstream dialect and extension (including GPU/NVVM targets and the
/// LLVM IR translation interfaces) plus ours.
inline void registerAllDialects(DialectRegistry &registry) {
  // Before upstream's: our func.call bufferization (linear in the number of
  // calls) is the model MLIR keeps.
  registerCallBufferization(registry);
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
  registerTernaryDialects(registry);
}

/// Our passes and pipelines only (link TritonTernaryPipelines).
inline void registerTernaryPasses() {
  ternary::registerTernaryTransformsPasses();
  registerTritonConversionPasses();
  registerTritonTernaryToEmitCPasses();
  registerTritonTernaryToGPUPasses();
  registerTernaryPipelines();
}

/// Every target (lib/Target/<Name>/), one line each: adding a target is
/// its folder plus its line here (docs/targets/README.md). Idempotent and
/// thread-safe; tools, the driver's Compiler and the Python module call it.
inline void registerAllTargets() {
  registerACALSimTarget();
  registerCPUTarget();
  registerONNXTarget();
  registerPTXTarget();
  registerPyTorchTarget();
}

/// Every upstream pass plus ours.
inline void registerAllPasses() {
  mlir::registerAllPasses();
  registerTernaryPasses();
  registerAllTargets();
}

/// Every upstream translation plus ours: `--import-dsl` (the .tri front
/// end) and `--to-<target>` for every registered target.
inline void registerAllTranslations() {
  mlir::registerAllTranslations();
  frontend::registerImportDSLTranslation();
  registerAllTargets();
  registerTargetTranslations();
}

} // namespace tritondsl

#endif // TRITONDSL_INITALL_H
