//===- FoldConstants.cpp - Compile-time quantization and packing ----------===//
//
// ternary-fold-constants: the ternary folders and canonicalization patterns
// applied greedily, plus the quantization of initialized float params into
// packed params (see Passes.td).
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Dialect/Ternary/Transforms/Passes.h"
#include "tritondsl/Support/PassCounters.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ternary {
#define GEN_PASS_DEF_TERNARYFOLDCONSTANTS
#include "tritondsl/Dialect/Ternary/Transforms/Passes.h.inc"
} // namespace mlir::ternary

using namespace mlir;
using namespace mlir::ternary;

namespace {

/// Counts the ternary ops that folding replaces or erases.
struct ErasedTernaryOpCounter : RewriterBase::Listener {
  int64_t count = 0;
  void notifyOperationErased(Operation *op) override {
    if (isa_and_nonnull<TernaryDialect>(op->getDialect()))
      ++count;
  }
};

/// Whether two quantize ops compute the same thing from the same input.
bool isSameQuantization(QuantizeOp a, QuantizeOp b) {
  return a.getMethod() == b.getMethod() &&
         a.getThresholdAttr() == b.getThresholdAttr() &&
         a.getSeedAttr() == b.getSeedAttr() &&
         a.getAxisAttr() == b.getAxisAttr() &&
         a.getResultTypes() == b.getResultTypes();
}

/// The packed type that the trits of `quantizes` are packed into when every
/// use is a ternary.pack to one type; the default layout otherwise.
PackedTensorType choosePackedType(ArrayRef<QuantizeOp> quantizes) {
  RankedTensorType tritsType =
      QuantizeOp(quantizes.front()).getTrits().getType();
  PackedTensorType chosen;
  for (QuantizeOp op : quantizes)
    for (Operation *user : QuantizeOp(op).getTrits().getUsers()) {
      auto pack = dyn_cast<PackOp>(user);
      if (!pack || (chosen && pack.getPacked().getType() != chosen))
        return PackedTensorType::get(tritsType.getContext(),
                                     tritsType.getShape());
      chosen = pack.getPacked().getType();
    }
  return chosen ? chosen
                : PackedTensorType::get(tritsType.getContext(),
                                        tritsType.getShape());
}

/// Replaces the float param `param` of `layer` by a packed param of the same
/// name and a scale param when every read of it is quantized the same way.
/// Returns true when it did.
bool foldParamQuantization(LayerOp layer, ParamOp param,
                           SymbolTable &symbolTable) {
  auto type = dyn_cast<RankedTensorType>(param.getType());
  if (!type || !isa<FloatType>(type.getElementType()) ||
      !type.hasStaticShape() || !param.getInitialValue())
    return false;
  SmallVector<GetParamOp> reads;
  layer.walk([&](GetParamOp read) {
    if (read.getName() == param.getSymName())
      reads.push_back(read);
  });
  SmallVector<QuantizeOp> quantizes;
  for (GetParamOp read : reads)
    for (Operation *user : read->getUsers()) {
      auto quantize = dyn_cast<QuantizeOp>(user);
      if (!quantize ||
          (!quantizes.empty() && !isSameQuantization(quantizes[0], quantize)))
        return false;
      quantizes.push_back(quantize);
    }
  if (quantizes.empty())
    return false;

  // Quantize once, with the op's own folder (the runtime quantizer).
  QuantizeOp first = quantizes.front();
  SmallVector<Attribute> operands = {*param.getInitialValue()};
  SmallVector<OpFoldResult> folded;
  if (failed(first.fold(QuantizeOp::FoldAdaptor(operands, first), folded)) ||
      folded.size() != 2)
    return false;
  auto trits = dyn_cast_or_null<DenseIntElementsAttr>(
      dyn_cast_if_present<Attribute>(folded[0]));
  auto scales = dyn_cast_or_null<ElementsAttr>(
      dyn_cast_if_present<Attribute>(folded[1]));
  if (!trits || !scales)
    return false;
  PackedTensorType packedType = choosePackedType(quantizes);
  SmallVector<int8_t> tritValues;
  for (const APInt &value : trits.getValues<APInt>())
    tritValues.push_back(static_cast<int8_t>(value.getSExtValue()));
  FailureOr<SmallVector<uint8_t>> bytes = packTrits(packedType, tritValues);
  if (failed(bytes))
    return false;

  // The param keeps its name (targets name weights after it); the scale
  // gets a new param next to it, renamed by the symbol table on a clash.
  OpBuilder builder(param);
  builder.setInsertionPointAfter(param);
  auto scaleParam = ParamOp::create(
      builder, param.getLoc(),
      StringRef((param.getSymName() + "_scale").str()), scales.getType(),
      scales);
  symbolTable.insert(scaleParam);
  param.setType(packedType);
  param.setInitialValueAttr(getPackedBytesAttr(packedType, *bytes));

  for (QuantizeOp quantize : quantizes) {
    builder.setInsertionPoint(quantize);
    Location loc = quantize.getLoc();
    Value packed =
        GetParamOp::create(builder, loc, packedType, param.getSymName());
    Value unpacked = UnpackOp::create(builder, loc,
                                      quantize.getTrits().getType(), packed);
    Value scale = GetParamOp::create(builder, loc, scales.getType(),
                                     scaleParam.getSymName());
    quantize.getTrits().replaceAllUsesWith(unpacked);
    quantize.getScale().replaceAllUsesWith(scale);
    quantize.erase();
  }
  for (GetParamOp read : reads)
    read.erase();
  return true;
}

struct TernaryFoldConstantsPass
    : ternary::impl::TernaryFoldConstantsBase<TernaryFoldConstantsPass>,
      tritondsl::CountingPass {
  tritondsl::PassCounter numFoldedOps{
      "folded-ops", "Ternary ops folded to constants or erased as dead"};
  tritondsl::PassCounter numQuantizedParams{
      "quantized-params", "Float params quantized and packed at compile time"};
  SmallVector<tritondsl::PassCounter *> getCounters() override {
    return {&numFoldedOps, &numQuantizedParams};
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (LayerOp layer : module.getOps<LayerOp>()) {
      SymbolTable symbolTable(layer);
      for (ParamOp param :
           llvm::make_early_inc_range(layer.getBodyBlock().getOps<ParamOp>()))
        if (foldParamQuantization(layer, param, symbolTable))
          ++numQuantizedParams;
    }

    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    auto *dialect = context->getLoadedDialect<TernaryDialect>();
    dialect->getCanonicalizationPatterns(patterns);
    for (RegisteredOperationName op : context->getRegisteredOperations())
      if (&op.getDialect() == dialect)
        op.getCanonicalizationPatterns(patterns, context);
    ErasedTernaryOpCounter counter;
    GreedyRewriteConfig config;
    config.setListener(&counter);
    if (failed(applyPatternsGreedily(module, std::move(patterns), config)))
      module.emitWarning("ternary-fold-constants did not converge");
    numFoldedOps += counter.count;
  }
};

} // namespace
