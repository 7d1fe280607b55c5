//===- PackedGemv.cpp - the word-vector GEMV kernels ----------------------===//
//
// The GEMV kernels of convert-ternary-to-gpu for weights whose rows are
// whole 32-bit words (K a multiple of 16), built op by op so that every
// unrolled step is explicit (no reliance on LLVM's unroller to keep the
// accumulators in registers).
//
// A block has 8 warps; a warp computes `columns` output columns for `rows`
// rows of x (grid = (ceildiv(N, 8 * columns), ceildiv(M, rows))). The lanes
// split K: in each step a lane loads `words` consecutive 32-bit words (16
// trits each; words = 4 is one 128-bit load) of every column of the warp,
// and the x values of those 16 * words k's of every row once (128-bit
// loads), used for all the columns. A trit is decoded from its 2-bit offset2
// code c (runtime/include/ternary_packing.h), masked where it lies (bits
// 2p, 2p + 1): the f32 whose bits are 0x4B000000 | c << 2p is 2^23 + c * 4^p
// exactly (p <= 10), and one fma, times 4^-p minus 2^(23 - 2p) + 1, leaves
// the trit t = c - 1, also exactly; t * x is exact, so the fused multiply-add
// that accumulates it rounds exactly as the addition, subtraction or
// nothing that the trit stands for (on the GPU an FFMA costs an FADD). The
// warp then sums each accumulator with a gpu.shuffle xor butterfly and lane
// 0 applies the scale and bias.
//
//===----------------------------------------------------------------------===//
#include "PackedGemv.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>

using namespace mlir;

namespace tritondsl {

std::string PackedGemvConfig::kernelName() const {
  if (stagedX)
    return (quantizeInput ? "ternary_gemv_a8_sx_k" : "ternary_gemv_i8_sx_k") +
           std::to_string(reductionSize);
  if (fixedPoint)
    return (int8 ? "ternary_gemv_i8_mma_k" : "ternary_gemv_f32_fx_k") +
           std::to_string(reductionSize);
  if (mma && int8)
    return std::string(dequantizeOutput ? "ternary_mma_a8_m16n32"
                                        : "ternary_mma_i8_m16n32") +
           (unsignedCodes ? "_u8" : "");
  if (mma)
    return rows == 1    ? "ternary_mma_f32_m1n64"
           : words == 4 ? "ternary_mma_f32_m16n64"
                        : "ternary_mma_f32_m16n64_w1";
  return ("ternary_gemv_" + Twine(int8 ? "i8" : "f32") + "_r" + Twine(rows) +
          "c" + Twine(columns) + "w" + Twine(words))
      .str();
}

/// Loads, for every column j of the warp, this lane's `words` packed words
/// of step `s` (one vector load: 128-bit for 4 words) and calls
/// `body(j, q, word)` for each word q.
static void forEachPackedWord(
    OpBuilder &b, Location loc, const PackedGemvConfig &config,
    Value packedWords, ArrayRef<Value> columnStart, Value s,
    function_ref<void(int64_t j, int64_t q, Value word)> body) {
  auto vecWords = VectorType::get({config.words}, b.getI32Type());
  for (int64_t j = 0; j < config.columns; ++j) {
    Value packed = vector::LoadOp::create(
        b, loc, vecWords, packedWords,
        ValueRange{arith::AddIOp::create(b, loc, columnStart[j], s)},
        /*nontemporal=*/false, llvm::MaybeAlign(4 * config.words));
    for (int64_t q = 0; q < config.words; ++q)
      body(j, q, vector::ExtractOp::create(b, loc, packed, q));
  }
}

/// `word >> shift` (the word itself for 0).
static Value shiftRight(OpBuilder &b, Location loc, Value word,
                        int64_t shift) {
  if (!shift)
    return word;
  return arith::ShRUIOp::create(
      b, loc, word, arith::ConstantIntOp::create(b, loc, shift, 32));
}

/// The body of one step of the int8 kernel (words = 4: 64 k's per lane):
/// the x bytes of each row are loaded 16 at a time and transposed
/// (vector.shuffle, prmt on the GPU) so that word s holds x[4j + s],
/// j = 0..3; a packed word
/// w gives (w >> 2s) & 0x03030303, whose byte j is the code of trit 4j + s;
/// dp4a (nvvm.dot.accumulate.4way, unsigned codes times signed x) adds
/// their products to the column's i32 accumulator, and dp4a with 1s adds
/// the x bytes to the row's sum.
static void buildInt8Step(OpBuilder &b, Location loc,
                          const PackedGemvConfig &config, Value x,
                          Value packedWords, ArrayRef<Value> columnStart,
                          ArrayRef<Value> rowIndex, scf::ForOp loop) {
  Type i8 = b.getI8Type();
  const int64_t rows = config.rows, columns = config.columns;
  Value s = loop.getInductionVar();
  SmallVector<Value> acc(loop.getRegionIterArgs().begin(),
                         loop.getRegionIterArgs().end());
  auto index = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(b, loc, value);
  };
  auto i32Constant = [&](int64_t value) -> Value {
    return arith::ConstantIntOp::create(b, loc, value, 32);
  };
  auto bytes4 = VectorType::get({4}, i8);
  Value k0 = arith::MulIOp::create(b, loc, s, index(16));
  // xt[r][4q + s']: x[m_r, k0 + 16q + 4j + s'] for j = 0..3.
  SmallVector<SmallVector<Value>> xt(rows);
  Value ones = vector::BroadcastOp::create(
      b, loc, bytes4, arith::ConstantIntOp::create(b, loc, 1, 8));
  for (int64_t r = 0; r < rows; ++r) {
    Value &sum = acc[rows * columns + r];
    for (int64_t q = 0; q < config.words; ++q) {
      Value chunk = vector::LoadOp::create(
          b, loc, VectorType::get({16}, i8), x,
          ValueRange{rowIndex[r],
                     arith::AddIOp::create(b, loc, k0, index(16 * q))},
          /*nontemporal=*/false, llvm::MaybeAlign(16));
      for (int64_t part = 0; part < 4; ++part) {
        Value slice = vector::ShuffleOp::create(
            b, loc, chunk, chunk,
            ArrayRef<int64_t>(kTransposeBytes16 + 4 * part, 4));
        xt[r].push_back(slice);
        sum = dp4aCodesTimesX(b, loc, ones, slice, sum);
      }
    }
  }
  Value mask = i32Constant(0x03030303);
  forEachPackedWord(
      b, loc, config, packedWords, columnStart, s,
      [&](int64_t j, int64_t q, Value word) {
        for (int64_t part = 0; part < 4; ++part) {
          Value codes = bytesOfWord(
              b, loc,
              arith::AndIOp::create(b, loc, shiftRight(b, loc, word, 2 * part),
                                    mask));
          for (int64_t r = 0; r < rows; ++r) {
            Value &sum = acc[r * columns + j];
            sum = dp4aCodesTimesX(b, loc, codes, xt[r][4 * q + part], sum);
          }
        }
      });
  scf::YieldOp::create(b, loc, acc);
}

Value dp4aCodesTimesX(OpBuilder &b, Location loc, Value codes, Value xs,
                      Value sum) {
  MLIRContext *context = b.getContext();
  return NVVM::DotAccumulate4WayOp::create(
      b, loc, b.getI32Type(), codes,
      NVVM::DotAccumulateTypeAttr::get(context,
                                       NVVM::DotAccumulateType::UNSIGNED),
      xs,
      NVVM::DotAccumulateTypeAttr::get(context,
                                       NVVM::DotAccumulateType::SIGNED),
      sum);
}

Value loadPerColumn(OpBuilder &b, Location loc, Value vector, Value n) {
  KernelMath math{b, loc};
  Value many = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ugt,
      memref::DimOp::create(b, loc, vector, 0), math.index(1));
  return memref::LoadOp::create(
      b, loc, vector,
      ValueRange{arith::SelectOp::create(b, loc, many, n, math.index(0))});
}

Value dequantizeSum(OpBuilder &b, Location loc, Value sum, Value step,
                    Value scale, Value bias) {
  Value stepped = arith::MulFOp::create(
      b, loc, arith::SIToFPOp::create(b, loc, b.getF32Type(), sum), step);
  return arith::AddFOp::create(
      b, loc, arith::MulFOp::create(b, loc, stepped, scale), bias);
}

Value bytesOfWord(OpBuilder &b, Location loc, Value word) {
  return vector::BitCastOp::create(
      b, loc, VectorType::get({4}, b.getI8Type()),
      vector::BroadcastOp::create(b, loc, VectorType::get({1}, b.getI32Type()),
                                  word));
}

gpu::GPUFuncOp createKernel(OpBuilder &builder, Location loc,
                            const PackedGemvConfig &config,
                            TypeRange workgroup) {
  Type f32 = builder.getF32Type(), i8 = builder.getI8Type();
  Type i32 = builder.getI32Type();
  int64_t dynamic = ShapedType::kDynamic;
  auto matrix = [&](Type element) {
    return MemRefType::get({dynamic, dynamic}, element);
  };
  auto vectorOf = [&](Type element) {
    return MemRefType::get({dynamic}, element);
  };
  bool int8 = config.int8 && !config.quantizeInput;
  Type element = int8 ? i8 : f32;
  Type result = int8 && !config.dequantizeOutput ? i32 : f32;
  SmallVector<Type> arguments = {matrix(element), matrix(i8), vectorOf(f32),
                                 vectorOf(result), matrix(result)};
  if (config.dequantizeOutput)
    arguments.push_back(vectorOf(f32)); // the steps of the rows
  if (config.decodeBits())
    arguments.push_back(i32);
  FunctionType type = builder.getFunctionType(arguments, {});
  auto kernel = gpu::GPUFuncOp::create(builder, loc, config.kernelName(), type,
                                       workgroup);
  kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                  builder.getUnitAttr());
  kernel.setKnownBlockSizeAttr(
      builder.getDenseI32ArrayAttr({PackedGemvConfig::kThreads, 1, 1}));
  // The kernels' 128-bit shared loads and stores need 16-byte aligned
  // buffers; the element type alone gives 1 (i8) or 4 (i32, f32).
  for (unsigned i = 0; i < workgroup.size(); ++i)
    kernel.setWorkgroupAttributionAttr(
        i, LLVM::LLVMDialect::getAlignAttrName(),
        builder.getI64IntegerAttr(16));
  return kernel;
}

/// The int8 kernels with their K loop unrolled by 2 (upstream
/// loopUnrollByFactor, a remainder loop for an odd step): ptxas then issues
/// the loads of two steps before their arithmetic, which these
/// memory-latency-bound loops need (on an H200, 8192x28672: 21.3 -> 19.3
/// us at one row, 40.9 -> 37.7 us at 16; bench/RESULTS.md). The f32
/// kernels, whose steps are longer, measured slower unrolled (more
/// registers, fewer blocks per SM) and are left as they are.
static gpu::GPUFuncOp unrollInt8StepLoops(gpu::GPUFuncOp kernel,
                                          const PackedGemvConfig &config) {
  if (!config.int8)
    return kernel;
  SmallVector<scf::ForOp> loops;
  kernel.walk([&](scf::ForOp loop) { loops.push_back(loop); });
  for (scf::ForOp loop : loops)
    (void)loopUnrollByFactor(loop, 2);
  return kernel;
}

gpu::GPUFuncOp buildPackedGemvKernel(OpBuilder &builder, Location loc,
                                     const PackedGemvConfig &config) {
  if (config.stagedX)
    return buildStagedGemvKernel(builder, loc, config);
  if (config.fixedPoint)
    return buildFixedPointGemvKernel(builder, loc, config);
  if (config.mma)
    return unrollInt8StepLoops(buildPackedMmaKernel(builder, loc, config),
                               config);
  Type f32 = builder.getF32Type();
  Type i32 = builder.getI32Type();
  int64_t dynamic = ShapedType::kDynamic;
  gpu::GPUFuncOp kernel = createKernel(builder, loc, config);

  OpBuilder b = OpBuilder::atBlockBegin(&kernel.getBody().front());
  Value x = kernel.getArgument(0), w = kernel.getArgument(1);
  Value scale = kernel.getArgument(2), bias = kernel.getArgument(3);
  Value y = kernel.getArgument(4);
  KernelMath math{b, loc};
  const int64_t rows = config.rows, columns = config.columns;
  const int64_t words = config.words, warps = PackedGemvConfig::kThreads / 32;

  Value c0 = math.index(0), c1 = math.index(1), c32 = math.index(32);
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value lane = arith::RemUIOp::create(b, loc, tid, c32);
  Value warp = arith::DivUIOp::create(b, loc, tid, c32);
  Value blockX = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value blockY = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  Value M = memref::DimOp::create(b, loc, x, 0);
  Value N = memref::DimOp::create(b, loc, w, 0);
  Value rowBytes = memref::DimOp::create(b, loc, w, 1);
  Value colBase = math.add(math.mul(blockX, math.index(warps * columns)),
                           math.mul(warp, math.index(columns)));
  Value rowBase = math.mul(blockY, math.index(rows));
  // Loads use clamped indices (a column or row past the end reads the last
  // one); only the stores are guarded.
  Value lastColumn = arith::SubIOp::create(b, loc, N, c1);
  Value lastRow = arith::SubIOp::create(b, loc, M, c1);
  SmallVector<Value> columnIndex, rowIndex;
  for (int64_t j = 0; j < columns; ++j)
    columnIndex.push_back(
        math.minIndex(math.add(colBase, math.index(j)), lastColumn));
  for (int64_t r = 0; r < rows; ++r)
    rowIndex.push_back(
        math.minIndex(math.add(rowBase, math.index(r)), lastRow));

  // The packed bytes as 32-bit words: [N * rowWords].
  Value flat = memref::CollapseShapeOp::create(
      b, loc, w, ArrayRef<ReassociationIndices>{{0, 1}});
  Value rowWords = arith::DivUIOp::create(b, loc, rowBytes, math.index(4));
  Value allWords = math.mul(N, rowWords);
  Value packedWords = memref::ViewOp::create(
      b, loc, MemRefType::get({dynamic}, i32), flat, c0,
      ValueRange{allWords});
  SmallVector<Value> columnStart;
  for (Value n : columnIndex)
    columnStart.push_back(math.mul(n, rowWords));

  // step s: this lane's words [s, s + words) of each column.
  Value firstWord = math.mul(lane, math.index(words));
  Value stride = math.index(32 * words);
  Value zero = config.int8 ? Value(math.i32(0))
                           : Value(arith::ConstantFloatOp::create(
                                 b, loc, cast<FloatType>(f32), APFloat(0.0f)));
  // int8: one more accumulator per row, the sum of its x values.
  SmallVector<Value> inits(rows * columns + (config.int8 ? rows : 0), zero);
  auto loop = scf::ForOp::create(b, loc, firstWord, rowWords, stride, inits);
  if (config.int8) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    buildInt8Step(b, loc, config, x, packedWords, columnStart, rowIndex,
                  loop);
  } else {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value s = loop.getInductionVar();
    SmallVector<Value> acc(loop.getRegionIterArgs().begin(),
                           loop.getRegionIterArgs().end());
    Value k0 = math.mul(s, math.index(16));
    // x[m_r, k0 + e] for the 16 * words k's, 4 at a time.
    auto vec4f = VectorType::get({4}, f32);
    SmallVector<SmallVector<Value>> xs(rows);
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t v = 0; v < 4 * words; ++v) {
        Value chunk = vector::LoadOp::create(
            b, loc, vec4f, x,
            ValueRange{rowIndex[r], math.add(k0, math.index(4 * v))},
            /*nontemporal=*/false, llvm::MaybeAlign(16));
        for (int64_t e = 0; e < 4; ++e)
          xs[r].push_back(vector::ExtractOp::create(b, loc, chunk, e));
      }
    }
    // Trit i of a word (bits 2i, 2i + 1) as the f32 c - 1, masked in
    // place: for p <= 10, (w & 3 << 2p) | `bits` (the f32 2^23, the
    // kernel's last argument) is 2^23 + c * 4^p exactly (below 2^24), and
    // one fma, times 4^-p minus 2^(23 - 2p) + 1, leaves c - 1 exactly: a
    // LOP3 and an FFMA, no shift. Trits 11..15 are trits p = i - 11 of
    // w >> 22.
    Value bits = kernel.getArgument(kernel.getNumArguments() - 1);
    SmallVector<Value> masks, scales, offsets;
    for (int64_t p = 0; p <= 10; ++p) {
      masks.push_back(math.i32(int64_t(3) << (2 * p)));
      scales.push_back(arith::ConstantFloatOp::create(
          b, loc, cast<FloatType>(f32), APFloat(std::ldexp(1.0f, -2 * p))));
      offsets.push_back(arith::ConstantFloatOp::create(
          b, loc, cast<FloatType>(f32),
          APFloat(-(std::ldexp(1.0f, 23 - 2 * p) + 1.0f))));
    }
    forEachPackedWord(
        b, loc, config, packedWords, columnStart, s,
        [&](int64_t j, int64_t q, Value word) {
          Value high = shiftRight(b, loc, word, 22);
          for (int64_t i = 0; i < 16; ++i) {
            int64_t p = i <= 10 ? i : i - 11;
            Value code =
                arith::AndIOp::create(b, loc, i <= 10 ? word : high, masks[p]);
            Value biased = arith::BitcastOp::create(
                b, loc, f32, arith::OrIOp::create(b, loc, code, bits));
            Value trit = math::FmaOp::create(b, loc, biased, scales[p],
                                             offsets[p]);
            for (int64_t r = 0; r < rows; ++r) {
              Value &sum = acc[r * columns + j];
              sum = math::FmaOp::create(b, loc, trit, xs[r][16 * q + i], sum);
            }
          }
        });
    scf::YieldOp::create(b, loc, acc);
  }

  // Sum each accumulator over the warp; lane 0 stores. int8: the sum of
  // (c - 1) * x is that of c * x minus that of x.
  SmallVector<Value> partials(loop.getResults().begin(),
                              loop.getResults().begin() + rows * columns);
  if (config.int8)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < columns; ++j)
        partials[r * columns + j] = arith::SubIOp::create(
            b, loc, partials[r * columns + j],
            loop.getResult(rows * columns + r));
  SmallVector<Value> totals;
  Value width = math.i32(32);
  for (Value partial : partials) {
    Value sum = partial;
    for (int64_t offset = 16; offset >= 1; offset /= 2) {
      auto shuffle = gpu::ShuffleOp::create(b, loc, sum, math.i32(offset),
                                            width, gpu::ShuffleMode::XOR);
      sum = config.int8 ? Value(arith::AddIOp::create(
                              b, loc, sum, shuffle.getShuffleResult()))
                        : Value(arith::AddFOp::create(
                              b, loc, sum, shuffle.getShuffleResult()));
    }
    totals.push_back(sum);
  }
  Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane,
                                      c0);
  auto ifFirst = scf::IfOp::create(b, loc, first, /*withElseRegion=*/false);
  b.setInsertionPointToStart(&ifFirst.getThenRegion().front());
  Value scales = memref::DimOp::create(b, loc, scale, 0);
  Value biases = memref::DimOp::create(b, loc, bias, 0);
  Value perScale =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, scales, c1);
  Value perBias =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, biases, c1);
  for (int64_t j = 0; j < columns; ++j) {
    Value n = math.add(colBase, math.index(j));
    Value scaleValue =
        config.int8 ? Value()
                    : Value(memref::LoadOp::create(
                          b, loc, scale,
                          ValueRange{arith::SelectOp::create(
                              b, loc, perScale, columnIndex[j], c0)}));
    Value biasValue = memref::LoadOp::create(
        b, loc, bias,
        ValueRange{arith::SelectOp::create(b, loc, perBias, columnIndex[j],
                                           c0)});
    Value inColumns =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, n, N);
    for (int64_t r = 0; r < rows; ++r) {
      Value m = math.add(rowBase, math.index(r));
      Value inRows =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, m, M);
      Value inside = arith::AndIOp::create(b, loc, inColumns, inRows);
      auto ifInside = scf::IfOp::create(b, loc, inside, false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(&ifInside.getThenRegion().front());
      // int8: exact, no scale (an i32 result has none).
      Value out =
          config.int8
              ? Value(arith::AddIOp::create(b, loc, totals[r * columns + j],
                                            biasValue))
              : Value(arith::AddFOp::create(
                    b, loc,
                    arith::MulFOp::create(b, loc, totals[r * columns + j],
                                          scaleValue),
                    biasValue));
      memref::StoreOp::create(b, loc, out, y, ValueRange{m, n});
    }
  }
  b.setInsertionPointAfter(ifFirst);
  gpu::ReturnOp::create(b, loc);
  return unrollInt8StepLoops(kernel, config);
}

} // namespace tritondsl
