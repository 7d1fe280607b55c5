//===- Passes.h - Ternary to EmitC (the ACALSim target) ---------*- C++ -*-===//
#ifndef TRITONDSL_CONVERSION_TERNARYTOEMITC_PASSES_H
#define TRITONDSL_CONVERSION_TERNARYTOEMITC_PASSES_H

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include "tritondsl/Support/LLVM.h"

namespace tritondsl {

#define GEN_PASS_DECL
#include "tritondsl/Conversion/TernaryToEmitC/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tritondsl/Conversion/TernaryToEmitC/Passes.h.inc"

} // namespace tritondsl

#endif // TRITONDSL_CONVERSION_TERNARYTOEMITC_PASSES_H
