//===- ONNXTarget.cpp - The ONNX target -----------------------------------===//
//
// `--target=onnx`: a binary ONNX model (docs/targets/onnx.md). Two
// profiles: `ort` (the default) maps ternary.matmul on packed weights to
// onnxruntime's com.microsoft.MatMulNBits (bits=2), `standard` uses
// default-domain operators only. `--emit=onnx` takes the profile of
// `--onnx-profile` and `--onnx-activations` (tritonc, triton-translate);
// `--emit=onnx-standard` and `--emit=onnx-int8` (ort, int8 activations) say
// it whatever the flags say (what triton_dsl.compile uses).
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Target/ONNX/ONNXTarget.h"

#include "tritondsl/Target/ONNX/ONNXEmitter.h"
#include "tritondsl/Target/Target.h"

#include "llvm/Support/CommandLine.h"

using namespace mlir;
using namespace tritondsl;

namespace {
llvm::cl::opt<ONNXProfile> onnxProfile(
    "onnx-profile",
    llvm::cl::desc("The operators of --target=onnx models (--emit=onnx)"),
    llvm::cl::values(
        clEnumValN(ONNXProfile::ORT, "ort",
                   "com.microsoft.MatMulNBits (bits=2) for ternary matmuls, "
                   "for onnxruntime (default)"),
        clEnumValN(ONNXProfile::Standard, "standard",
                   "default-domain operators only: packed weights decoded "
                   "in the graph")),
    llvm::cl::init(ONNXProfile::ORT),
    llvm::cl::cat(getTargetOptionCategory()));

llvm::cl::opt<ONNXActivations> onnxActivations(
    "onnx-activations",
    llvm::cl::desc("The activations of MatMulNBits in --onnx-profile=ort "
                   "models (--emit=onnx)"),
    llvm::cl::values(
        clEnumValN(ONNXActivations::F32, "f32",
                   "exact f32 (accuracy_level=0; default)"),
        clEnumValN(ONNXActivations::Int8, "int8",
                   "int8 per block, W1.58A8 (accuracy_level=4): fast, not "
                   "exact")),
    llvm::cl::init(ONNXActivations::F32),
    llvm::cl::cat(getTargetOptionCategory()));

class ONNXTarget : public TargetBackend {
public:
  llvm::StringRef getName() const override { return "onnx"; }
  llvm::StringRef getDescription() const override {
    return "a binary ONNX model (ModelProto), weights packed 2 bits each";
  }
  // MatMulNBits reads offset2 codes along K.
  ternary::Encoding getWeightEncoding() const override {
    return ternary::Encoding::offset2;
  }
  // MatMulNBits takes a bias input.
  bool fusesBias() const override { return true; }
  ArrayRef<TargetOutputKind> getOutputKinds() const override {
    static const TargetOutputKind kinds[] = {
        {"onnx", "an ONNX model of the --onnx-profile (default ort)",
         /*binary=*/true},
        {"onnx-standard",
         "an ONNX model of default-domain operators only (the standard "
         "profile)",
         /*binary=*/true},
        {"onnx-int8",
         "an ort-profile ONNX model with int8 activations (accuracy_level=4)",
         /*binary=*/true}};
    return kinds;
  }
  LogicalResult emit(ModuleOp module, const TargetOptions &options,
                     SmallVectorImpl<TargetFile> &files) const override {
    if (options.emit == "onnx-standard")
      return emitONNXModels(module, ONNXProfile::Standard,
                            ONNXActivations::F32, files);
    if (options.emit == "onnx-int8")
      return emitONNXModels(module, ONNXProfile::ORT, ONNXActivations::Int8,
                            files);
    return emitONNXModels(module, onnxProfile, onnxActivations, files);
  }
};
} // namespace

void tritondsl::registerONNXTarget() {
  // Once: MLIR refuses a pipeline registered twice.
  static const bool registered = [] {
    registerTarget(std::make_unique<ONNXTarget>());
    return true;
  }();
  (void)registered;
}
