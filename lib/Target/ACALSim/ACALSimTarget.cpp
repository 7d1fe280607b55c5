//===- ACALSimTarget.cpp - The ACALSim (RISC-V bare-metal C) target -------===//
//
// `--target=acalsim`: ternary-optimize with offset2 weights along K and the
// bias fused into the matmul (the device kernels add it), then the EmitC
// pipeline below and the directory emitter (ACALSimEmitter.cpp).
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Target/ACALSim/ACALSimTarget.h"

#include "tritondsl/Conversion/Passes.h"
#include "tritondsl/Conversion/TernaryToEmitC/Passes.h"
#include "tritondsl/Dialect/Ternary/Transforms/Passes.h"
#include "tritondsl/Target/Target.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"

using namespace mlir;
using namespace tritondsl;

namespace {
enum class Offload { Device, Host };

llvm::cl::opt<Offload> acalsimOffload(
    "acalsim-offload",
    llvm::cl::desc("Where --target=acalsim runs the ternary matmuls' "
                   "integer accumulation"),
    llvm::cl::values(
        clEnumValN(Offload::Device, "device",
                   "on the ACALSim compute device, one ADD/SUB per non-zero "
                   "trit (default)"),
        clEnumValN(Offload::Host, "host",
                   "on the RISC-V core (the same integer sums)")),
    llvm::cl::init(Offload::Device), llvm::cl::cat(getTargetOptionCategory()));

llvm::cl::opt<int64_t> acalsimBatch(
    "acalsim-batch",
    llvm::cl::desc("The size of every symbolic dim (N) of the entry "
                   "functions' arguments for --target=acalsim (default 1): "
                   "the C arrays are static"),
    llvm::cl::init(1), llvm::cl::cat(getTargetOptionCategory()));

/// The offload of an output kind: `dir-host` / `dir-device` say it, the
/// others take --acalsim-offload.
StringRef getOffload(StringRef emit) {
  if (emit.ends_with("-host"))
    return "host";
  if (emit.ends_with("-device"))
    return "device";
  return acalsimOffload == Offload::Host ? "host" : "device";
}

class ACALSimTarget : public TargetBackend {
public:
  llvm::StringRef getName() const override { return "acalsim"; }
  llvm::StringRef getDescription() const override {
    return "bare-metal RISC-V C (EmitC) that runs ternary matmuls on the "
           "ACALSim compute device";
  }
  // The kernels of runtime/acalsim decode offset2 rows along K.
  ternary::Encoding getWeightEncoding() const override {
    return ternary::Encoding::offset2;
  }
  // The kernels add the bias after the integer sum.
  bool fusesBias() const override { return true; }
  ArrayRef<TargetOutputKind> getOutputKinds() const override {
    static const TargetOutputKind kinds[] = {
        {"dir",
         "a directory: {name}.c/.h, weights, linker script, start-up code, "
         "Makefile, main (--acalsim-offload, default device)",
         /*binary=*/false},
        {"dir-device", "the directory with offload=device", /*binary=*/false},
        {"dir-host", "the directory with offload=host", /*binary=*/false},
        {"emitc-mlir", "the EmitC module before translateToCpp",
         /*binary=*/false}};
    return kinds;
  }
  void buildPipeline(OpPassManager &pm,
                     const TargetOptions &options) const override {
    buildACALSimPipeline(pm, getOffload(options.emit), acalsimBatch);
  }
  LogicalResult emit(ModuleOp module, const TargetOptions &options,
                     SmallVectorImpl<TargetFile> &files) const override {
    if (options.emit == "emitc-mlir") {
      llvm::raw_string_ostream os(files.emplace_back().contents);
      module->print(os);
      return success();
    }
    return emitACALSimDirectory(module, getOffload(options.emit), files);
  }
};
} // namespace

void tritondsl::buildACALSimPipeline(OpPassManager &pm, StringRef offload,
                                     int64_t batch) {
  pm.addPass(ternary::createTernaryFlattenLayers());
  // Sub-layer calls disappear, so that every function body sees the
  // static shapes of its caller's arguments.
  pm.addPass(createInlinerPass());
  TernarySpecializeShapesOptions shapes;
  shapes.size = batch;
  pm.addPass(createTernarySpecializeShapes(shapes));
  ConvertTernaryToACALSimOptions lowering;
  lowering.offload = offload.str();
  pm.addPass(createConvertTernaryToACALSim(lowering));
  pm.addPass(createDecomposeLinalgAggregates());
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());

  pm.addPass(createTensorConstantsToGlobals());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Results become out-parameters (EmitC functions return no arrays); no
  // deallocation: convert-acalsim-to-emitc makes every buffer static.
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.addResultAttribute = true;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  // The EmitC lowering has no reshaped views: a copy out of one (a
  // flatten as a function's result) becomes loops that read the source.
  pm.addPass(createMemRefCopyToLinalg(
      MemRefCopyToLinalgOptions{/*reshapedViews=*/true}));
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // EmitC arrays have no views: subviews (tensor.pad of conv2d) and
  // reshapes fold into the indices of the loads and stores that use them.
  pm.addPass(memref::createFoldMemRefAliasOpsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createConvertACALSimToEmitC());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void tritondsl::registerACALSimTarget() {
  // Once: MLIR refuses a pipeline registered twice.
  static const bool registered = [] {
    registerTarget(std::make_unique<ACALSimTarget>());
    return true;
  }();
  (void)registered;
}
