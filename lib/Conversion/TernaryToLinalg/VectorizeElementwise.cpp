//===- VectorizeElementwise.cpp - Elementwise linalg ops to vectors -------===//
//
// triton-vectorize-elementwise: every all-parallel linalg.generic on tensors
// is tiled to one vector along its innermost loop and vectorized with
// upstream linalg::vectorize (masked for dynamic or ragged sizes), so that
// the CPU path emits vector ops for bias, activation and normalization
// chains instead of relying on LLVM's loop vectorizer (Passes.td).
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Conversion/Passes.h"
#include "tritondsl/Support/PassCounters.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace tritondsl {
#define GEN_PASS_DEF_VECTORIZEELEMENTWISE
#include "tritondsl/Conversion/Passes.h.inc"
} // namespace tritondsl

using namespace mlir;

namespace {

/// Whether `op` is an elementwise generic on tensors whose innermost loop
/// runs along the result's contiguous dimension.
bool isElementwiseOnTensors(linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumLoops() == 0 ||
      op.getNumParallelLoops() != op.getNumLoops())
    return false;
  AffineMap result = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (!result.isIdentity())
    return false;
  Type element = getElementTypeOrSelf(op.getResult(0).getType());
  return element.isIntOrFloat();
}

struct VectorizeElementwisePass
    : tritondsl::impl::VectorizeElementwiseBase<VectorizeElementwisePass>,
      tritondsl::CountingPass {
  using Base::Base;
  tritondsl::PassCounter numVectorized{
      "vectorized-ops", "Elementwise linalg ops tiled and vectorized"};
  SmallVector<tritondsl::PassCounter *> getCounters() override {
    return {&numVectorized};
  }

  /// The clean-up patterns, built once per pass instance rather than per
  /// function (every registered op's canonicalizations: about a millisecond
  /// to collect, which a program of 10,000 functions paid 10,000 times).
  LogicalResult initialize(MLIRContext *context) override {
    // Unit dims away (one 1-D vector per tile), masked transfers of tiles
    // that fit to unmasked ones, and the usual folding.
    RewritePatternSet patterns(context);
    vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
    vector::populateVectorMaskLoweringPatternsForSideEffectingOps(patterns);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    for (Dialect *dialect : context->getLoadedDialects())
      dialect->getCanonicalizationPatterns(patterns);
    for (RegisteredOperationName name : context->getRegisteredOperations())
      name.getCanonicalizationPatterns(patterns, context);
    cleanupPatterns = FrozenRewritePatternSet(std::move(patterns));
    return success();
  }

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    SmallVector<linalg::GenericOp> candidates;
    getOperation().walk([&](linalg::GenericOp op) {
      if (isElementwiseOnTensors(op))
        candidates.push_back(op);
    });
    if (candidates.empty())
      return;

    IRRewriter rewriter(context);
    for (linalg::GenericOp op : candidates) {
      unsigned rank = op.getNumLoops();
      SmallVector<int64_t> sizes(rank, 1);
      sizes.back() = vectorWidth;
      // Tile: one vector of the innermost loop, single iterations outside.
      scf::SCFTilingOptions options;
      options.setTileSizes(getAsIndexOpFoldResult(context, sizes));
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), options);
      if (failed(tiled))
        continue;
      rewriter.replaceOp(op, tiled->replacements);
      Operation *tile = tiled->tiledOps.front();
      // What the vectorizer cannot take (e.g. gathers) stays a scalar
      // tile, lowered to loops like any linalg op.
      SmallVector<bool> scalable(rank, false);
      if (failed(linalg::vectorizeOpPrecondition(tile, sizes, scalable)))
        continue;
      rewriter.setInsertionPoint(tile);
      FailureOr<linalg::VectorizationResult> vectorized =
          linalg::vectorize(rewriter, tile, sizes, scalable);
      if (failed(vectorized))
        continue;
      rewriter.replaceOp(tile, vectorized->replacements);
      ++numVectorized;
    }

    if (failed(applyPatternsGreedily(getOperation(), cleanupPatterns)))
      return signalPassFailure();
  }

  FrozenRewritePatternSet cleanupPatterns;
};

} // namespace
