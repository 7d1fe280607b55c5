//===- ONNXTarget.h - The ONNX target ---------------------------*- C++ -*-===//
//
// `--target=onnx`: a binary ONNX ModelProto per program (docs/targets/onnx.md).
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_TARGET_ONNX_ONNXTARGET_H
#define TRITONDSL_TARGET_ONNX_ONNXTARGET_H

namespace tritondsl {

void registerONNXTarget();

} // namespace tritondsl

#endif // TRITONDSL_TARGET_ONNX_ONNXTARGET_H
