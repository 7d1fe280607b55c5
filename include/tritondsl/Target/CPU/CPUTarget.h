//===- CPUTarget.h - The CPU target -----------------------------*- C++ -*-===//
//
// `--target=cpu` (docs/targets/cpu.md): ternary-optimize with offset2
// weights and fused bias, then ternary-to-llvm; writes a host object file
// (`--emit=obj`, the default) or the LLVM dialect module (`--emit=llvm-mlir`).
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_TARGET_CPU_CPUTARGET_H
#define TRITONDSL_TARGET_CPU_CPUTARGET_H

namespace tritondsl {

/// Registers the `cpu` target and the `ternary-cpu` pipeline.
void registerCPUTarget();

} // namespace tritondsl

#endif // TRITONDSL_TARGET_CPU_CPUTARGET_H
