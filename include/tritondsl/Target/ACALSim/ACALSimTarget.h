//===- ACALSimTarget.h - The ACALSim (RISC-V bare-metal C) target -*- C++ -*-===//
//
// `--target=acalsim` (docs/targets/acalsim.md): C for riscv64-unknown-elf-gcc
// that drives the ACALSim compute device, lowered through EmitC and printed
// by mlir::emitc::translateToCpp, with its weights, linker script, start-up
// code, Makefile and a main.
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_TARGET_ACALSIM_ACALSIMTARGET_H
#define TRITONDSL_TARGET_ACALSIM_ACALSIMTARGET_H

#include "tritondsl/Target/Target.h"

namespace tritondsl {

/// Registers the `acalsim` target.
void registerACALSimTarget();

/// The pipeline of --target=acalsim after ternary-optimize, to EmitC:
/// `offload` is "device" or "host"; `batch` the size of symbolic dims.
void buildACALSimPipeline(mlir::OpPassManager &pm, llvm::StringRef offload,
                          int64_t batch);

/// Writes the directory of an EmitC module made by buildACALSimPipeline.
mlir::LogicalResult emitACALSimDirectory(mlir::ModuleOp module,
                                         llvm::StringRef offload,
                                         llvm::SmallVectorImpl<TargetFile> &files);

} // namespace tritondsl

#endif // TRITONDSL_TARGET_ACALSIM_ACALSIMTARGET_H
