//===- MemRefCopyToLinalg.cpp - strided memref.copy to linalg.copy --------===//
//
// triton-memref-copy-to-linalg: a memref.copy that the LLVM lowering would
// turn into a call of memrefCopy (MLIR's C runner utilities) becomes a
// linalg.copy, lowered to loops, so that generated libraries need only libm;
// with reshaped-views, so does a copy from or into a reshaped view.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Conversion/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace tritondsl {
#define GEN_PASS_DEF_MEMREFCOPYTOLINALG
#include "tritondsl/Conversion/Passes.h.inc"
} // namespace tritondsl

using namespace mlir;

namespace {

/// The condition under which finalize-memref-to-llvm emits llvm.memcpy.
bool isContiguous(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && (memref.getLayout().isIdentity() ||
                    memref::isStaticShapeAndContiguousRowMajor(memref));
}

/// A collapse_shape or expand_shape view.
bool isReshapedView(Value value) {
  return isa_and_nonnull<memref::CollapseShapeOp, memref::ExpandShapeOp>(
      value.getDefiningOp());
}

struct StridedCopyToLinalg : OpRewritePattern<memref::CopyOp> {
  StridedCopyToLinalg(MLIRContext *context, bool reshapedViews)
      : OpRewritePattern(context), reshapedViews(reshapedViews) {}

  LogicalResult matchAndRewrite(memref::CopyOp copy,
                                PatternRewriter &rewriter) const override {
    bool reshaped = reshapedViews && (isReshapedView(copy.getSource()) ||
                                      isReshapedView(copy.getTarget()));
    if (!reshaped && isContiguous(copy.getSource().getType()) &&
        isContiguous(copy.getTarget().getType()))
      return rewriter.notifyMatchFailure(copy, "lowered to llvm.memcpy");
    // linalg.copy needs ranked memrefs.
    if (!isa<MemRefType>(copy.getSource().getType()) ||
        !isa<MemRefType>(copy.getTarget().getType()))
      return rewriter.notifyMatchFailure(copy, "unranked memref");
    rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                copy.getTarget());
    return success();
  }

  bool reshapedViews;
};

struct MemRefCopyToLinalgPass
    : tritondsl::impl::MemRefCopyToLinalgBase<MemRefCopyToLinalgPass> {
  using MemRefCopyToLinalgBase::MemRefCopyToLinalgBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<StridedCopyToLinalg>(&getContext(), reshapedViews);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
