//===- TernaryOps.cpp - Ternary dialect operations ------------------------===//
//
// Verifiers, folders and canonicalization patterns of the ternary ops. All
// compile-time packing, unpacking and quantization goes through the runtime
// library (ternary_packing.h), so folded bytes equal run-time bytes.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Dialect/Ternary/IR/TernaryOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/STLExtras.h"

#include <limits>

using namespace mlir;
using namespace mlir::ternary;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// A shape as `4x?x10` for diagnostics.
static std::string shapeStr(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string text;
  llvm::raw_string_ostream os(text);
  printShape(os, shape);
  return text;
}

/// Checks the scale of quantize/dequantize: rank 0 without `axis`, or one
/// element per index of dim `axis` of `shape`.
static LogicalResult verifyScale(Operation *op, ArrayRef<int64_t> shape,
                                 RankedTensorType scaleType,
                                 std::optional<int64_t> axis) {
  if (!axis) {
    if (scaleType.getRank() != 0)
      return op->emitOpError("per-tensor scale must be a rank-0 tensor, got ")
             << scaleType;
    return success();
  }
  if (*axis < 0 || *axis >= static_cast<int64_t>(shape.size()))
    return op->emitOpError("axis ")
           << *axis << " is out of range for a rank-" << shape.size()
           << " tensor";
  RankedTensorType expected =
      RankedTensorType::get({shape[*axis]}, scaleType.getElementType());
  if (scaleType != expected)
    return op->emitOpError("per-channel scale along axis ")
           << *axis << " must have type " << expected << ", got "
           << scaleType;
  return success();
}

/// Index along `axis` of the row-major element `flat` of `shape`.
static int64_t indexAlongAxis(ArrayRef<int64_t> shape, int64_t axis,
                              int64_t flat) {
  int64_t inner = 1;
  for (int64_t d = axis + 1, e = shape.size(); d < e; ++d)
    inner *= shape[d];
  return (flat / inner) % shape[axis];
}

/// The elements of an integer constant as int64.
static SmallVector<int64_t> getIntValues(DenseIntElementsAttr attr) {
  SmallVector<int64_t> values;
  values.reserve(attr.getNumElements());
  for (const APInt &value : attr.getValues<APInt>())
    values.push_back(value.getSExtValue());
  return values;
}

/// The elements of a float constant as double.
static SmallVector<double> getFloatValues(DenseFPElementsAttr attr) {
  SmallVector<double> values;
  values.reserve(attr.getNumElements());
  for (APFloat value : attr.getValues<APFloat>()) {
    bool losesInfo = false;
    value.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                  &losesInfo);
    values.push_back(value.convertToDouble());
  }
  return values;
}

/// A float constant of `type` from double values.
static DenseElementsAttr getFloatAttr(RankedTensorType type,
                                      ArrayRef<double> values) {
  auto floatType = cast<FloatType>(type.getElementType());
  SmallVector<APFloat> elements;
  elements.reserve(values.size());
  for (double value : values) {
    APFloat element(value);
    bool losesInfo = false;
    element.convert(floatType.getFloatSemantics(),
                    APFloat::rmNearestTiesToEven, &losesInfo);
    elements.push_back(element);
  }
  return DenseElementsAttr::get(type, elements);
}

/// Largest number of multiply-adds a matmul folder evaluates.
static constexpr int64_t kMaxFoldedMatmulWork = 1 << 24;

/// Largest tensor (in elements) that folders expand: a splat constant of a
/// huge shape is cheap in the IR but must not be materialized element-wise.
static constexpr int64_t kMaxFoldedElements = 1 << 26;

static bool isFoldable(ShapedType type) {
  return type.hasStaticShape() && type.getNumElements() <= kMaxFoldedElements;
}

//===----------------------------------------------------------------------===//
// QuantizeOp
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  RankedTensorType inputType = getInput().getType();
  RankedTensorType tritsType = getTrits().getType();
  if (tritsType.getShape() != inputType.getShape())
    return emitOpError("trits shape (")
           << shapeStr(tritsType.getShape()) << ") must equal the input shape ("
           << shapeStr(inputType.getShape()) << ")";
  QuantMethod method = getMethod();
  if (method == QuantMethod::threshold) {
    if (!getThreshold())
      return emitOpError("method 'threshold' needs a threshold, e.g. "
                         "'threshold(0.5)'");
    float threshold = getThreshold()->convertToFloat();
    if (!(threshold >= 0.0f) || std::isinf(threshold))
      return emitOpError("threshold must be a finite number >= 0, got ")
             << threshold;
  } else if (getThreshold()) {
    return emitOpError("a threshold is only valid with method 'threshold', "
                       "not '")
           << stringifyQuantMethod(method) << "'";
  }
  if (getSeed() && method != QuantMethod::stochastic)
    return emitOpError("a seed is only valid with method 'stochastic', not '")
           << stringifyQuantMethod(method) << "'";
  return verifyScale(*this, inputType.getShape(), getScale().getType(),
                     getAxis());
}

LogicalResult QuantizeOp::fold(FoldAdaptor adaptor,
                               SmallVectorImpl<OpFoldResult> &results) {
  auto input = dyn_cast_or_null<DenseFPElementsAttr>(adaptor.getInput());
  RankedTensorType inputType = getInput().getType();
  if (!input || !isFoldable(inputType))
    return failure();
  SmallVector<double> doubles = getFloatValues(input);
  SmallVector<float> values(doubles.begin(), doubles.end());
  SmallVector<int8_t> trits(values.size());
  RankedTensorType scaleType = getScale().getType();
  SmallVector<float> scales(scaleType.getNumElements());
  tri_quant_method method = static_cast<tri_quant_method>(getMethod());
  float threshold = getThreshold() ? getThreshold()->convertToFloat() : 0.0f;
  uint64_t seed = getSeed() ? static_cast<uint64_t>(*getSeed()) : 0;
  int channelAxis = getAxis() ? static_cast<int>(*getAxis()) : -1;
  if (tri_quantize(method, values.data(), inputType.getShape().data(),
                   inputType.getRank(), channelAxis, threshold, seed,
                   trits.data(), scales.data()) != TRI_OK)
    return failure(); // e.g. NaN input: left for run time.
  results.push_back(
      DenseElementsAttr::get(getTrits().getType(), ArrayRef<int8_t>(trits)));
  results.push_back(DenseElementsAttr::get(scaleType, ArrayRef<float>(scales)));
  return success();
}

static_assert(static_cast<int>(QuantMethod::threshold) ==
                      TRI_QUANT_THRESHOLD &&
                  static_cast<int>(QuantMethod::absmean) ==
                      TRI_QUANT_ABSMEAN &&
                  static_cast<int>(QuantMethod::stochastic) ==
                      TRI_QUANT_STOCHASTIC,
              "QuantMethod must mirror tri_quant_method");

//===----------------------------------------------------------------------===//
// DequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult DequantizeOp::verify() {
  RankedTensorType tritsType = getTrits().getType();
  if (getResult().getType().getShape() != tritsType.getShape())
    return emitOpError("result shape (")
           << shapeStr(getResult().getType().getShape())
           << ") must equal the trits shape ("
           << shapeStr(tritsType.getShape()) << ")";
  return verifyScale(*this, tritsType.getShape(), getScale().getType(),
                     getAxis());
}

OpFoldResult DequantizeOp::fold(FoldAdaptor adaptor) {
  auto trits = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getTrits());
  auto scale = dyn_cast_or_null<DenseFPElementsAttr>(adaptor.getScale());
  RankedTensorType resultType = getResult().getType();
  if (!trits || !scale || !isFoldable(resultType))
    return {};
  SmallVector<int64_t> tritValues = getIntValues(trits);
  SmallVector<double> scales = getFloatValues(scale);
  SmallVector<double> values(tritValues.size());
  for (auto [flat, trit] : llvm::enumerate(tritValues)) {
    double s = getAxis() ? scales[indexAlongAxis(resultType.getShape(),
                                                 *getAxis(), flat)]
                         : scales.front();
    values[flat] = static_cast<double>(trit) * static_cast<float>(s);
  }
  return getFloatAttr(resultType, values);
}

//===----------------------------------------------------------------------===//
// PackOp
//===----------------------------------------------------------------------===//

LogicalResult PackOp::verify() {
  ArrayRef<int64_t> tritsShape = getTrits().getType().getShape();
  PackedTensorType packedType = getPacked().getType();
  if (packedType.getShape() != tritsShape)
    return emitOpError("packed shape (")
           << shapeStr(packedType.getShape())
           << ") must equal the trits shape (" << shapeStr(tritsShape) << ")";
  return success();
}

OpFoldResult PackOp::fold(FoldAdaptor adaptor) {
  // pack(unpack(%p)) with the same type is %p.
  if (auto unpack = getTrits().getDefiningOp<UnpackOp>())
    if (unpack.getPacked().getType() == getPacked().getType())
      return unpack.getPacked();
  auto trits = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getTrits());
  PackedTensorType type = getPacked().getType();
  if (!trits || !isFoldable(trits.getType()) || !type.hasStaticShape())
    return {};
  SmallVector<int8_t> values;
  values.reserve(trits.getNumElements());
  for (int64_t value : getIntValues(trits))
    values.push_back(static_cast<int8_t>(value));
  FailureOr<SmallVector<uint8_t>> bytes = packTrits(type, values);
  if (failed(bytes))
    return {}; // not all trits: leave the op (and its behaviour) alone.
  return getPackedBytesAttr(type, *bytes);
}

namespace {
/// pack(unpack(%p)) with a different layout is relayout(%p).
struct PackOfUnpackToRelayout : OpRewritePattern<PackOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PackOp op,
                                PatternRewriter &rewriter) const override {
    auto unpack = op.getTrits().getDefiningOp<UnpackOp>();
    if (!unpack || unpack.getPacked().getType() == op.getPacked().getType())
      return failure();
    if (unpack.getPacked().getType().getShape() !=
        op.getPacked().getType().getShape())
      return failure();
    rewriter.replaceOpWithNewOp<RelayoutOp>(op, op.getPacked().getType(),
                                            unpack.getPacked());
    return success();
  }
};
} // namespace

void PackOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                         MLIRContext *context) {
  results.add<PackOfUnpackToRelayout>(context);
}

//===----------------------------------------------------------------------===//
// UnpackOp
//===----------------------------------------------------------------------===//

LogicalResult UnpackOp::verify() {
  ArrayRef<int64_t> tritsShape = getTrits().getType().getShape();
  PackedTensorType packedType = getPacked().getType();
  if (packedType.getShape() != tritsShape)
    return emitOpError("trits shape (")
           << shapeStr(tritsShape) << ") must equal the packed shape ("
           << shapeStr(packedType.getShape()) << ")";
  return success();
}

OpFoldResult UnpackOp::fold(FoldAdaptor adaptor) {
  // unpack(pack(%t)) is %t.
  if (auto pack = getPacked().getDefiningOp<PackOp>())
    if (pack.getTrits().getType() == getTrits().getType())
      return pack.getTrits();
  // The trits do not depend on the layout: read through a relayout.
  if (auto relayout = getPacked().getDefiningOp<RelayoutOp>()) {
    getPackedMutable().assign(relayout.getInput());
    return getTrits();
  }
  auto value = dyn_cast_or_null<ElementsAttr>(adaptor.getPacked());
  PackedTensorType type = getPacked().getType();
  if (!value || !type.hasStaticShape() || !isFoldable(getTrits().getType()))
    return {};
  SmallVector<uint8_t> storage;
  std::optional<ArrayRef<uint8_t>> bytes = getPackedBytes(value, storage);
  if (!bytes)
    return {};
  FailureOr<SmallVector<int8_t>> trits = unpackTrits(type, *bytes);
  if (failed(trits))
    return {};
  return DenseElementsAttr::get(getTrits().getType(), ArrayRef<int8_t>(*trits));
}

//===----------------------------------------------------------------------===//
// RelayoutOp
//===----------------------------------------------------------------------===//

LogicalResult RelayoutOp::verify() {
  PackedTensorType inputType = getInput().getType();
  PackedTensorType resultType = getResult().getType();
  if (inputType.getShape() != resultType.getShape())
    return emitOpError("relayout must keep the shape, but ")
           << shapeStr(inputType.getShape()) << " became "
           << shapeStr(resultType.getShape());
  return success();
}

OpFoldResult RelayoutOp::fold(FoldAdaptor adaptor) {
  PackedTensorType resultType = getResult().getType();
  if (getInput().getType() == resultType)
    return getInput();
  if (auto inner = getInput().getDefiningOp<RelayoutOp>()) {
    if (inner.getInput().getType() == resultType)
      return inner.getInput();
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  auto value = dyn_cast_or_null<ElementsAttr>(adaptor.getInput());
  PackedTensorType inputType = getInput().getType();
  if (!value || !isFoldable(inputType.getTritTensorType()))
    return {};
  SmallVector<uint8_t> storage;
  std::optional<ArrayRef<uint8_t>> bytes = getPackedBytes(value, storage);
  if (!bytes)
    return {};
  FailureOr<SmallVector<int8_t>> trits = unpackTrits(inputType, *bytes);
  if (failed(trits))
    return {};
  FailureOr<SmallVector<uint8_t>> repacked = packTrits(resultType, *trits);
  if (failed(repacked))
    return {};
  return getPackedBytesAttr(resultType, *repacked);
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  return verifyPackedBytes([&] { return emitOpError(); }, getResult().getType(),
                           getValue());
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

ParseResult MatmulOp::parse(OpAsmParser &parser, OperationState &result) {
  OpAsmParser::UnresolvedOperand input, weight, scale, bias;
  bool hasScale = false, hasBias = false;
  if (parser.parseOperand(input) || parser.parseComma() ||
      parser.parseOperand(weight))
    return failure();
  if (succeeded(parser.parseOptionalKeyword("scale"))) {
    hasScale = true;
    if (parser.parseOperand(scale))
      return failure();
  }
  if (succeeded(parser.parseOptionalKeyword("bias"))) {
    hasBias = true;
    if (parser.parseOperand(bias))
      return failure();
  }
  // The operand types follow in operand order: input, weight[, scale][, bias].
  Type inputType, weightType, scaleType, biasType, resultType;
  if (parser.parseOptionalAttrDict(result.attributes) || parser.parseColon() ||
      parser.parseType(inputType) || parser.parseComma() ||
      parser.parseType(weightType))
    return failure();
  if (hasScale && (parser.parseComma() || parser.parseType(scaleType)))
    return failure();
  if (hasBias && (parser.parseComma() || parser.parseType(biasType)))
    return failure();
  if (parser.parseArrow() || parser.parseType(resultType))
    return failure();
  if (parser.resolveOperand(input, inputType, result.operands) ||
      parser.resolveOperand(weight, weightType, result.operands) ||
      (hasScale &&
       parser.resolveOperand(scale, scaleType, result.operands)) ||
      (hasBias && parser.resolveOperand(bias, biasType, result.operands)))
    return failure();
  result.getOrAddProperties<Properties>().operandSegmentSizes = {
      1, 1, hasScale ? 1 : 0, hasBias ? 1 : 0};
  result.addTypes(resultType);
  return success();
}

void MatmulOp::print(OpAsmPrinter &printer) {
  printer << ' ' << getInput() << ", " << getWeight();
  if (getScale())
    printer << " scale " << getScale();
  if (getBias())
    printer << " bias " << getBias();
  printer.printOptionalAttrDict((*this)->getAttrs(),
                                /*elidedAttrs=*/{"operandSegmentSizes"});
  printer << " : " << getInput().getType() << ", " << getWeight().getType();
  if (getScale())
    printer << ", " << getScale().getType();
  if (getBias())
    printer << ", " << getBias().getType();
  printer << " -> " << getResult().getType();
}

LogicalResult MatmulOp::verify() {
  RankedTensorType inputType = getInput().getType();
  PackedTensorType weightType = getWeight().getType();
  RankedTensorType resultType = getResult().getType();
  if (inputType.getRank() < 1)
    return emitOpError("input must have rank >= 1, got ") << inputType;
  if (weightType.getRank() != 2)
    return emitOpError("weight must be a rank-2 packed tensor [K, N], got "
                       "rank ")
           << weightType.getRank();
  int64_t inputK = inputType.getShape().back();
  int64_t weightK = weightType.getShape()[0];
  int64_t n = weightType.getShape()[1];
  if (!ShapedType::isDynamic(inputK) && !ShapedType::isDynamic(weightK) &&
      inputK != weightK)
    return emitOpError("inner dimensions differ: the input has K = ")
           << inputK << " but the weight has K = " << weightK;

  SmallVector<int64_t> expectedShape(inputType.getShape().drop_back());
  expectedShape.push_back(n);
  if (resultType.getShape() != ArrayRef<int64_t>(expectedShape))
    return emitOpError("result shape must be ")
           << shapeStr(expectedShape) << ", got "
           << shapeStr(resultType.getShape());

  bool intInput = inputType.getElementType().isInteger(8);
  Type expectedElement =
      intInput && !getScale()
          ? Type(IntegerType::get(getContext(), 32))
          : Type(Float32Type::get(getContext()));
  if (resultType.getElementType() != expectedElement)
    return emitOpError("result element type must be ")
           << expectedElement << " for " << inputType.getElementType()
           << " input " << (getScale() ? "with" : "without") << " a scale, got "
           << resultType.getElementType();

  if (Value scale = getScale()) {
    auto scaleType = cast<RankedTensorType>(scale.getType());
    bool perTensor = scaleType.getRank() == 0;
    bool perChannel = scaleType.getRank() == 1 &&
                      scaleType.getShape()[0] == n;
    if (!perTensor && !perChannel)
      return emitOpError("scale must be a rank-0 tensor (per-tensor) or have "
                         "N = ")
             << shapeStr(n) << " elements (per-channel), got " << scaleType;
  }
  if (Value bias = getBias()) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getRank() != 1 ||
        (!ShapedType::isDynamic(biasType.getShape()[0]) &&
         !ShapedType::isDynamic(n) && biasType.getShape()[0] != n))
      return emitOpError("bias must be a 1-D tensor of N = ")
             << shapeStr(n) << " elements, got " << biasType;
    if (biasType.getElementType() != resultType.getElementType())
      return emitOpError("bias element type must be the result element type ")
             << resultType.getElementType() << ", got "
             << biasType.getElementType();
  }
  return success();
}

OpFoldResult MatmulOp::fold(FoldAdaptor adaptor) {
  auto input = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput());
  auto weight = dyn_cast_or_null<ElementsAttr>(adaptor.getWeight());
  auto scale = dyn_cast_or_null<DenseFPElementsAttr>(adaptor.getScale());
  auto bias = dyn_cast_or_null<DenseElementsAttr>(adaptor.getBias());
  RankedTensorType resultType = getResult().getType();
  PackedTensorType weightType = getWeight().getType();
  if (!input || !weight || (getScale() && !scale) || (getBias() && !bias) ||
      !isFoldable(resultType) || !isFoldable(weightType.getTritTensorType()) ||
      !isFoldable(getInput().getType()))
    return {};
  int64_t k = weightType.getShape()[0], n = weightType.getShape()[1];
  // Rows of the input: the product of all but its last dim (numElements / K
  // would be 0 for K = 0, whatever the batch).
  int64_t m = 1;
  for (int64_t dim : getInput().getType().getShape().drop_back())
    m *= dim;
  if (m * k * n > kMaxFoldedMatmulWork)
    return {};
  SmallVector<uint8_t> storage;
  std::optional<ArrayRef<uint8_t>> bytes = getPackedBytes(weight, storage);
  if (!bytes)
    return {};
  FailureOr<SmallVector<int8_t>> w = unpackTrits(weightType, *bytes);
  if (failed(w))
    return {};

  bool intInput = isa<IntegerType>(input.getElementType());
  SmallVector<double> x;
  if (intInput)
    for (int64_t v : getIntValues(cast<DenseIntElementsAttr>(input)))
      x.push_back(static_cast<double>(v));
  else
    x = getFloatValues(cast<DenseFPElementsAttr>(input));
  SmallVector<double> scales;
  if (scale)
    scales = getFloatValues(scale);
  SmallVector<double> biases;
  if (bias) {
    if (isa<IntegerType>(bias.getElementType()))
      for (int64_t v : getIntValues(cast<DenseIntElementsAttr>(bias)))
        biases.push_back(static_cast<double>(v));
    else
      biases = getFloatValues(cast<DenseFPElementsAttr>(bias));
  }

  // Exact sums: additions and subtractions only, as the op promises.
  SmallVector<double> out(m * n, 0.0);
  for (int64_t row = 0; row < m; ++row)
    for (int64_t col = 0; col < n; ++col) {
      double acc = 0.0;
      for (int64_t i = 0; i < k; ++i) {
        int8_t t = (*w)[i * n + col];
        if (t > 0)
          acc += x[row * k + i];
        else if (t < 0)
          acc -= x[row * k + i];
      }
      if (!scales.empty())
        acc *= scales.size() == 1 ? scales[0] : scales[col];
      if (!biases.empty())
        acc += biases[col];
      out[row * n + col] = acc;
    }
  if (isa<IntegerType>(resultType.getElementType())) {
    SmallVector<int32_t> ints;
    for (double v : out) {
      // An i32 bias can push the sum out of range: wraps at run time.
      if (v < std::numeric_limits<int32_t>::min() ||
          v > std::numeric_limits<int32_t>::max())
        return {};
      ints.push_back(static_cast<int32_t>(v));
    }
    return DenseElementsAttr::get(resultType, ArrayRef<int32_t>(ints));
  }
  return getFloatAttr(resultType, out);
}

namespace {
/// A scale that is the constant 1.0 does nothing for f32 inputs.
struct DropUnitScale : OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    DenseFPElementsAttr scale;
    if (!op.getScale() || !matchPattern(op.getScale(), m_Constant(&scale)))
      return failure();
    if (!op.getInput().getType().getElementType().isF32())
      return failure();
    if (!llvm::all_of(scale.getValues<APFloat>(),
                      [](const APFloat &v) { return v.isExactlyValue(1.0); }))
      return failure();
    rewriter.replaceOpWithNewOp<MatmulOp>(op, op.getResult().getType(),
                                          op.getInput(), op.getWeight(),
                                          /*scale=*/Value(), op.getBias());
    return success();
  }
};
} // namespace

void MatmulOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                           MLIRContext *context) {
  results.add<DropUnitScale>(context);
}

//===----------------------------------------------------------------------===//
// LayerOp
//===----------------------------------------------------------------------===//

void LayerOp::build(OpBuilder &builder, OperationState &state,
                    StringRef name) {
  state.addAttribute(::mlir::SymbolTable::getSymbolAttrName(),
                     builder.getStringAttr(name));
  Region *body = state.addRegion();
  body->push_back(new Block());
}

RegionKind LayerOp::getRegionKind(unsigned) { return RegionKind::Graph; }

LogicalResult LayerOp::verify() {
  for (Operation &op : getBodyBlock()) {
    if (!isa<ParamOp, func::FuncOp>(op))
      return op.emitOpError("cannot be in a 'ternary.layer' body; a layer "
                            "holds only 'ternary.param' and 'func.func' ops");
  }
  return success();
}

//===----------------------------------------------------------------------===//
// ParamOp
//===----------------------------------------------------------------------===//

LogicalResult ParamOp::verify() {
  Type type = getType();
  if (!isa<PackedTensorType, RankedTensorType>(type))
    return emitOpError("param type must be a !ternary.packed or a ranked "
                       "tensor type, got ")
           << type;
  std::optional<ElementsAttr> init = getInitialValue();
  if (!init)
    return success();
  if (auto packed = dyn_cast<PackedTensorType>(type))
    return verifyPackedBytes([&] { return emitOpError("initial value: "); },
                             packed, *init);
  if (init->getType() != type)
    return emitOpError("initial value type ")
           << init->getType() << " does not match the param type " << type;
  return success();
}

//===----------------------------------------------------------------------===//
// GetParamOp
//===----------------------------------------------------------------------===//

LogicalResult
GetParamOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  auto layer = (*this)->getParentOfType<LayerOp>();
  if (!layer)
    return emitOpError("must be nested in a 'ternary.layer'");
  auto param = symbolTable.lookupSymbolIn<ParamOp>(layer, getNameAttr());
  if (!param)
    return emitOpError("'")
           << getName() << "' does not name a param of layer '"
           << layer.getSymName() << "'";
  if (param.getType() != getResult().getType())
    return emitOpError("result type ")
           << getResult().getType() << " does not match the type "
           << param.getType() << " of param '" << getName() << "'";
  return success();
}

//===----------------------------------------------------------------------===//
// CallOp
//===----------------------------------------------------------------------===//

/// The symbol table in which the callee of `op` is looked up: the caller's
/// own layer for a flat reference, the table holding the layers otherwise.
static Operation *getCalleeScope(CallOp op) {
  Operation *scope = SymbolTable::getNearestSymbolTable(op->getParentOp());
  if (!scope)
    return nullptr;
  if (isa<LayerOp>(scope) && !op.getCallee().getNestedReferences().empty())
    return SymbolTable::getNearestSymbolTable(scope->getParentOp());
  return scope;
}

func::FuncOp CallOp::resolveCallee() {
  Operation *scope = getCalleeScope(*this);
  if (!scope)
    return {};
  return dyn_cast_or_null<func::FuncOp>(
      SymbolTable::lookupSymbolIn(scope, getCallee()));
}

func::FuncOp CallOp::resolveCallee(SymbolTableCollection &tables) {
  Operation *scope = getCalleeScope(*this);
  if (!scope)
    return {};
  return dyn_cast_or_null<func::FuncOp>(
      tables.lookupSymbolIn(scope, getCallee()));
}

/// Whether `op` calls another layer's function from inside a layer. Such
/// calls are verified by the enclosing layer (LayerOp::verifySymbolUses),
/// which MLIR runs with the symbol tables of the scope holding the layers:
/// verifying them from the caller's own layer would rebuild that scope's
/// symbol table once per layer, quadratic in the number of layers.
static bool isCrossLayerCall(CallOp op) {
  return !op.getCallee().getNestedReferences().empty() &&
         isa_and_nonnull<LayerOp>(
             SymbolTable::getNearestSymbolTable(op->getParentOp()));
}

LogicalResult CallOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  if (isCrossLayerCall(*this))
    return success();
  return verifyCallee(symbolTable);
}

LogicalResult LayerOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  WalkResult result = walk([&](CallOp call) {
    if (isCrossLayerCall(call) && failed(call.verifyCallee(symbolTable)))
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

LogicalResult CallOp::verifyCallee(SymbolTableCollection &symbolTable) {
  Operation *scope = getCalleeScope(*this);
  Operation *callee =
      scope ? symbolTable.lookupSymbolIn(scope, getCallee()) : nullptr;
  if (!callee)
    return emitOpError("'") << getCallee() << "' does not name a function";
  auto func = dyn_cast<func::FuncOp>(callee);
  if (!func)
    return emitOpError("'") << getCallee() << "' is a '"
                            << callee->getName() << "', not a 'func.func'";
  // A private symbol is visible only inside its own symbol table, so a
  // private function may only be called by a flat reference from its own
  // layer; passes such as -symbol-dce rely on that and would erase it.
  if (func.isPrivate() && !getCallee().getNestedReferences().empty())
    return emitOpError("'") << getCallee()
                            << "' is private: only functions of its own "
                               "layer can call it, by a flat reference";
  FunctionType type = func.getFunctionType();
  if (type.getNumInputs() != getNumOperands())
    return emitOpError("'") << getCallee() << "' takes "
                            << type.getNumInputs() << " operands, got "
                            << getNumOperands();
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip(type.getInputs(), getOperandTypes())))
    if (std::get<0>(pair) != std::get<1>(pair))
      return emitOpError("operand ")
             << index << " has type " << std::get<1>(pair) << " but '"
             << getCallee() << "' expects " << std::get<0>(pair);
  if (type.getNumResults() != getNumResults())
    return emitOpError("'") << getCallee() << "' returns "
                            << type.getNumResults() << " results, got "
                            << getNumResults();
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip(type.getResults(), getResultTypes())))
    if (std::get<0>(pair) != std::get<1>(pair))
      return emitOpError("result ")
             << index << " has type " << std::get<1>(pair) << " but '"
             << getCallee() << "' returns " << std::get<0>(pair);
  return success();
}

CallInterfaceCallable CallOp::getCallableForCallee() { return getCalleeAttr(); }

void CallOp::setCalleeFromCallable(CallInterfaceCallable callee) {
  setCalleeAttr(cast<SymbolRefAttr>(callee));
}

Operation::operand_range CallOp::getArgOperands() { return getOperands(); }

MutableOperandRange CallOp::getArgOperandsMutable() {
  return getOperandsMutable();
}

#define GET_OP_CLASSES
#include "tritondsl/Dialect/Ternary/IR/TernaryOps.cpp.inc"
