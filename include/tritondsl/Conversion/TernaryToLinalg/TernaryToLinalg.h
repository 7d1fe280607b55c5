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
