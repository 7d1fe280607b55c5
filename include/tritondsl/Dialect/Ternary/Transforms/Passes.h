//===- Passes.h - Ternary dialect passes ------------------------*- C++ -*-===//
//
// Declarations of the ternary-specific passes (Passes.td is the reference).
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_DIALECT_TERNARY_TRANSFORMS_PASSES_H
#define TRITONDSL_DIALECT_TERNARY_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include "tritondsl/Dialect/Ternary/IR/TernaryOps.h"

namespace mlir::ternary {

#define GEN_PASS_DECL
#include "tritondsl/Dialect/Ternary/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tritondsl/Dialect/Ternary/Transforms/Passes.h.inc"

} // namespace mlir::ternary

#endif // TRITONDSL_DIALECT_TERNARY_TRANSFORMS_PASSES_H
