//===- Builtins.h - The table of builtin functions --------------*- C++ -*-===//
//
// The builtins of Builtins.def as data: each one's name, params (in
// positional order, with their kinds) and the rule Sema checks its calls
// with. Sema binds a call's arguments with the params and dispatches on the
// rule; nothing else about a builtin is written twice.
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_FRONTEND_BUILTINS_H
#define TRITONDSL_FRONTEND_BUILTINS_H

#include "tritondsl/Frontend/AST.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

namespace tritondsl::frontend {

/// What an argument of a builtin must be.
enum class BuiltinArgKind : uint8_t {
  Tensor, // a tensor or a TernaryTensor
  Int,    // an integer constant
  Float,  // a number (integer or float constant)
  Bool,   // `true` or `false`
};

/// VariadicDims: any number of positional dims follow the params (reshape).
enum class BuiltinArity : uint8_t { Fixed, VariadicDims };

/// How Sema checks a call once its arguments are bound (see Builtins.def).
enum class BuiltinRule : uint8_t {
#define BUILTIN_RULE(Rule) Rule,
#include "tritondsl/Frontend/Builtins.def"
};

struct BuiltinParam {
  llvm::StringRef name;
  BuiltinArgKind kind;
  bool required;
};

struct BuiltinSpec {
  llvm::StringRef name;
  Builtin id;
  BuiltinRule rule;
  BuiltinArity arity;
  llvm::SmallVector<BuiltinParam, 4> params;
};

/// Every builtin, in the order of Builtins.def.
llvm::ArrayRef<BuiltinSpec> getBuiltinSpecs();
/// The builtin called `name`, or null.
const BuiltinSpec *lookupBuiltinSpec(llvm::StringRef name);
/// The builtin called `name`, or Builtin::None.
Builtin lookupBuiltin(llvm::StringRef name);
/// How `builtin` is spelled; "?" for Builtin::None.
llvm::StringRef getBuiltinName(Builtin builtin);

} // namespace tritondsl::frontend

#endif // TRITONDSL_FRONTEND_BUILTINS_H
