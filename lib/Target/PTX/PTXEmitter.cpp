//===- PTXEmitter.cpp - The directory of --target=ptx ---------------------===//
//
// The PTX text comes from upstream gpu-module-to-binary (format=isa): this
// file prints no PTX. It copies the text out of the gpu.binary and describes
// each host function (memref ops and gpu.launch_func after ternary-gpu) as
// a launch manifest, a JSON list of buffers and steps whose sizes are
// expressions of the arguments' dims, so that a machine with a GPU but no
// MLIR can run it (runtime/cuda, triton_dsl.cuda). docs/targets/ptx.md
// describes the format.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Target/PTX/PTXTarget.h"
#include "tritondsl/Conversion/TernaryToGPU/Passes.h"

#include <cmath>

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace tritondsl;
namespace json = llvm::json;

namespace {
/// Weights and other constants are aligned in the .bin like cudaMalloc
/// allocations, so each one can be uploaded to its own buffer.
constexpr size_t kConstantAlignment = 256;

/// An expression of the arguments' dims in postfix form: integers, dims
/// "argI.D", and operators (docs/targets/ptx.md).
using Expr = json::Array;

Expr literal(int64_t value) { return Expr{value}; }

Expr binary(const Expr &lhs, const Expr &rhs, StringRef op) {
  Expr result = lhs;
  for (const json::Value &token : rhs)
    result.push_back(token);
  result.push_back(op);
  return result;
}

/// A memref as the runner sees it: a buffer, an offset in elements, sizes
/// and strides.
struct View {
  json::Object buffer;
  Expr offset;
  SmallVector<Expr> sizes, strides;

  json::Object toJSON() const {
    json::Array sizeArray, strideArray;
    for (const Expr &size : sizes)
      sizeArray.push_back(json::Array(size));
    for (const Expr &stride : strides)
      strideArray.push_back(json::Array(stride));
    return json::Object{{"buffer", json::Object(buffer)},
                        {"offset", json::Array(offset)},
                        {"sizes", std::move(sizeArray)},
                        {"strides", std::move(strideArray)}};
  }
};

/// Row-major strides of `sizes`.
SmallVector<Expr> identityStrides(ArrayRef<Expr> sizes) {
  SmallVector<Expr> strides(sizes.size());
  Expr stride = literal(1);
  for (int64_t dim = static_cast<int64_t>(sizes.size()) - 1; dim >= 0; --dim) {
    strides[dim] = stride;
    stride = binary(stride, sizes[dim], "*");
  }
  return strides;
}

/// "f32", "i8", ... or empty for an element the runner cannot hold.
std::string getDType(Type type) {
  if (type.isF32())
    return "f32";
  if (type.isF16())
    return "f16";
  if (type.isF64())
    return "f64";
  if (type.isIndex())
    return "i64";
  if (auto integer = dyn_cast<IntegerType>(type))
    if (llvm::is_contained({1u, 8u, 16u, 32u, 64u}, integer.getWidth()))
      return "i" + std::to_string(integer.getWidth());
  return {};
}

/// The bytes of a constant memref.global.
FailureOr<std::string> getConstantBytes(memref::GlobalOp global) {
  Attribute value = global.getInitialValueAttr();
  if (auto resource = dyn_cast_or_null<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return global.emitError("the data of @")
             << global.getSymName() << " is not loaded";
    ArrayRef<char> data = blob->getData();
    return std::string(data.begin(), data.end());
  }
  auto dense = dyn_cast_or_null<DenseElementsAttr>(value);
  if (!dense)
    return global.emitError("--target=ptx: @")
           << global.getSymName() << " has no constant initial value";
  Type element = dense.getElementType();
  unsigned width = element.isIndex() ? 64 : element.getIntOrFloatBitWidth();
  if (width == 1)
    width = 8; // i1 is a byte in memory.
  unsigned bytes = width / 8;
  int64_t count = dense.getNumElements();
  std::string data;
  data.reserve(count * bytes);
  auto append = [&](const APInt &bits) {
    APInt wide = bits.zextOrTrunc(width);
    for (unsigned i = 0; i < bytes; ++i)
      data.push_back(static_cast<char>(wide.extractBitsAsZExtValue(8, 8 * i)));
  };
  if (isa<FloatType>(element)) {
    for (const APFloat &v : dense.getValues<APFloat>())
      append(v.bitcastToAPInt());
  } else {
    for (const APInt &v : dense.getValues<APInt>())
      append(v);
  }
  return data;
}

/// The allocations of `body` (a host function's) that can be the
/// out-parameter they are copied into, so that the kernels write the result
/// in place and no temporary or device copy is left: an allocation of the
/// out-parameter's type whose one memref.copy user copies it whole into the
/// out-parameter, the parameter's only use, after which the block only
/// copies into out-parameters, deallocates and returns (nothing writes the
/// allocation any more). The runner allocates every out-parameter itself,
/// so none aliases an input.
DenseMap<Value, unsigned> findResultAllocs(func::FuncOp func, Block &body) {
  DenseMap<Value, unsigned> found;
  for (auto copy : body.getOps<memref::CopyOp>()) {
    auto target = dyn_cast<BlockArgument>(copy.getTarget());
    auto alloc = copy.getSource().getDefiningOp<memref::AllocOp>();
    if (!target || target.getOwner() != &body || !target.hasOneUse() ||
        !func.getArgAttr(target.getArgNumber(), "bufferize.result") ||
        !alloc || alloc->getBlock() != &body ||
        alloc.getType() != target.getType())
      continue;
    if (llvm::count_if(alloc->getUsers(), llvm::IsaPred<memref::CopyOp>) != 1)
      continue;
    bool last = llvm::all_of(
        llvm::make_range(std::next(copy->getIterator()), body.end()),
        [&](Operation &op) {
          if (auto later = dyn_cast<memref::CopyOp>(op)) {
            auto into = dyn_cast<BlockArgument>(later.getTarget());
            return into && into.getOwner() == &body &&
                   func.getArgAttr(into.getArgNumber(), "bufferize.result");
          }
          return isa<memref::DeallocOp, func::ReturnOp>(op);
        });
    if (last)
      found[alloc.getResult()] = target.getArgNumber();
  }
  return found;
}

/// Describes one host function.
class ManifestBuilder {
public:
  ManifestBuilder(ModuleOp module, std::string &constants,
                  json::Array &constantList,
                  llvm::StringMap<int64_t> &constantIndex)
      : module(module), constants(constants), constantList(constantList),
        constantIndex(constantIndex) {}

  FailureOr<json::Object> describe(func::FuncOp func);

private:
  FailureOr<Expr> scalar(Operation *user, Value value);
  FailureOr<View> view(Operation *user, Value value);
  LogicalResult visitBlock(Block &block, const Expr *when);
  LogicalResult visit(Operation &op, const Expr *when);
  LogicalResult visitLaunch(gpu::LaunchFuncOp launch, const Expr *when);
  FailureOr<int64_t> getConstant(memref::GetGlobalOp op);

  ModuleOp module;
  std::string &constants;
  json::Array &constantList;
  llvm::StringMap<int64_t> &constantIndex;
  DenseMap<Value, Expr> scalars;
  DenseMap<Value, double> floats;
  /// The function's float scalar arguments (their numbers).
  DenseMap<Value, int64_t> floatArguments;
  DenseMap<Value, View> views;
  /// The sizes of what is copied into each out-parameter.
  DenseMap<unsigned, SmallVector<Expr>> resultShapes;
  /// Allocations that are their function's out-parameter (the argument
  /// number): see findResultAllocs.
  DenseMap<Value, unsigned> resultAllocs;
  json::Array temporaries, steps;
};

FailureOr<Expr> ManifestBuilder::scalar(Operation *user, Value value) {
  auto it = scalars.find(value);
  if (it != scalars.end())
    return it->second;
  return user->emitError("--target=ptx: an operand of '")
         << user->getName()
         << "' is not a size the launch manifest can compute on the host";
}

FailureOr<View> ManifestBuilder::view(Operation *user, Value value) {
  auto it = views.find(value);
  if (it != views.end())
    return it->second;
  return user->emitError("--target=ptx: a buffer operand of '")
         << user->getName() << "' is not one the launch manifest knows";
}

FailureOr<int64_t> ManifestBuilder::getConstant(memref::GetGlobalOp op) {
  auto it = constantIndex.find(op.getName());
  if (it != constantIndex.end())
    return it->second;
  auto global = module.lookupSymbol<memref::GlobalOp>(op.getNameAttr());
  if (!global)
    return op.emitError("--target=ptx: no memref.global @") << op.getName();
  FailureOr<std::string> bytes = getConstantBytes(global);
  if (failed(bytes))
    return failure();
  size_t offset = llvm::alignTo(constants.size(), kConstantAlignment);
  constants.resize(offset, '\0');
  constants += *bytes;
  MemRefType type = global.getType();
  json::Array shape;
  for (int64_t size : type.getShape())
    shape.push_back(size);
  int64_t index = constantList.size();
  constantList.push_back(json::Object{
      {"name", global.getSymName()},
      {"dtype", getDType(type.getElementType())},
      {"shape", std::move(shape)},
      {"offset", static_cast<int64_t>(offset)},
      {"bytes", static_cast<int64_t>(bytes->size())}});
  constantIndex[op.getName()] = index;
  return index;
}

LogicalResult ManifestBuilder::visitLaunch(gpu::LaunchFuncOp launch,
                                           const Expr *when) {
  auto dims = [&](gpu::KernelDim3 sizes) -> FailureOr<json::Array> {
    json::Array result;
    for (Value size : {sizes.x, sizes.y, sizes.z}) {
      FailureOr<Expr> expr = scalar(launch, size);
      if (failed(expr))
        return failure();
      result.push_back(std::move(*expr));
    }
    return result;
  };
  FailureOr<json::Array> grid = dims(launch.getGridSizeOperandValues());
  FailureOr<json::Array> block = dims(launch.getBlockSizeOperandValues());
  if (failed(grid) || failed(block))
    return failure();
  if (launch.getClusterSizeX() || launch.getAsyncToken() ||
      !launch.getAsyncDependencies().empty())
    return launch.emitError(
        "--target=ptx: clusters and async launches are not supported");
  json::Array arguments;
  for (Value operand : launch.getKernelOperands()) {
    Type type = operand.getType();
    bool isFloat = isa<Float16Type, Float32Type, Float64Type>(type);
    if (isa<MemRefType>(type)) {
      FailureOr<View> v = view(launch, operand);
      if (failed(v))
        return failure();
      arguments.push_back(json::Object{{"memref", v->toJSON()}});
    } else if (type.isIntOrIndex()) {
      FailureOr<Expr> expr = scalar(launch, operand);
      if (failed(expr))
        return failure();
      unsigned width = type.isIndex() ? 64 : type.getIntOrFloatBitWidth();
      arguments.push_back(json::Object{
          {"i" + std::to_string(width == 1 ? 8 : width), std::move(*expr)}});
    } else if (isFloat && floatArguments.count(operand)) {
      // A scalar argument of the call, by value.
      arguments.push_back(json::Object{
          {getDType(type), json::Object{{"arg", floatArguments[operand]}}}});
    } else if (isFloat && floats.count(operand)) {
      // JSON has no infinities or NaNs: those are the strings "inf",
      // "-inf" and "nan" (a NaN initializes maxnumf reductions). A negative
      // zero is the string "-0": the number -0 would be read back as the
      // integer 0, and x * -0.0 is not x * 0.0 (1 / it is -inf for x > 0).
      double number = floats[operand];
      json::Value value = number;
      if (std::isnan(number))
        value = "nan";
      else if (std::isinf(number))
        value = number > 0 ? "inf" : "-inf";
      else if (number == 0 && std::signbit(number))
        value = "-0";
      arguments.push_back(json::Object{{getDType(type), std::move(value)}});
    } else {
      return launch.emitError("--target=ptx: a kernel argument of type ")
             << type << " is not supported by the launch manifest";
    }
  }
  json::Object step{{"launch", launch.getKernelName().getValue()},
                    {"module", launch.getKernelModuleName().getValue()},
                    {"grid", std::move(*grid)},
                    {"block", std::move(*block)},
                    {"args", std::move(arguments)}};
  if (Value shared = launch.getDynamicSharedMemorySize()) {
    FailureOr<Expr> expr = scalar(launch, shared);
    if (failed(expr))
      return failure();
    step["shared"] = std::move(*expr);
  }
  if (when)
    step["when"] = json::Array(*when);
  steps.push_back(std::move(step));
  return success();
}

LogicalResult ManifestBuilder::visitBlock(Block &block, const Expr *when) {
  for (Operation &op : block)
    if (failed(visit(op, when)))
      return failure();
  return success();
}

LogicalResult ManifestBuilder::visit(Operation &op, const Expr *when) {
  // Sizes and conditions.
  if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
    if (auto integer = dyn_cast<IntegerAttr>(constant.getValue())) {
      scalars[constant] = literal(constant.getType().isInteger(1)
                                      ? integer.getValue().getZExtValue()
                                      : integer.getValue().getSExtValue());
      return success();
    }
    if (auto number = dyn_cast<FloatAttr>(constant.getValue())) {
      floats[constant] = number.getValueAsDouble();
      return success();
    }
    // Tensor constants are globals by now; anything else is unused here.
    return success();
  }
  static const llvm::StringMap<StringRef> binaryOps = {
      {"arith.addi", "+"},        {"arith.subi", "-"},
      {"arith.muli", "*"},        {"arith.divui", "/"},
      {"arith.divsi", "/"},       {"arith.floordivsi", "/"},
      {"arith.ceildivui", "ceildiv"}, {"arith.ceildivsi", "ceildiv"},
      {"arith.remui", "%"},       {"arith.remsi", "%"},
      {"arith.minui", "min"},     {"arith.minsi", "min"},
      {"arith.maxui", "max"},     {"arith.maxsi", "max"},
      {"arith.andi", "*"},        {"arith.ori", "max"}};
  auto binaryIt = binaryOps.find(op.getName().getStringRef());
  if (binaryIt != binaryOps.end() && op.getNumOperands() == 2 &&
      op.getResult(0).getType().isIntOrIndex()) {
    if (op.getName().getStringRef() == "arith.andi" ||
        op.getName().getStringRef() == "arith.ori")
      if (!op.getResult(0).getType().isInteger(1))
        return op.emitError("--target=ptx: bitwise '")
               << op.getName() << "' on sizes is not supported on the host";
    FailureOr<Expr> lhs = scalar(&op, op.getOperand(0));
    FailureOr<Expr> rhs = scalar(&op, op.getOperand(1));
    if (failed(lhs) || failed(rhs))
      return failure();
    scalars[op.getResult(0)] = binary(*lhs, *rhs, binaryIt->second);
    return success();
  }
  if (auto cmp = dyn_cast<arith::CmpIOp>(op)) {
    FailureOr<Expr> lhs = scalar(&op, cmp.getLhs());
    FailureOr<Expr> rhs = scalar(&op, cmp.getRhs());
    if (failed(lhs) || failed(rhs))
      return failure();
    StringRef name;
    switch (cmp.getPredicate()) {
    case arith::CmpIPredicate::eq: name = "=="; break;
    case arith::CmpIPredicate::ne: name = "!="; break;
    case arith::CmpIPredicate::slt:
    case arith::CmpIPredicate::ult: name = "<"; break;
    case arith::CmpIPredicate::sle:
    case arith::CmpIPredicate::ule: name = "<="; break;
    case arith::CmpIPredicate::sgt:
    case arith::CmpIPredicate::ugt: name = ">"; break;
    case arith::CmpIPredicate::sge:
    case arith::CmpIPredicate::uge: name = ">="; break;
    }
    scalars[cmp] = binary(*lhs, *rhs, name);
    return success();
  }
  if (auto select = dyn_cast<arith::SelectOp>(op);
      select && select.getType().isIntOrIndex()) {
    FailureOr<Expr> c = scalar(&op, select.getCondition());
    FailureOr<Expr> t = scalar(&op, select.getTrueValue());
    FailureOr<Expr> f = scalar(&op, select.getFalseValue());
    if (failed(c) || failed(t) || failed(f))
      return failure();
    Expr result = binary(*c, *t, "");
    result.pop_back();
    scalars[select] = binary(result, *f, "select");
    return success();
  }
  if (isa<arith::IndexCastOp, arith::IndexCastUIOp, arith::ExtSIOp,
          arith::ExtUIOp, arith::TruncIOp>(op)) {
    FailureOr<Expr> in = scalar(&op, op.getOperand(0));
    if (failed(in))
      return failure();
    scalars[op.getResult(0)] = *in;
    return success();
  }
  if (auto dim = dyn_cast<memref::DimOp>(op)) {
    FailureOr<View> source = view(&op, dim.getSource());
    std::optional<int64_t> index = dim.getConstantIndex();
    if (failed(source))
      return failure();
    if (!index || *index < 0 ||
        *index >= static_cast<int64_t>(source->sizes.size()))
      return op.emitError("--target=ptx: memref.dim needs a constant index");
    scalars[dim] = source->sizes[*index];
    return success();
  }

  // Buffers and views.
  if (isa<memref::AllocOp, memref::AllocaOp>(op)) {
    auto type = cast<MemRefType>(op.getResult(0).getType());
    std::string dtype = getDType(type.getElementType());
    if (dtype.empty() || !type.getLayout().isIdentity())
      return op.emitError("--target=ptx: cannot allocate ") << type;
    View v;
    unsigned next = 0;
    for (int64_t size : type.getShape()) {
      if (ShapedType::isDynamic(size)) {
        FailureOr<Expr> expr = scalar(&op, op.getOperand(next++));
        if (failed(expr))
          return failure();
        v.sizes.push_back(*expr);
      } else {
        v.sizes.push_back(literal(size));
      }
    }
    v.strides = identityStrides(v.sizes);
    v.offset = literal(0);
    if (auto result = resultAllocs.find(op.getResult(0));
        result != resultAllocs.end()) {
      v.buffer = json::Object{{"arg", static_cast<int64_t>(result->second)}};
      views[op.getResult(0)] = std::move(v);
      return success();
    }
    v.buffer = json::Object{{"temp", static_cast<int64_t>(temporaries.size())}};
    json::Array shape;
    for (const Expr &size : v.sizes)
      shape.push_back(json::Array(size));
    temporaries.push_back(
        json::Object{{"dtype", dtype}, {"shape", std::move(shape)}});
    views[op.getResult(0)] = std::move(v);
    return success();
  }
  if (auto get = dyn_cast<memref::GetGlobalOp>(op)) {
    FailureOr<int64_t> index = getConstant(get);
    if (failed(index))
      return failure();
    View v;
    for (int64_t size : get.getType().getShape())
      v.sizes.push_back(literal(size));
    v.strides = identityStrides(v.sizes);
    v.offset = literal(0);
    v.buffer = json::Object{{"constant", *index}};
    views[get] = std::move(v);
    return success();
  }
  if (auto cast = dyn_cast<memref::CastOp>(op)) {
    FailureOr<View> source = view(&op, cast.getSource());
    if (failed(source))
      return failure();
    views[cast] = *source;
    return success();
  }
  if (isa<memref::CollapseShapeOp, memref::ExpandShapeOp>(op)) {
    FailureOr<View> source = view(&op, op.getOperand(0));
    if (failed(source))
      return failure();
    auto sourceType = cast<MemRefType>(op.getOperand(0).getType());
    auto type = cast<MemRefType>(op.getResult(0).getType());
    // A reshape of a strided view (a slice) keeps the strides its type
    // states; they must be static.
    bool identity =
        sourceType.getLayout().isIdentity() && type.getLayout().isIdentity();
    SmallVector<int64_t> strides;
    int64_t ignoredOffset;
    if (!identity &&
        (failed(type.getStridesAndOffset(strides, ignoredOffset)) ||
         llvm::any_of(strides, ShapedType::isDynamic)))
      return op.emitError(
          "--target=ptx: a reshape of a strided view with dynamic strides is "
          "not supported on the host");
    View v;
    v.buffer = source->buffer;
    v.offset = source->offset;
    if (auto collapse = dyn_cast<memref::CollapseShapeOp>(op)) {
      for (const ReassociationIndices &group :
           collapse.getReassociationIndices()) {
        Expr size = literal(1);
        for (int64_t dim : group)
          size = binary(size, source->sizes[dim], "*");
        v.sizes.push_back(size);
      }
    } else {
      auto expand = cast<memref::ExpandShapeOp>(op);
      for (OpFoldResult size : expand.getMixedOutputShape()) {
        if (auto attr = dyn_cast<Attribute>(size)) {
          v.sizes.push_back(literal(cast<IntegerAttr>(attr).getInt()));
          continue;
        }
        FailureOr<Expr> expr = scalar(&op, cast<Value>(size));
        if (failed(expr))
          return failure();
        v.sizes.push_back(*expr);
      }
    }
    if (identity) {
      v.strides = identityStrides(v.sizes);
    } else {
      for (int64_t stride : strides)
        v.strides.push_back(literal(stride));
    }
    views[op.getResult(0)] = std::move(v);
    return success();
  }
  if (auto subview = dyn_cast<memref::SubViewOp>(op)) {
    FailureOr<View> source = view(&op, subview.getSource());
    if (failed(source))
      return failure();
    auto value = [&](OpFoldResult fold) -> FailureOr<Expr> {
      if (auto attr = dyn_cast<Attribute>(fold))
        return literal(cast<IntegerAttr>(attr).getInt());
      return scalar(&op, cast<Value>(fold));
    };
    View v;
    v.buffer = source->buffer;
    v.offset = source->offset;
    llvm::SmallBitVector dropped = subview.getDroppedDims();
    SmallVector<OpFoldResult> offsets = subview.getMixedOffsets();
    SmallVector<OpFoldResult> sizes = subview.getMixedSizes();
    SmallVector<OpFoldResult> strides = subview.getMixedStrides();
    for (unsigned dim = 0; dim < offsets.size(); ++dim) {
      FailureOr<Expr> offset = value(offsets[dim]);
      FailureOr<Expr> size = value(sizes[dim]);
      FailureOr<Expr> stride = value(strides[dim]);
      if (failed(offset) || failed(size) || failed(stride))
        return failure();
      v.offset =
          binary(v.offset, binary(*offset, source->strides[dim], "*"), "+");
      if (dropped.test(dim))
        continue;
      v.sizes.push_back(*size);
      v.strides.push_back(binary(*stride, source->strides[dim], "*"));
    }
    views[subview] = std::move(v);
    return success();
  }

  // Steps.
  if (auto launch = dyn_cast<gpu::LaunchFuncOp>(op))
    return visitLaunch(launch, when);
  if (auto copy = dyn_cast<memref::CopyOp>(op)) {
    FailureOr<View> from = view(&op, copy.getSource());
    FailureOr<View> to = view(&op, copy.getTarget());
    if (failed(from) || failed(to))
      return failure();
    // An out-parameter's shape is the shape of what is copied into it.
    if (auto arg = dyn_cast<BlockArgument>(copy.getTarget()))
      resultShapes[arg.getArgNumber()] = from->sizes;
    if (resultAllocs.contains(copy.getSource()))
      return success(); // The allocation is the out-parameter.
    json::Object step{{"copy", json::Object{{"from", from->toJSON()},
                                            {"to", to->toJSON()}}}};
    if (when)
      step["when"] = json::Array(*when);
    steps.push_back(std::move(step));
    return success();
  }
  if (auto ifOp = dyn_cast<scf::IfOp>(op)) {
    if (ifOp.getNumResults())
      return op.emitError(
          "--target=ptx: an scf.if with results cannot run on the host");
    FailureOr<Expr> condition = scalar(&op, ifOp.getCondition());
    if (failed(condition))
      return failure();
    Expr thenWhen = when ? binary(*when, *condition, "*") : *condition;
    Expr negated = binary(*condition, literal(0), "==");
    Expr elseWhen = when ? binary(*when, negated, "*") : negated;
    if (failed(visitBlock(ifOp.getThenRegion().front(), &thenWhen)))
      return failure();
    if (!ifOp.getElseRegion().empty() &&
        failed(visitBlock(ifOp.getElseRegion().front(), &elseWhen)))
      return failure();
    return success();
  }
  if (isa<scf::YieldOp, memref::DeallocOp>(op))
    return success();
  // The device's SM count (a persistent kernel's grid): the runner's "sms".
  if (auto call = dyn_cast<func::CallOp>(op);
      call && call.getCallee() == kMultiprocessorCountFunction &&
      call.getNumResults() == 1 && call.getResult(0).getType().isIndex()) {
    scalars[call.getResult(0)] = Expr{"sms"};
    return success();
  }
  if (auto ret = dyn_cast<func::ReturnOp>(op)) {
    if (ret.getNumOperands())
      return op.emitError("--target=ptx: host functions return through "
                          "out-parameters only");
    return success();
  }
  return op.emitError("--target=ptx: '")
         << op.getName()
         << "' cannot run on the host: the launch manifest describes "
            "buffers, views, copies and kernel launches only";
}

FailureOr<json::Object> ManifestBuilder::describe(func::FuncOp func) {
  Block &body = func.getBody().front();
  struct Argument {
    std::string dtype;
    SmallVector<Expr> shape;
    std::string param;
    bool output = false, scalar = false;
  };
  SmallVector<Argument> arguments;
  for (BlockArgument arg : body.getArguments()) {
    unsigned i = arg.getArgNumber();
    auto type = dyn_cast<MemRefType>(arg.getType());
    Argument &info = arguments.emplace_back();
    // A scalar (f32 s, i32 n, ...) is passed by value: an integer is the
    // size "argI", a float a kernel argument {"f32": {"arg": I}}.
    info.scalar = arg.getType().isIntOrFloat();
    info.dtype = getDType(type ? type.getElementType() : arg.getType());
    if (info.dtype.empty() || (!type && !info.scalar) ||
        (type && !type.getLayout().isIdentity()))
      return func.emitError("--target=ptx: argument ")
             << i << " of type " << arg.getType()
             << " cannot be passed by the runner";
    if (info.scalar) {
      if (isa<IntegerType>(arg.getType()))
        scalars[arg] = Expr{("arg" + Twine(i)).str()};
      else
        floatArguments[arg] = i;
      continue;
    }
    View v;
    for (auto [dim, size] : llvm::enumerate(type.getShape()))
      v.sizes.push_back(ShapedType::isDynamic(size)
                            ? Expr{("arg" + Twine(i) + "." + Twine(dim)).str()}
                            : literal(size));
    v.strides = identityStrides(v.sizes);
    v.offset = literal(0);
    v.buffer = json::Object{{"arg", static_cast<int64_t>(i)}};
    info.shape = v.sizes;
    views[arg] = std::move(v);
    if (auto param = func.getArgAttrOfType<SymbolRefAttr>(i, "ternary.param"))
      info.param = (param.getRootReference().getValue() + "." +
                    param.getLeafReference().getValue())
                       .str();
    info.output = static_cast<bool>(func.getArgAttr(i, "bufferize.result"));
  }
  resultAllocs = findResultAllocs(func, body);
  if (failed(visitBlock(body, /*when=*/nullptr)))
    return failure();

  json::Array argumentList;
  for (auto [i, info] : llvm::enumerate(arguments)) {
    if (info.output) {
      auto found = resultShapes.find(i);
      for (auto [dim, size] : llvm::enumerate(info.shape)) {
        if (size.size() == 1 && size.front().getAsString()) {
          if (found == resultShapes.end())
            return func.emitError("--target=ptx: the size of dim ")
                   << dim << " of result argument " << i
                   << " is not computable from the inputs";
          size = found->second[dim];
        }
      }
    }
    json::Array shape;
    for (const Expr &size : info.shape)
      shape.push_back(json::Array(size));
    json::Object object{{"dtype", info.dtype},
                        {"shape", std::move(shape)},
                        {"role", info.output          ? "output"
                                 : info.scalar        ? "scalar"
                                 : info.param.empty() ? "input"
                                                      : "param"}};
    if (!info.param.empty())
      object["param"] = info.param;
    argumentList.push_back(std::move(object));
  }
  json::Object result{{"name", func.getSymName()},
                      {"arguments", std::move(argumentList)},
                      {"temporaries", std::move(temporaries)},
                      {"steps", std::move(steps)}};
  if (auto origin = func->getAttrOfType<SymbolRefAttr>("ternary.origin")) {
    result["layer"] = origin.getRootReference().getValue();
    result["function"] = origin.getLeafReference().getValue();
  }
  return result;
}

} // namespace

LogicalResult tritondsl::emitPTXDirectory(ModuleOp module,
                                          SmallVectorImpl<TargetFile> &files,
                                          bool emulator) {
  std::string name = getProgramName(module);
  // The kernels: one gpu.binary (ternary-gpu merges the gpu.modules), or
  // for the emulator the one gpu.module.
  SmallVector<gpu::BinaryOp> binaries(module.getOps<gpu::BinaryOp>());
  SmallVector<gpu::GPUModuleOp> gpuModules(module.getOps<gpu::GPUModuleOp>());
  std::string emulatorObject;
  if (emulator) {
    if (!binaries.empty())
      return binaries.front().emitError(
          "--emit=emulator: the kernels were compiled to a gpu.binary; run "
          "ternary-gpu{emulator=true}");
    if (gpuModules.size() > 1)
      return gpuModules[1].emitError(
          "--emit=emulator: expected one gpu.module (the merged kernels)");
    if (!gpuModules.empty() &&
        failed(emitGPUEmulatorObject(gpuModules.front(), emulatorObject)))
      return failure();
  } else if (!gpuModules.empty()) {
    return gpuModules.front().emitError(
        "--target=ptx: a gpu.module was not compiled; run the ternary-gpu "
        "pipeline first");
  }
  if (binaries.size() > 1)
    return binaries[1].emitError(
        "--target=ptx: expected one gpu.binary (the merged kernels)");
  std::string chip, ptx, moduleName;
  if (!binaries.empty()) {
    gpu::BinaryOp binary = binaries.front();
    moduleName = binary.getSymName().str();
    auto object = cast<gpu::ObjectAttr>(binary.getObjects()[0]);
    if (object.getFormat() != gpu::CompilationTarget::Assembly)
      return binary.emitError(
          "--target=ptx: the kernels were not compiled to PTX (format=isa)");
    if (auto target = dyn_cast<NVVM::NVVMTargetAttr>(object.getTarget()))
      chip = target.getChip().str();
    ptx = object.getObject().getValue().str();
    // A kernel that calls libdevice with no toolkit found to link it.
    size_t position = ptx.find(".extern .func");
    if (position != std::string::npos) {
      size_t end = ptx.find('(', position);
      return binary.emitError("--target=ptx: the kernels call an undefined "
                              "function (")
             << StringRef(ptx).slice(position, end).trim()
             << "): libdevice was not linked; set CUDA_PATH to a CUDA "
                "toolkit that has nvvm/libdevice/libdevice.10.bc";
    }
  }

  std::string constants;
  json::Array constantList;
  llvm::StringMap<int64_t> constantIndex;
  json::Array functions;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isPrivate() || func.isExternal())
      continue;
    ManifestBuilder builder(module, constants, constantList, constantIndex);
    FailureOr<json::Object> described = builder.describe(func);
    if (failed(described))
      return failure();
    functions.push_back(std::move(*described));
  }
  if (functions.empty())
    return module.emitError("--target=ptx: the program has no function");

  if (emulator && !gpuModules.empty())
    moduleName = gpuModules.front().getSymName().str();
  json::Object manifest{{"version", 1},
                        {"name", name},
                        {"ptx", ptx.empty() ? json::Value(nullptr)
                                            : json::Value(name + ".ptx")},
                        {"module", moduleName},
                        {"chip", chip},
                        {"weights", constants.empty()
                                        ? json::Value(nullptr)
                                        : json::Value(name + ".weights.bin")},
                        {"constants", std::move(constantList)},
                        {"functions", std::move(functions)}};
  if (!emulatorObject.empty()) {
    manifest["emulator"] = name + ".emulator.o";
    files.push_back({name + ".emulator.o", std::move(emulatorObject)});
  }
  if (!ptx.empty())
    files.push_back({name + ".ptx", std::move(ptx)});
  if (!constants.empty())
    files.push_back({name + ".weights.bin", std::move(constants)});
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", json::Value(std::move(manifest))) << "\n";
  files.push_back({name + ".json", std::move(text)});
  return success();
}
