//===- DecomposeLinalgAggregates.cpp - linalg.softmax to generics ---------===//
//
// triton-decompose-linalg-aggregates: ops with linalg's
// AggregatedOpInterface (linalg.softmax) have no loop lowering; their own
// decomposition turns them into ops that have one.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Conversion/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace tritondsl {
#define GEN_PASS_DEF_DECOMPOSELINALGAGGREGATES
#include "tritondsl/Conversion/Passes.h.inc"
} // namespace tritondsl

using namespace mlir;

namespace {

struct DecomposeLinalgAggregatesPass
    : tritondsl::impl::DecomposeLinalgAggregatesBase<
          DecomposeLinalgAggregatesPass> {
  void runOnOperation() override {
    SmallVector<linalg::AggregatedOpInterface> aggregates;
    getOperation().walk([&](linalg::AggregatedOpInterface op) {
      aggregates.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::AggregatedOpInterface op : aggregates) {
      rewriter.setInsertionPoint(op);
      // Upstream's decomposition of linalg.softmax types its generics by the
      // input and writes them into the output: an input of another
      // (compatible) type, e.g. tensor<?x4xf32> into the tensor<1x4xf32>
      // of ternary-specialize-shapes, made invalid IR. Cast it first.
      if (auto softmax = dyn_cast<linalg::SoftmaxOp>(op.getOperation())) {
        Value input = softmax.getInput();
        Type output = softmax.getOutput().getType();
        if (input.getType() != output &&
            tensor::CastOp::areCastCompatible(input.getType(), output))
          softmax.getInputMutable().assign(
              tensor::CastOp::create(rewriter, op.getLoc(), output, input));
      }
      FailureOr<SmallVector<Value>> results = op.decomposeOperation(rewriter);
      if (failed(results)) {
        op->emitError("cannot decompose this aggregated linalg op");
        return signalPassFailure();
      }
      rewriter.replaceOp(op, *results);
    }
  }
};

} // namespace
