//===- Sema.cpp - Semantic checks of the .tri DSL -------------------------===//
//
// Expressions are checked in post-order with an explicit stack (no recursion:
// a 500,000-term chain is fine); the call graph is searched for cycles the
// same way. A builtin call's arguments are bound to the params of its entry
// in Builtins.def, then the check of the entry's rule (check<Rule>) runs.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Frontend/Sema.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <cstdio>

using namespace tritondsl::frontend;
using llvm::StringRef;
using llvm::Twine;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// The type a value has when it is computed with: a TernaryTensor reads as
/// an f32 tensor of trits.
static DslType valueType(const DslType &type) {
  if (!type.isTernary())
    return type;
  return DslType::tensor(ElementType::F32, type.dims);
}

static std::string plural(int64_t count, StringRef word) {
  return std::to_string(count) + " " + word.str() + (count == 1 ? "" : "s");
}

static std::string quoted(StringRef name) {
  if (name.size() > 40)
    return "'" + name.take_front(37).str() + "...'";
  return "'" + name.str() + "'";
}

static std::string formatConstant(const ConstantValue &value) {
  if (!value.isFloat)
    return std::to_string(value.intValue);
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.9g", value.floatValue);
  return buffer;
}

namespace {
/// A call graph edge, for the recursion check.
struct CallEdge {
  const FunctionAST *callee;
  const CallExprAST *call;
};

struct LayerInfo {
  LayerAST *layer = nullptr;
  llvm::StringMap<ParamAST *> params;
  llvm::StringMap<FunctionAST *> functions;
};

/// A builtin call whose arguments are bound to the builtin's params and
/// have the kinds the params ask for: what the builtin's rule checks.
struct BuiltinCall {
  CallExprAST &expr;
  const BuiltinSpec &spec;
  /// The argument bound to each param, null when it is omitted.
  llvm::SmallVector<const CallArg *, 4> bound = {};
  /// VariadicDims: the arguments after the params.
  llvm::SmallVector<const CallArg *, 4> dimArgs = {};
  /// Per param: the type of a tensor argument, the value of a constant.
  llvm::SmallVector<DslType, 4> tensorTypes = {};
  llvm::SmallVector<std::optional<ConstantValue>, 4> constants = {};
  /// The first argument as it is computed with (ternary reads as f32).
  DslType x = {};
  SourceLoc xLoc = {};

  int64_t intArg(size_t slot, int64_t fallback) const {
    return constants[slot] ? constants[slot]->intValue : fallback;
  }
  /// Where the argument of `slot` is, or the call when it is omitted.
  SourceLoc argLoc(size_t slot) const {
    return bound[slot] ? bound[slot]->value->getLoc() : expr.getLoc();
  }
};

struct Variable {
  DslType type;
  std::optional<ConstantValue> constant;
  SourceLoc loc;
  /// The type annotation of `let h: T = ...`: such a variable keeps type T.
  std::optional<SourceLoc> declaredTypeLoc;
  bool isArgument = false;
  bool used = false;
};

class SemaChecker {
public:
  SemaChecker(ModuleAST &module, FrontendDiagnostics &diag)
      : module(module), diag(diag) {}

  bool run();

private:
  // Declarations.
  void declareLayers();
  bool checkType(const TypeAST &type, bool isParam);
  void checkSignature(FunctionAST &function);

  // Bodies.
  void checkFunction(LayerInfo &info, FunctionAST &function);
  void checkStatement(StmtAST &stmt);
  bool checkAssignable(const DslType &valueType,
                       const std::optional<ConstantValue> &constant,
                       const DslType &targetType);
  void checkExpression(ExprAST &root);
  void pushChildren(ExprAST &expr,
                    llvm::SmallVectorImpl<std::pair<ExprAST *, bool>> &stack);
  void computeType(ExprAST &expr);
  void checkVariable(VariableExprAST &expr);
  void checkUnary(UnaryExprAST &expr);
  void checkBinary(BinaryExprAST &expr);
  void checkElementwise(BinaryExprAST &expr, DslType lhs, DslType rhs);
  void checkMatMul(BinaryExprAST &expr, const DslType &lhs,
                   const DslType &rhs);
  void checkCall(CallExprAST &expr);
  void checkFunctionCall(CallExprAST &expr, const LayerInfo &calleeLayer,
                         const FunctionAST &callee, std::string displayName);
  void checkBuiltinCall(CallExprAST &expr, const BuiltinSpec &spec);
  bool bindBuiltinArguments(BuiltinCall &call);
  bool requireFloat(const BuiltinCall &call, const DslType &type,
                    SourceLoc loc);
  // One check per rule of Builtins.def.
#define BUILTIN_RULE(Rule) void check##Rule(BuiltinCall &call);
#include "tritondsl/Frontend/Builtins.def"
  bool checkLiteralFits(const ConstantValue &value, ElementType element,
                        SourceLoc loc, const DslType &other);
  bool checkDimIndex(int64_t &dim, int64_t rank, SourceLoc loc, StringRef what);
  /// The dims after the params of a VariadicDims builtin: integers,
  /// symbolic dims and -1 (once, or in any number with `manyInferred`; its
  /// index in `inferred`).
  bool checkDimArgs(BuiltinCall &call, llvm::SmallVectorImpl<Dim> &shape,
                    int &inferred, bool manyInferred);

  // Whole-program checks.
  void checkRecursion();
  void warnUnusedParams();
  void emitWarnings();

  std::string suggest(StringRef name, llvm::ArrayRef<StringRef> candidates);
  /// "did you mean" suggestions still allowed in this module.
  unsigned suggestionsLeft = kMaxSuggestions;

  ModuleAST &module;
  FrontendDiagnostics &diag;
  llvm::StringMap<LayerInfo> layers;
  /// Functions whose signature failed to check: calls give Error silently.
  llvm::DenseSet<const FunctionAST *> badSignatures;
  llvm::DenseMap<const FunctionAST *, const LayerAST *> functionLayers;
  llvm::DenseMap<const FunctionAST *, llvm::SmallVector<CallEdge, 2>> calls;

  // The function being checked.
  LayerInfo *currentLayer = nullptr;
  FunctionAST *currentFunction = nullptr;
  llvm::StringMap<Variable> variables;
  std::vector<StringRef> variableOrder;
  llvm::StringMap<bool> symbols;
  /// Warnings are printed in source order, and only for a program without
  /// errors (an unused variable is no news next to a type error).
  std::vector<std::pair<SourceLoc, std::string>> pendingWarnings;
};
} // namespace

std::string SemaChecker::suggest(StringRef name,
                                 llvm::ArrayRef<StringRef> candidates) {
  // Like clang's -fspell-checking-limit: a program with thousands of
  // unknown names (and --error-limit=0) must not cost names x variables
  // edit distances.
  if (name.size() > 64 || suggestionsLeft == 0)
    return "";
  --suggestionsLeft;
  StringRef best;
  unsigned bestDistance = 3;
  for (StringRef candidate : candidates) {
    // A length difference is a lower bound of the distance.
    size_t lengthDifference = name.size() > candidate.size()
                                  ? name.size() - candidate.size()
                                  : candidate.size() - name.size();
    if (lengthDifference >= bestDistance)
      continue;
    unsigned distance = name.edit_distance(candidate, true, 2);
    if (distance < bestDistance && candidate != name) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best.empty() || bestDistance >= name.size())
    return "";
  return "; did you mean '" + best.str() + "'?";
}

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

bool SemaChecker::checkType(const TypeAST &typeAST, bool isParam) {
  const DslType &type = typeAST.type;
  if (type.isScalar())
    return true;
  if (type.getRank() > kMaxRank) {
    diag.error(typeAST.loc, "tensor rank " + Twine(type.getRank()) +
                                " exceeds the limit of " + Twine(kMaxRank));
    return false;
  }
  if (type.isTernary() && type.dims.empty()) {
    diag.error(typeAST.loc, "TernaryTensor needs at least one dimension");
    return false;
  }
  bool ok = true;
  int64_t elements = 1;
  for (auto [dim, loc] : llvm::zip(type.dims, typeAST.dimLocs)) {
    if (dim.isSymbolic()) {
      // Outside params, the caller checks where the symbol is bound.
      if (isParam) {
        diag.error(loc, "param dimensions must be integers, but " +
                            quoted(dim.symbol) + " is symbolic");
        ok = false;
      }
      continue;
    }
    if (dim.size <= 0) {
      diag.error(loc, "dimension must be positive, got " + Twine(dim.size));
      ok = false;
      continue;
    }
    if (llvm::MulOverflow(elements, dim.size, elements) ||
        elements > kMaxElements) {
      diag.error(typeAST.loc, "tensor type " + type.str().substr(0, 64) +
                                  " has too many elements (the limit is 2^48)");
      return false;
    }
  }
  return ok;
}

void SemaChecker::declareLayers() {
  for (const auto &layerPtr : module.getLayers()) {
    LayerAST &layer = *layerPtr;
    if (lookupBuiltin(layer.getName()) != Builtin::None) {
      diag.error(layer.getLoc(), quoted(layer.getName()) +
                                     " is a builtin function and cannot name "
                                     "a layer");
    }
    auto [it, inserted] = layers.try_emplace(layer.getName());
    if (!inserted) {
      diag.error(layer.getLoc(),
                 "redefinition of layer " + quoted(layer.getName()));
      diag.note(it->second.layer->getLoc(), "previous definition of layer " +
                                                quoted(layer.getName()) +
                                                " is here");
      continue;
    }
    LayerInfo &info = it->second;
    info.layer = &layer;
    // Params and functions share the layer's symbol table.
    llvm::StringMap<SourceLoc> names;
    auto declare = [&](StringRef name, SourceLoc loc) {
      auto [previous, fresh] = names.try_emplace(name, loc);
      if (fresh)
        return true;
      diag.error(loc, "redefinition of " + quoted(name) + " in layer " +
                          quoted(layer.getName()));
      diag.note(previous->second,
                "previous definition of " + quoted(name) + " is here");
      return false;
    };
    for (const auto &param : layer.getParams()) {
      if (!declare(param->getName(), param->getLoc()))
        continue;
      info.params[param->getName()] = param.get();
      const TypeAST &type = param->getType();
      if (type.type.isScalar()) {
        diag.error(type.loc, "param " + quoted(param->getName()) +
                                 " must be a tensor; write Tensor[] for a "
                                 "single value");
        continue;
      }
      checkType(type, /*isParam=*/true);
    }
    for (const auto &function : layer.getFunctions()) {
      if (lookupBuiltin(function->getName()) != Builtin::None)
        diag.error(function->getLoc(), quoted(function->getName()) +
                                           " is a builtin function and cannot "
                                           "be redefined");
      if (!declare(function->getName(), function->getLoc())) {
        badSignatures.insert(function.get());
        continue;
      }
      info.functions[function->getName()] = function.get();
      functionLayers[function.get()] = &layer;
      checkSignature(*function);
    }
  }
}

void SemaChecker::checkSignature(FunctionAST &function) {
  unsigned errors = diag.getNumErrors();
  llvm::StringMap<SourceLoc> argNames;
  llvm::StringMap<bool> bound;
  for (const ArgumentAST &arg : function.getArgs()) {
    auto [previous, fresh] = argNames.try_emplace(arg.name, arg.loc);
    if (!fresh) {
      diag.error(arg.loc, "duplicate argument " + quoted(arg.name) + " of " +
                              quoted(function.getName()));
      diag.note(previous->second, "previous argument " + quoted(arg.name) +
                                      " is here");
    }
    if (arg.type.type.isTernary()) {
      diag.error(arg.type.loc, "argument " + quoted(arg.name) +
                                   " cannot be a TernaryTensor; declare "
                                   "ternary weights with 'param'");
      continue;
    }
    checkType(arg.type, /*isParam=*/false);
    for (const Dim &dim : arg.type.type.dims)
      if (dim.isSymbolic())
        bound[dim.symbol] = true;
  }
  const TypeAST &result = function.getResultType();
  if (result.type.isTernary()) {
    diag.error(result.loc, "the result of " + quoted(function.getName()) +
                               " cannot be a TernaryTensor");
  } else if (checkType(result, /*isParam=*/false)) {
    for (auto [dim, loc] : llvm::zip(result.type.dims, result.dimLocs))
      if (dim.isSymbolic() && !bound.count(dim.symbol))
        diag.error(loc, "symbolic dimension " + quoted(dim.symbol) +
                            " of the result type is not bound by any "
                            "argument of " +
                            quoted(function.getName()));
  }
  if (diag.getNumErrors() != errors)
    badSignatures.insert(&function);
}

//===----------------------------------------------------------------------===//
// Function bodies
//===----------------------------------------------------------------------===//

void SemaChecker::checkFunction(LayerInfo &info, FunctionAST &function) {
  currentLayer = &info;
  currentFunction = &function;
  variables.clear();
  variableOrder.clear();
  symbols.clear();
  for (const ArgumentAST &arg : function.getArgs()) {
    Variable var;
    var.loc = arg.loc;
    var.isArgument = true;
    var.used = true;
    var.type = arg.type.type;
    // An argument whose type was rejected reads as an error (no follow-ups).
    auto isBadDim = [](const Dim &d) { return !d.isSymbolic() && d.size <= 0; };
    if (badSignatures.count(&function) &&
        (arg.type.type.isTernary() ||
         llvm::any_of(arg.type.type.dims, isBadDim)))
      var.type = DslType::error();
    for (const Dim &dim : arg.type.type.dims)
      if (dim.isSymbolic())
        symbols[dim.symbol] = true;
    if (variables.try_emplace(arg.name, var).second)
      variableOrder.push_back(arg.name);
  }

  bool returned = false;
  for (const StmtPtr &stmt : function.getBody()) {
    if (diag.reachedErrorLimit())
      return;
    if (returned) {
      diag.error(stmt->getLoc(), "statement after 'return' is never "
                                 "executed; 'return' must be the last "
                                 "statement of " +
                                     quoted(function.getName()));
      break;
    }
    checkStatement(*stmt);
    if (llvm::isa<ReturnStmtAST>(stmt.get()))
      returned = true;
  }
  if (!returned)
    diag.error(function.getEndLoc(), "missing 'return' at the end of " +
                                         quoted(function.getName()));

  for (StringRef name : variableOrder) {
    const Variable &var = variables[name];
    if (!var.used && !var.isArgument)
      pendingWarnings.push_back(
          {var.loc, "variable " + quoted(name) + " is never used"});
  }
}

bool SemaChecker::checkAssignable(const DslType &type,
                                  const std::optional<ConstantValue> &constant,
                                  const DslType &target) {
  if (type.isError() || target.isError())
    return true;
  if (type == target)
    return true;
  if (target.isScalar() && constant) {
    if (type.kind == DslType::Kind::BoolLiteral)
      return target.element == ElementType::Bool;
    if (target.element == ElementType::Bool)
      return false;
    if (type.kind == DslType::Kind::FloatLiteral)
      return isFloatElement(target.element);
    return true; // integer literal: range checked by the caller
  }
  return false;
}

void SemaChecker::checkStatement(StmtAST &stmt) {
  if (auto *let = llvm::dyn_cast<LetStmtAST>(&stmt)) {
    ExprAST &value = let->getValue();
    checkExpression(value);
    DslType type = value.type;
    std::optional<ConstantValue> constant = value.constant;
    if (const auto &declared = let->getDeclaredType()) {
      bool ok = !declared->type.isTernary() && checkType(*declared, false);
      if (declared->type.isTernary())
        diag.error(declared->loc, "a variable cannot be a TernaryTensor");
      for (auto [dim, loc] :
           llvm::zip(declared->type.dims, declared->dimLocs)) {
        if (dim.isSymbolic() && !symbols.count(dim.symbol)) {
          diag.error(loc, "symbolic dimension " + quoted(dim.symbol) +
                              " is not bound by the arguments of " +
                              quoted(currentFunction->getName()));
          ok = false;
        }
      }
      if (ok) {
        DslType valueTy = valueType(type);
        if (!checkAssignable(valueTy, constant, declared->type)) {
          diag.error(value.getLoc(), quoted(let->getName()) +
                                         " is declared as " +
                                         declared->type.str() +
                                         " but the value has type " +
                                         type.str());
        } else if (constant && declared->type.isScalar() &&
                   type.kind == DslType::Kind::IntLiteral &&
                   isIntegerElement(declared->type.element)) {
          checkLiteralFits(*constant, declared->type.element, value.getLoc(),
                           declared->type);
        }
        type = declared->type;
        if (!type.isScalar())
          constant.reset();
      } else {
        type = DslType::error();
      }
    }
    StringRef name = let->getName();
    if (auto previous = variables.find(name); previous != variables.end()) {
      diag.error(let->getNameLoc(), "redefinition of " + quoted(name) +
                                        "; use '" + name.str() +
                                        " = ...' to assign a new value");
      diag.note(previous->second.loc,
                "previous definition of " + quoted(name) + " is here");
      return;
    }
    if (auto param = currentLayer->params.find(name);
        param != currentLayer->params.end()) {
      diag.error(let->getNameLoc(),
                 quoted(name) + " is already a param of layer " +
                     quoted(currentLayer->layer->getName()));
      diag.note(param->second->getLoc(), "param " + quoted(name) +
                                              " is declared here");
      return;
    }
    Variable var;
    var.type = type;
    var.constant = constant;
    var.loc = let->getNameLoc();
    if (const auto &declared = let->getDeclaredType())
      var.declaredTypeLoc = declared->loc;
    variables[name] = var;
    variableOrder.push_back(name);
    return;
  }

  if (auto *assign = llvm::dyn_cast<AssignStmtAST>(&stmt)) {
    ExprAST &value = assign->getValue();
    checkExpression(value);
    StringRef name = assign->getName();
    auto it = variables.find(name);
    if (it == variables.end()) {
      if (currentLayer->params.count(name))
        diag.error(assign->getLoc(), "cannot assign to param " +
                                         quoted(name) + "; params are "
                                                        "read-only");
      else
        diag.error(assign->getLoc(),
                   "assignment to undeclared variable " + quoted(name) +
                       "; declare it with 'let " + name.str() + " = ...'");
      return;
    }
    Variable &var = it->second;
    DslType valueTy = valueType(value.type);
    // Arguments and variables `let` introduced without a type take the type
    // of each new (non-constant) value: a new SSA value under the same name.
    // Declared variables keep their type; constants keep their kind.
    bool rebindable = !var.declaredTypeLoc && !var.type.isLiteral();
    if (valueTy.isError()) {
      // The name's type is unknown from here on; stay quiet about it.
      if (rebindable)
        var.type = DslType::error();
      return;
    }
    if (rebindable && !valueTy.isLiteral()) {
      var.type = valueTy;
      var.constant.reset();
      assign->targetType = valueTy;
      return;
    }
    if (var.type.isError())
      return;
    bool sameLiteral = var.type.isLiteral() && valueTy.kind == var.type.kind;
    if (!sameLiteral &&
        !checkAssignable(valueTy, value.constant, var.type)) {
      diag.error(value.getLoc(), "cannot assign a value of type " +
                                     value.type.str() + " to " +
                                     quoted(name) + " of type " +
                                     var.type.str());
      if (var.declaredTypeLoc && !valueTy.isLiteral())
        diag.note(*var.declaredTypeLoc,
                  quoted(name) + " is declared as " + var.type.str() +
                      " here; only a variable declared without a type can "
                      "be rebound to a value of another type");
      return;
    }
    if (var.type.isScalar() && value.constant &&
        valueTy.kind == DslType::Kind::IntLiteral &&
        isIntegerElement(var.type.element))
      checkLiteralFits(*value.constant, var.type.element, value.getLoc(),
                       var.type);
    var.constant = var.type.isLiteral() ? value.constant : std::nullopt;
    assign->targetType = var.type;
    return;
  }

  auto &ret = llvm::cast<ReturnStmtAST>(stmt);
  ExprAST &value = ret.getValue();
  checkExpression(value);
  if (badSignatures.count(currentFunction))
    return;
  const DslType &expected = currentFunction->getResultType().type;
  DslType valueTy = valueType(value.type);
  if (!checkAssignable(valueTy, value.constant, expected)) {
    diag.error(value.getLoc(), quoted(currentFunction->getName()) +
                                   " returns " + expected.str() +
                                   " but this value has type " +
                                   value.type.str());
    return;
  }
  if (expected.isScalar() && value.constant &&
      valueTy.kind == DslType::Kind::IntLiteral &&
      isIntegerElement(expected.element))
    checkLiteralFits(*value.constant, expected.element, value.getLoc(),
                     expected);
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

void SemaChecker::pushChildren(
    ExprAST &expr, llvm::SmallVectorImpl<std::pair<ExprAST *, bool>> &stack) {
  // Pushed right to left: children are checked left to right.
  if (auto *unary = llvm::dyn_cast<UnaryExprAST>(&expr)) {
    stack.push_back({&unary->getOperand(), false});
  } else if (auto *binary = llvm::dyn_cast<BinaryExprAST>(&expr)) {
    stack.push_back({&binary->getRHS(), false});
    stack.push_back({&binary->getLHS(), false});
  } else if (auto *call = llvm::dyn_cast<CallExprAST>(&expr)) {
    Builtin builtin = call->getMember().empty()
                          ? lookupBuiltin(call->getCallee())
                          : Builtin::None;
    bool isReshape = builtin == Builtin::Reshape || builtin == Builtin::Expand;
    for (auto [index, arg] : llvm::enumerate(llvm::reverse(call->getArgs()))) {
      // The dims of reshape and expand may name symbolic dims
      // (`reshape(x, N, 784)`).
      bool isDimArg = isReshape && index + 1 != call->getArgs().size();
      if (isDimArg) {
        if (auto *var = llvm::dyn_cast<VariableExprAST>(arg.value.get())) {
          if (!variables.count(var->getName()) &&
              symbols.count(var->getName()))
            continue;
        }
      }
      stack.push_back({arg.value.get(), false});
    }
  }
}

void SemaChecker::checkExpression(ExprAST &root) {
  llvm::SmallVector<std::pair<ExprAST *, bool>, 16> stack{{&root, false}};
  while (!stack.empty()) {
    auto [expr, childrenDone] = stack.pop_back_val();
    if (!childrenDone) {
      stack.push_back({expr, true});
      pushChildren(*expr, stack);
      continue;
    }
    expr->type = DslType::error();
    expr->constant.reset();
    if (diag.reachedErrorLimit())
      continue;
    computeType(*expr);
  }
}

void SemaChecker::computeType(ExprAST &expr) {
  switch (expr.getKind()) {
  case ExprAST::Kind::Number: {
    auto &number = llvm::cast<NumberExprAST>(expr);
    expr.constant = number.getValue();
    expr.type = DslType::literal(number.getValue().isFloat
                                     ? DslType::Kind::FloatLiteral
                                     : DslType::Kind::IntLiteral);
    return;
  }
  case ExprAST::Kind::Bool: {
    ConstantValue value;
    value.intValue = llvm::cast<BoolExprAST>(expr).getValue();
    expr.constant = value;
    expr.type = DslType::literal(DslType::Kind::BoolLiteral);
    return;
  }
  case ExprAST::Kind::Variable:
    return checkVariable(llvm::cast<VariableExprAST>(expr));
  case ExprAST::Kind::Unary:
    return checkUnary(llvm::cast<UnaryExprAST>(expr));
  case ExprAST::Kind::Binary:
    return checkBinary(llvm::cast<BinaryExprAST>(expr));
  case ExprAST::Kind::Call:
    return checkCall(llvm::cast<CallExprAST>(expr));
  }
}

void SemaChecker::checkVariable(VariableExprAST &expr) {
  StringRef name = expr.getName();
  if (auto it = variables.find(name); it != variables.end()) {
    it->second.used = true;
    expr.type = it->second.type;
    expr.constant = it->second.constant;
    return;
  }
  if (auto it = currentLayer->params.find(name);
      it != currentLayer->params.end()) {
    ParamAST *param = it->second;
    param->used = true;
    expr.param = param;
    expr.type = param->getType().type;
    // A param whose type failed to check reads as an error.
    if (param->getType().type.isScalar() ||
        llvm::any_of(param->getType().type.dims, [](const Dim &dim) {
          return dim.isSymbolic() || dim.size <= 0;
        }))
      expr.type = DslType::error();
    return;
  }
  if (symbols.count(name)) {
    diag.error(expr.getLoc(), quoted(name) +
                                  " is a symbolic dimension, not a value");
    return;
  }
  if (layers.count(name)) {
    diag.error(expr.getLoc(), quoted(name) + " is a layer; call it as '" +
                                  name.str() + "(...)'");
    return;
  }
  llvm::SmallVector<StringRef, 16> candidates(variableOrder.begin(),
                                              variableOrder.end());
  for (const auto &param : currentLayer->params)
    candidates.push_back(param.getKey());
  diag.error(expr.getLoc(), "unknown variable " + quoted(name) +
                                suggest(name, candidates));
}

void SemaChecker::checkUnary(UnaryExprAST &expr) {
  ExprAST &operand = expr.getOperand();
  DslType type = valueType(operand.type);
  if (type.isError())
    return;
  if (type.kind == DslType::Kind::BoolLiteral ||
      (!type.isLiteral() && type.element == ElementType::Bool)) {
    diag.error(expr.getLoc(), "unary '-' is not defined for " + type.str());
    return;
  }
  if (operand.constant) {
    ConstantValue value = *operand.constant;
    if (value.isFloat) {
      value.floatValue = -value.floatValue;
    } else {
      if (value.intValue == INT64_MIN) {
        diag.error(expr.getLoc(), "integer overflow in constant expression");
        return;
      }
      value.intValue = -value.intValue;
    }
    expr.constant = value;
  }
  expr.type = type;
}

bool SemaChecker::checkLiteralFits(const ConstantValue &value,
                                   ElementType element, SourceLoc loc,
                                   const DslType &other) {
  if (element == ElementType::Bool) {
    diag.error(loc, "cannot use the constant " + formatConstant(value) +
                        " with " + other.str());
    return false;
  }
  if (value.isFloat && isIntegerElement(element)) {
    diag.error(loc, "cannot use the float constant " + formatConstant(value) +
                        " with the integer type " + other.str());
    return false;
  }
  if (!value.isFloat && isIntegerElement(element)) {
    unsigned bits = element == ElementType::I8    ? 8
                    : element == ElementType::I16 ? 16
                    : element == ElementType::I32 ? 32
                                                  : 64;
    if (!llvm::isIntN(bits, value.intValue)) {
      diag.error(loc, "the constant " + formatConstant(value) +
                          " does not fit in " +
                          getElementTypeName(element).str());
      return false;
    }
  }
  return true;
}

void SemaChecker::checkBinary(BinaryExprAST &expr) {
  DslType lhs = expr.getLHS().type, rhs = expr.getRHS().type;
  if (lhs.isError() || rhs.isError())
    return;
  if (expr.getOp() == BinaryOp::MatMul)
    return checkMatMul(expr, lhs, rhs);
  checkElementwise(expr, valueType(lhs), valueType(rhs));
}

/// Numpy-style broadcasting of two shapes aligned at the trailing dim: equal
/// dims stay, a static 1 stretches to the other dim. Returns false (and the
/// first mismatching pair) when the shapes do not broadcast.
static bool broadcastDims(llvm::ArrayRef<Dim> a, llvm::ArrayRef<Dim> b,
                          llvm::SmallVectorImpl<Dim> &result, Dim &badA,
                          Dim &badB) {
  size_t rank = std::max(a.size(), b.size());
  result.assign(rank, Dim());
  for (size_t i = 0; i < rank; ++i) {
    bool hasA = i < a.size(), hasB = i < b.size();
    Dim da = hasA ? a[a.size() - 1 - i] : Dim::fixed(1);
    Dim db = hasB ? b[b.size() - 1 - i] : Dim::fixed(1);
    Dim &out = result[rank - 1 - i];
    if (!hasA)
      out = db;
    else if (!hasB)
      out = da;
    else if (da == db)
      out = da;
    else if (da.isStatic(1))
      out = db;
    else if (db.isStatic(1))
      out = da;
    else {
      badA = da;
      badB = db;
      return false;
    }
  }
  return true;
}

void SemaChecker::checkElementwise(BinaryExprAST &expr, DslType lhs,
                                   DslType rhs) {
  StringRef op = getBinaryOpSpelling(expr.getOp());
  auto isBool = [](const DslType &type) {
    return type.kind == DslType::Kind::BoolLiteral ||
           (!type.isLiteral() && type.element == ElementType::Bool);
  };
  if (isBool(lhs) || isBool(rhs)) {
    diag.error(expr.getLoc(), "'" + op + "' is not defined for " +
                                  (isBool(lhs) ? lhs : rhs).str());
    return;
  }
  const std::optional<ConstantValue> &lc = expr.getLHS().constant;
  const std::optional<ConstantValue> &rc = expr.getRHS().constant;
  if (lhs.isLiteral() && rhs.isLiteral()) {
    // Fold: integers stay integers (C-like division), otherwise doubles.
    ConstantValue result;
    if (!lc->isFloat && !rc->isFloat) {
      int64_t a = lc->intValue, b = rc->intValue, r = 0;
      bool overflow = false;
      switch (expr.getOp()) {
      case BinaryOp::Add:
        overflow = llvm::AddOverflow(a, b, r);
        break;
      case BinaryOp::Sub:
        overflow = llvm::SubOverflow(a, b, r);
        break;
      case BinaryOp::Mul:
        overflow = llvm::MulOverflow(a, b, r);
        break;
      default:
        if (b == 0) {
          diag.error(expr.getLoc(), "division by zero in constant expression");
          return;
        }
        overflow = a == INT64_MIN && b == -1;
        r = overflow ? 0 : a / b;
        break;
      }
      if (overflow) {
        diag.error(expr.getLoc(), "integer overflow in constant expression");
        return;
      }
      result.intValue = r;
      expr.type = DslType::literal(DslType::Kind::IntLiteral);
    } else {
      double a = lc->asDouble(), b = rc->asDouble();
      result.isFloat = true;
      switch (expr.getOp()) {
      case BinaryOp::Add:
        result.floatValue = a + b;
        break;
      case BinaryOp::Sub:
        result.floatValue = a - b;
        break;
      case BinaryOp::Mul:
        result.floatValue = a * b;
        break;
      default:
        result.floatValue = a / b;
        break;
      }
      expr.type = DslType::literal(DslType::Kind::FloatLiteral);
    }
    expr.constant = result;
    return;
  }
  if (lhs.isLiteral()) {
    if (checkLiteralFits(*lc, rhs.element, expr.getLHS().getLoc(), rhs))
      expr.type = rhs;
    return;
  }
  if (rhs.isLiteral()) {
    if (checkLiteralFits(*rc, lhs.element, expr.getRHS().getLoc(), lhs))
      expr.type = lhs;
    return;
  }
  if (lhs.element != rhs.element) {
    diag.error(expr.getLoc(), "'" + op +
                                  "' needs operands of the same element "
                                  "type, got " +
                                  lhs.str() + " and " + rhs.str());
    return;
  }
  if (lhs.isScalar()) {
    expr.type = rhs;
    return;
  }
  if (rhs.isScalar()) {
    expr.type = lhs;
    return;
  }
  llvm::SmallVector<Dim, 4> dims;
  Dim badA, badB;
  if (!broadcastDims(lhs.dims, rhs.dims, dims, badA, badB)) {
    diag.error(expr.getLoc(), "cannot broadcast " + lhs.str() + " and " +
                                  rhs.str() + " in '" + op +
                                  "': dimension " + badA.str() +
                                  " does not match " + badB.str());
    return;
  }
  if (dims.size() > size_t(kMaxRank)) {
    diag.error(expr.getLoc(), "result rank exceeds the limit of " +
                                  Twine(kMaxRank));
    return;
  }
  expr.type = DslType::tensor(lhs.element, dims);
}

void SemaChecker::checkMatMul(BinaryExprAST &expr, const DslType &lhsType,
                              const DslType &rhsType) {
  if (!lhsType.isShaped() || !rhsType.isShaped()) {
    diag.error(expr.getLoc(),
               "operands of '@' must be tensors, got " +
                   (lhsType.isShaped() ? rhsType : lhsType).str());
    return;
  }
  auto mismatch = [&](const Dim &a, const Dim &b) {
    diag.error(expr.getLoc(), "matmul inner dimensions differ: " +
                                  lhsType.str() + " @ " + rhsType.str() +
                                  " (" + a.str() + " vs " + b.str() + ")");
  };
  DslType lhs = valueType(lhsType);
  if (rhsType.isTernary()) {
    if (rhsType.getRank() != 2) {
      diag.error(expr.getLoc(),
                 "ternary weights on the right of '@' must have rank 2 "
                 "([K, N]), got " +
                     rhsType.str());
      return;
    }
    if (lhs.element != ElementType::F32 && lhs.element != ElementType::I8) {
      diag.error(expr.getLoc(), "'@' with ternary weights needs f32 or i8 "
                                "activations, got " +
                                    lhs.str());
      return;
    }
    if (lhs.getRank() < 1) {
      diag.error(expr.getLoc(),
                 "the left operand of '@' must have rank 1 or more, got " +
                     lhs.str());
      return;
    }
    if (lhs.dims.back() != rhsType.dims[0])
      return mismatch(lhs.dims.back(), rhsType.dims[0]);
    llvm::SmallVector<Dim, 4> dims(lhs.dims.begin(), lhs.dims.end() - 1);
    dims.push_back(rhsType.dims[1]);
    expr.type = DslType::tensor(lhs.element == ElementType::I8
                                    ? ElementType::I32
                                    : ElementType::F32,
                                dims);
    return;
  }

  DslType rhs = valueType(rhsType);
  if (lhs.element != rhs.element) {
    diag.error(expr.getLoc(), "'@' needs operands of the same element type, "
                              "got " +
                                  lhsType.str() + " and " + rhsType.str());
    return;
  }
  if (lhs.element == ElementType::Bool) {
    diag.error(expr.getLoc(), "'@' is not defined for " + lhs.str());
    return;
  }
  int64_t lr = lhs.getRank(), rr = rhs.getRank();
  llvm::SmallVector<Dim, 4> dims;
  if (lr == 0 || rr == 0 || (rr > 2 && lr != rr)) {
    diag.error(expr.getLoc(), "matmul of a rank-" + Twine(lr) +
                                  " and a rank-" + Twine(rr) +
                                  " tensor is not supported (" +
                                  lhsType.str() + " @ " + rhsType.str() + ")");
    return;
  }
  const Dim &k = lhs.dims.back();
  const Dim &rk = rr == 1 ? rhs.dims[0] : rhs.dims[rr - 2];
  if (k != rk)
    return mismatch(k, rk);
  if (rr > 2) {
    // Batched: the leading dims must agree exactly.
    for (int64_t i = 0; i < lr - 2; ++i) {
      if (lhs.dims[i] != rhs.dims[i]) {
        diag.error(expr.getLoc(), "batch dimensions of '@' differ: " +
                                      lhsType.str() + " @ " + rhsType.str() +
                                      " (" + lhs.dims[i].str() + " vs " +
                                      rhs.dims[i].str() + ")");
        return;
      }
    }
  }
  dims.assign(lhs.dims.begin(), lhs.dims.end() - 1);
  if (rr >= 2)
    dims.push_back(rhs.dims.back());
  expr.type = DslType::tensor(lhs.element, dims);
}

void SemaChecker::checkCall(CallExprAST &expr) {
  StringRef name = expr.getCallee();
  if (!expr.getMember().empty()) {
    auto layer = layers.find(name);
    if (layer == layers.end()) {
      diag.error(expr.getLoc(), "unknown layer " + quoted(name));
      return;
    }
    auto function = layer->second.functions.find(expr.getMember());
    if (function == layer->second.functions.end()) {
      diag.error(expr.getMemberLoc(), "layer " + quoted(name) +
                                          " has no function " +
                                          quoted(expr.getMember()));
      return;
    }
    return checkFunctionCall(expr, layer->second, *function->second,
                             name.str() + "." + expr.getMember().str());
  }
  if (const BuiltinSpec *spec = lookupBuiltinSpec(name))
    return checkBuiltinCall(expr, *spec);
  if (auto function = currentLayer->functions.find(name);
      function != currentLayer->functions.end())
    return checkFunctionCall(expr, *currentLayer, *function->second,
                             name.str());
  if (auto layer = layers.find(name); layer != layers.end()) {
    auto forward = layer->second.functions.find("forward");
    if (forward == layer->second.functions.end()) {
      diag.error(expr.getLoc(), "layer " + quoted(name) +
                                    " has no function 'forward'; call one of "
                                    "its functions as '" +
                                    name.str() + ".name(...)'");
      return;
    }
    return checkFunctionCall(expr, layer->second, *forward->second,
                             name.str());
  }
  if (variables.count(name) || currentLayer->params.count(name)) {
    diag.error(expr.getLoc(), quoted(name) + " is not a function");
    return;
  }
  llvm::SmallVector<StringRef, 32> candidates;
  for (const BuiltinSpec &spec : getBuiltinSpecs())
    candidates.push_back(spec.name);
  for (const auto &function : currentLayer->functions)
    candidates.push_back(function.getKey());
  if (layers.size() < 1000)
    for (const auto &layer : layers)
      candidates.push_back(layer.getKey());
  diag.error(expr.getLoc(), "unknown function " + quoted(name) +
                                suggest(name, candidates));
}

void SemaChecker::checkFunctionCall(CallExprAST &expr,
                                    const LayerInfo &calleeLayer,
                                    const FunctionAST &callee,
                                    std::string displayName) {
  expr.calleeLayer = calleeLayer.layer;
  expr.calleeFunction = &callee;
  calls[currentFunction].push_back({&callee, &expr});
  llvm::ArrayRef<CallArg> args = expr.getArgs();
  for (const CallArg &arg : args) {
    if (!arg.keyword.empty()) {
      diag.error(arg.loc, "keyword arguments are only allowed for builtins; "
                          "pass the arguments of " +
                              quoted(displayName) + " in order");
      return;
    }
  }
  llvm::ArrayRef<ArgumentAST> params = callee.getArgs();
  if (args.size() != params.size()) {
    diag.error(expr.getLoc(), quoted(displayName) + " expects " +
                                  plural(params.size(), "argument") +
                                  ", got " + Twine(args.size()));
    return;
  }
  if (badSignatures.count(&callee))
    return;
  llvm::StringMap<Dim> bindings;
  auto substitute = [&](const DslType &type) {
    DslType result = type;
    for (Dim &dim : result.dims)
      if (dim.isSymbolic())
        if (auto it = bindings.find(dim.symbol); it != bindings.end())
          dim = it->second;
    return result;
  };
  bool ok = true;
  for (size_t index = 0; index < args.size(); ++index) {
    const CallArg &arg = args[index];
    const ArgumentAST &param = params[index];
    const DslType &expected = param.type.type;
    DslType actual = valueType(arg.value->type);
    if (actual.isError()) {
      ok = false;
      continue;
    }
    auto fail = [&] {
      diag.error(arg.value->getLoc(),
                 "argument " + Twine(index + 1) + " of " + quoted(displayName) +
                     " has type " + arg.value->type.str() + " but " +
                     substitute(expected).str() + " is expected");
      ok = false;
    };
    if (expected.isScalar()) {
      if (!checkAssignable(actual, arg.value->constant, expected))
        fail();
      else if (actual.isLiteral() &&
               !checkLiteralFits(*arg.value->constant, expected.element,
                                 arg.value->getLoc(), expected))
        ok = false;
      continue;
    }
    if (!actual.isTensor() || actual.element != expected.element ||
        actual.getRank() != expected.getRank()) {
      fail();
      continue;
    }
    llvm::StringMap<Dim> saved = bindings;
    bool match = true;
    for (auto [want, have] : llvm::zip(expected.dims, actual.dims)) {
      if (!want.isSymbolic()) {
        match &= want == have;
        continue;
      }
      auto [it, fresh] = bindings.try_emplace(want.symbol, have);
      match &= fresh || it->second == have;
    }
    if (!match) {
      bindings = std::move(saved);
      fail();
    }
  }
  if (!ok)
    return;
  expr.type = substitute(callee.getResultType().type);
}

bool SemaChecker::checkDimIndex(int64_t &dim, int64_t rank, SourceLoc loc,
                                StringRef what) {
  if (dim < -rank || dim >= rank) {
    diag.error(loc, what.str() + " " + std::to_string(dim) +
                        " is out of range for a rank-" +
                        std::to_string(rank) + " tensor (expected " +
                        std::to_string(-rank) + ".." +
                        std::to_string(rank - 1) + ")");
    return false;
  }
  if (dim < 0)
    dim += rank;
  return true;
}

//===----------------------------------------------------------------------===//
// Builtin calls
//===----------------------------------------------------------------------===//

void SemaChecker::checkBuiltinCall(CallExprAST &expr,
                                   const BuiltinSpec &spec) {
  expr.builtin = spec.id;
  BuiltinCall call{expr, spec};
  if (!bindBuiltinArguments(call))
    return;
  switch (spec.rule) {
#define BUILTIN_RULE(Rule)                                                     \
  case BuiltinRule::Rule:                                                      \
    return check##Rule(call);
#include "tritondsl/Frontend/Builtins.def"
  }
}

bool SemaChecker::bindBuiltinArguments(BuiltinCall &call) {
  const BuiltinSpec &spec = call.spec;
  CallExprAST &expr = call.expr;
  StringRef name = spec.name;
  llvm::ArrayRef<CallArg> args = expr.getArgs();
  bool variadicDims = spec.arity == BuiltinArity::VariadicDims;

  // Bind the arguments to the builtin's parameters.
  size_t numRequired = llvm::count_if(
      spec.params, [](const BuiltinParam &p) { return p.required; });
  size_t numParams = spec.params.size();
  if (!variadicDims &&
      (args.size() < numRequired || args.size() > numParams)) {
    std::string expected =
        numRequired == numParams
            ? plural(numParams, "argument")
            : std::to_string(numRequired) + " to " +
                  plural(numParams, "argument");
    diag.error(expr.getLoc(), quoted(name) + " expects " + expected +
                                  ", got " + Twine(args.size()));
    return false;
  }
  if (variadicDims && args.size() < numParams + 1) {
    diag.error(expr.getLoc(), quoted(name) + " expects a tensor and at least "
                                             "one dimension, got " +
                                  plural(args.size(), "argument"));
    return false;
  }
  call.bound.assign(numParams, nullptr);
  bool seenKeyword = false;
  for (size_t index = 0; index < args.size(); ++index) {
    const CallArg &arg = args[index];
    if (arg.keyword.empty()) {
      if (seenKeyword) {
        diag.error(arg.loc, "positional argument after a keyword argument");
        return false;
      }
      if (index < numParams)
        call.bound[index] = &arg;
      else
        call.dimArgs.push_back(&arg);
      continue;
    }
    seenKeyword = true;
    auto param = llvm::find_if(spec.params, [&](const BuiltinParam &p) {
      return arg.keyword == p.name;
    });
    if (param == spec.params.end()) {
      llvm::SmallVector<StringRef, 4> names;
      for (const BuiltinParam &p : spec.params)
        names.push_back(p.name);
      diag.error(arg.loc, quoted(name) + " has no argument named " +
                              quoted(arg.keyword) + suggest(arg.keyword, names));
      return false;
    }
    size_t slot = param - spec.params.begin();
    if (call.bound[slot]) {
      diag.error(arg.loc, "argument " + quoted(arg.keyword) + " of " +
                              quoted(name) + " is given twice");
      return false;
    }
    call.bound[slot] = &arg;
  }
  for (auto [slot, param] : llvm::enumerate(spec.params)) {
    if (param.required && !call.bound[slot]) {
      diag.error(expr.getLoc(), "missing argument " + quoted(param.name) +
                                    " of " + quoted(name));
      return false;
    }
  }

  // Check each argument's kind.
  bool ok = true;
  call.tensorTypes.assign(numParams, DslType());
  call.constants.assign(numParams, std::nullopt);
  for (size_t slot = 0; slot < numParams; ++slot) {
    const BuiltinParam &param = spec.params[slot];
    const CallArg *arg = call.bound[slot];
    if (!arg)
      continue;
    const DslType &type = arg->value->type;
    if (type.isError()) {
      ok = false;
      continue;
    }
    auto fail = [&](StringRef what) {
      diag.error(arg->value->getLoc(), "argument " + quoted(param.name) +
                                           " of " + quoted(name) +
                                           " must be " + what + ", got " +
                                           type.str());
      ok = false;
    };
    switch (param.kind) {
    case BuiltinArgKind::Tensor:
      if (!type.isShaped())
        fail("a tensor");
      call.tensorTypes[slot] = type;
      break;
    case BuiltinArgKind::Int:
      if (type.kind != DslType::Kind::IntLiteral)
        fail("an integer constant");
      call.constants[slot] = arg->value->constant;
      break;
    case BuiltinArgKind::Float:
      if (type.kind != DslType::Kind::IntLiteral &&
          type.kind != DslType::Kind::FloatLiteral)
        fail("a number");
      call.constants[slot] = arg->value->constant;
      break;
    case BuiltinArgKind::Bool:
      if (type.kind != DslType::Kind::BoolLiteral)
        fail("'true' or 'false'");
      call.constants[slot] = arg->value->constant;
      break;
    }
  }
  if (!ok)
    return false;
  for (auto [slot, arg] : llvm::enumerate(call.bound))
    if (arg && spec.params[slot].kind == BuiltinArgKind::Tensor)
      expr.builtinInfo.operands.push_back(arg->value.get());

  // Every builtin's first param is a required tensor (Builtins.def).
  call.x = valueType(call.tensorTypes[0]);
  call.xLoc = call.bound[0]->value->getLoc();
  return true;
}

bool SemaChecker::requireFloat(const BuiltinCall &call, const DslType &type,
                               SourceLoc loc) {
  if (isFloatElement(type.element))
    return true;
  diag.error(loc, quoted(call.spec.name) + " needs a float tensor, got " +
                      type.str());
  return false;
}

void SemaChecker::checkUnaryNumeric(BuiltinCall &call) {
  if (call.x.element == ElementType::Bool) {
    diag.error(call.xLoc,
               quoted(call.spec.name) + " is not defined for " + call.x.str());
    return;
  }
  call.expr.type = call.x;
}

void SemaChecker::checkUnaryFloat(BuiltinCall &call) {
  if (requireFloat(call, call.x, call.xLoc))
    call.expr.type = call.x;
}

void SemaChecker::checkSoftmax(BuiltinCall &call) {
  const DslType &x = call.x;
  BuiltinCallInfo &info = call.expr.builtinInfo;
  if (!requireFloat(call, x, call.xLoc))
    return;
  info.dim = call.intArg(1, 0);
  if (checkDimIndex(info.dim, x.getRank(), call.argLoc(1), "dim"))
    call.expr.type = x;
}

void SemaChecker::checkLayerNorm(BuiltinCall &call) {
  const DslType &x = call.x;
  BuiltinCallInfo &info = call.expr.builtinInfo;
  if (!requireFloat(call, x, call.xLoc))
    return;
  if (x.getRank() < 1) {
    diag.error(call.xLoc, "'layer_norm' needs a tensor of rank 1 or more");
    return;
  }
  for (size_t slot : {size_t(1), size_t(2)}) {
    if (!call.bound[slot])
      continue;
    DslType t = valueType(call.tensorTypes[slot]);
    llvm::SmallVector<Dim, 4> dims;
    Dim a, b;
    if (t.element != x.element ||
        !broadcastDims(x.dims, t.dims, dims, a, b) ||
        llvm::ArrayRef<Dim>(dims) != llvm::ArrayRef<Dim>(x.dims)) {
      diag.error(call.argLoc(slot), "the " + call.spec.params[slot].name +
                                        " of 'layer_norm' has type " +
                                        t.str() +
                                        ", which does not broadcast to " +
                                        x.str());
      return;
    }
  }
  if (call.bound[2] && !call.bound[1]) {
    diag.error(call.argLoc(2), "'layer_norm' takes a bias only with a weight");
    return;
  }
  if (call.constants[3]) {
    info.epsilon = call.constants[3]->asDouble();
    if (!(info.epsilon > 0) || !std::isfinite(info.epsilon)) {
      diag.error(call.argLoc(3), "'eps' of 'layer_norm' must be a positive "
                                 "number");
      return;
    }
  }
  call.expr.type = x;
}

void SemaChecker::checkTranspose(BuiltinCall &call) {
  const DslType &x = call.x;
  BuiltinCallInfo &info = call.expr.builtinInfo;
  int64_t rank = x.getRank();
  if (bool(call.bound[1]) != bool(call.bound[2])) {
    diag.error(call.expr.getLoc(), "'transpose' takes two dims to swap, or "
                                   "none (the last two)");
    return;
  }
  if (rank < 2) {
    diag.error(call.xLoc, "'transpose' needs a tensor of rank 2 or more, "
                          "got " +
                              x.str());
    return;
  }
  info.dim = call.intArg(1, rank - 2);
  info.dim2 = call.intArg(2, rank - 1);
  if (!checkDimIndex(info.dim, rank, call.argLoc(1), "dim") ||
      !checkDimIndex(info.dim2, rank, call.argLoc(2), "dim"))
    return;
  call.expr.type = x;
  std::swap(call.expr.type.dims[info.dim], call.expr.type.dims[info.dim2]);
}

void SemaChecker::checkFlatten(BuiltinCall &call) {
  const DslType &x = call.x;
  if (x.getRank() < 2) {
    diag.error(call.xLoc, "'flatten' needs a tensor of rank 2 or more, got " +
                              x.str());
    return;
  }
  int64_t inner = 1;
  for (const Dim &dim : llvm::drop_begin(x.dims)) {
    if (dim.isSymbolic()) {
      diag.error(call.xLoc, "'flatten' needs static dimensions after the "
                            "first, got " +
                                x.str());
      return;
    }
    inner *= dim.size;
  }
  call.expr.type =
      DslType::tensor(x.element, {x.dims[0], Dim::fixed(inner)});
}

void SemaChecker::checkReshape(BuiltinCall &call) {
  const DslType &x = call.x;
  CallExprAST &expr = call.expr;
  // Element counts must provably agree: the same symbolic dims on both
  // sides and equal products of the static ones; one -1 is inferred.
  llvm::SmallVector<Dim, 4> shape;
  int inferred = -1;
  if (!checkDimArgs(call, shape, inferred, /*manyInferred=*/false))
    return;
  auto summarize = [](llvm::ArrayRef<Dim> dims, int64_t &product,
                      llvm::SmallVectorImpl<StringRef> &syms) {
    product = 1;
    for (const Dim &dim : dims) {
      if (dim.isSymbolic())
        syms.push_back(dim.symbol);
      else if (dim.size > 0 &&
               (llvm::MulOverflow(product, dim.size, product) ||
                product > kMaxElements))
        return false;
    }
    llvm::sort(syms);
    return true;
  };
  int64_t inProduct, outProduct;
  llvm::SmallVector<StringRef, 4> inSyms, outSyms;
  if (!summarize(x.dims, inProduct, inSyms) ||
      !summarize(shape, outProduct, outSyms)) {
    diag.error(expr.getLoc(), "'reshape' has too many elements");
    return;
  }
  auto describe = [](llvm::ArrayRef<Dim> dims) {
    std::string text = "[";
    for (auto [i, dim] : llvm::enumerate(dims))
      text += (i ? ", " : "") + dim.str();
    return text + "]";
  };
  bool sameSymbols = inSyms == outSyms;
  if (inferred >= 0 && sameSymbols && inProduct % outProduct == 0) {
    shape[inferred] = Dim::fixed(inProduct / outProduct);
    outProduct = inProduct;
  }
  if (!sameSymbols || inProduct != outProduct) {
    diag.error(expr.getLoc(), "'reshape' cannot change the number of "
                              "elements: " +
                                  x.str() + " to " + describe(shape));
    return;
  }
  expr.builtinInfo.shape = shape;
  expr.type = DslType::tensor(x.element, shape);
}

void SemaChecker::checkReduction(BuiltinCall &call) {
  const DslType &x = call.x;
  BuiltinCallInfo &info = call.expr.builtinInfo;
  StringRef name = call.spec.name;
  if (x.element == ElementType::Bool ||
      (call.spec.rule == BuiltinRule::FloatReduction &&
       !isFloatElement(x.element))) {
    diag.error(call.xLoc, quoted(name) + " is not defined for " + x.str());
    return;
  }
  if (x.getRank() < 1) {
    diag.error(call.xLoc, quoted(name) + " needs a tensor of rank 1 or more");
    return;
  }
  info.dim = call.intArg(1, 0);
  info.keepDim = call.constants[2] && call.constants[2]->intValue;
  if (!checkDimIndex(info.dim, x.getRank(), call.argLoc(1), "dim"))
    return;
  call.expr.type = x;
  if (info.keepDim)
    call.expr.type.dims[info.dim] = Dim::fixed(1);
  else
    call.expr.type.dims.erase(call.expr.type.dims.begin() + info.dim);
}

void SemaChecker::checkFloatReduction(BuiltinCall &call) {
  checkReduction(call);
}

void SemaChecker::checkConv2D(BuiltinCall &call) {
  const DslType &x = call.x;
  SourceLoc xLoc = call.xLoc;
  BuiltinCallInfo &info = call.expr.builtinInfo;
  const DslType &weightType = call.tensorTypes[1];
  DslType w = valueType(weightType);
  SourceLoc wLoc = call.argLoc(1);
  if (!requireFloat(call, x, xLoc))
    return;
  if (x.getRank() != 4) {
    diag.error(xLoc, "'conv2d' needs an input of rank 4 [N, C, H, W], got " +
                         x.str());
    return;
  }
  if (w.getRank() != 4) {
    diag.error(wLoc, "'conv2d' needs a weight of rank 4 [F, C, KH, KW], "
                     "got " +
                         weightType.str());
    return;
  }
  if (w.element != x.element) {
    diag.error(wLoc, "the weight of 'conv2d' has type " + weightType.str() +
                         ", whose element type differs from " + x.str());
    return;
  }
  info.groups = call.intArg(5, 1);
  if (info.groups < 1 || info.groups > (int64_t(1) << 20)) {
    diag.error(call.argLoc(5), "'groups' of 'conv2d' must be at least 1, "
                               "got " +
                                   Twine(info.groups));
    return;
  }
  if (info.groups > 1) {
    if (x.dims[1].isSymbolic() || w.dims[0].isSymbolic() ||
        w.dims[1].isSymbolic()) {
      diag.error(xLoc, "'conv2d' with groups needs static channels, got " +
                           x.str() + " and " + weightType.str());
      return;
    }
    if (w.dims[0].size % info.groups != 0) {
      diag.error(wLoc, "'conv2d' with groups=" + Twine(info.groups) +
                           " needs a number of filters divisible by it, got " +
                           weightType.str());
      return;
    }
  }
  bool channelsAgree =
      info.groups == 1 ? x.dims[1] == w.dims[1]
                       : x.dims[1].size == w.dims[1].size * info.groups;
  if (!channelsAgree) {
    diag.error(wLoc, "'conv2d' channels differ: the input has " +
                         x.dims[1].str() + " channels but the weight "
                                           "expects " +
                         (info.groups == 1
                              ? w.dims[1].str()
                              : w.dims[1].str() + " x " +
                                    std::to_string(info.groups) + " groups"));
    return;
  }
  for (int i = 2; i < 4; ++i) {
    if (x.dims[i].isSymbolic() || w.dims[i].isSymbolic()) {
      diag.error(x.dims[i].isSymbolic() ? xLoc : wLoc,
                 "'conv2d' needs static spatial dimensions, got " +
                     (x.dims[i].isSymbolic() ? x : w).str());
      return;
    }
  }
  info.stride = call.intArg(2, 1);
  info.padding = call.intArg(3, 0);
  info.dilation = call.intArg(4, 1);
  if (info.stride < 1 || info.stride > (int64_t(1) << 20)) {
    diag.error(call.argLoc(2), "'stride' of 'conv2d' must be at least 1, "
                               "got " +
                                   Twine(info.stride));
    return;
  }
  if (info.padding < 0 || info.padding > (int64_t(1) << 20)) {
    diag.error(call.argLoc(3), "'padding' of 'conv2d' must be 0 or more, "
                               "got " +
                                   Twine(info.padding));
    return;
  }
  if (info.dilation < 1 || info.dilation > (int64_t(1) << 20)) {
    diag.error(call.argLoc(4), "'dilation' of 'conv2d' must be at least 1, "
                               "got " +
                                   Twine(info.dilation));
    return;
  }
  llvm::SmallVector<Dim, 4> dims = {x.dims[0], w.dims[0]};
  for (int i = 2; i < 4; ++i) {
    int64_t padded = x.dims[i].size + 2 * info.padding;
    int64_t extent = (w.dims[i].size - 1) * info.dilation + 1;
    if (padded < extent) {
      diag.error(wLoc, "the 'conv2d' kernel " + weightType.str() +
                           (info.dilation > 1
                                ? " dilated by " + std::to_string(info.dilation)
                                : std::string()) +
                           " is larger than the padded input " + x.str());
      return;
    }
    dims.push_back(Dim::fixed((padded - extent) / info.stride + 1));
  }
  call.expr.type = DslType::tensor(x.element, dims);
}

void SemaChecker::checkClamp(BuiltinCall &call) {
  BuiltinCallInfo &info = call.expr.builtinInfo;
  if (!requireFloat(call, call.x, call.xLoc))
    return;
  info.low = call.constants[1]->asDouble();
  info.high = call.constants[2]->asDouble();
  for (size_t slot : {size_t(1), size_t(2)}) {
    double v = slot == 1 ? info.low : info.high;
    if (!std::isfinite(v) || std::fabs(v) > 3.4e38) {
      diag.error(call.argLoc(slot), "'" + call.spec.params[slot].name +
                                        "' of 'clamp' must be a finite "
                                        "number, got " +
                                        formatConstant(*call.constants[slot]));
      return;
    }
  }
  if (info.low > info.high) {
    diag.error(call.argLoc(2), "'clamp' needs min <= max, got min " +
                                   formatConstant(*call.constants[1]) +
                                   " and max " +
                                   formatConstant(*call.constants[2]));
    return;
  }
  call.expr.type = call.x;
}

void SemaChecker::checkPool2D(BuiltinCall &call) {
  const DslType &x = call.x;
  BuiltinCallInfo &info = call.expr.builtinInfo;
  StringRef name = call.spec.name;
  if (!requireFloat(call, x, call.xLoc))
    return;
  if (x.getRank() != 4) {
    diag.error(call.xLoc, quoted(name) + " needs an input of rank 4 "
                                         "[N, C, H, W], got " +
                              x.str());
    return;
  }
  if (x.dims[2].isSymbolic() || x.dims[3].isSymbolic()) {
    diag.error(call.xLoc, quoted(name) + " needs static spatial dimensions, "
                                         "got " +
                              x.str());
    return;
  }
  info.kernel = call.intArg(1, 1);
  info.stride = call.intArg(2, info.kernel);
  info.padding = call.intArg(3, 0);
  if (info.kernel < 1 || info.kernel > (int64_t(1) << 20)) {
    diag.error(call.argLoc(1), "'kernel' of " + quoted(name) +
                                   " must be at least 1, got " +
                                   Twine(info.kernel));
    return;
  }
  if (info.stride < 1 || info.stride > (int64_t(1) << 20)) {
    diag.error(call.argLoc(2), "'stride' of " + quoted(name) +
                                   " must be at least 1, got " +
                                   Twine(info.stride));
    return;
  }
  // As PyTorch: a window always overlaps the input.
  if (info.padding < 0 || info.padding > info.kernel / 2) {
    diag.error(call.argLoc(3), "'padding' of " + quoted(name) +
                                   " must be between 0 and kernel / 2 = " +
                                   Twine(info.kernel / 2) + ", got " +
                                   Twine(info.padding));
    return;
  }
  llvm::SmallVector<Dim, 4> dims = {x.dims[0], x.dims[1]};
  for (int i = 2; i < 4; ++i) {
    int64_t padded = x.dims[i].size + 2 * info.padding;
    if (padded < info.kernel) {
      diag.error(call.argLoc(1), "the " + quoted(name) + " kernel " +
                                     Twine(info.kernel) +
                                     " is larger than the padded input " +
                                     x.str());
      return;
    }
    dims.push_back(Dim::fixed((padded - info.kernel) / info.stride + 1));
  }
  call.expr.type = DslType::tensor(x.element, dims);
}

bool SemaChecker::checkDimArgs(BuiltinCall &call,
                               llvm::SmallVectorImpl<Dim> &shape,
                               int &inferred, bool manyInferred) {
  StringRef name = call.spec.name;
  for (const CallArg *arg : call.dimArgs) {
    if (!arg->keyword.empty()) {
      diag.error(arg->loc, quoted(name) + " takes its dims as positional "
                                          "arguments");
      return false;
    }
    ExprAST *value = arg->value.get();
    auto *var = llvm::dyn_cast<VariableExprAST>(value);
    if (var && !variables.count(var->getName()) &&
        symbols.count(var->getName())) {
      shape.push_back(Dim::symbolic(var->getName()));
      continue;
    }
    if (value->type.isError())
      return false;
    if (value->type.kind != DslType::Kind::IntLiteral) {
      diag.error(value->getLoc(), "dims of " + quoted(name) +
                                      " must be integer constants or "
                                      "symbolic dims, got " +
                                      value->type.str());
      return false;
    }
    int64_t size = value->constant->intValue;
    if (size == -1 && (inferred < 0 || manyInferred)) {
      if (inferred < 0)
        inferred = shape.size();
      shape.push_back(Dim::fixed(-1));
      continue;
    }
    if (size <= 0) {
      diag.error(value->getLoc(),
                 size == -1 ? "only one dim of " + quoted(name) + " can be -1"
                            : "dims of " + quoted(name) +
                                  " must be positive, got " +
                                  std::to_string(size));
      return false;
    }
    shape.push_back(Dim::fixed(size));
  }
  if (shape.size() > size_t(kMaxRank)) {
    diag.error(call.expr.getLoc(), "tensor rank " + Twine(shape.size()) +
                                       " exceeds the limit of " +
                                       Twine(kMaxRank));
    return false;
  }
  return true;
}

void SemaChecker::checkExpand(BuiltinCall &call) {
  const DslType &x = call.x;
  llvm::SmallVector<Dim, 4> shape;
  int inferred = -1;
  if (!checkDimArgs(call, shape, inferred, /*manyInferred=*/true))
    return;
  int64_t rank = shape.size(), offset = rank - x.getRank();
  if (offset < 0) {
    diag.error(call.expr.getLoc(),
               "'expand' cannot lower the rank: " + x.str() + " to " +
                   Twine(rank) + " dims");
    return;
  }
  for (int64_t i = 0; i < rank; ++i) {
    const CallArg *arg = call.dimArgs[i];
    if (shape[i].isStatic(-1)) {
      if (i < offset) {
        diag.error(arg->loc, "'expand' can keep (-1) only a dim the input "
                             "has");
        return;
      }
      shape[i] = x.dims[i - offset];
      continue;
    }
    if (i >= offset && x.dims[i - offset] != shape[i] &&
        !x.dims[i - offset].isStatic(1)) {
      diag.error(arg->loc, "'expand' cannot change dim " +
                               Twine(i - offset) + " of " + x.str() +
                               " to " + shape[i].str() +
                               " (only dims of size 1 grow)");
      return;
    }
  }
  call.expr.builtinInfo.shape = shape;
  call.expr.type = DslType::tensor(x.element, shape);
}

void SemaChecker::checkConcat(BuiltinCall &call) {
  const DslType &x = call.x;
  DslType y = valueType(call.tensorTypes[1]);
  BuiltinCallInfo &info = call.expr.builtinInfo;
  if (x.getRank() < 1) {
    diag.error(call.xLoc, "'cat' needs tensors of rank 1 or more, got " +
                              x.str());
    return;
  }
  if (y.element != x.element || y.getRank() != x.getRank()) {
    diag.error(call.argLoc(1), "'cat' needs tensors of one element type "
                               "and rank: " +
                                   x.str() + " and " + y.str());
    return;
  }
  info.dim = call.intArg(2, 0);
  if (!checkDimIndex(info.dim, x.getRank(), call.argLoc(2), "dim"))
    return;
  for (int64_t i = 0; i < x.getRank(); ++i) {
    if (i == info.dim)
      continue;
    if (x.dims[i] != y.dims[i]) {
      diag.error(call.argLoc(1), "'cat' along dim " + Twine(info.dim) +
                                     " needs the other dims equal: " +
                                     x.str() + " and " + y.str());
      return;
    }
  }
  if (x.dims[info.dim].isSymbolic() || y.dims[info.dim].isSymbolic()) {
    diag.error(call.argLoc(2), "'cat' needs static sizes along dim " +
                                   Twine(info.dim) + ", got " + x.str() +
                                   " and " + y.str());
    return;
  }
  call.expr.type = x;
  call.expr.type.kind = DslType::Kind::Tensor;
  call.expr.type.dims[info.dim] =
      Dim::fixed(x.dims[info.dim].size + y.dims[info.dim].size);
}

void SemaChecker::checkSlice(BuiltinCall &call) {
  const DslType &x = call.x;
  BuiltinCallInfo &info = call.expr.builtinInfo;
  if (x.getRank() < 1) {
    diag.error(call.xLoc, "'slice' needs a tensor of rank 1 or more, got " +
                              x.str());
    return;
  }
  info.dim = call.intArg(1, 0);
  if (!checkDimIndex(info.dim, x.getRank(), call.argLoc(1), "dim"))
    return;
  const Dim &size = x.dims[info.dim];
  if (size.isSymbolic()) {
    diag.error(call.argLoc(1), "'slice' needs a static dim, got dim " +
                                   Twine(info.dim) + " of " + x.str());
    return;
  }
  info.start = call.intArg(2, 0);
  info.end = call.intArg(3, 0);
  if (info.start < 0 || info.start > info.end || info.end > size.size) {
    diag.error(call.argLoc(info.start < 0 || info.start > info.end ? 2 : 3),
               "'slice' needs 0 <= start <= end <= " + Twine(size.size) +
                   ", got start " + Twine(info.start) + " and end " +
                   Twine(info.end));
    return;
  }
  call.expr.type = x;
  call.expr.type.kind = DslType::Kind::Tensor;
  call.expr.type.dims[info.dim] = Dim::fixed(info.end - info.start);
}

void SemaChecker::checkEmbedding(BuiltinCall &call) {
  const DslType &table = call.x;
  DslType indices = valueType(call.tensorTypes[1]);
  if (!requireFloat(call, table, call.xLoc))
    return;
  if (table.getRank() != 2) {
    diag.error(call.xLoc, "'embedding' needs a table of rank 2 [V, D], got " +
                              table.str());
    return;
  }
  if (!isIntegerElement(indices.element)) {
    diag.error(call.argLoc(1), "the indices of 'embedding' must be an "
                               "integer tensor, got " +
                                   indices.str());
    return;
  }
  if (indices.getRank() + 1 > kMaxRank) {
    diag.error(call.argLoc(1), "tensor rank " + Twine(indices.getRank() + 1) +
                                   " exceeds the limit of " + Twine(kMaxRank));
    return;
  }
  llvm::SmallVector<Dim, 4> dims(indices.dims.begin(), indices.dims.end());
  dims.push_back(table.dims[1]);
  call.expr.type = DslType::tensor(table.element, dims);
}

void SemaChecker::checkQuantizeTernary(BuiltinCall &call) {
  BuiltinCallInfo &info = call.expr.builtinInfo;
  if (!requireFloat(call, call.x, call.xLoc))
    return;
  info.threshold = call.constants[1]->asDouble();
  if (!(info.threshold >= 0) || !std::isfinite(info.threshold) ||
      info.threshold > 3.4e38) {
    diag.error(call.argLoc(1), "the threshold of 'quantize_ternary' must be "
                               "a finite number >= 0, got " +
                                   formatConstant(*call.constants[1]));
    return;
  }
  call.expr.type = call.x;
}

void SemaChecker::checkDequantize(BuiltinCall &call) {
  const DslType &x = call.x;
  if (!call.tensorTypes[0].isTernary()) {
    diag.error(call.xLoc, "'dequantize' needs a TernaryTensor, got " +
                              call.tensorTypes[0].str());
    return;
  }
  if (call.bound[1]) {
    const DslType &scale = call.tensorTypes[1];
    bool perTensor = scale.isTensor() && scale.getRank() == 0;
    bool perChannel = scale.isTensor() && scale.getRank() == 1 &&
                      scale.dims[0] == x.dims.back();
    if (scale.element != ElementType::F32 || (!perTensor && !perChannel)) {
      diag.error(call.argLoc(1),
                 "the scale of 'dequantize' must be Tensor[] or Tensor[" +
                     x.dims.back().str() + "] (one per column), got " +
                     scale.str());
      return;
    }
  }
  call.expr.type = x;
}

//===----------------------------------------------------------------------===//
// Whole program
//===----------------------------------------------------------------------===//

void SemaChecker::checkRecursion() {
  // Iterative depth-first search; a call to a function on the current path
  // closes a cycle.
  enum class State : uint8_t { Unvisited, OnPath, Done };
  llvm::DenseMap<const FunctionAST *, State> state;
  auto name = [&](const FunctionAST *function) {
    return functionLayers.lookup(function)->getName().str() + "." +
           function->getName().str();
  };
  for (const auto &layer : module.getLayers()) {
    for (const auto &rootPtr : layer->getFunctions()) {
      const FunctionAST *root = rootPtr.get();
      if (!functionLayers.count(root) || state[root] != State::Unvisited)
        continue;
      struct Frame {
        const FunctionAST *function;
        size_t next;
      };
      llvm::SmallVector<Frame, 16> path{{root, 0}};
      state[root] = State::OnPath;
      while (!path.empty()) {
        Frame &frame = path.back();
        auto edges = calls.find(frame.function);
        if (edges == calls.end() || frame.next >= edges->second.size()) {
          state[frame.function] = State::Done;
          path.pop_back();
          continue;
        }
        const CallEdge &edge = edges->second[frame.next++];
        State &calleeState = state[edge.callee];
        if (calleeState == State::Done)
          continue;
        if (calleeState == State::OnPath) {
          std::string cycle;
          bool inCycle = false;
          for (const Frame &f : path) {
            inCycle |= f.function == edge.callee;
            if (inCycle)
              cycle += name(f.function) + " -> ";
          }
          cycle += name(edge.callee);
          diag.error(edge.call->getLoc(),
                     "recursive call: " + cycle +
                         "; layers and functions cannot call themselves");
          continue;
        }
        calleeState = State::OnPath;
        path.push_back({edge.callee, 0});
      }
    }
  }
}

void SemaChecker::warnUnusedParams() {
  for (const auto &layer : module.getLayers())
    for (const auto &param : layer->getParams())
      if (!param->used)
        pendingWarnings.push_back(
            {param->getLoc(), "param " + quoted(param->getName()) +
                                  " of layer " + quoted(layer->getName()) +
                                  " is never used"});
}

void SemaChecker::emitWarnings() {
  llvm::sort(pendingWarnings, [](const auto &a, const auto &b) {
    const char *pa = a.first.pointer.getPointer();
    const char *pb = b.first.pointer.getPointer();
    return pa != pb ? pa < pb : a.second < b.second;
  });
  for (const auto &[loc, message] : pendingWarnings)
    diag.warning(loc, message);
}

bool SemaChecker::run() {
  declareLayers();
  for (const auto &layer : module.getLayers()) {
    auto it = layers.find(layer->getName());
    if (it == layers.end() || it->second.layer != layer.get())
      continue; // a redefinition, already reported
    for (const auto &function : layer->getFunctions()) {
      if (diag.reachedErrorLimit())
        return false;
      checkFunction(it->second, *function);
    }
  }
  checkRecursion();
  if (diag.hasErrors())
    return false;
  warnUnusedParams();
  emitWarnings();
  return true;
}

bool tritondsl::frontend::checkModule(ModuleAST &module,
                                         FrontendDiagnostics &diag) {
  return SemaChecker(module, diag).run();
}
