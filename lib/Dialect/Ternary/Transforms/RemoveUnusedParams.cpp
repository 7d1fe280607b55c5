//===- RemoveUnusedParams.cpp - Dead param elimination --------------------===//
//
// ternary-remove-unused-params: a param is readable only by ternary.get_param
// in its own layer, so a param that no get_param reads is dead.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Dialect/Ternary/Transforms/Passes.h"
#include "tritondsl/Support/PassCounters.h"

#include "llvm/ADT/DenseSet.h"

namespace mlir::ternary {
#define GEN_PASS_DEF_TERNARYREMOVEUNUSEDPARAMS
#include "tritondsl/Dialect/Ternary/Transforms/Passes.h.inc"
} // namespace mlir::ternary

using namespace mlir;
using namespace mlir::ternary;

namespace {

struct TernaryRemoveUnusedParamsPass
    : ternary::impl::TernaryRemoveUnusedParamsBase<
          TernaryRemoveUnusedParamsPass>,
      tritondsl::CountingPass {
  using Base::Base;
  tritondsl::PassCounter numRemovedParams{
      "removed-params", "Params removed because no function reads them"};
  tritondsl::PassCounter numRemovedReads{"removed-reads",
                                      "Unused ternary.get_param ops erased"};
  SmallVector<tritondsl::PassCounter *> getCounters() override {
    return {&numRemovedParams, &numRemovedReads};
  }

  void runOnOperation() override {
    for (LayerOp layer : getOperation().getOps<LayerOp>()) {
      // A read whose value is unused does not keep its param alive.
      SmallVector<GetParamOp> deadReads;
      layer.walk([&](GetParamOp read) {
        if (read->use_empty())
          deadReads.push_back(read);
      });
      for (GetParamOp read : deadReads)
        read.erase();
      numRemovedReads += deadReads.size();

      llvm::DenseSet<StringAttr> readParams;
      layer.walk([&](GetParamOp read) {
        readParams.insert(read.getNameAttr().getAttr());
      });
      for (ParamOp param : llvm::make_early_inc_range(
               layer.getBodyBlock().getOps<ParamOp>())) {
        if (readParams.contains(param.getSymNameAttr()))
          continue;
        if (emitRemarks)
          param.emitRemark("removed param '")
              << param.getSymName() << "' of layer '" << layer.getSymName()
              << "': no function reads it";
        param.erase();
        ++numRemovedParams;
      }
    }
  }
};

} // namespace
