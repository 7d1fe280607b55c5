//===- TernaryToLinalg.h - Ternary ops to linalg on bytes -------*- C++ -*-===//
#ifndef TRITONDSL_CONVERSION_TERNARYTOLINALG_TERNARYTOLINALG_H
#define TRITONDSL_CONVERSION_TERNARYTOLINALG_TERNARYTOLINALG_H

#include "mlir/Transforms/DialectConversion.h"
#include "tritondsl/Dialect/Ternary/IR/TernaryOps.h"
#include "tritondsl/Support/LLVM.h"

namespace tritondsl {

/// The storage of a packed tensor after lowering:
/// `tensor<rows x row_bytes x i8>`, one row per fiber along the packed axis.
RankedTensorType getPackedStorageType(ternary::PackedTensorType type);

/// The bytes of a ternary.constant's `value` (ui8 storage) as an attribute
/// of getPackedStorageType(type), for an arith.constant; null when the
/// storage is neither dense nor a resource.
TypedAttr getStorageAttr(ternary::PackedTensorType type, ElementsAttr value);

/// The code (trit + 1: 0, 1 or 2) at position `position` (an index below the
/// trits per byte) of the packed `byte` (i8) as `encoding` stores it, as an
/// i8: the format of ternary_packing.h spelled out in arith ops.
Value decodeCode(OpBuilder &b, Location loc, ternary::Encoding encoding,
                 Value byte, Value position);

/// The rows M of a matmul input `[..., K]`: the product of its leading dims
/// (1 for a rank-1 input), or kDynamic when one of them is dynamic.
int64_t getMatmulRows(ShapedType input);

/// A matmul's input `[..., K]` or result `[..., N]` (a tensor, or a memref
/// of the identity layout) as the matrix of its rows, `[M, K]` or `[M, N]`
/// (getMatmulRows): a collapse of the leading dims, or an expand to one row
/// of a rank-1 value; a 2-D value is returned as it is. A view after
/// bufferization, so the kernels of 2-D matmuls serve any rank. (Results are
/// allocated whole and collapsed: an expand_shape of a group of two dynamic
/// dims crashes LLVM 22's expand-strided-metadata.)
Value collapseMatmulRows(OpBuilder &b, Location loc, Value value);

/// The dynamic sizes of a matmul's result `[..., N]` for memref.alloc: the
/// leading dims are those of `input` (of a 2-D result, `rows` when given),
/// N the rows of `weight`'s storage.
SmallVector<Value> getMatmulResultSizes(OpBuilder &b, Location loc,
                                        Value input, Value weight,
                                        RankedTensorType resultType,
                                        Value rows = {});

/// Converts `!ternary.packed` to its storage type; other types are kept.
class TernaryToLinalgTypeConverter : public TypeConverter {
public:
  TernaryToLinalgTypeConverter();
};

/// Patterns lowering the ternary compute and conversion ops (not the layer
/// structure). `useMicrokernels` lowers eligible matmuls to runtime calls.
void populateTernaryToLinalgConversionPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns,
    bool useMicrokernels);

} // namespace tritondsl

#endif // TRITONDSL_CONVERSION_TERNARYTOLINALG_TERNARYTOLINALG_H
