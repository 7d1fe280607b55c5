//===- Weights.h - Weights files, one format for every target ---*- C++ -*-===//
//
// A weights file gives a program's params their values at compile time, so
// that every target embeds them (the CPU object's entry points then take only
// the inputs; the PyTorch module starts with them). The format is
// safetensors: an 8-byte little-endian header length, a JSON header mapping
// each tensor name to {dtype, shape, data_offsets} (plus `__metadata__`, a
// string -> string map), then the raw little-endian bytes. Tensors are named
// `Layer.param`. For a TernaryTensor param:
//   * a float tensor (F32, F64, F16, BF16) is ternarized at compile time with
//     the chosen quantizer (the trits only: a scale is a param of its own);
//   * an I8 tensor holds trits (-1, 0, +1);
//   * a U8 tensor holds packed bytes, with `"<name>.encoding"` (offset2 or
//     base3) and optionally `"<name>.axis"` (default 0) in `__metadata__`.
// A Tensor param takes a tensor of its shape: floats of any float dtype for a
// float param, the same integer dtype for an integer param.
// docs/weights.md has the whole format and the error messages.
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_TARGET_WEIGHTS_H
#define TRITONDSL_TARGET_WEIGHTS_H

#include "tritondsl/Dialect/Ternary/IR/TernaryOps.h"
#include "tritondsl/Support/LLVM.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>

namespace tritondsl {

/// How float weights of TernaryTensor params are ternarized (the quantizers
/// of runtime/include/ternary_packing.h, per tensor).
struct QuantizerOptions {
  mlir::ternary::QuantMethod method = mlir::ternary::QuantMethod::absmean;
  /// The threshold method's d >= 0 (required there).
  std::optional<float> threshold;
  /// The stochastic method's key.
  uint64_t seed = 0;
};

/// A safetensors file, checked: every tensor's dtype, shape and byte range.
class WeightsFile {
public:
  struct Tensor {
    std::string name;
    /// The safetensors dtype: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL ...
    std::string dtype;
    SmallVector<int64_t> shape;
    /// The tensor's bytes, in the file's buffer.
    ArrayRef<uint8_t> data;
  };

  /// Reads and checks the file at `path`. On failure returns null and sets
  /// `error` to a message naming the file (and the tensor, if one is at
  /// fault): truncated file, bad header, unknown dtype, byte ranges that do
  /// not match the shape or lie outside the file.
  static std::unique_ptr<WeightsFile> read(llvm::StringRef path,
                                           std::string &error);
  /// The same for a file already in memory (`buffer`'s identifier names it).
  static std::unique_ptr<WeightsFile>
  parse(std::unique_ptr<llvm::MemoryBuffer> buffer, std::string &error);

  llvm::StringRef getPath() const { return path; }
  /// The tensors in file order.
  ArrayRef<Tensor> getTensors() const { return tensors; }
  /// The tensor named `name`, or null.
  const Tensor *lookup(llvm::StringRef name) const;
  /// The `__metadata__` entry `key`, or std::nullopt.
  std::optional<llvm::StringRef> getMetadata(llvm::StringRef key) const;

private:
  std::string path;
  std::unique_ptr<llvm::MemoryBuffer> buffer;
  std::vector<Tensor> tensors;
  llvm::StringMap<size_t> index;
  llvm::StringMap<std::string> metadata;
};

/// Gives every `ternary.param` of `module` its value from `weights` (its
/// initial value): each param must have a tensor named `Layer.param` of the
/// right dtype and shape, valid packed bytes or trits, and every tensor
/// must name a param. Errors are emitted at the param (or at the module for
/// tensors that name no param), each naming the param and the file; the
/// module is left unchanged on failure.
LogicalResult bindWeights(ModuleOp module, const WeightsFile &weights,
                          const QuantizerOptions &quantizer);

} // namespace tritondsl

#endif // TRITONDSL_TARGET_WEIGHTS_H
