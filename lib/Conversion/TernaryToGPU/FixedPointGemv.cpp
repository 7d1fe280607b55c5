//===- FixedPointGemv.cpp - the one-row f32 GEMV in fixed point -----------===//
//
// ternary_gemv_f32_fx_k<K>: the f32 GEMV of one row (f32 x, f32 result) on
// the int8 tensor cores, for K % 64 == 0 and K <= 8192 (fixedPointFits),
// selected by convert-ternary-to-gpu{f32-fixed-point} (off by default until
// measured on a GPU; bench/gpu_explore/f32_gemv.cu, "F", is the same
// structure in CUDA).
//
// - The block converts the row of x once to 40-bit fixed point relative to
//   its largest magnitude: with 2^(E-1) <= max |x| < 2^E, u_k =
//   trunc(x_k 2^(38 - E)) (|u_k| < 2^38; the product is exact in f64), and
//   splits u_k into 5 balanced signed digits, byte j of (u_k + C) ^ C with
//   C = 0x8080808080, so that u_k = sum_j d_kj 2^8j. Every x_k within 2^14
//   of the largest is exact; a smaller one loses what lies below
//   2^(E - 38).
// - The tensor cores sum the digits exactly: mma.sync m16n8k16 with the trit
//   codes c = t + 1 of 16 output columns as A (u8; a 128-bit load of each
//   column per lane, (w >> 2p) & 0x03030303 a register) and digit j of x as
//   column j of B (s8), so that S_nj = sum_k c_nk d_kj in i32 (exact for
//   K < 2^22). With Z_j = sum_k d_kj, y_n = 2^(E - 38) sum_j 2^8j (S_nj -
//   Z_j), summed in f64 in a fixed order (the 4 lanes of a column, a
//   shuffle butterfly) and rounded once to f32: every exactly converted
//   row gives the f32 nearest the exact sum (up to the f64 sum's rounding).
//   A non-finite x makes every y NaN, as the bf16 kernels do.
// - Per 8 trits of a lane, one mma and two masked words (a LOP3 each and
//   3/4 of a shift), against 4 LOP3 and 4 HFMA2 for the bf16 pairs of
//   ternary_mma_f32_m1n64.
// - The digits lie in shared memory as the B fragments: for item i = (s, q,
//   t) (step s, word q of lane t's chunk 4s + t, k0 = 64 (4s + t) + 16q) and
//   digit j, 4 words, word p holding digit j of x[k0 + p + 4i'] in byte i',
//   the k's of (w >> 2p) & 0x03030303; a lane (g, t) reads digit min(g, 4)
//   with one 128-bit load per word (B's columns 5..7 only make D's columns
//   5..7, which nothing reads). Zeros past K.
// - As ternary_gemv_i8_sx_k: a persistent grid (kPersistentBlocksPerSM
//   blocks per SM at most), tile j of 16 columns to warp j / blocks mod 8
//   of block j mod blocks, so that the tiles spread evenly over the SMs;
//   a warp walks its tiles' steps with the loads of the two units after
//   this one in flight, by kWeightLoadPtx; words past the row end are the
//   row's first ones again (an L2 hit) against zero digits.
//
// ternary_gemv_i8_mma_k<K> (convert-ternary-to-gpu{int8-mma-gemv}, also off
// until measured; bench/gpu_explore/int8_gemv.cu, "M"): the same kernel for
// i8 x with x itself as the one digit (bytes staged, transposed, as the
// digits; B's column 0), y = S - sum(x) + bias exactly in i32: per 8 trits
// of a lane one mma and two masked words, against 2 dp4a and 2 masked
// words for ternary_gemv_i8_sx_k.
//
//===----------------------------------------------------------------------===//
#include "PackedGemv.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <array>

using namespace mlir;

namespace tritondsl {

namespace {

/// Warps per block, units of loads ahead.
constexpr int64_t kWarps = PackedGemvConfig::kThreads / 32;
constexpr int64_t kAhead = 2;
/// The f64 exponent field of 2^(E - 38) is this plus the f32 one of max |x|
/// (E = max(e, 1) - 126).
constexpr int64_t kDownBias = 1023 - 38 - 126;

class FixedPointGemvBuilder {
public:
  FixedPointGemvBuilder(OpBuilder &b, Location loc,
                        const PackedGemvConfig &config)
      : b(b), loc(loc), math{b, loc}, k(config.reductionSize),
        steps(fixedPointSteps(config.reductionSize)), int8(config.int8),
        digitCount(config.int8 ? 1 : 5) {}

  gpu::GPUFuncOp build(const PackedGemvConfig &config);

private:
  Value index(int64_t v) { return math.index(v); }
  Value int32(int64_t v) { return math.i32(v); }
  Value int64(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, v, 64);
  }
  Value toI32(Value v) {
    return arith::IndexCastUIOp::create(b, loc, b.getI32Type(), v);
  }
  Value add32(Value l, Value r) { return arith::AddIOp::create(b, loc, l, r); }
  Value mul32(Value l, Value r) { return arith::MulIOp::create(b, loc, l, r); }
  Value cmp(arith::CmpIPredicate predicate, Value l, Value r) {
    return arith::CmpIOp::create(b, loc, predicate, l, r);
  }
  /// The f64 whose bits are `field` << 52 (an i64 exponent field).
  Value powerOfTwo(Value field) {
    return arith::BitcastOp::create(
        b, loc, b.getF64Type(),
        arith::ShLIOp::create(b, loc, field, int64(52)));
  }
  /// trunc(x 2^(38 - E)) as an i64, for E = `largest` - 126 (the exponent
  /// field of max |x|, at least 1), by integer operations only (no f64
  /// conversion, slow on most GPUs): x = +-m 2^(e - 150) with the 24-bit
  /// significand m and e = max(exponent field, 1), so u = +-(m << 14) >>
  /// (largest - e), truncated as the shift drops bits.
  Value fixedPoint(Value x, Value largest);
  /// The first k of item (s, q, t) = 16s + 4q + t: 64 (4s + t) + 16q.
  Value itemK(Value item) {
    Value t = arith::RemUIOp::create(b, loc, item, index(4));
    Value q = arith::RemUIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, item, index(4)), index(4));
    Value s = arith::DivUIOp::create(b, loc, item, index(16));
    return math.add(math.mul(math.add(math.mul(s, index(4)), t), index(64)),
                    math.mul(q, index(16)));
  }
  /// The f64 `value` summed with lane ^ `mask`'s (two i32 shuffles).
  Value addLaneXor(Value value, int64_t mask);
  /// Every thread: the row's largest |x| as f32 bits, and the digits of x
  /// to `digits` (bytes), each warp's digit sums to partials[warp][1 + j]
  /// (partials[warp][0] takes the warp's largest |x| bits first).
  Value stageDigits(Value x, Value row, Value digits, Value partials,
                    Value warp);
  /// Every thread, for i8 x: the bytes of x to `digits` (transposed as the
  /// digits), each warp's sum of x to partials[warp][1].
  void stageBytes(Value x, Value row, Value digits, Value partials,
                  Value warp);
  /// The two vector<4xi32> of unit `v` of this warp (zeros past its last).
  SmallVector<Value> loadUnit(Value v);

  OpBuilder &b;
  Location loc;
  KernelMath math;
  int64_t k, steps;
  /// i8 x (ternary_gemv_i8_mma_k): x itself is the one digit (B's column
  /// 0), y = S - sum(x) + bias in i32. Else f32 x in 5 digits (B's
  /// columns 0..4).
  bool int8;
  int64_t digitCount;
  // Set by build().
  Value tid, lane, group, inGroup, wordsBase, N, groupId, groups, units;
  /// i32 copies for the loop's arithmetic; the last column.
  Value group32, inGroup32, groupId32, groups32, lastColumn32;
};

Value FixedPointGemvBuilder::addLaneXor(Value value, int64_t mask) {
  auto halves = VectorType::get({2}, b.getI32Type());
  Value bits = vector::BitCastOp::create(
      b, loc, halves,
      vector::FromElementsOp::create(
          b, loc, VectorType::get({1}, b.getF64Type()), ValueRange{value}));
  SmallVector<Value> moved;
  for (int64_t h = 0; h < 2; ++h)
    moved.push_back(gpu::ShuffleOp::create(
                        b, loc, vector::ExtractOp::create(b, loc, bits, h),
                        int32(mask), int32(32), gpu::ShuffleMode::XOR)
                        .getShuffleResult());
  Value other = vector::ExtractOp::create(
      b, loc,
      vector::BitCastOp::create(
          b, loc, VectorType::get({1}, b.getF64Type()),
          vector::FromElementsOp::create(b, loc, halves, moved)),
      0);
  return arith::AddFOp::create(b, loc, value, other);
}

Value FixedPointGemvBuilder::fixedPoint(Value x, Value largest) {
  Type i32 = b.getI32Type(), i64 = b.getI64Type();
  Value bits = arith::BitcastOp::create(b, loc, i32, x);
  Value field = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, bits, int32(23)), int32(0xFF));
  Value normal = cmp(arith::CmpIPredicate::ne, field, int32(0));
  Value significand = arith::OrIOp::create(
      b, loc, arith::AndIOp::create(b, loc, bits, int32(0x7FFFFF)),
      arith::SelectOp::create(b, loc, normal, int32(0x800000), int32(0)));
  Value exponent = arith::MaxUIOp::create(b, loc, field, int32(1));
  // largest - exponent >= 0; past 63 everything is shifted out.
  Value drop = arith::MinUIOp::create(
      b, loc, arith::SubIOp::create(b, loc, largest, exponent), int32(63));
  Value magnitude = arith::ShRUIOp::create(
      b, loc,
      arith::ShLIOp::create(b, loc,
                            arith::ExtUIOp::create(b, loc, i64, significand),
                            int64(14)),
      arith::ExtUIOp::create(b, loc, i64, drop));
  Value negative = cmp(arith::CmpIPredicate::slt, bits, int32(0));
  return arith::SelectOp::create(
      b, loc, negative,
      arith::SubIOp::create(b, loc, int64(0), magnitude), magnitude);
}

void FixedPointGemvBuilder::stageBytes(Value x, Value row, Value digits,
                                       Value partials, Value warp) {
  auto itemLoop = scf::ForOp::create(b, loc, tid, index(steps * 16),
                                     index(PackedGemvConfig::kThreads),
                                     ValueRange{int32(0)});
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(itemLoop.getBody());
    Value item = itemLoop.getInductionVar();
    Value k0 = itemK(item);
    // Word p: x[k0 + p + 4i] in byte i, the k's of (w >> 2p) & 0x03030303.
    Value sum = stageTransposedBytes(b, loc, x, row, k0, k, digits, item,
                                     itemLoop.getRegionIterArgs()[0]);
    scf::YieldOp::create(b, loc, sum);
  }
  Value warpSum =
      warpAllReduce(b, loc, itemLoop.getResult(0), [&](Value l, Value r) {
        return Value(arith::AddIOp::create(b, loc, l, r));
      });
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(
        &scf::IfOp::create(b, loc,
                           cmp(arith::CmpIPredicate::eq, lane, index(0)),
                           false)
             .getThenRegion()
             .front());
    memref::StoreOp::create(
        b, loc, warpSum, partials,
        ValueRange{math.add(math.mul(warp, index(digitCount + 1)),
                            index(1))});
  }
  gpu::BarrierOp::create(b, loc);
}

Value FixedPointGemvBuilder::stageDigits(Value x, Value row, Value digits,
                                         Value partials, Value warp) {
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  Type f32 = b.getF32Type();
  Value slots = index(digitCount + 1);
  // The largest |x| (as bits: non-negative floats order as integers).
  auto maxLoop = scf::ForOp::create(
      b, loc, tid, index(k), index(PackedGemvConfig::kThreads),
      ValueRange{int32(0)});
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(maxLoop.getBody());
    Value value = memref::LoadOp::create(
        b, loc, x, ValueRange{row, maxLoop.getInductionVar()});
    Value magnitude = arith::AndIOp::create(
        b, loc, arith::BitcastOp::create(b, loc, i32, value),
        int32(0x7FFFFFFF));
    scf::YieldOp::create(
        b, loc,
        Value(arith::MaxUIOp::create(b, loc, magnitude,
                                     maxLoop.getRegionIterArgs()[0])));
  }
  auto maxOf = [&](Value l, Value r) {
    return Value(arith::MaxUIOp::create(b, loc, l, r));
  };
  Value warpMax = warpAllReduce(b, loc, maxLoop.getResult(0), maxOf);
  Value isLaneZero = cmp(arith::CmpIPredicate::eq, lane, index(0));
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(
        &scf::IfOp::create(b, loc, isLaneZero, false).getThenRegion().front());
    memref::StoreOp::create(b, loc, warpMax, partials,
                            ValueRange{math.mul(warp, slots)});
  }
  gpu::BarrierOp::create(b, loc);
  Value maxBits = int32(0);
  for (int64_t w = 0; w < kWarps; ++w)
    maxBits = maxOf(maxBits, memref::LoadOp::create(
                                 b, loc, partials,
                                 ValueRange{index(w * (digitCount + 1))}));
  // The exponent field of max |x|, 1 for subnormals (E = that - 126;
  // a non-finite x: 255, and the result is NaN anyway).
  Value largest = arith::MaxUIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, maxBits, int32(23)), int32(1));

  // The digits, item by item; sums per digit.
  Value offset = int64(0x8080808080);
  auto bytes4 = VectorType::get({4}, i8);
  auto words4 = VectorType::get({4}, i32);
  auto vector4 = VectorType::get({4}, f32);
  SmallVector<Value> zeros(digitCount, int32(0));
  auto itemLoop = scf::ForOp::create(b, loc, tid, index(steps * 16),
                                     index(PackedGemvConfig::kThreads),
                                     zeros);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(itemLoop.getBody());
    Value item = itemLoop.getInductionVar();
    Value k0 = itemK(item);
    // x[k0 .. k0 + 15], zeros past K (k % 64 == 0: a word is all in or out).
    SmallVector<Type> types(4, vector4);
    auto inK = scf::IfOp::create(b, loc, types,
                                 cmp(arith::CmpIPredicate::ult, k0, index(k)),
                                 /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard inner(b);
      b.setInsertionPointToStart(&inK.getThenRegion().front());
      SmallVector<Value> loaded;
      for (int64_t v = 0; v < 4; ++v)
        loaded.push_back(vector::LoadOp::create(
            b, loc, vector4, x, ValueRange{row, math.add(k0, index(4 * v))},
            /*nontemporal=*/false, llvm::MaybeAlign(16)));
      scf::YieldOp::create(b, loc, loaded);
      b.setInsertionPointToStart(&inK.getElseRegion().front());
      Value zero = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(vector4, b.getF32FloatAttr(0)));
      scf::YieldOp::create(b, loc, SmallVector<Value>(4, zero));
    }
    // The digit bytes of each x: low (digits 0..3) and high (digit 4).
    SmallVector<Value> low, high;
    for (int64_t i = 0; i < 16; ++i) {
      Value value =
          vector::ExtractOp::create(b, loc, inK.getResult(i / 4), i % 4);
      Value u = fixedPoint(value, largest);
      Value balanced = arith::XOrIOp::create(
          b, loc, arith::AddIOp::create(b, loc, u, offset), offset);
      low.push_back(vector::BitCastOp::create(
          b, loc, bytes4,
          vector::FromElementsOp::create(
              b, loc, VectorType::get({1}, i32),
              ValueRange{arith::TruncIOp::create(b, loc, i32, balanced)})));
      high.push_back(arith::TruncIOp::create(
          b, loc, i8, arith::ShRUIOp::create(b, loc, balanced, int64(32))));
    }
    Value ones = bytesOfWord(b, loc, int32(0x01010101));
    SmallVector<Value> sums(itemLoop.getRegionIterArgs());
    for (int64_t j = 0; j < digitCount; ++j) {
      SmallVector<Value> words;
      for (int64_t p = 0; p < 4; ++p) {
        // Byte i: digit j of x[k0 + p + 4i].
        SmallVector<Value> byteValues;
        for (int64_t i = 0; i < 4; ++i)
          byteValues.push_back(
              j < 4 ? Value(vector::ExtractOp::create(b, loc, low[p + 4 * i],
                                                      j))
                    : high[p + 4 * i]);
        Value packed =
            vector::FromElementsOp::create(b, loc, bytes4, byteValues);
        sums[j] = dp4aCodesTimesX(b, loc, ones, packed, sums[j]);
        words.push_back(vector::ExtractOp::create(
            b, loc,
            vector::BitCastOp::create(b, loc, VectorType::get({1}, i32),
                                      packed),
            0));
      }
      vector::StoreOp::create(
          b, loc,
          vector::BitCastOp::create(
              b, loc, VectorType::get({16}, i8),
              vector::FromElementsOp::create(b, loc, words4, words)),
          digits,
          ValueRange{math.mul(math.add(math.mul(item, index(digitCount)),
                                       index(j)),
                              index(16))},
          /*nontemporal=*/false, llvm::MaybeAlign(16));
    }
    scf::YieldOp::create(b, loc, sums);
  }
  SmallVector<Value> warpSums;
  for (int64_t j = 0; j < digitCount; ++j)
    warpSums.push_back(
        warpAllReduce(b, loc, itemLoop.getResult(j), [&](Value l, Value r) {
          return Value(arith::AddIOp::create(b, loc, l, r));
        }));
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(
        &scf::IfOp::create(b, loc, isLaneZero, false).getThenRegion().front());
    for (int64_t j = 0; j < digitCount; ++j)
      memref::StoreOp::create(
          b, loc, warpSums[j], partials,
          ValueRange{math.add(math.mul(warp, slots), index(1 + j))});
  }
  gpu::BarrierOp::create(b, loc);
  return maxBits;
}

SmallVector<Value> FixedPointGemvBuilder::loadUnit(Value v) {
  auto wordsType = VectorType::get({4}, b.getI32Type());
  auto inUnits = scf::IfOp::create(
      b, loc, TypeRange{wordsType, wordsType},
      cmp(arith::CmpIPredicate::ult, v, units), /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&inUnits.getThenRegion().front());
  // In i32 (the unit, tile and column counts fit; the word index is
  // widened at the end): 64-bit index arithmetic costs twice the
  // instructions in this loop.
  Value v32 = toI32(v);
  Value tile = add32(groupId32,
                     mul32(arith::DivUIOp::create(b, loc, v32, int32(steps)),
                           groups32));
  Value s = arith::RemUIOp::create(b, loc, v32, int32(steps));
  Value chunk = add32(mul32(s, int32(4)), inGroup32);
  Value offset = mul32(chunk, int32(4));
  if (k % 256 != 0) // past the row: its first words again
    offset = arith::SelectOp::create(
        b, loc, cmp(arith::CmpIPredicate::ult, chunk, int32(k / 64)), offset,
        int32(0));
  SmallVector<Value> words;
  for (int64_t h = 0; h < 2; ++h) {
    Value column = arith::MinUIOp::create(
        b, loc, add32(add32(mul32(tile, int32(16)), group32), int32(8 * h)),
        lastColumn32);
    Type i64 = b.getI64Type();
    Value word = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc,
                              arith::ExtUIOp::create(b, loc, i64, column),
                              int64(k / 16)),
        arith::ExtUIOp::create(b, loc, i64, offset));
    words.push_back(loadWeightWords(
        b, loc, wordsBase,
        arith::IndexCastUIOp::create(b, loc, b.getIndexType(), word)));
  }
  scf::YieldOp::create(b, loc, words);
  b.setInsertionPointToStart(&inUnits.getElseRegion().front());
  Value zero = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(wordsType, int32_t(0)));
  scf::YieldOp::create(b, loc, ValueRange{zero, zero});
  return SmallVector<Value>(inUnits.getResults());
}

gpu::GPUFuncOp FixedPointGemvBuilder::build(const PackedGemvConfig &config) {
  MLIRContext *context = b.getContext();
  Type i32 = b.getI32Type(), i64 = b.getI64Type();
  Type f32 = b.getF32Type(), f64 = b.getF64Type();
  auto workgroup = gpu::AddressSpaceAttr::get(
      context, gpu::GPUDialect::getWorkgroupAddressSpace());
  auto digitsType =
      MemRefType::get({steps * 16 * digitCount * 16}, b.getI8Type(),
                      MemRefLayoutAttrInterface{}, workgroup);
  auto partialsType =
      MemRefType::get({kWarps * (digitCount + 1)}, i32,
                      MemRefLayoutAttrInterface{}, workgroup);
  gpu::GPUFuncOp kernel =
      createKernel(b, loc, config, TypeRange{digitsType, partialsType});
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&kernel.getBody().front());
  Value x = kernel.getArgument(0), w = kernel.getArgument(1);
  Value scale = kernel.getArgument(2), bias = kernel.getArgument(3);
  Value y = kernel.getArgument(4);
  Value digits = kernel.getWorkgroupAttributions()[0];
  Value partials = kernel.getWorkgroupAttributions()[1];

  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  lane = arith::RemUIOp::create(b, loc, tid, index(32));
  Value warp = arith::DivUIOp::create(b, loc, tid, index(32));
  group = arith::DivUIOp::create(b, loc, lane, index(4));
  inGroup = arith::RemUIOp::create(b, loc, lane, index(4));
  Value row = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  N = memref::DimOp::create(b, loc, w, 0);
  // The packed words of the weights: w has the identity layout (offset 0).
  wordsBase = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, w);

  // Tile j of 16 columns: warp j / G of block j % G (G blocks); `units`
  // (tile, step) pairs of this warp.
  Value blocks = gpu::GridDimOp::create(b, loc, gpu::Dimension::x);
  groupId = math.add(math.mul(warp, blocks),
                     gpu::BlockIdOp::create(b, loc, gpu::Dimension::x));
  groups = math.mul(blocks, index(kWarps));
  Value tiles = arith::CeilDivUIOp::create(b, loc, N, index(16));
  Value myTiles = arith::SelectOp::create(
      b, loc, cmp(arith::CmpIPredicate::ult, groupId, tiles),
      arith::CeilDivUIOp::create(
          b, loc, arith::SubIOp::create(b, loc, tiles, groupId), groups),
      index(0));
  units = math.mul(myTiles, index(steps));
  group32 = toI32(group);
  inGroup32 = toI32(inGroup);
  groupId32 = toI32(groupId);
  groups32 = toI32(groups);
  lastColumn32 = toI32(arith::SubIOp::create(b, loc, N, index(1)));

  // The first units' loads before the staging.
  SmallVector<Value> inFlight;
  for (int64_t a = 0; a < kAhead; ++a)
    llvm::append_range(inFlight, loadUnit(index(a)));
  Value maxBits;
  if (int8)
    stageBytes(x, row, digits, partials, warp);
  else
    maxBits = stageDigits(x, row, digits, partials, warp);

  // This lane's digits 2t and 2t + 1 (none past the fifth): their sums
  // over the row and their weights 2^16t, 2^(16t + 8) (zero past).
  Value t64 = arith::IndexCastOp::create(b, loc, i64, inGroup);
  std::array<Value, 2> digitSums, weights;
  for (int64_t h = 0; h < 2; ++h) {
    Value j = math.add(math.mul(inGroup, index(2)), index(h));
    Value valid = cmp(arith::CmpIPredicate::ult, j, index(digitCount));
    Value slot = math.add(math.minIndex(j, index(digitCount - 1)), index(1));
    Value sum = int32(0);
    for (int64_t v = 0; v < kWarps; ++v)
      sum = arith::AddIOp::create(
          b, loc, sum,
          memref::LoadOp::create(
              b, loc, partials,
              ValueRange{math.add(index(v * (digitCount + 1)), slot)}));
    digitSums[h] = sum;
    Value weight = powerOfTwo(arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, t64, int64(16)),
        int64(1023 + 8 * h)));
    weights[h] = arith::SelectOp::create(
        b, loc, valid, weight,
        arith::ConstantOp::create(b, loc, b.getF64FloatAttr(0)));
  }
  // 2^(E - 38), NaN for a non-finite x.
  Value down;
  if (!int8) {
    Value e = arith::ExtUIOp::create(
        b, loc, i64,
        arith::MaxUIOp::create(
            b, loc, arith::ShRUIOp::create(b, loc, maxBits, int32(23)),
            int32(1)));
    down = arith::SelectOp::create(
        b, loc, cmp(arith::CmpIPredicate::uge, e, int64(255)),
        arith::ConstantOp::create(b, loc,
                                  b.getF64FloatAttr(std::nan(""))),
        powerOfTwo(arith::AddIOp::create(b, loc, e, int64(kDownBias))));
  }
  // The digit of this lane's B column: min(g, digits - 1).
  Value ownDigit = math.minIndex(group, index(digitCount - 1));
  Value biases = memref::DimOp::create(b, loc, bias, 0);
  Value scales = memref::DimOp::create(b, loc, scale, 0);

  SmallVector<Value> inits = inFlight;
  SmallVector<Value> zeros(4, int32(0));
  llvm::append_range(inits, zeros);
  auto loop = scf::ForOp::create(b, loc, index(0), units, index(1), inits);
  {
    OpBuilder::InsertionGuard inner(b);
    b.setInsertionPointToStart(loop.getBody());
    Value v = loop.getInductionVar();
    SmallVector<Value> carried(loop.getRegionIterArgs());
    ArrayRef<Value> current = ArrayRef<Value>(carried).take_front(2);
    SmallVector<Value> next(ArrayRef<Value>(carried).slice(2, 2 * kAhead - 2));
    llvm::append_range(next, loadUnit(math.add(v, index(kAhead))));
    SmallVector<Value> acc(ArrayRef<Value>(carried).take_back(4));

    Value s32 = arith::RemUIOp::create(b, loc, toI32(v), int32(steps));
    Value s = arith::IndexCastUIOp::create(b, loc, b.getIndexType(), s32);
    auto structType = LLVM::LLVMStructType::getLiteral(context,
                                                       {i32, i32, i32, i32});
    Value mask = int32(0x03030303);
    for (int64_t q = 0; q < 4; ++q) {
      Value item = math.add(math.add(math.mul(s, index(16)),
                                     index(4 * q)),
                            inGroup);
      // One 128-bit shared load (as 16 bytes: LLVM turns a vector of
      // words whose every use is an extract into 4 scalar loads).
      Value bWords = vector::BitCastOp::create(
          b, loc, VectorType::get({4}, i32),
          vector::LoadOp::create(
              b, loc, VectorType::get({16}, b.getI8Type()), digits,
              ValueRange{math.mul(math.add(math.mul(item, index(digitCount)),
                                           ownDigit),
                                  index(16))},
              /*nontemporal=*/false, llvm::MaybeAlign(16)));
      Value low = vector::ExtractOp::create(b, loc, current[0], q);
      Value high = vector::ExtractOp::create(b, loc, current[1], q);
      for (int64_t p = 0; p < 4; ++p) {
        auto codes = [&](Value word) -> Value {
          Value shifted =
              p ? Value(arith::ShRUIOp::create(b, loc, word, int32(2 * p)))
                : word;
          return arith::AndIOp::create(b, loc, shifted, mask);
        };
        auto mma = NVVM::MmaOp::create(
            b, loc, structType, ValueRange{codes(low), codes(high)},
            ValueRange{vector::ExtractOp::create(b, loc, bWords, p)}, acc,
            ArrayRef<int64_t>{16, 8, 16}, std::nullopt,
            NVVM::MMAIntOverflow::wrapped,
            std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::u8,
                                          NVVM::MMATypes::s8},
            std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                           NVVM::MMALayout::col});
        for (int64_t r = 0; r < 4; ++r)
          acc[r] = LLVM::ExtractValueOp::create(b, loc, mma, r);
      }
    }

    // The tile's last step: y of its 16 columns; the accumulators restart.
    Value last = cmp(arith::CmpIPredicate::eq, s32, int32(steps - 1));
    {
      OpBuilder::InsertionGuard store(b);
      b.setInsertionPointToStart(
          &scf::IfOp::create(b, loc, last, false).getThenRegion().front());
      Value tile = math.add(
          groupId,
          math.mul(arith::DivUIOp::create(b, loc, v, index(steps)), groups));
      // `body(column)` in lane t = 0 of column 16 tile + g + 8h, if inside.
      auto inStoringLane = [&](int64_t h, function_ref<void(Value)> body) {
        Value column = math.add(math.add(math.mul(tile, index(16)), group),
                                index(8 * h));
        Value store = arith::AndIOp::create(
            b, loc, cmp(arith::CmpIPredicate::eq, inGroup, index(0)),
            cmp(arith::CmpIPredicate::ult, column, N));
        OpBuilder::InsertionGuard inside(b);
        b.setInsertionPointToStart(
            &scf::IfOp::create(b, loc, store, false).getThenRegion().front());
        body(column);
      };
      // Element `column` of a per-column `vector` of `count` (or its one).
      auto perColumn = [&](Value vector, Value count, Value column) -> Value {
        return memref::LoadOp::create(
            b, loc, vector,
            ValueRange{arith::SelectOp::create(
                b, loc, cmp(arith::CmpIPredicate::ugt, count, index(1)),
                column, index(0))});
      };
      for (int64_t h = 0; h < 2 && int8; ++h)
        inStoringLane(h, [&](Value column) {
          // acc[2h] is S of the column; exact.
          Value out = arith::AddIOp::create(
              b, loc,
              arith::SubIOp::create(b, loc, acc[2 * h], digitSums[0]),
              perColumn(bias, biases, column));
          memref::StoreOp::create(b, loc, out, y, ValueRange{row, column});
        });
      for (int64_t h = 0; h < 2 && !int8; ++h) {
        // acc[2h], acc[2h + 1]: digits 2t, 2t + 1 of column 16 tile + g +
        // 8h.
        Value sum;
        for (int64_t d = 0; d < 2; ++d) {
          Value exact = arith::SIToFPOp::create(
              b, loc, f64,
              arith::SubIOp::create(b, loc, acc[2 * h + d], digitSums[d]));
          Value term = arith::MulFOp::create(b, loc, exact, weights[d]);
          sum = d ? Value(arith::AddFOp::create(b, loc, sum, term)) : term;
        }
        sum = addLaneXor(addLaneXor(sum, 1), 2);
        inStoringLane(h, [&](Value column) {
          Value value = arith::TruncFOp::create(
              b, loc, f32, arith::MulFOp::create(b, loc, sum, down));
          Value out = arith::AddFOp::create(
              b, loc,
              arith::MulFOp::create(b, loc, value,
                                    perColumn(scale, scales, column)),
              perColumn(bias, biases, column));
          memref::StoreOp::create(b, loc, out, y, ValueRange{row, column});
        });
      }
    }
    for (Value &a : acc)
      a = arith::SelectOp::create(b, loc, last, int32(0), a);
    SmallVector<Value> yielded(next);
    llvm::append_range(yielded, acc);
    scf::YieldOp::create(b, loc, yielded);
  }
  // Unrolled by kAhead + 1, the units' words rotate through the yields of
  // one unrolled body instead of moving between registers.
  (void)loopUnrollByFactor(loop, kAhead + 1);
  gpu::ReturnOp::create(b, loc);
  return kernel;
}

} // namespace

gpu::GPUFuncOp buildFixedPointGemvKernel(OpBuilder &builder, Location loc,
                                         const PackedGemvConfig &config) {
  return FixedPointGemvBuilder(builder, loc, config).build(config);
}

} // namespace tritondsl
