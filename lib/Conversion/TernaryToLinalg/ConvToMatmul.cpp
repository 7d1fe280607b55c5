//===- ConvToMatmul.cpp - Ternary convolutions as packed matmuls ----------===//
//
// ternary-conv-to-matmul: a linalg.conv_2d_nchw_fchw whose filter is
// dequantized trits becomes im2col + ternary.matmul on the trits packed as
// a [C*KH*KW, F] weight, so that the CPU micro-kernels compute it instead of
// scalar loops over decoded weights (Passes.td).
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Conversion/Passes.h"
#include "tritondsl/Conversion/TernaryToLinalg/TernaryToLinalg.h"
#include "tritondsl/Dialect/Ternary/IR/TernaryDialect.h"
#include "tritondsl/Dialect/Ternary/IR/TernaryOps.h"
#include "tritondsl/Support/PassCounters.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace tritondsl {
#define GEN_PASS_DEF_TERNARYCONVTOMATMUL
#include "tritondsl/Conversion/Passes.h.inc"
} // namespace tritondsl

using namespace mlir;
using namespace mlir::ternary;

namespace {

bool isZeroFilled(Value value) {
  if (auto fill = value.getDefiningOp<linalg::FillOp>())
    return matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
  return matchPattern(value, m_AnyZeroFloat());
}

/// The values of a 1-D attribute of integers (strides, dilations).
SmallVector<int64_t> getValues(DenseIntElementsAttr attr) {
  return llvm::to_vector(llvm::map_range(
      attr.getValues<APInt>(), [](const APInt &v) { return v.getSExtValue(); }));
}

/// Whether the scale of `dequantize` (of trits `[F, C, KH, KW]`) is one per
/// tensor, or one per output channel F (axis 0).
bool hasFilterScale(DequantizeOp dequantize) {
  auto scaleType = cast<RankedTensorType>(dequantize.getScale().getType());
  if (!dequantize.getAxis())
    return scaleType.getRank() == 0;
  int64_t filters = dequantize.getTrits().getType().getShape()[0];
  return *dequantize.getAxis() == 0 && scaleType.getRank() == 1 &&
         scaleType.getShape()[0] == filters;
}

/// The `[C*KH*KW, F]` weight packed along K (the default layout: offset2,
/// axis 0) that holds `trits : [F, C, KH, KW]`.
PackedTensorType getMatmulWeightType(Value trits) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(trits.getType()).getShape();
  return PackedTensorType::get(trits.getContext(),
                               {shape[1] * shape[2] * shape[3], shape[0]});
}

/// The bytes of getMatmulWeightType(trits) when `trits` unpack a
/// ternary.constant (bound weights), computed now.
std::optional<SmallVector<uint8_t>> repackConstantTrits(Value trits) {
  auto unpack = trits.getDefiningOp<UnpackOp>();
  auto constant = unpack ? unpack.getPacked().getDefiningOp<ConstantOp>()
                         : ConstantOp();
  if (!constant)
    return std::nullopt;
  SmallVector<uint8_t> storage;
  std::optional<ArrayRef<uint8_t>> raw =
      getPackedBytes(constant.getValue(), storage);
  FailureOr<SmallVector<int8_t>> dense =
      raw ? unpackTrits(constant.getResult().getType(), *raw)
          : FailureOr<SmallVector<int8_t>>(failure());
  if (failed(dense))
    return std::nullopt;
  PackedTensorType target = getMatmulWeightType(trits);
  int64_t k = target.getShape()[0], f = target.getShape()[1];
  SmallVector<int8_t> transposed(dense->size());
  for (int64_t row = 0; row < f; ++row)
    for (int64_t col = 0; col < k; ++col)
      transposed[col * f + row] = (*dense)[row * k + col];
  FailureOr<SmallVector<uint8_t>> bytes = packTrits(target, transposed);
  if (failed(bytes))
    return std::nullopt;
  return std::move(*bytes);
}

/// `trits : [F, C, KH, KW]` as a weight `[C*KH*KW, F]` packed along K: the
/// bytes computed now when the trits unpack a constant, else a collapse,
/// transpose and pack at run time (O(weights), against O(weights * pixels)
/// for the convolution itself).
Value packAsMatmulWeight(PatternRewriter &rewriter, Location loc, Value trits) {
  auto tritsType = cast<RankedTensorType>(trits.getType());
  PackedTensorType target = getMatmulWeightType(trits);
  int64_t k = target.getShape()[0], f = target.getShape()[1];
  if (std::optional<SmallVector<uint8_t>> bytes = repackConstantTrits(trits))
    return ConstantOp::create(rewriter, loc, target,
                              getPackedBytesAttr(target, *bytes));

  Type i8 = tritsType.getElementType();
  Value collapsed = tensor::CollapseShapeOp::create(
      rewriter, loc, RankedTensorType::get({f, k}, i8), trits,
      ArrayRef<ReassociationIndices>{{0}, {1, 2, 3}});
  Value empty = tensor::EmptyOp::create(rewriter, loc, {k, f}, i8);
  Value transposed =
      linalg::TransposeOp::create(rewriter, loc, collapsed, empty,
                                  ArrayRef<int64_t>{1, 0})
          ->getResult(0);
  return PackOp::create(rewriter, loc, target, transposed);
}

/// The body of the generic that moves the matmul's pixels back to NCHW:
/// the pixel, plus the convolution's init when `accumulate`.
std::function<void(OpBuilder &, Location, ValueRange)>
yieldPixel(bool accumulate) {
  return [accumulate](OpBuilder &b, Location l, ValueRange args) {
    Value value = args[0];
    if (accumulate)
      value = arith::AddFOp::create(b, l, value, args[1]);
    linalg::YieldOp::create(b, l, value);
  };
}

/// conv_2d_nchw_fchw(x, dequantize(t, s)) ->
///   ternary.matmul(im2col(x) : [N*OH*OW, C*KH*KW], pack(t^T)) scale s,
///   moved back to NCHW and added to the convolution's init.
struct TernaryConvToMatmul : OpRewritePattern<linalg::Conv2DNchwFchwOp> {
  TernaryConvToMatmul(MLIRContext *context, tritondsl::PassCounter &counter,
                      bool wholeBatch)
      : OpRewritePattern(context), counter(counter), wholeBatch(wholeBatch) {}

  LogicalResult matchAndRewrite(linalg::Conv2DNchwFchwOp op,
                                PatternRewriter &rewriter) const override {
    Value input = op.getInputs()[0];
    auto dequantize = op.getInputs()[1].getDefiningOp<DequantizeOp>();
    if (!dequantize)
      return rewriter.notifyMatchFailure(op, "filter is not dequantized trits");
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getResultTensors()[0].getType());
    RankedTensorType tritsType = dequantize.getTrits().getType();
    if (!inputType.getElementType().isF32() ||
        !resultType.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "not f32");
    if (!tritsType.hasStaticShape() ||
        llvm::any_of(inputType.getShape().drop_front(), ShapedType::isDynamic) ||
        llvm::any_of(resultType.getShape().drop_front(), ShapedType::isDynamic))
      return rewriter.notifyMatchFailure(op, "dynamic sizes beyond the batch");
    Value scale = dequantize.getScale();
    int64_t f = tritsType.getShape()[0];
    if (!hasFilterScale(dequantize))
      return rewriter.notifyMatchFailure(op, "scale not per tensor or per F");

    Location loc = op.getLoc();
    MLIRContext *context = getContext();
    ArrayRef<int64_t> w = tritsType.getShape();
    int64_t c = w[1], kh = w[2], kw = w[3], k = c * kh * kw;
    int64_t oh = resultType.getShape()[2], ow = resultType.getShape()[3];
    SmallVector<int64_t> strides = getValues(op.getStrides());
    SmallVector<int64_t> dilations = getValues(op.getDilations());
    Type f32 = rewriter.getF32Type();

    // One image at a time: the im2col buffer of one image stays in cache
    // and is reused, where one for the whole batch would be fresh pages
    // (tens of MB at batch 512) on every call.
    Value weight = packAsMatmulWeight(rewriter, loc, dequantize.getTrits());
    Value init = op.getOutputs()[0];
    bool accumulate = !isZeroFilled(init);
    SmallVector<Value> batch;
    if (inputType.isDynamicDim(0))
      batch.push_back(tensor::DimOp::create(rewriter, loc, input, 0));
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    if (wholeBatch) {
      rewriter.replaceOp(op, rewriteWholeBatch(rewriter, op, weight, scale,
                                               batch, accumulate));
      ++counter;
      return success();
    }
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value count = batch.empty() ? arith::ConstantIndexOp::create(
                                      rewriter, loc, inputType.getShape()[0])
                                      .getResult()
                                : batch[0];
    Value output = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                           f32, batch);
    ArrayRef<int64_t> in = inputType.getShape();
    auto parallel = [](unsigned rank) {
      return SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel);
    };
    auto loop = scf::ForOp::create(
        rewriter, loc, zero, count, one, ValueRange{output},
        [&](OpBuilder &b, Location l, Value image, ValueRange carried) {
          auto imageSlice = [&](Value from, ArrayRef<int64_t> sizes) {
            SmallVector<OpFoldResult> offsets = {image, b.getIndexAttr(0),
                                                 b.getIndexAttr(0),
                                                 b.getIndexAttr(0)};
            SmallVector<OpFoldResult> size = {b.getIndexAttr(1)};
            for (int64_t dim : sizes.drop_front())
              size.push_back(b.getIndexAttr(dim));
            SmallVector<OpFoldResult> unit(4, b.getIndexAttr(1));
            return std::make_tuple(offsets, size, unit);
          };
          // cols[oh, ow, c, kh, kw] = x[c, oh*sh + kh*dh, ow*sw + kw*dw].
          auto [inOffsets, inSizes, inStrides] = imageSlice(input, in);
          Value x = tensor::ExtractSliceOp::create(
              b, l, RankedTensorType::get(in.drop_front(), f32), input,
              inOffsets, inSizes, inStrides);
          AffineExpr doh, dow, dc, dkh, dkw;
          bindDims(context, doh, dow, dc, dkh, dkw);
          AffineMap read = AffineMap::get(
              5, 0,
              {dc, doh * strides[0] + dkh * dilations[0],
               dow * strides[1] + dkw * dilations[1]},
              context);
          Value colsInit = tensor::EmptyOp::create(
              b, l, ArrayRef<int64_t>{oh, ow, c, kh, kw}, f32);
          Value cols =
              linalg::GenericOp::create(
                  b, l, colsInit.getType(), ValueRange{x}, ValueRange{colsInit},
                  ArrayRef<AffineMap>{read, b.getMultiDimIdentityMap(5)},
                  parallel(5),
                  [](OpBuilder &nb, Location nl, ValueRange args) {
                    linalg::YieldOp::create(nb, nl, args[0]);
                  })
                  .getResult(0);
          Value matrix = tensor::CollapseShapeOp::create(
              b, l, RankedTensorType::get({oh * ow, k}, f32), cols,
              ArrayRef<ReassociationIndices>{{0, 1}, {2, 3, 4}});
          Value product = MatmulOp::create(
              b, l, RankedTensorType::get({oh * ow, f}, f32), matrix, weight,
              scale, /*bias=*/Value());
          Value pixels = tensor::ExpandShapeOp::create(
              b, l, RankedTensorType::get({oh, ow, f}, f32), product,
              ArrayRef<ReassociationIndices>{{0, 1}, {2}});
          // Back to [F, OH, OW], plus the init's image when not zeros.
          auto [outOffsets, outSizes, outStrides] =
              imageSlice(carried[0], resultType.getShape());
          auto chw = RankedTensorType::get({f, oh, ow}, f32);
          Value dest = tensor::ExtractSliceOp::create(
              b, l, chw, carried[0], outOffsets, outSizes, outStrides);
          AffineExpr rf, roh, row;
          bindDims(context, rf, roh, row);
          SmallVector<AffineMap> maps = {
              AffineMap::get(3, 0, {roh, row, rf}, context)};
          SmallVector<Value> inputs = {pixels};
          if (accumulate) {
            maps.push_back(b.getMultiDimIdentityMap(3));
            inputs.push_back(tensor::ExtractSliceOp::create(
                b, l, chw, init, outOffsets, outSizes, outStrides));
          }
          maps.push_back(b.getMultiDimIdentityMap(3));
          Value moved =
              linalg::GenericOp::create(
                  b, l, chw, inputs, ValueRange{dest}, maps, parallel(3),
                  yieldPixel(accumulate))
                  .getResult(0);
          Value updated = tensor::InsertSliceOp::create(
              b, l, moved, carried[0], outOffsets, outSizes, outStrides);
          scf::YieldOp::create(b, l, updated);
        });
    rewriter.replaceOp(op, loop.getResult(0));
    ++counter;
    return success();
  }

  /// The whole batch at once: cols[n, oh, ow, c, kh, kw] = x[n, c, oh*sh +
  /// kh*dh, ow*sw + kw*dw] collapsed to [N*OH*OW, K], one matmul, moved
  /// back to [N, F, OH, OW] (plus the init when it is not zeros).
  Value rewriteWholeBatch(PatternRewriter &rewriter, linalg::Conv2DNchwFchwOp op,
                          Value weight, Value scale, ArrayRef<Value> batch,
                          bool accumulate) const {
    Location loc = op.getLoc();
    MLIRContext *context = getContext();
    Value input = op.getInputs()[0];
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getResultTensors()[0].getType());
    auto dequantize = op.getInputs()[1].getDefiningOp<DequantizeOp>();
    ArrayRef<int64_t> w = dequantize.getTrits().getType().getShape();
    int64_t f = w[0], c = w[1], kh = w[2], kw = w[3], k = c * kh * kw;
    int64_t n = inputType.getShape()[0];
    int64_t oh = resultType.getShape()[2], ow = resultType.getShape()[3];
    SmallVector<int64_t> strides = getValues(op.getStrides());
    SmallVector<int64_t> dilations = getValues(op.getDilations());
    Type f32 = rewriter.getF32Type();
    auto parallel = [](unsigned rank) {
      return SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel);
    };
    AffineExpr dn, doh, dow, dc, dkh, dkw;
    bindDims(context, dn, doh, dow, dc, dkh, dkw);
    AffineMap read = AffineMap::get(
        6, 0,
        {dn, dc, doh * strides[0] + dkh * dilations[0],
         dow * strides[1] + dkw * dilations[1]},
        context);
    Value colsInit = tensor::EmptyOp::create(
        rewriter, loc, ArrayRef<int64_t>{n, oh, ow, c, kh, kw}, f32, batch);
    Value cols =
        linalg::GenericOp::create(
            rewriter, loc, colsInit.getType(), ValueRange{input},
            ValueRange{colsInit},
            ArrayRef<AffineMap>{read, rewriter.getMultiDimIdentityMap(6)},
            parallel(6),
            [](OpBuilder &b, Location l, ValueRange args) {
              linalg::YieldOp::create(b, l, args[0]);
            })
            .getResult(0);
    int64_t rows = ShapedType::isDynamic(n) ? ShapedType::kDynamic : n * oh * ow;
    Value matrix = tensor::CollapseShapeOp::create(
        rewriter, loc, RankedTensorType::get({rows, k}, f32), cols,
        ArrayRef<ReassociationIndices>{{0, 1, 2}, {3, 4, 5}});
    Value product =
        MatmulOp::create(rewriter, loc, RankedTensorType::get({rows, f}, f32),
                         matrix, weight, scale, /*bias=*/Value());
    SmallVector<OpFoldResult> pixelSizes = {
        batch.empty() ? OpFoldResult(rewriter.getIndexAttr(n))
                      : OpFoldResult(batch[0]),
        rewriter.getIndexAttr(oh), rewriter.getIndexAttr(ow),
        rewriter.getIndexAttr(f)};
    Value pixels = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get({n, oh, ow, f}, f32), product,
        ArrayRef<ReassociationIndices>{{0, 1, 2}, {3}}, pixelSizes);
    AffineExpr rn, rf, roh, row;
    bindDims(context, rn, rf, roh, row);
    SmallVector<AffineMap> maps = {
        AffineMap::get(4, 0, {rn, roh, row, rf}, context)};
    SmallVector<Value> inputs = {pixels};
    Value init = op.getOutputs()[0];
    if (accumulate) {
      maps.push_back(rewriter.getMultiDimIdentityMap(4));
      inputs.push_back(init);
    }
    maps.push_back(rewriter.getMultiDimIdentityMap(4));
    Value output = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                           f32, batch);
    return linalg::GenericOp::create(
               rewriter, loc, resultType, inputs, ValueRange{output}, maps,
               parallel(4),
               yieldPixel(accumulate))
        .getResult(0);
  }

  tritondsl::PassCounter &counter;
  bool wholeBatch;
};

/// conv_2d_ngchw_gfchw(x, expand_shape(dequantize(t, s))), with `t` the
/// trits `[G*F, C, KH, KW]` of the filter -> one linalg.generic over
/// (n, g, f, oh, ow | c, kh, kw) that reads each trit, for a bound filter
/// from its bytes packed as the `[C*KH*KW, G*F]` weight of conv-to-matmul
/// (offset2 along K), else from `t` (tensor.extract of the unpacked param,
/// which the lowering decodes from its bytes), and computes out + x *
/// (trit * s) as the convolution of the dequantized filter does. A grouped
/// convolution is G small matmuls; this keeps it one loop nest whose filter
/// stays packed.
struct PackedGroupedConv : OpRewritePattern<linalg::Conv2DNgchwGfchwOp> {
  PackedGroupedConv(MLIRContext *context, tritondsl::PassCounter &counter)
      : OpRewritePattern(context), counter(counter) {}

  LogicalResult matchAndRewrite(linalg::Conv2DNgchwGfchwOp op,
                                PatternRewriter &rewriter) const override {
    auto expand = op.getInputs()[1].getDefiningOp<tensor::ExpandShapeOp>();
    auto dequantize =
        expand ? expand.getSrc().getDefiningOp<DequantizeOp>() : DequantizeOp();
    if (!dequantize)
      return rewriter.notifyMatchFailure(op, "filter is not dequantized trits");
    Value input = op.getInputs()[0];
    Value init = op.getOutputs()[0];
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(init.getType());
    RankedTensorType tritsType = dequantize.getTrits().getType();
    RankedTensorType filterType = expand.getResultType();
    if (!inputType.getElementType().isF32() ||
        !resultType.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "not f32");
    if (!filterType.hasStaticShape() || !tritsType.hasStaticShape() ||
        llvm::any_of(resultType.getShape().drop_front(), ShapedType::isDynamic))
      return rewriter.notifyMatchFailure(op, "dynamic sizes beyond the batch");
    // [G*F, C, KH, KW] viewed as [G, F, C, KH, KW].
    ArrayRef<int64_t> w = filterType.getShape();
    int64_t g = w[0], f = w[1], c = w[2], kh = w[3], kw = w[4];
    if (tritsType.getShape() != ArrayRef<int64_t>{g * f, c, kh, kw})
      return rewriter.notifyMatchFailure(op, "filter is not [G*F, C, KH, KW]");
    Value scale = dequantize.getScale();
    auto scaleType = cast<RankedTensorType>(scale.getType());
    if (!hasFilterScale(dequantize))
      return rewriter.notifyMatchFailure(op, "scale not per tensor or per F");
    // A bound filter is repacked now along K (each output channel's trits
    // in one row of bytes); an unbound one is read as its trits, which
    // convert-ternary-to-linalg decodes from the packed param's bytes where
    // they come from a ternary.unpack (no tensor of trits).
    std::optional<SmallVector<uint8_t>> bytes =
        repackConstantTrits(dequantize.getTrits());
    Location loc = op.getLoc();
    MLIRContext *context = getContext();
    PackedTensorType packed = getMatmulWeightType(dequantize.getTrits());
    Value filter = bytes ? Value(arith::ConstantOp::create(
                               rewriter, loc,
                               tritondsl::getStorageAttr(
                                   packed, getPackedBytesAttr(packed, *bytes))))
                         : Value();
    Value trits = dequantize.getTrits();
    // A scale per output channel, indexed by (g, f).
    if (scaleType.getRank() == 1)
      scale = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get({g, f}, rewriter.getF32Type()),
          scale, ArrayRef<ReassociationIndices>{{0, 1}});

    SmallVector<int64_t> strides = getValues(op.getStrides());
    SmallVector<int64_t> dilations = getValues(op.getDilations());
    AffineExpr dn, dg, df, doh, dow, dc, dkh, dkw;
    bindDims(context, dn, dg, df, doh, dow, dc, dkh, dkw);
    AffineMap read = AffineMap::get(
        8, 0,
        {dn, dg, dc, doh * strides[0] + dkh * dilations[0],
         dow * strides[1] + dkw * dilations[1]},
        context);
    AffineMap scaleMap = scaleType.getRank() == 1
                             ? AffineMap::get(8, 0, {dg, df}, context)
                             : AffineMap::get(8, 0, {}, context);
    // The window (as linalg.pooling_* take one): only its shape is used,
    // so that the loop ranges of kh and kw are those of an operand's dims.
    Value window = tensor::EmptyOp::create(
        rewriter, loc, ArrayRef<int64_t>{kh, kw}, rewriter.getF32Type());
    AffineMap windowMap = AffineMap::get(8, 0, {dkh, dkw}, context);
    AffineMap write = AffineMap::get(8, 0, {dn, dg, df, doh, dow}, context);
    SmallVector<utils::IteratorType> iterators(5,
                                               utils::IteratorType::parallel);
    iterators.append(3, utils::IteratorType::reduction);
    Encoding encoding = packed.getEncoding();
    int64_t perByte = packed.getLayout().getTritsPerByte();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, ValueRange{input, scale, window},
        ValueRange{init},
        ArrayRef<AffineMap>{read, scaleMap, windowMap, write}, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          auto index = [&](unsigned dim) -> Value {
            return linalg::IndexOp::create(b, l, dim);
          };
          auto constant = [&](int64_t value) -> Value {
            return arith::ConstantIndexOp::create(b, l, value);
          };
          auto mulAdd = [&](Value a, int64_t m, Value add) -> Value {
            return arith::AddIOp::create(
                b, l, arith::MulIOp::create(b, l, a, constant(m)), add);
          };
          // The filter's row is its output channel g*F + f, its position
          // along K = C*KH*KW is (c*KH + kh)*KW + kw.
          Value row = mulAdd(index(1), f, index(2));
          Value trit;
          if (filter) {
            Value k = mulAdd(mulAdd(index(5), kh, index(6)), kw, index(7));
            Value column = arith::DivUIOp::create(b, l, k, constant(perByte));
            Value position =
                arith::RemUIOp::create(b, l, k, constant(perByte));
            Value byte = tensor::ExtractOp::create(b, l, filter,
                                                   ValueRange{row, column});
            Value code =
                tritondsl::decodeCode(b, l, encoding, byte, position);
            trit = arith::SubIOp::create(
                b, l, code,
                arith::ConstantIntOp::create(b, l, b.getI8Type(), 1));
          } else {
            trit = tensor::ExtractOp::create(
                b, l, trits, ValueRange{row, index(5), index(6), index(7)});
          }
          Value weight = arith::MulFOp::create(
              b, l, arith::SIToFPOp::create(b, l, b.getF32Type(), trit),
              args[1]);
          Value product = arith::MulFOp::create(b, l, args[0], weight);
          linalg::YieldOp::create(
              b, l, arith::AddFOp::create(b, l, args[3], product).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    ++counter;
    return success();
  }

  tritondsl::PassCounter &counter;
};

struct TernaryConvToMatmulPass
    : tritondsl::impl::TernaryConvToMatmulBase<TernaryConvToMatmulPass>,
      tritondsl::CountingPass {
  using TernaryConvToMatmulBase::TernaryConvToMatmulBase;
  tritondsl::PassCounter numConvs{
      "converted-convs", "Convolutions turned into packed ternary matmuls"};
  tritondsl::PassCounter numGrouped{
      "packed-grouped-convs",
      "Grouped convolutions that read their filter packed"};
  SmallVector<tritondsl::PassCounter *> getCounters() override {
    return {&numConvs, &numGrouped};
  }

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<TernaryConvToMatmul>(&getContext(), numConvs, wholeBatch);
    if (packedGrouped)
      patterns.add<PackedGroupedConv>(&getContext(), numGrouped);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
