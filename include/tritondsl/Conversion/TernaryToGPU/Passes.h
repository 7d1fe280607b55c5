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

/// The weight loads of ternary_gemv_i8_sx_k<K> (nvvm.inline_ptx; results
/// $0-$3, the global address $4): no L1 allocation, the L2 asked to fetch
/// 256 bytes (sm_80 and later). The GPU emulator runs it as a plain load.
constexpr llvm::StringLiteral kWeightLoadPtx =
    "ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {$0, $1, $2, $3}, [$4];";

/// The host function, `() -> index`, that convert-ternary-to-gpu calls for
/// the number of multiprocessors of the device a persistent kernel runs on
/// (its grid is a whole number of blocks per SM): declared, not defined;
/// the launch manifest names it "sms" and the runner answers it
/// (runtime/cuda/tri_cuda.h, tri_cuda_multiprocessor_count).
constexpr llvm::StringLiteral kMultiprocessorCountFunction =
    "__tri_multiprocessor_count";

#define GEN_PASS_DECL
#include "tritondsl/Conversion/TernaryToGPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tritondsl/Conversion/TernaryToGPU/Passes.h.inc"

} // namespace tritondsl

#endif // TRITONDSL_CONVERSION_TERNARYTOGPU_PASSES_H
