//===- TranslateToONNX.cpp - Ternary IR to ONNX ModelProto ----------------===//
//
// Builds one onnx::ModelProto (protobuf classes of Debian's libonnx-dev) per
// entry function of a module of `ternary.layer`s: one node or a few per op,
// calls of other layers inlined, packed params kept packed (uint8, 2 bits a
// weight). Modelled on MLIR's C++ emitter (lib/Target/Cpp) and on the
// PyTorch emitter of this project: a value->name map, one printer per op, a
// located error for what cannot be mapped exactly.
//
// Values that need no node are kept lazily: scalar constants become
// rank-0 initializers on first use, `tensor.empty`/`linalg.fill` are only a
// shape (and a value) until an op reads them, index values are 1-element
// int64 tensors (what Shape/Concat/Reshape take).
//
// Packed values are bytes (a param or ternary.constant: 1-D uint8 storage)
// or trits (an int8 tensor, e.g. from ternary.pack). Bytes are decoded in the
// graph with BitShift/BitwiseAnd (offset2) or Div/Mod (base3), Slice, Cast
// and Sub; in the `ort` profile an f32 `ternary.matmul` on offset2/base3
// bytes along K becomes com.microsoft.MatMulNBits with bits=2, zero point 1
// (code 01), its `B` our offset2 rows padded with zero trits to whole blocks.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Target/TensorPatterns.h"
#include "tritondsl/Target/ONNX/ONNXEmitter.h"

#include "tritondsl/Dialect/Ternary/IR/TernaryOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include <onnx/onnx_pb.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cmath>
#include <functional>
#include <optional>

using namespace mlir;
using namespace mlir::ternary;
using namespace tritondsl;

namespace {

/// The default-domain opset every model imports: BitwiseAnd, ReduceMax with
/// an `axes` input and Pad with an `axes` input need 18.
constexpr int64_t kOpsetVersion = 18;
/// IR version 8: what Debian's onnx.proto (1.12) writes and opset 18 needs.
constexpr int64_t kIRVersion = 8;
/// Deepest layer composition the emitter inlines.
constexpr unsigned kMaxCallDepth = 256;

/// The ONNX element type of an MLIR scalar type (index is int64).
std::optional<int32_t> onnxElementType(Type type) {
  using TP = onnx::TensorProto;
  if (type.isF32())
    return TP::FLOAT;
  if (type.isF64())
    return TP::DOUBLE;
  if (type.isF16())
    return TP::FLOAT16;
  if (type.isBF16())
    return TP::BFLOAT16;
  if (type.isIndex())
    return TP::INT64;
  if (auto i = dyn_cast<IntegerType>(type)) {
    if (i.getWidth() == 1)
      return TP::BOOL;
    bool isUnsigned = i.isUnsigned();
    switch (i.getWidth()) {
    case 8:
      return isUnsigned ? TP::UINT8 : TP::INT8;
    case 16:
      return isUnsigned ? TP::UINT16 : TP::INT16;
    case 32:
      return isUnsigned ? TP::UINT32 : TP::INT32;
    case 64:
      return isUnsigned ? TP::UINT64 : TP::INT64;
    default:
      return std::nullopt;
    }
  }
  return std::nullopt;
}

/// Bytes of one element of an ONNX type (bool: 1).
unsigned elementBytes(int32_t type) {
  using TP = onnx::TensorProto;
  switch (type) {
  case TP::DOUBLE:
  case TP::INT64:
  case TP::UINT64:
    return 8;
  case TP::FLOAT:
  case TP::INT32:
  case TP::UINT32:
    return 4;
  case TP::FLOAT16:
  case TP::BFLOAT16:
  case TP::INT16:
  case TP::UINT16:
    return 2;
  default:
    return 1;
  }
}

/// Little-endian bytes of `value`'s elements in the ONNX type of
/// `elementType`; false when they cannot be read.
bool getRawBytes(ElementsAttr value, Type elementType, std::string &out) {
  if (isa<FloatType>(elementType)) {
    unsigned width = elementType.getIntOrFloatBitWidth();
    auto values = value.tryGetValues<APFloat>();
    if (!values)
      return false;
    for (APFloat v : *values) {
      uint64_t bits = v.bitcastToAPInt().getZExtValue();
      for (unsigned b = 0; b < width / 8; ++b)
        out.push_back(char((bits >> (8 * b)) & 0xff));
    }
    return true;
  }
  unsigned width =
      elementType.isIndex() ? 64 : elementType.getIntOrFloatBitWidth();
  if (width == 1)
    width = 8;
  if (width == 8) {
    if (auto bytes = value.tryGetValues<uint8_t>()) {
      for (uint8_t v : *bytes)
        out.push_back(char(v));
      return true;
    }
  }
  auto values = value.tryGetValues<APInt>();
  if (!values)
    return false;
  for (APInt v : *values) {
    uint64_t bits = v.zextOrTrunc(64).getZExtValue();
    for (unsigned b = 0; b < width / 8; ++b)
      out.push_back(char((bits >> (8 * b)) & 0xff));
  }
  return true;
}

/// A packed value: bytes of a param or constant (1-D uint8 storage of
/// `type`), or trits (an int8 tensor of the logical shape).
struct PackedValue {
  enum Kind { Bytes, Trits } kind = Bytes;
  PackedTensorType type;
  /// Trits: the ONNX value. Bytes: the storage once materialized.
  std::string name;
  /// Bytes of a param: "Layer.param" (the graph input or initializer).
  std::string paramKey;
  /// Bytes known at compile time (a param's value or a ternary.constant).
  std::optional<ArrayRef<uint8_t>> constBytes;
};

/// Everything one graph of the model needs.
class ONNXEmitter {
public:
  ONNXEmitter(ModuleOp module, ONNXProfile profile,
              ONNXActivations activations)
      : module(module), symbolTable(module), profile(profile),
        activations(activations) {}

  /// Builds the model of `func` (a function of `layer`).
  LogicalResult emitModel(LayerOp layer, func::FuncOp func,
                          onnx::ModelProto &model);

private:
  // Structure.
  LogicalResult emitFunctionBody(LayerOp layer, func::FuncOp func,
                                 ArrayRef<std::string> args,
                                 SmallVectorImpl<std::string> &results,
                                 Operation *caller);
  LogicalResult emitOperation(Operation *op);

  // Op printers.
  LogicalResult emitConstant(arith::ConstantOp op);
  LogicalResult emitElementwise(Operation *op);
  LogicalResult emitGetParam(GetParamOp op);
  LogicalResult emitTernaryConstant(ternary::ConstantOp op);
  LogicalResult emitMatmul(ternary::MatmulOp op);
  LogicalResult emitMatMulNBits(ternary::MatmulOp op, PackedValue &weight,
                                std::string &result);
  LogicalResult emitMatMulNBitsInt8(ternary::MatmulOp op, const std::string &x,
                                    const std::string &b, int64_t k, int64_t n,
                                    int64_t blockSize, std::string &result);
  LogicalResult emitQuantize(QuantizeOp op);
  LogicalResult emitDequantize(DequantizeOp op);
  LogicalResult emitCall(CallOp op);
  LogicalResult emitReturn(func::ReturnOp op);
  LogicalResult emitGeneric(linalg::GenericOp op);
  LogicalResult emitEinsum(linalg::GenericOp op);
  LogicalResult emitReduce(linalg::ReduceOp op);
  LogicalResult emitContraction(Operation *op, Value lhs, Value rhs,
                                Value init);
  LogicalResult emitConv(linalg::Conv2DNchwFchwOp op);
  LogicalResult emitGroupedConv(linalg::Conv2DNgchwGfchwOp op);
  LogicalResult emitPool(Operation *op, Value input, Value window, Value init,
                         DenseIntElementsAttr strides,
                         DenseIntElementsAttr dilations, bool isMax);
  LogicalResult emitConcat(tensor::ConcatOp op);
  LogicalResult emitExtractSlice(tensor::ExtractSliceOp op);
  LogicalResult emitBroadcast(linalg::BroadcastOp op);
  LogicalResult emitPad(tensor::PadOp op);
  LogicalResult emitReshapeLike(Operation *op, Value source, Value result);
  LogicalResult emitDim(tensor::DimOp op);

  // Values.
  FailureOr<std::string> getValue(Value value, Operation *user);
  FailureOr<std::string> getShape(Value value, Operation *user);
  FailureOr<PackedValue *> getPacked(Value value, Operation *user);
  /// The storage bytes of a packed value (a graph input or initializer).
  std::string getPackedStorage(PackedValue &value);
  /// The trits of `value` as `elementType` (FLOAT or INT8), decoded in the
  /// graph from bytes.
  FailureOr<std::string> decodePacked(PackedValue &value, int32_t elementType,
                                      Operation *user);
  /// `init` is a linalg.fill of the constant `identity` not yet materialized.
  bool isFillOf(Value init, double identity);
  /// Binds `op`'s result to `sum` plus its accumulator `init` (no Add when
  /// `init` is a fill of zero).
  LogicalResult bindAccumulated(Operation *op, Value init, std::string sum);
  void bind(Value value, std::string name) { names[value] = std::move(name); }

  // Graph building.
  std::string fresh(StringRef prefix = "v") {
    return (prefix + Twine(nextId++)).str();
  }
  onnx::NodeProto *addNode(StringRef opType, ArrayRef<std::string> inputs,
                           std::string output, StringRef domain = "");
  /// `opType(inputs)` into a fresh value; returns its name.
  std::string node(StringRef opType, ArrayRef<std::string> inputs,
                   std::function<void(onnx::NodeProto &)> attrs = nullptr,
                   StringRef domain = "");
  std::string addInitializer(std::string name, int32_t type,
                             ArrayRef<int64_t> dims, std::string raw);
  std::string int64s(ArrayRef<int64_t> values, bool asScalar = false);
  std::string scalar(int32_t type, double value);
  std::string scalarOf(Type mlirType, Attribute value);
  static void setInt(onnx::NodeProto &n, StringRef name, int64_t v);
  static void setInts(onnx::NodeProto &n, StringRef name,
                      ArrayRef<int64_t> v);
  static void setString(onnx::NodeProto &n, StringRef name, StringRef v);
  void setValueInfo(onnx::ValueInfoProto &info, StringRef name,
                    RankedTensorType type, bool nameDynamicDims);
  std::string paramName(StringRef param) {
    return (currentLayer.getSymName() + "." + param).str();
  }

  ModuleOp module;
  SymbolTable symbolTable;
  ONNXProfile profile;
  ONNXActivations activations;
  onnx::GraphProto *graph = nullptr;
  bool usesMicrosoftDomain = false;
  unsigned nextId = 0;
  unsigned nextConstId = 0;
  unsigned callDepth = 0;
  LayerOp currentLayer;
  /// ONNX names of the SSA values of the function being emitted.
  llvm::DenseMap<Value, std::string> names;
  /// Values made on first use (constants, sizes, empty and filled tensors).
  llvm::DenseMap<Value, std::function<FailureOr<std::string>()>> lazy;
  llvm::DenseMap<Value, PackedValue> packed;
  /// The results of the function being emitted (func.return).
  SmallVector<std::string> *returned = nullptr;
  /// Params already added ("Layer.param" -> value name).
  llvm::StringMap<std::string> paramValues;
  /// Names of graph inputs and initializers made for params.
  llvm::StringSet<> takenNames;
  /// Copies of packed param bytes (dense_resource blobs stay in place).
  std::vector<std::unique_ptr<SmallVector<uint8_t>>> byteStorage;
  /// Derived forms of packed storage ("name/form" -> value name).
  llvm::StringMap<std::string> derived;
  /// Scalar constants ("type/bits" -> initializer).
  llvm::StringMap<std::string> scalars;
  /// Dynamic dims of the graph inputs already named.
  unsigned nextDimParam = 0;
};

//===----------------------------------------------------------------------===//
// Graph building
//===----------------------------------------------------------------------===//

onnx::NodeProto *ONNXEmitter::addNode(StringRef opType,
                                      ArrayRef<std::string> inputs,
                                      std::string output, StringRef domain) {
  onnx::NodeProto *n = graph->add_node();
  n->set_op_type(opType.str());
  if (!domain.empty()) {
    n->set_domain(domain.str());
    usesMicrosoftDomain = true;
  }
  for (const std::string &input : inputs)
    n->add_input(input);
  n->add_output(output);
  n->set_name("n" + std::to_string(graph->node_size() - 1) + "_" +
              opType.str());
  return n;
}

std::string ONNXEmitter::node(StringRef opType, ArrayRef<std::string> inputs,
                              std::function<void(onnx::NodeProto &)> attrs,
                              StringRef domain) {
  std::string out = fresh();
  onnx::NodeProto *n = addNode(opType, inputs, out, domain);
  if (attrs)
    attrs(*n);
  return out;
}

void ONNXEmitter::setInt(onnx::NodeProto &n, StringRef name, int64_t v) {
  onnx::AttributeProto *a = n.add_attribute();
  a->set_name(name.str());
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void ONNXEmitter::setInts(onnx::NodeProto &n, StringRef name,
                          ArrayRef<int64_t> v) {
  onnx::AttributeProto *a = n.add_attribute();
  a->set_name(name.str());
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v)
    a->add_ints(x);
}

void ONNXEmitter::setString(onnx::NodeProto &n, StringRef name, StringRef v) {
  onnx::AttributeProto *a = n.add_attribute();
  a->set_name(name.str());
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v.str());
}

std::string ONNXEmitter::addInitializer(std::string name, int32_t type,
                                        ArrayRef<int64_t> dims,
                                        std::string raw) {
  onnx::TensorProto *t = graph->add_initializer();
  t->set_name(name);
  t->set_data_type(type);
  for (int64_t d : dims)
    t->add_dims(d);
  t->set_raw_data(std::move(raw));
  return name;
}

/// A 1-D int64 initializer (or rank 0 with `asScalar`), shared by value.
std::string ONNXEmitter::int64s(ArrayRef<int64_t> values, bool asScalar) {
  std::string key = asScalar ? "s" : "v";
  for (int64_t v : values)
    key += "," + std::to_string(v);
  auto it = derived.find("int64s/" + key);
  if (it != derived.end())
    return it->second;
  std::string raw;
  for (int64_t v : values)
    for (unsigned b = 0; b < 8; ++b)
      raw.push_back(char((uint64_t(v) >> (8 * b)) & 0xff));
  SmallVector<int64_t> dims;
  if (!asScalar)
    dims.push_back(values.size());
  std::string name = addInitializer("const" + std::to_string(nextConstId++),
                                    onnx::TensorProto::INT64, dims, raw);
  derived["int64s/" + key] = name;
  return name;
}

/// A rank-0 initializer of ONNX type `type` holding `value`.
std::string ONNXEmitter::scalar(int32_t type, double value) {
  using TP = onnx::TensorProto;
  std::string raw;
  auto put = [&](uint64_t bits, unsigned bytes) {
    for (unsigned b = 0; b < bytes; ++b)
      raw.push_back(char((bits >> (8 * b)) & 0xff));
  };
  switch (type) {
  case TP::FLOAT: {
    float f = float(value);
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    put(bits, 4);
    break;
  }
  case TP::DOUBLE: {
    uint64_t bits;
    std::memcpy(&bits, &value, 8);
    put(bits, 8);
    break;
  }
  default:
    put(uint64_t(int64_t(value)), elementBytes(type));
    break;
  }
  std::string key = std::to_string(type) + "/" + llvm::toHex(raw);
  auto it = scalars.find(key);
  if (it != scalars.end())
    return it->second;
  std::string name = addInitializer("const" + std::to_string(nextConstId++),
                                    type, {}, raw);
  scalars[key] = name;
  return name;
}

/// A rank-0 initializer for the scalar attribute `value` of `mlirType`.
std::string ONNXEmitter::scalarOf(Type mlirType, Attribute value) {
  auto type = onnxElementType(mlirType);
  std::string raw;
  auto elements = DenseElementsAttr::get(
      RankedTensorType::get({}, mlirType), ArrayRef<Attribute>{value});
  if (!type || !getRawBytes(elements, mlirType, raw))
    return "";
  std::string key = std::to_string(*type) + "/" + llvm::toHex(raw);
  auto it = scalars.find(key);
  if (it != scalars.end())
    return it->second;
  std::string name = addInitializer("const" + std::to_string(nextConstId++),
                                    *type, {}, raw);
  scalars[key] = name;
  return name;
}

void ONNXEmitter::setValueInfo(onnx::ValueInfoProto &info, StringRef name,
                               RankedTensorType type, bool nameDynamicDims) {
  info.set_name(name.str());
  onnx::TypeProto_Tensor *tensor = info.mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(*onnxElementType(type.getElementType()));
  onnx::TensorShapeProto *shape = tensor->mutable_shape();
  for (int64_t d : type.getShape()) {
    onnx::TensorShapeProto_Dimension *dim = shape->add_dim();
    if (!ShapedType::isDynamic(d))
      dim->set_dim_value(d);
    else if (nameDynamicDims)
      dim->set_dim_param("d" + std::to_string(nextDimParam++));
  }
}

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

FailureOr<std::string> ONNXEmitter::getValue(Value value, Operation *user) {
  auto it = names.find(value);
  if (it != names.end())
    return it->second;
  auto lazyIt = lazy.find(value);
  if (lazyIt != lazy.end()) {
    auto make = lazyIt->second;
    auto name = make();
    if (failed(name))
      return failure();
    bind(value, *name);
    return *name;
  }
  Operation *def = value.getDefiningOp();
  if (def && isa<tensor::EmptyOp, linalg::FillOp>(def)) {
    auto type = cast<RankedTensorType>(value.getType());
    auto elementType = onnxElementType(type.getElementType());
    if (!elementType)
      return user->emitError("the ONNX target cannot materialize ")
             << value.getType();
    auto shape = getShape(value, user);
    if (failed(shape))
      return failure();
    std::string fillValue = scalar(*elementType, 0);
    if (auto fill = dyn_cast<linalg::FillOp>(def)) {
      auto v = getValue(fill.getInputs()[0], user);
      if (failed(v))
        return failure();
      fillValue = *v;
    }
    std::string name = node("Expand", {fillValue, *shape});
    bind(value, name);
    return name;
  }
  return user->emitError("the ONNX target has no value for an operand of "
                         "this op");
}

FailureOr<std::string> ONNXEmitter::getShape(Value value, Operation *user) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type)
    return user->emitError("the ONNX target needs a ranked tensor here");
  if (type.hasStaticShape())
    return int64s(type.getShape());
  Operation *def = value.getDefiningOp();
  if (!names.count(value) && def) {
    if (auto fill = dyn_cast<linalg::FillOp>(def))
      return getShape(fill.getOutputs()[0], user);
    if (auto empty = dyn_cast<tensor::EmptyOp>(def)) {
      SmallVector<std::string> parts;
      unsigned dynamic = 0;
      for (int64_t d : type.getShape()) {
        if (!ShapedType::isDynamic(d)) {
          parts.push_back(int64s({d}));
          continue;
        }
        auto size = getValue(empty.getDynamicSizes()[dynamic++], user);
        if (failed(size))
          return failure();
        parts.push_back(*size);
      }
      return node("Concat", parts, [](onnx::NodeProto &n) {
        setInt(n, "axis", 0);
      });
    }
  }
  auto v = getValue(value, user);
  if (failed(v))
    return failure();
  return node("Shape", {*v});
}

FailureOr<PackedValue *> ONNXEmitter::getPacked(Value value, Operation *user) {
  auto it = packed.find(value);
  if (it == packed.end())
    return user->emitError("the ONNX target has no value for this packed "
                           "operand");
  return &it->second;
}

bool ONNXEmitter::isFillOf(Value init, double identity) {
  auto fill = init.getDefiningOp<linalg::FillOp>();
  if (!fill || names.count(init))
    return false;
  Attribute attr;
  if (!matchPattern(fill.getInputs()[0], m_Constant(&attr)))
    return false;
  if (auto f = dyn_cast<FloatAttr>(attr))
    return f.getValueAsDouble() == identity;
  if (auto i = dyn_cast<IntegerAttr>(attr))
    return (double)i.getValue().getSExtValue() == identity;
  return false;
}

std::string ONNXEmitter::getPackedStorage(PackedValue &value) {
  if (!value.name.empty())
    return value.name;
  auto it = paramValues.find(value.paramKey);
  if (it != paramValues.end()) {
    value.name = it->second;
    return value.name;
  }
  int64_t bytes = *value.type.getStorageBytes();
  std::string name = takenNames.contains(value.paramKey)
                         ? value.paramKey + ".bytes"
                         : value.paramKey;
  takenNames.insert(name);
  if (value.constBytes) {
    addInitializer(name, onnx::TensorProto::UINT8, {bytes},
                   std::string(value.constBytes->begin(),
                               value.constBytes->end()));
  } else {
    onnx::ValueInfoProto *input = graph->add_input();
    input->set_name(name);
    onnx::TypeProto_Tensor *tensor =
        input->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(onnx::TensorProto::UINT8);
    tensor->mutable_shape()->add_dim()->set_dim_value(bytes);
  }
  paramValues[value.paramKey] = name;
  value.name = name;
  return value.name;
}

FailureOr<std::string> ONNXEmitter::decodePacked(PackedValue &value,
                                                 int32_t elementType,
                                                 Operation *user) {
  using TP = onnx::TensorProto;
  std::string key;
  if (value.kind == PackedValue::Trits) {
    if (elementType == TP::INT8)
      return value.name;
    key = "cast/" + value.name + "/" + std::to_string(elementType);
    auto it = derived.find(key);
    if (it != derived.end())
      return it->second;
    std::string name = node("Cast", {value.name}, [&](onnx::NodeProto &n) {
      setInt(n, "to", elementType);
    });
    derived[key] = name;
    return name;
  }
  PackedTensorType type = value.type;
  if (!type.hasStaticShape())
    return user->emitError("the ONNX target needs a static shape for a "
                           "packed tensor");
  std::string storage = getPackedStorage(value);
  key = "decode/" + storage + "/" + std::to_string(elementType);
  auto it = derived.find(key);
  if (it != derived.end())
    return it->second;
  ArrayRef<int64_t> shape = type.getShape();
  unsigned axis = type.getPackedAxis();
  int64_t outer = 1, inner = 1, length = shape[axis];
  for (unsigned d = 0; d < axis; ++d)
    outer *= shape[d];
  for (unsigned d = axis + 1; d < shape.size(); ++d)
    inner *= shape[d];
  int64_t rowBytes = *type.getRowBytes();
  bool offset2 = type.getEncoding() == Encoding::offset2;
  int64_t perByte = offset2 ? 4 : 5;
  // [rows, rowBytes, 1] bytes -> [rows, rowBytes, perByte] codes 0..2.
  std::string bytes =
      node("Reshape", {storage, int64s({outer * inner, rowBytes, 1})});
  std::string codes;
  if (offset2) {
    std::string shifts = addInitializer(
        "const" + std::to_string(nextConstId++), TP::UINT8, {4},
        std::string("\x00\x02\x04\x06", 4));
    std::string shifted = node("BitShift", {bytes, shifts},
                               [](onnx::NodeProto &n) {
                                 setString(n, "direction", "RIGHT");
                               });
    codes = node("BitwiseAnd", {shifted, scalar(TP::UINT8, 3)});
  } else {
    std::string wide = node("Cast", {bytes}, [](onnx::NodeProto &n) {
      setInt(n, "to", TP::INT32);
    });
    std::string raw;
    for (uint32_t power : {1u, 3u, 9u, 27u, 81u})
      for (unsigned b = 0; b < 4; ++b)
        raw.push_back(char((power >> (8 * b)) & 0xff));
    std::string powers =
        addInitializer("const" + std::to_string(nextConstId++), TP::INT32,
                       {5}, raw);
    std::string digits = node("Div", {wide, powers});
    codes = node("Mod", {digits, scalar(TP::INT32, 3)});
  }
  // One row of codes per fiber, cut to the fiber's length.
  codes = node("Reshape", {codes, int64s({outer, inner, rowBytes * perByte})});
  if (rowBytes * perByte != length)
    codes = node("Slice", {codes, int64s({0}), int64s({length}), int64s({2})});
  if (inner != 1)
    codes = node("Transpose", {codes}, [](onnx::NodeProto &n) {
      setInts(n, "perm", {0, 2, 1});
    });
  std::string trits;
  if (elementType == TP::INT8) {
    // Integer Sub needs int32 in onnxruntime; base3 codes already are.
    if (offset2)
      codes = node("Cast", {codes}, [](onnx::NodeProto &n) {
        setInt(n, "to", TP::INT32);
      });
    trits = node("Sub", {codes, scalar(TP::INT32, 1)});
    trits = node("Cast", {trits}, [](onnx::NodeProto &n) {
      setInt(n, "to", TP::INT8);
    });
  } else {
    trits = node("Cast", {codes}, [&](onnx::NodeProto &n) {
      setInt(n, "to", elementType);
    });
    trits = node("Sub", {trits, scalar(elementType, 1)});
  }
  trits = node("Reshape", {trits, int64s(shape)});
  derived[key] = trits;
  return trits;
}

//===----------------------------------------------------------------------===//
// Models and functions
//===----------------------------------------------------------------------===//

LogicalResult ONNXEmitter::emitModel(LayerOp layer, func::FuncOp func,
                                     onnx::ModelProto &model) {
  model.set_ir_version(kIRVersion);
  model.set_producer_name("tritondsl");
  model.set_producer_version("0.1");
  model.set_domain("ai.tritondsl");
  model.set_model_version(1);
  model.set_doc_string(("ternary.layer @" + layer.getSymName() + "::@" +
                        func.getSymName() + " (Triton DSL compiler, ONNX "
                        "target, profile " +
                        (profile == ONNXProfile::ORT ? "ort" : "standard") +
                        (activations == ONNXActivations::Int8
                             ? ", int8 activations"
                             : "") +
                        ")")
                           .str());
  graph = model.mutable_graph();
  graph->set_name((layer.getSymName() + "." + func.getSymName()).str());
  if (func.isExternal())
    return func.emitError("the ONNX target cannot emit a function without "
                          "a body");
  SmallVector<std::string> args;
  for (BlockArgument arg : func.getArguments()) {
    // A scalar argument (f32, i32, ...) is a rank-0 tensor input.
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type && arg.getType().isIntOrFloat())
      type = RankedTensorType::get({}, arg.getType());
    if (!type || !onnxElementType(type.getElementType()))
      return func.emitError("the ONNX target cannot pass an argument of "
                            "type ")
             << arg.getType();
    std::string name = "input" + std::to_string(arg.getArgNumber());
    setValueInfo(*graph->add_input(), name, type, /*nameDynamicDims=*/true);
    args.push_back(name);
  }
  SmallVector<std::string> results;
  if (failed(emitFunctionBody(layer, func, args, results, nullptr)))
    return failure();
  for (auto [i, result] : llvm::enumerate(results)) {
    std::string name = "output" + std::to_string(i);
    addNode("Identity", {result}, name);
    auto type = dyn_cast<RankedTensorType>(func.getResultTypes()[i]);
    if (!type || !onnxElementType(type.getElementType()))
      return func.emitError("the ONNX target cannot return a value of type ")
             << func.getResultTypes()[i];
    setValueInfo(*graph->add_output(), name, type, /*nameDynamicDims=*/false);
  }
  onnx::OperatorSetIdProto *opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpsetVersion);
  if (usesMicrosoftDomain) {
    opset = model.add_opset_import();
    opset->set_domain("com.microsoft");
    opset->set_version(1);
  }
  return success();
}

LogicalResult
ONNXEmitter::emitFunctionBody(LayerOp layer, func::FuncOp func,
                              ArrayRef<std::string> args,
                              SmallVectorImpl<std::string> &results,
                              Operation *caller) {
  if (func.isExternal())
    return (caller ? caller : func.getOperation())
        ->emitError("the ONNX target cannot inline a function without a "
                    "body");
  if (++callDepth > kMaxCallDepth)
    return caller->emitError("the ONNX target inlines at most ")
           << kMaxCallDepth << " nested layer calls (recursive layers?)";
  // A callee's values are its own: the same function may be inlined twice.
  llvm::DenseMap<Value, std::string> savedNames;
  llvm::DenseMap<Value, std::function<FailureOr<std::string>()>> savedLazy;
  llvm::DenseMap<Value, PackedValue> savedPacked;
  std::swap(savedNames, names);
  std::swap(savedLazy, lazy);
  std::swap(savedPacked, packed);
  LayerOp savedLayer = currentLayer;
  SmallVector<std::string> *savedReturned = returned;
  currentLayer = layer;
  for (auto [arg, name] : llvm::zip(func.getArguments(), args))
    bind(arg, name);
  SmallVector<std::string> values;
  returned = &values;
  LogicalResult result = success();
  for (Operation &op : func.getBody().front().getOperations())
    if (failed(emitOperation(&op))) {
      result = failure();
      break;
    }
  std::swap(savedNames, names);
  std::swap(savedLazy, lazy);
  std::swap(savedPacked, packed);
  currentLayer = savedLayer;
  returned = savedReturned;
  --callDepth;
  if (failed(result))
    return failure();
  results.append(values.begin(), values.end());
  return success();
}

/// Whether `op` only gives tensor.reshape ops their shape operand (read by
/// emitReshapeLike from the result type or the from_elements operands).
static bool isOnlyReshapeShape(Operation *op) {
  return !op->use_empty() && llvm::all_of(op->getUses(), [](OpOperand &use) {
    auto reshape = dyn_cast<tensor::ReshapeOp>(use.getOwner());
    return reshape && use.get() == reshape.getShape();
  });
}

LogicalResult ONNXEmitter::emitOperation(Operation *op) {
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case<arith::ConstantOp>([&](auto c) { return emitConstant(c); })
      .Case<GetParamOp>([&](auto g) { return emitGetParam(g); })
      .Case<ternary::ConstantOp>(
          [&](auto c) { return emitTernaryConstant(c); })
      .Case<ternary::MatmulOp>([&](auto m) { return emitMatmul(m); })
      .Case<QuantizeOp>([&](auto q) { return emitQuantize(q); })
      .Case<DequantizeOp>([&](auto d) { return emitDequantize(d); })
      .Case<PackOp>([&](PackOp p) -> LogicalResult {
        auto trits = getValue(p.getTrits(), op);
        if (failed(trits))
          return failure();
        PackedValue value;
        value.kind = PackedValue::Trits;
        value.type = cast<PackedTensorType>(p.getPacked().getType());
        value.name = *trits;
        packed[p.getPacked()] = value;
        return success();
      })
      .Case<UnpackOp>([&](UnpackOp u) -> LogicalResult {
        auto in = getPacked(u->getOperand(0), op);
        if (failed(in))
          return failure();
        auto trits = decodePacked(**in, onnx::TensorProto::INT8, op);
        if (failed(trits))
          return failure();
        bind(u->getResult(0), *trits);
        return success();
      })
      .Case<RelayoutOp>([&](RelayoutOp r) -> LogicalResult {
        // The value does not depend on the layout: keep the trits.
        auto in = getPacked(r->getOperand(0), op);
        if (failed(in))
          return failure();
        PackedValue value;
        value.kind = PackedValue::Trits;
        value.type = cast<PackedTensorType>(r->getResult(0).getType());
        auto trits = decodePacked(**in, onnx::TensorProto::INT8, op);
        if (failed(trits))
          return failure();
        value.name = *trits;
        packed[r->getResult(0)] = value;
        return success();
      })
      .Case<CallOp>([&](auto c) { return emitCall(c); })
      .Case<func::ReturnOp>([&](auto r) { return emitReturn(r); })
      .Case<tensor::EmptyOp, linalg::FillOp>(
          [&](Operation *) { return success(); }) // lazy: see getValue
      .Case<tensor::FromElementsOp>([&](tensor::FromElementsOp f)
                                        -> LogicalResult {
        if (isOnlyReshapeShape(f))
          return success();
        // One value as a rank-0 tensor (a scalar argument as the scale of
        // `x @ w * s`): scalars are rank-0 tensors here already.
        if (f.getType().getRank() == 0 &&
            !f.getType().getElementType().isIndex()) {
          auto element = getValue(f.getElements().front(), f);
          if (failed(element))
            return failure();
          bind(f.getResult(), *element);
          return success();
        }
        return f->emitError("the ONNX target cannot map op '")
               << f->getName() << "'";
      })
      .Case<tensor::DimOp>([&](auto d) { return emitDim(d); })
      .Case<tensor::CastOp>([&](tensor::CastOp c) -> LogicalResult {
        auto src = getValue(c.getSource(), op);
        if (failed(src))
          return failure();
        bind(c.getResult(), *src);
        return success();
      })
      .Case<tensor::PadOp>([&](auto p) { return emitPad(p); })
      .Case<tensor::CollapseShapeOp>([&](auto c) {
        return emitReshapeLike(c, c.getSrc(), c.getResult());
      })
      .Case<tensor::ExpandShapeOp>([&](auto e) {
        return emitReshapeLike(e, e.getSrc(), e.getResult());
      })
      .Case<tensor::ReshapeOp>([&](auto r) {
        return emitReshapeLike(r, r.getSource(), r.getResult());
      })
      .Case<linalg::GenericOp>([&](auto g) { return emitGeneric(g); })
      .Case<linalg::ReduceOp>([&](auto r) { return emitReduce(r); })
      .Case<linalg::MatmulOp, linalg::BatchMatmulOp, linalg::MatvecOp,
            linalg::VecmatOp, linalg::DotOp>([&](auto m) -> LogicalResult {
        if (m.getInputs().size() != 2 || m.getOutputs().size() != 1)
          return op->emitError("the ONNX target expects two inputs and one "
                               "init");
        if constexpr (std::is_same_v<decltype(m), linalg::MatmulOp> ||
                      std::is_same_v<decltype(m), linalg::BatchMatmulOp>) {
          if (m.hasUserDefinedMaps())
            return op->emitError("the ONNX target cannot map a contraction "
                                 "with user-defined maps");
        }
        return emitContraction(op, m.getInputs()[0], m.getInputs()[1],
                               m.getOutputs()[0]);
      })
      .Case<linalg::TransposeOp>([&](linalg::TransposeOp t) -> LogicalResult {
        auto in = getValue(t.getInput(), op);
        if (failed(in))
          return failure();
        SmallVector<int64_t> perm(t.getPermutation());
        bind(t.getResult()[0],
             node("Transpose", {*in},
                  [&](onnx::NodeProto &n) { setInts(n, "perm", perm); }));
        return success();
      })
      .Case<linalg::SoftmaxOp>([&](linalg::SoftmaxOp s) -> LogicalResult {
        auto in = getValue(s.getInput(), op);
        if (failed(in))
          return failure();
        int64_t axis = s.getDimension();
        bind(s.getResult()[0],
             node("Softmax", {*in},
                  [&](onnx::NodeProto &n) { setInt(n, "axis", axis); }));
        return success();
      })
      .Case<linalg::Conv2DNchwFchwOp>([&](auto c) { return emitConv(c); })
      .Case<linalg::Conv2DNgchwGfchwOp>(
          [&](auto c) { return emitGroupedConv(c); })
      .Case<linalg::PoolingNchwMaxOp>([&](auto p) {
        return emitPool(p, p.getInputs()[0], p.getInputs()[1],
                        p.getOutputs()[0], p.getStrides(), p.getDilations(),
                        /*isMax=*/true);
      })
      .Case<linalg::PoolingNchwSumOp>([&](auto p) {
        return emitPool(p, p.getInputs()[0], p.getInputs()[1],
                        p.getOutputs()[0], p.getStrides(), p.getDilations(),
                        /*isMax=*/false);
      })
      .Case<tensor::ConcatOp>([&](auto c) { return emitConcat(c); })
      .Case<tensor::ExtractSliceOp>([&](auto e) { return emitExtractSlice(e); })
      .Case<linalg::BroadcastOp>([&](auto b) { return emitBroadcast(b); })
      .Default([&](Operation *o) -> LogicalResult {
        if (isa<arith::ArithDialect, math::MathDialect>(o->getDialect()))
          return emitElementwise(o);
        return o->emitError("the ONNX target cannot map op '")
               << o->getName() << "'";
      });
}

//===----------------------------------------------------------------------===//
// Op printers
//===----------------------------------------------------------------------===//

LogicalResult ONNXEmitter::emitConstant(arith::ConstantOp op) {
  Attribute value = op.getValue();
  Type type = op.getType();
  if (isOnlyReshapeShape(op))
    return success();
  if (!isa<ShapedType>(type)) {
    if (!onnxElementType(type))
      return op.emitError("the ONNX target cannot map constant ") << value;
    if (type.isIndex()) {
      int64_t v = cast<IntegerAttr>(value).getInt();
      lazy[op.getResult()] = [this, v]() -> FailureOr<std::string> {
        return int64s({v});
      };
      return success();
    }
    Operation *owner = op;
    lazy[op.getResult()] = [this, type, value,
                            owner]() -> FailureOr<std::string> {
      std::string name = scalarOf(type, value);
      if (name.empty())
        return owner->emitError("the ONNX target cannot map constant ") << value;
      return name;
    };
    return success();
  }
  auto tensorType = dyn_cast<RankedTensorType>(type);
  auto elements = dyn_cast<ElementsAttr>(value);
  auto elementType =
      tensorType ? onnxElementType(tensorType.getElementType()) : std::nullopt;
  if (!tensorType || !elements || !elementType ||
      !tensorType.hasStaticShape())
    return op.emitError("the ONNX target cannot map constant ") << value;
  Operation *owner = op;
  lazy[op.getResult()] = [this, tensorType, elements, elementType,
                          owner]() -> FailureOr<std::string> {
    std::string raw;
    if (!getRawBytes(elements, tensorType.getElementType(), raw))
      return owner->emitError("the ONNX target cannot read constant ")
             << elements;
    return addInitializer("const" + std::to_string(nextConstId++),
                          *elementType, tensorType.getShape(), raw);
  };
  return success();
}

LogicalResult ONNXEmitter::emitDim(tensor::DimOp op) {
  auto index = op.getConstantIndex();
  auto type = dyn_cast<RankedTensorType>(op.getSource().getType());
  if (!index || !type)
    return op.emitError("the ONNX target needs a constant index into a "
                        "ranked tensor");
  int64_t i = *index;
  if (!type.isDynamicDim(i)) {
    int64_t size = type.getDimSize(i);
    lazy[op.getResult()] = [this, size]() -> FailureOr<std::string> {
      return int64s({size});
    };
    return success();
  }
  Value source = op.getSource();
  Operation *owner = op;
  lazy[op.getResult()] = [this, source, i,
                          owner]() -> FailureOr<std::string> {
    auto src = getValue(source, owner);
    if (failed(src))
      return failure();
    return node("Shape", {*src}, [&](onnx::NodeProto &n) {
      setInt(n, "start", i);
      setInt(n, "end", i + 1);
    });
  };
  return success();
}

/// An elementwise arith/math op on tensors or rank-0 values (ONNX
/// broadcasting does the rest; see emitGeneric).
LogicalResult ONNXEmitter::emitElementwise(Operation *op) {
  if (op->getNumResults() != 1)
    return op->emitError("the ONNX target cannot map op '")
           << op->getName() << "'";
  Type resultType = op->getResult(0).getType();
  auto elementType = onnxElementType(getElementTypeOrSelf(resultType));
  if (!elementType)
    return op->emitError("the ONNX target cannot map type ") << resultType;
  SmallVector<std::string> a;
  for (Value operand : op->getOperands()) {
    auto v = getValue(operand, op);
    if (failed(v))
      return failure();
    a.push_back(*v);
  }
  std::string out;
  auto simple = [&](StringRef opType) { out = node(opType, a); };
  auto cast = [&]() {
    int32_t to = *elementType;
    out = node("Cast", {a[0]},
               [&](onnx::NodeProto &n) { setInt(n, "to", to); });
  };
  bool unsupported = false;
  llvm::TypeSwitch<Operation *>(op)
      .Case<arith::AddFOp, arith::AddIOp>([&](auto) { simple("Add"); })
      .Case<arith::SubFOp, arith::SubIOp>([&](auto) { simple("Sub"); })
      .Case<arith::MulFOp, arith::MulIOp>([&](auto) { simple("Mul"); })
      .Case<arith::DivFOp>([&](auto) { simple("Div"); })
      .Case<arith::RemFOp>([&](auto) {
        out = node("Mod", a, [](onnx::NodeProto &n) { setInt(n, "fmod", 1); });
      })
      .Case<arith::NegFOp>([&](auto) { simple("Neg"); })
      .Case<arith::MaximumFOp, arith::MaxSIOp, arith::MaxNumFOp>(
          [&](auto) { simple("Max"); })
      .Case<arith::MinimumFOp, arith::MinSIOp, arith::MinNumFOp>(
          [&](auto) { simple("Min"); })
      .Case<arith::SelectOp>([&](auto) { simple("Where"); })
      .Case<arith::CmpFOp>([&](arith::CmpFOp c) {
        switch (c.getPredicate()) {
        case arith::CmpFPredicate::OLT: simple("Less"); break;
        case arith::CmpFPredicate::OLE: simple("LessOrEqual"); break;
        case arith::CmpFPredicate::OGT: simple("Greater"); break;
        case arith::CmpFPredicate::OGE: simple("GreaterOrEqual"); break;
        case arith::CmpFPredicate::OEQ: simple("Equal"); break;
        case arith::CmpFPredicate::UNE:
          out = node("Not", {node("Equal", a)});
          break;
        default: unsupported = true; break;
        }
      })
      .Case<arith::CmpIOp>([&](arith::CmpIOp c) {
        switch (c.getPredicate()) {
        case arith::CmpIPredicate::slt: simple("Less"); break;
        case arith::CmpIPredicate::sle: simple("LessOrEqual"); break;
        case arith::CmpIPredicate::sgt: simple("Greater"); break;
        case arith::CmpIPredicate::sge: simple("GreaterOrEqual"); break;
        case arith::CmpIPredicate::eq: simple("Equal"); break;
        case arith::CmpIPredicate::ne: out = node("Not", {node("Equal", a)});
          break;
        default: unsupported = true; break;
        }
      })
      .Case<arith::SIToFPOp, arith::FPToSIOp, arith::ExtFOp, arith::TruncFOp,
            arith::ExtSIOp, arith::TruncIOp, arith::IndexCastOp>(
          [&](auto) { cast(); })
      .Case<math::ExpOp>([&](auto) { simple("Exp"); })
      .Case<math::LogOp>([&](auto) { simple("Log"); })
      .Case<math::Log1pOp>([&](auto) {
        out = node("Log", {node("Add", {a[0], scalar(*elementType, 1)})});
      })
      .Case<math::TanhOp>([&](auto) { simple("Tanh"); })
      .Case<math::SqrtOp>([&](auto) { simple("Sqrt"); })
      .Case<math::RsqrtOp>([&](auto) {
        out = node("Reciprocal", {node("Sqrt", a)});
      })
      .Case<math::ErfOp>([&](auto) { simple("Erf"); })
      .Case<math::AbsFOp, math::AbsIOp>([&](auto) { simple("Abs"); })
      .Case<math::SinOp>([&](auto) { simple("Sin"); })
      .Case<math::CosOp>([&](auto) { simple("Cos"); })
      .Case<math::PowFOp>([&](auto) { simple("Pow"); })
      .Case<math::FloorOp>([&](auto) { simple("Floor"); })
      .Case<math::CeilOp>([&](auto) { simple("Ceil"); })
      .Case<math::RoundEvenOp>([&](auto) { simple("Round"); })
      .Default([&](Operation *) { unsupported = true; });
  if (unsupported || out.empty())
    return op->emitError("the ONNX target cannot map op '")
           << op->getName() << "'";
  bind(op->getResult(0), out);
  return success();
}

LogicalResult ONNXEmitter::emitGetParam(GetParamOp op) {
  auto param = dyn_cast_or_null<ParamOp>(
      SymbolTable::lookupSymbolIn(currentLayer, op.getName()));
  if (!param)
    return op.emitError("the ONNX target cannot find param '")
           << op.getName() << "'";
  std::string key = paramName(op.getName());
  auto init = param.getInitialValueAttr();
  if (auto type = dyn_cast<PackedTensorType>(op.getType())) {
    if (!type.getStorageBytes())
      return op.emitError("the ONNX target needs a static shape for packed "
                          "param '")
             << op.getName() << "'";
    PackedValue value;
    value.kind = PackedValue::Bytes;
    value.type = type;
    value.paramKey = key;
    if (init) {
      auto storage = std::make_unique<SmallVector<uint8_t>>();
      std::optional<ArrayRef<uint8_t>> raw = getPackedBytes(init, *storage);
      if (!raw || (int64_t)raw->size() != *type.getStorageBytes())
        return op.emitError("the ONNX target cannot read the initial bytes "
                            "of '")
               << op.getName() << "'";
      value.constBytes = *raw;
      byteStorage.push_back(std::move(storage));
    }
    packed[op.getResult()] = value;
    return success();
  }
  auto type = dyn_cast<RankedTensorType>(op.getType());
  auto elementType =
      type ? onnxElementType(type.getElementType()) : std::nullopt;
  if (!type || !type.hasStaticShape() || !elementType)
    return op.emitError("the ONNX target cannot map param '")
           << op.getName() << "' of type " << op.getType();
  Operation *owner = op;
  lazy[op.getResult()] = [this, key, type, elementType, init,
                          owner]() -> FailureOr<std::string> {
    auto it = paramValues.find(key);
    if (it != paramValues.end())
      return it->second;
    if (init) {
      std::string raw;
      if (!getRawBytes(init, type.getElementType(), raw))
        return owner->emitError("the ONNX target cannot read the initial "
                                "value of '")
               << key << "'";
      addInitializer(key, *elementType, type.getShape(), raw);
    } else {
      setValueInfo(*graph->add_input(), key, type, false);
    }
    takenNames.insert(key);
    paramValues[key] = key;
    return key;
  };
  return success();
}

LogicalResult ONNXEmitter::emitTernaryConstant(ternary::ConstantOp op) {
  auto type = cast<PackedTensorType>(op.getType());
  auto storage = std::make_unique<SmallVector<uint8_t>>();
  std::optional<ArrayRef<uint8_t>> raw = getPackedBytes(op.getValue(),
                                                        *storage);
  if (!raw || !type.getStorageBytes() ||
      (int64_t)raw->size() != *type.getStorageBytes())
    return op.emitError("the ONNX target cannot read these packed bytes");
  PackedValue value;
  value.kind = PackedValue::Bytes;
  value.type = type;
  value.paramKey = "const" + std::to_string(nextConstId++);
  value.constBytes = *raw;
  byteStorage.push_back(std::move(storage));
  packed[op.getResult()] = value;
  return success();
}

/// The block size of MatMulNBits for K: the power of two in [smallest,
/// largest] that pads K least, the largest of those (fewer blocks, fewer
/// scales for the kernel to read). onnxruntime 1.32 takes 16..256 for
/// bits=2, and its int8-activation kernel only 64..128 (measured: 16 and
/// 256 fall back to the dequantizing path).
static int64_t chooseBlockSize(int64_t k, int64_t smallest, int64_t largest) {
  int64_t best = smallest, bestCost = INT64_MAX;
  for (int64_t blockSize = smallest; blockSize <= largest; blockSize *= 2) {
    int64_t blocks = (k + blockSize - 1) / blockSize;
    int64_t cost = blocks * blockSize;
    if (cost <= bestCost) {
      best = blockSize;
      bestCost = cost;
    }
  }
  return best;
}

/// com.microsoft.MatMulNBits(A, B, scales, zero_points[, , bias]) with
/// bits=2: B [N, blocks, blockSize/4] holds each column's offset2 codes
/// along K, padded with zero trits (code 01) to whole blocks; the zero point
/// of every block is 1 (four 2-bit zero points a byte: 0x55); every block
/// of a column has the matmul's scale of that column (1 without a scale).
LogicalResult ONNXEmitter::emitMatMulNBits(ternary::MatmulOp op,
                                           PackedValue &weight,
                                           std::string &result) {
  using TP = onnx::TensorProto;
  PackedTensorType type = weight.type;
  int64_t k = type.getShape()[0], n = type.getShape()[1];
  bool int8 = activations == ONNXActivations::Int8;
  int64_t blockSize = chooseBlockSize(k, int8 ? 64 : 16, int8 ? 128 : 256);
  int64_t blocks = (k + blockSize - 1) / blockSize;
  int64_t blob = blockSize / 4;
  auto x = getValue(op.getInput(), op);
  if (failed(x))
    return failure();
  // B: an initializer when the bytes are known (onnxruntime prepacks it),
  // else the param's bytes padded in the graph.
  std::string b;
  if (weight.constBytes) {
    std::string key = "blocks/" + weight.paramKey;
    auto it = derived.find(key);
    if (it != derived.end()) {
      b = it->second;
    } else {
      FailureOr<SmallVector<int8_t>> trits =
          unpackTrits(type, *weight.constBytes);
      if (failed(trits))
        return op.emitError("the ONNX target cannot read the packed bytes "
                            "of this weight (invalid codes)");
      std::string raw(n * blocks * blob, char(0x55));
      for (int64_t col = 0; col < n; ++col)
        for (int64_t row = 0; row < k; ++row) {
          int64_t code = (*trits)[row * n + col] + 1;
          char &byte = raw[col * blocks * blob + row / 4];
          byte = char((uint8_t(byte) & ~(3u << (2 * (row % 4)))) |
                      (code << (2 * (row % 4))));
        }
      // The param's name when only MatMulNBits reads it.
      std::string name = takenNames.contains(weight.paramKey)
                             ? weight.paramKey + ".blocks"
                             : weight.paramKey;
      takenNames.insert(name);
      b = addInitializer(name, TP::UINT8, {n, blocks, blob}, raw);
      derived[key] = b;
    }
  } else {
    if (type.getEncoding() != Encoding::offset2)
      return op.emitError("the ONNX target maps base3 weights that are "
                          "graph inputs only through the standard decode");
    std::string storage = getPackedStorage(weight);
    int64_t rowBytes = *type.getRowBytes();
    std::string rows = node("Reshape", {storage, int64s({n, rowBytes})});
    if (rowBytes < blocks * blob) {
      std::string pads = int64s({0, 0, 0, blocks * blob - rowBytes});
      rows = node("Pad", {rows, pads, scalar(TP::UINT8, 0x55)});
    }
    b = node("Reshape", {rows, int64s({n, blocks, blob})});
  }
  // Scales [N * blocks] and zero points [N, ceil(blocks / 4)] are what
  // the op reads, but our scale is one per column (or one): the file holds
  // that and Expand makes the per-block form, so the file stays at 2 bits
  // a weight (onnxruntime folds these constant subgraphs at session start;
  // its accuracy_level=0 kernel runs as fast as with initializers).
  if (int8)
    return emitMatMulNBitsInt8(op, *x, b, k, n, blockSize, result);
  std::string scale = scalar(TP::FLOAT, 1);
  if (Value scaleValue = op.getScale()) {
    auto v = getValue(scaleValue, op);
    if (failed(v))
      return failure();
    scale = *v;
    if (cast<RankedTensorType>(scaleValue.getType()).getRank() == 1)
      scale = node("Reshape", {scale, int64s({n, 1})});
  }
  std::string scales = node("Expand", {scale, int64s({n, blocks})});
  scales = node("Reshape", {scales, int64s({n * blocks})});
  std::string zeroPoints = node(
      "Expand", {scalar(TP::UINT8, 0x55), int64s({n, (blocks + 3) / 4})});
  SmallVector<std::string> inputs = {*x, b, scales, zeroPoints};
  if (Value biasValue = op.getBias()) {
    auto v = getValue(biasValue, op);
    if (failed(v))
      return failure();
    inputs.push_back("");
    inputs.push_back(*v);
  }
  result = node(
      "MatMulNBits", inputs,
      [&](onnx::NodeProto &nodeProto) {
        setInt(nodeProto, "K", k);
        setInt(nodeProto, "N", n);
        setInt(nodeProto, "bits", 2);
        setInt(nodeProto, "block_size", blockSize);
        setInt(nodeProto, "accuracy_level", 0);
      },
      "com.microsoft");
  return success();
}

/// MatMulNBits with accuracy_level=4 (`--onnx-activations=int8`):
/// onnxruntime's int8 kernel needs its scales and zero points as
/// initializers (not expanded in the graph), so they are written out per
/// block (32 + 2 bits a block); a scale that is not a constant multiplies
/// the result instead (1 in the initializer).
LogicalResult ONNXEmitter::emitMatMulNBitsInt8(ternary::MatmulOp op,
                                               const std::string &x,
                                               const std::string &b,
                                               int64_t k, int64_t n,
                                               int64_t blockSize,
                                               std::string &result) {
  using TP = onnx::TensorProto;
  int64_t blocks = (k + blockSize - 1) / blockSize;
  SmallVector<float> columnScale(n, 1.0f);
  std::optional<std::string> runtimeScale;
  if (Value scale = op.getScale()) {
    DenseElementsAttr attr;
    if (matchPattern(scale, m_Constant(&attr)) &&
        attr.getElementType().isF32()) {
      auto values = llvm::to_vector(attr.getValues<float>());
      for (int64_t col = 0; col < n; ++col)
        columnScale[col] = values.size() == 1 ? values[0] : values[col];
    } else {
      auto v = getValue(scale, op);
      if (failed(v))
        return failure();
      runtimeScale = *v;
    }
  }
  std::string scaleRaw;
  for (int64_t col = 0; col < n; ++col)
    for (int64_t blk = 0; blk < blocks; ++blk) {
      uint32_t bits;
      std::memcpy(&bits, &columnScale[col], 4);
      for (unsigned byte = 0; byte < 4; ++byte)
        scaleRaw.push_back(char((bits >> (8 * byte)) & 0xff));
    }
  std::string scales = addInitializer("const" + std::to_string(nextConstId++),
                                      TP::FLOAT, {n * blocks}, scaleRaw);
  std::string zeroPoints = addInitializer(
      "const" + std::to_string(nextConstId++), TP::UINT8,
      {n, (blocks + 3) / 4}, std::string(n * ((blocks + 3) / 4), char(0x55)));
  SmallVector<std::string> inputs = {x, b, scales, zeroPoints};
  std::optional<std::string> bias;
  if (Value biasValue = op.getBias()) {
    auto v = getValue(biasValue, op);
    if (failed(v))
      return failure();
    bias = *v;
  }
  if (bias && !runtimeScale) {
    inputs.push_back("");
    inputs.push_back(*bias);
  }
  result = node(
      "MatMulNBits", inputs,
      [&](onnx::NodeProto &nodeProto) {
        setInt(nodeProto, "K", k);
        setInt(nodeProto, "N", n);
        setInt(nodeProto, "bits", 2);
        setInt(nodeProto, "block_size", blockSize);
        setInt(nodeProto, "accuracy_level", 4);
      },
      "com.microsoft");
  if (runtimeScale) {
    result = node("Mul", {result, *runtimeScale});
    if (bias)
      result = node("Add", {result, *bias});
  }
  return success();
}

LogicalResult ONNXEmitter::emitMatmul(ternary::MatmulOp op) {
  using TP = onnx::TensorProto;
  auto weight = getPacked(op.getWeight(), op);
  if (failed(weight))
    return failure();
  auto inputType = cast<RankedTensorType>(op.getInput().getType());
  bool int8Input = inputType.getElementType().isInteger(8);
  PackedTensorType type = (*weight)->type;
  std::string result;
  if (profile == ONNXProfile::ORT && !int8Input &&
      (*weight)->kind == PackedValue::Bytes && type.hasStaticShape() &&
      type.getRank() == 2 && type.getPackedAxis() == 0 &&
      inputType.getRank() >= 2 && type.getShape()[0] > 0 &&
      type.getShape()[1] > 0 &&
      ((*weight)->constBytes || type.getEncoding() == Encoding::offset2)) {
    if (failed(emitMatMulNBits(op, **weight, result)))
      return failure();
    bind(op.getResult(), result);
    return success();
  }
  auto x = getValue(op.getInput(), op);
  if (failed(x))
    return failure();
  if (int8Input) {
    // Exact: int8 x int8 trits summed in int32 (MatMulInteger).
    auto w = decodePacked(**weight, TP::INT8, op);
    if (failed(w))
      return failure();
    result = node("MatMulInteger", {*x, *w});
    auto resultType = cast<RankedTensorType>(op.getType());
    if (resultType.getElementType().isF32())
      result = node("Cast", {result},
                    [](onnx::NodeProto &n) { setInt(n, "to", TP::FLOAT); });
  } else {
    auto w = decodePacked(**weight, TP::FLOAT, op);
    if (failed(w))
      return failure();
    result = node("MatMul", {*x, *w});
  }
  if (Value scale = op.getScale()) {
    auto s = getValue(scale, op);
    if (failed(s))
      return failure();
    result = node("Mul", {result, *s});
  }
  if (Value bias = op.getBias()) {
    auto b = getValue(bias, op);
    if (failed(b))
      return failure();
    result = node("Add", {result, *b});
  }
  bind(op.getResult(), result);
  return success();
}

/// ternary.quantize as in runtime/include/ternary_packing.h (threshold and
/// absmean; the stochastic method's generator has no ONNX form).
LogicalResult ONNXEmitter::emitQuantize(QuantizeOp op) {
  using TP = onnx::TensorProto;
  if (op.getMethod() == QuantMethod::stochastic)
    return op.emitError("the ONNX target cannot map stochastic "
                        "quantization");
  auto inputType = cast<RankedTensorType>(op.getInput().getType());
  if (!inputType.getElementType().isF32())
    return op.emitError("the ONNX target quantizes f32 tensors only");
  auto x = getValue(op.getInput(), op);
  if (failed(x))
    return failure();
  int64_t rank = inputType.getRank();
  SmallVector<int64_t> dims;
  SmallVector<int64_t> view(rank, 1);
  for (int64_t d = 0; d < rank; ++d)
    if (!op.getAxis() || d != (int64_t)*op.getAxis())
      dims.push_back(d);
  if (op.getAxis())
    view[*op.getAxis()] = -1;
  std::string axes = int64s(dims);
  auto reduce = [&](StringRef opType, std::string in) {
    if (dims.empty())
      return in;
    return node(opType, {in, axes},
                [](onnx::NodeProto &n) { setInt(n, "keepdims", 0); });
  };
  std::string absX = node("Abs", {*x});
  std::string trits, scale;
  if (op.getMethod() == QuantMethod::threshold) {
    float t = op.getThresholdAttr() ? op.getThresholdAttr().getValueAsDouble()
                                    : 0.0f;
    std::string gt = node("Cast", {node("Greater", {*x, scalar(TP::FLOAT, t)})},
                          [](onnx::NodeProto &n) { setInt(n, "to", TP::INT32); });
    std::string lt = node("Cast", {node("Less", {*x, scalar(TP::FLOAT, -t)})},
                          [](onnx::NodeProto &n) { setInt(n, "to", TP::INT32); });
    std::string t32 = node("Sub", {gt, lt});
    trits = node("Cast", {t32},
                 [](onnx::NodeProto &n) { setInt(n, "to", TP::INT8); });
    std::string kept = node("Not", {node("Equal", {t32, scalar(TP::INT32, 0)})});
    std::string total = reduce(
        "ReduceSum", node("Where", {kept, absX, scalar(TP::FLOAT, 0)}));
    std::string count = reduce(
        "ReduceSum", node("Cast", {kept}, [](onnx::NodeProto &n) {
          setInt(n, "to", TP::FLOAT);
        }));
    std::string mean =
        node("Div", {total, node("Max", {count, scalar(TP::FLOAT, 1)})});
    scale = node("Where", {node("Greater", {count, scalar(TP::FLOAT, 0)}),
                           mean, scalar(TP::FLOAT, 1)});
  } else {
    std::string gamma = node(
        "Max", {reduce("ReduceMean", absX), scalar(TP::FLOAT, 1e-5)});
    std::string g = gamma;
    if (op.getAxis())
      g = node("Reshape", {gamma, int64s(view)});
    std::string q = node("Round", {node("Div", {*x, g})});
    q = node("Clip", {q, scalar(TP::FLOAT, -1), scalar(TP::FLOAT, 1)});
    trits = node("Cast", {q},
                 [](onnx::NodeProto &n) { setInt(n, "to", TP::INT8); });
    scale = gamma;
  }
  bind(op.getTrits(), trits);
  bind(op.getScale(), scale);
  return success();
}

LogicalResult ONNXEmitter::emitDequantize(DequantizeOp op) {
  auto trits = getValue(op.getTrits(), op);
  auto scale = getValue(op.getScale(), op);
  if (failed(trits) || failed(scale))
    return failure();
  auto resultType = cast<RankedTensorType>(op.getType());
  auto elementType = onnxElementType(resultType.getElementType());
  if (!elementType)
    return op.emitError("the ONNX target cannot map type ") << resultType;
  std::string s = *scale;
  if (auto axis = op.getAxis()) {
    SmallVector<int64_t> view(resultType.getRank(), 1);
    view[*axis] = -1;
    s = node("Reshape", {s, int64s(view)});
  }
  int32_t to = *elementType;
  std::string values = node("Cast", {*trits}, [&](onnx::NodeProto &n) {
    setInt(n, "to", to);
  });
  bind(op.getResult(), node("Mul", {values, s}));
  return success();
}

LogicalResult ONNXEmitter::emitCall(CallOp op) {
  SymbolRefAttr callee = op.getCallee();
  LayerOp layer = currentLayer;
  StringRef fnName = callee.getRootReference();
  if (!callee.getNestedReferences().empty()) {
    layer = dyn_cast_or_null<LayerOp>(
        symbolTable.lookup(callee.getRootReference()));
    fnName = callee.getLeafReference();
  }
  if (!layer)
    return op.emitError("the ONNX target cannot find layer '")
           << callee.getRootReference() << "'";
  auto func = dyn_cast_or_null<func::FuncOp>(
      SymbolTable::lookupSymbolIn(layer, fnName));
  if (!func)
    return op.emitError("the ONNX target cannot find function ") << callee;
  SmallVector<std::string> args;
  for (Value operand : op.getOperands()) {
    if (isa<PackedTensorType>(operand.getType()))
      return op.emitError("the ONNX target cannot pass a packed tensor to a "
                          "call");
    auto v = getValue(operand, op);
    if (failed(v))
      return failure();
    args.push_back(*v);
  }
  SmallVector<std::string> results;
  if (failed(emitFunctionBody(layer, func, args, results, op)))
    return failure();
  for (auto [result, name] : llvm::zip(op.getResults(), results))
    bind(result, name);
  return success();
}

LogicalResult ONNXEmitter::emitReturn(func::ReturnOp op) {
  for (Value operand : op.getOperands()) {
    if (!isa<RankedTensorType>(operand.getType()))
      return op.emitError("the ONNX target can return tensors only, not ")
             << operand.getType();
    auto v = getValue(operand, op);
    if (failed(v))
      return failure();
    returned->push_back(*v);
  }
  return success();
}

/// An elementwise linalg.generic: every loop parallel, every input map a
/// projected permutation (possibly with constant-0 results on size-1 dims),
/// the output map the identity, a body of arith/math ops that does not read
/// the output. Each input becomes a view whose dims are the loops in order
/// (Squeeze, Transpose, Unsqueeze), ONNX broadcasting computes the body.
LogicalResult ONNXEmitter::emitGeneric(linalg::GenericOp op) {
  if (auto lookup = tritondsl::matchEmbeddingLookup(op)) {
    auto table = getValue(lookup->table, op);
    auto indices = getValue(lookup->indices, op);
    if (failed(table) || failed(indices))
      return failure();
    bind(op.getResult(0),
         node("Gather", {*table, *indices},
              [](onnx::NodeProto &n) { setInt(n, "axis", 0); }));
    return success();
  }
  unsigned numLoops = op.getNumLoops();
  if (op.getNumParallelLoops() != numLoops)
    return emitEinsum(op);
  if (numLoops > 64)
    return op.emitError("the ONNX target maps at most 64 loops");
  Block &body = op.getRegion().front();
  llvm::DenseMap<Value, uint64_t> loopsOf;
  uint64_t allLoops = numLoops == 64 ? ~0ull : ((1ull << numLoops) - 1);
  for (OpOperand *inputPtr : op.getDpsInputOperands()) {
    OpOperand &input = *inputPtr;
    AffineMap map = op.getMatchingIndexingMap(&input);
    auto type = dyn_cast<RankedTensorType>(input.get().getType());
    BlockArgument arg = body.getArgument(input.getOperandNumber());
    auto base = getValue(input.get(), op);
    if (failed(base))
      return failure();
    if (!type) {
      if (map.getNumResults() != 0)
        return op.emitError("the ONNX target needs tensor inputs");
      bind(arg, *base);
      continue;
    }
    SmallVector<int64_t> squeezed;
    SmallVector<unsigned> kept;
    for (auto [j, expr] : llvm::enumerate(map.getResults())) {
      if (auto c = dyn_cast<AffineConstantExpr>(expr)) {
        if (c.getValue() != 0 || type.getDimSize(j) != 1)
          return op.emitError("the ONNX target cannot map indexing map ")
                 << AffineMapAttr::get(map);
        squeezed.push_back(j);
        continue;
      }
      auto dim = dyn_cast<AffineDimExpr>(expr);
      if (!dim || llvm::is_contained(kept, dim.getPosition()))
        return op.emitError("the ONNX target cannot map indexing map ")
               << AffineMapAttr::get(map);
      kept.push_back(dim.getPosition());
    }
    for (unsigned loop : kept)
      loopsOf[arg] |= 1ull << loop;
    std::string view = *base;
    if (!squeezed.empty())
      view = node("Squeeze", {view, int64s(squeezed)});
    SmallVector<unsigned> sorted(kept);
    llvm::sort(sorted);
    if (sorted != kept) {
      SmallVector<int64_t> perm;
      for (unsigned loop : sorted)
        perm.push_back(llvm::find(kept, loop) - kept.begin());
      view = node("Transpose", {view},
                  [&](onnx::NodeProto &n) { setInts(n, "perm", perm); });
    }
    // Size-1 dims for the loops the input does not vary along, from the
    // first loop it varies along (broadcasting aligns trailing dims).
    SmallVector<int64_t> unsqueeze;
    unsigned begin = 0;
    while (begin < numLoops && !llvm::is_contained(kept, begin))
      ++begin;
    unsigned end = numLoops;
    while (end > begin && llvm::is_contained(kept, end - 1))
      --end;
    // Axes in the output of Unsqueeze: positions from `begin` on, relative.
    for (unsigned loop = begin; loop < end; ++loop)
      if (!llvm::is_contained(kept, loop))
        unsqueeze.push_back(loop - begin);
    if (!kept.empty() && !unsqueeze.empty())
      view = node("Unsqueeze", {view, int64s(unsqueeze)});
    bind(arg, view);
  }
  for (OpOperand &init : op.getDpsInitsMutable()) {
    if (!op.getMatchingIndexingMap(&init).isIdentity())
      return op.emitError("the ONNX target needs identity output maps");
    if (!op.getMatchingBlockArgument(&init).use_empty())
      return op.emitError("the ONNX target cannot map a linalg.generic that "
                          "reads its output");
  }
  for (Operation &bodyOp : body.without_terminator()) {
    if (auto c = dyn_cast<arith::ConstantOp>(bodyOp)) {
      if (failed(emitConstant(c)))
        return failure();
      continue;
    }
    if (!isa<arith::ArithDialect, math::MathDialect>(bodyOp.getDialect()))
      return bodyOp.emitError("the ONNX target cannot map op '")
             << bodyOp.getName() << "' in a linalg.generic";
    if (failed(emitElementwise(&bodyOp)))
      return failure();
    for (Value operand : bodyOp.getOperands())
      loopsOf[bodyOp.getResult(0)] |= loopsOf.lookup(operand);
  }
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  for (auto [result, yielded, init] :
       llvm::zip(op.getResults(), yield.getValues(), op.getDpsInits())) {
    auto value = getValue(yielded, op);
    if (failed(value))
      return failure();
    std::string name = *value;
    if (loopsOf.lookup(yielded) != allLoops) {
      auto shape = getShape(init, op);
      if (failed(shape))
        return failure();
      name = node("Expand", {name, *shape});
    }
    bind(result, name);
  }
  return success();
}

/// A contraction linalg.generic (what the front end makes of a batched
/// `@` with a shared operand): two inputs, projected-permutation maps, body
/// `out + a * b`, becomes Einsum with one letter per loop (plus the init
/// when it is not a fill of zero). Anything else with a reduction loop is
/// refused.
LogicalResult ONNXEmitter::emitEinsum(linalg::GenericOp op) {
  auto refuse = [&]() {
    return op.emitError("the ONNX target maps only elementwise "
                        "linalg.generic (all loops parallel) and "
                        "contractions (out + a * b)");
  };
  unsigned numLoops = op.getNumLoops();
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      numLoops > 26)
    return refuse();
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (yield.getValues().size() != 1)
    return refuse();
  auto add = yield.getValues()[0].getDefiningOp();
  if (!add || !isa<arith::AddFOp>(add) || add->getBlock() != &body)
    return refuse();
  Value out = body.getArgument(2);
  Value product = add->getOperand(0) == out ? add->getOperand(1)
                                            : add->getOperand(0);
  if (!llvm::is_contained(add->getOperands(), out))
    return refuse();
  auto mul = product.getDefiningOp<arith::MulFOp>();
  if (!mul || mul->getBlock() != &body ||
      !llvm::is_contained(mul->getOperands(), body.getArgument(0)) ||
      !llvm::is_contained(mul->getOperands(), body.getArgument(1)) ||
      std::distance(body.begin(), body.end()) != 3)
    return refuse();
  std::string equation;
  SmallVector<std::string> operands;
  for (auto [i, map] : llvm::enumerate(op.getIndexingMapsArray())) {
    if (!map.isProjectedPermutation(/*allowZeroInResults=*/false))
      return refuse();
    std::string subscripts;
    for (AffineExpr expr : map.getResults())
      subscripts.push_back(
          char('a' + cast<AffineDimExpr>(expr).getPosition()));
    if (i == 2)
      equation += "->" + subscripts;
    else
      equation += (i ? "," : "") + subscripts;
  }
  for (OpOperand *input : op.getDpsInputOperands()) {
    auto v = getValue(input->get(), op);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
  std::string name = node("Einsum", operands, [&](onnx::NodeProto &n) {
    setString(n, "equation", equation);
  });
  return bindAccumulated(op, op.getDpsInits()[0], name);
}

LogicalResult ONNXEmitter::bindAccumulated(Operation *op, Value init,
                                           std::string sum) {
  if (!isFillOf(init, 0)) {
    auto c = getValue(init, op);
    if (failed(c))
      return failure();
    sum = node("Add", {*c, sum});
  }
  bind(op->getResult(0), sum);
  return success();
}

LogicalResult ONNXEmitter::emitReduce(linalg::ReduceOp op) {
  if (op.getInputs().size() != 1)
    return op.emitError("the ONNX target maps single-input linalg.reduce "
                        "only");
  Block &body = op.getCombiner().front();
  auto ops = body.without_terminator();
  if (std::distance(ops.begin(), ops.end()) != 1)
    return op.emitError("the ONNX target maps a linalg.reduce whose body is "
                        "one combining op");
  Operation &combiner = *ops.begin();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (yield.getValues().size() != 1 ||
      yield.getValues()[0] != combiner.getResult(0) ||
      combiner.getNumOperands() != 2 ||
      !llvm::is_contained(combiner.getOperands(), body.getArgument(0)) ||
      !llvm::is_contained(combiner.getOperands(), body.getArgument(1)))
    return op.emitError("the ONNX target cannot map this reduction");
  Type elementType = body.getArgument(1).getType();
  bool isFloat = isa<FloatType>(elementType);
  StringRef reduceOp, combineOp;
  double identity;
  if (isa<arith::AddFOp, arith::AddIOp>(combiner)) {
    reduceOp = "ReduceSum";
    combineOp = "Add";
    identity = 0;
  } else if (isa<arith::MulFOp, arith::MulIOp>(combiner)) {
    reduceOp = "ReduceProd";
    combineOp = "Mul";
    identity = 1;
  } else if (isa<arith::MaximumFOp, arith::MaxSIOp>(combiner)) {
    reduceOp = "ReduceMax";
    combineOp = "Max";
    identity = isFloat ? -INFINITY : NAN;
  } else if (isa<arith::MinimumFOp, arith::MinSIOp>(combiner)) {
    reduceOp = "ReduceMin";
    combineOp = "Min";
    identity = isFloat ? INFINITY : NAN;
  } else {
    return combiner.emitError("the ONNX target cannot map a reduction by '")
           << combiner.getName() << "'";
  }
  auto in = getValue(op.getInputs()[0], op);
  if (failed(in))
    return failure();
  SmallVector<int64_t> dims(op.getDimensions());
  std::string name = node(reduceOp, {*in, int64s(dims)},
                          [](onnx::NodeProto &n) { setInt(n, "keepdims", 0); });
  Value init = op.getInits()[0];
  if (!isFillOf(init, identity)) {
    auto initValue = getValue(init, op);
    if (failed(initValue))
      return failure();
    name = node(combineOp, {*initValue, name});
  }
  bind(op.getResult(0), name);
  return success();
}

LogicalResult ONNXEmitter::emitContraction(Operation *op, Value lhs,
                                           Value rhs, Value init) {
  auto a = getValue(lhs, op);
  auto b = getValue(rhs, op);
  if (failed(a) || failed(b))
    return failure();
  return bindAccumulated(op, init, node("MatMul", {*a, *b}));
}

LogicalResult ONNXEmitter::emitConv(linalg::Conv2DNchwFchwOp op) {
  auto x = getValue(op.getInputs()[0], op);
  auto w = getValue(op.getInputs()[1], op);
  if (failed(x) || failed(w))
    return failure();
  SmallVector<int64_t> strides(op.getStrides().getValues<int64_t>());
  SmallVector<int64_t> dilations(op.getDilations().getValues<int64_t>());
  std::string name = node("Conv", {*x, *w}, [&](onnx::NodeProto &n) {
    setInts(n, "strides", strides);
    setInts(n, "dilations", dilations);
  });
  return bindAccumulated(op, op.getOutputs()[0], name);
}

LogicalResult ONNXEmitter::emitGroupedConv(linalg::Conv2DNgchwGfchwOp op) {
  // [N, G, C, H, W] and [G, F, C, KH, KW]: Conv with group=G on the
  // flattened channels, its [N, G*F, OH, OW] result reshaped back.
  auto x = getValue(op.getInputs()[0], op);
  auto w = getValue(op.getInputs()[1], op);
  if (failed(x) || failed(w))
    return failure();
  auto xType = cast<RankedTensorType>(op.getInputs()[0].getType());
  auto wType = cast<RankedTensorType>(op.getInputs()[1].getType());
  auto outType = cast<RankedTensorType>(op.getOutputs()[0].getType());
  if (!wType.hasStaticShape() ||
      llvm::any_of(xType.getShape().drop_front(), ShapedType::isDynamic))
    return op.emitError("the ONNX target maps a grouped convolution with "
                        "static channels and spatial dims only");
  ArrayRef<int64_t> ws = wType.getShape(), xs = xType.getShape(),
                    os = outType.getShape();
  // Reshape's 0 copies the (possibly dynamic) batch dim.
  std::string flatX =
      node("Reshape", {*x, int64s({0, xs[1] * xs[2], xs[3], xs[4]})});
  std::string flatW =
      node("Reshape", {*w, int64s({ws[0] * ws[1], ws[2], ws[3], ws[4]})});
  SmallVector<int64_t> strides(op.getStrides().getValues<int64_t>());
  SmallVector<int64_t> dilations(op.getDilations().getValues<int64_t>());
  std::string conv = node("Conv", {flatX, flatW}, [&](onnx::NodeProto &n) {
    setInts(n, "strides", strides);
    setInts(n, "dilations", dilations);
    setInt(n, "group", ws[0]);
  });
  std::string result =
      node("Reshape", {conv, int64s({0, os[1], os[2], os[3], os[4]})});
  return bindAccumulated(op, op.getOutputs()[0], result);
}

LogicalResult ONNXEmitter::emitPool(Operation *op, Value input, Value window,
                                    Value init, DenseIntElementsAttr strides,
                                    DenseIntElementsAttr dilations,
                                    bool isMax) {
  auto x = getValue(input, op);
  if (failed(x))
    return failure();
  auto windowType = cast<ShapedType>(window.getType());
  SmallVector<int64_t> kernel(windowType.getShape());
  SmallVector<int64_t> strideValues(strides.getValues<int64_t>());
  SmallVector<int64_t> dilationValues(dilations.getValues<int64_t>());
  if (!isMax) {
    if (llvm::any_of(dilationValues, [](int64_t d) { return d != 1; }))
      return op->emitError("the ONNX target maps a sum pooling without "
                           "dilation only");
    auto elementType = onnxElementType(
        cast<ShapedType>(input.getType()).getElementType());
    if (!elementType)
      return op->emitError("the ONNX target cannot map the element type of ")
             << input.getType();
    // The window sum: the window average times the window size.
    std::string average =
        node("AveragePool", {*x}, [&](onnx::NodeProto &n) {
          setInts(n, "kernel_shape", kernel);
          setInts(n, "strides", strideValues);
        });
    std::string sum =
        node("Mul", {average, scalar(*elementType,
                                     double(windowType.getNumElements()))});
    return bindAccumulated(op, init, sum);
  }
  std::string name = node("MaxPool", {*x}, [&](onnx::NodeProto &n) {
    setInts(n, "kernel_shape", kernel);
    setInts(n, "strides", strideValues);
    setInts(n, "dilations", dilationValues);
  });
  if (!isFillOf(init, -INFINITY)) {
    auto c = getValue(init, op);
    if (failed(c))
      return failure();
    name = node("Max", {*c, name});
  }
  bind(op->getResult(0), name);
  return success();
}

LogicalResult ONNXEmitter::emitConcat(tensor::ConcatOp op) {
  SmallVector<std::string> inputs;
  for (Value input : op.getInputs()) {
    auto v = getValue(input, op);
    if (failed(v))
      return failure();
    inputs.push_back(*v);
  }
  int64_t dim = op.getDim();
  bind(op.getResult(), node("Concat", inputs, [&](onnx::NodeProto &n) {
         setInt(n, "axis", dim);
       }));
  return success();
}

LogicalResult ONNXEmitter::emitExtractSlice(tensor::ExtractSliceOp op) {
  // One Slice per dim whose window is not the whole dim.
  if (op.getSourceType().getRank() != op.getResultType().getRank())
    return op.emitError("the ONNX target maps tensor.extract_slice without "
                        "rank reduction only");
  if (!op.hasUnitStride() ||
      llvm::any_of(op.getStaticOffsets(), ShapedType::isDynamic))
    return op.emitError("the ONNX target maps tensor.extract_slice with "
                        "static offsets and unit strides only");
  auto in = getValue(op.getSource(), op);
  if (failed(in))
    return failure();
  std::string value = *in;
  ArrayRef<int64_t> sourceShape = op.getSourceType().getShape();
  for (auto [d, size] : llvm::enumerate(op.getMixedSizes())) {
    int64_t offset = op.getStaticOffsets()[d];
    std::string end;
    if (auto dynamicSize = dyn_cast<Value>(size)) {
      auto length = getValue(dynamicSize, op);
      if (failed(length))
        return failure();
      end = offset == 0 ? *length : node("Add", {*length, int64s({offset})});
    } else {
      int64_t staticSize = *getConstantIntValue(size);
      if (offset == 0 && staticSize == sourceShape[d])
        continue;
      end = int64s({offset + staticSize});
    }
    value = node("Slice", {value, int64s({offset}), end,
                           int64s({int64_t(d)})});
  }
  bind(op.getResult(), value);
  return success();
}

LogicalResult ONNXEmitter::emitBroadcast(linalg::BroadcastOp op) {
  auto in = getValue(op.getInput(), op);
  auto shape = getShape(op.getInit(), op);
  if (failed(in) || failed(shape))
    return failure();
  SmallVector<int64_t> dims(op.getDimensions());
  std::string view = *in;
  if (!dims.empty())
    view = node("Unsqueeze", {view, int64s(dims)});
  bind(op.getResult()[0], node("Expand", {view, *shape}));
  return success();
}

LogicalResult ONNXEmitter::emitPad(tensor::PadOp op) {
  Value padValue = op.getConstantPaddingValue();
  if (!padValue)
    return op.emitError("the ONNX target maps tensor.pad with a constant "
                        "padding value only");
  auto low = op.getStaticLow();
  auto high = op.getStaticHigh();
  if (llvm::any_of(low, ShapedType::isDynamic) ||
      llvm::any_of(high, ShapedType::isDynamic) ||
      llvm::any_of(low, [](int64_t v) { return v < 0; }) ||
      llvm::any_of(high, [](int64_t v) { return v < 0; }))
    return op.emitError("the ONNX target maps static, non-negative padding "
                        "only");
  auto in = getValue(op.getSource(), op);
  auto value = getValue(padValue, op);
  if (failed(in) || failed(value))
    return failure();
  SmallVector<int64_t> pads(low.begin(), low.end());
  pads.append(high.begin(), high.end());
  bind(op.getResult(), node("Pad", {*in, int64s(pads), *value}));
  return success();
}

/// collapse_shape, expand_shape and reshape keep the row-major order of the
/// elements: Reshape to the result shape, a dynamic dim given by its size
/// where the IR has one, else by -1 (one at most).
LogicalResult ONNXEmitter::emitReshapeLike(Operation *op, Value source,
                                           Value result) {
  auto in = getValue(source, op);
  if (failed(in))
    return failure();
  auto type = cast<RankedTensorType>(result.getType());
  if (llvm::is_contained(type.getShape(), 0))
    return op->emitError("the ONNX target cannot reshape to a shape with a "
                         "zero dim");
  SmallVector<OpFoldResult> mixed;
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op))
    mixed = expand.getMixedOutputShape();
  SmallVector<std::string> parts;
  SmallVector<int64_t> staticRun;
  unsigned unknown = 0;
  auto flush = [&]() {
    if (!staticRun.empty())
      parts.push_back(int64s(staticRun));
    staticRun.clear();
  };
  for (auto [i, d] : llvm::enumerate(type.getShape())) {
    if (!ShapedType::isDynamic(d)) {
      staticRun.push_back(d);
      continue;
    }
    std::optional<Value> size;
    if (!mixed.empty())
      if (auto v = dyn_cast<Value>(mixed[i]))
        size = v;
    if (auto reshape = dyn_cast<tensor::ReshapeOp>(op))
      if (auto from =
              reshape.getShape().getDefiningOp<tensor::FromElementsOp>())
        size = from.getElements()[i];
    if (size) {
      auto v = getValue(*size, op);
      if (failed(v))
        return failure();
      flush();
      parts.push_back(*v);
      continue;
    }
    staticRun.push_back(-1);
    ++unknown;
  }
  if (unknown > 1)
    return op->emitError("the ONNX target cannot map a reshape with more "
                         "than one unknown dim");
  flush();
  std::string shape;
  if (parts.empty())
    shape = int64s({});
  else if (parts.size() == 1)
    shape = parts[0];
  else
    shape = node("Concat", parts,
                 [](onnx::NodeProto &n) { setInt(n, "axis", 0); });
  bind(result, node("Reshape", {*in, shape}));
  return success();
}

/// The entry functions of `module`: layer functions that no ternary.call
/// names, in module order.
SmallVector<std::pair<LayerOp, func::FuncOp>> getEntries(ModuleOp module) {
  llvm::StringSet<> called;
  module.walk([&](CallOp call) {
    SymbolRefAttr callee = call.getCallee();
    if (callee.getNestedReferences().empty()) {
      auto layer = call->getParentOfType<LayerOp>();
      called.insert((layer.getSymName() + "::" +
                     callee.getRootReference().getValue())
                        .str());
    } else {
      called.insert((callee.getRootReference().getValue() + "::" +
                     callee.getLeafReference().getValue())
                        .str());
    }
  });
  SmallVector<std::pair<LayerOp, func::FuncOp>> entries;
  for (auto layer : module.getOps<LayerOp>())
    for (auto func : layer.getBodyBlock().getOps<func::FuncOp>())
      if (!called.contains(
              (layer.getSymName() + "::" + func.getSymName()).str()) &&
          !func.isPrivate())
        entries.push_back({layer, func});
  return entries;
}

std::string serialize(const onnx::ModelProto &model) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    model.SerializeToCodedStream(&coded);
  }
  return out;
}

} // namespace

LogicalResult tritondsl::emitONNXModels(ModuleOp module, ONNXProfile profile,
                                        ONNXActivations activations,
                                        SmallVectorImpl<TargetFile> &files) {
  for (Operation &op : module.getBody()->getOperations())
    if (!isa<LayerOp>(op))
      return op.emitError("the ONNX target maps only ternary.layer at module "
                          "level, not ")
             << op.getName();
  if (profile == ONNXProfile::Standard &&
      activations == ONNXActivations::Int8)
    return emitError(module.getLoc(), "int8 activations (MatMulNBits "
                                      "accuracy_level=4) need the ort profile");
  auto entries = getEntries(module);
  if (entries.empty()) {
    auto layers = module.getOps<LayerOp>();
    Operation *at = layers.empty() ? module.getOperation()
                                   : (*layers.begin()).getOperation();
    return at->emitError("the ONNX target found no layer function to export "
                         "(every function is called by another)");
  }
  SmallVector<TargetFile> written;
  for (auto [layer, func] : entries) {
    onnx::ModelProto model;
    ONNXEmitter emitter(module, profile, activations);
    if (failed(emitter.emitModel(layer, func, model)))
      return failure();
    TargetFile &file = written.emplace_back();
    if (entries.size() > 1)
      file.name = (layer.getSymName() + "." + func.getSymName() + ".onnx").str();
    file.contents = serialize(model);
  }
  files.append(written.begin(), written.end());
  return success();
}
