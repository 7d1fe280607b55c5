//===- StagedGemv.cpp - the one-row int8 GEMV with x in shared memory -----===//
//
// ternary_gemv_i8_sx_k<K>: the int8 (dp4a) GEMV of one row when x fits in
// shared memory (stagedXFits). Measured against the other structures in
// CUDA first (bench/gpu_explore/int8_gemv.cu, "C c1 ahead x3 hint"; raw in
// bench/results/2026-12-04-h200-explore/): on an H200, 8192x28672, 17.6-17.9
// us against 18.7-20.5 for the structure of ternary_gemv_i8_r1c4w4; built
// here, 18.6 against 19.4 us in bench/gpu_bench.py (bench/RESULTS.md).
//
// - The block stages x once, transposed for dp4a, in shared memory: chunk
//   c = (t * 4 + q) * 32 + l holds the 16 x bytes that lane l multiplies
//   with word q of its 128-bit load of step t (k = 64 l + 2048 t + 16 q),
//   byte 4p + j being x[k + 4j + p], so that a warp's 128-bit shared loads
//   are conflict-free and no warp transposes x again. Staging also sums x.
// - The grid is persistent (kPersistentBlocksPerSM blocks per SM at most,
//   a whole number per SM): warp g of G computes columns g, g + G, ... one
//   at a time, a column in `steps` 128-bit loads per lane (64 k's each;
//   K <= 8192, stagedXFits).
// - The loads of the next column are issued before the arithmetic of this
//   one (two columns of registers), with ld.global.nc.L1::no_allocate and
//   the L2::256B prefetch-size hint (kWeightLoadPtx): a lane's column reads
//   whole 512-byte runs of the row, and the hint is worth 3-4% here
//   (17.8-18.1 against 18.5-18.7 us at 512 blocks; it made the structure
//   of ternary_gemv_i8_r1c4w4 slower).
// - Words past the row end (K % 2048 != 0) are reloaded from the row's
//   start (an L2 hit) and meet x bytes staged as zeros.
// - Longer rows (chunks of a column in turn, the loads of the next chunk
//   ahead) measured no faster than ternary_gemv_i8_r1c4w4 at K = 28672
//   (19.5-23.7 against 19.3-21.4 us, bench/results/2026-12-04-h200-
//   explore/run4-28672.txt), which they keep.
// - ternary_gemv_a8_sx_k<K> (activations=int8, W1.58A8) is the same kernel
//   on an f32 row: each block quantizes x as it stages it (a = max |x| over
//   the row, q = round-half-even(x * (127 / a)) in [-127, 127]: the
//   definition of ActivationKernels.mlir, so results equal those of
//   ternary_quantize_rows_i8 + the int8 kernels + ternary_dequantize_rows
//   bit for bit), its chunks of x kept in registers between the maximum
//   and the quantization, and the epilogue writes ((f32(sum) * a / 127) *
//   scale) + bias: one launch where the unfused path takes three.
//
//===----------------------------------------------------------------------===//
#include "PackedGemv.h"

#include "tritondsl/Conversion/TernaryToGPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <limits>

using namespace mlir;

namespace tritondsl {

namespace {

/// Builds the kernel; the argument layout is that of the int8 GEMVs.
class StagedGemvBuilder {
public:
  StagedGemvBuilder(OpBuilder &b, Location loc, const PackedGemvConfig &config)
      : b(b), loc(loc), math{b, loc}, k(config.reductionSize),
        steps(stagedSteps(config.reductionSize)) {}

  gpu::GPUFuncOp build(const PackedGemvConfig &config);

private:
  Value index(int64_t v) { return math.index(v); }
  Value int32(int64_t v) { return math.i32(v); }
  Value dp4a(Value codes, Value xs, Value sum) {
    return dp4aCodesTimesX(b, loc, codes, xs, sum);
  }
  Value warpSum(Value value) {
    return warpAllReduce(b, loc, value, [&](Value l, Value r) {
      return Value(arith::AddIOp::create(b, loc, l, r));
    });
  }
  /// An scf.if of lane 0, without an else region.
  scf::IfOp ifLaneZero();
  Value loadWords(Value pointerBase, Value wordIndex) {
    return loadWeightWords(b, loc, pointerBase, wordIndex);
  }
  SmallVector<Value> loadColumn(Value column);
  Value chunkStart(Value c);
  void stageX(Value x, Value row, Value xt, Value partials, Value warp);
  Value stageQuantizedX(Value x, Value row, Value xt, Value partials,
                        Value maxima, Value warp);

  OpBuilder &b;
  Location loc;
  KernelMath math;
  int64_t k;
  int64_t steps;
  // Set by build().
  Value tid, lane, wordsBase, rowWords;
};

scf::IfOp StagedGemvBuilder::ifLaneZero() {
  return scf::IfOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane,
                            index(0)),
      /*withElseRegion=*/false);
}

/// This lane's words of column `column`: one vector<4xi32> per step;
/// words past the row end (K % 2048 != 0) are reloaded from the row's
/// start, an L2 hit, against staged zeros.
SmallVector<Value> StagedGemvBuilder::loadColumn(Value column) {
  Value rowStart = math.mul(column, rowWords);
  Value first = math.mul(lane, index(4));
  SmallVector<Value> words;
  for (int64_t t = 0; t < steps; ++t) {
    Value offset = math.add(first, index(128 * t));
    if (128 * (t + 1) > k / 16)
      offset = arith::SelectOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, offset,
                                rowWords),
          offset, index(0));
    words.push_back(loadWords(wordsBase, math.add(rowStart, offset)));
  }
  return words;
}

/// The first k of staged chunk c = (t * 4 + q) * 32 + l: 64 l + 2048 t +
/// 16 q.
Value StagedGemvBuilder::chunkStart(Value c) {
  Value l = arith::RemUIOp::create(b, loc, c, index(32));
  Value tq = arith::DivUIOp::create(b, loc, c, index(32));
  Value t = arith::DivUIOp::create(b, loc, tq, index(4));
  Value q = arith::RemUIOp::create(b, loc, tq, index(4));
  return math.add(math.add(math.mul(l, index(64)), math.mul(t, index(2048))),
                  math.mul(q, index(16)));
}

/// Every thread: x[row] transposed into `xt` (zeros past K), and this
/// warp's sum of x into partials[warp].
void StagedGemvBuilder::stageX(Value x, Value row, Value xt, Value partials,
                               Value warp) {
  int64_t xChunks = steps * 128;
  auto loop = scf::ForOp::create(b, loc, tid, index(xChunks),
                                 index(PackedGemvConfig::kThreads),
                                 ValueRange{int32(0)});
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value c = loop.getInductionVar();
    Value sum = stageTransposedBytes(b, loc, x, row, chunkStart(c), k, xt, c,
                                     loop.getRegionIterArgs()[0]);
    scf::YieldOp::create(b, loc, sum);
  }
  Value sum = warpSum(loop.getResult(0));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&ifLaneZero().getThenRegion().front());
  memref::StoreOp::create(b, loc, sum, partials, ValueRange{warp});
}

/// stageX for an f32 row (ternary_gemv_a8_sx_k): every thread loads its
/// chunks of 16 x values (zeros past K) once, the block takes the largest
/// magnitude (`maxima`, one barrier), and each chunk is quantized to int8,
/// transposed and stored as stageX stores its bytes. Returns the row's
/// step a / 127 (NaN when the row holds NaN or infinity: its q are 0).
Value StagedGemvBuilder::stageQuantizedX(Value x, Value row, Value xt,
                                         Value partials, Value maxima,
                                         Value warp) {
  const int64_t threads = PackedGemvConfig::kThreads;
  int64_t xChunks = steps * 128;
  Type f32 = b.getF32Type();
  auto values16 = VectorType::get({16}, f32);
  auto bytes16 = VectorType::get({16}, b.getI8Type());
  auto f32Constant = [&](float value) -> Value {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
  };
  auto splat = [&](float value) -> Value {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(values16, value));
  };
  // The chunks c = tid + threads * i below xChunks: at most two (K <= 8192).
  SmallVector<Value> slots, inRange, chunks;
  for (int64_t first = 0; first < xChunks; first += threads) {
    Value c = math.add(tid, index(first));
    Value kx = chunkStart(c);
    Value present = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                          kx, index(k));
    if (first + threads > xChunks) {
      Value staged = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::ult, c, index(xChunks));
      present = arith::AndIOp::create(b, loc, present, staged);
      inRange.push_back(staged);
    } else {
      inRange.push_back(Value());
    }
    auto load = scf::IfOp::create(b, loc, TypeRange{values16}, present,
                                  /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard inner(b);
      b.setInsertionPointToStart(&load.getThenRegion().front());
      scf::YieldOp::create(
          b, loc,
          Value(vector::LoadOp::create(b, loc, values16, x,
                                       ValueRange{row, kx},
                                       /*nontemporal=*/false,
                                       llvm::MaybeAlign(16))));
      b.setInsertionPointToStart(&load.getElseRegion().front());
      scf::YieldOp::create(b, loc, splat(0.0f));
    }
    slots.push_back(c);
    chunks.push_back(load.getResult(0));
  }

  // The largest magnitude of the row (maximumf: NaN wins).
  Value local = f32Constant(0.0f);
  for (Value chunk : chunks)
    local = arith::MaximumFOp::create(
        b, loc, local,
        vector::ReductionOp::create(b, loc, vector::CombiningKind::MAXIMUMF,
                                    math::AbsFOp::create(b, loc, chunk)));
  local = warpAllReduce(b, loc, local, [&](Value l, Value r) {
    return Value(arith::MaximumFOp::create(b, loc, l, r));
  });
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&ifLaneZero().getThenRegion().front());
    memref::StoreOp::create(b, loc, local, maxima, ValueRange{warp});
  }
  gpu::BarrierOp::create(b, loc);
  Value amax = f32Constant(0.0f);
  for (int64_t i = 0; i < threads / 32; ++i)
    amax = arith::MaximumFOp::create(
        b, loc, amax,
        memref::LoadOp::create(b, loc, maxima, ValueRange{index(i)}));
  // Not finite: NaN (every comparison false) or infinity.
  Value finite =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, amax,
                            f32Constant(3.40282347e+38f));
  Value usable = arith::AndIOp::create(
      b, loc, finite,
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, amax,
                            f32Constant(0.0f)));
  Value c127 = f32Constant(127.0f);
  Value inv = arith::SelectOp::create(
      b, loc, usable, arith::DivFOp::create(b, loc, c127, amax),
      f32Constant(0.0f));
  Value inv16 = vector::BroadcastOp::create(b, loc, values16, inv);
  Value zeroBytes = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(bytes16, int8_t(0)));

  Value sum = int32(0);
  for (auto [chunk, slot, staged] : llvm::zip(chunks, slots, inRange)) {
    Value scaled = arith::MulFOp::create(b, loc, chunk, inv16);
    Value rounded = math::RoundEvenOp::create(b, loc, scaled);
    Value clamped = arith::MinimumFOp::create(
        b, loc, arith::MaximumFOp::create(b, loc, rounded, splat(-127.0f)),
        splat(127.0f));
    // A non-finite row's products are not numbers: none is converted.
    Value codes = arith::SelectOp::create(
        b, loc, finite, arith::FPToSIOp::create(b, loc, bytes16, clamped),
        zeroBytes);
    if (!staged) {
      sum = storeTransposedBytes(b, loc, codes, xt, slot, sum);
      continue;
    }
    auto store = scf::IfOp::create(b, loc, TypeRange{sum.getType()}, staged,
                                   /*withElseRegion=*/true);
    OpBuilder::InsertionGuard inner(b);
    b.setInsertionPointToStart(&store.getThenRegion().front());
    scf::YieldOp::create(b, loc,
                         storeTransposedBytes(b, loc, codes, xt, slot, sum));
    b.setInsertionPointToStart(&store.getElseRegion().front());
    scf::YieldOp::create(b, loc, sum);
    sum = store.getResult(0);
  }
  sum = warpSum(sum);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&ifLaneZero().getThenRegion().front());
    memref::StoreOp::create(b, loc, sum, partials, ValueRange{warp});
  }
  Value nan = f32Constant(std::numeric_limits<float>::quiet_NaN());
  return arith::SelectOp::create(b, loc, finite,
                                 arith::DivFOp::create(b, loc, amax, c127),
                                 nan);
}

gpu::GPUFuncOp StagedGemvBuilder::build(const PackedGemvConfig &config) {
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  auto workgroup = gpu::AddressSpaceAttr::get(
      b.getContext(), gpu::GPUDialect::getWorkgroupAddressSpace());
  const int64_t warps = PackedGemvConfig::kThreads / 32;
  int64_t xBytes = steps * 2048;
  auto xtType = MemRefType::get({xBytes}, i8, MemRefLayoutAttrInterface{},
                                workgroup);
  auto partialsType =
      MemRefType::get({warps}, i32, MemRefLayoutAttrInterface{}, workgroup);
  SmallVector<Type> buffers = {xtType, partialsType};
  if (config.quantizeInput)
    buffers.push_back(MemRefType::get({warps}, b.getF32Type(),
                                      MemRefLayoutAttrInterface{},
                                      workgroup));
  gpu::GPUFuncOp kernel = createKernel(b, loc, config, buffers);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&kernel.getBody().front());
  Value x = kernel.getArgument(0), w = kernel.getArgument(1);
  Value bias = kernel.getArgument(3), y = kernel.getArgument(4);
  Value xt = kernel.getWorkgroupAttributions()[0];
  Value partials = kernel.getWorkgroupAttributions()[1];

  Value c32 = index(32);
  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  lane = arith::RemUIOp::create(b, loc, tid, c32);
  Value warp = arith::DivUIOp::create(b, loc, tid, c32);
  Value row = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  Value N = memref::DimOp::create(b, loc, w, 0);
  rowWords = index(k / 16);
  // The packed words of the weights: w has the identity layout (offset 0).
  wordsBase = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, w);

  // Warp g of G computes columns g, g + G, ...: `columns` of them.
  Value warpId = math.add(
      math.mul(gpu::BlockIdOp::create(b, loc, gpu::Dimension::x),
               index(warps)),
      warp);
  Value allWarps =
      math.mul(gpu::GridDimOp::create(b, loc, gpu::Dimension::x),
               index(warps));
  Value columns = arith::SelectOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, warpId, N),
      arith::CeilDivUIOp::create(b, loc, arith::SubIOp::create(b, loc, N,
                                                               warpId),
                                 allWarps),
      index(0));
  auto columnAt = [&](Value i) {
    return math.add(warpId, math.mul(i, allWarps));
  };
  auto wordsType = VectorType::get({4}, i32);
  Value zeroWords = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(wordsType, int32_t(0)));
  SmallVector<Type> columnTypes(steps, wordsType);
  SmallVector<Value> noWords(steps, zeroWords);
  // The words of this warp's column `i`, zeros past its last.
  auto loadIth = [&](Value i) -> SmallVector<Value> {
    auto inColumns = scf::IfOp::create(
        b, loc, columnTypes,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, i, columns),
        /*withElseRegion=*/true);
    OpBuilder::InsertionGuard inner(b);
    b.setInsertionPointToStart(&inColumns.getThenRegion().front());
    scf::YieldOp::create(b, loc, loadColumn(columnAt(i)));
    b.setInsertionPointToStart(&inColumns.getElseRegion().front());
    scf::YieldOp::create(b, loc, noWords);
    return SmallVector<Value>(inColumns.getResults());
  };

  // The first column's loads before the staging of x.
  SmallVector<Value> firstWords = loadIth(index(0));
  Value step;
  if (config.quantizeInput)
    step = stageQuantizedX(x, row, xt, partials,
                           kernel.getWorkgroupAttributions()[2], warp);
  else
    stageX(x, row, xt, partials, warp);
  gpu::BarrierOp::create(b, loc);
  Value xSum = int32(0);
  for (int64_t i = 0; i < warps; ++i)
    xSum = arith::AddIOp::create(
        b, loc, xSum,
        memref::LoadOp::create(b, loc, partials, ValueRange{index(i)}));

  Value biases = memref::DimOp::create(b, loc, bias, 0);
  Value perBias = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt,
                                        biases, index(1));
  auto loop =
      scf::ForOp::create(b, loc, index(0), columns, index(1), firstWords);
  {
    OpBuilder::InsertionGuard inner(b);
    b.setInsertionPointToStart(loop.getBody());
    Value i = loop.getInductionVar();
    SmallVector<Value> current(loop.getRegionIterArgs());
    SmallVector<Value> next = loadIth(math.add(i, index(1)));
    auto bytes16 = VectorType::get({16}, i8);
    Value mask = int32(0x03030303);
    Value acc = int32(0);
    for (int64_t t = 0; t < steps; ++t) {
      for (int64_t q = 0; q < 4; ++q) {
        Value at = math.mul(math.add(index((t * 4 + q) * 32), lane),
                            index(16));
        Value xs = vector::LoadOp::create(b, loc, bytes16, xt,
                                          ValueRange{at},
                                          /*nontemporal=*/false,
                                          llvm::MaybeAlign(16));
        Value word = vector::ExtractOp::create(b, loc, current[t], q);
        for (int64_t p = 0; p < 4; ++p) {
          Value slice = vector::ShuffleOp::create(
              b, loc, xs, xs,
              ArrayRef<int64_t>{4 * p, 4 * p + 1, 4 * p + 2, 4 * p + 3});
          Value shifted =
              p ? Value(arith::ShRUIOp::create(b, loc, word, int32(2 * p)))
                : word;
          Value codes = arith::AndIOp::create(b, loc, shifted, mask);
          acc = dp4a(bytesOfWord(b, loc, codes), slice, acc);
        }
      }
    }
    // The sum over the warp, stored by lane 0.
    acc = warpSum(acc);
    {
      OpBuilder::InsertionGuard store(b);
      b.setInsertionPointToStart(&ifLaneZero().getThenRegion().front());
      Value column = columnAt(i);
      Value biasValue = memref::LoadOp::create(
          b, loc, bias,
          ValueRange{arith::SelectOp::create(b, loc, perBias, column,
                                             index(0))});
      // The sum of (c - 1) * x is that of c * x minus that of x.
      Value out = arith::SubIOp::create(b, loc, acc, xSum);
      if (config.quantizeInput) {
        Value scaleValue =
            loadPerColumn(b, loc, kernel.getArgument(2), column);
        out = dequantizeSum(b, loc, out, step, scaleValue, biasValue);
      } else {
        out = arith::AddIOp::create(b, loc, out, biasValue);
      }
      memref::StoreOp::create(b, loc, out, y, ValueRange{row, column});
    }
    scf::YieldOp::create(b, loc, next);
  }
  gpu::ReturnOp::create(b, loc);
  return kernel;
}

} // namespace

Value stageTransposedBytes(OpBuilder &b, Location loc, Value x, Value row,
                           Value k0, int64_t k, Value shared, Value slot,
                           Value sum) {
  KernelMath math{b, loc};
  auto bytes16 = VectorType::get({16}, b.getI8Type());
  auto inK = scf::IfOp::create(
      b, loc, TypeRange{bytes16},
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, k0,
                            math.index(k)),
      /*withElseRegion=*/true);
  {
    OpBuilder::InsertionGuard inner(b);
    b.setInsertionPointToStart(&inK.getThenRegion().front());
    Value chunk = vector::LoadOp::create(b, loc, bytes16, x,
                                         ValueRange{row, k0},
                                         /*nontemporal=*/false,
                                         llvm::MaybeAlign(16));
    scf::YieldOp::create(b, loc, chunk);
    b.setInsertionPointToStart(&inK.getElseRegion().front());
    scf::YieldOp::create(
        b, loc,
        Value(arith::ConstantOp::create(
            b, loc, DenseElementsAttr::get(bytes16, int8_t(0)))));
  }
  return storeTransposedBytes(b, loc, inK.getResult(0), shared, slot, sum);
}

Value storeTransposedBytes(OpBuilder &b, Location loc, Value bytes,
                           Value shared, Value slot, Value sum) {
  KernelMath math{b, loc};
  Value transposed =
      vector::ShuffleOp::create(b, loc, bytes, bytes, kTransposeBytes16);
  vector::StoreOp::create(b, loc, transposed, shared,
                          ValueRange{math.mul(slot, math.index(16))},
                          /*nontemporal=*/false, llvm::MaybeAlign(16));
  Value ones = bytesOfWord(b, loc, math.i32(0x01010101));
  for (int64_t p = 0; p < 4; ++p) {
    Value slice = vector::ShuffleOp::create(
        b, loc, transposed, transposed,
        ArrayRef<int64_t>{4 * p, 4 * p + 1, 4 * p + 2, 4 * p + 3});
    sum = dp4aCodesTimesX(b, loc, ones, slice, sum);
  }
  return sum;
}

Value warpAllReduce(OpBuilder &b, Location loc, Value value,
                    function_ref<Value(Value, Value)> combine) {
  for (int64_t offset = 16; offset >= 1; offset /= 2)
    value = combine(value,
                    gpu::ShuffleOp::create(
                        b, loc, value,
                        arith::ConstantIntOp::create(b, loc, offset, 32),
                        arith::ConstantIntOp::create(b, loc, 32, 32),
                        gpu::ShuffleMode::XOR)
                        .getShuffleResult());
  return value;
}

Value loadWeightWords(OpBuilder &b, Location loc, Value pointerBase,
                      Value wordIndex) {
  KernelMath math{b, loc};
  Value address = math.add(pointerBase, math.mul(wordIndex, math.index(4)));
  Value pointer = LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext(), /*addressSpace=*/1),
      arith::IndexCastOp::create(b, loc, b.getI64Type(), address).getResult());
  Type i32 = b.getI32Type();
  auto load = NVVM::InlinePtxOp::create(
      b, loc, TypeRange{i32, i32, i32, i32}, ValueRange{pointer},
      ValueRange{}, b.getStringAttr(kWeightLoadPtx), /*predicate=*/Value());
  Value words = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(VectorType::get({4}, i32), int32_t(0)));
  for (int64_t q = 0; q < 4; ++q)
    words = vector::InsertOp::create(b, loc, load.getResult(q), words, q);
  return words;
}

gpu::GPUFuncOp buildStagedGemvKernel(OpBuilder &builder, Location loc,
                                     const PackedGemvConfig &config) {
  return StagedGemvBuilder(builder, loc, config).build(config);
}

} // namespace tritondsl
