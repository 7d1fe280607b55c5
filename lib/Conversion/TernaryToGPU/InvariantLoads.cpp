//===- InvariantLoads.cpp - ld.global.nc for the ternary kernels ----------===//
//
// ternary-gpu-invariant-loads (Passes.td): the loads of a ternary kernel
// from its read-only inputs get `!invariant.load`, which NVPTX emits as
// ld.global.nc. Upstream cannot tell: `llvm.noalias` is not copied to the
// pointers of a memref descriptor, and NVPTX needs it with `readonly` to
// infer the same.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Conversion/TernaryToGPU/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace tritondsl {
#define GEN_PASS_DEF_TERNARYGPUINVARIANTLOADS
#include "tritondsl/Conversion/TernaryToGPU/Passes.h.inc"
} // namespace tritondsl

using namespace mlir;

namespace {
/// The argument of `func` that `address` is a chain of GEPs on, or null.
BlockArgument getBaseArgument(LLVM::LLVMFuncOp func, Value address) {
  while (auto gep = address.getDefiningOp<LLVM::GEPOp>())
    address = gep.getBase();
  auto argument = dyn_cast<BlockArgument>(address);
  if (!argument || argument.getOwner() != &func.getBody().front())
    return {};
  return argument;
}

struct TernaryGPUInvariantLoadsPass
    : tritondsl::impl::TernaryGPUInvariantLoadsBase<
          TernaryGPUInvariantLoadsPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<LLVM::LLVMFuncOp>()) {
      if (!func->hasAttr(tritondsl::kReadOnlyInputsAttr) || func.isExternal())
        continue;
      func.walk([&](LLVM::LoadOp load) {
        BlockArgument argument = getBaseArgument(func, load.getAddr());
        if (argument &&
            func.getArgAttr(argument.getArgNumber(),
                            LLVM::LLVMDialect::getReadonlyAttrName()))
          load.setInvariant(true);
      });
    }
  }
};
} // namespace
