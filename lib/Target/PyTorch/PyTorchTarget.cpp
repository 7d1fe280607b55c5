//===- PyTorchTarget.cpp - The PyTorch target -----------------------------===//
#include "tritondsl/Target/PyTorch/PyTorchTarget.h"

#include "tritondsl/Target/PyTorch/PyTorchEmitter.h"
#include "tritondsl/Target/Target.h"

using namespace mlir;
using namespace tritondsl;

namespace {
class PyTorchTarget : public TargetBackend {
public:
  llvm::StringRef getName() const override { return "pytorch"; }
  llvm::StringRef getDescription() const override {
    return "a Python file with one nn.Module per layer";
  }
  // The runtime op and the pure-PyTorch unpack path read offset2 rows.
  ternary::Encoding getWeightEncoding() const override {
    return ternary::Encoding::offset2;
  }
  // The emitter passes the bias to the runtime op (or adds it after the
  // pure-PyTorch matmul).
  bool fusesBias() const override { return true; }
  ArrayRef<TargetOutputKind> getOutputKinds() const override {
    static const TargetOutputKind kinds[] = {
        {"py", "Python source of one nn.Module per layer", /*binary=*/false}};
    return kinds;
  }
  LogicalResult emit(ModuleOp module, const TargetOptions &,
                     SmallVectorImpl<TargetFile> &files) const override {
    llvm::raw_string_ostream os(files.emplace_back().contents);
    return emitPyTorchModule(module, os);
  }
};
} // namespace

void tritondsl::registerPyTorchTarget() {
  // Once: MLIR refuses a pipeline registered twice.
  static const bool registered = [] {
    registerTarget(std::make_unique<PyTorchTarget>());
    return true;
  }();
  (void)registered;
}
