//===- PackedGemv.h - the word-vector GEMV kernels --------------*- C++ -*-===//
//
// Internal to convert-ternary-to-gpu (PackedGemv.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_LIB_CONVERSION_TERNARYTOGPU_PACKEDGEMV_H
#define TRITONDSL_LIB_CONVERSION_TERNARYTOGPU_PACKEDGEMV_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"

#include <optional>
#include <string>

namespace tritondsl {

/// One GEMV kernel of PackedGemv.cpp: each warp computes `columns` output
/// columns for `rows` rows of x; each lane reads `words` 32-bit words of
/// packed weights per column and step (4: a 128-bit load).
struct PackedGemvConfig {
  static constexpr int64_t kThreads = 256;
  int64_t rows = 1, columns = 4, words = 4;
  /// i8 activations and an exact i32 result (dp4a), else f32 ones.
  bool int8 = false;
  /// A tensor-core kernel (PackedMma.cpp): int8, a 16 x 32 tile per
  /// block; f32, a 16 x 64 tile, or 1 x 64 (rows = 1). `words` is 4 when
  /// the rows of packed words are whole 128-bit vectors (k % 64 == 0), 1
  /// when they are 32-bit words only (k % 16 == 0: the 16-row f32 kernel
  /// `_w1` loads word by word and masks the words past the row end).
  bool mma = false;
  /// The one-row int8 GEMV with x staged in shared memory and a persistent
  /// grid (StagedGemv.cpp), `ternary_gemv_i8_sx_k<reductionSize>`: its
  /// shared memory is sized for K.
  bool stagedX = false;
  /// The one-row f32 GEMV in fixed point on the int8 tensor cores
  /// (FixedPointGemv.cpp), `ternary_gemv_f32_fx_k<reductionSize>`, or with
  /// `int8` its int8 form `ternary_gemv_i8_mma_k<reductionSize>`: their
  /// shared memory is sized for K.
  bool fixedPoint = false;
  /// With `int8` and `mma`: ternary_mma_i8_m16n32_u8, the trit codes as
  /// the unsigned B operand as they lie in the words (no decode), the row
  /// sums of x subtracted (PackedMma.cpp, buildCodesLoop).
  bool unsignedCodes = false;
  /// With `stagedX` (activations=int8): ternary_gemv_a8_sx_k<K>, whose
  /// input is f32 x, quantized per row to int8 as it is staged, and whose
  /// result is f32, dequantized in the epilogue (the arguments of the f32
  /// GEMVs, no decode bits; ActivationKernels.mlir defines the
  /// quantization).
  bool quantizeInput = false;
  /// With `int8` and `mma` (activations=int8, more rows):
  /// ternary_mma_a8_m16n32[_u8], whose i8 input is x as
  /// ternary_quantize_rows_i8 quantized it and whose result is f32,
  /// ((f32(sum) * step[m]) * scale) + bias: the arguments of the f32
  /// kernels, x i8, and the steps (?xf32) last.
  bool dequantizeOutput = false;
  int64_t reductionSize = 0;

  /// ternary_gemv_f32_r<rows>c<columns>w<words>, ternary_gemv_i8_...,
  /// ternary_mma_i8_m16n32[_u8], ternary_mma_a8_m16n32[_u8],
  /// ternary_mma_f32_m16n64[_w1],
  /// ternary_mma_f32_m1n64, ternary_gemv_i8_sx_k<K> or
  /// ternary_gemv_a8_sx_k<K>.
  std::string kernelName() const;
  /// The bits an f32 kernel ors into a masked trit code to make it a
  /// float: 0x4B000000 (the f32 2^23) for the GEMVs, 0x43004300 (the bf16
  /// pair 128) for the tensor-core kernels; none for int8. They arrive as
  /// the kernel's last argument, an i32, so that ptxas keeps them in a
  /// register: LOP3 has one immediate, which the mask takes, so a literal
  /// would cost a second LOP3 per decoded code (bench/sass_stats.py).
  std::optional<int32_t> decodeBits() const {
    if (int8 || fixedPoint)
      return std::nullopt;
    return mma ? 0x43004300 : 0x4B000000;
  }
  /// Output columns per block (grid x = ceildiv(N, this)); grid y is
  /// ceildiv(M, rows). The persistent kernels (stagedX, fixedPoint) take
  /// at most kPersistentBlocksPerSM blocks per SM; for fixedPoint this is
  /// the columns of a warp's tile, so that the grid is that whenever there
  /// are tiles enough.
  int64_t blockColumns() const {
    if (fixedPoint)
      return 16;
    if (mma)
      return int8 ? 32 : 64;
    return kThreads / 32 * columns;
  }
  /// The kernel for a reduction length `k`, one row (`singleRow`) or
  /// more: rows of whole 128-bit (k % 64 == 0) or 32-bit (k % 16 == 0)
  /// words; none otherwise (the byte kernel then). With k % 64 == 0 the
  /// tensor-core kernels, one row per block (one row) or 16; with
  /// k % 16 == 0 the word GEMV for one row and the 16-row tensor-core
  /// kernel of 32-bit words for more.
  static std::optional<PackedGemvConfig> select(int64_t k, bool singleRow) {
    if (k <= 0 || k % 16 != 0)
      return std::nullopt;
    if (k % 64 == 0)
      return PackedGemvConfig{singleRow ? 1 : 16, 4, 4, /*int8=*/false,
                              /*mma=*/true};
    if (singleRow)
      return PackedGemvConfig{1, 4, 1};
    return PackedGemvConfig{16, 4, 1, /*int8=*/false, /*mma=*/true};
  }
  /// The int8 kernel: the dp4a GEMV for one row, the tensor-core kernel
  /// for more (16 rows per block); 128-bit loads of weights and x, so
  /// k % 64 == 0.
  static std::optional<PackedGemvConfig> selectInt8(int64_t k,
                                                    bool singleRow) {
    if (k <= 0 || k % 64 != 0)
      return std::nullopt;
    if (singleRow)
      return PackedGemvConfig{1, 4, 4, /*int8=*/true};
    return PackedGemvConfig{16, 4, 4, /*int8=*/true, /*mma=*/true};
  }
};

/// The steps of ternary_gemv_i8_sx_k<K> along a row of K: 128-bit loads
/// per lane, 64 k's each (2048 per warp).
inline int64_t stagedSteps(int64_t k) { return (k + 2047) / 2048; }

/// Whether the one-row int8 GEMV of reduction length `k` stages x in
/// shared memory: k % 64 == 0 and at most 4 steps (k <= 8192), a whole
/// column in the registers of a lane (StagedGemv.cpp: longer rows measured
/// no faster than ternary_gemv_i8_r1c4w4).
inline bool stagedXFits(int64_t k) {
  return k > 0 && k % 64 == 0 && stagedSteps(k) <= 4;
}

/// The most blocks per SM of the persistent kernels (ternary_gemv_i8_sx_k,
/// ternary_gemv_f32_fx_k): their grid is at most this many times the
/// device's SM count, which the host asks the runner for
/// (kMultiprocessorCountFunction). A whole number per SM matters: on the
/// H200 (132 SMs), 399 or 448 blocks (some SMs with a fourth) took 21.0-22.0
/// us against 19.6 for 396 (bench/results/2026-12-04-h200-explore/
/// run4-8192.txt).
constexpr int64_t kPersistentBlocksPerSM = 3;

/// The steps of ternary_gemv_f32_fx_k<K> along a row: 256 k's each (a
/// 128-bit load per lane of t = lane % 4).
inline int64_t fixedPointSteps(int64_t k) { return (k + 255) / 256; }

/// Whether the one-row f32 GEMV of reduction length `k` can run in fixed
/// point (FixedPointGemv.cpp): k % 64 == 0 and the digits of x, 20 bytes
/// per 16 k's of each step, within 40 KiB of static shared memory
/// (k <= 8192).
inline bool fixedPointFits(int64_t k) {
  return k > 0 && k % 64 == 0 && fixedPointSteps(k) * 16 * 20 <= 40 * 1024;
}

/// Builds ternary_gemv_i8_sx_k<K> for `config` (`stagedX`), with the
/// arguments of the int8 GEMVs, or ternary_gemv_a8_sx_k<K>
/// (`quantizeInput`) with those of the f32 GEMVs.
mlir::gpu::GPUFuncOp buildStagedGemvKernel(mlir::OpBuilder &builder,
                                           mlir::Location loc,
                                           const PackedGemvConfig &config);

/// Builds ternary_gemv_f32_fx_k<K> for `config` (`fixedPoint`), with the
/// arguments of the f32 GEMVs but no decode bits.
mlir::gpu::GPUFuncOp buildFixedPointGemvKernel(
    mlir::OpBuilder &builder, mlir::Location loc,
    const PackedGemvConfig &config);

/// The index and i32 arithmetic the kernels are built of, at `b`'s
/// insertion point.
struct KernelMath {
  mlir::OpBuilder &b;
  mlir::Location loc;
  mlir::Value index(int64_t value) const {
    return mlir::arith::ConstantIndexOp::create(b, loc, value);
  }
  mlir::Value i32(int64_t value) const {
    return mlir::arith::ConstantIntOp::create(b, loc, value, 32);
  }
  mlir::Value add(mlir::Value l, mlir::Value r) const {
    return mlir::arith::AddIOp::create(b, loc, l, r);
  }
  mlir::Value mul(mlir::Value l, mlir::Value r) const {
    return mlir::arith::MulIOp::create(b, loc, l, r);
  }
  mlir::Value minIndex(mlir::Value l, mlir::Value r) const {
    return mlir::arith::MinUIOp::create(b, loc, l, r);
  }
};

/// The byte order that transposes 16 x bytes for dp4a and the s8 mma:
/// element 4p + j of the result is byte 4j + p, so that bytes 4p..4p+3
/// meet the codes of trits p, 4 + p, 8 + p, 12 + p of a packed word
/// ((w >> 2p) & 0x03030303).
constexpr int64_t kTransposeBytes16[16] = {0, 4, 8,  12, 1, 5, 9,  13,
                                           2, 6, 10, 14, 3, 7, 11, 15};

/// dp4a: `sum` plus the 4 products of the unsigned bytes `codes` and the
/// signed bytes `xs` (both vector<4xi8>; nvvm.dot.accumulate.4way).
mlir::Value dp4aCodesTimesX(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value codes, mlir::Value xs,
                            mlir::Value sum);

/// `value` combined over the warp by `combine` (a gpu.shuffle xor
/// butterfly): every lane gets the result.
mlir::Value warpAllReduce(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value,
                          llvm::function_ref<mlir::Value(mlir::Value,
                                                         mlir::Value)>
                              combine);

/// The 4 packed words (a vector<4xi32>) at `wordIndex` of the weights whose
/// global address is `pointerBase`, by kWeightLoadPtx (ld.global.nc with
/// L1::no_allocate and the L2::256B prefetch hint).
mlir::Value loadWeightWords(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value pointerBase, mlir::Value wordIndex);

/// The 16 i8 x values x[row, k0 .. k0 + 15] (zeros from k0 >= k on),
/// transposed by kTransposeBytes16 (word p: x[k0 + p + 4i] in byte i, the
/// k's of the codes (w >> 2p) & 0x03030303), stored as one 128-bit vector
/// at 16-byte `slot` of `shared`; returns `sum` plus their sum (dp4a).
mlir::Value stageTransposedBytes(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Value x, mlir::Value row,
                                 mlir::Value k0, int64_t k,
                                 mlir::Value shared, mlir::Value slot,
                                 mlir::Value sum);

/// The 16 x bytes `bytes` (a vector<16xi8>) transposed by kTransposeBytes16
/// and stored as one 128-bit vector at 16-byte `slot` of `shared`; returns
/// `sum` plus their sum (dp4a).
mlir::Value storeTransposedBytes(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Value bytes, mlir::Value shared,
                                 mlir::Value slot, mlir::Value sum);

/// Element 0 (a vector of one element) or element n of the 1-D `vector`
/// (a scale or bias: one for every column, or one per column).
mlir::Value loadPerColumn(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value vector, mlir::Value n);

/// ((f32(sum) * step) * scale) + bias, the i32 `sum` of int8 activations
/// dequantized by the operations, in the order, of
/// ActivationKernels.mlir's ternary_dequantize_rows and the CPU runtime's
/// tri_uk_gemm_i8 (activations=int8).
mlir::Value dequantizeSum(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value sum, mlir::Value step,
                          mlir::Value scale, mlir::Value bias);

/// The i32 `word` as the vector<4xi8> of its bytes.
mlir::Value bytesOfWord(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value word);

/// An empty kernel named and typed for `config` (the arguments below),
/// with `workgroup` memory (each buffer 16-byte aligned), 256 threads.
mlir::gpu::GPUFuncOp createKernel(mlir::OpBuilder &builder,
                                  mlir::Location loc,
                                  const PackedGemvConfig &config,
                                  mlir::TypeRange workgroup = {});

/// Builds the kernel of `config` at the builder's insertion point (in a
/// gpu.module): the arguments of the other ternary kernels, (x: ?x?xf32,
/// w: ?x?xi8 packed rows, scale: ?xf32, bias: ?xf32, y: ?x?xf32), then
/// `decodeBits()` as an i32; for int8 (x: ?x?xi8, w, scale: ?xf32
/// (unused), bias: ?xi32, y: ?x?xi32).
mlir::gpu::GPUFuncOp buildPackedGemvKernel(mlir::OpBuilder &builder,
                                           mlir::Location loc,
                                           const PackedGemvConfig &config);

/// Builds the tensor-core kernel of `config` (`config.mma`; PackedMma.cpp),
/// with the f32 or int8 arguments above.
mlir::gpu::GPUFuncOp buildPackedMmaKernel(mlir::OpBuilder &builder,
                                          mlir::Location loc,
                                          const PackedGemvConfig &config);

} // namespace tritondsl

#endif // TRITONDSL_LIB_CONVERSION_TERNARYTOGPU_PACKEDGEMV_H
