//===- PackedMma.cpp - the tensor-core kernels ----------------------------===//
//
// The kernels of convert-ternary-to-gpu for batches of more than one row on
// the tensor cores (nvvm.mma.sync m16n8k16), built op by op as the GEMVs of
// PackedGemv.cpp are. Both have the same frame: a block of 8 warps computes
// a tile of 16 rows (grid y = ceildiv(M, 16)) and its warps split K, each
// warp computing the whole tile for its share, then sum through shared
// memory in warp order (warp 0 adds and stores). In a step lane (g, t) =
// (lane / 4, lane % 4) reads 64 consecutive trits of K (one 128-bit load of
// 16 packed bytes, chunk c + t of the row) of each of its columns, and the
// x values of those k's. Every lane of a warp runs the same steps (mma.sync
// is collective): a chunk past the row end has zero trits, loads use
// clamped indices, and only the stores are guarded.
//
// The order in which an mma sums over K does not matter, only that A and B
// agree. Trit i of a packed word w (16 trits) is its bits 2i, 2i + 1
// (ternary_packing.h).
//
// ternary_mma_i8_m16n32: Tensor<i8> @ TernaryTensor (exact i32), s8 x s8
// with i32 accumulators; tile 16 rows x 32 columns (grid x =
// ceildiv(N, 32)), x in A (rows g, g + 8) and trits in B (columns g, g + 8,
// g + 16, g + 24). (w >> 2s) & 0x03030303 holds in byte i the code of trit
// 4i + s, so its B register (K slots 4t..4t+3 of column g) holds trits
// 4i + s and the A registers hold x at the same k's: x bytes s, s + 4,
// s + 8, s + 12 of the word's 16 (a byte transpose, prmt on the GPU). A
// code c becomes the s8 trit c - 1 in each byte at once: ((c | 0x80) - 1) ^
// 0x80 has no borrow between bytes. Products of s8 x values and trits
// summed in i32 are exact (for K < 2^24).
//
// ternary_mma_i8_m16n32_u8 (convert-ternary-to-gpu{int8-mma-codes}, off
// until measured on a GPU): the same tile with the codes c = t + 1 as they
// lie in the words as B (u8: a mask, no decode), x's sums (dp4a) taken
// off the accumulators after the loop, x transposed by 8 prmt per 16
// bytes, hinted weight loads and 3 blocks per SM (buildCodesLoop).
//
// ternary_mma_a8_m16n32[_u8] (convert-ternary-to-gpu{activations=int8}):
// either kernel on x quantized by ternary_quantize_rows_i8, its epilogue
// writing ((f32(sum) * step[m]) * scale) + bias in f32 (storeI8Tile).
//
// ternary_mma_f32_m16n64: f32 x @ TernaryTensor, bf16 x bf16 with f32
// accumulators; tile 16 rows x 64 columns (grid x = ceildiv(N, 64)), trits
// in A (rows of A = output columns: 16j + g and 16j + g + 8 of the four
// 16-column tiles j) and x in B (columns of B = rows of x: g of each group
// of 8 rows). w & 0x00030003 << 2s holds trit s of the word in its low
// half and trit s + 8 in its high half; for s < 3, or-ed with 0x43004300 it
// is the bf16 pair 128 + c * 4^s, and an fma, times 4^-s minus
// 2^(7 - 2s) + 1, leaves the exact trits (trits s >= 3 are those of w
// shifted by 6 or 12). Each x value is split into three bf16 values by
// truncation, hi (the upper 16 bits of x), mid (those of x - hi) and lo
// (x - hi - mid; each difference exact in f32), whose sum is x exactly
// (24 significant bits); a trit times a bf16 value is exact, so the three
// mma (lo, mid, then hi) into one f32 accumulator sum the products t * x in
// f32 as the tensor cores round. The second group of 8 rows is skipped (a
// warp-uniform branch) when the tile has 8 rows or fewer.
//
// ternary_mma_f32_m1n64: the same matmuls for one row, tile 1 row x 64
// columns (grid (ceildiv(N, 64), M)): the same A, and B's columns the
// parts lo, mid, hi of the row's x, so one mma per 16x16 tile of trits;
// the 8 lanes of a t, which need the same x, split 8 values each and
// exchange the parts through shared memory.
//
//===----------------------------------------------------------------------===//
#include "PackedGemv.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <array>
#include <cmath>

using namespace mlir;

namespace tritondsl {

namespace {
/// Warps per block, rows of the block's tile, trits per lane and step.
constexpr int64_t kWarps = 8, kTileRows = 16, kChunkTrits = 64;
static_assert(kWarps * 32 == PackedGemvConfig::kThreads,
              "the block is the kernels' 256 threads");

/// The values both kernels start from.
struct MmaFrame {
  Value lane, warp, group, inGroup, M, N, rowBase, colBase;
  /// Rows g and g + 8 of the tile, and columns g + 8c of the lane, clamped
  /// to the last row and column (loads stay inside; stores are guarded).
  SmallVector<Value> rowIndex, columnIndex;
  /// The packed bytes as 32-bit words [N * rowWords], the 64-trit chunks
  /// of a row (the last one partial when rows are not whole 128-bit
  /// vectors), and the last one.
  Value packedWords, rowWords, chunks, lastChunk;
};

MmaFrame buildFrame(OpBuilder &b, Location loc, const KernelMath &math,
                    Value x, Value w, int64_t tileColumns,
                    int64_t tileRows = kTileRows, bool wholeChunks = true) {
  assert(tileColumns % 8 == 0 && "a lane's columns are 8 apart");
  MmaFrame f;
  Value c1 = math.index(1), c32 = math.index(32);
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  f.lane = arith::RemUIOp::create(b, loc, tid, c32);
  f.warp = arith::DivUIOp::create(b, loc, tid, c32);
  f.group = arith::DivUIOp::create(b, loc, f.lane, math.index(4));
  f.inGroup = arith::RemUIOp::create(b, loc, f.lane, math.index(4));
  Value blockX = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value blockY = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  f.M = memref::DimOp::create(b, loc, x, 0);
  f.N = memref::DimOp::create(b, loc, w, 0);
  Value rowBytes = memref::DimOp::create(b, loc, w, 1);
  f.colBase = math.mul(blockX, math.index(tileColumns));
  f.rowBase = math.mul(blockY, math.index(tileRows));
  Value flat = memref::CollapseShapeOp::create(
      b, loc, w, ArrayRef<ReassociationIndices>{{0, 1}});
  f.rowWords = arith::DivUIOp::create(b, loc, rowBytes, math.index(4));
  f.packedWords = memref::ViewOp::create(
      b, loc, MemRefType::get({ShapedType::kDynamic}, b.getI32Type()), flat,
      math.index(0), ValueRange{math.mul(f.N, f.rowWords)});
  // Rows of 32-bit words only: the last chunk may be partial.
  f.chunks = wholeChunks
                 ? Value(arith::DivUIOp::create(b, loc, rowBytes,
                                                math.index(16)))
                 : Value(arith::CeilDivUIOp::create(b, loc, rowBytes,
                                                    math.index(16)));
  f.lastChunk = arith::SubIOp::create(b, loc, f.chunks, c1);
  Value lastColumn = arith::SubIOp::create(b, loc, f.N, c1);
  Value lastRow = arith::SubIOp::create(b, loc, f.M, c1);
  Value row = math.add(f.rowBase, f.group);
  f.rowIndex = {math.minIndex(row, lastRow),
                math.minIndex(math.add(row, math.index(8)), lastRow)};
  for (int64_t c = 0; c < tileColumns / 8; ++c)
    f.columnIndex.push_back(math.minIndex(
        math.add(math.add(f.colBase, f.group), math.index(8 * c)),
        lastColumn));
  return f;
}

/// The loop over the warp's steps: warp v takes chunks 4v + 32s .. +4 (one
/// per t); `body` gets the step's first chunk 4v + 32s, the lane's chunk
/// (clamped), whether it is in the row and the accumulators, and returns
/// them updated.
scf::ForOp buildStepLoop(
    OpBuilder &b, Location loc, const KernelMath &math, const MmaFrame &f,
    ValueRange inits,
    function_ref<SmallVector<Value>(Value first, Value chunk, Value inRow,
                                    SmallVector<Value> acc)>
        body) {
  auto loop = scf::ForOp::create(b, loc, math.mul(f.warp, math.index(4)),
                                 f.chunks, math.index(4 * kWarps), inits);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value chunk = math.add(loop.getInductionVar(), f.inGroup);
  Value inRow = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                      chunk, f.chunks);
  SmallVector<Value> acc(loop.getRegionIterArgs().begin(),
                         loop.getRegionIterArgs().end());
  scf::YieldOp::create(
      b, loc,
      body(loop.getInductionVar(), math.minIndex(chunk, f.lastChunk), inRow,
           std::move(acc)));
  return loop;
}

/// The 128-bit load of the 4 packed words of `chunk` of `column`.
Value loadChunkWords(OpBuilder &b, Location loc, const KernelMath &math,
                     const MmaFrame &f, Value column, Value chunk) {
  return vector::LoadOp::create(
      b, loc, VectorType::get({4}, b.getI32Type()), f.packedWords,
      ValueRange{math.add(math.mul(column, f.rowWords),
                          math.mul(chunk, math.index(4)))},
      /*nontemporal=*/false, llvm::MaybeAlign(16));
}

/// Every warp's `sums` to `partial` ([warp][value][lane]); then, inside
/// the returned scf.if of warp 0 (where `b` is left), their sums over the
/// warps in warp order.
std::pair<scf::IfOp, SmallVector<Value>>
sumOverWarps(OpBuilder &b, Location loc, const KernelMath &math,
             const MmaFrame &f, ValueRange sums, Value partial) {
  int64_t values = sums.size();
  auto slot = [&](Value warpIndex, int64_t value) -> Value {
    Value row = math.add(math.mul(warpIndex, math.index(values)),
                         math.index(value));
    return math.add(math.mul(row, math.index(32)), f.lane);
  };
  for (int64_t v = 0; v < values; ++v)
    memref::StoreOp::create(b, loc, sums[v], partial,
                            ValueRange{slot(f.warp, v)});
  gpu::BarrierOp::create(b, loc);
  Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                      f.warp, math.index(0));
  auto ifFirst = scf::IfOp::create(b, loc, first, /*withElseRegion=*/false);
  b.setInsertionPointToStart(&ifFirst.getThenRegion().front());
  bool isFloat = isa<FloatType>(sums[0].getType());
  SmallVector<Value> totals;
  for (int64_t v = 0; v < values; ++v) {
    Value sum = sums[v];
    for (int64_t other = 1; other < kWarps; ++other) {
      Value part = memref::LoadOp::create(
          b, loc, partial, ValueRange{slot(math.index(other), v)});
      sum = isFloat ? Value(arith::AddFOp::create(b, loc, sum, part))
                    : math.add(sum, part);
    }
    totals.push_back(sum);
  }
  return {ifFirst, totals};
}

/// Stores `value()` at (m, n) of `y` when that is inside (M x N): the
/// value, and the loads of scales and biases it makes, inside the check.
void storeInside(OpBuilder &b, Location loc, const MmaFrame &f,
                 function_ref<Value()> value, Value y, Value m, Value n) {
  Value inside = arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, m, f.M),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, n, f.N));
  auto ifInside = scf::IfOp::create(b, loc, inside, false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&ifInside.getThenRegion().front());
  memref::StoreOp::create(b, loc, value(), y, ValueRange{m, n});
}

/// The block's sums of every warp's `sums` (sumOverWarps): warp 0 stores,
/// for each value v inside the result, `finish(sum, m, n)` at
/// `position(v)` = (m, n).
void storeTile(OpBuilder &b, Location loc, const KernelMath &math,
               const MmaFrame &f, ValueRange sums, Value partial, Value y,
               function_ref<std::pair<Value, Value>(int64_t)> position,
               function_ref<Value(Value, Value, Value)> finish) {
  OpBuilder::InsertionGuard guard(b);
  auto [ifFirst, totals] = sumOverWarps(b, loc, math, f, sums, partial);
  for (int64_t v = 0, e = totals.size(); v < e; ++v) {
    auto [m, n] = position(v);
    storeInside(
        b, loc, f, [&, m = m, n = n] { return finish(totals[v], m, n); }, y,
        m, n);
  }
}

/// A shared-memory buffer of `values` accumulators of `element` per lane of
/// each warp.
MemRefType partialType(MLIRContext *context, int64_t values, Type element) {
  auto workgroup = gpu::AddressSpaceAttr::get(
      context, gpu::GPUDialect::getWorkgroupAddressSpace());
  return MemRefType::get({kWarps * values * 32}, element,
                         MemRefLayoutAttrInterface{}, workgroup);
}

/// The 16 x bytes of `row` at `k`, transposed (kTransposeBytes16) as 4
/// i32 (A registers of the s8 mma): word s holds bytes s, s + 4, s + 8,
/// s + 12, the k's of the codes (w >> 2s) & 0x03030303 of a packed word.
SmallVector<Value> loadTransposedX(OpBuilder &b, Location loc, Value x,
                                   Value row, Value k) {
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  Value bytes = vector::LoadOp::create(
      b, loc, VectorType::get({16}, i8), x, ValueRange{row, k},
      /*nontemporal=*/false, llvm::MaybeAlign(16));
  SmallVector<Value> words;
  for (int64_t s = 0; s < 4; ++s) {
    Value slice = vector::ShuffleOp::create(
        b, loc, bytes, bytes, ArrayRef<int64_t>(kTransposeBytes16 + 4 * s, 4));
    words.push_back(vector::ExtractOp::create(
        b, loc,
        vector::BitCastOp::create(b, loc, VectorType::get({1}, i32), slice),
        0));
  }
  return words;
}

/// The s32 mma m16n8k16 of the s8 A registers `a` and the B register `bReg`
/// (s8, or u8 with `unsignedB`) into `acc`; returns the 4 new accumulators.
SmallVector<Value> mmaI8(OpBuilder &b, Location loc, ValueRange a, Value bReg,
                         ValueRange acc, bool unsignedB) {
  Type i32 = b.getI32Type();
  auto structType =
      LLVM::LLVMStructType::getLiteral(b.getContext(), {i32, i32, i32, i32});
  auto mma = NVVM::MmaOp::create(
      b, loc, structType, a, ValueRange{bReg}, acc,
      ArrayRef<int64_t>{16, 8, 16}, std::nullopt,
      NVVM::MMAIntOverflow::wrapped,
      std::array<NVVM::MMATypes, 2>{
          NVVM::MMATypes::s8,
          unsignedB ? NVVM::MMATypes::u8 : NVVM::MMATypes::s8},
      std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                     NVVM::MMALayout::col});
  SmallVector<Value> result;
  for (int64_t e = 0; e < 4; ++e)
    result.push_back(LLVM::ExtractValueOp::create(b, loc, mma, e));
  return result;
}

/// The int8 kernels' end: the block's sums of every warp's accumulators
/// `sums` (4 per 16x8 tile j: row g (e < 2) or g + 8, column 2t + (e & 1))
/// plus the bias, stored by warp 0; with `dequantize`
/// (ternary_mma_a8_m16n32), ((f32(sum) * step[m]) * scale) + bias, as
/// ternary_dequantize_rows computes it.
void storeI8Tile(OpBuilder &b, Location loc, const KernelMath &math,
                 const MmaFrame &f, gpu::GPUFuncOp kernel, ValueRange sums,
                 bool dequantize) {
  Value scale = kernel.getArgument(2), bias = kernel.getArgument(3);
  Value y = kernel.getArgument(4);
  auto position = [&](int64_t v) -> std::pair<Value, Value> {
    int64_t j = v / 4, e = v % 4;
    Value m = math.add(math.add(f.rowBase, f.group),
                       math.index(e < 2 ? 0 : 8));
    Value n = math.add(math.add(f.colBase, math.index(8 * j + (e & 1))),
                       math.mul(f.inGroup, math.index(2)));
    return {m, n};
  };
  auto finish = [&](Value sum, Value m, Value n) -> Value {
    if (!dequantize)
      return math.add(sum, loadPerColumn(b, loc, bias, n));
    // One statement each: the ops in this order whatever the compiler's
    // order of evaluating arguments.
    Value step =
        memref::LoadOp::create(b, loc, kernel.getArgument(5), ValueRange{m});
    Value scaleValue = loadPerColumn(b, loc, scale, n);
    Value biasValue = loadPerColumn(b, loc, bias, n);
    return dequantizeSum(b, loc, sum, step, scaleValue, biasValue);
  };
  storeTile(b, loc, math, f, sums, kernel.getWorkgroupAttributions()[0], y,
            position, finish);
  gpu::ReturnOp::create(b, loc);
}

/// Word q of `words` (a vector<4xi32>) for the int8 mma; past the row end
/// (not `inRow`) the codes 1 of zero trits.
Value wordInRow(OpBuilder &b, Location loc, const KernelMath &math,
                Value words, int64_t q, Value inRow) {
  Value word = vector::ExtractOp::create(b, loc, words, q);
  return arith::SelectOp::create(b, loc, inRow, word, math.i32(0x55555555));
}

/// (word >> 2s) & `mask` (0x03030303): the codes of trits s, s + 4, s + 8,
/// s + 12 of `word` in its bytes.
Value maskedCodes(OpBuilder &b, Location loc, const KernelMath &math,
                  Value word, int64_t s, Value mask) {
  Value shifted =
      s ? Value(arith::ShRUIOp::create(b, loc, word, math.i32(2 * s))) : word;
  return arith::AndIOp::create(b, loc, shifted, mask);
}

/// The 16 bytes `words` (4 x i32) transposed as kTransposeBytes16 does
/// (word s: byte s of each word, the k's of the codes (w >> 2s) &
/// 0x03030303), by 8 prmt in two rounds: bytes s of words 0 and 1 (and of
/// 2 and 3) interleaved in pairs, then the pairs of both halves joined. As
/// a vector shuffle, LLVM's NVPTX lowering builds each word with 3 prmt.
SmallVector<Value> transposeBytes(OpBuilder &b, Location loc,
                                  ArrayRef<Value> words) {
  auto prmt = [&](Value lo, Value hi, int64_t selector) -> Value {
    return NVVM::PermuteOp::create(
        b, loc, b.getI32Type(), lo, hi,
        arith::ConstantIntOp::create(b, loc, selector, 32),
        NVVM::PermuteModeAttr::get(b.getContext(),
                                   NVVM::PermuteMode::DEFAULT));
  };
  // Selector nibble i: the source byte of result byte i (hi's are 4..7).
  Value low01 = prmt(words[0], words[1], 0x5140),
        high01 = prmt(words[0], words[1], 0x7362),
        low23 = prmt(words[2], words[3], 0x5140),
        high23 = prmt(words[2], words[3], 0x7362);
  return {prmt(low01, low23, 0x5410), prmt(low01, low23, 0x7632),
          prmt(high01, high23, 0x5410), prmt(high01, high23, 0x7632)};
}

/// The steps of ternary_mma_i8_m16n32_u8 (buildStepLoop's): B is the
/// codes c = t + 1 as they lie in a packed word ((w >> 2s) & 0x03030303,
/// u8), so the mma sums x c = x t + x, and each lane sums the x it
/// multiplies (dp4a) to take it off after the loop: rows g and g + 8 over
/// the 4 lanes of the group. A chunk past the row end has the codes 1
/// against the last chunk's x, which its sum takes off again. The weights
/// are loaded hinted (kWeightLoadPtx: no L1 allocation, which leaves L1 to
/// x), x 16 bytes per row and word as the word is used. Returns the
/// accumulators, x's sums taken off.
SmallVector<Value> buildCodesLoop(OpBuilder &b, Location loc,
                                  const KernelMath &math, const MmaFrame &f,
                                  Value x, Value w, SmallVector<Value> inits) {
  int64_t accumulators = inits.size(), columnTiles = accumulators / 4;
  Value wordsBase = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, w);
  // The accumulators, then x's sums of rows g and g + 8.
  inits.append(2, math.i32(0));
  auto step = [&](Value, Value chunk, Value inRow, SmallVector<Value> acc) {
    SmallVector<Value> words;
    for (int64_t j = 0; j < columnTiles; ++j)
      words.push_back(loadWeightWords(
          b, loc, wordsBase,
          math.add(math.mul(f.columnIndex[j], f.rowWords),
                   math.mul(chunk, math.index(4)))));
    Value k0 = math.mul(chunk, math.index(kChunkTrits));
    Value mask = math.i32(0x03030303);
    Value ones = bytesOfWord(b, loc, math.i32(0x01010101));
    for (int64_t q = 0; q < 4; ++q) {
      SmallVector<SmallVector<Value>> xs;
      for (int64_t r = 0; r < 2; ++r) {
        Value bytes = vector::BitCastOp::create(
            b, loc, VectorType::get({4}, b.getI32Type()),
            vector::LoadOp::create(
                b, loc, VectorType::get({16}, b.getI8Type()), x,
                ValueRange{f.rowIndex[r],
                           math.add(k0, math.index(16 * q))},
                /*nontemporal=*/false, llvm::MaybeAlign(16)));
        SmallVector<Value> words;
        Value &sum = acc[accumulators + r];
        for (int64_t i = 0; i < 4; ++i) {
          words.push_back(vector::ExtractOp::create(b, loc, bytes, i));
          sum = dp4aCodesTimesX(b, loc, ones, bytesOfWord(b, loc, words[i]),
                                sum);
        }
        xs.push_back(transposeBytes(b, loc, words));
      }
      for (int64_t j = 0; j < columnTiles; ++j) {
        Value word = wordInRow(b, loc, math, words[j], q, inRow);
        for (int64_t s = 0; s < 4; ++s) {
          SmallVector<Value> sums = mmaI8(
              b, loc, ValueRange{xs[0][s], xs[1][s]},
              maskedCodes(b, loc, math, word, s, mask),
              ArrayRef<Value>(acc).slice(4 * j, 4), /*unsignedB=*/true);
          llvm::copy(sums, acc.begin() + 4 * j);
        }
      }
    }
    return acc;
  };
  scf::ForOp loop = buildStepLoop(b, loc, math, f, inits, step);
  // x's sums over the 4 lanes of the group, off rows g and g + 8.
  SmallVector<Value> rowSums(loop.getResults().take_back(2));
  for (Value &sum : rowSums)
    for (int64_t mask : {1, 2})
      sum = math.add(sum, gpu::ShuffleOp::create(b, loc, sum, math.i32(mask),
                                                 math.i32(32),
                                                 gpu::ShuffleMode::XOR)
                              .getShuffleResult());
  SmallVector<Value> sums;
  for (int64_t v = 0; v < accumulators; ++v)
    sums.push_back(arith::SubIOp::create(b, loc, loop.getResult(v),
                                         rowSums[v % 4 < 2 ? 0 : 1]));
  return sums;
}

gpu::GPUFuncOp buildMmaI8Kernel(OpBuilder &builder, Location loc,
                                const PackedGemvConfig &config) {
  constexpr int64_t kTileColumns = 32, kColumnTiles = kTileColumns / 8;
  assert(config.rows == kTileRows && config.blockColumns() == kTileColumns &&
         "the launch grid must match the tile");
  MLIRContext *context = builder.getContext();
  Type i32 = builder.getI32Type();
  gpu::GPUFuncOp kernel = createKernel(
      builder, loc, config,
      TypeRange{partialType(context, kColumnTiles * 4, i32)});
  // 3 blocks per SM, as the s8 kernel's 78 registers allow: unbounded,
  // ptxas gives the codes kernel 128 (2 blocks); held to 80, it keeps a
  // few loop invariants in local memory (L1).
  if (config.unsignedCodes)
    kernel->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(),
                    builder.getI32IntegerAttr(3));

  OpBuilder b = OpBuilder::atBlockBegin(&kernel.getBody().front());
  Value x = kernel.getArgument(0), w = kernel.getArgument(1);
  KernelMath math{b, loc};
  // x rows g and g + 8 (A); columns g + 8j (B).
  MmaFrame f = buildFrame(b, loc, math, x, w, kTileColumns);
  ArrayRef<Value> rowIndex = f.rowIndex, columnIndex = f.columnIndex;

  SmallVector<Value> inits(kColumnTiles * 4, math.i32(0));
  if (config.unsignedCodes) {
    SmallVector<Value> sums =
        buildCodesLoop(b, loc, math, f, x, w, std::move(inits));
    storeI8Tile(b, loc, math, f, kernel, sums, config.dequantizeOutput);
    return kernel;
  }
  auto step = [&](Value, Value chunk, Value inRow, SmallVector<Value> acc) {
    Value k0 = math.mul(chunk, math.index(kChunkTrits));
    // a[r][4q + s]: x bytes 4i + s (i = 0..3) of word q of row r's chunk.
    SmallVector<SmallVector<Value>> a(2);
    for (int64_t r = 0; r < 2; ++r)
      for (int64_t q = 0; q < 4; ++q)
        llvm::append_range(
            a[r], loadTransposedX(b, loc, x, rowIndex[r],
                                  math.add(k0, math.index(16 * q))));
    Value mask = math.i32(0x03030303), high = math.i32(0x80808080);
    Value ones = math.i32(0x01010101);
    for (int64_t j = 0; j < kColumnTiles; ++j) {
      Value words = loadChunkWords(b, loc, math, f, columnIndex[j], chunk);
      for (int64_t q = 0; q < 4; ++q) {
        Value word = wordInRow(b, loc, math, words, q, inRow);
        for (int64_t s = 0; s < 4; ++s) {
          Value codes = arith::OrIOp::create(
              b, loc, maskedCodes(b, loc, math, word, s, mask), high);
          Value trits = arith::XOrIOp::create(
              b, loc, arith::SubIOp::create(b, loc, codes, ones), high);
          SmallVector<Value> sums =
              mmaI8(b, loc, ValueRange{a[0][4 * q + s], a[1][4 * q + s]},
                    trits, ArrayRef<Value>(acc).slice(4 * j, 4),
                    /*unsignedB=*/false);
          llvm::copy(sums, acc.begin() + 4 * j);
        }
      }
    }
    return acc;
  };
  scf::ForOp loop = buildStepLoop(b, loc, math, f, inits, step);
  storeI8Tile(b, loc, math, f, kernel, loop.getResults(),
              config.dequantizeOutput);
  return kernel;
}

/// The bf16 operands of the f32 tensor-core kernels, built at `b`'s
/// insertion point: trits from packed words (A) and x split into three
/// parts (B), as bf16 pairs in i32 registers.
class BF16Operands {
public:
  BF16Operands(OpBuilder &b, Location loc, gpu::GPUFuncOp kernel)
      : b(b), loc(loc), math{b, loc},
        pairType(VectorType::get({2}, b.getBF16Type())),
        wordType(VectorType::get({1}, b.getI32Type())),
        bits(kernel.getArgument(kernel.getNumArguments() - 1)),
        contract(arith::FastMathFlagsAttr::get(
            b.getContext(), arith::FastMathFlags::contract)) {
    for (int64_t p = 0; p < 3; ++p) {
      masks.push_back(math.i32(int64_t(0x00030003) << (2 * p)));
      scales.push_back(pairConstant(std::ldexp(1.0, -2 * p)));
      offsets.push_back(pairConstant(-(std::ldexp(1.0, 7 - 2 * p) + 1.0)));
    }
  }

  /// The bf16 trits s and s + 8 of `word`, masked where they lie: with
  /// p = s % 3 and w' = w >> 6 (s / 3), (w' & 0x00030003 << 2p) | `bits`
  /// (the bf16 pair 128, the kernel's last argument) is the pair
  /// 128 + c * 4^p exactly (c * 4^p <= 48), and one bf16x2 fma, times 4^-p
  /// minus 2^(7 - 2p) + 1, leaves c - 1 exactly: a LOP3 and an HFMA2 per
  /// pair, two shifts per word.
  Value decode(Value word, int64_t s) {
    int64_t p = s % 3;
    Value shifted = word;
    if (s >= 3) {
      Value &cached = shiftedWords[{word, s / 3}];
      if (!cached)
        cached = arith::ShRUIOp::create(b, loc, word, math.i32(6 * (s / 3)));
      shifted = cached;
    }
    Value code = arith::AndIOp::create(b, loc, shifted, masks[p]);
    Value pair = vector::BitCastOp::create(
        b, loc, pairType,
        vector::FromElementsOp::create(
            b, loc, wordType,
            ValueRange{arith::OrIOp::create(b, loc, code, bits)}));
    // A multiply and an add that may contract (exact either way): a
    // math.fma of bf16 would become an f32 libdevice call in
    // gpu-lower-to-nvvm.
    Value scaled =
        p ? Value(arith::MulFOp::create(b, loc, pair, scales[p], contract))
          : pair;
    return toWord(
        arith::AddFOp::create(b, loc, scaled, offsets[p], contract));
  }

  /// x values `low` and `high` as bf16 pairs: lo, mid, hi. hi is x
  /// truncated to bf16 (its upper 16 bits), mid the difference truncated,
  /// lo the rest: each difference is exact in f32 and holds at most 16,
  /// then 8, significant bits, so lo is a bf16 value and hi + mid + lo = x.
  /// A pair is the upper halves of two f32 (one prmt).
  std::array<Value, 3> split(Value low, Value high) {
    Type f32 = b.getF32Type(), i32 = b.getI32Type();
    auto pairOf = VectorType::get({2}, f32);
    auto halves = VectorType::get({4}, b.getBF16Type());
    auto words = VectorType::get({2}, i32);
    Value rest = vector::FromElementsOp::create(b, loc, pairOf,
                                                ValueRange{low, high});
    Value upper = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(words, b.getI32IntegerAttr(0xFFFF0000)));
    std::array<Value, 3> parts;
    for (int64_t p = 2; p >= 0; --p) {
      Value asHalves = vector::BitCastOp::create(b, loc, halves, rest);
      parts[p] = toWord(vector::ShuffleOp::create(
          b, loc, asHalves, asHalves, ArrayRef<int64_t>{1, 3}));
      if (!p)
        break;
      Value truncated = vector::BitCastOp::create(
          b, loc, pairOf,
          arith::AndIOp::create(
              b, loc, vector::BitCastOp::create(b, loc, words, rest),
              upper));
      rest = arith::SubFOp::create(b, loc, rest, truncated);
    }
    return parts;
  }

private:
  Value pairConstant(double value) {
    return arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(pairType,
                               b.getFloatAttr(b.getBF16Type(), value)));
  }
  Value toWord(Value pair) {
    return vector::ExtractOp::create(
        b, loc, vector::BitCastOp::create(b, loc, wordType, pair), 0);
  }

  OpBuilder &b;
  Location loc;
  KernelMath math;
  VectorType pairType, wordType;
  Value bits;
  arith::FastMathFlagsAttr contract;
  SmallVector<Value> masks, scales, offsets;
  /// w >> 6 and w >> 12, built once per word.
  llvm::DenseMap<std::pair<Value, int64_t>, Value> shiftedWords;
};

/// The bf16 mma of the f32 kernels: A (trits) times B into `acc` at
/// `base` (4 accumulators).
void bf16Mma(OpBuilder &b, Location loc, ValueRange a, ValueRange bRegs,
             SmallVector<Value> &acc, int64_t base) {
  Type f32 = b.getF32Type();
  auto structType = LLVM::LLVMStructType::getLiteral(b.getContext(),
                                                     {f32, f32, f32, f32});
  auto mma = NVVM::MmaOp::create(
      b, loc, structType, a, bRegs,
      ValueRange(ArrayRef<Value>(acc).slice(base, 4)),
      ArrayRef<int64_t>{16, 8, 16}, std::nullopt, std::nullopt,
      std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16,
                                    NVVM::MMATypes::bf16},
      std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                     NVVM::MMALayout::col});
  for (int64_t e = 0; e < 4; ++e)
    acc[base + e] = LLVM::ExtractValueOp::create(b, loc, mma, e);
}

gpu::GPUFuncOp buildMmaF32Kernel(OpBuilder &builder, Location loc,
                                 const PackedGemvConfig &config) {
  // Four 16-column tiles; two groups of 8 rows.
  constexpr int64_t kTileColumns = 64, kColumnTiles = kTileColumns / 16;
  constexpr int64_t kRowGroups = kTileRows / 8;
  constexpr int64_t kValues = kColumnTiles * kRowGroups * 4;
  assert(config.rows == kTileRows && config.blockColumns() == kTileColumns &&
         "the launch grid must match the tile");
  // Rows of whole 128-bit vectors (k % 64 == 0), else of 32-bit words
  // (k % 16 == 0): loaded word by word, a partial last chunk.
  bool wholeChunks = config.words == 4;
  MLIRContext *context = builder.getContext();
  Type f32 = builder.getF32Type(), i32 = builder.getI32Type();
  gpu::GPUFuncOp kernel = createKernel(
      builder, loc, config, TypeRange{partialType(context, kValues, f32)});

  OpBuilder b = OpBuilder::atBlockBegin(&kernel.getBody().front());
  Value x = kernel.getArgument(0), w = kernel.getArgument(1);
  Value scale = kernel.getArgument(2), bias = kernel.getArgument(3);
  Value y = kernel.getArgument(4);
  KernelMath math{b, loc};
  // x rows g and g + 8 (columns of B); columns 16j + 8h + g (rows of A)
  // at index 2j + h.
  MmaFrame f = buildFrame(b, loc, math, x, w, kTileColumns, kTileRows,
                          wholeChunks);
  ArrayRef<Value> rowIndex = f.rowIndex, columnIndex = f.columnIndex;
  BF16Operands operands(b, loc, kernel);
  Value lastWord = arith::SubIOp::create(b, loc, f.rowWords, math.index(1));
  Value lastK = arith::SubIOp::create(
      b, loc, memref::DimOp::create(b, loc, x, 1), math.index(16));
  Value zeroX = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(VectorType::get({4}, f32),
                                      b.getF32FloatAttr(0)));
  // The K loop for the first `rowGroups` groups of 8 rows.
  auto buildLoop = [&](int64_t rowGroups) {
    auto step = [&](Value, Value chunk, Value inRow, SmallVector<Value> acc) {
      // Whether word q of the chunk is in the row (x is zero past it), and
      // its first k, clamped to the row.
      Value k0 = math.mul(chunk, math.index(kChunkTrits));
      SmallVector<Value> inWord(4, inRow), wordK;
      for (int64_t q = 0; q < 4; ++q) {
        Value k = math.add(k0, math.index(16 * q));
        if (wholeChunks) {
          wordK.push_back(k);
          continue;
        }
        Value word = math.add(math.mul(chunk, math.index(4)), math.index(q));
        inWord[q] = arith::AndIOp::create(
            b, loc, inRow,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, word,
                                  f.rowWords));
        wordK.push_back(math.minIndex(k, lastK));
      }
      SmallVector<Value> words;
      for (int64_t c = 0; c < 2 * kColumnTiles; ++c) {
        if (wholeChunks) {
          // Past the row: zero trits.
          Value loaded =
              loadChunkWords(b, loc, math, f, columnIndex[c], chunk);
          words.push_back(arith::SelectOp::create(
              b, loc, inRow, loaded,
              arith::ConstantOp::create(
                  b, loc,
                  DenseElementsAttr::get(cast<VectorType>(loaded.getType()),
                                         b.getI32IntegerAttr(0x55555555)))));
          continue;
        }
        // Word by word, each index clamped to the row: a word past it is
        // the row's last one again, whose products are zero (x is zero
        // there).
        Value rowStart = math.mul(columnIndex[c], f.rowWords);
        SmallVector<Value> loaded;
        for (int64_t q = 0; q < 4; ++q)
          loaded.push_back(memref::LoadOp::create(
              b, loc, f.packedWords,
              ValueRange{math.add(
                  rowStart,
                  math.minIndex(math.add(math.mul(chunk, math.index(4)),
                                         math.index(q)),
                                lastWord))}));
        words.push_back(vector::FromElementsOp::create(
            b, loc, VectorType::get({4}, i32), loaded));
      }
      for (int64_t q = 0; q < 4; ++q) {
        // xs[r][i]: x at k = k0 + 16q + i of row group r (zero past the
        // row: a clamped x times a zero trit could be inf * 0).
        SmallVector<SmallVector<Value>> xs(rowGroups);
        for (int64_t r = 0; r < rowGroups; ++r)
          for (int64_t v = 0; v < 4; ++v) {
            Value loaded = vector::LoadOp::create(
                b, loc, VectorType::get({4}, f32), x,
                ValueRange{rowIndex[r],
                           math.add(wordK[q], math.index(4 * v))},
                /*nontemporal=*/false, llvm::MaybeAlign(16));
            loaded = arith::SelectOp::create(b, loc, inWord[q], loaded,
                                             zeroX);
            for (int64_t i = 0; i < 4; ++i)
              xs[r].push_back(vector::ExtractOp::create(b, loc, loaded, i));
          }
        SmallVector<Value> wq;
        for (Value vector : words)
          wq.push_back(vector::ExtractOp::create(b, loc, vector, q));
        for (int64_t m = 0; m < 4; ++m) {
          // B of row group r: (x[2m], x[2m + 8]), (x[2m + 1], x[2m + 9]).
          SmallVector<std::array<std::array<Value, 3>, 2>> bs;
          for (int64_t r = 0; r < rowGroups; ++r)
            bs.push_back({operands.split(xs[r][2 * m], xs[r][2 * m + 8]),
                          operands.split(xs[r][2 * m + 1],
                                         xs[r][2 * m + 9])});
          for (int64_t j = 0; j < kColumnTiles; ++j) {
            // A: trits (2m, 2m + 8) then (2m + 1, 2m + 9) of columns
            // 16j + g and 16j + g + 8.
            Value as[4] = {operands.decode(wq[2 * j], 2 * m),
                           operands.decode(wq[2 * j + 1], 2 * m),
                           operands.decode(wq[2 * j], 2 * m + 1),
                           operands.decode(wq[2 * j + 1], 2 * m + 1)};
            for (int64_t r = 0; r < rowGroups; ++r) {
              int64_t base = (j * kRowGroups + r) * 4;
              for (int64_t p = 0; p < 3; ++p)
                bf16Mma(b, loc, as, ValueRange{bs[r][0][p], bs[r][1][p]},
                        acc, base);
            }
          }
        }
      }
      return acc;
    };
    SmallVector<Value> inits(
        kValues, arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0)));
    return buildStepLoop(b, loc, math, f, inits, step);
  };
  // Rows 8..15 of the tile exist: a warp-uniform branch.
  Value second = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ult,
      math.add(f.rowBase, math.index(8)), f.M);
  auto ifSecond = scf::IfOp::create(
      b, loc, SmallVector<Type>(kValues, f32), second,
      /*withElseRegion=*/true);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&ifSecond.getThenRegion().front());
    scf::YieldOp::create(b, loc, buildLoop(kRowGroups).getResults());
    b.setInsertionPointToStart(&ifSecond.getElseRegion().front());
    scf::YieldOp::create(b, loc, buildLoop(1).getResults());
  }

  // Accumulator e of the 16x8 tile (j, r): row of A g (e < 2) or g + 8,
  // column of B 2t + (e & 1).
  auto position = [&](int64_t v) -> std::pair<Value, Value> {
    int64_t j = v / (4 * kRowGroups), r = v / 4 % kRowGroups, e = v % 4;
    Value n = math.add(math.add(f.colBase, f.group),
                       math.index(16 * j + (e < 2 ? 0 : 8)));
    Value m = math.add(
        math.add(f.rowBase, math.index(8 * r + (e & 1))),
        math.mul(f.inGroup, math.index(2)));
    return {m, n};
  };
  auto finish = [&](Value sum, Value, Value n) -> Value {
    return arith::AddFOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, sum,
                              loadPerColumn(b, loc, scale, n)),
        loadPerColumn(b, loc, bias, n));
  };
  storeTile(b, loc, math, f, ifSecond.getResults(),
            kernel.getWorkgroupAttributions()[0], y, position, finish);
  gpu::ReturnOp::create(b, loc);
  return kernel;
}

gpu::GPUFuncOp buildMmaF32RowKernel(OpBuilder &builder, Location loc,
                                    const PackedGemvConfig &config) {
  // Four 16-column tiles of one row; B's columns 0..2 are the parts lo,
  // mid, hi of the row's x (3..7 repeat hi, and D's columns 3..7 are
  // unused).
  constexpr int64_t kTileColumns = 64, kColumnTiles = kTileColumns / 16;
  constexpr int64_t kValues = kColumnTiles * 4, kParts = 3;
  // Per step and t: 64 k's, 32 bf16 pairs (x[i], x[i + 8]) of each part.
  constexpr int64_t kPairs = kChunkTrits / 2;
  constexpr int64_t kWarpPairs = 4 * kParts * kPairs;
  assert(config.rows == 1 && config.blockColumns() == kTileColumns &&
         "the launch grid must match the tile");
  MLIRContext *context = builder.getContext();
  Type f32 = builder.getF32Type(), i32 = builder.getI32Type();
  auto workgroup = gpu::AddressSpaceAttr::get(
      context, gpu::GPUDialect::getWorkgroupAddressSpace());
  // The split x of the warps' steps, two buffers: [step % 2][warp][t]
  // [part][pair].
  auto exchangeType = MemRefType::get({2 * kWarps * kWarpPairs}, i32,
                                      MemRefLayoutAttrInterface{}, workgroup);
  gpu::GPUFuncOp kernel = createKernel(
      builder, loc, config,
      TypeRange{partialType(context, kValues, f32), exchangeType});
  Value partial = kernel.getWorkgroupAttributions()[0];
  Value exchange = kernel.getWorkgroupAttributions()[1];

  OpBuilder b = OpBuilder::atBlockBegin(&kernel.getBody().front());
  Value x = kernel.getArgument(0), w = kernel.getArgument(1);
  Value scale = kernel.getArgument(2), bias = kernel.getArgument(3);
  Value y = kernel.getArgument(4);
  KernelMath math{b, loc};
  MmaFrame f = buildFrame(b, loc, math, x, w, kTileColumns, /*tileRows=*/1);
  Value row = math.minIndex(f.rowBase,
                            arith::SubIOp::create(b, loc, f.M, math.index(1)));
  BF16Operands operands(b, loc, kernel);
  auto vec4 = [&](Type element) { return VectorType::get({4}, element); };
  Value zeroX = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(vec4(f32), b.getF32FloatAttr(0)));
  // Lane (g, t) splits x[16q + i] and x[16q + i + 8], i = i0..i0 + 3, of
  // its t's chunk (q = g / 2, i0 = 4 (g % 2)): pairs 8q + i of each part;
  // it reads back part min(g, 2) of all 32 pairs (B's columns 3..7 only
  // make D's columns 3..7, which nothing reads).
  Value q = arith::DivUIOp::create(b, loc, f.group, math.index(2));
  Value i0 = math.mul(arith::RemUIOp::create(b, loc, f.group, math.index(2)),
                      math.index(4));
  Value firstPair = math.add(math.mul(q, math.index(8)), i0);
  Value readPart = math.minIndex(f.group, math.index(kParts - 1));
  Value ownPairs = math.add(math.mul(f.warp, math.index(kWarpPairs)),
                            math.mul(f.inGroup, math.index(kParts * kPairs)));
  Value fullMask = math.i32(-1);

  auto step = [&](Value first, Value chunk, Value inRow,
                  SmallVector<Value> acc) {
    // This step's buffer: s % 2 of the step 4v + 32s.
    Value stepIndex =
        arith::DivUIOp::create(b, loc, first, math.index(4 * kWarps));
    Value buffer = math.mul(
        arith::RemUIOp::create(b, loc, stepIndex, math.index(2)),
        math.index(kWarps * kWarpPairs));
    Value pairs = math.add(buffer, ownPairs);
    // The words of the lane's 8 columns (zero trits past the row).
    SmallVector<Value> words;
    for (Value column : f.columnIndex) {
      Value loaded = loadChunkWords(b, loc, math, f, column, chunk);
      words.push_back(arith::SelectOp::create(
          b, loc, inRow, loaded,
          arith::ConstantOp::create(
              b, loc,
              DenseElementsAttr::get(vec4(i32),
                                     b.getI32IntegerAttr(0x55555555)))));
    }
    // Split the lane's 8 x values; store its 4 pairs of each part.
    Value k = math.add(math.mul(chunk, math.index(kChunkTrits)),
                       math.add(math.mul(q, math.index(16)), i0));
    SmallVector<Value> halves;
    for (int64_t h = 0; h < 2; ++h) {
      Value loaded = vector::LoadOp::create(
          b, loc, vec4(f32), x,
          ValueRange{row, math.add(k, math.index(8 * h))},
          /*nontemporal=*/false, llvm::MaybeAlign(16));
      // Zero past the row: a clamped x times a zero trit could be inf * 0.
      halves.push_back(arith::SelectOp::create(b, loc, inRow, loaded, zeroX));
    }
    std::array<SmallVector<Value>, kParts> split;
    for (int64_t e = 0; e < 4; ++e) {
      std::array<Value, kParts> parts = operands.split(
          vector::ExtractOp::create(b, loc, halves[0], e),
          vector::ExtractOp::create(b, loc, halves[1], e));
      for (int64_t p = 0; p < kParts; ++p)
        split[p].push_back(parts[p]);
    }
    for (int64_t p = 0; p < kParts; ++p)
      vector::StoreOp::create(
          b, loc, vector::FromElementsOp::create(b, loc, vec4(i32), split[p]),
          exchange,
          ValueRange{math.add(pairs, math.add(math.index(p * kPairs),
                                              firstPair))},
          /*nontemporal=*/false, llvm::MaybeAlign(16));
    NVVM::SyncWarpOp::create(b, loc, fullMask);
    // B: part min(g, 2) of the 32 pairs.
    Value readBase = math.add(pairs, math.mul(readPart, math.index(kPairs)));
    SmallVector<Value> xPairs;
    for (int64_t v = 0; v < kPairs / 4; ++v) {
      Value loaded = vector::LoadOp::create(
          b, loc, vec4(i32), exchange,
          ValueRange{math.add(readBase, math.index(4 * v))},
          /*nontemporal=*/false, llvm::MaybeAlign(16));
      for (int64_t e = 0; e < 4; ++e)
        xPairs.push_back(vector::ExtractOp::create(b, loc, loaded, e));
    }
    for (int64_t wq = 0; wq < 4; ++wq) {
      SmallVector<Value> wordsQ;
      for (Value vector : words)
        wordsQ.push_back(vector::ExtractOp::create(b, loc, vector, wq));
      for (int64_t m = 0; m < 4; ++m) {
        // B: (x[2m], x[2m + 8]), (x[2m + 1], x[2m + 9]) of word wq.
        Value bRegs[2] = {xPairs[8 * wq + 2 * m], xPairs[8 * wq + 2 * m + 1]};
        for (int64_t j = 0; j < kColumnTiles; ++j) {
          // A: trits (2m, 2m + 8) then (2m + 1, 2m + 9) of columns
          // 16j + g and 16j + g + 8.
          Value a[4] = {operands.decode(wordsQ[2 * j], 2 * m),
                        operands.decode(wordsQ[2 * j + 1], 2 * m),
                        operands.decode(wordsQ[2 * j], 2 * m + 1),
                        operands.decode(wordsQ[2 * j + 1], 2 * m + 1)};
          bf16Mma(b, loc, a, bRegs, acc, 4 * j);
        }
      }
    }
    return acc;
  };
  SmallVector<Value> inits(
      kValues, arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0)));
  scf::ForOp loop = buildStepLoop(b, loc, math, f, inits, step);

  // Accumulator e of tile j: column 16j + g (e < 2) or 16j + g + 8, part
  // 2t + (e & 1). Lane t = 0 adds lo and mid, and hi from lane t = 1.
  OpBuilder::InsertionGuard guard(b);
  auto [ifFirst, totals] =
      sumOverWarps(b, loc, math, f, loop.getResults(), partial);
  Value laneT0 = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                       f.inGroup, math.index(0));
  SmallVector<std::pair<Value, Value>> results;
  for (int64_t j = 0; j < kColumnTiles; ++j)
    for (int64_t h = 0; h < 2; ++h) {
      Value lo = totals[4 * j + 2 * h], mid = totals[4 * j + 2 * h + 1];
      Value hi = gpu::ShuffleOp::create(b, loc, lo, math.i32(1), math.i32(32),
                                        gpu::ShuffleMode::XOR)
                     .getShuffleResult();
      Value n = math.add(math.add(f.colBase, f.group),
                         math.index(16 * j + 8 * h));
      Value sum = arith::AddFOp::create(
          b, loc, arith::AddFOp::create(b, loc, lo, mid), hi);
      results.push_back({sum, n});
    }
  auto ifLane = scf::IfOp::create(b, loc, laneT0, /*withElseRegion=*/false);
  b.setInsertionPointToStart(&ifLane.getThenRegion().front());
  for (auto [sum, n] : results) {
    auto out = [&, sum = sum, n = n]() -> Value {
      return arith::AddFOp::create(
          b, loc,
          arith::MulFOp::create(b, loc, sum,
                                loadPerColumn(b, loc, scale, n)),
          loadPerColumn(b, loc, bias, n));
    };
    storeInside(b, loc, f, out, y, f.rowBase, n);
  }
  b.setInsertionPointAfter(ifFirst);
  gpu::ReturnOp::create(b, loc);
  return kernel;
}
} // namespace

gpu::GPUFuncOp buildPackedMmaKernel(OpBuilder &builder, Location loc,
                                    const PackedGemvConfig &config) {
  if (config.int8)
    return buildMmaI8Kernel(builder, loc, config);
  return config.rows == 1 ? buildMmaF32RowKernel(builder, loc, config)
                          : buildMmaF32Kernel(builder, loc, config);
}

} // namespace tritondsl
