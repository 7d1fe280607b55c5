//===- PyTorchEmitter.h - Ternary IR to PyTorch nn.Module source -*- C++ -*-===//
//
// The PyTorch target (docs/targets/pytorch.md): one Python source file per
// module, one `nn.Module` class per `ternary.layer`, written in the style of
// MLIR's C++ emitter (a value->name map, one printer per op, a located error
// for anything that cannot be printed).
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_TARGET_PYTORCH_PYTORCHEMITTER_H
#define TRITONDSL_TARGET_PYTORCH_PYTORCHEMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"
#include "tritondsl/Support/LLVM.h"

namespace tritondsl {

/// Prints `module` (ternary layers of ternary + upstream ops on tensors, as
/// `ternary-optimize{target=pytorch}` leaves them) as a self-contained Python
/// file that needs only torch. Emits a located error and fails, printing
/// nothing useful, on any op or type it cannot print exactly.
LogicalResult emitPyTorchModule(ModuleOp module, llvm::raw_ostream &os);

} // namespace tritondsl

#endif // TRITONDSL_TARGET_PYTORCH_PYTORCHEMITTER_H
