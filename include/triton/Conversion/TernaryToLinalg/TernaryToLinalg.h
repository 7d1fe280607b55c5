//===- TernaryToLinalg.h - Ternary ops to linalg on bytes -------*- C++ -*-===//
#ifndef TRITON_CONVERSION_TERNARYTOLINALG_TERNARYTOLINALG_H
#define TRITON_CONVERSION_TERNARYTOLINALG_TERNARYTOLINALG_H

#include "mlir/Transforms/DialectConversion.h"
#include "triton/Dialect/Ternary/IR/TernaryOps.h"

namespace mlir::triton {

/// The storage of a packed tensor after lowering:
/// `tensor<rows x row_bytes x i8>`, one row per fiber along the packed axis.
RankedTensorType getPackedStorageType(ternary::PackedTensorType type);

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

} // namespace mlir::triton

#endif // TRITON_CONVERSION_TERNARYTOLINALG_TERNARYTOLINALG_H
