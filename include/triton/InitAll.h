//===- InitAll.h - Register everything the ternary tools use ----*- C++ -*-===//
//
// The one place that registers dialects, passes and translations for
// triton-opt, triton-translate and tritonc (and for embedders that want the
// same set).
//
//===----------------------------------------------------------------------===//
#ifndef TRITON_INITALL_H
#define TRITON_INITALL_H

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/InitAllTranslations.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

#include "triton/Conversion/Passes.h"
#include "triton/Dialect/Ternary/IR/TernaryOps.h"
#include "triton/Frontend/MLIRGen.h"
#include "triton/Dialect/Ternary/Transforms/Passes.h"
#include "triton/Pipelines/Pipelines.h"
#include "triton/Target/CPU/ObjectEmitter.h"
#include "triton/Target/PyTorch/PyTorchEmitter.h"

namespace mlir::triton {

/// Our dialects only: what an embedding compiler needs.
inline void registerTernaryDialects(DialectRegistry &registry) {
  ternary::registerTernaryDialect(registry);
}

/// Every upstream dialect and extension (including GPU/NVVM targets and the
/// LLVM IR translation interfaces) plus ours.
inline void registerAllDialects(DialectRegistry &registry) {
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
  registerTernaryDialects(registry);
}

/// Our passes and pipelines only (link TritonTernaryPipelines).
inline void registerTernaryPasses() {
  ternary::registerTernaryTransformsPasses();
  registerTritonConversionPasses();
  registerTernaryPipelines();
}

/// Every upstream pass plus ours.
inline void registerAllPasses() {
  mlir::registerAllPasses();
  registerTernaryPasses();
}

/// Every upstream translation plus ours: `--import-dsl` (the .tri front
/// end), `--ternary-to-cpu-object` and `--to-pytorch`; the registration
/// point for the ONNX, PTX and ACALSim targets. Tools that call this link
/// TritonFrontend, TritonTargetCPU and TritonTargetPyTorch.
inline void registerAllTranslations() {
  mlir::registerAllTranslations();
  frontend::registerImportDSLTranslation();
  registerCPUObjectTranslation();
  registerToPyTorchTranslation();
}

} // namespace mlir::triton

#endif // TRITON_INITALL_H
