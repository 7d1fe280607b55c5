//===- Passes.h - Ternary dialect passes ------------------------*- C++ -*-===//
//
// Declarations of the ternary-specific passes (Passes.td is the reference).
//
//===----------------------------------------------------------------------===//
#ifndef TRITON_DIALECT_TERNARY_TRANSFORMS_PASSES_H
#define TRITON_DIALECT_TERNARY_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include "triton/Dialect/Ternary/IR/TernaryOps.h"

#include <optional>

namespace mlir::ternary {

/// The code generation targets. Each one reads packed weights in one layout
/// (getTargetLayout) and may or may not have a fused matmul + bias form.
enum class Target { cpu, gpu, pytorch, onnx, acalsim };

/// The target's name as written in pass options (`cpu`, `gpu`, ...).
llvm::StringRef stringifyTarget(Target target);
/// The target of a name; std::nullopt for an unknown name.
std::optional<Target> symbolizeTarget(llvm::StringRef name);

/// The layout in which the target's kernels read matmul weights.
LayoutAttr getTargetLayout(MLIRContext *context, Target target);

/// Whether the target has a fused matmul + bias form (so that
/// ternary-quant-fusion should create `ternary.matmul ... bias`).
bool targetHasFusedBias(Target target);

#define GEN_PASS_DECL
#include "triton/Dialect/Ternary/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "triton/Dialect/Ternary/Transforms/Passes.h.inc"

} // namespace mlir::ternary

#endif // TRITON_DIALECT_TERNARY_TRANSFORMS_PASSES_H
