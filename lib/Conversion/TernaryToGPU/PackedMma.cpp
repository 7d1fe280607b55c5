//===- PackedMma.cpp - the int8 tensor-core kernel ------------------------===//
//
// ternary_mma_i8_m16n32: Tensor<i8> @ TernaryTensor (exact i32) for batches
// of more than one row, on the tensor cores (nvvm.mma.sync m16n8k16 with s8
// operands, i32 accumulators), built op by op as the GEMVs of
// PackedGemv.cpp are.
//
// A block of 8 warps computes a tile of 16 rows x 32 columns
// (grid = (ceildiv(N, 32), ceildiv(M, 16))); its warps split K, each warp
// computing the whole tile for its share (four 16x8 accumulators per lane),
// and sum through shared memory at the end. In a step of a warp, lane
// (g, t) = (lane / 4, lane % 4) reads 64 consecutive trits of K (one
// 128-bit load of 16 packed bytes, chunk c + t of the row) of each of its
// four columns g, g + 8, g + 16, g + 24, and the same 64 x values of rows g
// and g + 8 (128-bit loads).
//
// The order in which an mma sums over K does not matter, only that A and B
// agree: a packed word w (16 trits) gives (w >> 2s) & 0x03030303, whose byte
// i is the offset2 code of trit 4i + s of the word (ternary_packing.h), so
// its B register (K slots 4t..4t+3 of column g) holds trits 4i + s and the
// A registers hold x at the same k's: x bytes s, s + 4, s + 8, s + 12 of
// the word's 16 (a byte transpose, prmt on the GPU). A code c becomes the
// s8 trit c - 1 in each byte at once: ((c | 0x80) - 1) ^ 0x80 has no borrow
// between bytes. Products of s8 x values and trits summed in i32 are exact
// (for K < 2^24).
//
// Every lane of a warp runs the same steps (mma.sync is collective): a
// chunk past the row end has zero trits, and loads use clamped indices; only
// the stores are guarded.
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

using namespace mlir;

namespace tritondsl {

namespace {
/// Warps per block, rows and columns of the block's tile, 16x8 accumulator
/// tiles per warp, trits per lane and step.
constexpr int64_t kWarps = 8, kTileRows = 16, kTileColumns = 32;
constexpr int64_t kColumnTiles = kTileColumns / 8, kChunkTrits = 64;
static_assert(kWarps * 32 == PackedGemvConfig::kThreads,
              "the block is the kernels' 256 threads");
} // namespace

gpu::GPUFuncOp buildPackedMmaKernel(OpBuilder &builder, Location loc,
                                    const PackedGemvConfig &config) {
  assert(config.rows == kTileRows && config.blockColumns() == kTileColumns &&
         "the launch grid must match the tile");
  MLIRContext *context = builder.getContext();
  Type i8 = builder.getI8Type(), i32 = builder.getI32Type();
  int64_t dynamic = ShapedType::kDynamic;
  // The partial sums of every warp: [warp][value][lane].
  auto workgroup = gpu::AddressSpaceAttr::get(
      context, gpu::GPUDialect::getWorkgroupAddressSpace());
  auto partialType = MemRefType::get({kWarps * kColumnTiles * 4 * 32}, i32,
                                     MemRefLayoutAttrInterface{}, workgroup);
  gpu::GPUFuncOp kernel =
      createKernel(builder, loc, config, TypeRange{partialType});

  OpBuilder b = OpBuilder::atBlockBegin(&kernel.getBody().front());
  Value x = kernel.getArgument(0), w = kernel.getArgument(1);
  Value bias = kernel.getArgument(3), y = kernel.getArgument(4);
  Value partial = kernel.getWorkgroupAttributions()[0];
  KernelMath math{b, loc};

  Value c0 = math.index(0), c1 = math.index(1), c32 = math.index(32);
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value lane = arith::RemUIOp::create(b, loc, tid, c32);
  Value warp = arith::DivUIOp::create(b, loc, tid, c32);
  Value group = arith::DivUIOp::create(b, loc, lane, math.index(4));
  Value inGroup = arith::RemUIOp::create(b, loc, lane, math.index(4));
  Value blockX = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value blockY = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  Value M = memref::DimOp::create(b, loc, x, 0);
  Value N = memref::DimOp::create(b, loc, w, 0);
  Value rowBytes = memref::DimOp::create(b, loc, w, 1);
  Value colBase = math.mul(blockX, math.index(kTileColumns));
  Value rowBase = math.mul(blockY, math.index(kTileRows));
  Value lastColumn = arith::SubIOp::create(b, loc, N, c1);
  Value lastRow = arith::SubIOp::create(b, loc, M, c1);
  // Rows g and g + 8 of the tile; columns g + 8j.
  SmallVector<Value> rowIndex = {
      math.minIndex(math.add(rowBase, group), lastRow),
      math.minIndex(math.add(math.add(rowBase, group), math.index(8)),
                    lastRow)};
  SmallVector<Value> columnIndex;
  for (int64_t j = 0; j < kColumnTiles; ++j)
    columnIndex.push_back(
        math.minIndex(math.add(math.add(colBase, group), math.index(8 * j)),
                      lastColumn));

  // The packed bytes as 32-bit words: [N * rowWords].
  Value flat = memref::CollapseShapeOp::create(
      b, loc, w, ArrayRef<ReassociationIndices>{{0, 1}});
  Value rowWords = arith::DivUIOp::create(b, loc, rowBytes, math.index(4));
  Value packedWords = memref::ViewOp::create(
      b, loc, MemRefType::get({dynamic}, i32), flat, c0,
      ValueRange{math.mul(N, rowWords)});
  Value chunks = arith::DivUIOp::create(b, loc, rowBytes, math.index(16));
  Value lastChunk = arith::SubIOp::create(b, loc, chunks, c1);

  auto structType =
      LLVM::LLVMStructType::getLiteral(context, {i32, i32, i32, i32});
  Value zero = math.i32(0);
  SmallVector<Value> inits(kColumnTiles * 4, zero);
  // Warp-uniform steps: warp v takes chunks 4v + 32s .. +4 (one per t).
  auto loop = scf::ForOp::create(b, loc, math.mul(warp, math.index(4)), chunks,
                                 math.index(4 * kWarps), inits);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    SmallVector<Value> acc(loop.getRegionIterArgs().begin(),
                           loop.getRegionIterArgs().end());
    Value chunk = math.add(loop.getInductionVar(), inGroup);
    Value inRow = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                        chunk, chunks);
    Value clamped = math.minIndex(chunk, lastChunk);
    Value k0 = math.mul(clamped, math.index(kChunkTrits));
    // a[r][4q + s]: x bytes 4i + s (i = 0..3) of word q of row r's chunk.
    const int64_t transpose[16] = {0, 4, 8,  12, 1, 5, 9,  13,
                                   2, 6, 10, 14, 3, 7, 11, 15};
    SmallVector<SmallVector<Value>> a(2);
    for (int64_t r = 0; r < 2; ++r)
      for (int64_t q = 0; q < 4; ++q) {
        Value bytes = vector::LoadOp::create(
            b, loc, VectorType::get({16}, i8), x,
            ValueRange{rowIndex[r], math.add(k0, math.index(16 * q))},
            /*nontemporal=*/false, llvm::MaybeAlign(16));
        for (int64_t s = 0; s < 4; ++s) {
          Value slice = vector::ShuffleOp::create(
              b, loc, bytes, bytes, ArrayRef<int64_t>(transpose + 4 * s, 4));
          a[r].push_back(vector::ExtractOp::create(
              b, loc,
              vector::BitCastOp::create(b, loc, VectorType::get({1}, i32),
                                        slice),
              0));
        }
      }
    Value mask = math.i32(0x03030303), high = math.i32(0x80808080);
    Value ones = math.i32(0x01010101);
    Value wordStart = math.mul(clamped, math.index(4));
    for (int64_t j = 0; j < kColumnTiles; ++j) {
      Value words = vector::LoadOp::create(
          b, loc, VectorType::get({4}, i32), packedWords,
          ValueRange{math.add(math.mul(columnIndex[j], rowWords), wordStart)},
          /*nontemporal=*/false, llvm::MaybeAlign(16));
      for (int64_t q = 0; q < 4; ++q) {
        Value word = vector::ExtractOp::create(b, loc, words, q);
        // Past the row: zero trits.
        word = arith::SelectOp::create(b, loc, inRow, word,
                                       math.i32(0x55555555));
        for (int64_t s = 0; s < 4; ++s) {
          Value shifted =
              s ? Value(arith::ShRUIOp::create(b, loc, word,
                                               math.i32(2 * s)))
                : word;
          Value codes = arith::OrIOp::create(
              b, loc, arith::AndIOp::create(b, loc, shifted, mask), high);
          Value trits = arith::XOrIOp::create(
              b, loc, arith::SubIOp::create(b, loc, codes, ones), high);
          auto mma = NVVM::MmaOp::create(
              b, loc, structType, ValueRange{a[0][4 * q + s], a[1][4 * q + s]},
              ValueRange{trits},
              ValueRange(ArrayRef<Value>(acc).slice(4 * j, 4)),
              ArrayRef<int64_t>{16, 8, 16}, std::nullopt,
              NVVM::MMAIntOverflow::wrapped,
              std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::s8,
                                            NVVM::MMATypes::s8},
              std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                             NVVM::MMALayout::col});
          for (int64_t e = 0; e < 4; ++e)
            acc[4 * j + e] = LLVM::ExtractValueOp::create(b, loc, mma, e);
        }
      }
    }
    scf::YieldOp::create(b, loc, acc);
  }

  // Every warp's sums to shared memory; warp 0 adds them and stores.
  auto slot = [&](Value warpIndex, int64_t value) -> Value {
    Value row = math.add(math.mul(warpIndex, math.index(kColumnTiles * 4)),
                         math.index(value));
    return math.add(math.mul(row, c32), lane);
  };
  for (int64_t v = 0; v < kColumnTiles * 4; ++v)
    memref::StoreOp::create(b, loc, loop.getResult(v), partial,
                            ValueRange{slot(warp, v)});
  gpu::BarrierOp::create(b, loc);
  Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, warp,
                                      c0);
  auto ifFirst = scf::IfOp::create(b, loc, first, /*withElseRegion=*/false);
  b.setInsertionPointToStart(&ifFirst.getThenRegion().front());
  Value biases = memref::DimOp::create(b, loc, bias, 0);
  Value perBias =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, biases, c1);
  for (int64_t j = 0; j < kColumnTiles; ++j) {
    for (int64_t e = 0; e < 4; ++e) {
      int64_t v = 4 * j + e;
      Value sum = loop.getResult(v);
      for (int64_t other = 1; other < kWarps; ++other)
        sum = math.add(sum, memref::LoadOp::create(
                                b, loc, partial,
                                ValueRange{slot(math.index(other), v)}));
      // Accumulator e of a 16x8 tile: row g (e < 2) or g + 8, column
      // 2t + (e & 1).
      Value m = math.add(math.add(rowBase, group), math.index(e < 2 ? 0 : 8));
      Value n = math.add(math.add(colBase, math.index(8 * j + (e & 1))),
                    math.mul(inGroup, math.index(2)));
      Value inside = arith::AndIOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, m, M),
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, n, N));
      auto ifInside = scf::IfOp::create(b, loc, inside, false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(&ifInside.getThenRegion().front());
      Value biasValue = memref::LoadOp::create(
          b, loc, bias,
          ValueRange{arith::SelectOp::create(b, loc, perBias, n, c0)});
      memref::StoreOp::create(b, loc, math.add(sum, biasValue), y,
                              ValueRange{m, n});
    }
  }
  b.setInsertionPointAfter(ifFirst);
  gpu::ReturnOp::create(b, loc);
  return kernel;
}

} // namespace tritondsl
