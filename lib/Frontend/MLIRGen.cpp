//===- MLIRGen.cpp - From the checked AST to MLIR -------------------------===//
//
// Expressions are emitted in post-order with an explicit stack, in source
// order. Elementwise arithmetic with broadcasting becomes linalg.generic on
// tensors (arith/math in the body); symbolic dims are dynamic (`?`) and their
// sizes come from `tensor.dim` of the argument that binds them, emitted once
// at the top of the function.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Frontend/MLIRGen.h"

#include "tritondsl/Dialect/Ternary/IR/TernaryOps.h"
#include "tritondsl/Frontend/Sema.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Verifier.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace tritondsl::frontend;

void tritondsl::frontend::registerFrontendDialects(
    DialectRegistry &registry) {
  ternary::registerTernaryDialect(registry);
  registry.insert<arith::ArithDialect, func::FuncDialect, linalg::LinalgDialect,
                  math::MathDialect, tensor::TensorDialect>();
}

namespace {

/// One operand of an elementwise computation: a tensor (read through an
/// indexing map) or a scalar (used directly in the body).
struct ElementwiseOperand {
  Value value;
  bool isTensor = false;
  llvm::SmallVector<Dim, 4> dims;
};

using BodyBuilder =
    llvm::function_ref<Value(OpBuilder &, mlir::Location, ArrayRef<Value>)>;

class MLIRGenerator {
public:
  MLIRGenerator(MLIRContext &context, StringRef filename)
      : context(context), builder(&context),
        filename(StringAttr::get(&context, filename)) {}

  OwningOpRef<ModuleOp> generate(const ModuleAST &moduleAST);

private:
  // Locations and types.
  mlir::Location loc(SourceLoc sourceLoc) {
    return FileLineColLoc::get(filename, sourceLoc.line, sourceLoc.column);
  }
  Type getElementType(ElementType element);
  Type getType(const DslType &type);
  RankedTensorType getTensorType(const DslType &type);
  FunctionType getFunctionType(const FunctionAST &function);

  // Structure.
  void emitLayer(const LayerAST &layer);
  void emitFunction(const FunctionAST &function);
  void emitStatement(const StmtAST &stmt);

  // Values.
  Value emitExpression(const ExprAST &root);
  void pushOperands(const ExprAST &expr,
                    llvm::SmallVectorImpl<std::pair<const ExprAST *, bool>> &);
  Value emitNode(const ExprAST &expr);
  Value emitVariable(const VariableExprAST &expr);
  Value emitUnary(const UnaryExprAST &expr);
  Value emitBinary(const BinaryExprAST &expr);
  Value emitMatMul(const BinaryExprAST &expr);
  Value emitCall(const CallExprAST &expr);
  Value emitBuiltin(const CallExprAST &expr);

  /// The value of an operand expression, with a constant materialized in
  /// `element` when the expression is a literal.
  Value operandValue(const ExprAST &expr, Type element, mlir::Location at);
  /// Emits `expr` for a variable or result of type `target`: a ternary
  /// value stays packed only when `target` is ternary too.
  Value valueAs(const ExprAST &expr, const DslType &target);
  /// `expr` as a float/integer tensor: ternary values are unpacked and
  /// converted (trit t becomes the float t).
  Value tensorValue(const ExprAST &expr, mlir::Location at);
  Value tritsToFloat(Value packed, mlir::Location at);
  Value constantScalar(double value, Type element, mlir::Location at);
  Value constantScalar(const ConstantValue &value, Type element,
                       mlir::Location at);
  Value convertTo(Value value, Type type, mlir::Location at);

  // Shapes.
  Value getSymbolSize(StringRef symbol);
  OpFoldResult getDimSize(const Dim &dim);
  SmallVector<Value> getDynamicSizes(ArrayRef<Dim> dims);
  Value emptyTensor(const DslType &type, mlir::Location at);
  Value zeroFilled(const DslType &type, mlir::Location at);
  Value dimAsFloat(Value tensor, const DslType &type, int64_t dim,
                   Type element, mlir::Location at);

  // Computations.
  Value emitElementwise(const DslType &resultType,
                        ArrayRef<ElementwiseOperand> operands,
                        mlir::Location at, BodyBuilder body);
  /// A linalg.generic of all-parallel loops producing `resultType`; the body
  /// may use values from outside (scalars).
  Value emitGeneric(const DslType &resultType, ArrayRef<Value> inputs,
                    ArrayRef<AffineMap> inputMaps, mlir::Location at,
                    BodyBuilder body);
  Value emitReduction(Builtin kind, Value input, const DslType &inputType,
                      int64_t dim, mlir::Location at);
  Value emitLayerNorm(const CallExprAST &expr, mlir::Location at);
  Value emitConv2D(const CallExprAST &expr, mlir::Location at);
  Value emitPool2D(const CallExprAST &expr, mlir::Location at);
  /// `input` ([N, C, H, W] of `type`) padded by `padding` on both sides of
  /// H and W with `padAttr`; `input` itself when `padding` is 0.
  Value padSpatial(Value input, const DslType &type, int64_t padding,
                   TypedAttr padAttr, mlir::Location at);

  MLIRContext &context;
  OpBuilder builder;
  StringAttr filename;

  // The function being emitted.
  const LayerAST *currentLayer = nullptr;
  Block *entryBlock = nullptr;
  llvm::StringMap<Value> variables;
  llvm::StringMap<Value> paramValues;
  llvm::StringMap<std::pair<Value, int64_t>> symbolSources;
  llvm::StringMap<Value> symbolSizes;
  llvm::DenseMap<const ExprAST *, Value> values;
};
} // namespace

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

Type MLIRGenerator::getElementType(ElementType element) {
  switch (element) {
  case ElementType::Bool:
    return builder.getI1Type();
  case ElementType::I8:
    return builder.getI8Type();
  case ElementType::I16:
    return builder.getI16Type();
  case ElementType::I32:
    return builder.getI32Type();
  case ElementType::I64:
    return builder.getI64Type();
  case ElementType::F16:
    return builder.getF16Type();
  case ElementType::BF16:
    return builder.getBF16Type();
  case ElementType::F32:
    return builder.getF32Type();
  case ElementType::F64:
    return builder.getF64Type();
  }
  return builder.getF32Type();
}

static SmallVector<int64_t> getShape(ArrayRef<Dim> dims) {
  SmallVector<int64_t> shape;
  for (const Dim &dim : dims)
    shape.push_back(dim.isSymbolic() ? ShapedType::kDynamic : dim.size);
  return shape;
}

RankedTensorType MLIRGenerator::getTensorType(const DslType &type) {
  Type element = type.isTernary() ? builder.getF32Type()
                                  : getElementType(type.element);
  return RankedTensorType::get(getShape(type.dims), element);
}

Type MLIRGenerator::getType(const DslType &type) {
  if (type.isScalar())
    return getElementType(type.element);
  if (type.isTernary())
    return ternary::PackedTensorType::get(&context, getShape(type.dims));
  return getTensorType(type);
}

FunctionType MLIRGenerator::getFunctionType(const FunctionAST &function) {
  SmallVector<Type> inputs;
  for (const ArgumentAST &arg : function.getArgs())
    inputs.push_back(getType(arg.type.type));
  return builder.getFunctionType(inputs,
                                 getType(function.getResultType().type));
}

//===----------------------------------------------------------------------===//
// Structure
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> MLIRGenerator::generate(const ModuleAST &moduleAST) {
  mlir::Location fileLoc = FileLineColLoc::get(filename, 1, 1);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  builder.setInsertionPointToEnd(module->getBody());
  for (const auto &layer : moduleAST.getLayers())
    emitLayer(*layer);
  return module;
}

void MLIRGenerator::emitLayer(const LayerAST &layer) {
  OpBuilder::InsertionGuard guard(builder);
  auto layerOp = ternary::LayerOp::create(builder, loc(layer.getLoc()),
                                          layer.getName());
  builder.setInsertionPointToEnd(&layerOp.getBodyBlock());
  currentLayer = &layer;
  for (const auto &param : layer.getParams())
    ternary::ParamOp::create(builder, loc(param->getLoc()), param->getName(),
                             getType(param->getType().type),
                             /*initial_value=*/ElementsAttr());
  for (const auto &function : layer.getFunctions())
    emitFunction(*function);
}

void MLIRGenerator::emitFunction(const FunctionAST &function) {
  OpBuilder::InsertionGuard guard(builder);
  auto funcOp = func::FuncOp::create(builder, loc(function.getLoc()),
                                     function.getName(),
                                     getFunctionType(function));
  SmallVector<mlir::Location> argLocs;
  for (const ArgumentAST &arg : function.getArgs())
    argLocs.push_back(loc(arg.loc));
  entryBlock = builder.createBlock(&funcOp.getBody(), {},
                                   funcOp.getFunctionType().getInputs(),
                                   argLocs);
  variables.clear();
  paramValues.clear();
  symbolSources.clear();
  symbolSizes.clear();
  values.clear();
  for (auto [index, arg] : llvm::enumerate(function.getArgs())) {
    variables[arg.name] = entryBlock->getArgument(index);
    for (auto [dimIndex, dim] : llvm::enumerate(arg.type.type.dims))
      if (dim.isSymbolic())
        symbolSources.try_emplace(
            dim.symbol, entryBlock->getArgument(index), int64_t(dimIndex));
  }
  for (const StmtPtr &stmt : function.getBody())
    emitStatement(*stmt);
}

void MLIRGenerator::emitStatement(const StmtAST &stmt) {
  if (auto *let = llvm::dyn_cast<LetStmtAST>(&stmt)) {
    const ExprAST &value = let->getValue();
    // A literal bound to a declared scalar type is materialized in it.
    if (value.type.isLiteral() && let->getDeclaredType() &&
        let->getDeclaredType()->type.isScalar()) {
      variables[let->getName()] = constantScalar(
          *value.constant,
          getElementType(let->getDeclaredType()->type.element),
          loc(value.getLoc()));
      return;
    }
    variables[let->getName()] = valueAs(value, let->getDeclaredType()
                                                   ? let->getDeclaredType()->type
                                                   : value.type);
    return;
  }
  if (auto *assign = llvm::dyn_cast<AssignStmtAST>(&stmt)) {
    // The name now denotes a new SSA value of the type Sema chose.
    const ExprAST &value = assign->getValue();
    const DslType &target = assign->targetType;
    Value &variable = variables[assign->getName()];
    if (!value.type.isLiteral())
      variable = valueAs(value, target);
    else if (target.isScalar())
      variable = constantScalar(*value.constant, getElementType(target.element),
                                loc(value.getLoc()));
    else
      variable = {}; // a compile-time constant, folded where it is read
    return;
  }
  auto &ret = llvm::cast<ReturnStmtAST>(stmt);
  auto funcOp = cast<func::FuncOp>(entryBlock->getParentOp());
  Type resultType = funcOp.getFunctionType().getResult(0);
  mlir::Location at = loc(ret.getValue().getLoc());
  Value result =
      ret.getValue().type.isLiteral()
          ? constantScalar(*ret.getValue().constant, resultType, at)
          : convertTo(valueAs(ret.getValue(), DslType::error()), resultType,
                      at);
  func::ReturnOp::create(builder, loc(ret.getLoc()), result);
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

/// Whether `expr` is a symbolic dim passed to reshape or expand (no value
/// to emit).
static bool isReshapeDim(const CallExprAST &call, size_t index) {
  if ((call.builtin != Builtin::Reshape && call.builtin != Builtin::Expand) ||
      index == 0)
    return false;
  return llvm::isa<VariableExprAST>(call.getArgs()[index].value.get()) &&
         call.getArgs()[index].value->type.isError();
}

void MLIRGenerator::pushOperands(
    const ExprAST &expr,
    llvm::SmallVectorImpl<std::pair<const ExprAST *, bool>> &stack) {
  auto push = [&](const ExprAST &operand) {
    // Literals have no value: they are materialized where they are used.
    if (!operand.type.isLiteral())
      stack.push_back({&operand, false});
  };
  if (auto *unary = llvm::dyn_cast<UnaryExprAST>(&expr)) {
    push(unary->getOperand());
  } else if (auto *binary = llvm::dyn_cast<BinaryExprAST>(&expr)) {
    push(binary->getRHS());
    push(binary->getLHS());
  } else if (auto *call = llvm::dyn_cast<CallExprAST>(&expr)) {
    for (size_t i = call->getArgs().size(); i-- > 0;)
      if (!isReshapeDim(*call, i))
        push(*call->getArgs()[i].value);
  }
}

Value MLIRGenerator::emitExpression(const ExprAST &root) {
  // A constant has no value of its own: it is materialized where it is used.
  if (root.type.isLiteral())
    return {};
  llvm::SmallVector<std::pair<const ExprAST *, bool>, 16> stack{{&root, false}};
  while (!stack.empty()) {
    auto [expr, operandsDone] = stack.pop_back_val();
    if (!operandsDone) {
      stack.push_back({expr, true});
      pushOperands(*expr, stack);
      continue;
    }
    values[expr] = emitNode(*expr);
  }
  return values.lookup(&root);
}

Value MLIRGenerator::emitNode(const ExprAST &expr) {
  switch (expr.getKind()) {
  case ExprAST::Kind::Number:
  case ExprAST::Kind::Bool:
    return {};
  case ExprAST::Kind::Variable:
    return emitVariable(llvm::cast<VariableExprAST>(expr));
  case ExprAST::Kind::Unary:
    return emitUnary(llvm::cast<UnaryExprAST>(expr));
  case ExprAST::Kind::Binary:
    return emitBinary(llvm::cast<BinaryExprAST>(expr));
  case ExprAST::Kind::Call:
    return emitCall(llvm::cast<CallExprAST>(expr));
  }
  return {};
}

Value MLIRGenerator::emitVariable(const VariableExprAST &expr) {
  if (const ParamAST *param = expr.param) {
    // One read per function; later uses share it.
    Value &value = paramValues[param->getName()];
    if (!value)
      value = ternary::GetParamOp::create(builder, loc(expr.getLoc()),
                                          getType(param->getType().type),
                                          param->getName());
    return value;
  }
  return variables.lookup(expr.getName());
}

Value MLIRGenerator::constantScalar(double value, Type element,
                                    mlir::Location at) {
  TypedAttr attr;
  if (isa<FloatType>(element))
    attr = builder.getFloatAttr(element, value);
  else
    attr = builder.getIntegerAttr(element, int64_t(value));
  return arith::ConstantOp::create(builder, at, attr);
}

Value MLIRGenerator::constantScalar(const ConstantValue &value, Type element,
                                    mlir::Location at) {
  if (isa<FloatType>(element) || value.isFloat)
    return constantScalar(value.asDouble(), element, at);
  return arith::ConstantOp::create(
      builder, at, builder.getIntegerAttr(element, value.intValue));
}

Value MLIRGenerator::tritsToFloat(Value packed, mlir::Location at) {
  auto packedType = cast<ternary::PackedTensorType>(packed.getType());
  Value trits = ternary::UnpackOp::create(
      builder, at, packedType.getTritTensorType(), packed);
  auto scalarType = RankedTensorType::get({}, builder.getF32Type());
  Value one = arith::ConstantOp::create(
      builder, at,
      DenseElementsAttr::get(scalarType, builder.getF32FloatAttr(1.0f)));
  auto resultType =
      RankedTensorType::get(packedType.getShape(), builder.getF32Type());
  return ternary::DequantizeOp::create(builder, at, resultType, trits, one,
                                       IntegerAttr());
}

Value MLIRGenerator::tensorValue(const ExprAST &expr, mlir::Location at) {
  Value value = values.lookup(&expr);
  if (expr.type.isTernary())
    return tritsToFloat(value, at);
  return value;
}

Value MLIRGenerator::valueAs(const ExprAST &expr, const DslType &target) {
  Value value = emitExpression(expr);
  if (value && expr.type.isTernary() && !target.isTernary())
    return tritsToFloat(value, loc(expr.getLoc()));
  return value;
}

Value MLIRGenerator::operandValue(const ExprAST &expr, Type element,
                                  mlir::Location at) {
  // A constant is located at the literal (or constant expression) itself.
  if (expr.type.isLiteral())
    return constantScalar(*expr.constant, element, loc(expr.getLoc()));
  if (expr.type.isTernary())
    return tensorValue(expr, at);
  return values.lookup(&expr);
}

Value MLIRGenerator::convertTo(Value value, Type type, mlir::Location at) {
  if (!value || value.getType() == type)
    return value;
  if (isa<RankedTensorType>(value.getType()) && isa<RankedTensorType>(type))
    return tensor::CastOp::create(builder, at, type, value);
  return value;
}

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

Value MLIRGenerator::getSymbolSize(StringRef symbol) {
  Value &size = symbolSizes[symbol];
  if (size)
    return size;
  auto [source, dim] = symbolSources.lookup(symbol);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(entryBlock);
  size = tensor::DimOp::create(builder, source.getLoc(), source, dim);
  return size;
}

OpFoldResult MLIRGenerator::getDimSize(const Dim &dim) {
  if (dim.isSymbolic())
    return getSymbolSize(dim.symbol);
  return builder.getIndexAttr(dim.size);
}

SmallVector<Value> MLIRGenerator::getDynamicSizes(ArrayRef<Dim> dims) {
  SmallVector<Value> sizes;
  for (const Dim &dim : dims)
    if (dim.isSymbolic())
      sizes.push_back(getSymbolSize(dim.symbol));
  return sizes;
}

Value MLIRGenerator::emptyTensor(const DslType &type, mlir::Location at) {
  RankedTensorType tensorType = getTensorType(type);
  return tensor::EmptyOp::create(builder, at, tensorType.getShape(),
                                 tensorType.getElementType(),
                                 getDynamicSizes(type.dims));
}

Value MLIRGenerator::zeroFilled(const DslType &type, mlir::Location at) {
  Value empty = emptyTensor(type, at);
  Type element = cast<RankedTensorType>(empty.getType()).getElementType();
  Value zero = arith::ConstantOp::create(builder, at,
                                         builder.getZeroAttr(element));
  return linalg::FillOp::create(builder, at, ValueRange{zero},
                                ValueRange{empty})
      .getResult(0);
}

Value MLIRGenerator::dimAsFloat(Value tensor, const DslType &type, int64_t dim,
                                Type element, mlir::Location at) {
  const Dim &size = type.dims[dim];
  if (!size.isSymbolic())
    return constantScalar(double(size.size), element, at);
  Value index = tensor::DimOp::create(builder, at, tensor, dim);
  Value integer = arith::IndexCastOp::create(builder, at,
                                             builder.getI64Type(), index);
  return arith::SIToFPOp::create(builder, at, element, integer);
}

//===----------------------------------------------------------------------===//
// Elementwise computations
//===----------------------------------------------------------------------===//

Value MLIRGenerator::emitGeneric(const DslType &resultType,
                                 ArrayRef<Value> inputs,
                                 ArrayRef<AffineMap> inputMaps,
                                 mlir::Location at, BodyBuilder body) {
  int64_t rank = resultType.getRank();
  Value init = emptyTensor(resultType, at);
  SmallVector<AffineMap> maps(inputMaps.begin(), inputMaps.end());
  maps.push_back(builder.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      builder, at, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nested, mlir::Location nestedLoc,
                     ValueRange args) {
        SmallVector<Value> inputArgs(args.drop_back());
        Value result = body(nested, nestedLoc, inputArgs);
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

Value MLIRGenerator::emitElementwise(const DslType &resultType,
                                     ArrayRef<ElementwiseOperand> operands,
                                     mlir::Location at, BodyBuilder body) {
  if (!resultType.isShaped()) {
    SmallVector<Value> scalars;
    for (const ElementwiseOperand &operand : operands)
      scalars.push_back(operand.value);
    return body(builder, at, scalars);
  }
  // Tensors are read through broadcasting maps (trailing dims aligned, a
  // static 1 against a larger dim reads index 0); scalars are captured.
  int64_t rank = resultType.getRank();
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (const ElementwiseOperand &operand : operands) {
    if (!operand.isTensor)
      continue;
    int64_t operandRank = operand.dims.size();
    SmallVector<AffineExpr> exprs;
    for (int64_t i = 0; i < operandRank; ++i) {
      int64_t loop = rank - operandRank + i;
      if (operand.dims[i].isStatic(1) && !resultType.dims[loop].isStatic(1))
        exprs.push_back(builder.getAffineConstantExpr(0));
      else
        exprs.push_back(builder.getAffineDimExpr(loop));
    }
    inputs.push_back(operand.value);
    maps.push_back(AffineMap::get(rank, 0, exprs, &context));
  }
  return emitGeneric(
      resultType, inputs, maps, at,
      [&](OpBuilder &nested, mlir::Location nestedLoc, ArrayRef<Value> args) {
        SmallVector<Value> scalars;
        size_t next = 0;
        for (const ElementwiseOperand &operand : operands)
          scalars.push_back(operand.isTensor ? args[next++] : operand.value);
        return body(nested, nestedLoc, scalars);
      });
}

static Value emitArith(OpBuilder &b, mlir::Location at, BinaryOp op, Value lhs,
                       Value rhs) {
  bool isFloat = isa<FloatType>(lhs.getType());
  switch (op) {
  case BinaryOp::Add:
    return isFloat ? Value(arith::AddFOp::create(b, at, lhs, rhs))
                   : Value(arith::AddIOp::create(b, at, lhs, rhs));
  case BinaryOp::Sub:
    return isFloat ? Value(arith::SubFOp::create(b, at, lhs, rhs))
                   : Value(arith::SubIOp::create(b, at, lhs, rhs));
  case BinaryOp::Mul:
  case BinaryOp::MatMul:
    return isFloat ? Value(arith::MulFOp::create(b, at, lhs, rhs))
                   : Value(arith::MulIOp::create(b, at, lhs, rhs));
  case BinaryOp::Div:
    return isFloat ? Value(arith::DivFOp::create(b, at, lhs, rhs))
                   : Value(arith::DivSIOp::create(b, at, lhs, rhs));
  }
  return lhs;
}

static Value emitConstantIn(OpBuilder &b, mlir::Location at, double value,
                            Type type) {
  if (isa<FloatType>(type))
    return arith::ConstantOp::create(b, at, b.getFloatAttr(type, value));
  return arith::ConstantOp::create(b, at,
                                   b.getIntegerAttr(type, int64_t(value)));
}

Value MLIRGenerator::emitUnary(const UnaryExprAST &expr) {
  mlir::Location at = loc(expr.getLoc());
  const ExprAST &operand = expr.getOperand();
  Type element = getElementType(expr.type.element);
  ElementwiseOperand x{operandValue(operand, element, at),
                       expr.type.isShaped(), expr.type.dims};
  return emitElementwise(
      expr.type, {x}, at,
      [&](OpBuilder &b, mlir::Location l, ArrayRef<Value> args) -> Value {
        if (isa<FloatType>(args[0].getType()))
          return arith::NegFOp::create(b, l, args[0]);
        Value zero = emitConstantIn(b, l, 0, args[0].getType());
        return arith::SubIOp::create(b, l, zero, args[0]);
      });
}

Value MLIRGenerator::emitBinary(const BinaryExprAST &expr) {
  if (expr.getOp() == BinaryOp::MatMul)
    return emitMatMul(expr);
  mlir::Location at = loc(expr.getLoc());
  Type element = getElementType(expr.type.element);
  SmallVector<ElementwiseOperand, 2> operands;
  for (const ExprAST *side : {&expr.getLHS(), &expr.getRHS()})
    operands.push_back({operandValue(*side, element, at),
                        side->type.isShaped(), side->type.dims});
  BinaryOp op = expr.getOp();
  return emitElementwise(
      expr.type, operands, at,
      [&](OpBuilder &b, mlir::Location l, ArrayRef<Value> args) {
        return emitArith(b, l, op, args[0], args[1]);
      });
}

Value MLIRGenerator::emitMatMul(const BinaryExprAST &expr) {
  mlir::Location at = loc(expr.getLoc());
  const ExprAST &lhsExpr = expr.getLHS(), &rhsExpr = expr.getRHS();
  Value lhs = tensorValue(lhsExpr, at);
  RankedTensorType resultType = getTensorType(expr.type);
  if (rhsExpr.type.isTernary())
    return ternary::MatmulOp::create(builder, at, resultType, lhs,
                                     values.lookup(&rhsExpr), /*scale=*/Value(),
                                     /*bias=*/Value());

  Value rhs = tensorValue(rhsExpr, at);
  int64_t lr = lhsExpr.type.getRank(), rr = rhsExpr.type.getRank();
  Value init = zeroFilled(expr.type, at);
  SmallVector<Value, 2> ins = {lhs, rhs};
  if (lr == 1 && rr == 1)
    return linalg::DotOp::create(builder, at, TypeRange{resultType}, ins,
                                 ValueRange{init})
        .getResult(0);
  if (lr == 1 && rr == 2)
    return linalg::VecmatOp::create(builder, at, TypeRange{resultType}, ins,
                                    ValueRange{init})
        .getResult(0);
  if (lr == 2 && rr == 1)
    return linalg::MatvecOp::create(builder, at, TypeRange{resultType}, ins,
                                    ValueRange{init})
        .getResult(0);
  if (lr == 2 && rr == 2)
    return linalg::MatmulOp::create(builder, at, TypeRange{resultType}, ins,
                                    ValueRange{init})
        .getResult(0);
  if (lr == 3 && rr == 3)
    return linalg::BatchMatmulOp::create(builder, at, TypeRange{resultType},
                                         ins, ValueRange{init})
        .getResult(0);

  // [B..., M, K] @ [K, N] or [B..., M, K] @ [B..., K, N]: a contraction over
  // loops (B..., M, N, K).
  int64_t rank = lr + 1;
  int64_t batch = lr - 2;
  auto d = [&](int64_t i) { return builder.getAffineDimExpr(i); };
  SmallVector<AffineExpr> lhsExprs, rhsExprs, outExprs;
  for (int64_t i = 0; i < batch; ++i) {
    lhsExprs.push_back(d(i));
    outExprs.push_back(d(i));
    if (rr == lr)
      rhsExprs.push_back(d(i));
  }
  int64_t m = batch, n = batch + 1, k = batch + 2;
  lhsExprs.append({d(m), d(k)});
  rhsExprs.append({d(k), d(n)});
  outExprs.append({d(m), d(n)});
  SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, lhsExprs, &context),
                                 AffineMap::get(rank, 0, rhsExprs, &context),
                                 AffineMap::get(rank, 0, outExprs, &context)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators[k] = utils::IteratorType::reduction;
  return linalg::GenericOp::create(
             builder, at, TypeRange{resultType}, ins, ValueRange{init}, maps,
             iterators,
             [&](OpBuilder &b, mlir::Location l, ValueRange args) {
               Value product = emitArith(b, l, BinaryOp::Mul, args[0], args[1]);
               Value sum = emitArith(b, l, BinaryOp::Add, args[2], product);
               linalg::YieldOp::create(b, l, sum);
             })
      .getResult(0);
}

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

Value MLIRGenerator::emitCall(const CallExprAST &expr) {
  if (expr.builtin != Builtin::None)
    return emitBuiltin(expr);
  mlir::Location at = loc(expr.getLoc());
  const FunctionAST &callee = *expr.calleeFunction;
  FunctionType calleeType = getFunctionType(callee);
  SmallVector<Value> operands;
  for (auto [arg, type] : llvm::zip(expr.getArgs(), calleeType.getInputs())) {
    const ExprAST &value = *arg.value;
    if (value.type.isLiteral())
      operands.push_back(
          constantScalar(*value.constant, type, loc(value.getLoc())));
    else
      operands.push_back(convertTo(tensorValue(value, at), type, at));
  }
  SymbolRefAttr symbol =
      expr.calleeLayer == currentLayer && expr.getMember().empty()
          ? SymbolRefAttr(FlatSymbolRefAttr::get(&context, callee.getName()))
          : SymbolRefAttr::get(
                &context, expr.calleeLayer->getName(),
                {FlatSymbolRefAttr::get(&context, callee.getName())});
  auto call = ternary::CallOp::create(builder, at, calleeType.getResults(),
                                      symbol, operands, ArrayAttr(),
                                      ArrayAttr());
  return convertTo(call.getResult(0), getType(expr.type), at);
}

Value MLIRGenerator::emitReduction(Builtin kind, Value input,
                                   const DslType &inputType, int64_t dim,
                                   mlir::Location at) {
  DslType resultType = inputType;
  resultType.kind = DslType::Kind::Tensor;
  resultType.dims.erase(resultType.dims.begin() + dim);
  Type element = getElementType(inputType.element);
  Value empty = emptyTensor(resultType, at);
  TypedAttr initAttr;
  bool isFloat = isa<FloatType>(element);
  if (kind == Builtin::Max || kind == Builtin::Min) {
    bool isMax = kind == Builtin::Max;
    if (isFloat)
      initAttr = builder.getFloatAttr(
          element, APFloat::getInf(cast<FloatType>(element).getFloatSemantics(),
                                   /*Negative=*/isMax));
    else {
      unsigned width = element.getIntOrFloatBitWidth();
      initAttr = builder.getIntegerAttr(
          element, isMax ? APInt::getSignedMinValue(width)
                         : APInt::getSignedMaxValue(width));
    }
  } else {
    initAttr = builder.getZeroAttr(element);
  }
  Value init = arith::ConstantOp::create(builder, at, initAttr);
  Value filled = linalg::FillOp::create(builder, at, ValueRange{init},
                                        ValueRange{empty})
                     .getResult(0);
  auto reduce = linalg::ReduceOp::create(
      builder, at, ValueRange{input}, ValueRange{filled},
      ArrayRef<int64_t>{dim},
      [&](OpBuilder &b, mlir::Location l, ValueRange args) {
        Value in = args[0], acc = args[1], result;
        if (kind == Builtin::Max)
          result = isFloat ? Value(arith::MaximumFOp::create(b, l, in, acc))
                           : Value(arith::MaxSIOp::create(b, l, in, acc));
        else if (kind == Builtin::Min)
          result = isFloat ? Value(arith::MinimumFOp::create(b, l, in, acc))
                           : Value(arith::MinSIOp::create(b, l, in, acc));
        else
          result = emitArith(b, l, BinaryOp::Add, in, acc);
        linalg::YieldOp::create(b, l, result);
      });
  return reduce.getResult(0);
}

Value MLIRGenerator::emitLayerNorm(const CallExprAST &expr,
                                   mlir::Location at) {
  // y = (x - mean) / sqrt(var + eps) over the last dim, then * weight + bias.
  const BuiltinCallInfo &info = expr.builtinInfo;
  const ExprAST &xExpr = *info.operands[0];
  DslType x = xExpr.type;
  x.kind = DslType::Kind::Tensor;
  Value input = tensorValue(xExpr, at);
  Type element = getElementType(x.element);
  int64_t rank = x.getRank(), last = rank - 1;
  Value count = dimAsFloat(input, x, last, element, at);
  Value epsilon = constantScalar(info.epsilon, element, at);

  AffineMap identity = builder.getMultiDimIdentityMap(rank);
  AffineMap dropLast = identity.dropResult(last);
  DslType reduced = x;
  reduced.dims.pop_back();

  Value sum = emitReduction(Builtin::Sum, input, x, last, at);
  Value mean = emitGeneric(reduced, {sum}, {builder.getMultiDimIdentityMap(
                                               reduced.getRank())},
                           at,
                           [&](OpBuilder &b, mlir::Location l,
                               ArrayRef<Value> args) -> Value {
                             return arith::DivFOp::create(b, l, args[0],
                                                          count);
                           });
  Value squares = emitGeneric(
      x, {input, mean}, {identity, dropLast}, at,
      [&](OpBuilder &b, mlir::Location l, ArrayRef<Value> args) -> Value {
        Value centered = arith::SubFOp::create(b, l, args[0], args[1]);
        return arith::MulFOp::create(b, l, centered, centered);
      });
  Value squareSum = emitReduction(Builtin::Sum, squares, x, last, at);
  Value normalized = emitGeneric(
      x, {input, mean, squareSum}, {identity, dropLast, dropLast}, at,
      [&](OpBuilder &b, mlir::Location l, ArrayRef<Value> args) -> Value {
        Value centered = arith::SubFOp::create(b, l, args[0], args[1]);
        Value variance = arith::DivFOp::create(b, l, args[2], count);
        Value shifted = arith::AddFOp::create(b, l, variance, epsilon);
        Value scale = math::RsqrtOp::create(b, l, shifted);
        return arith::MulFOp::create(b, l, centered, scale);
      });
  for (size_t i = 1; i < info.operands.size(); ++i) {
    const ExprAST &operand = *info.operands[i];
    BinaryOp op = i == 1 ? BinaryOp::Mul : BinaryOp::Add;
    normalized = emitElementwise(
        x,
        {{normalized, true, x.dims},
         {tensorValue(operand, at), true, operand.type.dims}},
        at, [&](OpBuilder &b, mlir::Location l, ArrayRef<Value> args) {
          return emitArith(b, l, op, args[0], args[1]);
        });
  }
  return normalized;
}

Value MLIRGenerator::padSpatial(Value input, const DslType &type,
                                int64_t padding, TypedAttr padAttr,
                                mlir::Location at) {
  if (padding == 0)
    return input;
  DslType padded = type;
  padded.kind = DslType::Kind::Tensor;
  padded.dims[2].size += 2 * padding;
  padded.dims[3].size += 2 * padding;
  OpFoldResult zero = builder.getIndexAttr(0);
  OpFoldResult pad = builder.getIndexAttr(padding);
  Value padValue = arith::ConstantOp::create(builder, at, padAttr);
  return tensor::PadOp::create(builder, at, getTensorType(padded), input,
                               {zero, zero, pad, pad}, {zero, zero, pad, pad},
                               padValue);
}

Value MLIRGenerator::emitConv2D(const CallExprAST &expr, mlir::Location at) {
  const BuiltinCallInfo &info = expr.builtinInfo;
  const ExprAST &xExpr = *info.operands[0], &wExpr = *info.operands[1];
  Value input = tensorValue(xExpr, at);
  Value weight = tensorValue(wExpr, at);
  Type element = getElementType(expr.type.element);
  input = padSpatial(input, xExpr.type, info.padding,
                     builder.getZeroAttr(element), at);
  auto vectorType = RankedTensorType::get({2}, builder.getI64Type());
  auto strides = DenseIntElementsAttr::get(
      vectorType, ArrayRef<int64_t>{info.stride, info.stride});
  auto dilations = DenseIntElementsAttr::get(
      vectorType, ArrayRef<int64_t>{info.dilation, info.dilation});
  if (info.groups == 1) {
    Value init = zeroFilled(expr.type, at);
    return linalg::Conv2DNchwFchwOp::create(
               builder, at, TypeRange{init.getType()},
               ValueRange{input, weight}, ValueRange{init}, strides, dilations)
        .getResult(0);
  }
  // Groups: [N, G*C, H, W] and [G*F, C, KH, KW] are viewed as
  // [N, G, C, H, W] and [G, F, C, KH, KW] for linalg.conv_2d_ngchw_gfchw,
  // whose [N, G, F, OH, OW] result is viewed as [N, G*F, OH, OW].
  int64_t groups = info.groups;
  auto xType = cast<RankedTensorType>(input.getType());
  auto wType = cast<RankedTensorType>(weight.getType());
  int64_t channels = wType.getDimSize(1);
  int64_t filters = wType.getDimSize(0) / groups;
  OpFoldResult batch = getDimSize(xExpr.type.dims[0]);
  auto index = [&](int64_t v) -> OpFoldResult {
    return builder.getIndexAttr(v);
  };
  auto x5Type = RankedTensorType::get({xType.getDimSize(0), groups, channels,
                                       xType.getDimSize(2),
                                       xType.getDimSize(3)},
                                      element);
  Value x5 = tensor::ExpandShapeOp::create(
      builder, at, x5Type, input,
      SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}},
      SmallVector<OpFoldResult>{batch, index(groups), index(channels),
                                index(xType.getDimSize(2)),
                                index(xType.getDimSize(3))});
  auto w5Type = RankedTensorType::get({groups, filters, channels,
                                       wType.getDimSize(2),
                                       wType.getDimSize(3)},
                                      element);
  Value w5 = tensor::ExpandShapeOp::create(
      builder, at, w5Type, weight,
      SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}, {4}},
      SmallVector<OpFoldResult>{index(groups), index(filters),
                                index(channels), index(wType.getDimSize(2)),
                                index(wType.getDimSize(3))});
  DslType result5 = expr.type;
  result5.dims = {expr.type.dims[0], Dim::fixed(groups), Dim::fixed(filters),
                  expr.type.dims[2], expr.type.dims[3]};
  Value init = zeroFilled(result5, at);
  Value conv = linalg::Conv2DNgchwGfchwOp::create(
                   builder, at, TypeRange{init.getType()},
                   ValueRange{x5, w5}, ValueRange{init}, strides, dilations)
                   .getResult(0);
  return tensor::CollapseShapeOp::create(
      builder, at, getTensorType(expr.type), conv,
      SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
}

Value MLIRGenerator::emitPool2D(const CallExprAST &expr, mlir::Location at) {
  // Max: -inf padding, linalg.pooling_nchw_max. Average: zero padding,
  // linalg.pooling_nchw_sum, divided by the window size (padding counts, as
  // PyTorch's count_include_pad=True).
  const BuiltinCallInfo &info = expr.builtinInfo;
  const ExprAST &xExpr = *info.operands[0];
  bool isMax = expr.builtin == Builtin::MaxPool2D;
  auto element = cast<FloatType>(getElementType(expr.type.element));
  TypedAttr identity =
      isMax ? TypedAttr(builder.getFloatAttr(
                  element, APFloat::getInf(element.getFloatSemantics(),
                                           /*Negative=*/true)))
            : TypedAttr(builder.getZeroAttr(element));
  Value input = padSpatial(tensorValue(xExpr, at), xExpr.type, info.padding,
                           identity, at);
  Value window = tensor::EmptyOp::create(
      builder, at, ArrayRef<int64_t>{info.kernel, info.kernel}, element);
  Value empty = emptyTensor(expr.type, at);
  Value init = linalg::FillOp::create(
                   builder, at,
                   ValueRange{arith::ConstantOp::create(builder, at, identity)},
                   ValueRange{empty})
                   .getResult(0);
  auto vectorType = RankedTensorType::get({2}, builder.getI64Type());
  auto strides = DenseIntElementsAttr::get(
      vectorType, ArrayRef<int64_t>{info.stride, info.stride});
  auto dilations =
      DenseIntElementsAttr::get(vectorType, ArrayRef<int64_t>{1, 1});
  if (isMax)
    return linalg::PoolingNchwMaxOp::create(
               builder, at, TypeRange{init.getType()},
               ValueRange{input, window}, ValueRange{init}, strides, dilations)
        .getResult(0);
  Value sum = linalg::PoolingNchwSumOp::create(
                  builder, at, TypeRange{init.getType()},
                  ValueRange{input, window}, ValueRange{init}, strides,
                  dilations)
                  .getResult(0);
  Value count =
      constantScalar(double(info.kernel * info.kernel), element, at);
  return emitElementwise(
      expr.type, {{sum, true, expr.type.dims}, {count, false, {}}}, at,
      [&](OpBuilder &b, mlir::Location l, ArrayRef<Value> args) -> Value {
        return arith::DivFOp::create(b, l, args[0], args[1]);
      });
}

Value MLIRGenerator::emitBuiltin(const CallExprAST &expr) {
  mlir::Location at = loc(expr.getLoc());
  const BuiltinCallInfo &info = expr.builtinInfo;
  const ExprAST &xExpr = *info.operands[0];
  DslType x = xExpr.type;
  if (x.isTernary())
    x = DslType::tensor(ElementType::F32, x.dims);
  Type element = getElementType(x.element);

  auto unary = [&](auto bodyFn) {
    Value input = tensorValue(xExpr, at);
    return emitElementwise(
        expr.type, {{input, true, x.dims}}, at,
        [&](OpBuilder &b, mlir::Location l, ArrayRef<Value> args) -> Value {
          return bodyFn(b, l, args[0]);
        });
  };

  switch (expr.builtin) {
  case Builtin::Relu:
    return unary([&](OpBuilder &b, mlir::Location l, Value v) -> Value {
      Value zero = emitConstantIn(b, l, 0, v.getType());
      if (isa<FloatType>(v.getType()))
        return arith::MaximumFOp::create(b, l, v, zero);
      return arith::MaxSIOp::create(b, l, v, zero);
    });
  case Builtin::Sigmoid:
    return unary([&](OpBuilder &b, mlir::Location l, Value v) -> Value {
      Value one = emitConstantIn(b, l, 1, v.getType());
      Value negated = arith::NegFOp::create(b, l, v);
      Value exp = math::ExpOp::create(b, l, negated);
      Value denominator = arith::AddFOp::create(b, l, one, exp);
      return arith::DivFOp::create(b, l, one, denominator);
    });
  case Builtin::Tanh:
    return unary([&](OpBuilder &b, mlir::Location l, Value v) -> Value {
      return math::TanhOp::create(b, l, v);
    });
  case Builtin::Gelu:
    // gelu(x) = 0.5 * x * (1 + erf(x / sqrt(2))).
    return unary([&](OpBuilder &b, mlir::Location l, Value v) -> Value {
      Type t = v.getType();
      Value scaled = arith::MulFOp::create(
          b, l, v, emitConstantIn(b, l, 0.70710678118654752, t));
      Value erf = math::ErfOp::create(b, l, scaled);
      Value onePlus =
          arith::AddFOp::create(b, l, emitConstantIn(b, l, 1, t), erf);
      Value half = arith::MulFOp::create(b, l, v, emitConstantIn(b, l, 0.5, t));
      return arith::MulFOp::create(b, l, half, onePlus);
    });
  case Builtin::Exp:
    return unary([&](OpBuilder &b, mlir::Location l, Value v) -> Value {
      return math::ExpOp::create(b, l, v);
    });
  case Builtin::Log:
    return unary([&](OpBuilder &b, mlir::Location l, Value v) -> Value {
      return math::LogOp::create(b, l, v);
    });
  case Builtin::Sqrt:
    return unary([&](OpBuilder &b, mlir::Location l, Value v) -> Value {
      return math::SqrtOp::create(b, l, v);
    });
  case Builtin::Abs:
    return unary([&](OpBuilder &b, mlir::Location l, Value v) -> Value {
      if (isa<FloatType>(v.getType()))
        return math::AbsFOp::create(b, l, v);
      return math::AbsIOp::create(b, l, v);
    });
  case Builtin::Softmax: {
    Value input = tensorValue(xExpr, at);
    Value init = emptyTensor(expr.type, at);
    return linalg::SoftmaxOp::create(builder, at, TypeRange{init.getType()},
                                     input, init, uint64_t(info.dim))
        .getResult()[0];
  }
  case Builtin::LayerNorm:
    return emitLayerNorm(expr, at);
  case Builtin::Transpose: {
    Value input = tensorValue(xExpr, at);
    SmallVector<int64_t> permutation(x.getRank());
    for (int64_t i = 0; i < x.getRank(); ++i)
      permutation[i] = i;
    std::swap(permutation[info.dim], permutation[info.dim2]);
    Value init = emptyTensor(expr.type, at);
    return linalg::TransposeOp::create(builder, at, input, init, permutation)
        .getResult()[0];
  }
  case Builtin::Reshape: {
    Value input = tensorValue(xExpr, at);
    SmallVector<Value> sizes;
    for (const Dim &dim : info.shape)
      sizes.push_back(dim.isSymbolic()
                          ? getSymbolSize(dim.symbol)
                          : Value(arith::ConstantIndexOp::create(builder, at,
                                                                 dim.size)));
    Value shape = tensor::FromElementsOp::create(builder, at, sizes);
    return tensor::ReshapeOp::create(builder, at, getTensorType(expr.type),
                                     input, shape);
  }
  case Builtin::Flatten: {
    Value input = tensorValue(xExpr, at);
    ReassociationIndices rest;
    for (int64_t i = 1; i < x.getRank(); ++i)
      rest.push_back(i);
    SmallVector<ReassociationIndices> groups = {{0}, rest};
    return tensor::CollapseShapeOp::create(
        builder, at, getTensorType(expr.type), input, groups);
  }
  case Builtin::Sum:
  case Builtin::Mean:
  case Builtin::Max:
  case Builtin::Min: {
    Value input = tensorValue(xExpr, at);
    Value result = emitReduction(expr.builtin, input, x, info.dim, at);
    DslType reduced = x;
    reduced.dims.erase(reduced.dims.begin() + info.dim);
    if (expr.builtin == Builtin::Mean) {
      Value count = dimAsFloat(input, x, info.dim, element, at);
      result = emitElementwise(
          reduced, {{result, true, reduced.dims}, {count, false, {}}}, at,
          [&](OpBuilder &b, mlir::Location l, ArrayRef<Value> args) -> Value {
            return arith::DivFOp::create(b, l, args[0], args[1]);
          });
    }
    if (!info.keepDim)
      return result;
    // Put the reduced dim back as a 1.
    int64_t rank = x.getRank();
    SmallVector<ReassociationIndices> groups;
    for (int64_t i = 0; i < rank - 1; ++i)
      groups.push_back({i + (i >= info.dim ? 1 : 0)});
    if (!groups.empty()) {
      if (info.dim == 0)
        groups.front().insert(groups.front().begin(), 0);
      else
        groups[info.dim - 1].push_back(info.dim);
    }
    SmallVector<OpFoldResult> outputShape;
    for (const Dim &dim : expr.type.dims)
      outputShape.push_back(getDimSize(dim));
    return tensor::ExpandShapeOp::create(builder, at,
                                         getTensorType(expr.type), result,
                                         groups, outputShape);
  }
  case Builtin::Conv2D:
    return emitConv2D(expr, at);
  case Builtin::MaxPool2D:
  case Builtin::AvgPool2D:
    return emitPool2D(expr, at);
  case Builtin::Clamp:
    // max(x, min) then min(.., max); NaN stays NaN, as torch.clamp.
    return unary([&](OpBuilder &b, mlir::Location l, Value v) -> Value {
      Value low = emitConstantIn(b, l, info.low, v.getType());
      Value high = emitConstantIn(b, l, info.high, v.getType());
      Value above = arith::MaximumFOp::create(b, l, v, low);
      return arith::MinimumFOp::create(b, l, above, high);
    });
  case Builtin::Expand:
    // A broadcasting read (a dim of size 1 reads index 0), as `x + 0`
    // would broadcast, without the addition.
    return emitElementwise(
        expr.type, {{tensorValue(xExpr, at), true, x.dims}}, at,
        [&](OpBuilder &, mlir::Location, ArrayRef<Value> args) -> Value {
          return args[0];
        });
  case Builtin::Concat: {
    Value lhs = tensorValue(xExpr, at);
    Value rhs = tensorValue(*info.operands[1], at);
    return tensor::ConcatOp::create(builder, at, getTensorType(expr.type),
                                    info.dim, ValueRange{lhs, rhs});
  }
  case Builtin::Slice: {
    Value input = tensorValue(xExpr, at);
    SmallVector<OpFoldResult> offsets, sizes, strides;
    for (auto [i, dim] : llvm::enumerate(x.dims)) {
      bool sliced = int64_t(i) == info.dim;
      offsets.push_back(builder.getIndexAttr(sliced ? info.start : 0));
      sizes.push_back(sliced ? builder.getIndexAttr(info.end - info.start)
                             : getDimSize(dim));
      strides.push_back(builder.getIndexAttr(1));
    }
    return tensor::ExtractSliceOp::create(builder, at,
                                          getTensorType(expr.type), input,
                                          offsets, sizes, strides);
  }
  case Builtin::Embedding: {
    // out[i..., d] = table[indices[i...], d]: a linalg.generic over the
    // result that reads the table with tensor.extract.
    Value table = tensorValue(xExpr, at);
    const ExprAST &indicesExpr = *info.operands[1];
    Value indices = tensorValue(indicesExpr, at);
    int64_t rank = expr.type.getRank();
    AffineMap map = AffineMap::getMultiDimIdentityMap(rank, &context)
                        .dropResult(rank - 1);
    return emitGeneric(
        expr.type, {indices}, {map}, at,
        [&](OpBuilder &b, mlir::Location l, ArrayRef<Value> args) -> Value {
          Value row = arith::IndexCastOp::create(b, l, b.getIndexType(),
                                                 args[0]);
          Value column = linalg::IndexOp::create(b, l, rank - 1);
          return tensor::ExtractOp::create(b, l, table,
                                           ValueRange{row, column});
        });
  }
  case Builtin::QuantizeTernary:
  case Builtin::Ternarize: {
    // Fake quantization (QAT): quantize to trits and a scale, then back.
    Value input = tensorValue(xExpr, at);
    auto inputType = cast<RankedTensorType>(input.getType());
    auto tritsType =
        RankedTensorType::get(inputType.getShape(), builder.getI8Type());
    auto scaleType = RankedTensorType::get({}, builder.getF32Type());
    bool threshold = expr.builtin == Builtin::QuantizeTernary;
    auto quantize = ternary::QuantizeOp::create(
        builder, at, tritsType, scaleType, input,
        threshold ? ternary::QuantMethod::threshold
                  : ternary::QuantMethod::absmean,
        threshold ? builder.getF32FloatAttr(float(info.threshold))
                  : FloatAttr(),
        IntegerAttr(), IntegerAttr());
    return ternary::DequantizeOp::create(builder, at, inputType,
                                         quantize.getTrits(),
                                         quantize.getScale(), IntegerAttr());
  }
  case Builtin::Dequantize: {
    Value packed = values.lookup(&xExpr);
    if (info.operands.size() == 1)
      return tritsToFloat(packed, at);
    auto packedType = cast<ternary::PackedTensorType>(packed.getType());
    Value trits = ternary::UnpackOp::create(
        builder, at, packedType.getTritTensorType(), packed);
    Value scale = tensorValue(*info.operands[1], at);
    IntegerAttr axis;
    if (cast<RankedTensorType>(scale.getType()).getRank() == 1)
      axis = builder.getI64IntegerAttr(packedType.getRank() - 1);
    return ternary::DequantizeOp::create(builder, at, getTensorType(expr.type),
                                         trits, scale, axis);
  }
  case Builtin::None:
    break;
  }
  return {};
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp>
tritondsl::frontend::mlirGen(MLIRContext &context, const ModuleAST &module,
                                StringRef filename) {
  context.loadDialect<ternary::TernaryDialect, arith::ArithDialect,
                      func::FuncDialect, linalg::LinalgDialect,
                      math::MathDialect, tensor::TensorDialect>();
  return MLIRGenerator(context, filename).generate(module);
}
