//===- AST.h - Abstract syntax tree of the .tri DSL --------------*- C++ -*-===//
//
// The parser builds this tree; every node keeps the location of its first
// token (operators: of the operator) so that semantic errors and the
// generated MLIR point at the user's source. Sema fills in the annotations
// (the type of each expression, what each name and call refers to) that
// MLIRGen reads.
//
// Names are StringRefs into the source buffer, which outlives the tree.
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_FRONTEND_AST_H
#define TRITONDSL_FRONTEND_AST_H

#include "tritondsl/Frontend/Diagnostics.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Casting.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>
#include "tritondsl/Support/LLVM.h"

namespace tritondsl::frontend {

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

/// Element types of tensors and scalars.
enum class ElementType : uint8_t { Bool, I8, I16, I32, I64, F16, BF16, F32, F64 };

llvm::StringRef getElementTypeName(ElementType type);
/// `f32` -> F32, ...; `bool` -> Bool; std::nullopt for other names.
std::optional<ElementType> parseElementTypeName(llvm::StringRef name);
bool isFloatElement(ElementType type);
bool isIntegerElement(ElementType type);

/// One dimension of a tensor type: a static size or a symbolic name (`N`).
struct Dim {
  int64_t size = 0;
  llvm::StringRef symbol;

  static Dim fixed(int64_t size) { return Dim{size, {}}; }
  static Dim symbolic(llvm::StringRef name) { return Dim{0, name}; }
  bool isSymbolic() const { return !symbol.empty(); }
  bool isStatic(int64_t value) const { return !isSymbolic() && size == value; }
  bool operator==(const Dim &other) const {
    return isSymbolic() ? symbol == other.symbol
                        : !other.isSymbolic() && size == other.size;
  }
  bool operator!=(const Dim &other) const { return !(*this == other); }
  std::string str() const;
};

/// The type of a DSL value. Literals have their own kinds until they meet a
/// typed operand (`x * 2` takes x's element type); `Error` marks an
/// expression that already failed to check and silences follow-up errors.
struct DslType {
  enum class Kind : uint8_t {
    Error,
    IntLiteral,
    FloatLiteral,
    BoolLiteral,
    Scalar,  // f32, i32, bool, ...
    Tensor,  // Tensor<elem>[dims]
    Ternary, // TernaryTensor[dims]: trits, read as f32 outside `x @ W`
  };
  Kind kind = Kind::Error;
  ElementType element = ElementType::F32;
  llvm::SmallVector<Dim, 4> dims;

  static DslType error() { return DslType(); }
  static DslType literal(Kind kind) {
    DslType type;
    type.kind = kind;
    return type;
  }
  static DslType scalar(ElementType element) {
    DslType type;
    type.kind = Kind::Scalar;
    type.element = element;
    return type;
  }
  static DslType tensor(ElementType element, llvm::ArrayRef<Dim> dims) {
    DslType type;
    type.kind = Kind::Tensor;
    type.element = element;
    type.dims.assign(dims.begin(), dims.end());
    return type;
  }

  bool isError() const { return kind == Kind::Error; }
  bool isLiteral() const {
    return kind == Kind::IntLiteral || kind == Kind::FloatLiteral ||
           kind == Kind::BoolLiteral;
  }
  bool isScalar() const { return kind == Kind::Scalar; }
  bool isTensor() const { return kind == Kind::Tensor; }
  bool isTernary() const { return kind == Kind::Ternary; }
  /// A tensor or ternary tensor (both have dims).
  bool isShaped() const { return isTensor() || isTernary(); }
  int64_t getRank() const { return dims.size(); }

  /// How the type is written in source: `Tensor[N, 10]`, `Tensor<f16>[4]`,
  /// `TernaryTensor[784, 10]`, `f32`; literals as `integer literal`.
  std::string str() const;
  bool operator==(const DslType &other) const {
    return kind == other.kind && element == other.element &&
           dims == other.dims;
  }
  bool operator!=(const DslType &other) const { return !(*this == other); }
};

/// A type as written in the source, with locations for its parts.
struct TypeAST {
  DslType type;
  SourceLoc loc;
  /// The location of each dim (for errors about one dim).
  llvm::SmallVector<SourceLoc, 4> dimLocs;
};

/// The value of a constant (literal) expression, folded by Sema.
struct ConstantValue {
  bool isFloat = false;
  int64_t intValue = 0;
  double floatValue = 0;
  double asDouble() const { return isFloat ? floatValue : double(intValue); }
};

class LayerAST;
class FunctionAST;
class ParamAST;

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

class ExprAST {
public:
  enum class Kind { Number, Bool, Variable, Unary, Binary, Call };

  ExprAST(Kind kind, SourceLoc loc) : kind(kind), loc(loc) {}
  virtual ~ExprAST() = default;
  Kind getKind() const { return kind; }
  SourceLoc getLoc() const { return loc; }

  /// Set by Sema.
  DslType type;
  /// Set by Sema for expressions of a literal type.
  std::optional<ConstantValue> constant;

private:
  const Kind kind;
  SourceLoc loc;
};

using ExprPtr = std::unique_ptr<ExprAST>;

/// Destroys `children` and their subtrees with an explicit worklist, so that
/// a left-leaning chain of 500,000 `+` does not overflow the stack through
/// nested destructors.
void destroyExprsIteratively(llvm::SmallVectorImpl<ExprPtr> &children);

/// `784`, `0.5`, `1e-3`.
class NumberExprAST : public ExprAST {
public:
  NumberExprAST(SourceLoc loc, ConstantValue value, llvm::StringRef spelling)
      : ExprAST(Kind::Number, loc), value(value), spelling(spelling) {}
  ConstantValue getValue() const { return value; }
  llvm::StringRef getSpelling() const { return spelling; }
  static bool classof(const ExprAST *e) { return e->getKind() == Kind::Number; }

private:
  ConstantValue value;
  llvm::StringRef spelling;
};

/// `true`, `false`.
class BoolExprAST : public ExprAST {
public:
  BoolExprAST(SourceLoc loc, bool value)
      : ExprAST(Kind::Bool, loc), value(value) {}
  bool getValue() const { return value; }
  static bool classof(const ExprAST *e) { return e->getKind() == Kind::Bool; }

private:
  bool value;
};

/// A name: a local variable, a function argument or a param of the layer.
class VariableExprAST : public ExprAST {
public:
  VariableExprAST(SourceLoc loc, llvm::StringRef name)
      : ExprAST(Kind::Variable, loc), name(name) {}
  llvm::StringRef getName() const { return name; }
  static bool classof(const ExprAST *e) {
    return e->getKind() == Kind::Variable;
  }

  /// Set by Sema: the param this name reads, or null for a local/argument.
  const ParamAST *param = nullptr;

private:
  llvm::StringRef name;
};

/// `-x`.
class UnaryExprAST : public ExprAST {
public:
  UnaryExprAST(SourceLoc loc, ExprPtr operand)
      : ExprAST(Kind::Unary, loc), operand(std::move(operand)) {}
  ~UnaryExprAST() override;
  ExprAST &getOperand() const { return *operand; }
  static bool classof(const ExprAST *e) { return e->getKind() == Kind::Unary; }

private:
  ExprPtr operand;
  friend void destroyExprsIteratively(llvm::SmallVectorImpl<ExprPtr> &);
};

enum class BinaryOp { Add, Sub, Mul, Div, MatMul };
llvm::StringRef getBinaryOpSpelling(BinaryOp op);

/// `a + b`, `x @ W`; the location is the operator's.
class BinaryExprAST : public ExprAST {
public:
  BinaryExprAST(SourceLoc loc, BinaryOp op, ExprPtr lhs, ExprPtr rhs)
      : ExprAST(Kind::Binary, loc), op(op), lhs(std::move(lhs)),
        rhs(std::move(rhs)) {}
  ~BinaryExprAST() override;
  BinaryOp getOp() const { return op; }
  ExprAST &getLHS() const { return *lhs; }
  ExprAST &getRHS() const { return *rhs; }
  static bool classof(const ExprAST *e) { return e->getKind() == Kind::Binary; }

private:
  BinaryOp op;
  ExprPtr lhs, rhs;
  friend void destroyExprsIteratively(llvm::SmallVectorImpl<ExprPtr> &);
};

/// The builtins, one per BUILTIN line of Builtins.def (see docs/language.md).
enum class Builtin {
  None,
#define BUILTIN(Id, Name, Rule, Arity, Params) Id,
#include "tritondsl/Frontend/Builtins.def"
};

/// One argument of a call: `x` or `stride = 2`.
struct CallArg {
  llvm::StringRef keyword; // empty for a positional argument
  SourceLoc loc;            // of the keyword, or of the value
  ExprPtr value;
};

/// What Sema resolved a builtin call's arguments to: the tensor operands in
/// order and the constant attributes.
struct BuiltinCallInfo {
  llvm::SmallVector<ExprAST *, 3> operands;
  int64_t dim = 0;       // softmax, reductions: normalized to [0, rank)
  int64_t dim2 = 0;      // transpose: the second dim
  bool keepDim = false;  // reductions
  int64_t stride = 1;    // conv2d
  int64_t padding = 0;   // conv2d, pooling
  int64_t dilation = 1;  // conv2d
  int64_t groups = 1;    // conv2d
  int64_t kernel = 1;    // pooling
  int64_t start = 0, end = 0; // slice
  double low = 0, high = 0;   // clamp
  double threshold = 0;  // quantize_ternary
  double epsilon = 1e-5; // layer_norm
  llvm::SmallVector<Dim, 4> shape; // reshape, expand: the result dims
};

/// `relu(x)`, `softmax(x, dim=1)`, `Block(x)` (layer `Block`, function
/// `forward`), `Block.encode(x)`, `helper(x)` (function of the same layer).
class CallExprAST : public ExprAST {
public:
  CallExprAST(SourceLoc loc, llvm::StringRef callee, llvm::StringRef member,
              SourceLoc memberLoc, std::vector<CallArg> args)
      : ExprAST(Kind::Call, loc), callee(callee), member(member),
        memberLoc(memberLoc), args(std::move(args)) {}
  ~CallExprAST() override;
  llvm::StringRef getCallee() const { return callee; }
  /// `encode` in `Block.encode(x)`; empty otherwise.
  llvm::StringRef getMember() const { return member; }
  SourceLoc getMemberLoc() const { return memberLoc; }
  llvm::ArrayRef<CallArg> getArgs() const { return args; }
  static bool classof(const ExprAST *e) { return e->getKind() == Kind::Call; }

  /// Set by Sema: either a builtin (with its resolved arguments) or the
  /// called function and its layer.
  Builtin builtin = Builtin::None;
  BuiltinCallInfo builtinInfo;
  const LayerAST *calleeLayer = nullptr;
  const FunctionAST *calleeFunction = nullptr;

private:
  llvm::StringRef callee, member;
  SourceLoc memberLoc;
  std::vector<CallArg> args;
  friend void destroyExprsIteratively(llvm::SmallVectorImpl<ExprPtr> &);
};

//===----------------------------------------------------------------------===//
// Statements and declarations
//===----------------------------------------------------------------------===//

class StmtAST {
public:
  enum class Kind { Let, Assign, Return };
  StmtAST(Kind kind, SourceLoc loc) : kind(kind), loc(loc) {}
  virtual ~StmtAST() = default;
  Kind getKind() const { return kind; }
  SourceLoc getLoc() const { return loc; }

private:
  const Kind kind;
  SourceLoc loc;
};

using StmtPtr = std::unique_ptr<StmtAST>;

/// `let h = expr` or `let h: Tensor[N, 256] = expr`.
class LetStmtAST : public StmtAST {
public:
  LetStmtAST(SourceLoc loc, llvm::StringRef name, SourceLoc nameLoc,
             std::optional<TypeAST> declaredType, ExprPtr value)
      : StmtAST(Kind::Let, loc), name(name), nameLoc(nameLoc),
        declaredType(std::move(declaredType)), value(std::move(value)) {}
  llvm::StringRef getName() const { return name; }
  SourceLoc getNameLoc() const { return nameLoc; }
  const std::optional<TypeAST> &getDeclaredType() const {
    return declaredType;
  }
  ExprAST &getValue() const { return *value; }
  static bool classof(const StmtAST *s) { return s->getKind() == Kind::Let; }

private:
  llvm::StringRef name;
  SourceLoc nameLoc;
  std::optional<TypeAST> declaredType;
  ExprPtr value;
};

/// `h = expr`: rebinds `h`, to a value of another type too unless `h` was
/// introduced by a `let` with a declared type.
class AssignStmtAST : public StmtAST {
public:
  AssignStmtAST(SourceLoc loc, llvm::StringRef name, ExprPtr value)
      : StmtAST(Kind::Assign, loc), name(name), value(std::move(value)) {}
  llvm::StringRef getName() const { return name; }
  ExprAST &getValue() const { return *value; }
  static bool classof(const StmtAST *s) { return s->getKind() == Kind::Assign; }

  /// Set by Sema: the type the name has from here on (the value's type, or
  /// the variable's when the value is a constant converted to it or the
  /// variable's type is declared). MLIRGen emits the value in this type.
  DslType targetType;

private:
  llvm::StringRef name;
  ExprPtr value;
};

/// `return expr`.
class ReturnStmtAST : public StmtAST {
public:
  ReturnStmtAST(SourceLoc loc, ExprPtr value)
      : StmtAST(Kind::Return, loc), value(std::move(value)) {}
  ExprAST &getValue() const { return *value; }
  static bool classof(const StmtAST *s) { return s->getKind() == Kind::Return; }

private:
  ExprPtr value;
};

/// `param weights: TernaryTensor[784, 10]`.
class ParamAST {
public:
  ParamAST(SourceLoc loc, llvm::StringRef name, TypeAST type)
      : loc(loc), name(name), type(std::move(type)) {}
  SourceLoc getLoc() const { return loc; }
  llvm::StringRef getName() const { return name; }
  const TypeAST &getType() const { return type; }

  /// Set by Sema: whether a function of the layer reads it.
  mutable bool used = false;

private:
  SourceLoc loc;
  llvm::StringRef name;
  TypeAST type;
};

/// `x: Tensor[N, 784]` in a function signature.
struct ArgumentAST {
  SourceLoc loc;
  llvm::StringRef name;
  TypeAST type;
};

/// `fn forward(x: Tensor[N, 784]) -> Tensor[N, 10] { ... }`.
class FunctionAST {
public:
  FunctionAST(SourceLoc loc, llvm::StringRef name,
              std::vector<ArgumentAST> args, TypeAST resultType,
              std::vector<StmtPtr> body, SourceLoc endLoc)
      : loc(loc), name(name), args(std::move(args)),
        resultType(std::move(resultType)), body(std::move(body)),
        endLoc(endLoc) {}
  SourceLoc getLoc() const { return loc; }
  llvm::StringRef getName() const { return name; }
  llvm::ArrayRef<ArgumentAST> getArgs() const { return args; }
  const TypeAST &getResultType() const { return resultType; }
  llvm::ArrayRef<StmtPtr> getBody() const { return body; }
  /// The closing `}`.
  SourceLoc getEndLoc() const { return endLoc; }

private:
  SourceLoc loc;
  llvm::StringRef name;
  std::vector<ArgumentAST> args;
  TypeAST resultType;
  std::vector<StmtPtr> body;
  SourceLoc endLoc;
};

/// `layer Name { param ... fn ... }`.
class LayerAST {
public:
  LayerAST(SourceLoc loc, llvm::StringRef name,
           std::vector<std::unique_ptr<ParamAST>> params,
           std::vector<std::unique_ptr<FunctionAST>> functions)
      : loc(loc), name(name), params(std::move(params)),
        functions(std::move(functions)) {}
  SourceLoc getLoc() const { return loc; }
  llvm::StringRef getName() const { return name; }
  llvm::ArrayRef<std::unique_ptr<ParamAST>> getParams() const {
    return params;
  }
  llvm::ArrayRef<std::unique_ptr<FunctionAST>> getFunctions() const {
    return functions;
  }
  const FunctionAST *lookupFunction(llvm::StringRef name) const;
  const ParamAST *lookupParam(llvm::StringRef name) const;

private:
  SourceLoc loc;
  llvm::StringRef name;
  std::vector<std::unique_ptr<ParamAST>> params;
  std::vector<std::unique_ptr<FunctionAST>> functions;
};

/// A whole .tri file.
class ModuleAST {
public:
  explicit ModuleAST(std::vector<std::unique_ptr<LayerAST>> layers)
      : layers(std::move(layers)) {}
  llvm::ArrayRef<std::unique_ptr<LayerAST>> getLayers() const {
    return layers;
  }

private:
  std::vector<std::unique_ptr<LayerAST>> layers;
};

/// Prints the tree (`tritonc --emit=ast`), with `line:col` of every node and,
/// once Sema ran, the type of every expression.
void dumpAST(const ModuleAST &module, llvm::raw_ostream &os);

} // namespace tritondsl::frontend

#endif // TRITONDSL_FRONTEND_AST_H
