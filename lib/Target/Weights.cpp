//===- Weights.cpp - Weights files, one format for every target -----------===//
#include "tritondsl/Target/Weights.h"

#include "tritondsl/Dialect/Ternary/IR/TernaryDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MathExtras.h"

#include "ternary_packing.h"

#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::ternary;
using namespace tritondsl;

//===----------------------------------------------------------------------===//
// Reading a safetensors file
//===----------------------------------------------------------------------===//

/// Bytes per element of a safetensors dtype; 0 for an unknown one.
static unsigned getDTypeSize(llvm::StringRef dtype) {
  return llvm::StringSwitch<unsigned>(dtype)
      .Cases({"F64", "I64", "U64"}, 8)
      .Cases({"F32", "I32", "U32"}, 4)
      .Cases({"F16", "BF16", "I16", "U16"}, 2)
      .Cases({"I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2"}, 1)
      .Default(0);
}

/// The header may not be larger than this (safetensors' own limit).
static constexpr uint64_t kMaxHeaderBytes = 100 * 1024 * 1024;

std::unique_ptr<WeightsFile> WeightsFile::read(llvm::StringRef path,
                                               std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = ("cannot read weights file '" + path +
             "': " + buffer.getError().message())
                .str();
    return nullptr;
  }
  return parse(std::move(*buffer), error);
}

std::unique_ptr<WeightsFile>
WeightsFile::parse(std::unique_ptr<llvm::MemoryBuffer> buffer,
                   std::string &error) {
  auto file = std::make_unique<WeightsFile>();
  file->path = buffer->getBufferIdentifier().str();
  auto fail = [&](const llvm::Twine &message) {
    error = ("weights file '" + file->path + "': " + message).str();
    return nullptr;
  };
  llvm::StringRef bytes = buffer->getBuffer();
  if (bytes.size() < 8)
    return fail("truncated: " + llvm::Twine(bytes.size()) +
                " bytes, not even the 8-byte header length of a "
                "safetensors file");
  uint64_t headerSize =
      llvm::support::endian::read64le(bytes.data());
  if (headerSize > kMaxHeaderBytes || headerSize > bytes.size() - 8)
    return fail("the header length says " + llvm::Twine(headerSize) +
                " bytes but the file has " + llvm::Twine(bytes.size() - 8) +
                " after it (truncated, or not a safetensors file)");
  llvm::StringRef header = bytes.substr(8, headerSize);
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(header);
  if (!json)
    return fail("the header is not valid JSON: " +
                llvm::toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  if (!root)
    return fail("the header is not a JSON object");
  llvm::StringRef data = bytes.substr(8 + headerSize);

  // Tensors in the order of their data, which is the file's order.
  for (const auto &[key, value] : *root) {
    llvm::StringRef name = key;
    if (name == "__metadata__") {
      const llvm::json::Object *metadata = value.getAsObject();
      if (!metadata)
        return fail("__metadata__ is not an object of strings");
      for (const auto &[metaKey, metaValue] : *metadata) {
        std::optional<llvm::StringRef> text = metaValue.getAsString();
        if (!text)
          return fail("__metadata__ entry '" + llvm::StringRef(metaKey) +
                      "' is not a string");
        file->metadata[metaKey] = text->str();
      }
      continue;
    }
    auto tensorFail = [&](const llvm::Twine &message) {
      return fail("tensor '" + name + "': " + message);
    };
    const llvm::json::Object *entry = value.getAsObject();
    if (!entry)
      return tensorFail("not an object with dtype, shape and data_offsets");
    Tensor tensor;
    tensor.name = name.str();
    std::optional<llvm::StringRef> dtype = entry->getString("dtype");
    if (!dtype)
      return tensorFail("no dtype");
    tensor.dtype = dtype->str();
    unsigned elementSize = getDTypeSize(*dtype);
    if (!elementSize)
      return tensorFail("unknown dtype '" + *dtype + "'");
    const llvm::json::Array *shape = entry->getArray("shape");
    if (!shape)
      return tensorFail("no shape");
    uint64_t numElements = 1;
    bool overflow = false;
    for (const llvm::json::Value &dim : *shape) {
      std::optional<int64_t> size = dim.getAsInteger();
      if (!size || *size < 0)
        return tensorFail("the shape holds something other than sizes >= 0");
      tensor.shape.push_back(*size);
      numElements = llvm::SaturatingMultiply(numElements,
                                             static_cast<uint64_t>(*size),
                                             &overflow);
    }
    uint64_t byteSize =
        llvm::SaturatingMultiply(numElements, uint64_t(elementSize), &overflow);
    const llvm::json::Array *offsets = entry->getArray("data_offsets");
    std::optional<int64_t> begin, end;
    if (offsets && offsets->size() == 2) {
      begin = (*offsets)[0].getAsInteger();
      end = (*offsets)[1].getAsInteger();
    }
    if (!begin || !end || *begin < 0 || *end < *begin)
      return tensorFail("data_offsets must be [begin, end] with 0 <= begin "
                        "<= end");
    if (overflow || uint64_t(*end - *begin) != byteSize)
      return tensorFail("data_offsets [" + llvm::Twine(*begin) + ", " +
                        llvm::Twine(*end) + "] hold " +
                        llvm::Twine(*end - *begin) + " bytes but " +
                        *dtype + " of this shape needs " +
                        (overflow ? llvm::Twine("more than 2^64")
                                  : llvm::Twine(byteSize)));
    if (uint64_t(*end) > data.size())
      return tensorFail("data_offsets end at byte " + llvm::Twine(*end) +
                        " but the file has " + llvm::Twine(data.size()) +
                        " bytes of data (truncated file?)");
    tensor.data = ArrayRef<uint8_t>(
        reinterpret_cast<const uint8_t *>(data.data()) + *begin,
        static_cast<size_t>(byteSize));
    file->tensors.push_back(std::move(tensor));
  }
  llvm::sort(file->tensors, [](const Tensor &a, const Tensor &b) {
    return a.data.data() < b.data.data() ||
           (a.data.data() == b.data.data() && a.name < b.name);
  });
  for (auto [i, tensor] : llvm::enumerate(file->tensors))
    file->index[tensor.name] = i;
  file->buffer = std::move(buffer);
  return file;
}

const WeightsFile::Tensor *WeightsFile::lookup(llvm::StringRef name) const {
  auto it = index.find(name);
  return it == index.end() ? nullptr : &tensors[it->second];
}

std::optional<llvm::StringRef>
WeightsFile::getMetadata(llvm::StringRef key) const {
  auto it = metadata.find(key);
  if (it == metadata.end())
    return std::nullopt;
  return llvm::StringRef(it->second);
}

//===----------------------------------------------------------------------===//
// Binding the weights to the params
//===----------------------------------------------------------------------===//

namespace {
/// Converts one param's tensor into its initial value, with errors at the
/// param naming it and the file.
class ParamBinder {
public:
  ParamBinder(ParamOp param, llvm::StringRef name, const WeightsFile &file,
              const QuantizerOptions &quantizer)
      : param(param), name(name), file(file), quantizer(quantizer) {}

  FailureOr<ElementsAttr> bind(const WeightsFile::Tensor &tensor);

private:
  InFlightDiagnostic error() {
    return param.emitError("weights for param '")
           << name << "' in '" << file.getPath() << "': ";
  }
  FailureOr<ElementsAttr> bindPacked(PackedTensorType type,
                                     const WeightsFile::Tensor &tensor);
  FailureOr<ElementsAttr> bindTensor(RankedTensorType type,
                                     const WeightsFile::Tensor &tensor);
  /// The tensor's floats as float32 (the quantizer's input).
  std::optional<SmallVector<float>>
  readFloats(const WeightsFile::Tensor &tensor);
  LogicalResult checkShape(ArrayRef<int64_t> expected,
                           const WeightsFile::Tensor &tensor);

  ParamOp param;
  llvm::StringRef name;
  const WeightsFile &file;
  const QuantizerOptions &quantizer;
};
} // namespace

static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  llvm::raw_string_ostream os(text);
  llvm::interleaveComma(shape, os);
  os << "]";
  return text;
}

static bool isFloatDType(llvm::StringRef dtype) {
  return dtype == "F64" || dtype == "F32" || dtype == "F16" ||
         dtype == "BF16";
}

LogicalResult ParamBinder::checkShape(ArrayRef<int64_t> expected,
                                      const WeightsFile::Tensor &tensor) {
  if (ArrayRef<int64_t>(tensor.shape) == expected)
    return success();
  error() << "shape " << formatShape(tensor.shape) << " but the param is "
          << formatShape(expected);
  return failure();
}

std::optional<SmallVector<float>>
ParamBinder::readFloats(const WeightsFile::Tensor &tensor) {
  size_t count = tensor.data.size() / getDTypeSize(tensor.dtype);
  SmallVector<float> values(count);
  const uint8_t *data = tensor.data.data();
  namespace endian = llvm::support::endian;
  for (size_t i = 0; i < count; ++i) {
    if (tensor.dtype == "F32") {
      values[i] = llvm::bit_cast<float>(endian::read32le(data + 4 * i));
    } else if (tensor.dtype == "F64") {
      values[i] = static_cast<float>(
          llvm::bit_cast<double>(endian::read64le(data + 8 * i)));
    } else {
      const llvm::fltSemantics &semantics =
          tensor.dtype == "F16" ? llvm::APFloat::IEEEhalf()
                                : llvm::APFloat::BFloat();
      llvm::APFloat value(semantics,
                          llvm::APInt(16, endian::read16le(data + 2 * i)));
      bool lost;
      value.convert(llvm::APFloat::IEEEsingle(),
                    llvm::APFloat::rmNearestTiesToEven, &lost);
      values[i] = value.convertToFloat();
    }
  }
  return values;
}

FailureOr<ElementsAttr>
ParamBinder::bindPacked(PackedTensorType type,
                        const WeightsFile::Tensor &tensor) {
  std::optional<int64_t> storageBytes = type.getStorageBytes();
  if (!storageBytes) {
    error() << "the param's shape is not static";
    return failure();
  }
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<int8_t> trits;
  if (isFloatDType(tensor.dtype)) {
    if (failed(checkShape(shape, tensor)))
      return failure();
    std::optional<SmallVector<float>> values = readFloats(tensor);
    trits.resize(values->size());
    float scale;
    if (quantizer.method == QuantMethod::threshold && !quantizer.threshold) {
      error() << "the threshold quantizer needs a threshold";
      return failure();
    }
    tri_status status =
        tri_quantize(static_cast<tri_quant_method>(quantizer.method),
                     values->data(), shape.data(), shape.size(),
                     /*channel_axis=*/-1, quantizer.threshold.value_or(0.0f),
                     quantizer.seed, trits.data(), &scale);
    if (status != TRI_OK) {
      error() << "cannot ternarize it with the "
              << stringifyQuantMethod(quantizer.method)
              << " quantizer: " << tri_status_message(status);
      return failure();
    }
  } else if (tensor.dtype == "I8") {
    if (failed(checkShape(shape, tensor)))
      return failure();
    trits.assign(reinterpret_cast<const int8_t *>(tensor.data.data()),
                 reinterpret_cast<const int8_t *>(tensor.data.data()) +
                     tensor.data.size());
    for (auto [i, trit] : llvm::enumerate(trits)) {
      if (trit < -1 || trit > 1) {
        error() << "element " << i << " is " << int(trit)
                << ", not a trit (-1, 0 or +1)";
        return failure();
      }
    }
  } else if (tensor.dtype == "U8") {
    std::optional<llvm::StringRef> encodingName =
        file.getMetadata(name.str() + ".encoding");
    if (!encodingName) {
      error() << "packed bytes (U8) need their encoding in the metadata: '"
              << name << ".encoding' = offset2 or base3";
      return failure();
    }
    std::optional<Encoding> encoding = symbolizeEncoding(*encodingName);
    if (!encoding) {
      error() << "unknown encoding '" << *encodingName
              << "' (use offset2 or base3)";
      return failure();
    }
    unsigned axis = 0;
    if (std::optional<llvm::StringRef> axisText =
            file.getMetadata(name.str() + ".axis")) {
      if (axisText->getAsInteger(10, axis) || axis >= shape.size()) {
        error() << "packed axis '" << *axisText << "' is not an axis of "
                << formatShape(shape);
        return failure();
      }
    }
    auto fileType = type.withLayout(
        LayoutAttr::get(type.getContext(), *encoding, axis));
    int64_t expected = *fileType.getStorageBytes();
    if (int64_t(tensor.data.size()) != expected) {
      error() << formatShape(shape) << " packed in "
              << stringifyEncoding(*encoding) << " along axis " << axis
              << " takes " << expected << " bytes, the tensor has "
              << tensor.data.size();
      return failure();
    }
    for (auto [i, byte] : llvm::enumerate(tensor.data)) {
      if (!tri_byte_is_valid(toRuntimeEncoding(*encoding), byte)) {
        error() << "byte " << i << " (" << unsigned(byte)
                << ") is not a valid " << stringifyEncoding(*encoding)
                << " byte";
        return failure();
      }
    }
    if (fileType == type)
      return getPackedBytesAttr(type, tensor.data);
    FailureOr<SmallVector<int8_t>> unpacked =
        unpackTrits(fileType, tensor.data);
    if (failed(unpacked)) {
      error() << "the padding trits of a packed row are not zero";
      return failure();
    }
    trits = std::move(*unpacked);
  } else {
    error() << "dtype " << tensor.dtype
            << " for a TernaryTensor (use a float dtype to ternarize, I8 "
               "trits or U8 packed bytes)";
    return failure();
  }
  FailureOr<SmallVector<uint8_t>> packed = packTrits(type, trits);
  if (failed(packed)) {
    error() << "cannot pack the trits";
    return failure();
  }
  return getPackedBytesAttr(type, *packed);
}

FailureOr<ElementsAttr>
ParamBinder::bindTensor(RankedTensorType type,
                        const WeightsFile::Tensor &tensor) {
  if (!type.hasStaticShape()) {
    error() << "the param's shape is not static";
    return failure();
  }
  if (failed(checkShape(type.getShape(), tensor)))
    return failure();
  Type element = type.getElementType();
  auto raw = ArrayRef<char>(reinterpret_cast<const char *>(tensor.data.data()),
                            tensor.data.size());
  if (auto floatType = dyn_cast<FloatType>(element)) {
    if (!isFloatDType(tensor.dtype)) {
      error() << "dtype " << tensor.dtype << " for a " << element
              << " param (use F32, F64, F16 or BF16)";
      return failure();
    }
    llvm::StringRef native = element.isF32()    ? "F32"
                             : element.isF64()  ? "F64"
                             : element.isF16()  ? "F16"
                             : element.isBF16() ? "BF16"
                                                : "";
    if (tensor.dtype == native)
      return cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(type, raw));
    std::optional<SmallVector<float>> values = readFloats(tensor);
    SmallVector<APFloat> converted;
    converted.reserve(values->size());
    for (float value : *values) {
      APFloat apValue(value);
      bool lost;
      apValue.convert(floatType.getFloatSemantics(),
                      APFloat::rmNearestTiesToEven, &lost);
      converted.push_back(apValue);
    }
    return cast<ElementsAttr>(DenseElementsAttr::get(type, converted));
  }
  auto integer = dyn_cast<IntegerType>(element);
  if (!integer) {
    error() << "params of type " << type << " cannot be loaded";
    return failure();
  }
  std::string expected =
      (llvm::Twine(integer.isUnsigned() ? "U" : "I") +
       llvm::Twine(integer.getWidth()))
          .str();
  if (integer.getWidth() == 1)
    expected = "BOOL";
  if (tensor.dtype != expected) {
    error() << "dtype " << tensor.dtype << " for a " << element
            << " param (use " << expected << ")";
    return failure();
  }
  if (integer.getWidth() == 1) {
    SmallVector<bool> bits;
    for (uint8_t byte : tensor.data)
      bits.push_back(byte != 0);
    return cast<ElementsAttr>(DenseElementsAttr::get(type, bits));
  }
  return cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(type, raw));
}

FailureOr<ElementsAttr> ParamBinder::bind(const WeightsFile::Tensor &tensor) {
  Type type = param.getType();
  if (auto packed = dyn_cast<PackedTensorType>(type))
    return bindPacked(packed, tensor);
  if (auto ranked = dyn_cast<RankedTensorType>(type))
    return bindTensor(ranked, tensor);
  error() << "params of type " << type << " cannot be loaded";
  return failure();
}

LogicalResult tritondsl::bindWeights(ModuleOp module,
                                     const WeightsFile &weights,
                                     const QuantizerOptions &quantizer) {
  // Every value first, so that a failure leaves the module unchanged.
  SmallVector<std::pair<ParamOp, ElementsAttr>> values;
  llvm::StringSet<> bound;
  bool ok = true;
  SmallVector<std::string> paramNames;
  for (LayerOp layer : module.getOps<LayerOp>()) {
    for (ParamOp param : layer.getBodyBlock().getOps<ParamOp>()) {
      std::string name =
          (layer.getSymName() + "." + param.getSymName()).str();
      paramNames.push_back(name);
      const WeightsFile::Tensor *tensor = weights.lookup(name);
      if (!tensor) {
        param.emitError("no weights for param '")
            << name << "' in '" << weights.getPath() << "'";
        ok = false;
        continue;
      }
      bound.insert(name);
      FailureOr<ElementsAttr> value =
          ParamBinder(param, name, weights, quantizer).bind(*tensor);
      if (failed(value)) {
        ok = false;
        continue;
      }
      values.emplace_back(param, *value);
    }
  }
  for (const WeightsFile::Tensor &tensor : weights.getTensors()) {
    if (bound.contains(tensor.name))
      continue;
    module.emitError("weights file '")
        << weights.getPath() << "' has tensor '" << tensor.name
        << "', which names no param of the program (params: "
        << (paramNames.empty() ? std::string("none")
                               : llvm::join(paramNames, ", "))
        << ")";
    ok = false;
  }
  if (!ok)
    return failure();
  for (auto [param, value] : values)
    param.setInitialValueAttr(value);
  return success();
}
