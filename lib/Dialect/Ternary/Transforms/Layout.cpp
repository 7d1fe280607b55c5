//===- Layout.cpp - Choose the packed weight layout per target ------------===//
//
// ternary-layout: every ternary.matmul reads its weights in the target's
// layout; constant weights are repacked at compile time, weights known only
// at run time get a ternary.relayout (see Passes.td).
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Dialect/Ternary/Transforms/Passes.h"
#include "tritondsl/Support/PassCounters.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ternary {
#define GEN_PASS_DEF_TERNARYLAYOUT
#include "tritondsl/Dialect/Ternary/Transforms/Passes.h.inc"
} // namespace mlir::ternary

using namespace mlir;
using namespace mlir::ternary;

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

namespace {

/// The bytes of constant packed weights `bytes : from` repacked into `to`.
FailureOr<ElementsAttr> repack(ElementsAttr bytes, PackedTensorType from,
                               PackedTensorType to) {
  SmallVector<uint8_t> storage;
  std::optional<ArrayRef<uint8_t>> raw = getPackedBytes(bytes, storage);
  if (!raw)
    return failure();
  FailureOr<SmallVector<int8_t>> trits = unpackTrits(from, *raw);
  if (failed(trits))
    return failure();
  FailureOr<SmallVector<uint8_t>> packed = packTrits(to, *trits);
  if (failed(packed))
    return failure();
  return getPackedBytesAttr(to, *packed);
}

/// Whether `use` reads a packed value whatever its layout.
bool isLayoutAgnosticUse(OpOperand &use) {
  Operation *user = use.getOwner();
  if (auto matmul = dyn_cast<MatmulOp>(user))
    return use.get() == matmul.getWeight();
  return isa<UnpackOp, RelayoutOp>(user);
}

/// Counts the relayouts that rewriting erases.
struct ErasedRelayoutCounter : RewriterBase::Listener {
  int64_t count = 0;
  void notifyOperationErased(Operation *op) override {
    if (isa<RelayoutOp>(op))
      ++count;
  }
};

struct LayoutCounters {
  tritondsl::PassCounter &repackedConstants;
  tritondsl::PassCounter &runtimeRelayouts;
};

/// Gives a matmul its weights in the target layout.
struct MatmulWeightToTargetLayout : OpRewritePattern<MatmulOp> {
  MatmulWeightToTargetLayout(MLIRContext *context, LayoutAttr layout,
                             LayoutCounters counters)
      : OpRewritePattern(context), layout(layout), counters(counters) {}

  /// `weight` in the target type: read through relayouts, repack constants,
  /// pack directly into it, or relayout at run time.
  FailureOr<Value> retarget(Value weight, PackedTensorType target,
                            PatternRewriter &rewriter) const {
    if (weight.getType() == target)
      return weight;
    if (auto relayout = weight.getDefiningOp<RelayoutOp>())
      return retarget(relayout.getInput(), target, rewriter);
    OpBuilder::InsertionGuard guard(rewriter);
    if (auto constant = weight.getDefiningOp<ConstantOp>()) {
      FailureOr<ElementsAttr> bytes =
          repack(constant.getValue(), constant.getResult().getType(), target);
      if (failed(bytes))
        return failure();
      rewriter.setInsertionPoint(constant);
      ++counters.repackedConstants;
      return ConstantOp::create(rewriter, constant.getLoc(), target, *bytes)
          .getResult();
    }
    if (auto pack = weight.getDefiningOp<PackOp>()) {
      rewriter.setInsertionPoint(pack);
      return PackOp::create(rewriter, pack.getLoc(), target, pack.getTrits())
          .getResult();
    }
    ++counters.runtimeRelayouts;
    rewriter.setInsertionPointAfterValue(weight);
    return RelayoutOp::create(rewriter, weight.getLoc(), target, weight)
        .getResult();
  }

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    PackedTensorType type = op.getWeight().getType();
    if (type.getLayout() == layout)
      return failure();
    FailureOr<Value> weight =
        retarget(op.getWeight(), type.withLayout(layout), rewriter);
    if (failed(weight))
      return failure();
    rewriter.modifyOpInPlace(op,
                             [&] { op.getWeightMutable().assign(*weight); });
    return success();
  }

  LayoutAttr layout;
  LayoutCounters counters;
};

/// relayout(x) to x's own type is x; relayout(relayout(x)) reads x.
struct SimplifyRelayout : OpRewritePattern<RelayoutOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RelayoutOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getInput().getType() == op.getResult().getType()) {
      rewriter.replaceOp(op, op.getInput());
      return success();
    }
    auto inner = op.getInput().getDefiningOp<RelayoutOp>();
    if (!inner)
      return failure();
    rewriter.modifyOpInPlace(
        op, [&] { op.getInputMutable().assign(inner.getInput()); });
    return success();
  }
};

struct TernaryLayoutPass : ternary::impl::TernaryLayoutBase<TernaryLayoutPass>,
                           tritondsl::CountingPass {
  using Base::Base;
  tritondsl::PassCounter numRepackedConstants{
      "repacked-constants", "Constant weights repacked at compile time"};
  tritondsl::PassCounter numRepackedParams{
      "repacked-params", "Initialized params repacked at compile time"};
  tritondsl::PassCounter numRuntimeRelayouts{
      "runtime-relayouts",
      "Relayouts inserted for weights known only at run time"};
  tritondsl::PassCounter numRemovedRelayouts{"removed-relayouts",
                                          "ternary.relayout ops removed"};
  SmallVector<tritondsl::PassCounter *> getCounters() override {
    return {&numRepackedConstants, &numRepackedParams, &numRuntimeRelayouts,
            &numRemovedRelayouts};
  }

  /// Repacks the initialized params of `layer` that matmuls read.
  void repackParams(LayerOp layer, LayoutAttr layout) {
    for (ParamOp param : layer.getBodyBlock().getOps<ParamOp>()) {
      auto type = dyn_cast<PackedTensorType>(param.getType());
      if (!type || type.getLayout() == layout || !param.getInitialValue())
        continue;
      SmallVector<GetParamOp> reads;
      layer.walk([&](GetParamOp read) {
        if (read.getName() == param.getSymName())
          reads.push_back(read);
      });
      bool feedsMatmul = llvm::any_of(reads, [](GetParamOp read) {
        return llvm::any_of(read->getUses(), [](OpOperand &use) {
          return isa<MatmulOp>(use.getOwner());
        });
      });
      if (!feedsMatmul)
        continue;
      PackedTensorType target = type.withLayout(layout);
      FailureOr<ElementsAttr> bytes =
          repack(*param.getInitialValue(), type, target);
      if (failed(bytes))
        continue;
      param.setType(target);
      param.setInitialValueAttr(*bytes);
      ++numRepackedParams;
      for (GetParamOp read : reads) {
        read.getResult().setType(target);
        // Users that need the declared type get it back by a relayout.
        for (OpOperand &use :
             llvm::make_early_inc_range(read.getResult().getUses())) {
          if (isLayoutAgnosticUse(use))
            continue;
          OpBuilder builder(use.getOwner());
          use.set(RelayoutOp::create(builder, read.getLoc(), type,
                                     read.getResult()));
        }
      }
    }
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    LayoutAttr layout = LayoutAttr::get(&getContext(), encoding, /*axis=*/0);
    for (LayerOp layer : module.getOps<LayerOp>())
      repackParams(layer, layout);

    RewritePatternSet patterns(&getContext());
    patterns.add<MatmulWeightToTargetLayout>(
        &getContext(), layout,
        LayoutCounters{numRepackedConstants, numRuntimeRelayouts});
    patterns.add<SimplifyRelayout>(&getContext());
    ErasedRelayoutCounter counter;
    GreedyRewriteConfig config;
    config.enableFolding(false);
    config.setListener(&counter);
    if (failed(applyPatternsGreedily(module, std::move(patterns), config)))
      module.emitWarning("ternary-layout did not converge");
    numRemovedRelayouts += counter.count;
  }
};

} // namespace
