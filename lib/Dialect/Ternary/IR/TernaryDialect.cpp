//===- TernaryDialect.cpp - Ternary dialect, types and attributes ---------===//
//
// The dialect, the `#ternary.layout` attribute, the `!ternary.packed` type and
// the bridge to the runtime packing library (runtime/include/ternary_packing.h),
// which is the single definition of the packed format.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Dialect/Ternary/IR/TernaryOps.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Transforms/InliningUtils.h"
#include "llvm/ADT/TypeSwitch.h"

#include <limits>
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::ternary;

#include "tritondsl/Dialect/Ternary/IR/TernaryDialect.cpp.inc"
#include "tritondsl/Dialect/Ternary/IR/TernaryEnums.cpp.inc"

/// The `axis` of `#ternary.layout`: a non-negative integer that fits the
/// attribute's `unsigned` parameter.
static FailureOr<unsigned> parseLayoutAxis(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  int64_t axis = 0;
  if (parser.parseInteger(axis))
    return failure();
  if (axis < 0 || axis > std::numeric_limits<unsigned>::max())
    return parser.emitError(loc, "packed axis must be a non-negative "
                                 "integer below 2^32, got ")
           << axis;
  return static_cast<unsigned>(axis);
}

#define GET_ATTRDEF_CLASSES
#include "tritondsl/Dialect/Ternary/IR/TernaryAttrs.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "tritondsl/Dialect/Ternary/IR/TernaryTypes.cpp.inc"

namespace {
/// The compute ops are pure and refer to nothing outside their operands:
/// a function that uses them may be inlined (the ACALSim target inlines the
/// flattened sub-layer calls). The layer structure (layer, param,
/// get_param, call) is not moved by the inliner.
struct TernaryInlinerInterface : DialectInlinerInterface {
  using DialectInlinerInterface::DialectInlinerInterface;
  bool isLegalToInline(Operation *, Operation *, bool) const final {
    return true;
  }
  bool isLegalToInline(Operation *op, Region *, bool,
                       IRMapping &) const final {
    return !isa<LayerOp, ParamOp, GetParamOp, CallOp>(op);
  }
};
} // namespace

void TernaryDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "tritondsl/Dialect/Ternary/IR/TernaryAttrs.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "tritondsl/Dialect/Ternary/IR/TernaryTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "tritondsl/Dialect/Ternary/IR/TernaryOps.cpp.inc"
      >();
  addInterfaces<TernaryInlinerInterface>();
}

Operation *TernaryDialect::materializeConstant(OpBuilder &builder,
                                               Attribute value, Type type,
                                               Location loc) {
  if (auto packed = dyn_cast<PackedTensorType>(type)) {
    auto bytes = dyn_cast<ElementsAttr>(value);
    if (!bytes)
      return nullptr;
    return ConstantOp::create(builder, loc, packed, bytes);
  }
  return arith::ConstantOp::materialize(builder, value, type, loc);
}

void mlir::ternary::registerTernaryDialect(DialectRegistry &registry) {
  registry.insert<TernaryDialect, arith::ArithDialect, func::FuncDialect>();
}

//===----------------------------------------------------------------------===//
// LayoutAttr
//===----------------------------------------------------------------------===//

LayoutAttr LayoutAttr::getDefault(MLIRContext *context) {
  return LayoutAttr::get(context, Encoding::offset2, 0);
}

bool LayoutAttr::isDefault() const {
  return getEncoding() == Encoding::offset2 && getAxis() == 0;
}

unsigned LayoutAttr::getTritsPerByte() const {
  return tri_trits_per_byte(toRuntimeEncoding(getEncoding()));
}

tri_encoding mlir::ternary::toRuntimeEncoding(Encoding encoding) {
  return encoding == Encoding::base3 ? TRI_ENCODING_BASE3
                                     : TRI_ENCODING_OFFSET2;
}

//===----------------------------------------------------------------------===//
// PackedTensorType
//===----------------------------------------------------------------------===//

void mlir::ternary::printShape(llvm::raw_ostream &os,
                               ArrayRef<int64_t> shape) {
  llvm::interleave(
      shape, os,
      [&](int64_t dim) {
        if (ShapedType::isDynamic(dim))
          os << '?';
        else
          os << dim;
      },
      "x");
}

Type PackedTensorType::parse(AsmParser &parser) {
  MLIRContext *context = parser.getContext();
  SMLoc loc = parser.getCurrentLocation();
  SmallVector<int64_t> shape;
  if (parser.parseLess())
    return {};
  if (succeeded(parser.parseOptionalGreater())) {
    parser.emitError(loc, "packed tensor must have rank >= 1");
    return {};
  }
  if (parser.parseDimensionList(shape, /*allowDynamic=*/true,
                                /*withTrailingX=*/false))
    return {};
  LayoutAttr layout;
  if (succeeded(parser.parseOptionalComma())) {
    SMLoc attrLoc = parser.getCurrentLocation();
    Attribute attr;
    if (parser.parseAttribute(attr))
      return {};
    layout = dyn_cast<LayoutAttr>(attr);
    if (!layout) {
      parser.emitError(attrLoc, "expected a #ternary.layout attribute, got ")
          << attr;
      return {};
    }
  }
  if (parser.parseGreater())
    return {};
  if (!layout)
    layout = LayoutAttr::getDefault(context);
  return Base::getChecked([&] { return parser.emitError(loc); }, context,
                          shape, layout);
}

void PackedTensorType::print(AsmPrinter &printer) const {
  printer << '<';
  printShape(printer.getStream(), getShape());
  if (!getLayout().isDefault()) {
    printer << ", ";
    printer.printAttribute(getLayout());
  }
  printer << '>';
}

LogicalResult
PackedTensorType::verify(function_ref<InFlightDiagnostic()> emitError,
                         ArrayRef<int64_t> shape, LayoutAttr layout) {
  if (shape.empty())
    return emitError() << "packed tensor must have rank >= 1";
  for (auto [index, dim] : llvm::enumerate(shape))
    if (dim < 0 && !ShapedType::isDynamic(dim))
      return emitError() << "dimension " << index
                         << " of a packed tensor must be non-negative or "
                            "dynamic ('?'), got "
                         << dim;
  int64_t elements = 1;
  for (int64_t dim : shape) {
    if (ShapedType::isDynamic(dim))
      continue;
    if (dim != 0 && elements > std::numeric_limits<int64_t>::max() / dim)
      return emitError() << "packed tensor has more than 2^63 elements";
    elements *= dim;
  }
  if (!layout)
    return emitError() << "packed tensor needs a layout";
  if (layout.getAxis() >= shape.size())
    return emitError() << "packed axis " << layout.getAxis()
                       << " is out of range for a rank-" << shape.size()
                       << " tensor";
  return success();
}

bool PackedTensorType::hasStaticShape() const {
  return llvm::none_of(getShape(), ShapedType::isDynamic);
}

bool PackedTensorType::isDynamicDim(unsigned index) const {
  return ShapedType::isDynamic(getShape()[index]);
}

std::optional<int64_t> PackedTensorType::getNumElements() const {
  if (!hasStaticShape())
    return std::nullopt;
  int64_t count = 1;
  for (int64_t dim : getShape())
    count *= dim;
  return count;
}

std::optional<int64_t> PackedTensorType::getRowBytes() const {
  int64_t len = getShape()[getPackedAxis()];
  if (ShapedType::isDynamic(len))
    return std::nullopt;
  return static_cast<int64_t>(
      tri_row_bytes(toRuntimeEncoding(getEncoding()), len));
}

std::optional<int64_t> PackedTensorType::getNumRows() const {
  int64_t rows = 1;
  for (auto [index, dim] : llvm::enumerate(getShape())) {
    if (index == getPackedAxis())
      continue;
    if (ShapedType::isDynamic(dim))
      return std::nullopt;
    rows *= dim;
  }
  return rows;
}

std::optional<int64_t> PackedTensorType::getStorageBytes() const {
  std::optional<int64_t> rows = getNumRows(), rowBytes = getRowBytes();
  if (!rows || !rowBytes)
    return std::nullopt;
  return *rows * *rowBytes;
}

RankedTensorType PackedTensorType::getTritTensorType() const {
  return RankedTensorType::get(getShape(),
                               IntegerType::get(getContext(), 8));
}

RankedTensorType PackedTensorType::getStorageTensorType() const {
  std::optional<int64_t> bytes = getStorageBytes();
  return RankedTensorType::get(
      {bytes ? *bytes : ShapedType::kDynamic},
      IntegerType::get(getContext(), 8, IntegerType::Unsigned));
}

PackedTensorType PackedTensorType::withLayout(LayoutAttr layout) const {
  return PackedTensorType::get(getContext(), getShape(), layout);
}

//===----------------------------------------------------------------------===//
// Packed bytes <-> attributes, through the runtime library
//===----------------------------------------------------------------------===//

static bool isByteVectorType(ShapedType type) {
  return type.getRank() == 1 && type.getElementType().isUnsignedInteger(8);
}

std::optional<ArrayRef<uint8_t>>
mlir::ternary::getPackedBytes(ElementsAttr value,
                              SmallVectorImpl<uint8_t> &storage) {
  if (!value || !isByteVectorType(value.getShapedType()))
    return std::nullopt;
  if (auto dense = dyn_cast<DenseIntElementsAttr>(value)) {
    ArrayRef<char> raw = dense.getRawData();
    if (dense.isSplat()) {
      storage.assign(dense.getNumElements(),
                     raw.empty() ? 0 : static_cast<uint8_t>(raw[0]));
      return ArrayRef<uint8_t>(storage);
    }
    return ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(raw.data()),
                             raw.size());
  }
  if (auto resource = dyn_cast<DenseUI8ResourceElementsAttr>(value))
    return resource.tryGetAsArrayRef();
  return std::nullopt;
}

LogicalResult
mlir::ternary::verifyPackedBytes(function_ref<InFlightDiagnostic()> emitError,
                                 PackedTensorType type, ElementsAttr value) {
  ShapedType valueType = value.getShapedType();
  if (!isByteVectorType(valueType))
    return emitError() << "packed bytes must be a 1-D tensor of ui8, got "
                       << valueType;
  std::optional<int64_t> expected = type.getStorageBytes();
  if (!expected)
    return emitError() << "packed value of type " << type
                       << " must have a static shape";
  if (valueType.getNumElements() != *expected)
    return emitError() << "type " << type << " needs " << *expected
                       << " bytes (" << *type.getNumRows() << " rows of "
                       << *type.getRowBytes() << " bytes, "
                       << stringifyEncoding(type.getEncoding()) << "), got "
                       << valueType.getNumElements();
  // A splat holds one byte value in every position: check it as a one-byte
  // row carrying as many trits as the last byte of a real row does, without
  // expanding a possibly huge splat.
  if (auto dense = dyn_cast<DenseIntElementsAttr>(value);
      dense && dense.isSplat() && *expected > 0) {
    uint8_t byte = static_cast<uint8_t>(dense.getRawData()[0]);
    tri_encoding encoding = toRuntimeEncoding(type.getEncoding());
    int64_t rowLength = type.getShape()[type.getPackedAxis()];
    int64_t perByte = tri_trits_per_byte(encoding);
    int64_t lastByteTrits =
        rowLength % perByte == 0 ? perByte : rowLength % perByte;
    tri_status status = tri_validate_tensor(encoding, &byte, &lastByteTrits,
                                            1, 0, /*error_index=*/nullptr);
    if (status != TRI_OK)
      return emitError() << "splat byte 0x"
                         << llvm::utohexstr(byte, /*LowerCase=*/true,
                                            /*Width=*/2)
                         << " of " << type
                         << " is invalid: " << tri_status_message(status);
    return success();
  }
  SmallVector<uint8_t> storage;
  std::optional<ArrayRef<uint8_t>> bytes = getPackedBytes(value, storage);
  if (!bytes) {
    // A dense_resource whose blob is not loaded (e.g. elided): nothing to
    // check here; it is checked when the data is read.
    if (isa<DenseResourceElementsAttr>(value))
      return success();
    return emitError() << "packed bytes must be a dense or dense_resource "
                          "elements attribute";
  }
  // A dense_resource blob is not checked against its type by the parser: a
  // short blob must not be read past its end.
  if (static_cast<int64_t>(bytes->size()) != *expected)
    return emitError() << "the blob of the packed bytes holds "
                       << bytes->size() << " bytes, but its type "
                       << valueType << " says " << *expected;
  size_t badOffset = 0;
  tri_status status = tri_validate_tensor(
      toRuntimeEncoding(type.getEncoding()), bytes->data(),
      type.getShape().data(), type.getRank(), type.getPackedAxis(),
      &badOffset);
  if (status != TRI_OK) {
    InFlightDiagnostic diag = emitError();
    diag << "byte " << badOffset << " (0x"
         << llvm::utohexstr((*bytes)[badOffset], /*LowerCase=*/true,
                            /*Width=*/2)
         << ") of "
         << type << " is invalid: " << tri_status_message(status);
    return diag;
  }
  return success();
}

FailureOr<SmallVector<uint8_t>>
mlir::ternary::packTrits(PackedTensorType type, ArrayRef<int8_t> trits) {
  std::optional<int64_t> numElements = type.getNumElements();
  if (!numElements || static_cast<int64_t>(trits.size()) != *numElements)
    return failure();
  SmallVector<uint8_t> bytes(*type.getStorageBytes());
  if (tri_pack_tensor(toRuntimeEncoding(type.getEncoding()), trits.data(),
                      type.getShape().data(), type.getRank(),
                      type.getPackedAxis(), bytes.data(),
                      /*error_index=*/nullptr) != TRI_OK)
    return failure();
  return bytes;
}

FailureOr<SmallVector<int8_t>>
mlir::ternary::unpackTrits(PackedTensorType type, ArrayRef<uint8_t> bytes) {
  std::optional<int64_t> numElements = type.getNumElements();
  if (!numElements ||
      static_cast<int64_t>(bytes.size()) != *type.getStorageBytes())
    return failure();
  SmallVector<int8_t> trits(*numElements);
  if (tri_unpack_tensor(toRuntimeEncoding(type.getEncoding()), bytes.data(),
                        type.getShape().data(), type.getRank(),
                        type.getPackedAxis(), trits.data(),
                        /*error_index=*/nullptr) != TRI_OK)
    return failure();
  return trits;
}

ElementsAttr mlir::ternary::getPackedBytesAttr(PackedTensorType type,
                                               ArrayRef<uint8_t> bytes) {
  RankedTensorType storageType = RankedTensorType::get(
      {static_cast<int64_t>(bytes.size())},
      IntegerType::get(type.getContext(), 8, IntegerType::Unsigned));
  if (static_cast<int64_t>(bytes.size()) > kResourceThresholdBytes)
    return cast<ElementsAttr>(DenseUI8ResourceElementsAttr::get(
        storageType, "ternary_packed",
        HeapAsmResourceBlob::allocateAndCopyInferAlign(bytes)));
  return DenseElementsAttr::get(storageType, bytes);
}
