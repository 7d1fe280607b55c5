//===- TensorPatterns.h - Tensor-level shapes the emitters recognize -*- C++ -*-===//
//
// The source emitters (PyTorch, ONNX) print tensor-level operations. A few
// computations reach them as a linalg.generic whose body is not elementwise
// arithmetic; the matchers here recognize those forms once, for every
// emitter.
//
//===----------------------------------------------------------------------===//

#ifndef TRITONDSL_TARGET_TENSORPATTERNS_H
#define TRITONDSL_TARGET_TENSORPATTERNS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <optional>

namespace tritondsl {

/// An embedding lookup `out[i..., d] = table[indices[i...], d]`, the form
/// the front end gives `embedding(table, indices)`: one input (the integer
/// indices, read with the identity map minus the last loop), a body of
/// `arith.index_cast`, `linalg.index <last>` and `tensor.extract` of a rank-2
/// table defined outside the generic.
struct EmbeddingLookup {
  mlir::Value table;
  mlir::Value indices;
};

inline std::optional<EmbeddingLookup>
matchEmbeddingLookup(mlir::linalg::GenericOp op) {
  using namespace mlir;
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      op.getNumParallelLoops() != op.getNumLoops())
    return std::nullopt;
  unsigned rank = op.getNumLoops();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (rank == 0 || !maps[1].isIdentity() ||
      maps[0] != AffineMap::getMultiDimIdentityMap(rank, op.getContext())
                     .dropResult(rank - 1))
    return std::nullopt;
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (yield.getValues().size() != 1)
    return std::nullopt;
  auto extract = yield.getValues()[0].getDefiningOp<tensor::ExtractOp>();
  if (!extract || extract->getBlock() != &body ||
      extract.getIndices().size() != 2 ||
      op.getRegion().isAncestor(extract.getTensor().getParentRegion()))
    return std::nullopt;
  auto cast = extract.getIndices()[0].getDefiningOp<arith::IndexCastOp>();
  auto column = extract.getIndices()[1].getDefiningOp<linalg::IndexOp>();
  if (!cast || !column || cast.getIn() != body.getArgument(0) ||
      column.getDim() != rank - 1 ||
      std::distance(body.begin(), body.end()) != 4)
    return std::nullopt;
  return EmbeddingLookup{extract.getTensor(), op.getDpsInputs()[0]};
}

} // namespace tritondsl

#endif // TRITONDSL_TARGET_TENSORPATTERNS_H
