//===- Passes.h - Ternary to GPU (the PTX target) ---------------*- C++ -*-===//
#ifndef TRITONDSL_CONVERSION_TERNARYTOGPU_PASSES_H
#define TRITONDSL_CONVERSION_TERNARYTOGPU_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include "tritondsl/Support/LLVM.h"

namespace tritondsl {

#define GEN_PASS_DECL
#include "tritondsl/Conversion/TernaryToGPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tritondsl/Conversion/TernaryToGPU/Passes.h.inc"

} // namespace tritondsl

#endif // TRITONDSL_CONVERSION_TERNARYTOGPU_PASSES_H
