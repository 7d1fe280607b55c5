//===- ONNXEmitter.h - Ternary IR to ONNX ModelProto ------------*- C++ -*-===//
//
// Writes the layers of a module as binary ONNX models (onnx.proto through
// Debian's libonnx-dev): one graph per entry function, callees inlined,
// params as initializers (when they have values) or named graph inputs.
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_TARGET_ONNX_ONNXEMITTER_H
#define TRITONDSL_TARGET_ONNX_ONNXEMITTER_H

#include "tritondsl/Support/LLVM.h"
#include "tritondsl/Target/Target.h"

#include "mlir/IR/BuiltinOps.h"

namespace tritondsl {

/// Which operators a model may use.
enum class ONNXProfile {
  /// `ternary.matmul` on packed weights becomes com.microsoft.MatMulNBits
  /// (bits=2) where onnxruntime can run it; everything else default-domain.
  ORT,
  /// Default-domain operators only: packed bytes are decoded in the graph.
  Standard,
};

/// The activations MatMulNBits computes with (`ort` profile only).
enum class ONNXActivations {
  /// Exact f32 activations (accuracy_level=0): the DSL's semantics.
  F32,
  /// onnxruntime quantizes the activations to int8 per block
  /// (accuracy_level=4, W1.58A8): fast, not exact.
  Int8,
};

/// Writes `module` as ONNX models into `files`: one unnamed file when the
/// module has one entry function (a layer function no other layer calls),
/// else one file `<Layer>.<function>.onnx` per entry. Refuses what it cannot
/// map with an error at the op; `files` is then left unchanged.
LogicalResult emitONNXModels(ModuleOp module, ONNXProfile profile,
                             ONNXActivations activations,
                             SmallVectorImpl<TargetFile> &files);

} // namespace tritondsl

#endif // TRITONDSL_TARGET_ONNX_ONNXEMITTER_H
