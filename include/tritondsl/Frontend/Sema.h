//===- Sema.h - Semantic checks of the .tri DSL ------------------*- C++ -*-===//
//
// Resolves names (variables, params, layers, functions, builtins), computes
// the type and shape of every expression (symbolic dims such as N are bound
// by a function's arguments and must be used consistently), checks
// broadcasting, matmul inner dimensions, builtin arity and argument types,
// rejects recursion between layers and warns about unused params. Builtin
// calls are checked with the table of Builtins.def (Builtins.h).
// The results are stored in the AST for MLIRGen. The rules are in
// docs/language.md.
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_FRONTEND_SEMA_H
#define TRITONDSL_FRONTEND_SEMA_H

#include "tritondsl/Frontend/AST.h"
#include "tritondsl/Frontend/Builtins.h"
#include "tritondsl/Support/LLVM.h"

namespace tritondsl::frontend {

/// Tensors have at most this many dims.
constexpr int64_t kMaxRank = 16;
/// "did you mean" suggestions in one module; later unknown names get none
/// (suggesting costs a pass over the names in scope).
constexpr unsigned kMaxSuggestions = 50;
/// A static tensor has at most this many elements (2^48).
constexpr int64_t kMaxElements = int64_t(1) << 48;

/// Checks `module` and annotates it. Returns false when an error was reported.
bool checkModule(ModuleAST &module, FrontendDiagnostics &diag);

} // namespace tritondsl::frontend

#endif // TRITONDSL_FRONTEND_SEMA_H
