//===- SpecializeShapes.cpp - Fixed sizes for dynamic argument dims -------===//
//
// ternary-specialize-shapes: EmitC arrays are static, so --target=acalsim
// compiles a program for one size of its symbolic dims (`N`). The
// arguments of public functions get static types, casts keep the body
// valid, canonicalization propagates the static shapes (linalg ops fold
// tensor.cast operands; ternary.matmul, quantize, dequantize and the pack
// of trits quantized at run time are rebuilt on their casts' sources here),
// and results take the static type of what is returned. A tensor.reshape to
// a constant shape gets its static type; static tensor.reshapes become
// collapse/expand_shape, which fold into loads and stores once bufferized.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Conversion/TernaryToEmitC/Passes.h"
#include "tritondsl/Dialect/Ternary/IR/TernaryOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace tritondsl {
#define GEN_PASS_DEF_TERNARYSPECIALIZESHAPES
#include "tritondsl/Conversion/TernaryToEmitC/Passes.h.inc"
} // namespace tritondsl

using namespace mlir;
using namespace tritondsl;

namespace {
/// The static source of `value` when it is a tensor.cast of one.
Value staticCastSource(Value value) {
  auto cast = value.getDefiningOp<tensor::CastOp>();
  if (cast && cast.getSource().getType().hasStaticShape())
    return cast.getSource();
  return {};
}

/// `op` rebuilt on `operands` with the result types `types`, each result
/// cast back to its old type for the users (the casts fold into them).
void replaceWithStaticOp(Operation *op, ValueRange operands, TypeRange types,
                         PatternRewriter &rewriter) {
  OperationState state(op->getLoc(), op->getName(), operands, types,
                       op->getAttrs());
  Operation *rebuilt = rewriter.create(state);
  SmallVector<Value> results;
  for (auto [old, result] :
       llvm::zip(op->getResults(), rebuilt->getResults()))
    results.push_back(old.getType() == result.getType()
                          ? Value(result)
                          : tensor::CastOp::create(rewriter, op->getLoc(),
                                                   old.getType(), result));
  rewriter.replaceOp(op, results);
}

/// A static type of `shape` with the element type of `like`.
RankedTensorType withShape(Type like, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, cast<ShapedType>(like).getElementType());
}

/// A ternary.matmul whose input is a tensor.cast of a static tensor, or
/// whose weights a ternary.pack packs from one (trits quantized at run time
/// with K = N), rebuilt on the static operands: its result has the static
/// shape [input batch dims..., N] when both are known.
struct MatmulCastFolding : OpRewritePattern<ternary::MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ternary::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    Value staticInput = staticCastSource(op.getInput());
    auto pack = op.getWeight().getDefiningOp<ternary::PackOp>();
    Value trits = pack ? staticCastSource(pack.getTrits()) : Value();
    if (!staticInput && !trits)
      return failure();
    SmallVector<Value> operands(op->getOperands());
    Value input = staticInput ? staticInput : op.getInput();
    operands[0] = input;
    ternary::PackedTensorType weight = op.getWeight().getType();
    if (trits) {
      weight = ternary::PackedTensorType::get(
          getContext(), cast<RankedTensorType>(trits.getType()).getShape(),
          weight.getLayout());
      operands[1] = ternary::PackOp::create(rewriter, pack.getLoc(), weight,
                                            trits);
    }
    RankedTensorType result = op.getResult().getType();
    auto inputType = cast<RankedTensorType>(input.getType());
    if (inputType.hasStaticShape() && !weight.isDynamicDim(1)) {
      SmallVector<int64_t> shape(inputType.getShape().drop_back());
      shape.push_back(weight.getShape()[1]);
      result = withShape(result, shape);
    }
    replaceWithStaticOp(op, operands, result, rewriter);
    return success();
  }
};

/// ternary.quantize(tensor.cast(%static)): trits of the input's static
/// shape, and a per-channel scale of its static size along `axis`.
struct QuantizeCastFolding : OpRewritePattern<ternary::QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ternary::QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    Value input = staticCastSource(op.getInput());
    if (!input || (op.getTrits().getType().hasStaticShape() &&
                   op.getScale().getType().hasStaticShape()))
      return failure();
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(input.getType()).getShape();
    SmallVector<int64_t> scaleShape;
    if (std::optional<int64_t> axis = op.getAxis())
      scaleShape.push_back(shape[*axis]);
    replaceWithStaticOp(op, input,
                        {withShape(op.getTrits().getType(), shape),
                         withShape(op.getScale().getType(), scaleShape)},
                        rewriter);
    return success();
  }
};

/// ternary.dequantize(tensor.cast(%static trits), scale): the result has
/// the trits' static shape.
struct DequantizeCastFolding : OpRewritePattern<ternary::DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ternary::DequantizeOp op,
                                PatternRewriter &rewriter) const override {
    Value trits = staticCastSource(op.getTrits());
    if (!trits || op.getResult().getType().hasStaticShape())
      return failure();
    Value scale = op.getScale();
    if (Value source = staticCastSource(scale))
      scale = source;
    replaceWithStaticOp(
        op, {trits, scale},
        withShape(op.getResult().getType(),
                  cast<RankedTensorType>(trits.getType()).getShape()),
        rewriter);
    return success();
  }
};

/// tensor.reshape to a constant shape with a dynamic result type (a size
/// computed from `N` before N was fixed) -> the static result type, cast
/// back: the casts fold into the users, and the reshape becomes static.
struct ReshapeConstantShape : OpRewritePattern<tensor::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto result = dyn_cast<RankedTensorType>(op.getResult().getType());
    DenseIntElementsAttr shape;
    if (!result || result.hasStaticShape() ||
        !matchPattern(op.getShape(), m_Constant(&shape)))
      return failure();
    SmallVector<int64_t> sizes;
    for (const APInt &size : shape.getValues<APInt>())
      sizes.push_back(size.getSExtValue());
    if (static_cast<int64_t>(sizes.size()) != result.getRank())
      return failure();
    for (auto [i, size] : llvm::enumerate(sizes))
      if (size < 0 ||
          (!result.isDynamicDim(i) && result.getDimSize(i) != size))
        return failure();
    auto staticType = RankedTensorType::get(sizes, result.getElementType(),
                                            result.getEncoding());
    auto reshape = tensor::ReshapeOp::create(rewriter, op.getLoc(), staticType,
                                             op.getSource(), op.getShape());
    rewriter.replaceOpWithNewOp<tensor::CastOp>(op, result, reshape);
    return success();
  }
};

/// tensor.reshape between static shapes -> collapse to 1-D, expand to the
/// result: views that fold into loads and stores after bufferization
/// (memref.reshape does not, and EmitC has no views).
struct StaticReshapeToCollapseExpand : OpRewritePattern<tensor::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    // A source cast from a static type (an argument's) is read as it was.
    Value value = op.getSource();
    if (Value source = staticCastSource(value))
      value = source;
    auto source = cast<RankedTensorType>(value.getType());
    auto result = op.getResult().getType();
    if (!source.hasStaticShape() || !result.hasStaticShape())
      return failure();
    Location loc = op.getLoc();
    auto flat = RankedTensorType::get({source.getNumElements()},
                                      source.getElementType());
    auto all = [](int64_t rank) {
      ReassociationIndices indices;
      for (int64_t i = 0; i < rank; ++i)
        indices.push_back(i);
      return SmallVector<ReassociationIndices>{indices};
    };
    if (source.getRank() != 1)
      value = tensor::CollapseShapeOp::create(rewriter, loc, flat, value,
                                              all(source.getRank()));
    if (result.getRank() != 1)
      value = tensor::ExpandShapeOp::create(rewriter, loc, result, value,
                                            all(result.getRank()));
    rewriter.replaceOp(op, value);
    return success();
  }
};

struct TernarySpecializeShapesPass
    : tritondsl::impl::TernarySpecializeShapesBase<
          TernarySpecializeShapesPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    if (size <= 0) {
      module.emitError("ternary-specialize-shapes: size must be positive, "
                       "got ")
          << size.getValue();
      return signalPassFailure();
    }
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isDeclaration() || !func.isPublic())
        continue;
      Block &entry = func.front();
      OpBuilder b(&entry, entry.begin());
      SmallVector<Type> inputs;
      for (BlockArgument argument : entry.getArguments()) {
        auto type = dyn_cast<RankedTensorType>(argument.getType());
        if (!type || type.hasStaticShape()) {
          inputs.push_back(argument.getType());
          continue;
        }
        SmallVector<int64_t> shape(type.getShape());
        for (int64_t &dim : shape)
          if (ShapedType::isDynamic(dim))
            dim = size;
        auto staticType = RankedTensorType::get(shape, type.getElementType(),
                                                type.getEncoding());
        argument.setType(staticType);
        auto cast = tensor::CastOp::create(b, argument.getLoc(), type,
                                           argument);
        argument.replaceAllUsesExcept(cast, cast);
        inputs.push_back(staticType);
      }
      func.setType(FunctionType::get(context, inputs,
                                     func.getFunctionType().getResults()));
    }

    RewritePatternSet patterns(context);
    for (Dialect *dialect : context->getLoadedDialects())
      dialect->getCanonicalizationPatterns(patterns);
    for (RegisteredOperationName op : context->getRegisteredOperations())
      op.getCanonicalizationPatterns(patterns, context);
    patterns.add<MatmulCastFolding, QuantizeCastFolding,
                 DequantizeCastFolding, ReshapeConstantShape,
                 StaticReshapeToCollapseExpand>(context);
    if (failed(applyPatternsGreedily(module, std::move(patterns))))
      return signalPassFailure();

    // Results: the static type of the value returned.
    bool ok = true;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isDeclaration() || !func.isPublic())
        continue;
      SmallVector<Type> results(func.getFunctionType().getResults());
      func.walk([&](func::ReturnOp ret) {
        for (OpOperand &operand : ret->getOpOperands()) {
          auto type = dyn_cast<RankedTensorType>(operand.get().getType());
          if (!type || type.hasStaticShape())
            continue;
          auto cast = operand.get().getDefiningOp<tensor::CastOp>();
          if (cast && cast.getSource().getType().hasStaticShape())
            operand.set(cast.getSource());
          results[operand.getOperandNumber()] = operand.get().getType();
        }
      });
      for (auto [index, type] : llvm::enumerate(results)) {
        auto ranked = dyn_cast<RankedTensorType>(type);
        if (ranked && !ranked.hasStaticShape()) {
          func.emitError("result #")
              << index << " of @" << func.getSymName()
              << " has no static shape once its arguments' dynamic dims are "
                 "" << size.getValue() << ": " << type;
          ok = false;
        }
      }
      func.setType(FunctionType::get(context,
                                     func.getFunctionType().getInputs(),
                                     results));
    }
    // The casts the returns no longer use.
    module.walk([](tensor::CastOp cast) {
      if (cast->use_empty())
        cast.erase();
    });
    if (!ok)
      signalPassFailure();
  }
};
} // namespace
