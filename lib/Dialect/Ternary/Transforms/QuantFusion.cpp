//===- QuantFusion.cpp - Fuse quantization, scale and bias into matmul ----===//
//
// ternary-quant-fusion: rewrites the float computations that surround ternary
// weights (fake quantization, matmul on dequantized weights, scale and bias
// epilogues) into ternary.matmul on packed weights. Each pattern states when
// it applies; where a rewrite would change the computed numbers beyond the
// reassociation documented in Passes.td, it does not apply.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Dialect/Ternary/Transforms/Passes.h"
#include "tritondsl/Support/PassCounters.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ternary {
#define GEN_PASS_DEF_TERNARYQUANTFUSION
#include "tritondsl/Dialect/Ternary/Transforms/Passes.h.inc"
} // namespace mlir::ternary

using namespace mlir;
using namespace mlir::ternary;

using PassStatistic = tritondsl::PassCounter;

namespace {

//===----------------------------------------------------------------------===//
// Exact quantize/dequantize round trips
//===----------------------------------------------------------------------===//

/// dequantize(quantize(dequantize(t, s))) -> dequantize(t, s) where exact.
struct RemoveExactRoundTrip : OpRewritePattern<DequantizeOp> {
  RemoveExactRoundTrip(MLIRContext *context, PassStatistic &counter)
      : OpRewritePattern(context), counter(counter) {}

  LogicalResult matchAndRewrite(DequantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto quantize = op.getTrits().getDefiningOp<QuantizeOp>();
    if (!quantize || op.getScale() != quantize.getScale() ||
        op.getAxisAttr() != quantize.getAxisAttr())
      return rewriter.notifyMatchFailure(op, "not the dequantize of a "
                                             "quantize's own trits and scale");
    auto inner = quantize.getInput().getDefiningOp<DequantizeOp>();
    if (!inner || inner.getResult().getType() != op.getResult().getType())
      return rewriter.notifyMatchFailure(op, "input not on the ternary grid");
    // The quantizer's scale groups must each hold elements of one inner scale.
    if (inner.getAxis() && inner.getAxisAttr() != quantize.getAxisAttr())
      return rewriter.notifyMatchFailure(op, "scales group other elements");
    switch (quantize.getMethod()) {
    case QuantMethod::stochastic:
      // scale' = max |t s| = |s| and every |x| / scale' is 1 (or 0): the
      // draw always keeps the sign, so t' scale' = t s.
      break;
    case QuantMethod::threshold: {
      // Every non-zero |t s| = |s| must be kept: |s| > T for all scales.
      DenseFPElementsAttr scales;
      if (!matchPattern(inner.getScale(), m_Constant(&scales)))
        return rewriter.notifyMatchFailure(op, "threshold needs constant "
                                               "scales to be exact");
      double threshold = quantize.getThreshold()->convertToFloat();
      for (APFloat scale : scales.getValues<APFloat>()) {
        bool losesInfo = false;
        scale.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                      &losesInfo);
        double value = std::fabs(scale.convertToDouble());
        if (!std::isfinite(value) || !(value > threshold))
          return rewriter.notifyMatchFailure(op, "a scale is within the "
                                                 "threshold: not exact");
      }
      break;
    }
    case QuantMethod::absmean:
      // gamma is the mean |x| over zeros too: the values shrink.
      return rewriter.notifyMatchFailure(op, "absmean is not exact");
    }
    rewriter.replaceOp(op, inner.getResult());
    ++counter;
    return success();
  }

  PassStatistic &counter;
};

//===----------------------------------------------------------------------===//
// linalg.matmul on dequantized weights
//===----------------------------------------------------------------------===//

/// Whether `value` is a tensor filled with (positive or negative) zeros.
bool isZeroFilled(Value value) {
  if (auto fill = value.getDefiningOp<linalg::FillOp>())
    return matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
  return matchPattern(value, m_AnyZeroFloat());
}

/// The result type of a ternary.matmul of `input` by a [K, N] weight.
RankedTensorType getMatmulResultType(RankedTensorType input, int64_t n,
                                     Type element) {
  SmallVector<int64_t> shape(input.getShape().drop_back());
  shape.push_back(n);
  return RankedTensorType::get(shape, element);
}

/// linalg.matmul(x, dequantize(t, s)) -> ternary.matmul(x, pack(t)) scale s.
struct DequantizeMatmulToTernaryMatmul : OpRewritePattern<linalg::MatmulOp> {
  DequantizeMatmulToTernaryMatmul(MLIRContext *context,
                                  PassStatistic &counter)
      : OpRewritePattern(context), counter(counter) {}

  LogicalResult matchAndRewrite(linalg::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.hasUserDefinedMaps())
      return rewriter.notifyMatchFailure(op, "not a plain matmul on tensors");
    Value input = op.getDpsInputs()[0];
    auto dequantize = op.getDpsInputs()[1].getDefiningOp<DequantizeOp>();
    if (!dequantize)
      return rewriter.notifyMatchFailure(op, "weights not dequantized");
    // A scale along K (axis 0) multiplies inside the sum: it cannot become
    // the matmul's per-column scale.
    if (dequantize.getAxis() && *dequantize.getAxis() != 1)
      return rewriter.notifyMatchFailure(op, "scale along K");
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    if (!inputType.getElementType().isF32() ||
        !resultType.getElementType().isF32() ||
        !dequantize.getResult().getType().getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "not f32");
    if (!isZeroFilled(op.getDpsInits()[0]))
      return rewriter.notifyMatchFailure(op, "accumulates into non-zeros");

    Location loc = op.getLoc();
    RankedTensorType tritsType = dequantize.getTrits().getType();
    auto packedType =
        PackedTensorType::get(getContext(), tritsType.getShape());
    Value packed =
        PackOp::create(rewriter, loc, packedType, dequantize.getTrits());
    RankedTensorType matmulType = getMatmulResultType(
        inputType, tritsType.getShape()[1], rewriter.getF32Type());
    Value result = MatmulOp::create(rewriter, loc, matmulType, input, packed,
                                    dequantize.getScale(), /*bias=*/Value());
    if (matmulType != resultType)
      result = tensor::CastOp::create(rewriter, loc, resultType, result);
    rewriter.replaceOp(op, result);
    ++counter;
    return success();
  }

  PassStatistic &counter;
};

//===----------------------------------------------------------------------===//
// Scale and bias epilogues
//===----------------------------------------------------------------------===//

/// The second operand of an elementwise op on a matmul result: one value per
/// tensor or per output column, in one of several forms.
struct ColumnOperand {
  Value tensor;                  // tensor<E> or tensor<N x E> input
  Value scalar;                  // an E value computed outside the op
  DenseElementsAttr constant;    // tensor<E> or tensor<N x E> constant

  /// The constant value, if it is one.
  DenseElementsAttr getConstant() const {
    if (constant)
      return constant;
    DenseElementsAttr attr;
    if (tensor && matchPattern(tensor, m_Constant(&attr)))
      return attr;
    return {};
  }

  /// The type of the tensor forms; null for a scalar.
  RankedTensorType getTensorType() const {
    if (tensor)
      return cast<RankedTensorType>(tensor.getType());
    if (constant)
      return cast<RankedTensorType>(constant.getType());
    return {};
  }

  bool isPerColumn() const {
    RankedTensorType type = getTensorType();
    return type && type.getRank() == 1;
  }

  /// The element type of the values.
  Type getElementType() const {
    if (RankedTensorType type = getTensorType())
      return type.getElementType();
    return scalar.getType();
  }

  /// A tensor<E> or tensor<N x E> holding the operand.
  Value materialize(PatternRewriter &rewriter, Location loc) const {
    if (tensor)
      return tensor;
    if (constant)
      return arith::ConstantOp::create(rewriter, loc, constant);
    return tensor::FromElementsOp::create(
        rewriter, loc, RankedTensorType::get({}, scalar.getType()), scalar);
  }
};

/// An elementwise op `combine(f(matmul), other)` on the only use of a
/// ternary.matmul result, where f is the identity or an `arith.sitofp`.
struct MatmulEpilogue {
  MatmulOp matmul;
  ColumnOperand other;
  bool throughSIToFP = false;
};

/// Reads a per-column constant out of a full-shape constant: a splat gives a
/// rank-0 tensor, values that repeat along all but the last dim a 1-D one.
DenseElementsAttr getColumnConstant(DenseElementsAttr full) {
  auto type = cast<RankedTensorType>(full.getType());
  Type element = type.getElementType();
  if (full.isSplat())
    return DenseElementsAttr::get(RankedTensorType::get({}, element),
                                  full.getSplatValue<Attribute>());
  if (type.getRank() == 0)
    return full;
  int64_t n = type.getShape().back();
  SmallVector<Attribute> values(full.getValues<Attribute>());
  for (size_t i = n; i < values.size(); ++i)
    if (values[i] != values[i % n])
      return {};
  values.resize(n);
  return DenseElementsAttr::get(RankedTensorType::get({n}, element), values);
}

/// Matches `generic` as an epilogue whose body yields `isCombine` of the
/// matmul element and one per-tensor or per-column operand.
std::optional<MatmulEpilogue>
matchGenericEpilogue(linalg::GenericOp generic,
                     function_ref<bool(Operation *)> isCombine) {
  if (!generic.hasPureTensorSemantics() || generic.getNumDpsInits() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops())
    return std::nullopt;
  OpOperand *init = generic.getDpsInitOperand(0);
  Block &body = generic.getRegion().front();
  if (!generic.getMatchingIndexingMap(init).isIdentity() ||
      !generic.getMatchingBlockArgument(init).use_empty())
    return std::nullopt;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  Operation *combine = yield.getValues()[0].getDefiningOp();
  if (!combine || combine->getBlock() != &body || !isCombine(combine) ||
      combine->getNumOperands() != 2)
    return std::nullopt;
  unsigned rank = generic.getNumLoops();
  for (unsigned side = 0; side < 2; ++side) {
    Value matmulSide = combine->getOperand(side);
    Value otherSide = combine->getOperand(1 - side);
    MatmulEpilogue epilogue;
    if (auto convert = matmulSide.getDefiningOp<arith::SIToFPOp>();
        convert && convert->getBlock() == &body) {
      matmulSide = convert.getIn();
      epilogue.throughSIToFP = true;
    }
    auto matmulArg = dyn_cast<BlockArgument>(matmulSide);
    if (!matmulArg || matmulArg.getOwner() != &body ||
        matmulArg.getArgNumber() >= generic.getNumDpsInputs())
      continue;
    OpOperand *matmulOperand =
        generic.getDpsInputOperand(matmulArg.getArgNumber());
    epilogue.matmul = matmulOperand->get().getDefiningOp<MatmulOp>();
    if (!epilogue.matmul ||
        !generic.getMatchingIndexingMap(matmulOperand).isIdentity() ||
        epilogue.matmul.getResult().getType().getShape() !=
            cast<RankedTensorType>(generic.getResult(0).getType()).getShape())
      continue;

    unsigned expectedInputs = 1;
    if (auto otherArg = dyn_cast<BlockArgument>(otherSide);
        otherArg && otherArg.getOwner() == &body) {
      if (otherArg == matmulArg ||
          otherArg.getArgNumber() >= generic.getNumDpsInputs())
        continue;
      OpOperand *otherOperand =
          generic.getDpsInputOperand(otherArg.getArgNumber());
      auto type = dyn_cast<RankedTensorType>(otherOperand->get().getType());
      AffineMap map = generic.getMatchingIndexingMap(otherOperand);
      bool perTensor = type && type.getRank() == 0 && map.getNumResults() == 0;
      bool perColumn =
          type && type.getRank() == 1 && map.getNumResults() == 1 &&
          map.getResult(0) == getAffineDimExpr(rank - 1, map.getContext());
      if (!perTensor && !perColumn)
        continue;
      epilogue.other.tensor = otherOperand->get();
      expectedInputs = 2;
    } else if (Attribute value;
               matchPattern(otherSide, m_Constant(&value))) {
      // A constant, in the body or hoisted out of it.
      epilogue.other.constant = DenseElementsAttr::get(
          RankedTensorType::get({}, otherSide.getType()), value);
    } else if (!generic.getRegion().isAncestor(otherSide.getParentRegion())) {
      epilogue.other.scalar = otherSide;
    } else {
      continue;
    }
    if (generic.getNumDpsInputs() != expectedInputs)
      continue;
    if (!epilogue.matmul->hasOneUse())
      continue;
    return epilogue;
  }
  return std::nullopt;
}

/// Matches an `arith` op on tensors, `combine(matmul, constant)`.
std::optional<MatmulEpilogue> matchArithEpilogue(Operation *op) {
  for (unsigned side = 0; side < 2; ++side) {
    auto matmul = op->getOperand(side).getDefiningOp<MatmulOp>();
    DenseElementsAttr full;
    if (!matmul || !matmul->hasOneUse() ||
        !matchPattern(op->getOperand(1 - side), m_Constant(&full)))
      continue;
    MatmulEpilogue epilogue;
    epilogue.matmul = matmul;
    epilogue.other.constant = getColumnConstant(full);
    if (!epilogue.other.constant)
      continue;
    return epilogue;
  }
  return std::nullopt;
}

/// Whether scaling by `a` then `b` equals scaling once by `a * b` for every
/// value: one of them is a power of two and the product is exact.
bool isExactScaleProduct(const APFloat &a, const APFloat &b,
                         APFloat &product) {
  if (a.getExactLog2Abs() == INT_MIN && b.getExactLog2Abs() == INT_MIN)
    return false;
  product = a;
  return product.multiply(b, APFloat::rmNearestTiesToEven) == APFloat::opOK;
}

/// Combines two constant scales (each rank 0 or [N]) into one, or fails when
/// the product would round.
DenseElementsAttr combineScales(DenseElementsAttr first,
                                DenseElementsAttr second) {
  auto firstType = cast<RankedTensorType>(first.getType());
  auto secondType = cast<RankedTensorType>(second.getType());
  RankedTensorType type =
      firstType.getRank() >= secondType.getRank() ? firstType : secondType;
  int64_t count = type.getRank() == 0 ? 1 : type.getShape()[0];
  SmallVector<APFloat> a(first.getValues<APFloat>());
  SmallVector<APFloat> b(second.getValues<APFloat>());
  SmallVector<APFloat> products;
  for (int64_t i = 0; i < count; ++i) {
    APFloat product(0.0f);
    if (!isExactScaleProduct(a[a.size() == 1 ? 0 : i],
                             b[b.size() == 1 ? 0 : i], product))
      return {};
    products.push_back(product);
  }
  return DenseElementsAttr::get(type, products);
}

/// Shared rewrite of scale epilogues (generic or arith form).
LogicalResult foldScale(Operation *op, const MatmulEpilogue &epilogue,
                        PatternRewriter &rewriter) {
  MatmulOp matmul = epilogue.matmul;
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  if (!resultType.getElementType().isF32())
    return rewriter.notifyMatchFailure(op, "not an f32 result");
  // The bias is added after the scale: (acc s + b) s2 is not acc (s s2) + b.
  if (matmul.getBias())
    return rewriter.notifyMatchFailure(op, "matmul has a bias");
  Type matmulElement = matmul.getResult().getType().getElementType();
  if (epilogue.throughSIToFP != matmulElement.isInteger(32))
    return rewriter.notifyMatchFailure(op, "element types do not line up");
  if (!epilogue.other.getElementType().isF32())
    return rewriter.notifyMatchFailure(op, "scale is not f32");
  if (epilogue.other.isPerColumn() &&
      epilogue.other.getTensorType().getShape()[0] !=
          matmul.getWeight().getType().getShape()[1])
    return rewriter.notifyMatchFailure(op, "not one scale per column");

  Value scale;
  if (Value existing = matmul.getScale()) {
    DenseElementsAttr first, second = epilogue.other.getConstant();
    if (!matchPattern(existing, m_Constant(&first)) || !second)
      return rewriter.notifyMatchFailure(op, "two scales not both constant");
    DenseElementsAttr combined = combineScales(first, second);
    if (!combined)
      return rewriter.notifyMatchFailure(
          op, "combining the scales would round differently");
    scale = arith::ConstantOp::create(rewriter, op->getLoc(), combined);
  } else {
    scale = epilogue.other.materialize(rewriter, op->getLoc());
  }
  Value result = MatmulOp::create(
      rewriter, matmul.getLoc(),
      RankedTensorType::get(matmul.getResult().getType().getShape(),
                            rewriter.getF32Type()),
      matmul.getInput(), matmul.getWeight(), scale, /*bias=*/Value());
  if (result.getType() != resultType)
    result = tensor::CastOp::create(rewriter, op->getLoc(), resultType, result);
  rewriter.replaceOp(op, result);
  return success();
}

/// Shared rewrite of bias epilogues (generic or arith form).
LogicalResult fuseBias(Operation *op, const MatmulEpilogue &epilogue,
                       PatternRewriter &rewriter) {
  MatmulOp matmul = epilogue.matmul;
  RankedTensorType matmulType = matmul.getResult().getType();
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  if (matmul.getBias() || epilogue.throughSIToFP ||
      resultType.getElementType() != matmulType.getElementType())
    return rewriter.notifyMatchFailure(op, "not a bias add on the matmul");
  int64_t n = matmul.getWeight().getType().getShape()[1];
  Type element = matmulType.getElementType();
  if (epilogue.other.getElementType() != element)
    return rewriter.notifyMatchFailure(op, "bias of another element type");
  Value bias;
  if (epilogue.other.isPerColumn()) {
    if (epilogue.other.getTensorType().getShape()[0] != n)
      return rewriter.notifyMatchFailure(op, "not one bias per column");
    bias = epilogue.other.materialize(rewriter, op->getLoc());
  } else if (DenseElementsAttr constant = epilogue.other.getConstant();
             constant && constant.isSplat() && !ShapedType::isDynamic(n)) {
    // A scalar bias becomes one per column.
    bias = arith::ConstantOp::create(
        rewriter, op->getLoc(),
        DenseElementsAttr::get(RankedTensorType::get({n}, element),
                               constant.getSplatValue<Attribute>()));
  } else {
    return rewriter.notifyMatchFailure(op, "bias is not per column");
  }
  Value result = MatmulOp::create(rewriter, matmul.getLoc(), matmulType,
                                  matmul.getInput(), matmul.getWeight(),
                                  matmul.getScale(), bias);
  if (result.getType() != resultType)
    result = tensor::CastOp::create(rewriter, op->getLoc(), resultType, result);
  rewriter.replaceOp(op, result);
  return success();
}

bool isMulF(Operation *op) { return isa<arith::MulFOp>(op); }
bool isBiasAdd(Operation *op) { return isa<arith::AddFOp, arith::AddIOp>(op); }

/// linalg.generic epilogues: scale, then (optionally) bias.
struct FuseGenericEpilogue : OpRewritePattern<linalg::GenericOp> {
  FuseGenericEpilogue(MLIRContext *context, bool fuseBiasAdds,
                      PassStatistic &scales, PassStatistic &biases)
      : OpRewritePattern(context), fuseBiasAdds(fuseBiasAdds), scales(scales),
        biases(biases) {}

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (auto epilogue = matchGenericEpilogue(op, isMulF)) {
      if (failed(foldScale(op, *epilogue, rewriter)))
        return failure();
      ++scales;
      return success();
    }
    if (fuseBiasAdds)
      if (auto epilogue = matchGenericEpilogue(op, isBiasAdd)) {
        if (failed(fuseBias(op, *epilogue, rewriter)))
          return failure();
        ++biases;
        return success();
      }
    return rewriter.notifyMatchFailure(op, "not a matmul epilogue");
  }

  bool fuseBiasAdds;
  PassStatistic &scales, &biases;
};

/// arith.mulf on tensors: matmul * constant.
struct FoldArithScale : OpRewritePattern<arith::MulFOp> {
  FoldArithScale(MLIRContext *context, PassStatistic &counter)
      : OpRewritePattern(context), counter(counter) {}
  LogicalResult matchAndRewrite(arith::MulFOp op,
                                PatternRewriter &rewriter) const override {
    if (!isa<RankedTensorType>(op.getType()))
      return failure();
    auto epilogue = matchArithEpilogue(op);
    if (!epilogue || failed(foldScale(op, *epilogue, rewriter)))
      return failure();
    ++counter;
    return success();
  }
  PassStatistic &counter;
};

/// arith.addf / arith.addi on tensors: matmul + constant bias.
template <typename AddOp>
struct FuseArithBias : OpRewritePattern<AddOp> {
  FuseArithBias(MLIRContext *context, PassStatistic &counter)
      : OpRewritePattern<AddOp>(context), counter(counter) {}
  LogicalResult matchAndRewrite(AddOp op,
                                PatternRewriter &rewriter) const override {
    if (!isa<RankedTensorType>(op.getType()))
      return failure();
    auto epilogue = matchArithEpilogue(op);
    if (!epilogue || failed(fuseBias(op, *epilogue, rewriter)))
      return failure();
    ++counter;
    return success();
  }
  PassStatistic &counter;
};

struct TernaryQuantFusionPass
    : ternary::impl::TernaryQuantFusionBase<TernaryQuantFusionPass>,
      tritondsl::CountingPass {
  using Base::Base;
  tritondsl::PassCounter numRemovedRoundTrips{
      "removed-round-trips", "Exact quantize/dequantize round trips removed"};
  tritondsl::PassCounter numFusedDequantizeMatmuls{
      "fused-dequantize-matmuls",
      "linalg.matmul on dequantized weights rewritten to ternary.matmul"};
  tritondsl::PassCounter numFoldedScales{
      "folded-scales", "Scale multiplications folded into ternary.matmul"};
  tritondsl::PassCounter numFusedBiases{
      "fused-biases", "Bias additions fused into ternary.matmul"};
  SmallVector<tritondsl::PassCounter *> getCounters() override {
    return {&numRemovedRoundTrips, &numFusedDequantizeMatmuls,
            &numFoldedScales, &numFusedBiases};
  }

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<RemoveExactRoundTrip>(context, numRemovedRoundTrips);
    patterns.add<DequantizeMatmulToTernaryMatmul>(context,
                                                  numFusedDequantizeMatmuls);
    patterns.add<FuseGenericEpilogue>(context, fuseBias, numFoldedScales,
                                      numFusedBiases);
    patterns.add<FoldArithScale>(context, numFoldedScales);
    if (fuseBias)
      patterns.add<FuseArithBias<arith::AddFOp>, FuseArithBias<arith::AddIOp>>(
          context, numFusedBiases);
    GreedyRewriteConfig config;
    config.enableFolding(false);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      getOperation().emitWarning("ternary-quant-fusion did not converge");
  }
};

} // namespace
