//===- PyTorchTarget.h - The PyTorch target ---------------------*- C++ -*-===//
//
// `--target=pytorch` (docs/targets/pytorch.md): ternary-optimize with offset2
// weights and fused bias; writes a Python file with one nn.Module per layer.
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_TARGET_PYTORCH_PYTORCHTARGET_H
#define TRITONDSL_TARGET_PYTORCH_PYTORCHTARGET_H

namespace tritondsl {

/// Registers the `pytorch` target.
void registerPyTorchTarget();

} // namespace tritondsl

#endif // TRITONDSL_TARGET_PYTORCH_PYTORCHTARGET_H
