//===- Passes.h - Conversions out of the ternary dialect --------*- C++ -*-===//
#ifndef TRITON_CONVERSION_PASSES_H
#define TRITON_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include "triton/Conversion/TernaryToLinalg/TernaryToLinalg.h"

namespace mlir::triton {

#define GEN_PASS_DECL
#include "triton/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "triton/Conversion/Passes.h.inc"

} // namespace mlir::triton

#endif // TRITON_CONVERSION_PASSES_H
