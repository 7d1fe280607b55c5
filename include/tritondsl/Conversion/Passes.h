//===- Passes.h - Conversions out of the ternary dialect --------*- C++ -*-===//
#ifndef TRITONDSL_CONVERSION_PASSES_H
#define TRITONDSL_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include "tritondsl/Conversion/TernaryToLinalg/TernaryToLinalg.h"
#include "tritondsl/Support/LLVM.h"

namespace tritondsl {

#define GEN_PASS_DECL
#include "tritondsl/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tritondsl/Conversion/Passes.h.inc"

} // namespace tritondsl

#endif // TRITONDSL_CONVERSION_PASSES_H
