//===- TernaryToGPU.cpp - ternary.matmul to GPU kernels -------------------===//
//
// convert-ternary-to-gpu (Passes.td): eligible ternary.matmul ops launch the
// kernels of TernaryKernels.mlir on the buffers of their operands; the rest
// of the ternary dialect goes through the convert-ternary-to-linalg patterns.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Conversion/TernaryToGPU/Passes.h"

#include "PackedGemv.h"

#include "tritondsl/Conversion/TernaryToLinalg/TernaryToLinalg.h"
#include "tritondsl/Dialect/Ternary/IR/TernaryOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Transforms/DialectConversion.h"

#include <set>

namespace tritondsl {
#define GEN_PASS_DEF_CONVERTTERNARYTOGPU
#include "tritondsl/Conversion/TernaryToGPU/Passes.h.inc"
} // namespace tritondsl

using namespace mlir;
using namespace tritondsl;

namespace {
#include "ActivationKernels.inc"
#include "TernaryKernels.inc"

constexpr StringLiteral kKernelModule = "ternary_kernels";
constexpr StringLiteral kActivationModule = "ternary_activation_kernels";
constexpr StringLiteral kQuantizeKernel = "ternary_quantize_rows_i8";
constexpr StringLiteral kDequantizeKernel = "ternary_dequantize_rows";
/// Threads of a block of kQuantizeKernel (one block per row) and of
/// kDequantizeKernel (one column each).
constexpr int64_t kQuantizeThreads = 1024, kDequantizeThreads = 256;
constexpr StringLiteral kGemvKernel = "ternary_gemv_f32";
constexpr StringLiteral kGemmKernel = "ternary_gemm_f32";
/// Columns per block of the GEMV kernel (one warp each) and its threads.
constexpr int64_t kGemvColumns = 8, kGemvThreads = 256;
/// The tile of the GEMM kernel (columns x rows) and its block (32 x 8).
constexpr int64_t kGemmTile = 32, kGemmBlockX = 32, kGemmBlockY = 8;

/// The reduction length K of `op`, or kDynamic.
int64_t reductionSize(ternary::MatmulOp op) {
  return op.getWeight().getType().getShape()[0];
}

/// The rows of `op`'s input as a matrix (getMatmulRows), or kDynamic.
int64_t matmulRows(ternary::MatmulOp op) {
  return getMatmulRows(op.getInput().getType());
}

/// Whether `op` is an int8 matmul the dp4a kernel computes: an i8 input, an
/// exact i32 result (no scale), K a multiple of 64.
bool isInt8KernelMatmul(ternary::MatmulOp op) {
  int64_t k = reductionSize(op);
  return op.getWeight().getType().getLayout().isDefault() &&
         op.getInput().getType().getElementType().isInteger(8) &&
         op.getResult().getType().getElementType().isInteger(32) &&
         !op.getScale() && !ShapedType::isDynamic(k) &&
         PackedGemvConfig::selectInt8(k, true).has_value();
}

/// Whether the kernels compute `op`: offset2 weights along K (the default
/// layout) and an f32 input with an f32 result, or an int8 one
/// (isInt8KernelMatmul). The input's rows are a matrix whatever its rank
/// (collapseMatmulRows).
bool isKernelMatmul(ternary::MatmulOp op) {
  return (op.getWeight().getType().getLayout().isDefault() &&
          op.getInput().getType().getElementType().isF32() &&
          op.getResult().getType().getElementType().isF32()) ||
         isInt8KernelMatmul(op);
}

/// The pass options that choose between kernels (Passes.td).
struct KernelChoices {
  bool int8StagedX = true, f32FixedPoint = false, int8Mma = false,
       int8MmaCodes = false;
  /// activations=int8: f32 matmuls quantize their rows to int8.
  bool int8Activations = false;
};

/// Why the f32 matmul `op` cannot quantize its activations to int8 (the
/// int8 kernels cannot compute it), or "" when it can.
std::string whyNotQuantized(ternary::MatmulOp op) {
  int64_t k = reductionSize(op);
  if (!op.getWeight().getType().getLayout().isDefault())
    return "its weights are not packed offset2 along K";
  if (ShapedType::isDynamic(k))
    return "K is not static";
  if (!PackedGemvConfig::selectInt8(k, true))
    return "the int8 kernels need K a multiple of 64 (K = " +
           std::to_string(k) + ")";
  return "";
}

/// Whether `op` is an f32 matmul that activations=int8 quantizes: an f32
/// input and result, and an int8 kernel for its K.
bool quantizesActivations(ternary::MatmulOp op, KernelChoices choices) {
  return choices.int8Activations &&
         op.getInput().getType().getElementType().isF32() &&
         op.getResult().getType().getElementType().isF32() &&
         whyNotQuantized(op).empty();
}

/// Whether `op` runs on the int8 kernels: an int8 matmul, or an f32 one
/// whose activations are quantized.
bool runsInt8Kernels(ternary::MatmulOp op, KernelChoices choices) {
  return isInt8KernelMatmul(op) || quantizesActivations(op, choices);
}

/// The word-vector GEMV kernel for `op` at batches of one row
/// (`singleRow`) or more, or none (the byte kernel `ternary_gemv_f32`).
/// Int8 matmuls always have one; for one row, ternary_gemv_i8_sx_k<K>
/// where it applies unless `int8StagedX` is false or `int8Mma` asks for
/// ternary_gemv_i8_mma_k<K>, and for f32 one row ternary_gemv_f32_fx_k<K>
/// where it applies if `f32FixedPoint`; for more int8 rows
/// ternary_mma_i8_m16n32_u8 if `int8MmaCodes`.
std::optional<PackedGemvConfig> packedGemvFor(ternary::MatmulOp op,
                                              bool singleRow,
                                              KernelChoices choices = {}) {
  int64_t k = reductionSize(op);
  if (ShapedType::isDynamic(k))
    return std::nullopt;
  std::optional<PackedGemvConfig> config =
      runsInt8Kernels(op, choices) ? PackedGemvConfig::selectInt8(k, singleRow)
                                   : PackedGemvConfig::select(k, singleRow);
  if (config && config->int8 && !config->mma && choices.int8StagedX &&
      stagedXFits(k)) {
    config->stagedX = true;
    config->reductionSize = k;
    // An f32 row quantized to int8 as the kernel stages it.
    config->quantizeInput = quantizesActivations(op, choices);
  }
  if (config && config->int8 && !config->mma && singleRow &&
      choices.int8Mma && fixedPointFits(k)) {
    config->stagedX = false;
    config->quantizeInput = false;
    config->fixedPoint = true;
    config->reductionSize = k;
  }
  if (config && config->int8 && config->mma && choices.int8MmaCodes)
    config->unsignedCodes = true;
  // f32 rows quantized by ternary_quantize_rows_i8, dequantized by the
  // tensor-core kernel's epilogue.
  if (config && config->int8 && config->mma)
    config->dequantizeOutput = quantizesActivations(op, choices);
  if (config && !config->int8 && config->mma && singleRow &&
      choices.f32FixedPoint && fixedPointFits(k)) {
    config->mma = false;
    config->fixedPoint = true;
    config->reductionSize = k;
  }
  return config;
}

/// The kernels of ActivationKernels.mlir that the quantized matmul `op`
/// may launch: ternary_quantize_rows_i8 (a kernel that may run does not
/// quantize x itself) and ternary_dequantize_rows (nor dequantize).
std::pair<bool, bool> activationKernelsFor(ternary::MatmulOp op,
                                           KernelChoices choices) {
  bool quantizeRows = false, dequantizeRows = false;
  if (!quantizesActivations(op, choices))
    return {quantizeRows, dequantizeRows};
  int64_t batch = matmulRows(op);
  for (bool singleRow : {true, false}) {
    bool mayRun = ShapedType::isDynamic(batch) || (batch <= 1) == singleRow;
    std::optional<PackedGemvConfig> config =
        packedGemvFor(op, singleRow, choices);
    if (!mayRun || !config || config->quantizeInput)
      continue;
    quantizeRows = true;
    dequantizeRows |= !config->dequantizeOutput;
  }
  return {quantizeRows, dequantizeRows};
}

/// Whether a tensor-core kernel (PackedMma.cpp) computes `op` for batches
/// of more than one row: it then serves all of them (int8; f32 with
/// K % 16 == 0), whatever gemv-max-batch says.
bool usesTensorCores(ternary::MatmulOp op, KernelChoices choices) {
  std::optional<PackedGemvConfig> many =
      packedGemvFor(op, /*singleRow=*/false, choices);
  return many && many->mma;
}

/// Whether a batch of one row runs a one-row kernel (a GEMV, or the f32
/// tensor-core kernel of one row) rather than the kernel of larger batches.
bool hasOneRowKernel(ternary::MatmulOp op, int64_t gemvMaxBatch,
                     KernelChoices choices) {
  return packedGemvFor(op, /*singleRow=*/true, choices) &&
         (runsInt8Kernels(op, choices) || gemvMaxBatch >= 1);
}

/// The buffer of `tensor` as a fully dynamic identity-layout memref (the
/// kernels' argument types).
Value toDynamicBuffer(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  Value buffer = bufferization::ToBufferOp::create(
      b, loc, MemRefType::get(type.getShape(), type.getElementType()), tensor,
      /*read_only=*/true);
  return memref::CastOp::create(
      b, loc,
      MemRefType::get(SmallVector<int64_t>(type.getRank(), ShapedType::kDynamic),
                      type.getElementType()),
      buffer);
}

/// A 1-D tensor: `value` (rank 0 becomes 1 element) or, when absent, one
/// element `fill` of type `element` (f32 or i32). The kernels read element
/// 0 of a 1-element vector, element n of an N-element one.
Value toVector(OpBuilder &b, Location loc, Value value, float fill,
               Type element) {
  if (!value) {
    auto type = RankedTensorType::get({1}, element);
    Attribute attr = element.isF32()
                         ? Attribute(b.getF32FloatAttr(fill))
                         : Attribute(b.getIntegerAttr(element, (int64_t)fill));
    return arith::ConstantOp::create(b, loc,
                                     DenseElementsAttr::get(type, attr));
  }
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() == 0)
    return tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({1}, type.getElementType()), value,
        ArrayRef<ReassociationIndices>{});
  return value;
}

struct MatmulToKernel : OpConversionPattern<ternary::MatmulOp> {
  MatmulToKernel(const TypeConverter &converter, MLIRContext *context,
                 int64_t gemvMaxBatch, KernelChoices choices)
      : OpConversionPattern(converter, context, /*benefit=*/2),
        gemvMaxBatch(gemvMaxBatch), choices(choices) {}

  LogicalResult
  matchAndRewrite(ternary::MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isKernelMatmul(op))
      return rewriter.notifyMatchFailure(op, "not covered by the kernels");
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getResult().getType();
    Value input = adaptor.getInput();
    Value weight = adaptor.getWeight();
    Value scale =
        toVector(rewriter, loc, adaptor.getScale(), 1.0f, rewriter.getF32Type());
    Value bias = toVector(rewriter, loc, adaptor.getBias(), 0.0f,
                          resultType.getElementType());

    auto index = [&](int64_t value) -> Value {
      return arith::ConstantIndexOp::create(rewriter, loc, value);
    };
    // The kernels see the input and the (whole) result as matrices of rows.
    Value matrix = collapseMatmulRows(rewriter, loc, input);
    Value rows = tensor::DimOp::create(rewriter, loc, matrix, 0);
    Value columns = tensor::DimOp::create(rewriter, loc, weight, 0);
    Value result = memref::AllocOp::create(
        rewriter, loc,
        MemRefType::get(resultType.getShape(), resultType.getElementType()),
        getMatmulResultSizes(rewriter, loc, input, weight, resultType, rows));
    SmallVector<Value> arguments = {
        toDynamicBuffer(rewriter, loc, matrix),
        toDynamicBuffer(rewriter, loc, weight),
        toDynamicBuffer(rewriter, loc, scale),
        toDynamicBuffer(rewriter, loc, bias),
        memref::CastOp::create(
            rewriter, loc,
            MemRefType::get({ShapedType::kDynamic, ShapedType::kDynamic},
                            resultType.getElementType()),
            collapseMatmulRows(rewriter, loc, result))};

    Value one = index(1);
    auto kernelRef = [&](OpBuilder &b, StringRef name) {
      return SymbolRefAttr::get(b.getStringAttr(kKernelModule),
                                {FlatSymbolRefAttr::get(b.getContext(), name)});
    };
    // activations=int8: the one-row kernel ternary_gemv_a8_sx_k<K>
    // quantizes x itself (the f32 arguments); otherwise the rows of x are
    // quantized to int8 (q, and a step per row; ActivationKernels.mlir)
    // before the int8 kernel, which the tensor-core kernels dequantize in
    // their epilogue (ternary_mma_a8_m16n32) and the other GEMVs sum into
    // an i32 buffer that ternary_dequantize_rows dequantizes. The buffers
    // exist when a kernel that may run needs them.
    bool quantize = quantizesActivations(op, choices);
    int64_t batch = matmulRows(op);
    auto [needsRows, needsSums] = activationKernelsFor(op, choices);
    SmallVector<Value> f32Arguments = arguments;
    Value quantized, sums, steps;
    if (needsRows) {
      int64_t staticColumns = resultType.getShape().back();
      SmallVector<Value> rowSizes, sumSizes;
      if (ShapedType::isDynamic(batch))
        rowSizes.push_back(rows);
      sumSizes = rowSizes;
      if (ShapedType::isDynamic(staticColumns))
        sumSizes.push_back(columns);
      auto dynamicBuffer = [&](ArrayRef<int64_t> shape, Type element,
                               ValueRange sizes) -> Value {
        Value buffer = memref::AllocOp::create(
            rewriter, loc, MemRefType::get(shape, element), sizes);
        return memref::CastOp::create(
            rewriter, loc,
            MemRefType::get(SmallVector<int64_t>(shape.size(),
                                                 ShapedType::kDynamic),
                            element),
            buffer);
      };
      quantized = dynamicBuffer({batch, reductionSize(op)},
                                rewriter.getI8Type(), rowSizes);
      steps = dynamicBuffer({batch}, rewriter.getF32Type(), rowSizes);
      if (needsSums)
        sums = dynamicBuffer({batch, staticColumns}, rewriter.getI32Type(),
                             sumSizes);
    }
    // The arguments of the int8 kernel of a quantized matmul.
    auto quantizedArguments = [&](OpBuilder &b, Location l,
                                  const PackedGemvConfig &config) {
      if (config.dequantizeOutput)
        return SmallVector<Value>{quantized, f32Arguments[1], f32Arguments[2],
                                  f32Arguments[3], f32Arguments[4], steps};
      Value noBias = toVector(b, l, Value(), 0.0f, b.getI32Type());
      return SmallVector<Value>{quantized, f32Arguments[1], f32Arguments[2],
                                toDynamicBuffer(b, l, noBias), sums};
    };
    // The GEMV for batches of one row (`singleRow`) or more.
    auto launchGemv = [&](OpBuilder &b, Location l, bool singleRow) {
      if (std::optional<PackedGemvConfig> packed =
              packedGemvFor(op, singleRow, choices)) {
        Value gridX = arith::CeilDivUIOp::create(
            b, l, columns, index(packed->blockColumns()));
        if (packed->stagedX || packed->fixedPoint) {
          // A persistent grid: at most kPersistentBlocksPerSM per SM of
          // the device (the runner answers the call).
          Value sms = func::CallOp::create(
                          b, l, kMultiprocessorCountFunction,
                          TypeRange{b.getIndexType()}, ValueRange{})
                          .getResult(0);
          gridX = arith::MinUIOp::create(
              b, l, gridX,
              arith::MulIOp::create(b, l, sms,
                                    index(kPersistentBlocksPerSM)));
        }
        Value gridY =
            arith::CeilDivUIOp::create(b, l, rows, index(packed->rows));
        bool separate = quantize && !packed->quantizeInput;
        SmallVector<Value> operands =
            separate ? quantizedArguments(b, l, *packed) : arguments;
        if (std::optional<int32_t> bits = packed->decodeBits())
          operands.push_back(arith::ConstantIntOp::create(b, l, *bits, 32));
        if (separate)
          gpu::LaunchFuncOp::create(
              b, l, kernelRef(b, kQuantizeKernel),
              gpu::KernelDim3{rows, one, one},
              gpu::KernelDim3{index(kQuantizeThreads), one, one},
              /*dynamicSharedMemorySize=*/Value(),
              ValueRange{f32Arguments[0], quantized, steps});
        gpu::LaunchFuncOp::create(
            b, l, kernelRef(b, packed->kernelName()),
            gpu::KernelDim3{gridX, gridY, one},
            gpu::KernelDim3{index(PackedGemvConfig::kThreads), one, one},
            /*dynamicSharedMemorySize=*/Value(), operands);
        if (separate && !packed->dequantizeOutput)
          gpu::LaunchFuncOp::create(
              b, l, kernelRef(b, kDequantizeKernel),
              gpu::KernelDim3{arith::CeilDivUIOp::create(
                                  b, l, columns, index(kDequantizeThreads)),
                              rows, one},
              gpu::KernelDim3{index(kDequantizeThreads), one, one},
              /*dynamicSharedMemorySize=*/Value(),
              ValueRange{sums, steps, f32Arguments[2], f32Arguments[3],
                         f32Arguments[4]});
        return;
      }
      Value gridX = arith::CeilDivUIOp::create(b, l, columns,
                                               index(kGemvColumns));
      gpu::LaunchFuncOp::create(
          b, l, kernelRef(b, kGemvKernel), gpu::KernelDim3{gridX, rows, one},
          gpu::KernelDim3{index(kGemvThreads), one, one},
          /*dynamicSharedMemorySize=*/Value(), arguments);
    };
    auto launchGemm = [&](OpBuilder &b, Location l) {
      Value tile = index(kGemmTile);
      Value gridX = arith::CeilDivUIOp::create(b, l, columns, tile);
      Value gridY = arith::CeilDivUIOp::create(b, l, rows, tile);
      gpu::LaunchFuncOp::create(
          b, l, kernelRef(b, kGemmKernel),
          gpu::KernelDim3{gridX, gridY, one},
          gpu::KernelDim3{index(kGemmBlockX), index(kGemmBlockY), one},
          /*dynamicSharedMemorySize=*/Value(), arguments);
    };
    // Launches `then` when `rows <= limit`, else `otherwise`.
    auto choose = [&](OpBuilder &b, Location l, int64_t limit,
                      function_ref<void(OpBuilder &, Location)> then,
                      function_ref<void(OpBuilder &, Location)> otherwise) {
      Value small = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ule,
                                          rows, index(limit));
      scf::IfOp::create(
          b, l, small,
          [&](OpBuilder &nested, Location at) {
            then(nested, at);
            scf::YieldOp::create(nested, at);
          },
          [&](OpBuilder &nested, Location at) {
            otherwise(nested, at);
            scf::YieldOp::create(nested, at);
          });
    };
    auto gemvOne = [&](OpBuilder &b, Location l) { launchGemv(b, l, true); };
    auto gemvMany = [&](OpBuilder &b, Location l) {
      launchGemv(b, l, false);
    };
    // One row has its own kernel when the word kernels apply (the byte
    // kernel serves every batch up to gemv-max-batch).
    bool splitOne =
        packedGemvFor(op, /*singleRow=*/true, choices).has_value() &&
        gemvMaxBatch > 1;
    if (usesTensorCores(op, choices)) {
      // The one-row kernel, and the tensor-core kernel for every larger
      // batch.
      bool oneRow = hasOneRowKernel(op, gemvMaxBatch, choices);
      if (!ShapedType::isDynamic(batch))
        launchGemv(rewriter, loc, /*singleRow=*/oneRow && batch <= 1);
      else if (oneRow)
        choose(rewriter, loc, 1, gemvOne, gemvMany);
      else
        launchGemv(rewriter, loc, /*singleRow=*/false);
    } else if (!ShapedType::isDynamic(batch)) {
      if (batch <= 1 && gemvMaxBatch >= 1)
        launchGemv(rewriter, loc, /*singleRow=*/true);
      else if (batch <= gemvMaxBatch)
        launchGemv(rewriter, loc, /*singleRow=*/false);
      else
        launchGemm(rewriter, loc);
    } else if (splitOne) {
      // The batch is known at run time only: every kernel, one launched.
      choose(rewriter, loc, 1, gemvOne, [&](OpBuilder &b, Location l) {
        choose(b, l, gemvMaxBatch, gemvMany, launchGemm);
      });
    } else {
      choose(rewriter, loc, gemvMaxBatch, gemvMany, launchGemm);
    }
    rewriter.replaceOp(op, bufferization::ToTensorOp::create(
                               rewriter, loc, resultType, result,
                               /*restrict=*/true, /*writable=*/true));
    return success();
  }

  int64_t gemvMaxBatch;
  KernelChoices choices;
};

struct ConvertTernaryToGPUPass
    : tritondsl::impl::ConvertTernaryToGPUBase<ConvertTernaryToGPUPass> {
  using Base::Base;

  /// Parses the kernels into `module` (once), with those of
  /// ActivationKernels.mlir named in `activationKernels`, and builds the
  /// word-vector GEMV kernels of `packed` into their gpu.module.
  LogicalResult insertKernels(ModuleOp module,
                              ArrayRef<PackedGemvConfig> packed,
                              ArrayRef<StringRef> activationKernels) {
    if (Operation *existing = module.lookupSymbol(kKernelModule))
      return existing->emitError("'@")
             << kKernelModule
             << "' is reserved for the kernels of convert-ternary-to-gpu";
    Block block;
    ParserConfig config(&getContext());
    if (failed(parseSourceString(kTernaryKernels, &block, config,
                                 "TernaryKernels.mlir")))
      return module.emitError("the embedded GPU kernels do not parse");
    for (Operation &op : llvm::make_early_inc_range(block))
      op.moveBefore(module.getBody(), module.getBody()->end());
    auto kernels = module.lookupSymbol<gpu::GPUModuleOp>(kKernelModule);
    if (!activationKernels.empty()) {
      Block activations;
      if (failed(parseSourceString(kActivationKernels, &activations, config,
                                   "ActivationKernels.mlir")))
        return module.emitError("the embedded GPU kernels do not parse");
      auto parsed = cast<gpu::GPUModuleOp>(activations.front());
      assert(parsed.getName() == kActivationModule);
      for (StringRef name : activationKernels)
        parsed.lookupSymbol(name)->moveBefore(kernels.getBody(),
                                             kernels.getBody()->end());
    }
    OpBuilder b = OpBuilder::atBlockEnd(kernels.getBody());
    std::set<std::string> built;
    for (const PackedGemvConfig &config : packed)
      if (built.insert(config.kernelName()).second)
        buildPackedGemvKernel(b, kernels.getLoc(), config);
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    UnitAttr::get(&getContext()));
    // The persistent kernels' grids ask for the device's SM count.
    if (llvm::any_of(packed, [](const PackedGemvConfig &config) {
          return config.stagedX || config.fixedPoint;
        })) {
      if (Operation *existing =
              module.lookupSymbol(kMultiprocessorCountFunction))
        return existing->emitError("'@")
               << kMultiprocessorCountFunction
               << "' is reserved for the runner's SM count";
      OpBuilder top = OpBuilder::atBlockEnd(module.getBody());
      auto declaration = func::FuncOp::create(
          top, module.getLoc(), kMultiprocessorCountFunction,
          top.getFunctionType({}, {top.getIndexType()}));
      declaration.setPrivate();
    }
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    if (gemvMaxBatch < 0) {
      module.emitError("gemv-max-batch must not be negative");
      return signalPassFailure();
    }
    if (activations != "f32" && activations != "int8") {
      module.emitError("unknown activations '")
          << activations << "': f32 or int8";
      return signalPassFailure();
    }
    KernelChoices choices{int8StagedX, f32FixedPoint, int8Mma, int8MmaCodes,
                          activations == "int8"};
    // The kernels of ActivationKernels.mlir some quantized matmul may
    // launch.
    bool anyKernel = false, quantizeRows = false, dequantizeRows = false;
    bool unflattened = false;
    SmallVector<PackedGemvConfig> packed;
    module->walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isa<ternary::LayerOp, ternary::GetParamOp, ternary::CallOp>(op)) {
        op->emitError("'") << op->getName()
                           << "' must be flattened before lowering: run "
                              "-ternary-flatten-layers";
        unflattened = true;
        return WalkResult::skip();
      }
      auto matmul = dyn_cast<ternary::MatmulOp>(op);
      if (!matmul)
        return WalkResult::advance();
      if (quantizesActivations(matmul, choices)) {
        auto [quantize, dequantize] = activationKernelsFor(matmul, choices);
        quantizeRows |= quantize;
        dequantizeRows |= dequantize;
      } else if (choices.int8Activations &&
               matmul.getInput().getType().getElementType().isF32())
        matmul.emitWarning("this matmul keeps f32 activations: ")
            << whyNotQuantized(matmul);
      if (!isKernelMatmul(matmul))
        return WalkResult::advance();
      anyKernel = true;
      // The GEMV kernels the matmul may launch (as MatmulToKernel chooses).
      int64_t batch = matmulRows(matmul);
      bool dynamicBatch = ShapedType::isDynamic(batch);
      if (usesTensorCores(matmul, choices)) {
        bool oneRow = hasOneRowKernel(matmul, gemvMaxBatch, choices);
        if (oneRow && (dynamicBatch || batch <= 1))
          packed.push_back(
              *packedGemvFor(matmul, /*singleRow=*/true, choices));
        if (!oneRow || dynamicBatch || batch > 1)
          packed.push_back(
              *packedGemvFor(matmul, /*singleRow=*/false, choices));
        return WalkResult::advance();
      }
      if ((dynamicBatch || batch <= 1) && gemvMaxBatch >= 1)
        if (auto config =
                packedGemvFor(matmul, /*singleRow=*/true, choices))
          packed.push_back(*config);
      if ((dynamicBatch || batch > 1) && gemvMaxBatch > 1 &&
          (dynamicBatch || batch <= gemvMaxBatch))
        if (auto config =
                packedGemvFor(matmul, /*singleRow=*/false, choices))
          packed.push_back(*config);
      return WalkResult::advance();
    });
    if (unflattened)
      return signalPassFailure();
    SmallVector<StringRef> activationKernels;
    if (quantizeRows)
      activationKernels.push_back(kQuantizeKernel);
    if (dequantizeRows)
      activationKernels.push_back(kDequantizeKernel);
    if (anyKernel &&
        failed(insertKernels(module, packed, activationKernels)))
      return signalPassFailure();

    TernaryToLinalgTypeConverter typeConverter;
    ConversionTarget target(*context);
    target.addIllegalDialect<ternary::TernaryDialect>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp func) {
      return typeConverter.isSignatureLegal(func.getFunctionType()) &&
             typeConverter.isLegal(&func.getBody());
    });
    target.markUnknownOpDynamicallyLegal(
        [&](Operation *op) { return typeConverter.isLegal(op); });

    RewritePatternSet patterns(context);
    patterns.add<MatmulToKernel>(typeConverter, context, gemvMaxBatch,
                                 choices);
    populateTernaryToLinalgConversionPatterns(typeConverter, patterns,
                                              /*useMicrokernels=*/false);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(
        patterns, typeConverter);
    populateCallOpTypeConversionPattern(patterns, typeConverter);
    populateReturnOpTypeConversionPattern(patterns, typeConverter);
    scf::populateSCFStructuralTypeConversionsAndLegality(typeConverter,
                                                         patterns, target);
    if (failed(applyFullConversion(module, target, std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
