//===- TernaryToLinalg.cpp - Ternary ops to linalg on packed bytes --------===//
//
// convert-ternary-to-linalg: every ternary op becomes linalg/arith/tensor IR
// on the packed bytes, with the decode of each trit spelled out (shift and
// mask for offset2, divide and remainder for base3). The arithmetic mirrors
// runtime/src/ternary_packing.c, the single definition of the format and of
// the quantizers (see Passes.td for the op-by-op description).
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Conversion/Passes.h"

#include "tritondsl/Support/PassCounters.h"

#include "ternary_ukernels.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace tritondsl {
#define GEN_PASS_DEF_CONVERTTERNARYTOLINALG
#include "tritondsl/Conversion/Passes.h.inc"
} // namespace tritondsl

using namespace mlir;
using namespace tritondsl;
using ternary::Encoding;
using ternary::PackedTensorType;

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

RankedTensorType tritondsl::getPackedStorageType(PackedTensorType type) {
  int64_t rows = 1;
  for (auto [dim, size] : llvm::enumerate(type.getShape())) {
    if (dim == type.getPackedAxis())
      continue;
    rows = ShapedType::isDynamic(size) || ShapedType::isDynamic(rows)
               ? ShapedType::kDynamic
               : rows * size;
  }
  std::optional<int64_t> rowBytes = type.getRowBytes();
  return RankedTensorType::get(
      {rows, rowBytes ? *rowBytes : ShapedType::kDynamic},
      IntegerType::get(type.getContext(), 8));
}

TypedAttr tritondsl::getStorageAttr(PackedTensorType type,
                                   ElementsAttr value) {
  RankedTensorType storage = getPackedStorageType(type);
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    return dense.bitcast(IntegerType::get(type.getContext(), 8))
        .reshape(storage);
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    return DenseResourceElementsAttr::get(storage, resource.getRawHandle());
  return {};
}

TernaryToLinalgTypeConverter::TernaryToLinalgTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion(
      [](PackedTensorType type) -> Type { return getPackedStorageType(type); });
}

//===----------------------------------------------------------------------===//
// Building blocks
//===----------------------------------------------------------------------===//

namespace {

Value indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

Value intConstant(OpBuilder &b, Location loc, Type type, int64_t value) {
  return arith::ConstantOp::create(b, loc, IntegerAttr::get(type, value));
}

Value floatConstant(OpBuilder &b, Location loc, FloatType type, double value) {
  return arith::ConstantOp::create(b, loc, FloatAttr::get(type, value));
}

/// The size of dim `dim` of the tensor `value` (a constant when static).
Value dimSize(OpBuilder &b, Location loc, Value value, int64_t dim) {
  auto type = cast<RankedTensorType>(value.getType());
  if (!type.isDynamicDim(dim))
    return indexConstant(b, loc, type.getDimSize(dim));
  return tensor::DimOp::create(b, loc, value, dim);
}

/// The dynamic sizes of `type` read from `value` of the same shape.
SmallVector<Value> dynamicSizes(OpBuilder &b, Location loc, Value value,
                                RankedTensorType type) {
  SmallVector<Value> sizes;
  for (int64_t dim = 0, e = type.getRank(); dim < e; ++dim)
    if (type.isDynamicDim(dim))
      sizes.push_back(tensor::DimOp::create(b, loc, value, dim));
  return sizes;
}

SmallVector<utils::IteratorType> parallelIterators(unsigned count) {
  return SmallVector<utils::IteratorType>(count,
                                          utils::IteratorType::parallel);
}

/// The logical sizes of a packed tensor of `type` stored in `bytes`. A size
/// is recoverable when static, or when it is the only other dim of a 2-D
/// tensor (it is then the number of rows).
FailureOr<SmallVector<Value>> packedSizes(OpBuilder &b, Location loc,
                                          Value bytes, PackedTensorType type) {
  SmallVector<Value> sizes;
  for (auto [dim, size] : llvm::enumerate(type.getShape())) {
    if (!ShapedType::isDynamic(size)) {
      sizes.push_back(indexConstant(b, loc, size));
      continue;
    }
    if (type.getRank() != 2 || dim == type.getPackedAxis())
      return failure();
    sizes.push_back(tensor::DimOp::create(b, loc, bytes, 0));
  }
  return sizes;
}

/// Whether the sizes of a packed value of `type` can be recovered from its
/// bytes (see packedSizes).
bool hasRecoverableSizes(PackedTensorType type) {
  for (auto [dim, size] : llvm::enumerate(type.getShape()))
    if (ShapedType::isDynamic(size) &&
        (type.getRank() != 2 || dim == type.getPackedAxis()))
      return false;
  return true;
}

} // namespace

int64_t tritondsl::getMatmulRows(ShapedType input) {
  int64_t rows = 1;
  for (int64_t size : input.getShape().drop_back()) {
    if (ShapedType::isDynamic(size))
      return ShapedType::kDynamic;
    rows *= size;
  }
  return rows;
}

/// The reassociation of `[..., K]` (rank >= 3) into `[M, K]`, or of `[K]`
/// into `[1, K]`.
static SmallVector<ReassociationIndices> rowReassociation(int64_t rank) {
  if (rank == 1)
    return {{0, 1}};
  ReassociationIndices leading;
  for (int64_t dim = 0; dim < rank - 1; ++dim)
    leading.push_back(dim);
  return {leading, {rank - 1}};
}

Value tritondsl::collapseMatmulRows(OpBuilder &b, Location loc, Value value) {
  auto type = cast<ShapedType>(value.getType());
  int64_t rank = type.getRank();
  if (rank == 2)
    return value;
  SmallVector<int64_t> shape = {getMatmulRows(type), type.getShape().back()};
  SmallVector<ReassociationIndices> groups = rowReassociation(rank);
  bool isTensor = isa<RankedTensorType>(type);
  if (rank > 2) {
    if (isTensor)
      return tensor::CollapseShapeOp::create(
          b, loc, RankedTensorType::get(shape, type.getElementType()), value,
          groups);
    return memref::CollapseShapeOp::create(
        b, loc, MemRefType::get(shape, type.getElementType()), value, groups);
  }
  if (isTensor)
    return tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get(shape, type.getElementType()), value,
        groups,
        SmallVector<OpFoldResult>{b.getIndexAttr(1),
                                  tensor::getMixedSize(b, loc, value, 0)});
  return memref::ExpandShapeOp::create(
      b, loc, shape, value, groups,
      SmallVector<OpFoldResult>{b.getIndexAttr(1),
                                memref::getMixedSize(b, loc, value, 0)});
}

SmallVector<Value> tritondsl::getMatmulResultSizes(OpBuilder &b, Location loc,
                                                   Value input, Value weight,
                                                   RankedTensorType resultType,
                                                   Value rows) {
  SmallVector<Value> sizes;
  int64_t last = resultType.getRank() - 1;
  for (int64_t dim = 0; dim <= last; ++dim) {
    if (!resultType.isDynamicDim(dim))
      continue;
    if (dim == 0 && last == 1 && rows)
      sizes.push_back(rows);
    else
      sizes.push_back(tensor::DimOp::create(
          b, loc, dim < last ? input : weight, dim < last ? dim : 0));
  }
  return sizes;
}

Value tritondsl::decodeCode(OpBuilder &b, Location loc, Encoding encoding,
                            Value byte, Value position) {
  Type i8 = b.getI8Type();
  if (encoding == Encoding::offset2) {
    // offset2: bits 2j..2j+1, least significant first.
    Value j = arith::IndexCastUIOp::create(b, loc, i8, position);
    Value shift = arith::ShLIOp::create(b, loc, j, intConstant(b, loc, i8, 1));
    Value shifted = arith::ShRUIOp::create(b, loc, byte, shift);
    return arith::AndIOp::create(b, loc, shifted, intConstant(b, loc, i8, 3));
  }
  // base3: digit j of the byte read as an unsigned number.
  Type i32 = b.getI32Type();
  Value value = arith::ExtUIOp::create(b, loc, i32, byte);
  Value j = arith::IndexCastUIOp::create(b, loc, i32, position);
  Value power = intConstant(b, loc, i32, 1);
  for (int64_t digit = 1, p = 3; digit < 5; ++digit, p *= 3) {
    Value isDigit = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, j,
                                          intConstant(b, loc, i32, digit));
    power = arith::SelectOp::create(b, loc, isDigit,
                                    intConstant(b, loc, i32, p), power);
  }
  Value shifted = arith::DivUIOp::create(b, loc, value, power);
  Value code =
      arith::RemUIOp::create(b, loc, shifted, intConstant(b, loc, i32, 3));
  return arith::TruncIOp::create(b, loc, i8, code);
}

namespace {

/// Adds code (i8, 0..2) at position `position` of a byte being built.
Value encodeCode(OpBuilder &b, Location loc, Encoding encoding, Value byte,
                 Value code, unsigned position) {
  Type i8 = b.getI8Type();
  if (encoding == Encoding::offset2) {
    Value shifted = arith::ShLIOp::create(
        b, loc, code, intConstant(b, loc, i8, 2 * position));
    return arith::OrIOp::create(b, loc, byte, shifted);
  }
  int64_t power = 1;
  for (unsigned i = 0; i < position; ++i)
    power *= 3;
  // Wrapping i8 arithmetic gives the unsigned byte value's bits.
  Value scaled = arith::MulIOp::create(b, loc, code,
                                       intConstant(b, loc, i8, power));
  return arith::AddIOp::create(b, loc, byte, scaled);
}

/// The row of a packed tensor that holds the element `indices`: the
/// row-major linear index of its indices along the other axes.
Value linearizeRow(OpBuilder &b, Location loc, ArrayRef<Value> indices,
                   ArrayRef<Value> sizes, unsigned axis) {
  Value row = indexConstant(b, loc, 0);
  for (unsigned dim = 0; dim < indices.size(); ++dim) {
    if (dim == axis)
      continue;
    row = arith::MulIOp::create(b, loc, row, sizes[dim]);
    row = arith::AddIOp::create(b, loc, row, indices[dim]);
  }
  return row;
}

/// The trit (i8) at `indices` of the packed tensor `bytes : type` of
/// `sizes`: its byte decoded.
Value decodeTrit(OpBuilder &b, Location loc, Value bytes, PackedTensorType type,
                 ArrayRef<Value> sizes, ArrayRef<Value> indices) {
  unsigned axis = type.getPackedAxis();
  Value row = linearizeRow(b, loc, indices, sizes, axis);
  Value perByte = indexConstant(b, loc, type.getLayout().getTritsPerByte());
  Value column = arith::DivUIOp::create(b, loc, indices[axis], perByte);
  Value position = arith::RemUIOp::create(b, loc, indices[axis], perByte);
  Value byte =
      tensor::ExtractOp::create(b, loc, bytes, ValueRange{row, column});
  Value code = decodeCode(b, loc, type.getEncoding(), byte, position);
  return arith::SubIOp::create(b, loc, code,
                               intConstant(b, loc, b.getI8Type(), 1));
}

/// Trits (i8) of the packed tensor `bytes : type`, as a tensor of `type`'s
/// shape: each element decodes its byte.
Value buildUnpack(OpBuilder &b, Location loc, Value bytes, PackedTensorType type,
                  ArrayRef<Value> sizes) {
  RankedTensorType tritsType = type.getTritTensorType();
  SmallVector<Value> dynamic;
  for (auto [dim, size] : llvm::enumerate(tritsType.getShape()))
    if (ShapedType::isDynamic(size))
      dynamic.push_back(sizes[dim]);
  Value empty = tensor::EmptyOp::create(b, loc, tritsType.getShape(),
                                        b.getI8Type(), dynamic);
  unsigned rank = type.getRank();
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{tritsType}, ValueRange{}, ValueRange{empty},
      ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank)},
      parallelIterators(rank),
      [&](OpBuilder &nb, Location nloc, ValueRange) {
        SmallVector<Value> indices;
        for (unsigned dim = 0; dim < rank; ++dim)
          indices.push_back(linalg::IndexOp::create(nb, nloc, dim));
        linalg::YieldOp::create(
            nb, nloc, decodeTrit(nb, nloc, bytes, type, sizes, indices));
      });
  return generic.getResult(0);
}

/// Reads the trit (i8) at logical `indices` of what a pack packs.
using TritReader =
    function_ref<Value(OpBuilder &, Location, ArrayRef<Value> indices)>;

/// The bytes of the trits `tritAt` reads (i8, the logical shape of `type`,
/// of `sizes`) packed as `type` says: each byte gathers its trits, padding
/// with zeros past the row end.
Value buildPack(OpBuilder &b, Location loc, TritReader tritAt,
                PackedTensorType type, ArrayRef<Value> sizes) {
  RankedTensorType storage = getPackedStorageType(type);
  unsigned rank = type.getRank();
  unsigned axis = type.getPackedAxis();
  int64_t tritsPerByte = type.getLayout().getTritsPerByte();
  Encoding encoding = type.getEncoding();
  SmallVector<Value> dynamic;
  if (storage.isDynamicDim(0)) {
    Value rows = indexConstant(b, loc, 1);
    for (unsigned dim = 0; dim < rank; ++dim)
      if (dim != axis)
        rows = arith::MulIOp::create(b, loc, rows, sizes[dim]);
    dynamic.push_back(rows);
  }
  if (storage.isDynamicDim(1))
    dynamic.push_back(arith::CeilDivUIOp::create(
        b, loc, sizes[axis], indexConstant(b, loc, tritsPerByte)));
  Value empty = tensor::EmptyOp::create(b, loc, storage.getShape(),
                                        b.getI8Type(), dynamic);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{storage}, ValueRange{}, ValueRange{empty},
      ArrayRef<AffineMap>{b.getMultiDimIdentityMap(2)}, parallelIterators(2),
      [&](OpBuilder &nb, Location nloc, ValueRange) {
        Value row = linalg::IndexOp::create(nb, nloc, 0);
        Value column = linalg::IndexOp::create(nb, nloc, 1);
        // Indices along the other axes, from the row (row-major).
        SmallVector<Value> indices(rank);
        Value rest = row;
        for (int dim = rank - 1; dim >= 0; --dim) {
          if (static_cast<unsigned>(dim) == axis)
            continue;
          indices[dim] = arith::RemUIOp::create(nb, nloc, rest, sizes[dim]);
          rest = arith::DivUIOp::create(nb, nloc, rest, sizes[dim]);
        }
        Type i8 = nb.getI8Type();
        Value byte = intConstant(nb, nloc, i8, 0);
        Value zero = indexConstant(nb, nloc, 0);
        Value first = arith::MulIOp::create(
            nb, nloc, column, indexConstant(nb, nloc, tritsPerByte));
        for (int64_t j = 0; j < tritsPerByte; ++j) {
          Value position = arith::AddIOp::create(nb, nloc, first,
                                                 indexConstant(nb, nloc, j));
          Value inRow = arith::CmpIOp::create(
              nb, nloc, arith::CmpIPredicate::ult, position, sizes[axis]);
          indices[axis] = arith::SelectOp::create(nb, nloc, inRow, position,
                                                  zero);
          Value trit = tritAt(nb, nloc, indices);
          trit = arith::SelectOp::create(nb, nloc, inRow, trit,
                                         intConstant(nb, nloc, i8, 0));
          Value code = arith::AddIOp::create(nb, nloc, trit,
                                             intConstant(nb, nloc, i8, 1));
          byte = encodeCode(nb, nloc, encoding, byte, code, j);
        }
        linalg::YieldOp::create(nb, nloc, byte);
      });
  return generic.getResult(0);
}

/// buildPack of a tensor of trits.
Value buildPack(OpBuilder &b, Location loc, Value trits, PackedTensorType type,
                ArrayRef<Value> sizes) {
  return buildPack(
      b, loc,
      [&](OpBuilder &nb, Location nloc, ArrayRef<Value> indices) -> Value {
        return tensor::ExtractOp::create(nb, nloc, trits, indices);
      },
      type, sizes);
}

//===----------------------------------------------------------------------===//
// Constants and layout changes
//===----------------------------------------------------------------------===//

/// ternary.constant -> arith.constant of the bytes in the storage shape.
struct ConstantLowering : OpConversionPattern<ternary::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ternary::ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    TypedAttr bytes = getStorageAttr(op.getResult().getType(), op.getValue());
    if (!bytes)
      return rewriter.notifyMatchFailure(op, "unsupported constant storage");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, bytes);
    return success();
  }
};

struct UnpackLowering : OpConversionPattern<ternary::UnpackOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ternary::UnpackOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    PackedTensorType type = op.getPacked().getType();
    FailureOr<SmallVector<Value>> sizes =
        packedSizes(rewriter, op.getLoc(), adaptor.getPacked(), type);
    if (failed(sizes))
      return rewriter.notifyMatchFailure(op, "sizes not recoverable");
    // Trits read one by one (tensor.extract, e.g. in a grouped
    // convolution's loop over an unbound filter) decode their bytes where
    // they are read: no tensor of trits.
    Value trits = op.getTrits();
    if (!trits.use_empty() &&
        llvm::all_of(trits.getUsers(), llvm::IsaPred<tensor::ExtractOp>)) {
      for (Operation *user : llvm::make_early_inc_range(trits.getUsers())) {
        auto extract = cast<tensor::ExtractOp>(user);
        rewriter.setInsertionPoint(extract);
        SmallVector<Value> indices(extract.getIndices());
        rewriter.replaceOp(extract,
                           decodeTrit(rewriter, extract.getLoc(),
                                      adaptor.getPacked(), type, *sizes,
                                      indices));
      }
      rewriter.eraseOp(op);
      return success();
    }
    trits =
        buildUnpack(rewriter, op.getLoc(), adaptor.getPacked(), type, *sizes);
    if (trits.getType() != op.getTrits().getType())
      trits = tensor::CastOp::create(rewriter, op.getLoc(),
                                     op.getTrits().getType(), trits);
    rewriter.replaceOp(op, trits);
    return success();
  }
};

/// The trits of a pack read through static reshapes and transposes
/// (tensor.collapse_shape, tensor.expand_shape, linalg.transpose) of a
/// ternary.unpack, e.g. conv-to-matmul's unbound filter [F, C, KH, KW] as
/// the weight [C*KH*KW, F]: `map` takes the pack's indices to the
/// unpack's, where the trit is decoded from the unpacked bytes.
struct UnpackedView {
  SmallVector<Operation *> ops; // from the pack's operand to the unpack
  ternary::UnpackOp unpack;

  static std::optional<UnpackedView> match(Value trits) {
    UnpackedView view;
    while (true) {
      Operation *op = trits.getDefiningOp();
      if (!op)
        return std::nullopt;
      if (auto unpack = dyn_cast<ternary::UnpackOp>(op)) {
        view.unpack = unpack;
        return view;
      }
      if (!isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp,
               linalg::TransposeOp>(op) ||
          !cast<ShapedType>(op->getOperand(0).getType()).hasStaticShape() ||
          !cast<ShapedType>(op->getResult(0).getType()).hasStaticShape())
        return std::nullopt;
      view.ops.push_back(op);
      trits = op->getOperand(0);
    }
  }

  /// The unpack's indices of the element at `indices` of the view.
  SmallVector<Value> map(OpBuilder &b, Location loc,
                         ArrayRef<Value> indices) const {
    SmallVector<Value> current(indices);
    for (Operation *op : ops) {
      SmallVector<Value> source;
      if (auto transpose = dyn_cast<linalg::TransposeOp>(op)) {
        // result[d] = input[permutation[d]].
        ArrayRef<int64_t> permutation = transpose.getPermutation();
        source.resize(permutation.size());
        for (auto [d, p] : llvm::enumerate(permutation))
          source[p] = current[d];
      } else if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op)) {
        ArrayRef<int64_t> shape = collapse.getSrcType().getShape();
        for (auto [g, group] :
             llvm::enumerate(collapse.getReassociationIndices())) {
          SmallVector<Value> parts(group.size());
          Value rest = current[g];
          for (int64_t i = group.size() - 1; i >= 0; --i) {
            Value size = indexConstant(b, loc, shape[group[i]]);
            parts[i] = i ? arith::RemUIOp::create(b, loc, rest, size)
                         : rest;
            if (i)
              rest = arith::DivUIOp::create(b, loc, rest, size);
          }
          source.append(parts);
        }
      } else {
        auto expand = cast<tensor::ExpandShapeOp>(op);
        ArrayRef<int64_t> shape = expand.getResultType().getShape();
        for (const ReassociationIndices &group :
             expand.getReassociationIndices()) {
          Value linear = indexConstant(b, loc, 0);
          for (int64_t dim : group)
            linear = arith::AddIOp::create(
                b, loc,
                arith::MulIOp::create(b, loc, linear,
                                      indexConstant(b, loc, shape[dim])),
                current[dim]);
          source.push_back(linear);
        }
      }
      current = std::move(source);
    }
    return current;
  }
};

struct PackLowering : OpConversionPattern<ternary::PackOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ternary::PackOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    // A view of an unpack: decode each trit from the unpacked bytes, so no
    // tensor of trits exists (the unpack and the view are left unused).
    if (std::optional<UnpackedView> view = UnpackedView::match(op.getTrits())) {
      PackedTensorType from = view->unpack.getPacked().getType();
      Value bytes = rewriter.getRemappedValue(view->unpack.getPacked());
      FailureOr<SmallVector<Value>> fromSizes =
          bytes ? packedSizes(rewriter, loc, bytes, from)
                : FailureOr<SmallVector<Value>>(failure());
      if (succeeded(fromSizes)) {
        SmallVector<Value> sizes;
        for (int64_t size : op.getTrits().getType().getShape())
          sizes.push_back(indexConstant(rewriter, loc, size));
        rewriter.replaceOp(
            op, buildPack(
                    rewriter, loc,
                    [&](OpBuilder &b, Location l, ArrayRef<Value> indices) {
                      return decodeTrit(b, l, bytes, from, *fromSizes,
                                        view->map(b, l, indices));
                    },
                    op.getPacked().getType(), sizes));
        return success();
      }
    }
    Value trits = adaptor.getTrits();
    SmallVector<Value> sizes;
    for (int64_t dim = 0, e = op.getTrits().getType().getRank(); dim < e;
         ++dim)
      sizes.push_back(dimSize(rewriter, loc, trits, dim));
    rewriter.replaceOp(
        op, buildPack(rewriter, loc, trits, op.getPacked().getType(), sizes));
    return success();
  }
};

/// relayout = a pack into the result layout of the trits decoded from the
/// input layout: one generic over the result bytes, no tensor of trits.
struct RelayoutLowering : OpConversionPattern<ternary::RelayoutOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ternary::RelayoutOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    PackedTensorType from = op.getInput().getType();
    FailureOr<SmallVector<Value>> sizes =
        packedSizes(rewriter, loc, adaptor.getInput(), from);
    if (failed(sizes))
      return rewriter.notifyMatchFailure(op, "sizes not recoverable");
    Value input = adaptor.getInput();
    Value bytes = buildPack(
        rewriter, loc,
        [&](OpBuilder &b, Location l, ArrayRef<Value> indices) {
          return decodeTrit(b, l, input, from, *sizes, indices);
        },
        op.getResult().getType(), *sizes);
    Type storage = getTypeConverter()->convertType(op.getResult().getType());
    if (bytes.getType() != storage)
      bytes = tensor::CastOp::create(rewriter, loc, storage, bytes);
    rewriter.replaceOp(op, bytes);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Dequantize and quantize
//===----------------------------------------------------------------------===//

/// The indexing map of a scale (rank 0, or one per index of `axis`) inside
/// loops over a tensor of rank `rank`.
AffineMap scaleMap(MLIRContext *context, unsigned rank,
                   std::optional<int64_t> axis) {
  if (!axis)
    return AffineMap::get(rank, 0, {}, context);
  return AffineMap::get(rank, 0, {getAffineDimExpr(*axis, context)}, context);
}

struct DequantizeLowering : OpConversionPattern<ternary::DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ternary::DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getResult().getType();
    unsigned rank = resultType.getRank();
    Value empty = tensor::EmptyOp::create(
        rewriter, loc, resultType.getShape(), resultType.getElementType(),
        dynamicSizes(rewriter, loc, adaptor.getTrits(), resultType));
    auto element = cast<FloatType>(resultType.getElementType());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType},
        ValueRange{adaptor.getTrits(), adaptor.getScale()}, ValueRange{empty},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank),
                            scaleMap(getContext(), rank, op.getAxis()),
                            rewriter.getMultiDimIdentityMap(rank)},
        parallelIterators(rank), [&](OpBuilder &b, Location l, ValueRange args) {
          // t * s in f32 is exact (t is -1, 0 or 1); then the result type.
          Value trit = arith::SIToFPOp::create(b, l, b.getF32Type(), args[0]);
          Value value = arith::MulFOp::create(b, l, trit, args[1]);
          if (element.getWidth() < 32)
            value = arith::TruncFOp::create(b, l, element, value);
          else if (element.getWidth() > 32)
            value = arith::ExtFOp::create(b, l, element, value);
          linalg::YieldOp::create(b, l, value);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// splitmix64, as in runtime/src/ternary_packing.c.
uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/// splitmix64 of an i64 value in IR (wrapping arithmetic).
Value buildSplitmix64(OpBuilder &b, Location loc, Value x) {
  Type i64 = b.getI64Type();
  auto mix = [&](Value v, int64_t shift, uint64_t multiplier) {
    Value shifted =
        arith::ShRUIOp::create(b, loc, v, intConstant(b, loc, i64, shift));
    Value mixed = arith::XOrIOp::create(b, loc, v, shifted);
    return arith::MulIOp::create(
        b, loc, mixed,
        intConstant(b, loc, i64, static_cast<int64_t>(multiplier)));
  };
  x = arith::AddIOp::create(
      b, loc, x,
      intConstant(b, loc, i64, static_cast<int64_t>(0x9E3779B97F4A7C15ull)));
  x = mix(x, 30, 0xBF58476D1CE4E5B9ull);
  x = mix(x, 27, 0x94D049BB133111EBull);
  Value shifted =
      arith::ShRUIOp::create(b, loc, x, intConstant(b, loc, i64, 31));
  return arith::XOrIOp::create(b, loc, x, shifted);
}

/// ternary.quantize, three linalg.generics in f64: per-scale statistics
/// (a reduction in row-major order, like the runtime quantizer), the scales,
/// then the trits.
struct QuantizeLowering : OpConversionPattern<ternary::QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ternary::QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = getContext();
    Value input = adaptor.getInput();
    RankedTensorType inputType = op.getInput().getType();
    RankedTensorType scaleType = op.getScale().getType();
    unsigned rank = inputType.getRank();
    std::optional<int64_t> axis = op.getAxis();
    ternary::QuantMethod method = op.getMethod();
    FloatType f64 = rewriter.getF64Type();
    Type i64 = rewriter.getI64Type();

    SmallVector<Value> sizes;
    for (unsigned dim = 0; dim < rank; ++dim)
      sizes.push_back(dimSize(rewriter, loc, input, dim));
    SmallVector<Value> scaleSizes;
    if (axis && scaleType.isDynamicDim(0))
      scaleSizes.push_back(sizes[*axis]);
    auto scaleShaped = [&](Type element) {
      return RankedTensorType::get(scaleType.getShape(), element);
    };
    auto filled = [&](Type element, TypedAttr zero) {
      Value empty = tensor::EmptyOp::create(rewriter, loc,
                                            scaleType.getShape(), element,
                                            scaleSizes);
      Value value = arith::ConstantOp::create(rewriter, loc, zero);
      return linalg::FillOp::create(rewriter, loc, value, empty).getResult(0);
    };

    // 1. Statistics: sum |x| (absmean), sum and count of |x| > T
    // (threshold), max |x| (stochastic).
    double threshold =
        op.getThreshold() ? op.getThreshold()->convertToFloat() : 0.0;
    SmallVector<Value> inits = {filled(f64, rewriter.getF64FloatAttr(0.0))};
    if (method == ternary::QuantMethod::threshold)
      inits.push_back(filled(i64, rewriter.getI64IntegerAttr(0)));
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::reduction);
    if (axis)
      iterators[*axis] = utils::IteratorType::parallel;
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank)};
    maps.append(inits.size(), scaleMap(context, rank, axis));
    SmallVector<Type> statTypes;
    for (Value init : inits)
      statTypes.push_back(init.getType());
    auto stats = linalg::GenericOp::create(
        rewriter, loc, statTypes, ValueRange{input}, inits, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value value = arith::ExtFOp::create(b, l, f64, args[0]);
          Value magnitude = math::AbsFOp::create(b, l, value);
          switch (method) {
          case ternary::QuantMethod::absmean:
            linalg::YieldOp::create(
                b, l, ValueRange{arith::AddFOp::create(b, l, args[1],
                                                       magnitude)});
            return;
          case ternary::QuantMethod::stochastic: {
            Value larger = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::OGT, magnitude, args[1]);
            linalg::YieldOp::create(
                b, l,
                ValueRange{arith::SelectOp::create(b, l, larger, magnitude,
                                                   args[1])});
            return;
          }
          case ternary::QuantMethod::threshold: {
            Value kept = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::OGT, magnitude,
                floatConstant(b, l, f64, threshold));
            Value sum = arith::SelectOp::create(
                b, l, kept, arith::AddFOp::create(b, l, args[1], magnitude),
                args[1]);
            Value count = arith::SelectOp::create(
                b, l, kept,
                arith::AddIOp::create(b, l, args[2],
                                      intConstant(b, l, i64, 1)),
                args[2]);
            linalg::YieldOp::create(b, l, ValueRange{sum, count});
            return;
          }
          }
        });

    // 2. Scales: in f64 for the trits, rounded to f32 for the result.
    Value elementsPerScale = indexConstant(rewriter, loc, 1);
    for (unsigned dim = 0; dim < rank; ++dim)
      if (!axis || dim != *axis)
        elementsPerScale =
            arith::MulIOp::create(rewriter, loc, elementsPerScale, sizes[dim]);
    Value count = arith::UIToFPOp::create(
        rewriter, loc, f64,
        arith::IndexCastUIOp::create(rewriter, loc, i64, elementsPerScale));
    unsigned scaleRank = scaleType.getRank();
    SmallVector<Value> scaleInits = {
        tensor::EmptyOp::create(rewriter, loc, scaleType.getShape(), f64,
                                scaleSizes),
        tensor::EmptyOp::create(rewriter, loc, scaleType.getShape(),
                                rewriter.getF32Type(), scaleSizes)};
    SmallVector<AffineMap> scaleMaps(stats->getNumResults() + 2,
                                     rewriter.getMultiDimIdentityMap(scaleRank));
    auto scales = linalg::GenericOp::create(
        rewriter, loc, TypeRange{scaleShaped(f64), scaleType},
        stats->getResults(), scaleInits, scaleMaps,
        parallelIterators(scaleRank),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value one = floatConstant(b, l, f64, 1.0);
          Value scale;
          switch (method) {
          case ternary::QuantMethod::absmean: {
            Value mean = arith::DivFOp::create(b, l, args[0], count);
            Value floor = floatConstant(b, l, f64, 1e-5);
            Value small = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::OLT, mean, floor);
            scale = arith::SelectOp::create(b, l, small, floor, mean);
            break;
          }
          case ternary::QuantMethod::stochastic: {
            Value positive = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::OGT, args[0],
                floatConstant(b, l, f64, 0.0));
            scale = arith::SelectOp::create(b, l, positive, args[0], one);
            break;
          }
          case ternary::QuantMethod::threshold: {
            Value any =
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne, args[1],
                                      intConstant(b, l, i64, 0));
            Value kept = arith::UIToFPOp::create(b, l, f64, args[1]);
            Value mean = arith::DivFOp::create(b, l, args[0], kept);
            scale = arith::SelectOp::create(b, l, any, mean, one);
            break;
          }
          }
          Value rounded =
              arith::TruncFOp::create(b, l, b.getF32Type(), scale);
          linalg::YieldOp::create(b, l, ValueRange{scale, rounded});
        });

    // 3. Trits.
    RankedTensorType tritsType = op.getTrits().getType();
    Value tritsInit = tensor::EmptyOp::create(
        rewriter, loc, tritsType.getShape(), rewriter.getI8Type(),
        dynamicSizes(rewriter, loc, input, tritsType));
    uint64_t key = splitmix64(op.getSeed() ? *op.getSeed() : 0);
    auto trits = linalg::GenericOp::create(
        rewriter, loc, TypeRange{tritsType},
        ValueRange{input, scales.getResult(0)}, ValueRange{tritsInit},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank),
                            scaleMap(context, rank, axis),
                            rewriter.getMultiDimIdentityMap(rank)},
        parallelIterators(rank), [&](OpBuilder &b, Location l, ValueRange args) {
          Type i8 = b.getI8Type();
          Value value = arith::ExtFOp::create(b, l, f64, args[0]);
          Value scale = args[1];
          Value plus = intConstant(b, l, i8, 1);
          Value minus = intConstant(b, l, i8, -1);
          Value zero = intConstant(b, l, i8, 0);
          auto pick = [&](Value isPlus, Value isMinus) {
            return arith::SelectOp::create(
                b, l, isPlus, plus,
                arith::SelectOp::create(b, l, isMinus, minus, zero));
          };
          Value trit;
          switch (method) {
          case ternary::QuantMethod::threshold: {
            Value limit = floatConstant(b, l, f64, threshold);
            trit = pick(arith::CmpFOp::create(
                            b, l, arith::CmpFPredicate::OGT, value, limit),
                        arith::CmpFOp::create(
                            b, l, arith::CmpFPredicate::OLT, value,
                            floatConstant(b, l, f64, -threshold)));
            break;
          }
          case ternary::QuantMethod::absmean: {
            // clamp(round_half_even(v / s), -1, 1) is 1 above 0.5, -1 below
            // -0.5 and 0 in between (0.5 itself rounds to 0).
            Value ratio = arith::DivFOp::create(b, l, value, scale);
            trit = pick(arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT,
                                              ratio,
                                              floatConstant(b, l, f64, 0.5)),
                        arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT,
                                              ratio,
                                              floatConstant(b, l, f64, -0.5)));
            break;
          }
          case ternary::QuantMethod::stochastic: {
            // u = splitmix64(splitmix64(seed) ^ flat) >> 11, times 2^-53.
            Type i64Type = b.getI64Type();
            SmallVector<Value> indices;
            for (unsigned dim = 0; dim < rank; ++dim)
              indices.push_back(linalg::IndexOp::create(b, l, dim));
            Value flat = indexConstant(b, l, 0);
            for (unsigned dim = 0; dim < rank; ++dim)
              flat = arith::AddIOp::create(
                  b, l, arith::MulIOp::create(b, l, flat, sizes[dim]),
                  indices[dim]);
            Value counter = arith::XOrIOp::create(
                b, l, arith::IndexCastUIOp::create(b, l, i64Type, flat),
                intConstant(b, l, i64Type, static_cast<int64_t>(key)));
            Value bits = arith::ShRUIOp::create(
                b, l, buildSplitmix64(b, l, counter),
                intConstant(b, l, i64Type, 11));
            Value uniform = arith::MulFOp::create(
                b, l, arith::UIToFPOp::create(b, l, f64, bits),
                floatConstant(b, l, f64, 1.0 / 9007199254740992.0));
            Value probability = arith::DivFOp::create(
                b, l, math::AbsFOp::create(b, l, value), scale);
            Value keep = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::OLT, uniform, probability);
            Value floatZero = floatConstant(b, l, f64, 0.0);
            Value sign = pick(arith::CmpFOp::create(
                                  b, l, arith::CmpFPredicate::OGT, value,
                                  floatZero),
                              arith::CmpFOp::create(
                                  b, l, arith::CmpFPredicate::OLT, value,
                                  floatZero));
            trit = arith::SelectOp::create(b, l, keep, sign, zero);
            break;
          }
          }
          linalg::YieldOp::create(b, l, trit);
        });
    rewriter.replaceOp(op, {trits.getResult(0), scales.getResult(1)});
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

/// Scale and bias, elementwise over the accumulator: sitofp (i32 -> f32
/// result), times the scale, plus the bias.
Value buildEpilogue(OpBuilder &b, Location loc, Value accumulator, Value scale,
                    Value bias, RankedTensorType resultType,
                    ArrayRef<Value> dynamic) {
  MLIRContext *context = b.getContext();
  unsigned rank = resultType.getRank();
  AffineExpr column = getAffineDimExpr(rank - 1, context);
  SmallVector<Value> inputs = {accumulator};
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
  if (scale) {
    inputs.push_back(scale);
    bool perTensor = cast<RankedTensorType>(scale.getType()).getRank() == 0;
    maps.push_back(perTensor ? AffineMap::get(rank, 0, {}, context)
                             : AffineMap::get(rank, 0, {column}, context));
  }
  if (bias) {
    inputs.push_back(bias);
    maps.push_back(AffineMap::get(rank, 0, {column}, context));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Type element = resultType.getElementType();
  Value empty = tensor::EmptyOp::create(b, loc, resultType.getShape(), element,
                                        dynamic);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs, ValueRange{empty}, maps,
      parallelIterators(rank), [&](OpBuilder &nb, Location l, ValueRange args) {
        Value value = args[0];
        unsigned next = 1;
        if (value.getType() != element)
          value = arith::SIToFPOp::create(nb, l, element, value);
        if (scale)
          value = arith::MulFOp::create(nb, l, value, args[next++]);
        if (bias)
          value = isa<FloatType>(element)
                      ? Value(arith::AddFOp::create(nb, l, value, args[next]))
                      : Value(arith::AddIOp::create(nb, l, value, args[next]));
        linalg::YieldOp::create(nb, l, value);
      });
  return generic.getResult(0);
}

/// The name of the runtime adapter (ternary_kernels.h) for a matmul, or
/// empty when the micro-kernels do not cover it: weights not offset2 along K,
/// i8 inputs with a scale or a K beyond the exact int32 range of the
/// kernels. Inputs of any rank are the rows of a matrix (collapseMatmulRows).
StringRef getMicrokernelName(ternary::MatmulOp op) {
  PackedTensorType weight = op.getWeight().getType();
  RankedTensorType input = op.getInput().getType();
  if (!weight.getLayout().isDefault())
    return {};
  if (input.getElementType().isF32())
    return "tri_mlir_gemm_f32_offset2";
  if (input.getElementType().isInteger(8) && !op.getScale() &&
      !weight.isDynamicDim(0) &&
      weight.getShape()[0] <= static_cast<int64_t>(TRI_UK_MAX_K_I8))
    return "tri_mlir_gemm_i8_offset2";
  return {};
}

/// A fully dynamic, identity-layout memref of `value`'s rank and element.
MemRefType getDynamicMemRefType(Type elementType, unsigned rank) {
  return MemRefType::get(SmallVector<int64_t>(rank, ShapedType::kDynamic),
                         elementType);
}

/// The buffer of `tensor` cast to a fully dynamic identity-layout memref.
Value toDynamicBuffer(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  Value buffer = bufferization::ToBufferOp::create(
      b, loc, MemRefType::get(type.getShape(), type.getElementType()), tensor,
      /*read_only=*/true);
  return memref::CastOp::create(
      b, loc, getDynamicMemRefType(type.getElementType(), type.getRank()),
      buffer);
}

struct MatmulLowering : OpConversionPattern<ternary::MatmulOp> {
  MatmulLowering(const TypeConverter &converter, MLIRContext *context,
                 bool useMicrokernels)
      : OpConversionPattern(converter, context),
        useMicrokernels(useMicrokernels) {}

  /// Declares the runtime adapter `name` in the module if needed.
  void declareMicrokernel(OpBuilder &b, ModuleOp module, StringRef name,
                          TypeRange arguments) const {
    if (module.lookupSymbol(name))
      return;
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    auto func = func::FuncOp::create(b, module.getLoc(), name,
                                     b.getFunctionType(arguments, {}));
    func.setPrivate();
    func->setAttr("llvm.emit_c_interface", b.getUnitAttr());
    // The object records that it needs the runtime: an ELF `.deplibs`
    // entry, which lld links by itself (docs/targets/cpu.md).
    module->setAttr("llvm.dependent_libraries",
                    b.getStrArrayAttr({"triton_runtime"}));
  }

  /// y = kernel(x, w, scale, bias) on buffers; see ternary_kernels.h. The
  /// rows of an input of any rank are a matrix (collapseMatmulRows).
  Value lowerToMicrokernel(ternary::MatmulOp op, OpAdaptor adaptor,
                           ConversionPatternRewriter &rewriter,
                           StringRef name) const {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getResult().getType();
    Type element = resultType.getElementType();
    // Absent scale and bias are empty buffers; a per-tensor scale has one
    // element.
    auto vector = [&](Value value, Type vectorElement) -> Value {
      if (!value)
        return arith::ConstantOp::create(
            rewriter, loc,
            DenseElementsAttr::get(RankedTensorType::get({0}, vectorElement),
                                   ArrayRef<Attribute>{}));
      auto type = cast<RankedTensorType>(value.getType());
      if (type.getRank() == 0)
        return tensor::ExpandShapeOp::create(
            rewriter, loc, RankedTensorType::get({1}, type.getElementType()),
            value, ArrayRef<ReassociationIndices>{});
      return value;
    };
    Value scale = vector(adaptor.getScale(), rewriter.getF32Type());
    Value bias = vector(adaptor.getBias(), element);
    Value result = memref::AllocOp::create(
        rewriter, loc, MemRefType::get(resultType.getShape(), element),
        getMatmulResultSizes(rewriter, loc, adaptor.getInput(),
                             adaptor.getWeight(), resultType));
    SmallVector<Value> arguments = {
        toDynamicBuffer(rewriter, loc,
                        collapseMatmulRows(rewriter, loc, adaptor.getInput())),
        toDynamicBuffer(rewriter, loc, adaptor.getWeight())};
    if (element.isF32())
      arguments.push_back(toDynamicBuffer(rewriter, loc, scale));
    arguments.push_back(toDynamicBuffer(rewriter, loc, bias));
    arguments.push_back(memref::CastOp::create(
        rewriter, loc, getDynamicMemRefType(element, 2),
        collapseMatmulRows(rewriter, loc, result)));
    declareMicrokernel(rewriter, op->getParentOfType<ModuleOp>(), name,
                       ValueRange(arguments).getTypes());
    func::CallOp::create(rewriter, loc, name, TypeRange{}, arguments);
    return bufferization::ToTensorOp::create(rewriter, loc, resultType, result,
                                             /*restrict=*/true,
                                             /*writable=*/true);
  }

  LogicalResult
  matchAndRewrite(ternary::MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    if (useMicrokernels)
      if (StringRef name = getMicrokernelName(op); !name.empty()) {
        rewriter.replaceOp(op,
                           lowerToMicrokernel(op, adaptor, rewriter, name));
        return success();
      }

    MLIRContext *context = getContext();
    Value input = adaptor.getInput();
    Value weight = adaptor.getWeight();
    auto inputType = cast<RankedTensorType>(input.getType());
    PackedTensorType weightType = op.getWeight().getType();
    RankedTensorType resultType = op.getResult().getType();
    unsigned rank = inputType.getRank();
    unsigned axis = weightType.getPackedAxis();
    int64_t tritsPerByte = weightType.getLayout().getTritsPerByte();
    Encoding encoding = weightType.getEncoding();
    bool intInput = inputType.getElementType().isInteger(8);
    Type accumulatorElement =
        intInput ? Type(rewriter.getI32Type()) : Type(rewriter.getF32Type());

    // The result's dynamic sizes: batch dims from the input, N from the rows
    // of weights packed along K.
    SmallVector<Value> dynamic;
    for (unsigned dim = 0; dim + 1 < rank; ++dim)
      if (resultType.isDynamicDim(dim))
        dynamic.push_back(tensor::DimOp::create(rewriter, loc, input, dim));
    if (resultType.isDynamicDim(rank - 1)) {
      if (axis != 0)
        return rewriter.notifyMatchFailure(op, "N not recoverable");
      dynamic.push_back(tensor::DimOp::create(rewriter, loc, weight, 0));
    }
    auto accumulatorType =
        RankedTensorType::get(resultType.getShape(), accumulatorElement);
    Value empty = tensor::EmptyOp::create(
        rewriter, loc, resultType.getShape(), accumulatorElement, dynamic);
    Value zero = arith::ConstantOp::create(
        rewriter, loc, rewriter.getZeroAttr(accumulatorElement));
    Value init = linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0);

    // Loops (batch..., n, k); the weight byte is (n, k / tpb) when packed
    // along K, (k, n / tpb) when packed along N.
    unsigned loops = rank + 1;
    SmallVector<AffineExpr> dims;
    for (unsigned dim = 0; dim < loops; ++dim)
      dims.push_back(getAffineDimExpr(dim, context));
    AffineExpr n = dims[rank - 1], k = dims[rank];
    SmallVector<AffineExpr> inputExprs(dims.begin(), dims.begin() + rank - 1);
    inputExprs.push_back(k);
    SmallVector<AffineExpr> weightExprs =
        axis == 0 ? SmallVector<AffineExpr>{n, k.floorDiv(tritsPerByte)}
                  : SmallVector<AffineExpr>{k, n.floorDiv(tritsPerByte)};
    SmallVector<AffineExpr> outputExprs(dims.begin(), dims.begin() + rank);
    SmallVector<AffineMap> maps = {
        AffineMap::get(loops, 0, inputExprs, context),
        AffineMap::get(loops, 0, weightExprs, context),
        AffineMap::get(loops, 0, outputExprs, context)};
    SmallVector<utils::IteratorType> iterators = parallelIterators(rank);
    iterators.push_back(utils::IteratorType::reduction);
    unsigned positionLoop = axis == 0 ? rank : rank - 1;
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{accumulatorType}, ValueRange{input, weight},
        ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Type i8 = b.getI8Type();
          Value position = arith::RemUIOp::create(
              b, l, linalg::IndexOp::create(b, l, positionLoop),
              indexConstant(b, l, tritsPerByte));
          Value code = decodeCode(b, l, encoding, args[1], position);
          Value isPlus = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::eq, code, intConstant(b, l, i8, 2));
          Value isMinus = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::eq, code, intConstant(b, l, i8, 0));
          Value x = args[0];
          Value accumulator = args[2];
          Value plus, minus;
          if (intInput) {
            x = arith::ExtSIOp::create(b, l, b.getI32Type(), x);
            plus = arith::AddIOp::create(b, l, accumulator, x);
            minus = arith::SubIOp::create(b, l, accumulator, x);
          } else {
            plus = arith::AddFOp::create(b, l, accumulator, x);
            minus = arith::SubFOp::create(b, l, accumulator, x);
          }
          // No multiplication by the weight: add, subtract or keep.
          Value result = arith::SelectOp::create(
              b, l, isPlus, plus,
              arith::SelectOp::create(b, l, isMinus, minus, accumulator));
          linalg::YieldOp::create(b, l, result);
        });
    Value result = generic.getResult(0);
    if (adaptor.getScale() || adaptor.getBias() ||
        accumulatorElement != resultType.getElementType())
      result = buildEpilogue(rewriter, loc, result, adaptor.getScale(),
                             adaptor.getBias(), resultType, dynamic);
    rewriter.replaceOp(op, result);
    return success();
  }

  bool useMicrokernels;
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

/// Reports, at their locations, the ops the lowering cannot handle.
LogicalResult checkLowerable(ModuleOp module) {
  bool ok = true;
  module.walk([&](Operation *op) {
    if (isa<ternary::LayerOp, ternary::GetParamOp, ternary::CallOp>(op)) {
      op->emitError("'")
          << op->getName()
          << "' must be flattened before lowering: run -ternary-flatten-layers";
      ok = false;
      return op->getNumRegions() ? WalkResult::skip() : WalkResult::advance();
    }
    auto checkSizes = [&](Value value) {
      auto type = dyn_cast<PackedTensorType>(value.getType());
      if (type && !hasRecoverableSizes(type)) {
        op->emitError("cannot lower ")
            << type
            << ": a dynamic size along the packed axis (or of a tensor of "
               "rank > 2) is not recoverable from the packed bytes";
        ok = false;
      }
    };
    if (auto unpack = dyn_cast<ternary::UnpackOp>(op))
      checkSizes(unpack.getPacked());
    if (auto relayout = dyn_cast<ternary::RelayoutOp>(op))
      checkSizes(relayout.getInput());
    if (auto matmul = dyn_cast<ternary::MatmulOp>(op)) {
      PackedTensorType weight = matmul.getWeight().getType();
      if (weight.getPackedAxis() != 0 && weight.isDynamicDim(1)) {
        op->emitError("cannot lower a matmul with a dynamic N packed along "
                      "N: N is not recoverable from the bytes");
        ok = false;
      }
    }
    return WalkResult::advance();
  });
  return success(ok);
}

struct ConvertTernaryToLinalgPass
    : tritondsl::impl::ConvertTernaryToLinalgBase<ConvertTernaryToLinalgPass>,
      CountingPass {
  using Base::Base;
  PassCounter numLoweredOps{"lowered-ops",
                            "Ternary ops lowered to linalg/arith/tensor"};
  PassCounter numMicrokernelCalls{
      "microkernel-calls", "Matmuls lowered to a runtime micro-kernel call"};
  SmallVector<PassCounter *> getCounters() override {
    return {&numLoweredOps, &numMicrokernelCalls};
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    if (failed(checkLowerable(module)))
      return signalPassFailure();
    int64_t ternaryOps = 0;
    module.walk([&](func::CallOp call) {
      if (call.getCallee().starts_with("tri_mlir_gemm_")) {
        call.emitError("'tri_mlir_gemm_*' names are reserved for the "
                       "runtime micro-kernels");
        ternaryOps = -1;
      }
    });
    if (ternaryOps < 0)
      return signalPassFailure();
    module.walk([&](Operation *op) {
      if (isa_and_nonnull<ternary::TernaryDialect>(op->getDialect()))
        ++ternaryOps;
    });

    TernaryToLinalgTypeConverter typeConverter;
    ConversionTarget target(*context);
    target.addIllegalDialect<ternary::TernaryDialect>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp func) {
      return typeConverter.isSignatureLegal(func.getFunctionType()) &&
             typeConverter.isLegal(&func.getBody());
    });
    target.markUnknownOpDynamicallyLegal(
        [&](Operation *op) { return typeConverter.isLegal(op); });

    RewritePatternSet patterns(context);
    populateTernaryToLinalgConversionPatterns(typeConverter, patterns,
                                              useMicrokernels);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(
        patterns, typeConverter);
    populateCallOpTypeConversionPattern(patterns, typeConverter);
    populateReturnOpTypeConversionPattern(patterns, typeConverter);
    scf::populateSCFStructuralTypeConversionsAndLegality(typeConverter,
                                                         patterns, target);
    if (failed(applyFullConversion(module, target, std::move(patterns))))
      return signalPassFailure();
    numLoweredOps += ternaryOps;
    module.walk([&](func::CallOp call) {
      if (call.getCallee().starts_with("tri_mlir_gemm_"))
        ++numMicrokernelCalls;
    });
  }
};

} // namespace

void tritondsl::populateTernaryToLinalgConversionPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns,
    bool useMicrokernels) {
  MLIRContext *context = patterns.getContext();
  patterns.add<ConstantLowering, UnpackLowering, PackLowering,
               RelayoutLowering, DequantizeLowering, QuantizeLowering>(
      typeConverter, context);
  patterns.add<MatmulLowering>(typeConverter, context, useMicrokernels);
}
