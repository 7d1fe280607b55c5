//===- TranslateToPyTorch.cpp - Ternary IR to PyTorch nn.Module source ----===//
//
// Prints a module of `ternary.layer`s as a Python file: one nn.Module class
// per layer, packed params as uint8 buffers, float params as nn.Parameters,
// callees as child modules, and one Python statement per op of each
// function. Modelled on MLIR's C++ emitter (lib/Target/Cpp): the emitter
// keeps a value->expression map, has one printer per op, and refuses what it
// cannot print exactly with an error at the op's location.
//
// Values that need no statement of their own are kept lazily: scalar
// constants are literals, `tensor.empty` is only a shape and `linalg.fill`
// only a shape and a value, until an op needs them as tensors. Packed values
// are either bytes (a param or constant, with the type's shape and layout)
// or trits (int8, e.g. from `ternary.pack`): the value never depends on the
// layout, so `pack` and `relayout` need no packing code at run time.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Target/PyTorch/PyTorchEmitter.h"

#include "tritondsl/Dialect/Ternary/IR/TernaryOps.h"
#include "tritondsl/Target/TensorPatterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Tools/mlir-translate/Translation.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Format.h"

#include <cstring>
#include <optional>

using namespace mlir;
using namespace mlir::ternary;

namespace {

/// black's default line length: the emitter wraps calls as black does so
/// that the output is already formatted.
constexpr unsigned kLineLength = 88;

/// The fixed part of every generated file: imports, the runtime-op lookup
/// and the pure-PyTorch helpers, kPyTorchRuntime, embedded at build time
/// from pytorch_runtime.py (formatted with black/ruff, checked by
/// test/Target/PyTorch/runtime-lint.test and format.test).
#include "PyTorchRuntime.inc"

/// Printed after the runtime when a layer calls another: the one module of
/// each called layer, kept in the dict `_shared` that the outermost module
/// creates and every layer hands to its callees.
constexpr const char *kSharedLayerHelper = R"py(

def _shared_layer(shared, layer_class):
    """The module of layer_class in shared (layer name -> module), built with
    the same dict on first use: a layer has one set of params, however many
    layers call it."""
    name = layer_class.__name__
    if name not in shared:
        shared[name] = layer_class(_shared=shared)
    return shared[name]
)py";

/// How a packed value is held by the generated code.
struct PackedValue {
  enum Kind { Bytes, Trits } kind;
  std::string expr;
};

/// A 2-D convolution printed as one torch.nn.functional.conv2d call: the
/// ternary filter `unpack` -> `dequantize` of packed bytes becomes
/// `_ternary_filter(...)` (the runtime's cached float filter, with the
/// scale folded in: the dequantize's own, or the elementwise `* scale` that
/// follows the convolution), and an elementwise `+ bias` per output channel
/// after it becomes conv2d's `bias=`. The ops it covers print nothing
/// (elidedOps); the statement is printed at `anchor`, the last of them.
/// A grouped convolution (conv_2d_ngchw_gfchw between the expand_shapes of
/// its input and filter and the collapse_shape of its result, as the front
/// end writes it) is conv2d's `groups=` on the 4-D input and filter.
struct ConvFusion {
  Operation *conv = nullptr;
  Operation *anchor = nullptr;
  /// The 4-D NCHW input (before a zero pad that is conv2d's `padding`) and
  /// the 4-D float filter [G*F, C, KH, KW] (when not packedFilter).
  Value input, filter;
  SmallVector<int64_t> padding;
  int64_t groups = 1;
  DenseIntElementsAttr strides, dilations;
  /// The ternary filter: the unpack's packed operand and the scale (null
  /// for a unit scale); unset when the filter prints as it is.
  Value packedFilter, scale;
  /// The bias (null when none) and whether it is [F, 1, 1] (else [F]).
  Value bias;
  bool biasIsChannelColumn = false;
};

class PyTorchEmitter {
public:
  explicit PyTorchEmitter(raw_ostream &os) : os(os) {}

  LogicalResult emitModule(ModuleOp moduleOp);

private:
  // Layers and functions.
  LogicalResult emitLayer(LayerOp layer);
  /// Prints the class attribute TERNARY_PARAMS (shape, encoding, axis of
  /// each packed param), when the layer has packed params.
  void emitTernaryParamTable(LayerOp layer);
  /// The layers `layer` calls directly, in order of first call (computed
  /// once per layer).
  ArrayRef<StringRef> getCalledLayers(LayerOp layer);
  /// Refuses calls of what is not a layer and layers that reach themselves
  /// through calls. Each layer is searched once per module: checking every
  /// layer is linear in the size of the call graph.
  LogicalResult checkCallGraph(LayerOp layer);
  LayerOp lookupLayer(StringRef name) {
    return dyn_cast_or_null<LayerOp>(symbolTable->lookup(name));
  }
  LogicalResult emitFunction(func::FuncOp func);
  LogicalResult emitParam(ParamOp param, llvm::StringSet<> &attrNames);
  LogicalResult printOperation(Operation *op);

  // Op printers, one per op (or family of elementwise ops).
  LogicalResult printConstant(arith::ConstantOp op);
  LogicalResult printElementwise(Operation *op);
  LogicalResult printGetParam(GetParamOp op);
  LogicalResult printTernaryConstant(ternary::ConstantOp op);
  LogicalResult printMatmul(ternary::MatmulOp op);
  LogicalResult printQuantize(QuantizeOp op);
  LogicalResult printDequantize(DequantizeOp op);
  LogicalResult printCall(CallOp op);
  LogicalResult printReturn(func::ReturnOp op);
  LogicalResult printGeneric(linalg::GenericOp op);
  LogicalResult printEinsum(linalg::GenericOp op);
  LogicalResult printReduce(linalg::ReduceOp op);
  LogicalResult printContraction(Operation *op, Value lhs, Value rhs,
                                 Value init);
  LogicalResult printConv(linalg::Conv2DNchwFchwOp op);
  /// Finds the convolutions of `func` that print as one conv2d call with
  /// their filter's scale folded in and their bias as conv2d's `bias=`
  /// (ConvFusion); fills convFusions and elidedOps.
  void planConvFusions(func::FuncOp func);
  LogicalResult printFusedConv(const ConvFusion &fusion);
  LogicalResult printGroupedConv(linalg::Conv2DNgchwGfchwOp op);
  LogicalResult printPool(Operation *op, Value input, Value window, Value init,
                          DenseIntElementsAttr strides,
                          DenseIntElementsAttr dilations, bool isMax);
  LogicalResult printConcat(tensor::ConcatOp op);
  LogicalResult printExtractSlice(tensor::ExtractSliceOp op);
  LogicalResult printBroadcast(linalg::BroadcastOp op);
  LogicalResult printPad(tensor::PadOp op);
  LogicalResult printReshapeLike(Operation *op, Value source, Value result);

  // Values.
  std::string newName() { return "v" + std::to_string(nextValueId++); }
  /// The expression of `value` as a tensor (or scalar) operand;
  /// materializes a lazy tensor.empty / linalg.fill with a statement.
  FailureOr<std::string> getExpr(Value value, Operation *user);
  FailureOr<std::string> getTensorExpr(Value value, Operation *user);
  FailureOr<std::string> getShapeExpr(Value value, Operation *user);
  FailureOr<PackedValue> getPacked(Value value, Operation *user);
  bool isScalarLiteral(Value value) { return scalarLiterals.contains(value); }
  /// `init` is a linalg.fill of the constant `identity` (so combining it
  /// with a result changes nothing).
  bool isFillOf(Value init, double identity);
  void bind(Value value, std::string expr) { names[value] = std::move(expr); }

  // Output helpers.
  void line(const Twine &text) {
    os.indent(indent) << text << "\n";
  }
  /// `lhs = callee(args...)`, wrapped as black wraps a call.
  void callLine(StringRef lhs, StringRef callee, ArrayRef<std::string> args);
  std::string hexTensor(ElementsAttr attr, Type elementType, Operation *op,
                        bool &ok);
  void emitFromHex(StringRef registerLine, StringRef attrName,
                   const std::string &hex, StringRef dtype,
                   ArrayRef<int64_t> shape, bool persistent);

  raw_ostream &os;
  unsigned indent = 0;
  unsigned nextValueId = 0;
  unsigned nextConstId = 0;
  llvm::DenseMap<Value, std::string> names;
  llvm::DenseSet<Value> scalarLiterals;
  llvm::DenseMap<Value, PackedValue> packed;
  /// Convolutions printed with their scale and bias (planConvFusions), by
  /// the op that prints them, and the ops whose statements they replace.
  llvm::DenseMap<Operation *, ConvFusion> convFusions;
  llvm::DenseSet<Operation *> elidedOps;
  /// Statements of __init__ for constants found in function bodies.
  std::string constInit;
  LayerOp currentLayer;
  /// The module being printed and its symbols (to look layers up by name).
  ModuleOp module;
  std::optional<SymbolTable> symbolTable;
  llvm::StringMap<SmallVector<StringRef>> calledLayers;
  /// Layers called by another layer: built through _shared_layer.
  llvm::StringSet<> sharedLayers;
  /// Layers checkCallGraph has searched (done) or is searching (on path).
  llvm::StringSet<> checkedLayers, layersOnPath;
};

//===----------------------------------------------------------------------===//
// Types, literals and names
//===----------------------------------------------------------------------===//

std::optional<StringRef> torchDType(Type type) {
  if (type.isF32())
    return StringRef("torch.float32");
  if (type.isF64())
    return StringRef("torch.float64");
  if (type.isF16())
    return StringRef("torch.float16");
  if (type.isBF16())
    return StringRef("torch.bfloat16");
  if (type.isIndex())
    return StringRef("torch.int64");
  if (auto i = dyn_cast<IntegerType>(type)) {
    if (i.getWidth() == 1)
      return StringRef("torch.bool");
    if (i.isUnsigned() && i.getWidth() == 8)
      return StringRef("torch.uint8");
    if (i.isUnsigned())
      return std::nullopt;
    switch (i.getWidth()) {
    case 8:
      return StringRef("torch.int8");
    case 16:
      return StringRef("torch.int16");
    case 32:
      return StringRef("torch.int32");
    case 64:
      return StringRef("torch.int64");
    default:
      return std::nullopt;
    }
  }
  return std::nullopt;
}

/// Python's repr of a float: the shortest digits that read back exactly
/// (as an f32 when `isF32`: torch rounds a Python scalar to the tensor's
/// dtype), positional for 1e-4 <= |x| < 1e16, else with an exponent.
std::string floatLiteral(double value, bool isF32 = false) {
  if (std::isnan(value))
    return "float(\"nan\")";
  if (std::isinf(value))
    return value > 0 ? "float(\"inf\")" : "-float(\"inf\")";
  char buf[64];
  int precision = 1;
  for (; precision < 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*e", precision - 1, value);
    double back = std::strtod(buf, nullptr);
    if (isF32 ? (float)back == (float)value : back == value)
      break;
  }
  std::snprintf(buf, sizeof(buf), "%.*e", precision - 1, value);
  std::string text(buf);
  int exponent = std::atoi(text.c_str() + text.find('e') + 1);
  if (exponent < -4 || exponent >= 16)
    return text; // C's %e exponent form is Python's: e-05, e+16
  std::snprintf(buf, sizeof(buf), "%.*f", std::max(precision - 1 - exponent, 0),
                value);
  text = buf;
  if (text.find('.') == std::string::npos)
    text += ".0";
  return text;
}

/// A Python literal for a scalar attribute; std::nullopt if it has none.
std::optional<std::string> scalarLiteral(Attribute attr) {
  if (auto f = dyn_cast<FloatAttr>(attr))
    return floatLiteral(f.getValueAsDouble(), f.getType().isF32());
  if (auto i = dyn_cast<IntegerAttr>(attr)) {
    if (i.getType().isInteger(1))
      return std::string(i.getValue().isZero() ? "False" : "True");
    if (isa<IndexType>(i.getType()) || i.getType().isSignlessInteger() ||
        i.getType().isSignedInteger())
      return std::to_string(i.getValue().getSExtValue());
    return std::to_string(i.getValue().getZExtValue());
  }
  return std::nullopt;
}

std::string tupleOf(ArrayRef<std::string> items) {
  if (items.size() == 1)
    return "(" + items[0] + ",)";
  return "(" + llvm::join(items, ", ") + ")";
}

std::string tupleOf(ArrayRef<int64_t> values) {
  SmallVector<std::string> items;
  for (int64_t v : values)
    items.push_back(std::to_string(v));
  return tupleOf(items);
}

/// Attribute names an nn.Module already uses (or Python reserves): a param
/// or child module of such a name would break the class.
bool isReservedName(StringRef name) {
  static const llvm::StringSet<> reserved = {
      "False", "None", "True", "and", "as", "assert", "async", "await",
      "break", "class", "continue", "def", "del", "elif", "else", "except",
      "finally", "for", "from", "global", "if", "import", "in", "is",
      "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
      "while", "with", "yield", "training", "forward", "parameters",
      "buffers", "children", "modules", "state_dict", "load_state_dict",
      "to", "cuda", "cpu", "train", "eval", "apply", "float", "double",
      "half", "type", "zero_grad", "register_buffer", "register_parameter",
      "add_module", "named_parameters", "named_buffers", "named_children",
      "named_modules", "requires_grad_", "extra_repr", "get_submodule",
      "get_parameter", "get_buffer", "dump_patches", "call_super_init",
      "torch", "nn", "self"};
  return reserved.contains(name) || name.starts_with("_");
}

bool isPythonIdentifier(StringRef name) {
  if (name.empty() || !(llvm::isAlpha(name[0]) || name[0] == '_'))
    return false;
  return llvm::all_of(name, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

//===----------------------------------------------------------------------===//
// Output helpers
//===----------------------------------------------------------------------===//

void PyTorchEmitter::callLine(StringRef lhs, StringRef callee,
                              ArrayRef<std::string> args) {
  std::string head = lhs.empty() ? callee.str() : (lhs + " = " + callee).str();
  std::string joined = llvm::join(args, ", ");
  if (indent + head.size() + joined.size() + 2 <= kLineLength) {
    line(head + "(" + joined + ")");
    return;
  }
  // When `lhs = callee(` itself is too long, black wraps the right-hand
  // side in parentheses, if that lets `callee(` fit on a line of its own.
  if (!lhs.empty() && indent + head.size() + 1 > kLineLength &&
      indent + lhs.size() + 4 <= kLineLength &&
      indent + 4 + callee.size() + 1 <= kLineLength) {
    line(lhs + " = (");
    indent += 4;
    callLine("", callee, args);
    indent -= 4;
    line(")");
    return;
  }
  line(head + "(");
  if (indent + 4 + joined.size() <= kLineLength) {
    os.indent(indent + 4) << joined << "\n";
  } else {
    for (const std::string &arg : args)
      os.indent(indent + 4) << arg << ",\n";
  }
  line(")");
}

/// Whether `op` only gives tensor.reshape ops their shape operand. Such a
/// shape is not printed: printReshapeLike reads the sizes from the result
/// type, or from the elements of a tensor.from_elements.
static bool isOnlyReshapeShape(Operation *op) {
  return !op->use_empty() && llvm::all_of(op->getUses(), [](OpOperand &use) {
    auto reshape = dyn_cast<tensor::ReshapeOp>(use.getOwner());
    return reshape && use.get() == reshape.getShape();
  });
}

std::string PyTorchEmitter::hexTensor(ElementsAttr attr, Type elementType,
                                      Operation *op, bool &ok) {
  ok = true;
  std::string hex;
  llvm::raw_string_ostream out(hex);
  auto writeBytes = [&](uint64_t bits, unsigned width) {
    for (unsigned b = 0; b < width / 8; ++b)
      out << llvm::format_hex_no_prefix((bits >> (8 * b)) & 0xff, 2);
  };
  if (isa<FloatType>(elementType)) {
    unsigned width = elementType.getIntOrFloatBitWidth();
    auto values = attr.tryGetValues<APFloat>();
    if (!values) {
      ok = false;
      return hex;
    }
    for (APFloat v : *values)
      writeBytes(v.bitcastToAPInt().getZExtValue(), width);
    return hex;
  }
  // index elements are torch.int64 (torchDType); i1 are bytes (torch.bool).
  unsigned width =
      elementType.isIndex() ? 64 : elementType.getIntOrFloatBitWidth();
  if (width == 1)
    width = 8;
  if (auto bytes = attr.tryGetValues<uint8_t>(); bytes &&
                                                 width == 8) {
    for (uint8_t v : *bytes)
      writeBytes(v, 8);
    return hex;
  }
  auto values = attr.tryGetValues<APInt>();
  if (!values) {
    ok = false;
    return hex;
  }
  for (APInt v : *values)
    writeBytes(v.zextOrTrunc(64).getZExtValue(), width);
  (void)op;
  return hex;
}

/// Prints `self.register_buffer("name", _from_hex(...))` (or the
/// nn.Parameter form when `registerLine` is "param") in black's exploded
/// form: one call per line, hex digits in chunks, magic trailing commas.
void PyTorchEmitter::emitFromHex(StringRef registerLine, StringRef attrName,
                                 const std::string &hex, StringRef dtype,
                                 ArrayRef<int64_t> shape, bool persistent) {
  unsigned inner = indent + 8;
  // Chunks of whole bytes that keep the quoted line within the limit.
  size_t chunk = ((kLineLength - inner - 2) / 2) * 2;
  auto printDigits = [&](unsigned at) {
    if (hex.empty()) {
      os.indent(at) << "\"\",\n";
      return;
    }
    for (size_t i = 0; i < hex.size(); i += chunk) {
      os.indent(at) << "\"" << hex.substr(i, chunk) << "\"";
      os << (i + chunk >= hex.size() ? ",\n" : "\n");
    }
  };
  if (registerLine == "param") {
    line("self." + attrName + " = nn.Parameter(");
    os.indent(indent + 4) << "_from_hex(\n";
    printDigits(indent + 8);
    os.indent(indent + 8) << dtype << ",\n";
    os.indent(indent + 8) << tupleOf(shape) << ",\n";
    os.indent(indent + 4) << ")\n";
    line(")");
    return;
  }
  line("self.register_buffer(");
  os.indent(indent + 4) << "\"" << attrName << "\",\n";
  os.indent(indent + 4) << "_from_hex(\n";
  printDigits(indent + 8);
  os.indent(indent + 8) << dtype << ",\n";
  os.indent(indent + 8) << tupleOf(shape) << ",\n";
  os.indent(indent + 4) << "),\n";
  if (!persistent)
    os.indent(indent + 4) << "persistent=False,\n";
  line(")");
}

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

FailureOr<std::string> PyTorchEmitter::getExpr(Value value, Operation *user) {
  auto it = names.find(value);
  if (it != names.end())
    return it->second;
  Operation *def = value.getDefiningOp();
  if (def && isa<tensor::EmptyOp, linalg::FillOp>(def)) {
    auto type = cast<RankedTensorType>(value.getType());
    auto dtype = torchDType(type.getElementType());
    auto shape = getShapeExpr(value, user);
    if (failed(shape) || !dtype)
      return user->emitError("the PyTorch target cannot materialize ")
             << value.getType();
    std::string name = newName();
    if (auto fill = dyn_cast<linalg::FillOp>(def)) {
      auto fillValue = getExpr(fill.getInputs()[0], user);
      if (failed(fillValue))
        return failure();
      callLine(name, "torch.full",
               {*shape, *fillValue, ("dtype=" + *dtype).str()});
    } else {
      callLine(name, "torch.empty", {*shape, ("dtype=" + *dtype).str()});
    }
    bind(value, name);
    return name;
  }
  return user->emitError("the PyTorch target has no value for an operand of "
                         "this op");
}

FailureOr<std::string> PyTorchEmitter::getTensorExpr(Value value,
                                                     Operation *user) {
  auto expr = getExpr(value, user);
  if (failed(expr) || !isScalarLiteral(value))
    return expr;
  auto dtype = torchDType(getElementTypeOrSelf(value.getType()));
  if (!dtype)
    return user->emitError("the PyTorch target cannot print type ")
           << value.getType();
  return ("torch.tensor(" + *expr + ", dtype=" + *dtype + ")").str();
}

FailureOr<std::string> PyTorchEmitter::getShapeExpr(Value value,
                                                    Operation *user) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type)
    return user->emitError("the PyTorch target needs a ranked tensor here");
  Operation *def = value.getDefiningOp();
  if (!names.count(value) && def) {
    if (auto fill = dyn_cast<linalg::FillOp>(def))
      return getShapeExpr(fill.getOutputs()[0], user);
    if (auto empty = dyn_cast<tensor::EmptyOp>(def)) {
      SmallVector<std::string> dims;
      unsigned dynamic = 0;
      for (int64_t d : type.getShape()) {
        if (!ShapedType::isDynamic(d)) {
          dims.push_back(std::to_string(d));
          continue;
        }
        auto size = getExpr(empty.getDynamicSizes()[dynamic++], user);
        if (failed(size))
          return failure();
        dims.push_back(*size);
      }
      return tupleOf(dims);
    }
  }
  auto expr = getExpr(value, user);
  if (failed(expr))
    return failure();
  if (type.hasStaticShape())
    return tupleOf(type.getShape());
  return "tuple(" + *expr + ".shape)";
}

FailureOr<PackedValue> PyTorchEmitter::getPacked(Value value,
                                                 Operation *user) {
  auto it = packed.find(value);
  if (it == packed.end())
    return user->emitError("the PyTorch target has no value for this packed "
                           "operand");
  return it->second;
}

bool PyTorchEmitter::isFillOf(Value init, double identity) {
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

//===----------------------------------------------------------------------===//
// Module, layers, params
//===----------------------------------------------------------------------===//

LogicalResult PyTorchEmitter::emitModule(ModuleOp moduleOp) {
  module = moduleOp;
  symbolTable.emplace(module);
  for (Operation &op : module.getBody()->getOperations()) {
    if (!isa<LayerOp>(op))
      return op.emitError("the PyTorch target prints only ternary.layer at "
                          "module level, not ")
             << op.getName();
  }
  os << "# Generated by the Triton DSL compiler (PyTorch target): one "
        "nn.Module per layer.\n"
        "# Needs only torch; uses torch.ops.triton_dsl.ternary_matmul when "
        "it is registered.\n"
     << kPyTorchRuntime;
  for (auto layer : module.getOps<LayerOp>())
    for (StringRef child : getCalledLayers(layer))
      sharedLayers.insert(child);
  if (!sharedLayers.empty())
    os << kSharedLayerHelper;
  for (auto layer : module.getOps<LayerOp>())
    if (failed(emitLayer(layer)))
      return failure();
  return success();
}

LogicalResult PyTorchEmitter::emitParam(ParamOp param,
                                        llvm::StringSet<> &attrNames) {
  StringRef name = param.getSymName();
  if (!isPythonIdentifier(name) || isReservedName(name) ||
      !attrNames.insert(name).second)
    return param.emitError("the PyTorch target cannot name a module "
                           "attribute '")
           << name << "'";
  Type type = param.getType();
  auto init = param.getInitialValueAttr();
  if (auto packedType = dyn_cast<PackedTensorType>(type)) {
    auto bytes = packedType.getStorageBytes();
    if (!bytes)
      return param.emitError("the PyTorch target needs a static shape for "
                             "packed param '")
             << name << "'";
    if (init) {
      // Dense literals and dense_resource blobs (weights files) alike.
      SmallVector<uint8_t> storage;
      std::optional<ArrayRef<uint8_t>> raw = getPackedBytes(init, storage);
      if (!raw)
        return param.emitError("the PyTorch target cannot read the initial "
                               "bytes of '")
               << name << "'";
      std::string hex;
      hex.reserve(2 * raw->size());
      llvm::raw_string_ostream hexStream(hex);
      for (uint8_t byte : *raw)
        hexStream << llvm::format_hex_no_prefix(byte, 2);
      emitFromHex("buffer", name, hex, "torch.uint8", {*bytes}, true);
      return success();
    }
    // Zero trits: a valid, neutral value until weights are loaded.
    unsigned zero =
        packedType.getEncoding() == Encoding::offset2 ? 0x55 : 121;
    callLine("", "self.register_buffer",
             {"\"" + name.str() + "\"",
              "torch.full((" + std::to_string(*bytes) + ",), " +
                  std::to_string(zero) + ", dtype=torch.uint8)"});
    return success();
  }
  auto tensorType = dyn_cast<RankedTensorType>(type);
  auto dtype = tensorType ? torchDType(tensorType.getElementType())
                          : std::nullopt;
  if (!tensorType || !tensorType.hasStaticShape() || !dtype)
    return param.emitError("the PyTorch target cannot print param '")
           << name << "' of type " << type;
  bool isFloat = isa<FloatType>(tensorType.getElementType());
  std::string shape = tupleOf(tensorType.getShape());
  if (init) {
    auto dense = dyn_cast<DenseElementsAttr>(init);
    std::string value;
    if (dense && dense.isSplat()) {
      auto literal = scalarLiteral(dense.getSplatValue<Attribute>());
      if (!literal)
        return param.emitError("the PyTorch target cannot print the initial "
                               "value of '")
               << name << "'";
      value = "torch.full(" + shape + ", " + *literal + ", dtype=" +
              dtype->str() + ")";
    } else {
      bool ok;
      std::string hex =
          hexTensor(init, tensorType.getElementType(), param, ok);
      if (!ok)
        return param.emitError("the PyTorch target cannot read the initial "
                               "value of '")
               << name << "'";
      if (isFloat)
        emitFromHex("param", name, hex, *dtype, tensorType.getShape(), true);
      else
        emitFromHex("buffer", name, hex, *dtype, tensorType.getShape(), true);
      return success();
    }
    if (isFloat)
      callLine("self." + name.str(), "nn.Parameter", {value});
    else
      callLine("", "self.register_buffer", {"\"" + name.str() + "\"", value});
    return success();
  }
  std::string zeros =
      "torch.zeros(" + shape + ", dtype=" + dtype->str() + ")";
  if (isFloat)
    callLine("self." + name.str(), "nn.Parameter", {zeros});
  else
    callLine("", "self.register_buffer", {"\"" + name.str() + "\"", zeros});
  return success();
}

ArrayRef<StringRef> PyTorchEmitter::getCalledLayers(LayerOp layer) {
  auto [entry, inserted] = calledLayers.try_emplace(layer.getSymName());
  SmallVector<StringRef> &children = entry->second;
  if (!inserted)
    return children;
  layer.walk([&](CallOp call) {
    SymbolRefAttr callee = call.getCallee();
    if (callee.getNestedReferences().empty())
      return;
    StringRef child = callee.getRootReference();
    if (!llvm::is_contained(children, child))
      children.push_back(child);
  });
  return children;
}

LogicalResult PyTorchEmitter::checkCallGraph(LayerOp root) {
  // Depth-first with an explicit stack (call chains may be thousands of
  // layers deep): a child on the current path is a recursion.
  if (checkedLayers.contains(root.getSymName()))
    return success();
  SmallVector<std::pair<LayerOp, unsigned>> stack = {{root, 0}};
  layersOnPath.insert(root.getSymName());
  while (!stack.empty()) {
    LayerOp current = stack.back().first;
    ArrayRef<StringRef> children = getCalledLayers(current);
    unsigned next = stack.back().second++;
    if (next == children.size()) {
      layersOnPath.erase(current.getSymName());
      checkedLayers.insert(current.getSymName());
      stack.pop_back();
      continue;
    }
    StringRef child = children[next];
    if (layersOnPath.contains(child))
      return current.emitError("the PyTorch target cannot emit recursive "
                               "layers ('")
             << current.getSymName() << "' calls '" << child
             << "', which is already on the call path)";
    if (checkedLayers.contains(child))
      continue;
    LayerOp callee = lookupLayer(child);
    if (!callee)
      return current.emitError("'") << child << "' is not a layer";
    layersOnPath.insert(child);
    stack.push_back({callee, 0});
  }
  return success();
}

void PyTorchEmitter::emitTernaryParamTable(LayerOp layer) {
  // What a user (or triton_dsl.from_fx) needs to fill a packed buffer:
  // the logical shape, the encoding and the packed axis of each one.
  SmallVector<std::string> entries;
  for (auto param : layer.getBodyBlock().getOps<ParamOp>()) {
    auto type = dyn_cast<PackedTensorType>(param.getType());
    if (!type)
      continue;
    entries.push_back("\"" + param.getSymName().str() + "\": (" +
                      tupleOf(type.getShape()) + ", \"" +
                      stringifyEncoding(type.getEncoding()).str() + "\", " +
                      std::to_string(type.getPackedAxis()) + ")");
  }
  if (entries.empty())
    return;
  line("# Packed ternary params: name -> (shape, encoding, packed axis).");
  std::string joined = "TERNARY_PARAMS = {" + llvm::join(entries, ", ") + "}";
  if (indent + joined.size() <= kLineLength) {
    line(joined);
  } else {
    line("TERNARY_PARAMS = {");
    for (const std::string &entry : entries)
      os.indent(indent + 4) << entry << ",\n";
    line("}");
  }
  os << "\n";
}

LogicalResult PyTorchEmitter::emitLayer(LayerOp layer) {
  currentLayer = layer;
  StringRef layerName = layer.getSymName();
  if (!isPythonIdentifier(layerName) || isReservedName(layerName))
    return layer.emitError("the PyTorch target cannot name a class '")
           << layerName << "'";
  // Every layer has one set of params, shared by all its calls: the
  // outermost module creates a dict `_shared` (layer name -> module) and
  // every layer that calls or is called takes it, and gets its callees
  // from it with _shared_layer (built on first use). Each __init__ names
  // only its direct callees, so the file grows linearly with the program,
  // however deep the calls go. (`_shared` and `_shared_layer` cannot be a
  // layer's name: those never start with '_'.)
  ArrayRef<StringRef> children = getCalledLayers(layer);
  if (failed(checkCallGraph(layer)))
    return failure();
  // black moves the base class to a line of its own when the header is long.
  if (layerName.size() + std::strlen("class (nn.Module):") <= kLineLength)
    os << "\n\nclass " << layerName << "(nn.Module):\n";
  else
    os << "\n\nclass " << layerName << "(\n    nn.Module\n):\n";
  indent = 4;
  line("\"\"\"ternary.layer @" + layerName + ".\"\"\"");
  os << "\n";
  emitTernaryParamTable(layer);
  line(children.empty() && !sharedLayers.contains(layerName)
           ? "def __init__(self):"
           : "def __init__(self, *, _shared=None):");
  indent = 8;
  line("super().__init__()");
  // Packed bytes are checked once, when they are loaded (the runtime op
  // does not check them at each call).
  if (llvm::any_of(layer.getBodyBlock().getOps<ParamOp>(), [](ParamOp param) {
        return isa<PackedTensorType>(param.getType());
      }))
    line("self.register_load_state_dict_pre_hook(_check_packed_params)");
  llvm::StringSet<> attrNames;
  for (auto param : layer.getBodyBlock().getOps<ParamOp>())
    if (failed(emitParam(param, attrNames)))
      return failure();
  if (!children.empty()) {
    line("if _shared is None:");
    line("    _shared = {}");
  }
  for (StringRef child : children) {
    if (!attrNames.insert(child).second || isReservedName(child))
      return layer.emitError("the PyTorch target cannot name the child "
                             "module '")
             << child << "'";
    callLine("self." + child.str(), "_shared_layer", {"_shared", child.str()});
  }
  // Function bodies go to a buffer first: their constants become
  // statements of __init__.
  std::string methods;
  {
    llvm::raw_string_ostream methodStream(methods);
    PyTorchEmitter bodyEmitter(methodStream);
    bodyEmitter.currentLayer = layer;
    bodyEmitter.nextConstId = 0;
    for (auto func : layer.getBodyBlock().getOps<func::FuncOp>()) {
      if (!isPythonIdentifier(func.getSymName()) ||
          (isReservedName(func.getSymName()) &&
           func.getSymName() != "forward") ||
          attrNames.contains(func.getSymName()))
        return func.emitError("the PyTorch target cannot name a method '")
               << func.getSymName() << "'";
      methodStream << "\n";
      if (failed(bodyEmitter.emitFunction(func)))
        return failure();
    }
    os << bodyEmitter.constInit;
  }
  os << methods;
  indent = 0;
  return success();
}

LogicalResult PyTorchEmitter::emitFunction(func::FuncOp func) {
  names.clear();
  scalarLiterals.clear();
  packed.clear();
  convFusions.clear();
  elidedOps.clear();
  nextValueId = 0;
  if (func.isExternal())
    return func.emitError("the PyTorch target cannot print a function "
                          "without a body");
  SmallVector<std::string> params = {"self"};
  // Scalar arguments (`s: f32`) become 0-d tensors of their type on entry:
  // Python numbers would compute in double precision.
  SmallVector<std::pair<unsigned, StringRef>> scalarArgs;
  for (BlockArgument arg : func.getArguments()) {
    std::string name = "arg" + std::to_string(arg.getArgNumber());
    if (!isa<RankedTensorType>(arg.getType())) {
      std::optional<StringRef> dtype;
      if (arg.getType().isIntOrFloat())
        dtype = torchDType(arg.getType());
      if (!dtype)
        return func.emitError("the PyTorch target cannot pass an argument "
                              "of type ")
               << arg.getType();
      scalarArgs.push_back({arg.getArgNumber(), *dtype});
    }
    bind(arg, name);
    params.push_back(name);
  }
  indent = 4;
  line("def " + func.getSymName() + "(" + llvm::join(params, ", ") + "):");
  indent = 8;
  for (auto [index, dtype] : scalarArgs) {
    std::string name = "arg" + std::to_string(index);
    callLine(name, "_scalar_argument",
             {name, dtype.str(),
              "\"" + func.getSymName().str() + ": argument " +
                  std::to_string(index) + "\""});
  }
  planConvFusions(func);
  for (Operation &op : func.getBody().front().getOperations()) {
    if (elidedOps.contains(&op))
      continue;
    auto fusion = convFusions.find(&op);
    if (fusion != convFusions.end()) {
      if (failed(printFusedConv(fusion->second)))
        return failure();
      continue;
    }
    if (failed(printOperation(&op)))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Op printers
//===----------------------------------------------------------------------===//

LogicalResult PyTorchEmitter::printOperation(Operation *op) {
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case<arith::ConstantOp>([&](auto c) { return printConstant(c); })
      .Case<GetParamOp>([&](auto g) { return printGetParam(g); })
      .Case<ternary::ConstantOp>(
          [&](auto c) { return printTernaryConstant(c); })
      .Case<ternary::MatmulOp>([&](auto m) { return printMatmul(m); })
      .Case<QuantizeOp>([&](auto q) { return printQuantize(q); })
      .Case<DequantizeOp>([&](auto d) { return printDequantize(d); })
      .Case<PackOp>([&](PackOp p) -> LogicalResult {
        auto trits = getExpr(p.getTrits(), op);
        if (failed(trits))
          return failure();
        packed[p.getPacked()] = {PackedValue::Trits, *trits};
        return success();
      })
      .Case<UnpackOp, RelayoutOp>([&](Operation *o) -> LogicalResult {
        auto in = getPacked(o->getOperand(0), op);
        if (failed(in))
          return failure();
        std::string trits = in->expr;
        if (in->kind == PackedValue::Bytes) {
          auto type = cast<PackedTensorType>(o->getOperand(0).getType());
          trits = newName();
          callLine(trits, "_unpack",
                   {in->expr, tupleOf(type.getShape()),
                    "\"" + stringifyEncoding(type.getEncoding()).str() + "\"",
                    std::to_string(type.getPackedAxis())});
        }
        if (isa<UnpackOp>(o))
          bind(o->getResult(0), trits);
        else
          packed[o->getResult(0)] = {PackedValue::Trits, trits};
        return success();
      })
      .Case<CallOp>([&](auto c) { return printCall(c); })
      .Case<func::ReturnOp>([&](auto r) { return printReturn(r); })
      .Case<tensor::EmptyOp, linalg::FillOp>(
          [&](Operation *) { return success(); }) // lazy: see getExpr
      .Case<tensor::FromElementsOp>([&](auto f) -> LogicalResult {
        if (isOnlyReshapeShape(f))
          return success();
        // One scalar argument (a 0-d tensor) or literal as a rank-0 tensor:
        // the scale of `x @ w * s`. Sizes (index) are Python ints, printed
        // only as a reshape's shape.
        if (f.getType().getRank() != 0 ||
            f.getType().getElementType().isIndex())
          return op->emitError("the PyTorch target cannot print op '")
                 << op->getName() << "'";
        auto element = getTensorExpr(f.getElements().front(), op);
        if (failed(element))
          return failure();
        bind(f.getResult(), *element);
        return success();
      })
      .Case<tensor::DimOp>([&](tensor::DimOp d) -> LogicalResult {
        auto index = d.getConstantIndex();
        auto type = dyn_cast<RankedTensorType>(d.getSource().getType());
        if (!index || !type)
          return op->emitError("the PyTorch target needs a constant index "
                               "into a ranked tensor");
        if (!type.isDynamicDim(*index)) {
          bind(d.getResult(), std::to_string(type.getDimSize(*index)));
          scalarLiterals.insert(d.getResult());
          return success();
        }
        auto src = getExpr(d.getSource(), op);
        if (failed(src))
          return failure();
        // A size is an expression, not a statement: unused sizes leave
        // nothing behind.
        bind(d.getResult(), *src + ".shape[" + std::to_string(*index) + "]");
        scalarLiterals.insert(d.getResult());
        return success();
      })
      .Case<tensor::CastOp>([&](tensor::CastOp c) -> LogicalResult {
        auto src = getExpr(c.getSource(), op);
        if (failed(src))
          return failure();
        bind(c.getResult(), *src);
        return success();
      })
      .Case<tensor::PadOp>([&](auto p) { return printPad(p); })
      .Case<tensor::CollapseShapeOp>([&](auto c) {
        return printReshapeLike(c, c.getSrc(), c.getResult());
      })
      .Case<tensor::ExpandShapeOp>([&](auto e) {
        return printReshapeLike(e, e.getSrc(), e.getResult());
      })
      .Case<tensor::ReshapeOp>([&](auto r) {
        return printReshapeLike(r, r.getSource(), r.getResult());
      })
      .Case<linalg::GenericOp>([&](auto g) { return printGeneric(g); })
      .Case<linalg::ReduceOp>([&](auto r) { return printReduce(r); })
      .Case<linalg::MatmulOp, linalg::BatchMatmulOp, linalg::MatvecOp,
            linalg::VecmatOp, linalg::DotOp>([&](auto m) -> LogicalResult {
        if (m.getInputs().size() != 2 || m.getOutputs().size() != 1)
          return op->emitError("the PyTorch target expects two inputs and "
                               "one init");
        // Only the default (identity) indexing maps are torch.matmul.
        if constexpr (std::is_same_v<decltype(m), linalg::MatmulOp> ||
                      std::is_same_v<decltype(m), linalg::BatchMatmulOp>) {
          if (m.hasUserDefinedMaps())
            return op->emitError("the PyTorch target cannot print a "
                                 "contraction with user-defined maps");
        }
        return printContraction(op, m.getInputs()[0], m.getInputs()[1],
                                m.getOutputs()[0]);
      })
      .Case<linalg::TransposeOp>([&](linalg::TransposeOp t) -> LogicalResult {
        auto in = getTensorExpr(t.getInput(), op);
        if (failed(in))
          return failure();
        std::string name = newName();
        callLine(name, *in + ".permute", {tupleOf(t.getPermutation())});
        bind(t.getResult()[0], name);
        return success();
      })
      .Case<linalg::SoftmaxOp>([&](linalg::SoftmaxOp s) -> LogicalResult {
        auto in = getTensorExpr(s.getInput(), op);
        if (failed(in))
          return failure();
        std::string name = newName();
        callLine(name, "torch.softmax",
                 {*in, "dim=" + std::to_string(s.getDimension())});
        bind(s.getResult()[0], name);
        return success();
      })
      .Case<linalg::Conv2DNchwFchwOp>([&](auto c) { return printConv(c); })
      .Case<linalg::Conv2DNgchwGfchwOp>(
          [&](auto c) { return printGroupedConv(c); })
      .Case<linalg::PoolingNchwMaxOp>([&](auto p) {
        return printPool(p, p.getInputs()[0], p.getInputs()[1],
                         p.getOutputs()[0], p.getStrides(), p.getDilations(),
                         /*isMax=*/true);
      })
      .Case<linalg::PoolingNchwSumOp>([&](auto p) {
        return printPool(p, p.getInputs()[0], p.getInputs()[1],
                         p.getOutputs()[0], p.getStrides(), p.getDilations(),
                         /*isMax=*/false);
      })
      .Case<tensor::ConcatOp>([&](auto c) { return printConcat(c); })
      .Case<tensor::ExtractSliceOp>(
          [&](auto e) { return printExtractSlice(e); })
      .Case<linalg::BroadcastOp>([&](auto b) { return printBroadcast(b); })
      .Default([&](Operation *o) -> LogicalResult {
        if (isa<arith::ArithDialect, math::MathDialect>(o->getDialect()))
          return printElementwise(o);
        return o->emitError("the PyTorch target cannot print op '")
               << o->getName() << "'";
      });
}

LogicalResult PyTorchEmitter::printConstant(arith::ConstantOp op) {
  Attribute value = op.getValue();
  if (auto literal = scalarLiteral(value)) {
    bind(op.getResult(), *literal);
    scalarLiterals.insert(op.getResult());
    return success();
  }
  if (isOnlyReshapeShape(op))
    return success();
  auto type = dyn_cast<RankedTensorType>(op.getType());
  auto dense = dyn_cast<DenseElementsAttr>(value);
  auto dtype = type ? torchDType(type.getElementType()) : std::nullopt;
  if (!type || !dense || !dtype)
    return op.emitError("the PyTorch target cannot print constant ") << value;
  std::string name = newName();
  if (dense.isSplat()) {
    auto literal = scalarLiteral(dense.getSplatValue<Attribute>());
    if (!literal)
      return op.emitError("the PyTorch target cannot print constant ")
             << value;
    callLine(name, "torch.full",
             {tupleOf(type.getShape()), *literal, ("dtype=" + *dtype).str()});
    bind(op.getResult(), name);
    return success();
  }
  // A non-splat constant becomes a non-persistent buffer of the module.
  bool ok;
  std::string hex = hexTensor(dense, type.getElementType(), op, ok);
  if (!ok)
    return op.emitError("the PyTorch target cannot read constant ") << value;
  std::string attr = "const" + std::to_string(nextConstId++);
  {
    llvm::raw_string_ostream init(constInit);
    PyTorchEmitter sub(init);
    sub.indent = 8;
    sub.emitFromHex("buffer", attr, hex, *dtype, type.getShape(), false);
  }
  bind(op.getResult(), "self." + attr);
  return success();
}

/// The Python form of an elementwise arith/math op on operands that are
/// tensors or scalar literals; see printElementwise.
LogicalResult PyTorchEmitter::printElementwise(Operation *op) {
  if (op->getNumResults() != 1)
    return op->emitError("the PyTorch target cannot print op '")
           << op->getName() << "'";
  Type resultType = op->getResult(0).getType();
  Type elementType = getElementTypeOrSelf(resultType);
  auto dtype = torchDType(elementType);
  if (!dtype)
    return op->emitError("the PyTorch target cannot print type ")
           << resultType;
  bool allScalar = llvm::all_of(op->getOperands(),
                                [&](Value v) { return isScalarLiteral(v); });
  bool scalarIndexMath = allScalar && resultType.isIntOrIndex();
  SmallVector<std::string> a, t; // plain and tensor forms of the operands
  for (Value operand : op->getOperands()) {
    auto plain = getExpr(operand, op);
    if (failed(plain))
      return failure();
    auto tensor = getTensorExpr(operand, op);
    if (failed(tensor))
      return failure();
    a.push_back(*plain);
    t.push_back(*tensor);
  }
  std::string expr;
  std::string callee; // call form: callee(callArgs...)
  SmallVector<std::string> callArgs;
  auto binary = [&](StringRef sym) { expr = a[0] + " " + sym.str() + " " + a[1]; };
  auto call = [&](StringRef fn) {
    callee = fn.str();
    callArgs = t;
  };
  // max/min of a tensor and a number (relu's max(x, 0)): clamp by the
  // number, instead of building a 0-d tensor of it on every call.
  auto clampByLiteral = [&](StringRef fn) {
    if (allScalar || op->getNumOperands() != 2)
      return;
    for (unsigned i = 0; i < 2; ++i)
      if (isScalarLiteral(op->getOperand(i))) {
        callee = fn.str();
        callArgs = {t[1 - i], a[i]};
      }
  };
  std::optional<StringRef> cmpSym;
  llvm::TypeSwitch<Operation *>(op)
      .Case<arith::AddFOp, arith::AddIOp>([&](auto) { binary("+"); })
      .Case<arith::SubFOp, arith::SubIOp>([&](auto) { binary("-"); })
      .Case<arith::MulFOp, arith::MulIOp>([&](auto) { binary("*"); })
      .Case<arith::DivFOp>([&](auto) { binary("/"); })
      .Case<arith::DivSIOp>([&](auto) {
        callee = "torch.div";
        callArgs = {t[0], t[1], "rounding_mode=\"trunc\""};
      })
      .Case<arith::RemFOp>([&](auto) { call("torch.fmod"); })
      .Case<arith::NegFOp>([&](auto) { call("torch.neg"); })
      .Case<arith::MaximumFOp, arith::MaxSIOp>([&](auto) {
        call("torch.maximum");
        clampByLiteral("torch.clamp_min");
      })
      .Case<arith::MinimumFOp, arith::MinSIOp>([&](auto) {
        call("torch.minimum");
        clampByLiteral("torch.clamp_max");
      })
      .Case<arith::MaxNumFOp>([&](auto) { call("torch.fmax"); })
      .Case<arith::MinNumFOp>([&](auto) { call("torch.fmin"); })
      .Case<arith::SelectOp>([&](auto) { call("torch.where"); })
      .Case<arith::CmpFOp>([&](arith::CmpFOp c) {
        switch (c.getPredicate()) {
        case arith::CmpFPredicate::OLT: cmpSym = "<"; break;
        case arith::CmpFPredicate::OLE: cmpSym = "<="; break;
        case arith::CmpFPredicate::OGT: cmpSym = ">"; break;
        case arith::CmpFPredicate::OGE: cmpSym = ">="; break;
        case arith::CmpFPredicate::OEQ: cmpSym = "=="; break;
        case arith::CmpFPredicate::UNE: cmpSym = "!="; break;
        default: break;
        }
        if (cmpSym)
          binary(*cmpSym);
      })
      .Case<arith::CmpIOp>([&](arith::CmpIOp c) {
        switch (c.getPredicate()) {
        case arith::CmpIPredicate::slt: cmpSym = "<"; break;
        case arith::CmpIPredicate::sle: cmpSym = "<="; break;
        case arith::CmpIPredicate::sgt: cmpSym = ">"; break;
        case arith::CmpIPredicate::sge: cmpSym = ">="; break;
        case arith::CmpIPredicate::eq: cmpSym = "=="; break;
        case arith::CmpIPredicate::ne: cmpSym = "!="; break;
        default: break;
        }
        if (cmpSym)
          binary(*cmpSym);
      })
      .Case<arith::SIToFPOp, arith::FPToSIOp, arith::ExtFOp, arith::TruncFOp,
            arith::ExtSIOp, arith::TruncIOp>([&](auto) {
        expr = t[0] + ".to(" + dtype->str() + ")";
      })
      .Case<arith::IndexCastOp>([&](auto) {
        if (allScalar)
          expr = a[0];
        else
          expr = t[0] + ".to(" + dtype->str() + ")";
      })
      .Case<math::ExpOp>([&](auto) { call("torch.exp"); })
      .Case<math::LogOp>([&](auto) { call("torch.log"); })
      .Case<math::Log1pOp>([&](auto) { call("torch.log1p"); })
      .Case<math::TanhOp>([&](auto) { call("torch.tanh"); })
      .Case<math::SqrtOp>([&](auto) { call("torch.sqrt"); })
      .Case<math::RsqrtOp>([&](auto) { call("torch.rsqrt"); })
      .Case<math::ErfOp>([&](auto) { call("torch.erf"); })
      .Case<math::AbsFOp, math::AbsIOp>([&](auto) { call("torch.abs"); })
      .Case<math::SinOp>([&](auto) { call("torch.sin"); })
      .Case<math::CosOp>([&](auto) { call("torch.cos"); })
      .Case<math::PowFOp>([&](auto) { call("torch.pow"); })
      .Case<math::FloorOp>([&](auto) { call("torch.floor"); })
      .Case<math::CeilOp>([&](auto) { call("torch.ceil"); })
      .Case<math::RoundEvenOp>([&](auto) { call("torch.round"); })
      .Default([&](Operation *) {});
  // Python scalars are exact ints or doubles: only + - * of index values
  // (sizes) mean the same there; other scalar math would be computed with
  // the wrong precision or rounding.
  if (allScalar && !(scalarIndexMath &&
                     isa<arith::AddIOp, arith::SubIOp, arith::MulIOp,
                         arith::IndexCastOp>(op))) {
    expr.clear();
    callee.clear();
  }
  if (expr.empty() && callee.empty())
    return op->emitError("the PyTorch target cannot print op '")
           << op->getName() << "'" << (allScalar ? " on scalars" : "");
  std::string name = newName();
  if (!callee.empty())
    callLine(name, callee, callArgs);
  else
    line(name + " = " + expr);
  bind(op->getResult(0), name);
  if (allScalar && scalarIndexMath)
    scalarLiterals.insert(op->getResult(0));
  return success();
}

LogicalResult PyTorchEmitter::printGetParam(GetParamOp op) {
  std::string expr = "self." + op.getName().str();
  if (isa<PackedTensorType>(op.getType()))
    packed[op.getResult()] = {PackedValue::Bytes, expr};
  else
    bind(op.getResult(), expr);
  return success();
}

LogicalResult PyTorchEmitter::printTernaryConstant(ternary::ConstantOp op) {
  auto type = cast<PackedTensorType>(op.getType());
  auto bytes = type.getStorageBytes();
  bool ok;
  std::string hex = hexTensor(op.getValue(),
                              IntegerType::get(op.getContext(), 8), op, ok);
  if (!ok || !bytes)
    return op.emitError("the PyTorch target cannot read these packed bytes");
  std::string attr = "const" + std::to_string(nextConstId++);
  {
    llvm::raw_string_ostream init(constInit);
    PyTorchEmitter sub(init);
    sub.indent = 8;
    sub.emitFromHex("buffer", attr, hex, "torch.uint8", {*bytes}, false);
  }
  packed[op.getResult()] = {PackedValue::Bytes, "self." + attr};
  return success();
}

LogicalResult PyTorchEmitter::printMatmul(ternary::MatmulOp op) {
  auto x = getTensorExpr(op.getInput(), op);
  auto w = getPacked(op.getWeight(), op);
  if (failed(x) || failed(w))
    return failure();
  std::string scale = "None", bias = "None";
  if (op.getScale()) {
    auto s = getTensorExpr(op.getScale(), op);
    if (failed(s))
      return failure();
    scale = *s;
  }
  if (op.getBias()) {
    auto b = getTensorExpr(op.getBias(), op);
    if (failed(b))
      return failure();
    bias = *b;
  }
  std::string name = newName();
  if (w->kind == PackedValue::Trits) {
    callLine(name, "_matmul_trits", {*x, w->expr, scale, bias});
  } else {
    auto type = cast<PackedTensorType>(op.getWeight().getType());
    if (!type.hasStaticShape() || type.getRank() != 2)
      return op.emitError("the PyTorch target needs a static 2-D packed "
                          "weight");
    callLine(name, "_ternary_matmul",
             {*x, w->expr, tupleOf(type.getShape()),
              "\"" + stringifyEncoding(type.getEncoding()).str() + "\"",
              std::to_string(type.getPackedAxis()), scale, bias});
  }
  bind(op.getResult(), name);
  return success();
}

LogicalResult PyTorchEmitter::printQuantize(QuantizeOp op) {
  if (op.getMethod() == QuantMethod::stochastic)
    return op.emitError("the PyTorch target cannot print stochastic "
                        "quantization");
  auto x = getTensorExpr(op.getInput(), op);
  if (failed(x))
    return failure();
  std::string threshold = "None";
  if (auto t = op.getThresholdAttr())
    threshold = floatLiteral(t.getValueAsDouble(), true);
  std::string axis =
      op.getAxis() ? std::to_string(*op.getAxis()) : std::string("None");
  std::string method =
      "\"" + stringifyQuantMethod(op.getMethod()).str() + "\"";
  std::string trits = newName(), scale = newName();
  callLine(trits + ", " + scale, "_quantize", {*x, method, threshold, axis});
  bind(op.getTrits(), trits);
  bind(op.getScale(), scale);
  return success();
}

LogicalResult PyTorchEmitter::printDequantize(DequantizeOp op) {
  auto trits = getTensorExpr(op.getTrits(), op);
  if (failed(trits))
    return failure();
  auto resultType = cast<RankedTensorType>(op.getType());
  auto dtype = torchDType(resultType.getElementType());
  if (!dtype)
    return op.emitError("the PyTorch target cannot print type ")
           << resultType;
  if (matchPattern(op.getScale(), m_OneFloat())) {
    // A scale of 1 (a convolution's filter, scaled after the convolution):
    // the trits as floats, no multiplication per call.
    std::string name = newName();
    line(name + " = " + *trits + ".to(" + dtype->str() + ")");
    bind(op.getResult(), name);
    return success();
  }
  auto scale = getTensorExpr(op.getScale(), op);
  if (failed(scale))
    return failure();
  std::string scaleView = *scale;
  if (auto axis = op.getAxis()) {
    SmallVector<std::string> view(resultType.getRank(), "1");
    view[*axis] = "-1";
    scaleView = *scale + ".reshape" + tupleOf(view);
  }
  std::string name = newName();
  line(name + " = " + *trits + ".to(" + dtype->str() + ") * " + scaleView);
  bind(op.getResult(), name);
  return success();
}

LogicalResult PyTorchEmitter::printCall(CallOp op) {
  SymbolRefAttr callee = op.getCallee();
  std::string target;
  if (callee.getNestedReferences().empty()) {
    target = "self." + callee.getRootReference().str();
  } else {
    StringRef fn = callee.getLeafReference();
    target = "self." + callee.getRootReference().str();
    if (fn != "forward")
      target += "." + fn.str();
  }
  SmallVector<std::string> args;
  for (Value operand : op.getOperands()) {
    if (isa<PackedTensorType>(operand.getType()))
      return op.emitError("the PyTorch target cannot pass a packed tensor "
                          "to a call");
    auto expr = getTensorExpr(operand, op);
    if (failed(expr))
      return failure();
    args.push_back(*expr);
  }
  SmallVector<std::string> results;
  for (Value result : op.getResults()) {
    if (isa<PackedTensorType>(result.getType()))
      return op.emitError("the PyTorch target cannot return a packed tensor");
    results.push_back(newName());
    bind(result, results.back());
  }
  std::string lhs = llvm::join(results, ", ");
  callLine(lhs, target, args);
  return success();
}

LogicalResult PyTorchEmitter::printReturn(func::ReturnOp op) {
  SmallVector<std::string> values;
  for (Value operand : op.getOperands()) {
    if (isa<PackedTensorType>(operand.getType()))
      return op.emitError("the PyTorch target cannot return a packed tensor");
    auto expr = getTensorExpr(operand, op);
    if (failed(expr))
      return failure();
    values.push_back(*expr);
  }
  if (values.empty())
    line("return None");
  else
    line("return " + llvm::join(values, ", "));
  return success();
}

/// An elementwise linalg.generic: every loop parallel, every input map a
/// projected permutation (possibly with constant-0 results on size-1 dims),
/// the output map the identity, and a body of arith/math ops that does not
/// read the output. Each input becomes a broadcast view whose dims are the
/// loops in order; torch broadcasting then computes the body elementwise.
LogicalResult PyTorchEmitter::printGeneric(linalg::GenericOp op) {
  if (auto lookup = tritondsl::matchEmbeddingLookup(op)) {
    auto table = getTensorExpr(lookup->table, op);
    auto indices = getTensorExpr(lookup->indices, op);
    if (failed(table) || failed(indices))
      return failure();
    std::string name = newName();
    line(name + " = " + *table + "[" + *indices + ".long()]");
    bind(op.getResult(0), name);
    return success();
  }
  unsigned numLoops = op.getNumLoops();
  if (op.getNumParallelLoops() != numLoops)
    return printEinsum(op);
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  Block &body = op.getRegion().front();
  if (numLoops > 64)
    return op.emitError("the PyTorch target prints at most 64 loops");
  // The loops each body value varies along: a yielded value that misses a
  // loop is expanded to the full shape.
  llvm::DenseMap<Value, uint64_t> loopsOf;
  uint64_t allLoops = numLoops == 64 ? ~0ull : ((1ull << numLoops) - 1);
  for (OpOperand *inputPtr : op.getDpsInputOperands()) {
    OpOperand &input = *inputPtr;
    AffineMap map = op.getMatchingIndexingMap(&input);
    auto type = dyn_cast<RankedTensorType>(input.get().getType());
    if (!type && map.getNumResults() != 0)
      return op.emitError("the PyTorch target needs tensor inputs");
    SmallVector<std::string> select;   // constant-0 results
    SmallVector<unsigned> kept;        // loops of the remaining dims
    bool anyConstant = false;
    for (auto [j, expr] : llvm::enumerate(map.getResults())) {
      if (auto c = dyn_cast<AffineConstantExpr>(expr)) {
        if (c.getValue() != 0 || type.getDimSize(j) != 1)
          return op.emitError("the PyTorch target cannot print indexing map ")
                 << AffineMapAttr::get(map);
        select.push_back("0");
        anyConstant = true;
        continue;
      }
      auto dim = dyn_cast<AffineDimExpr>(expr);
      if (!dim || llvm::is_contained(kept, dim.getPosition()))
        return op.emitError("the PyTorch target cannot print indexing map ")
               << AffineMapAttr::get(map);
      select.push_back(":");
      kept.push_back(dim.getPosition());
    }
    BlockArgument arg = body.getArgument(input.getOperandNumber());
    for (unsigned loop : kept)
      loopsOf[arg] |= 1ull << loop;
    auto base = getTensorExpr(input.get(), op);
    if (failed(base))
      return failure();
    std::string view = *base;
    if (!type) {
      // A scalar input is a Python value; broadcasting handles it.
      bind(arg, view);
      if (isScalarLiteral(input.get()))
        scalarLiterals.insert(arg);
      continue;
    }
    if (anyConstant) {
      while (!select.empty() && select.back() == ":")
        select.pop_back();
      view += "[" + llvm::join(select, ", ") + "]";
    }
    SmallVector<unsigned> sorted(kept);
    llvm::sort(sorted);
    if (sorted != kept) {
      SmallVector<int64_t> perm;
      for (unsigned loop : sorted)
        perm.push_back(llvm::find(kept, loop) - kept.begin());
      view += ".permute" + tupleOf(perm);
    }
    // New size-1 dims for the loops the input does not vary along.
    // Broadcasting aligns trailing dims, so leading new dims are implicit,
    // and trailing kept dims need no subscript.
    unsigned begin = 0, end = numLoops;
    while (begin < end && !llvm::is_contained(kept, begin))
      ++begin;
    while (end > begin && llvm::is_contained(kept, end - 1))
      --end;
    if (begin < end) {
      SmallVector<std::string> expand;
      for (unsigned loop = begin; loop < end; ++loop)
        expand.push_back(llvm::is_contained(kept, loop) ? ":" : "None");
      view += "[" + llvm::join(expand, ", ") + "]";
    }
    if (view != *base) {
      std::string name = newName();
      line(name + " = " + view);
      view = name;
    }
    bind(arg, view);
  }
  for (OpOperand &init : op.getDpsInitsMutable()) {
    if (!op.getMatchingIndexingMap(&init).isIdentity())
      return op.emitError("the PyTorch target needs identity output maps");
    if (!op.getMatchingBlockArgument(&init).use_empty())
      return op.emitError("the PyTorch target cannot print a "
                          "linalg.generic that reads its output");
  }
  for (Operation &bodyOp : body.without_terminator()) {
    if (!isa<arith::ArithDialect, math::MathDialect>(bodyOp.getDialect()) ||
        isa<arith::ConstantOp>(bodyOp)) {
      if (auto c = dyn_cast<arith::ConstantOp>(bodyOp)) {
        if (failed(printConstant(c)))
          return failure();
        continue;
      }
      return bodyOp.emitError("the PyTorch target cannot print op '")
             << bodyOp.getName() << "' in a linalg.generic";
    }
    if (failed(printElementwise(&bodyOp)))
      return failure();
    for (Value operand : bodyOp.getOperands())
      loopsOf[bodyOp.getResult(0)] |= loopsOf.lookup(operand);
  }
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  for (auto [result, yielded, init] :
       llvm::zip(op.getResults(), yield.getValues(), op.getDpsInits())) {
    auto expr = getExpr(yielded, op);
    if (failed(expr))
      return failure();
    auto type = cast<RankedTensorType>(result.getType());
    auto dtype = torchDType(type.getElementType());
    if (!dtype)
      return op.emitError("the PyTorch target cannot print type ") << type;
    std::string value = *expr;
    bool isLiteral = isScalarLiteral(yielded) &&
                     !isa<BlockArgument>(yielded);
    if (isLiteral || loopsOf.lookup(yielded) != allLoops) {
      auto shape = getShapeExpr(init, op);
      if (failed(shape))
        return failure();
      std::string name = newName();
      if (isLiteral)
        callLine(name, "torch.full",
                 {*shape, value, ("dtype=" + *dtype).str()});
      else
        callLine(name, value + ".expand", {*shape});
      value = name;
    }
    bind(result, value);
  }
  return success();
}

/// A contraction `out + a * b` (the batched `@` of the front end) as
/// torch.einsum.
LogicalResult PyTorchEmitter::printEinsum(linalg::GenericOp op) {
  auto refuse = [&]() {
    return op.emitError("the PyTorch target prints only elementwise "
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
  Operation *add = yield.getValues()[0].getDefiningOp();
  if (!add || !isa<arith::AddFOp>(add) || add->getBlock() != &body)
    return refuse();
  Value out = body.getArgument(2);
  if (!llvm::is_contained(add->getOperands(), out))
    return refuse();
  Value product =
      add->getOperand(0) == out ? add->getOperand(1) : add->getOperand(0);
  auto mul = product.getDefiningOp<arith::MulFOp>();
  if (!mul || mul->getBlock() != &body ||
      !llvm::is_contained(mul->getOperands(), body.getArgument(0)) ||
      !llvm::is_contained(mul->getOperands(), body.getArgument(1)) ||
      std::distance(body.begin(), body.end()) != 3)
    return refuse();
  std::string equation;
  for (auto [i, map] : llvm::enumerate(op.getIndexingMapsArray())) {
    if (!map.isProjectedPermutation(/*allowZeroInResults=*/false))
      return refuse();
    std::string subscripts;
    for (AffineExpr expr : map.getResults())
      subscripts.push_back(
          char('a' + cast<AffineDimExpr>(expr).getPosition()));
    equation += i == 2 ? "->" + subscripts : (i ? "," : "") + subscripts;
  }
  SmallVector<std::string> args = {"\"" + equation + "\""};
  for (OpOperand *input : op.getDpsInputOperands()) {
    auto e = getTensorExpr(input->get(), op);
    if (failed(e))
      return failure();
    args.push_back(*e);
  }
  std::string name = newName();
  callLine(name, "torch.einsum", args);
  Value init = op.getDpsInits()[0];
  if (!isFillOf(init, 0)) {
    auto c = getTensorExpr(init, op);
    if (failed(c))
      return failure();
    std::string sum = newName();
    line(sum + " = " + *c + " + " + name);
    name = sum;
  }
  bind(op.getResult(0), name);
  return success();
}

LogicalResult PyTorchEmitter::printReduce(linalg::ReduceOp op) {
  if (op.getInputs().size() != 1)
    return op.emitError("the PyTorch target prints single-input "
                        "linalg.reduce only");
  Block &body = op.getCombiner().front();
  auto ops = body.without_terminator();
  if (std::distance(ops.begin(), ops.end()) != 1)
    return op.emitError("the PyTorch target prints a linalg.reduce whose "
                        "body is one combining op");
  Operation &combiner = *ops.begin();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (yield.getValues().size() != 1 ||
      yield.getValues()[0] != combiner.getResult(0) ||
      combiner.getNumOperands() != 2 ||
      !llvm::is_contained(combiner.getOperands(), body.getArgument(0)) ||
      !llvm::is_contained(combiner.getOperands(), body.getArgument(1)))
    return op.emitError("the PyTorch target cannot print this reduction");
  Type elementType = body.getArgument(1).getType();
  auto dtype = torchDType(elementType);
  if (!dtype)
    return op.emitError("the PyTorch target cannot print type ")
           << elementType;
  StringRef reduceFn, combineFn;
  double identity;
  bool isFloat = isa<FloatType>(elementType);
  if (isa<arith::AddFOp, arith::AddIOp>(combiner)) {
    reduceFn = "torch.sum";
    combineFn = "torch.add";
    identity = 0;
  } else if (isa<arith::MulFOp, arith::MulIOp>(combiner)) {
    reduceFn = "torch.prod";
    combineFn = "torch.mul";
    identity = 1;
  } else if (isa<arith::MaximumFOp, arith::MaxSIOp>(combiner)) {
    reduceFn = "torch.amax";
    combineFn = "torch.maximum";
    identity = isFloat ? -INFINITY : NAN;
  } else if (isa<arith::MinimumFOp, arith::MinSIOp>(combiner)) {
    reduceFn = "torch.amin";
    combineFn = "torch.minimum";
    identity = isFloat ? INFINITY : NAN;
  } else {
    return combiner.emitError("the PyTorch target cannot print a reduction "
                              "by '")
           << combiner.getName() << "'";
  }
  auto in = getTensorExpr(op.getInputs()[0], op);
  if (failed(in))
    return failure();
  SmallVector<int64_t> dims(op.getDimensions());
  std::string name = newName();
  SmallVector<std::string> args = {*in, "dim=" + tupleOf(dims)};
  if (reduceFn == "torch.prod") {
    if (dims.size() != 1)
      return op.emitError("the PyTorch target prints a product over one dim "
                          "only");
    args[1] = "dim=" + std::to_string(dims[0]);
  }
  if (reduceFn == "torch.sum" || reduceFn == "torch.prod")
    args.push_back(("dtype=" + *dtype).str());
  callLine(name, reduceFn, args);
  Value init = op.getInits()[0];
  if (!isFillOf(init, identity)) {
    auto initExpr = getTensorExpr(init, op);
    if (failed(initExpr))
      return failure();
    std::string combined = newName();
    callLine(combined, combineFn, {*initExpr, name});
    name = combined;
  }
  bind(op.getResult(0), name);
  return success();
}

LogicalResult PyTorchEmitter::printContraction(Operation *op, Value lhs,
                                               Value rhs, Value init) {
  auto a = getTensorExpr(lhs, op);
  auto b = getTensorExpr(rhs, op);
  if (failed(a) || failed(b))
    return failure();
  std::string name = newName();
  callLine(name, "torch.matmul", {*a, *b});
  if (!isFillOf(init, 0)) {
    auto c = getTensorExpr(init, op);
    if (failed(c))
      return failure();
    std::string sum = newName();
    line(sum + " = " + *c + " + " + name);
    name = sum;
  }
  bind(op->getResult(0), name);
  return success();
}

/// A tensor.pad that only feeds a convolution's input with +0.0 on the two
/// spatial dims, the same before and after: the convolution's own `padding`
/// (torch pads inside the kernel instead of copying the image). Its padding
/// (height, width) in `padding`.
static bool isSpatialZeroPadding(tensor::PadOp pad,
                                 SmallVectorImpl<int64_t> &padding) {
  if (!pad->hasOneUse() || pad.getSourceType().getRank() != 4)
    return false;
  Value value = pad.getConstantPaddingValue();
  if (!value || !matchPattern(value, m_PosZeroFloat()))
    return false;
  auto low = pad.getStaticLow();
  auto high = pad.getStaticHigh();
  if (low[0] != 0 || low[1] != 0 || high[0] != 0 || high[1] != 0 ||
      low[2] != high[2] || low[3] != high[3] || low[2] < 0 || low[3] < 0 ||
      ShapedType::isDynamic(low[2]) || ShapedType::isDynamic(low[3]))
    return false;
  padding.assign({low[2], low[3]});
  return true;
}

static bool isConvolutionPadding(tensor::PadOp pad,
                                 SmallVectorImpl<int64_t> &padding) {
  if (!isSpatialZeroPadding(pad, padding))
    return false;
  auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(*pad->user_begin());
  return conv && conv.getInputs()[0] == pad.getResult();
}

LogicalResult PyTorchEmitter::printConv(linalg::Conv2DNchwFchwOp op) {
  Value input = op.getInputs()[0];
  SmallVector<int64_t> padding;
  auto pad = input.getDefiningOp<tensor::PadOp>();
  if (pad && isConvolutionPadding(pad, padding))
    input = pad.getSource();
  auto x = getTensorExpr(input, op);
  auto w = getTensorExpr(op.getInputs()[1], op);
  if (failed(x) || failed(w))
    return failure();
  SmallVector<int64_t> strides(op.getStrides().getValues<int64_t>());
  SmallVector<int64_t> dilations(op.getDilations().getValues<int64_t>());
  std::string name = newName();
  SmallVector<std::string> args = {*x, *w, "stride=" + tupleOf(strides)};
  if (!padding.empty())
    args.push_back("padding=" + tupleOf(padding));
  args.push_back("dilation=" + tupleOf(dilations));
  callLine(name, "torch.nn.functional.conv2d", args);
  Value init = op.getOutputs()[0];
  if (!isFillOf(init, 0)) {
    auto c = getTensorExpr(init, op);
    if (failed(c))
      return failure();
    std::string sum = newName();
    line(sum + " = " + *c + " + " + name);
    name = sum;
  }
  bind(op.getResult(0), name);
  return success();
}

/// `user` is an elementwise linalg.generic (every loop parallel, identity
/// output map, its init not read) computing `BinOp(value, other)` or
/// `BinOp(other, value)` of its two inputs, `value` read through the
/// identity map; returns `other`'s indexing map in `otherMap`.
template <typename BinOp>
static bool matchBinaryGeneric(Operation *user, Value value, Value &other,
                               AffineMap &otherMap) {
  auto generic = dyn_cast<linalg::GenericOp>(user);
  if (!generic || generic.getNumDpsInputs() != 2 ||
      generic.getNumDpsInits() != 1 || generic->getNumResults() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops() ||
      generic->getResult(0).getType() != value.getType())
    return false;
  auto maps = generic.getIndexingMapsArray();
  if (!maps[2].isIdentity())
    return false;
  unsigned self;
  if (generic.getDpsInputs()[0] == value && maps[0].isIdentity())
    self = 0;
  else if (generic.getDpsInputs()[1] == value && maps[1].isIdentity())
    self = 1;
  else
    return false;
  other = generic.getDpsInputs()[1 - self];
  otherMap = maps[1 - self];
  if (other == value)
    return false;
  Block &body = generic.getRegion().front();
  if (std::distance(body.begin(), body.end()) != 2)
    return false;
  auto bin = dyn_cast<BinOp>(&body.front());
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (!bin || yield.getValues().size() != 1 ||
      yield.getValues()[0] != bin.getResult())
    return false;
  // Both orders: IEEE addition and multiplication are commutative.
  Value a = body.getArgument(0), b = body.getArgument(1);
  return (bin.getLhs() == a && bin.getRhs() == b) ||
         (bin.getLhs() == b && bin.getRhs() == a);
}

/// `value` (read through `map` by a generic over a convolution's NCHW
/// result) holds one element per output channel: `map` is (d1) on a [F]
/// tensor or (d1, 0, 0) on a [F, 1, 1] one. `isColumn` tells which.
static bool isPerChannel(Value value, AffineMap map, int64_t channels,
                         bool &isColumn) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape() || map.getNumDims() != 4 ||
      map.getNumResults() != type.getRank() || type.getRank() == 0 ||
      type.getDimSize(0) != channels ||
      map.getResult(0) != getAffineDimExpr(1, map.getContext()))
    return false;
  for (unsigned i = 1; i < map.getNumResults(); ++i) {
    auto c = dyn_cast<AffineConstantExpr>(map.getResult(i));
    if (!c || c.getValue() != 0 || type.getDimSize(i) != 1)
      return false;
  }
  isColumn = type.getRank() == 3;
  return type.getRank() == 1 || type.getRank() == 3;
}

/// `reshape` reassociates exactly `groups` (e.g. [[0], [1, 2], [3], [4]]).
static bool hasReassociation(ArrayRef<ReassociationIndices> reassociation,
                             ArrayRef<ArrayRef<int64_t>> groups) {
  if (reassociation.size() != groups.size())
    return false;
  for (auto [got, want] : llvm::zip(reassociation, groups))
    if (ArrayRef<int64_t>(got) != want)
      return false;
  return true;
}

void PyTorchEmitter::planConvFusions(func::FuncOp func) {
  Block &body = func.getBody().front();
  for (Operation &candidate : body.getOperations()) {
    ConvFusion fusion;
    SmallVector<Operation *> covered;
    Value filter, result;
    if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(&candidate)) {
      if (!isFillOf(conv.getOutputs()[0], 0))
        continue;
      fusion.input = conv.getInputs()[0];
      auto pad = fusion.input.getDefiningOp<tensor::PadOp>();
      if (pad && isConvolutionPadding(pad, fusion.padding))
        fusion.input = pad.getSource(); // printPad prints nothing for it
      filter = conv.getInputs()[1];
      fusion.strides = conv.getStrides();
      fusion.dilations = conv.getDilations();
      result = conv->getResult(0);
      fusion.anchor = conv;
      covered.push_back(conv);
    } else if (auto conv = dyn_cast<linalg::Conv2DNgchwGfchwOp>(&candidate)) {
      // [N, G*C, H, W] -> expand -> conv -> collapse -> [N, G*F, OH, OW].
      auto expandX = conv.getInputs()[0].getDefiningOp<tensor::ExpandShapeOp>();
      auto expandW = conv.getInputs()[1].getDefiningOp<tensor::ExpandShapeOp>();
      Value out = conv->getResult(0);
      auto collapse =
          out.hasOneUse()
              ? dyn_cast<tensor::CollapseShapeOp>(*out.user_begin())
              : nullptr;
      if (!isFillOf(conv.getOutputs()[0], 0) || !expandX || !expandW ||
          !collapse || !expandX->hasOneUse() || !expandW->hasOneUse() ||
          !hasReassociation(expandX.getReassociationIndices(),
                            {{0}, {1, 2}, {3}, {4}}) ||
          !hasReassociation(expandW.getReassociationIndices(),
                            {{0, 1}, {2}, {3}, {4}}) ||
          !hasReassociation(collapse.getReassociationIndices(),
                            {{0}, {1, 2}, {3}, {4}}))
        continue;
      auto wType = cast<RankedTensorType>(conv.getInputs()[1].getType());
      if (wType.isDynamicDim(0))
        continue;
      fusion.groups = wType.getDimSize(0);
      fusion.input = expandX.getSrc();
      auto pad = fusion.input.getDefiningOp<tensor::PadOp>();
      if (pad && isSpatialZeroPadding(pad, fusion.padding)) {
        fusion.input = pad.getSource();
        covered.push_back(pad);
      }
      covered.append({expandX, expandW});
      filter = expandW.getSrc();
      fusion.strides = conv.getStrides();
      fusion.dilations = conv.getDilations();
      result = collapse.getResult();
      fusion.anchor = collapse;
      covered.append({conv, collapse});
    } else {
      continue;
    }
    fusion.conv = &candidate;
    fusion.filter = filter;
    auto resultType = dyn_cast<RankedTensorType>(result.getType());
    if (!resultType || resultType.getRank() != 4 || resultType.isDynamicDim(1))
      continue;
    int64_t channels = resultType.getDimSize(1);
    // The ternary filter: unpack of a packed param or constant, dequantized
    // (scale 1, a scalar or one per filter), used by this convolution only.
    bool unitScale = false;
    if (auto deq = filter.getDefiningOp<DequantizeOp>()) {
      auto unpack = deq.getTrits().getDefiningOp<UnpackOp>();
      Value source = unpack ? unpack.getOperand() : Value();
      auto packedType =
          source ? dyn_cast<PackedTensorType>(source.getType()) : nullptr;
      auto filterType = cast<RankedTensorType>(deq.getType());
      bool scaleOk = false;
      if (matchPattern(deq.getScale(), m_OneFloat())) {
        scaleOk = unitScale = true;
      } else if (deq.getScale().getDefiningOp<GetParamOp>()) {
        auto scaleType = cast<RankedTensorType>(deq.getScale().getType());
        auto axis = deq.getAxis();
        scaleOk = (!axis && scaleType.getNumElements() == 1) ||
                  (axis && *axis == 0 && scaleType.getRank() == 1);
      }
      if (scaleOk && unpack && deq->hasOneUse() && unpack->hasOneUse() &&
          packedType &&
          packedType.hasStaticShape() && packedType.getRank() == 4 &&
          filterType.getElementType() == resultType.getElementType() &&
          (source.getDefiningOp<GetParamOp>() ||
           source.getDefiningOp<ternary::ConstantOp>())) {
        fusion.packedFilter = source;
        if (!unitScale)
          fusion.scale = deq.getScale();
        covered.append({unpack, deq});
      }
    }
    Value other;
    AffineMap map;
    // `* scale` after the convolution, folded into the filter: a scalar
    // param or one per channel.
    if (fusion.packedFilter && unitScale && result.hasOneUse() &&
        matchBinaryGeneric<arith::MulFOp>(*result.user_begin(), result, other,
                                          map) &&
        other.getDefiningOp<GetParamOp>()) {
      auto scaleType = cast<RankedTensorType>(other.getType());
      bool column;
      if ((map.getNumResults() == 0 && scaleType.getRank() == 0) ||
          isPerChannel(other, map, channels, column)) {
        fusion.scale = other;
        fusion.anchor = *result.user_begin();
        covered.push_back(fusion.anchor);
        result = fusion.anchor->getResult(0);
      }
    }
    // `+ bias` per output channel: conv2d's bias.
    if (result.hasOneUse() &&
        matchBinaryGeneric<arith::AddFOp>(*result.user_begin(), result, other,
                                          map) &&
        isPerChannel(other, map, channels, fusion.biasIsChannelColumn)) {
      fusion.bias = other;
      fusion.anchor = *result.user_begin();
      covered.push_back(fusion.anchor);
    }
    // A plain convolution with nothing to fuse prints as it is (printConv);
    // a grouped one always fuses (no reshapes of input and filter).
    if (covered.size() == 1)
      continue;
    // The statement is printed at the anchor, the last of the covered ops
    // (each reads the one before it), when they all are in one block.
    if (llvm::any_of(covered,
                     [&](Operation *op) { return op->getBlock() != &body; }))
      continue;
    for (Operation *op : covered)
      if (op != fusion.anchor)
        elidedOps.insert(op);
    convFusions[fusion.anchor] = fusion;
  }
  // Constants only read as a unit dequantization scale (printed without
  // it) or by elided ops print nothing either (a splat tensor constant
  // would be a torch.full per call).
  for (Operation &op : func.getBody().front().getOperations()) {
    auto constant = dyn_cast<arith::ConstantOp>(&op);
    if (!constant || !isa<RankedTensorType>(constant.getType()) ||
        constant->use_empty())
      continue;
    bool unused = llvm::all_of(constant->getUsers(), [&](Operation *user) {
      if (elidedOps.contains(user))
        return true;
      auto deq = dyn_cast<DequantizeOp>(user);
      return deq && deq.getScale() == constant.getResult() &&
             deq.getTrits() != constant.getResult() &&
             matchPattern(constant.getResult(), m_OneFloat());
    });
    if (unused)
      elidedOps.insert(constant);
  }
}

LogicalResult PyTorchEmitter::printFusedConv(const ConvFusion &fusion) {
  Operation *op = fusion.conv;
  Operation *anchor = fusion.anchor;
  auto x = getTensorExpr(fusion.input, anchor);
  if (failed(x))
    return failure();
  std::string filter;
  if (fusion.packedFilter) {
    auto bytes = getPacked(fusion.packedFilter, anchor);
    if (failed(bytes))
      return failure();
    std::string scale = "None";
    if (fusion.scale) {
      auto s = getTensorExpr(fusion.scale, anchor);
      if (failed(s))
        return failure();
      scale = *s;
    }
    auto type = cast<PackedTensorType>(fusion.packedFilter.getType());
    auto dtype = torchDType(
        cast<RankedTensorType>(op->getResult(0).getType()).getElementType());
    if (!dtype)
      return op->emitError("the PyTorch target cannot print type ")
             << op->getResult(0).getType();
    filter = newName();
    callLine(filter, "_ternary_filter",
             {bytes->expr, tupleOf(type.getShape()),
              "\"" + stringifyEncoding(type.getEncoding()).str() + "\"",
              std::to_string(type.getPackedAxis()), scale, dtype->str()});
  } else {
    auto w = getTensorExpr(fusion.filter, anchor);
    if (failed(w))
      return failure();
    filter = *w;
  }
  SmallVector<std::string> args = {*x, filter};
  if (fusion.bias) {
    auto b = getTensorExpr(fusion.bias, anchor);
    if (failed(b))
      return failure();
    args.push_back("bias=" + *b +
                   (fusion.biasIsChannelColumn ? ".reshape(-1)" : ""));
  }
  SmallVector<int64_t> strides(fusion.strides.getValues<int64_t>());
  SmallVector<int64_t> dilations(fusion.dilations.getValues<int64_t>());
  args.push_back("stride=" + tupleOf(strides));
  if (!fusion.padding.empty())
    args.push_back("padding=" + tupleOf(fusion.padding));
  args.push_back("dilation=" + tupleOf(dilations));
  if (fusion.groups != 1)
    args.push_back("groups=" + std::to_string(fusion.groups));
  std::string name = newName();
  callLine(name, "torch.nn.functional.conv2d", args);
  bind(anchor->getResult(0), name);
  return success();
}

LogicalResult PyTorchEmitter::printGroupedConv(linalg::Conv2DNgchwGfchwOp op) {
  // [N, G, C, H, W] and [G, F, C, KH, KW]: torch's grouped conv2d on the
  // flattened channels, its [N, G*F, OH, OW] result unflattened.
  auto x = getTensorExpr(op.getInputs()[0], op);
  auto w = getTensorExpr(op.getInputs()[1], op);
  if (failed(x) || failed(w))
    return failure();
  auto wType = cast<RankedTensorType>(op.getInputs()[1].getType());
  SmallVector<int64_t> strides(op.getStrides().getValues<int64_t>());
  SmallVector<int64_t> dilations(op.getDilations().getValues<int64_t>());
  std::string name = newName();
  callLine(name, "torch.nn.functional.conv2d",
           {"torch.flatten(" + *x + ", 1, 2)", "torch.flatten(" + *w + ", 0, 1)",
            "stride=" + tupleOf(strides), "dilation=" + tupleOf(dilations),
            "groups=" + std::to_string(wType.getDimSize(0))});
  std::string unflattened = newName();
  callLine(unflattened, "torch.unflatten",
           {name, "1",
            tupleOf(ArrayRef<int64_t>{wType.getDimSize(0),
                                      wType.getDimSize(1)})});
  name = unflattened;
  Value init = op.getOutputs()[0];
  if (!isFillOf(init, 0)) {
    auto c = getTensorExpr(init, op);
    if (failed(c))
      return failure();
    std::string sum = newName();
    line(sum + " = " + *c + " + " + name);
    name = sum;
  }
  bind(op.getResult(0), name);
  return success();
}

LogicalResult PyTorchEmitter::printPool(Operation *op, Value input,
                                        Value window, Value init,
                                        DenseIntElementsAttr strides,
                                        DenseIntElementsAttr dilations,
                                        bool isMax) {
  auto x = getTensorExpr(input, op);
  if (failed(x))
    return failure();
  auto windowType = cast<ShapedType>(window.getType());
  SmallVector<int64_t> kernel(windowType.getShape());
  SmallVector<int64_t> strideValues(strides.getValues<int64_t>());
  SmallVector<int64_t> dilationValues(dilations.getValues<int64_t>());
  std::string name = newName();
  if (isMax) {
    callLine(name, "torch.nn.functional.max_pool2d",
             {*x, tupleOf(kernel), "stride=" + tupleOf(strideValues),
              "dilation=" + tupleOf(dilationValues)});
  } else {
    if (llvm::any_of(dilationValues, [](int64_t d) { return d != 1; }))
      return op->emitError("the PyTorch target prints a sum pooling without "
                           "dilation only");
    // The window sum: avg_pool2d divided by 1.
    callLine(name, "torch.nn.functional.avg_pool2d",
             {*x, tupleOf(kernel), "stride=" + tupleOf(strideValues),
              "divisor_override=1"});
  }
  if (!isFillOf(init, isMax ? -INFINITY : 0)) {
    auto c = getTensorExpr(init, op);
    if (failed(c))
      return failure();
    std::string combined = newName();
    callLine(combined, isMax ? "torch.maximum" : "torch.add", {*c, name});
    name = combined;
  }
  bind(op->getResult(0), name);
  return success();
}

LogicalResult PyTorchEmitter::printConcat(tensor::ConcatOp op) {
  SmallVector<std::string> inputs;
  for (Value input : op.getInputs()) {
    auto e = getTensorExpr(input, op);
    if (failed(e))
      return failure();
    inputs.push_back(*e);
  }
  std::string name = newName();
  callLine(name, "torch.cat",
           {"(" + llvm::join(inputs, ", ") + (inputs.size() == 1 ? ",)" : ")"),
            "dim=" + std::to_string(op.getDim())});
  bind(op.getResult(), name);
  return success();
}

LogicalResult PyTorchEmitter::printExtractSlice(tensor::ExtractSliceOp op) {
  // One narrow() per dim whose window is not the whole dim.
  if (op.getSourceType().getRank() != op.getResultType().getRank())
    return op.emitError("the PyTorch target prints tensor.extract_slice "
                        "without rank reduction only");
  if (!op.hasUnitStride() ||
      llvm::any_of(op.getStaticOffsets(), ShapedType::isDynamic))
    return op.emitError("the PyTorch target prints tensor.extract_slice with "
                        "static offsets and unit strides only");
  auto in = getTensorExpr(op.getSource(), op);
  if (failed(in))
    return failure();
  std::string view = *in;
  ArrayRef<int64_t> sourceShape = op.getSourceType().getShape();
  for (auto [d, size] : llvm::enumerate(op.getMixedSizes())) {
    int64_t offset = op.getStaticOffsets()[d];
    std::string length;
    if (auto value = dyn_cast<Value>(size)) {
      auto e = getExpr(value, op);
      if (failed(e))
        return failure();
      length = *e;
    } else {
      int64_t staticSize = *getConstantIntValue(size);
      if (offset == 0 && staticSize == sourceShape[d])
        continue;
      length = std::to_string(staticSize);
    }
    view += ".narrow(" + std::to_string(d) + ", " + std::to_string(offset) +
            ", " + length + ")";
  }
  std::string name = newName();
  line(name + " = " + view);
  bind(op.getResult(), name);
  return success();
}

LogicalResult PyTorchEmitter::printBroadcast(linalg::BroadcastOp op) {
  auto in = getTensorExpr(op.getInput(), op);
  auto shape = getShapeExpr(op.getInit(), op);
  if (failed(in) || failed(shape))
    return failure();
  auto initType = cast<RankedTensorType>(op.getInit().getType());
  SmallVector<std::string> index;
  for (int64_t d = 0; d < initType.getRank(); ++d)
    index.push_back(llvm::is_contained(op.getDimensions(), d) ? "None" : ":");
  std::string name = newName();
  callLine(name, *in + "[" + llvm::join(index, ", ") + "].expand", {*shape});
  bind(op.getResult()[0], name);
  return success();
}

LogicalResult PyTorchEmitter::printPad(tensor::PadOp op) {
  SmallVector<int64_t> convolutionPadding;
  if (isConvolutionPadding(op, convolutionPadding))
    return success(); // printConv pads (the pad's only use)
  Value padValue = op.getConstantPaddingValue();
  if (!padValue)
    return op.emitError("the PyTorch target prints tensor.pad with a "
                        "constant padding value only");
  auto low = op.getStaticLow();
  auto high = op.getStaticHigh();
  if (llvm::any_of(low, ShapedType::isDynamic) ||
      llvm::any_of(high, ShapedType::isDynamic) ||
      llvm::any_of(low, [](int64_t v) { return v < 0; }) ||
      llvm::any_of(high, [](int64_t v) { return v < 0; }))
    return op.emitError("the PyTorch target prints static, non-negative "
                        "padding only");
  auto in = getTensorExpr(op.getSource(), op);
  auto value = getExpr(padValue, op);
  if (failed(in) || failed(value))
    return failure();
  // torch pads the last dim first.
  SmallVector<int64_t> pads;
  for (int64_t d = low.size() - 1; d >= 0; --d) {
    pads.push_back(low[d]);
    pads.push_back(high[d]);
  }
  std::string name = newName();
  callLine(name, "torch.nn.functional.pad",
           {*in, tupleOf(pads), "value=" + *value});
  bind(op.getResult(), name);
  return success();
}

/// collapse_shape, expand_shape and reshape all keep the row-major order of
/// the elements: torch.reshape with the result shape, a dynamic dim given by
/// its size where the IR has one, else by -1 (one at most).
LogicalResult PyTorchEmitter::printReshapeLike(Operation *op, Value source,
                                               Value result) {
  auto in = getTensorExpr(source, op);
  if (failed(in))
    return failure();
  auto type = cast<RankedTensorType>(result.getType());
  SmallVector<std::string> dims;
  SmallVector<OpFoldResult> mixed;
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op))
    mixed = expand.getMixedOutputShape();
  unsigned dynamicCount = 0;
  for (auto [i, d] : llvm::enumerate(type.getShape())) {
    if (!ShapedType::isDynamic(d)) {
      dims.push_back(std::to_string(d));
      continue;
    }
    if (!mixed.empty()) {
      if (auto v = dyn_cast<Value>(mixed[i])) {
        auto size = getExpr(v, op);
        if (failed(size))
          return failure();
        dims.push_back(*size);
        continue;
      }
    }
    if (auto reshape = dyn_cast<tensor::ReshapeOp>(op)) {
      if (auto from =
              reshape.getShape().getDefiningOp<tensor::FromElementsOp>()) {
        auto size = getExpr(from.getElements()[i], op);
        if (failed(size))
          return failure();
        dims.push_back(*size);
        continue;
      }
    }
    dims.push_back("-1");
    ++dynamicCount;
  }
  if (dynamicCount > 1)
    return op->emitError("the PyTorch target cannot print a reshape with "
                         "more than one unknown dim");
  std::string name = newName();
  callLine(name, "torch.reshape", {*in, tupleOf(dims)});
  bind(result, name);
  return success();
}

} // namespace

LogicalResult tritondsl::emitPyTorchModule(ModuleOp module,
                                              raw_ostream &os) {
  // Print into a buffer: nothing reaches `os` when an op is refused.
  std::string buffer;
  llvm::raw_string_ostream stream(buffer);
  PyTorchEmitter emitter(stream);
  if (failed(emitter.emitModule(module)))
    return failure();
  os << buffer;
  return success();
}

