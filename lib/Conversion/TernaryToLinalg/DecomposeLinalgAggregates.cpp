//===- DecomposeLinalgAggregates.cpp - linalg.softmax to generics ---------===//
//
// triton-decompose-linalg-aggregates: ops with linalg's
// AggregatedOpInterface (linalg.softmax) have no loop lowering; their own
// decomposition turns them into ops that have one.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Conversion/Passes.h"

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
