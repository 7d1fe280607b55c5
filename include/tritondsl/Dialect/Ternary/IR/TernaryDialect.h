//===- TernaryDialect.h - The ternary dialect, its types and attrs -*- C++ -*-===//
#ifndef TRITONDSL_DIALECT_TERNARY_IR_TERNARYDIALECT_H
#define TRITONDSL_DIALECT_TERNARY_IR_TERNARYDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"

#include "ternary_packing.h"

#include "tritondsl/Dialect/Ternary/IR/TernaryDialect.h.inc"
#include "tritondsl/Dialect/Ternary/IR/TernaryEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "tritondsl/Dialect/Ternary/IR/TernaryAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "tritondsl/Dialect/Ternary/IR/TernaryTypes.h.inc"

namespace mlir {
class DialectRegistry;
namespace ternary {

/// Registers the ternary dialect (and what it depends on) in `registry`.
/// This is the entry point for compilers that embed the dialect.
void registerTernaryDialect(DialectRegistry &registry);

/// Prints a shape as in types: `784x?x10`.
void printShape(llvm::raw_ostream &os, ArrayRef<int64_t> shape);

/// The runtime library's encoding for an IR encoding.
tri_encoding toRuntimeEncoding(Encoding encoding);

/// The bytes of a 1-D ui8 elements attribute (dense or dense_resource);
/// std::nullopt when the attribute is of another kind or a resource blob is
/// not loaded. `storage` keeps copied bytes alive where needed.
std::optional<ArrayRef<uint8_t>>
getPackedBytes(ElementsAttr value, SmallVectorImpl<uint8_t> &storage);

/// Checks that `value` holds exactly the storage bytes of `type`, all valid.
/// On failure, `emitError` gets a message naming the offending byte.
LogicalResult verifyPackedBytes(function_ref<InFlightDiagnostic()> emitError,
                                PackedTensorType type, ElementsAttr value);

/// Packs row-major `trits` into the layout of `type` (static shape).
/// Fails when a value is not a trit.
FailureOr<SmallVector<uint8_t>> packTrits(PackedTensorType type,
                                          ArrayRef<int8_t> trits);

/// Unpacks `bytes` of `type` (static shape) into row-major trits. Fails on
/// invalid codes or padding.
FailureOr<SmallVector<int8_t>> unpackTrits(PackedTensorType type,
                                           ArrayRef<uint8_t> bytes);

/// An attribute holding packed `bytes` for `type`: a dense literal for small
/// tensors, a dense_resource blob above `kResourceThresholdBytes`.
ElementsAttr getPackedBytesAttr(PackedTensorType type, ArrayRef<uint8_t> bytes);

/// Packed constants larger than this are stored as dense_resource blobs.
constexpr int64_t kResourceThresholdBytes = 1024;

} // namespace ternary
} // namespace mlir

#endif // TRITONDSL_DIALECT_TERNARY_IR_TERNARYDIALECT_H
