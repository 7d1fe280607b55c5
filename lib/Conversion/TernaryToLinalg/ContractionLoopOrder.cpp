//===- ContractionLoopOrder.cpp - Vectorizable loops for float matmuls ----===//
//
// triton-contraction-loop-order: linalg.matmul and linalg.batch_matmul on
// floats become linalg.generic ops whose innermost loop runs along the
// result's contiguous dimension instead of the reduction (Passes.td).
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Conversion/Passes.h"
#include "tritondsl/Support/PassCounters.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace tritondsl {
#define GEN_PASS_DEF_CONTRACTIONLOOPORDER
#include "tritondsl/Conversion/Passes.h.inc"
} // namespace tritondsl

using namespace mlir;

namespace {

/// (..., m, n, k) -> (..., m, k, n): `interchange` maps new loop positions to
/// old ones, the leading batch loops staying in place.
template <typename NamedOp>
struct ReductionOutsideColumns : OpRewritePattern<NamedOp> {
  ReductionOutsideColumns(MLIRContext *context,
                          tritondsl::PassCounter &counter)
      : OpRewritePattern<NamedOp>(context), counter(counter) {}

  LogicalResult matchAndRewrite(NamedOp op,
                                PatternRewriter &rewriter) const override {
    if (op->getNumResults() != 1)
      return rewriter.notifyMatchFailure(op, "not on tensors");
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType || !isa<FloatType>(resultType.getElementType()))
      return rewriter.notifyMatchFailure(op, "not a float matmul on tensors");
    // Loops (..., m, n, k): one reduction, last, and the result's
    // contiguous dimension indexed by the loop before it.
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    unsigned count = iterators.size();
    if (count < 3 || !linalg::isReductionIterator(iterators.back()) ||
        !llvm::all_of(ArrayRef(iterators).drop_back(),
                      linalg::isParallelIterator))
      return rewriter.notifyMatchFailure(op, "not (..., m, n, k) loops");
    AffineMap result = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
    if (result.getNumResults() == 0 ||
        result.getResults().back() !=
            getAffineDimExpr(count - 2, op.getContext()))
      return rewriter.notifyMatchFailure(op, "n is not the result's last dim");
    FailureOr<linalg::GenericOp> generic =
        linalg::generalizeNamedOp(rewriter, op);
    if (failed(generic))
      return failure();
    unsigned loops = generic->getNumLoops();
    SmallVector<unsigned> interchange;
    for (unsigned i = 0; i + 3 < loops; ++i)
      interchange.push_back(i);
    interchange.append({loops - 3, loops - 1, loops - 2});
    if (failed(linalg::interchangeGenericOp(rewriter, *generic, interchange)))
      return failure();
    ++counter;
    return success();
  }

  tritondsl::PassCounter &counter;
};

struct ContractionLoopOrderPass
    : tritondsl::impl::ContractionLoopOrderBase<ContractionLoopOrderPass>,
      tritondsl::CountingPass {
  tritondsl::PassCounter numReordered{
      "reordered-matmuls", "Float matmuls with the reduction loop moved out"};
  SmallVector<tritondsl::PassCounter *> getCounters() override {
    return {&numReordered};
  }

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ReductionOutsideColumns<linalg::MatmulOp>,
                 ReductionOutsideColumns<linalg::BatchMatmulOp>>(&getContext(),
                                                                 numReordered);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
