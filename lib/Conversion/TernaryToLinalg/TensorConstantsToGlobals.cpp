//===- TensorConstantsToGlobals.cpp - Constants to globals, linearly ------===//
//
// triton-tensor-constants-to-globals: what one-shot bufferization does to
// tensor constants (a memref.global each, equal ones shared), with a hash
// map instead of its scan of all globals per constant (Passes.td).
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Conversion/Passes.h"
#include "tritondsl/Support/PassCounters.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringSet.h"

namespace tritondsl {
#define GEN_PASS_DEF_TENSORCONSTANTSTOGLOBALS
#include "tritondsl/Conversion/Passes.h.inc"
} // namespace tritondsl

using namespace mlir;

namespace {

/// Bufferization's default buffer alignment, which its globals get.
constexpr uint64_t kAlignment = 64;

struct TensorConstantsToGlobalsPass
    : tritondsl::impl::TensorConstantsToGlobalsBase<
          TensorConstantsToGlobalsPass>,
      tritondsl::CountingPass {
  tritondsl::PassCounter numGlobals{"globals", "Globals created"};
  tritondsl::PassCounter numConstants{"constants", "Constants replaced"};
  SmallVector<tritondsl::PassCounter *> getCounters() override {
    return {&numGlobals, &numConstants};
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    SmallVector<arith::ConstantOp> constants;
    module.walk([&](arith::ConstantOp constant) {
      auto type = dyn_cast<RankedTensorType>(constant.getType());
      if (type && type.hasStaticShape() && !type.getEncoding() &&
          isa<ElementsAttr>(constant.getValue()))
        constants.push_back(constant);
    });
    if (constants.empty())
      return;

    // Names already in the module, so that new ones are fresh.
    llvm::StringSet<> taken;
    for (Operation &op : module.getBody()->getOperations())
      if (auto symbol = dyn_cast<SymbolOpInterface>(op))
        taken.insert(symbol.getName());
    unsigned nextName = 0;
    auto freshName = [&] {
      std::string name;
      do
        name = "__tritondsl_constant_" + std::to_string(nextName++);
      while (taken.contains(name));
      taken.insert(name);
      return name;
    };

    // The value attribute already carries the type: one global per value.
    llvm::DenseMap<Attribute, memref::GlobalOp> globals;
    OpBuilder moduleBuilder = OpBuilder::atBlockBegin(module.getBody());
    for (arith::ConstantOp constant : constants) {
      auto type = cast<RankedTensorType>(constant.getType());
      auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
      memref::GlobalOp &global = globals[constant.getValue()];
      if (!global) {
        global = memref::GlobalOp::create(
            moduleBuilder, constant.getLoc(), freshName(),
            StringAttr::get(context, "private"), memrefType,
            constant.getValue(), /*constant=*/true,
            moduleBuilder.getI64IntegerAttr(kAlignment));
        ++numGlobals;
      }
      OpBuilder builder(constant);
      Value buffer = memref::GetGlobalOp::create(
          builder, constant.getLoc(), memrefType, global.getSymName());
      Value tensor =
          bufferization::ToTensorOp::create(builder, constant.getLoc(), type,
                                            buffer, /*restrict=*/true);
      constant.getResult().replaceAllUsesWith(tensor);
      constant.erase();
      ++numConstants;
    }
  }
};

} // namespace
