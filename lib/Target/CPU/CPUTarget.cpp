//===- CPUTarget.cpp - The CPU target -------------------------------------===//
#include "tritondsl/Target/CPU/CPUTarget.h"

#include "tritondsl/Pipelines/Pipelines.h"
#include "tritondsl/Target/CPU/ObjectEmitter.h"
#include "tritondsl/Target/Target.h"

#include "mlir/IR/OperationSupport.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/SmallString.h"

using namespace mlir;
using namespace tritondsl;

namespace {
class CPUTarget : public TargetBackend {
public:
  llvm::StringRef getName() const override { return "cpu"; }
  llvm::StringRef getDescription() const override {
    return "LLVM CPU code: an object file with a C entry per layer function";
  }
  // offset2 along K: each output column is one contiguous row of 2-bit
  // codes, what the GEMV micro-kernels and the linalg lowering read.
  ternary::Encoding getWeightEncoding() const override {
    return ternary::Encoding::offset2;
  }
  // The lowering adds the bias in the matmul's epilogue (and passes it to
  // the micro-kernel).
  bool fusesBias() const override { return true; }
  ArrayRef<TargetOutputKind> getOutputKinds() const override {
    static const TargetOutputKind kinds[] = {
        {"obj", "a host object file (the default)", /*binary=*/true},
        {"llvm-mlir", "the LLVM dialect module", /*binary=*/false}};
    return kinds;
  }
  void buildPipeline(OpPassManager &pm,
                     const TargetOptions &options) const override {
    TernaryToLLVMOptions lowering;
    lowering.useMicrokernels = options.useMicrokernels;
    lowering.fuseElementwise = options.optLevel >= 2;
    lowering.shareRepeatedCode = options.shareRepeatedCode;
    buildTernaryToLLVMPipeline(pm, lowering);
  }
  LogicalResult emit(ModuleOp module, const TargetOptions &options,
                     SmallVectorImpl<TargetFile> &files) const override {
    const TargetOutputKind *kind = lookupOutputKind(options.emit);
    if (!kind)
      return module.emitError("the cpu target has no output '")
             << options.emit << "'";
    TargetFile &file = files.emplace_back();
    if (kind->name == "llvm-mlir") {
      llvm::raw_string_ostream os(file.contents);
      module->print(os, OpPrintingFlags().assumeVerified());
      return success();
    }
    llvm::SmallString<0> object;
    llvm::raw_svector_ostream os(object);
    if (failed(emitObjectFile(module, os, options.optLevel)))
      return failure();
    file.contents = object.str().str();
    return success();
  }
};
} // namespace

void tritondsl::registerCPUTarget() {
  // Once: MLIR refuses a pipeline registered twice.
  static const bool registered = [] {
    registerTarget(std::make_unique<CPUTarget>());
    registerTernaryCPUPipeline();
    return true;
  }();
  (void)registered;
}
