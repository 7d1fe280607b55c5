//===- AST.cpp - Abstract syntax tree of the .tri DSL ---------------------===//
#include "tritondsl/Frontend/AST.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/raw_ostream.h"

using namespace tritondsl::frontend;

llvm::StringRef tritondsl::frontend::getElementTypeName(ElementType type) {
  switch (type) {
  case ElementType::Bool:
    return "bool";
  case ElementType::I8:
    return "i8";
  case ElementType::I16:
    return "i16";
  case ElementType::I32:
    return "i32";
  case ElementType::I64:
    return "i64";
  case ElementType::F16:
    return "f16";
  case ElementType::BF16:
    return "bf16";
  case ElementType::F32:
    return "f32";
  case ElementType::F64:
    return "f64";
  }
  return "?";
}

std::optional<ElementType>
tritondsl::frontend::parseElementTypeName(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<ElementType>>(name)
      .Case("bool", ElementType::Bool)
      .Case("i8", ElementType::I8)
      .Case("i16", ElementType::I16)
      .Case("i32", ElementType::I32)
      .Case("i64", ElementType::I64)
      .Case("f16", ElementType::F16)
      .Case("bf16", ElementType::BF16)
      .Case("f32", ElementType::F32)
      .Case("f64", ElementType::F64)
      .Default(std::nullopt);
}

bool tritondsl::frontend::isFloatElement(ElementType type) {
  return type == ElementType::F16 || type == ElementType::BF16 ||
         type == ElementType::F32 || type == ElementType::F64;
}

bool tritondsl::frontend::isIntegerElement(ElementType type) {
  return type == ElementType::I8 || type == ElementType::I16 ||
         type == ElementType::I32 || type == ElementType::I64;
}

std::string Dim::str() const {
  return isSymbolic() ? symbol.str() : std::to_string(size);
}

std::string DslType::str() const {
  std::string text;
  switch (kind) {
  case Kind::Error:
    return "<error>";
  case Kind::IntLiteral:
    return "integer literal";
  case Kind::FloatLiteral:
    return "float literal";
  case Kind::BoolLiteral:
    return "bool literal";
  case Kind::Scalar:
    return getElementTypeName(element).str();
  case Kind::Tensor:
    text = "Tensor";
    if (element != ElementType::F32)
      text += "<" + getElementTypeName(element).str() + ">";
    break;
  case Kind::Ternary:
    text = "TernaryTensor";
    break;
  }
  text += "[";
  for (auto [index, dim] : llvm::enumerate(dims)) {
    if (index)
      text += ", ";
    text += dim.str();
  }
  return text + "]";
}

llvm::StringRef tritondsl::frontend::getBinaryOpSpelling(BinaryOp op) {
  switch (op) {
  case BinaryOp::Add:
    return "+";
  case BinaryOp::Sub:
    return "-";
  case BinaryOp::Mul:
    return "*";
  case BinaryOp::Div:
    return "/";
  case BinaryOp::MatMul:
    return "@";
  }
  return "?";
}

void tritondsl::frontend::destroyExprsIteratively(
    llvm::SmallVectorImpl<ExprPtr> &worklist) {
  while (!worklist.empty()) {
    ExprPtr expr = std::move(worklist.back());
    worklist.pop_back();
    if (!expr)
      continue;
    // Detach the children first: `expr` then dies without recursing.
    if (auto *unary = llvm::dyn_cast<UnaryExprAST>(expr.get())) {
      worklist.push_back(std::move(unary->operand));
    } else if (auto *binary = llvm::dyn_cast<BinaryExprAST>(expr.get())) {
      worklist.push_back(std::move(binary->lhs));
      worklist.push_back(std::move(binary->rhs));
    } else if (auto *call = llvm::dyn_cast<CallExprAST>(expr.get())) {
      for (CallArg &arg : call->args)
        worklist.push_back(std::move(arg.value));
    }
  }
}

UnaryExprAST::~UnaryExprAST() {
  llvm::SmallVector<ExprPtr, 4> worklist;
  worklist.push_back(std::move(operand));
  destroyExprsIteratively(worklist);
}

BinaryExprAST::~BinaryExprAST() {
  llvm::SmallVector<ExprPtr, 4> worklist;
  worklist.push_back(std::move(lhs));
  worklist.push_back(std::move(rhs));
  destroyExprsIteratively(worklist);
}

CallExprAST::~CallExprAST() {
  llvm::SmallVector<ExprPtr, 4> worklist;
  for (CallArg &arg : args)
    worklist.push_back(std::move(arg.value));
  destroyExprsIteratively(worklist);
}

const FunctionAST *LayerAST::lookupFunction(llvm::StringRef name) const {
  for (const auto &function : functions)
    if (function->getName() == name)
      return function.get();
  return nullptr;
}

const ParamAST *LayerAST::lookupParam(llvm::StringRef name) const {
  for (const auto &param : params)
    if (param->getName() == name)
      return param.get();
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Dump
//===----------------------------------------------------------------------===//

namespace {
class ASTDumper {
public:
  explicit ASTDumper(llvm::raw_ostream &os) : os(os) {}

  void dump(const ModuleAST &module) {
    os << "Module\n";
    for (const auto &layer : module.getLayers())
      dump(*layer);
  }

private:
  /// Indentation stops growing at this depth: a 100,000-term chain prints in
  /// linear space.
  static constexpr unsigned kMaxIndent = 64;

  void indent(unsigned depth) {
    os.indent(2 * std::min(depth, kMaxIndent));
  }
  void printLoc(SourceLoc loc) { os << " <" << loc.line << ":" << loc.column << ">"; }

  void dump(const LayerAST &layer) {
    indent(1);
    os << "Layer " << layer.getName();
    printLoc(layer.getLoc());
    os << "\n";
    for (const auto &param : layer.getParams()) {
      indent(2);
      os << "Param " << param->getName() << ": "
         << param->getType().type.str();
      printLoc(param->getLoc());
      os << "\n";
    }
    for (const auto &function : layer.getFunctions())
      dump(*function);
  }

  void dump(const FunctionAST &function) {
    indent(2);
    os << "Function " << function.getName() << "(";
    for (auto [index, arg] : llvm::enumerate(function.getArgs())) {
      if (index)
        os << ", ";
      os << arg.name << ": " << arg.type.type.str();
    }
    os << ") -> " << function.getResultType().type.str();
    printLoc(function.getLoc());
    os << "\n";
    for (const StmtPtr &stmt : function.getBody())
      dump(*stmt);
  }

  void dump(const StmtAST &stmt) {
    indent(3);
    if (auto *let = llvm::dyn_cast<LetStmtAST>(&stmt)) {
      os << "Let " << let->getName();
      if (let->getDeclaredType())
        os << ": " << let->getDeclaredType()->type.str();
      printLoc(let->getLoc());
      os << "\n";
      dumpExpr(let->getValue(), 4);
    } else if (auto *assign = llvm::dyn_cast<AssignStmtAST>(&stmt)) {
      os << "Assign " << assign->getName();
      printLoc(assign->getLoc());
      os << "\n";
      dumpExpr(assign->getValue(), 4);
    } else if (auto *ret = llvm::dyn_cast<ReturnStmtAST>(&stmt)) {
      os << "Return";
      printLoc(ret->getLoc());
      os << "\n";
      dumpExpr(ret->getValue(), 4);
    }
  }

  /// Pre-order with an explicit stack (expressions can be very deep).
  void dumpExpr(const ExprAST &root, unsigned rootDepth) {
    struct Item {
      const ExprAST *expr;
      unsigned depth;
      llvm::StringRef keyword;
    };
    llvm::SmallVector<Item, 16> stack{{&root, rootDepth, {}}};
    while (!stack.empty()) {
      Item item = stack.pop_back_val();
      const ExprAST *expr = item.expr;
      indent(item.depth);
      if (!item.keyword.empty())
        os << item.keyword << " = ";
      switch (expr->getKind()) {
      case ExprAST::Kind::Number:
        os << "Number " << llvm::cast<NumberExprAST>(expr)->getSpelling();
        break;
      case ExprAST::Kind::Bool:
        os << "Bool "
           << (llvm::cast<BoolExprAST>(expr)->getValue() ? "true" : "false");
        break;
      case ExprAST::Kind::Variable:
        os << "Variable " << llvm::cast<VariableExprAST>(expr)->getName();
        break;
      case ExprAST::Kind::Unary:
        os << "Unary '-'";
        break;
      case ExprAST::Kind::Binary:
        os << "Binary '"
           << getBinaryOpSpelling(llvm::cast<BinaryExprAST>(expr)->getOp())
           << "'";
        break;
      case ExprAST::Kind::Call: {
        auto *call = llvm::cast<CallExprAST>(expr);
        os << "Call " << call->getCallee();
        if (!call->getMember().empty())
          os << "." << call->getMember();
        break;
      }
      }
      printLoc(expr->getLoc());
      if (!expr->type.isError())
        os << " : " << expr->type.str();
      os << "\n";
      // Children, pushed in reverse so that they print in order.
      if (auto *unary = llvm::dyn_cast<UnaryExprAST>(expr)) {
        stack.push_back({&unary->getOperand(), item.depth + 1, {}});
      } else if (auto *binary = llvm::dyn_cast<BinaryExprAST>(expr)) {
        stack.push_back({&binary->getRHS(), item.depth + 1, {}});
        stack.push_back({&binary->getLHS(), item.depth + 1, {}});
      } else if (auto *call = llvm::dyn_cast<CallExprAST>(expr)) {
        for (const CallArg &arg : llvm::reverse(call->getArgs()))
          stack.push_back({arg.value.get(), item.depth + 1, arg.keyword});
      }
    }
  }

  llvm::raw_ostream &os;
};
} // namespace

void tritondsl::frontend::dumpAST(const ModuleAST &module,
                                     llvm::raw_ostream &os) {
  ASTDumper(os).dump(module);
}
