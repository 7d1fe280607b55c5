//===- TernaryToACALSim.cpp - ternary.matmul as ACALSim kernel calls ------===//
//
// convert-ternary-to-acalsim: convert-ternary-to-linalg's conversion with a
// first pattern that turns eligible matmuls into calls of the kernels of
// runtime/acalsim/acalsim.h on buffers. The callee declarations carry the C
// name and argument list; convert-acalsim-to-emitc prints them as
// emitc.call_opaque.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Conversion/TernaryToEmitC/Passes.h"
#include "tritondsl/Conversion/TernaryToLinalg/TernaryToLinalg.h"
#include "tritondsl/Dialect/Ternary/IR/TernaryDialect.h"
#include "tritondsl/Dialect/Ternary/IR/TernaryOps.h"
#include "tritondsl/Support/PassCounters.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Transforms/DialectConversion.h"

namespace tritondsl {
#define GEN_PASS_DEF_CONVERTTERNARYTOACALSIM
#include "tritondsl/Conversion/TernaryToEmitC/Passes.h.inc"
} // namespace tritondsl

using namespace mlir;
using namespace tritondsl;

namespace {

/// The buffer of a static tensor.
Value toBuffer(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  return bufferization::ToBufferOp::create(
      b, loc, MemRefType::get(type.getShape(), type.getElementType()), tensor,
      /*read_only=*/true);
}

/// Declares a private function `acalsim_kernel_<i>` of `arguments` that
/// stands for the C call `cName(cArgs...)`.
func::FuncOp declareKernel(OpBuilder &b, ModuleOp module, StringRef cName,
                           ArrayRef<Attribute> cArgs, TypeRange arguments) {
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  unsigned index = 0;
  std::string name;
  do
    name = ("acalsim_kernel_" + Twine(index++)).str();
  while (module.lookupSymbol(name));
  auto func = func::FuncOp::create(b, module.getLoc(), name,
                                   b.getFunctionType(arguments, {}));
  func.setPrivate();
  func->setAttr("acalsim.c_name", b.getStringAttr(cName));
  func->setAttr("acalsim.c_args", b.getArrayAttr(cArgs));
  return func;
}

struct ACALSimMatmulLowering : OpConversionPattern<ternary::MatmulOp> {
  ACALSimMatmulLowering(const TypeConverter &converter, MLIRContext *context,
                        bool device, PassCounter &kernelCalls)
      : OpConversionPattern(converter, context, /*benefit=*/2),
        device(device), kernelCalls(kernelCalls) {}

  LogicalResult
  matchAndRewrite(ternary::MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ternary::PackedTensorType weightType = op.getWeight().getType();
    RankedTensorType inputType = op.getInput().getType();
    RankedTensorType resultType = op.getResult().getType();
    auto why = [&](const Twine &reason) {
      op.emitWarning("this matmul runs on the core in float (not on the "
                     "ACALSim device): ")
          << reason;
      return failure();
    };
    if (weightType.getEncoding() != ternary::Encoding::offset2 ||
        weightType.getPackedAxis() != 0)
      return why("its weights are not packed offset2 along K");
    if (inputType.getRank() != 2 || !inputType.hasStaticShape())
      return why("its input is not a 2-D tensor of static shape");
    if (!weightType.hasStaticShape() || !resultType.hasStaticShape())
      return why("its weights have no static shape");
    Type inputElement = inputType.getElementType();
    Type resultElement = resultType.getElementType();
    int64_t m = inputType.getDimSize(0), k = inputType.getDimSize(1),
            n = resultType.getDimSize(1);

    // Operands of the call, and the C argument list: an IntegerAttr is the
    // call operand of that number, a StringAttr literal text.
    SmallVector<Value> operands;
    SmallVector<Attribute> cArgs;
    auto operand = [&](Value value) {
      cArgs.push_back(rewriter.getIndexAttr(operands.size()));
      operands.push_back(value);
    };
    auto literal = [&](const Twine &text) {
      cArgs.push_back(rewriter.getStringAttr(text));
    };
    operand(toBuffer(rewriter, loc, adaptor.getInput()));
    operand(toBuffer(rewriter, loc, adaptor.getWeight()));

    StringRef cName;
    bool hasScaleArgument = resultElement.isF32();
    if (inputElement.isF32())
      cName = "acalsim_ternary_matmul_f32";
    else if (resultElement.isF32())
      cName = "acalsim_ternary_matmul_i8_f32";
    else
      cName = "acalsim_ternary_matmul_i8_i32";
    if (hasScaleArgument) {
      if (Value scale = adaptor.getScale()) {
        auto scaleType = cast<RankedTensorType>(scale.getType());
        if (scaleType.getRank() == 0) {
          // A per-tensor scale: a one-element buffer.
          Value value = tensor::ExtractOp::create(rewriter, loc, scale);
          scale = tensor::FromElementsOp::create(
              rewriter, loc, RankedTensorType::get({1}, rewriter.getF32Type()),
              value);
        }
        operand(toBuffer(rewriter, loc, scale));
        literal(Twine(cast<RankedTensorType>(scale.getType()).getDimSize(0)));
      } else {
        literal("0");
        literal("0");
      }
    } else if (adaptor.getScale()) {
      return why("an i8 matmul with an i32 result has no scale");
    }
    if (Value bias = adaptor.getBias())
      operand(toBuffer(rewriter, loc, bias));
    else
      literal("0");
    auto resultBufferType = MemRefType::get(resultType.getShape(),
                                            resultElement);
    Value result = memref::AllocOp::create(rewriter, loc, resultBufferType);
    operand(result);
    literal(Twine(m));
    literal(Twine(k));
    literal(Twine(n));
    literal(device ? "ACALSIM_OFFLOAD_DEVICE" : "ACALSIM_OFFLOAD_HOST");

    func::FuncOp callee =
        declareKernel(rewriter, op->getParentOfType<ModuleOp>(), cName, cArgs,
                      ValueRange(operands).getTypes());
    func::CallOp::create(rewriter, loc, callee, operands);
    rewriter.replaceOp(op, bufferization::ToTensorOp::create(
                               rewriter, loc, resultType, result,
                               /*restrict=*/true, /*writable=*/true));
    ++kernelCalls;
    return success();
  }

  bool device;
  PassCounter &kernelCalls;
};

struct ConvertTernaryToACALSimPass
    : tritondsl::impl::ConvertTernaryToACALSimBase<
          ConvertTernaryToACALSimPass>,
      CountingPass {
  using Base::Base;
  PassCounter numKernelCalls{"kernel-calls",
                             "Matmuls lowered to an ACALSim kernel call"};
  SmallVector<PassCounter *> getCounters() override {
    return {&numKernelCalls};
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    if (offload != "device" && offload != "host") {
      module.emitError("convert-ternary-to-acalsim: offload must be device "
                       "or host, got '")
          << offload << "'";
      return signalPassFailure();
    }
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
    patterns.add<ACALSimMatmulLowering>(typeConverter, context,
                                        offload == "device", numKernelCalls);
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
