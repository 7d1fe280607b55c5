//===- ACALSimToEmitC.cpp - A bufferized module to EmitC for ACALSim ------===//
//
// convert-acalsim-to-emitc: static buffers for allocations, entry points
// that return the run's status, then one dialect conversion made of the
// upstream arith/func/memref/scf/math-to-EmitC patterns plus the few this
// target needs (kernel calls, the libm calls upstream has no pattern for).
// The result is printed by mlir::emitc::translateToCpp.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Conversion/TernaryToEmitC/Passes.h"

#include "mlir/Conversion/ArithToEmitC/ArithToEmitC.h"
#include "mlir/Conversion/FuncToEmitC/FuncToEmitC.h"
#include "mlir/Conversion/MathToEmitC/MathToEmitC.h"
#include "mlir/Conversion/MemRefToEmitC/MemRefToEmitC.h"
#include "mlir/Conversion/SCFToEmitC/SCFToEmitC.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/EmitC/Transforms/TypeConversions.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/DialectConversion.h"

namespace tritondsl {
#define GEN_PASS_DEF_CONVERTACALSIMTOEMITC
#include "tritondsl/Conversion/TernaryToEmitC/Passes.h.inc"
} // namespace tritondsl

using namespace mlir;
using namespace tritondsl;

namespace {

/// `&array[0]...[0]`: what a C function taking a pointer gets.
Value getFirstElementPointer(OpBuilder &b, Location loc, Value array) {
  auto type = cast<emitc::ArrayType>(array.getType());
  Value zero = emitc::ConstantOp::create(b, loc, b.getIndexType(),
                                         b.getIndexAttr(0));
  SmallVector<Value> indices(type.getRank(), zero);
  auto element = emitc::SubscriptOp::create(
      b, loc, cast<TypedValue<emitc::ArrayType>>(array), indices);
  return emitc::ApplyOp::create(
      b, loc, emitc::PointerType::get(type.getElementType()),
      b.getStringAttr("&"), element);
}

/// A call of a declaration made by convert-ternary-to-acalsim (or by this
/// pass for the entry points): emitc.call_opaque of its C name.
struct KernelCallLowering : OpConversionPattern<func::CallOp> {
  KernelCallLowering(const TypeConverter &converter, MLIRContext *context)
      : OpConversionPattern(converter, context, /*benefit=*/2) {}

  LogicalResult
  matchAndRewrite(func::CallOp call, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
        call, call.getCalleeAttr());
    if (!callee || !callee->hasAttr("acalsim.c_name"))
      return failure();
    auto cName = callee->getAttrOfType<StringAttr>("acalsim.c_name");
    auto cArgs = callee->getAttrOfType<ArrayAttr>("acalsim.c_args");
    SmallVector<Value> operands;
    for (Value operand : adaptor.getOperands())
      operands.push_back(isa<emitc::ArrayType>(operand.getType())
                             ? getFirstElementPointer(rewriter, call.getLoc(),
                                                      operand)
                             : operand);
    SmallVector<Attribute> args;
    for (Attribute arg : cArgs) {
      if (auto text = dyn_cast<StringAttr>(arg))
        args.push_back(emitc::OpaqueAttr::get(getContext(), text.getValue()));
      else
        args.push_back(arg);
    }
    SmallVector<Type> results;
    if (failed(typeConverter->convertTypes(call.getResultTypes(), results)))
      return failure();
    rewriter.replaceOpWithNewOp<emitc::CallOpaqueOp>(
        call, results, cName, rewriter.getArrayAttr(args),
        /*template_args=*/ArrayAttr(), operands);
    return success();
  }
};

/// The declarations themselves disappear: acalsim.h declares the functions.
struct KernelDeclarationErasure : OpConversionPattern<func::FuncOp> {
  KernelDeclarationErasure(const TypeConverter &converter,
                           MLIRContext *context)
      : OpConversionPattern(converter, context, /*benefit=*/2) {}
  LogicalResult
  matchAndRewrite(func::FuncOp func, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!func->hasAttr("acalsim.c_name"))
      return failure();
    rewriter.eraseOp(func);
    return success();
  }
};

/// An f32 op as a call of a C function of its operands (`tanhf(x)`).
template <typename OpTy>
struct LibmCallLowering : OpConversionPattern<OpTy> {
  LibmCallLowering(const TypeConverter &converter, MLIRContext *context,
                   StringRef function)
      : OpConversionPattern<OpTy>(converter, context, /*benefit=*/0),
        function(function.str()) {}
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type type = op->getResult(0).getType();
    if (!type.isF32() && !type.isF64())
      return rewriter.notifyMatchFailure(op, "not a scalar float");
    std::string name = function;
    if (type.isF64())
      name.pop_back(); // tanhf -> tanh
    rewriter.replaceOpWithNewOp<emitc::CallOpaqueOp>(
        op, TypeRange{type}, name, adaptor.getOperands());
    return success();
  }
  std::string function;
};

/// arith.maximumf / minimumf, which return NaN when an operand is NaN, as
/// `isunordered(a, b) ? a + b : fmaxf(a, b)` (fminf): C's fmaxf returns the
/// other operand, as arith.maxnumf / minnumf do. The arith ops built here
/// are lowered by the same conversion.
template <typename OpTy, typename NumberOpTy>
struct NaNPropagatingMinMaxLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<FloatType>(op.getType()))
      return rewriter.notifyMatchFailure(op, "not a scalar float");
    Location loc = op.getLoc();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    Value unordered = arith::CmpFOp::create(
        rewriter, loc, arith::CmpFPredicate::UNO, lhs, rhs);
    Value nan = arith::AddFOp::create(rewriter, loc, lhs, rhs);
    Value number = NumberOpTy::create(rewriter, loc, lhs, rhs);
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, unordered, nan, number);
    return success();
  }
};

/// rsqrt(x) = 1 / sqrtf(x).
struct RsqrtLowering : OpConversionPattern<math::RsqrtOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(math::RsqrtOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!type.isF32())
      return rewriter.notifyMatchFailure(op, "not f32");
    Location loc = op.getLoc();
    Value root = emitc::CallOpaqueOp::create(rewriter, loc, TypeRange{type},
                                             "sqrtf", adaptor.getOperand())
                     .getResult(0);
    Value one = emitc::ConstantOp::create(rewriter, loc, type,
                                          rewriter.getF32FloatAttr(1.0f));
    rewriter.replaceOpWithNewOp<emitc::DivOp>(op, type, one, root);
    return success();
  }
};

/// `*pointer` as an lvalue: pointer[0].
Value dereference(OpBuilder &b, Location loc,
                  TypedValue<emitc::PointerType> pointer) {
  Value zero = emitc::ConstantOp::create(b, loc, b.getIndexType(),
                                         b.getIndexAttr(0));
  return emitc::SubscriptOp::create(b, loc, pointer, zero);
}

/// Loads and stores of a 0-D global: upstream turns the global into a scalar
/// and its get_global into the scalar's address, but has no pattern for the
/// access.
struct RankZeroLoadLowering : OpConversionPattern<memref::LoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(memref::LoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto pointer =
        dyn_cast<TypedValue<emitc::PointerType>>(adaptor.getMemref());
    if (op.getMemRefType().getRank() != 0 || !pointer)
      return failure();
    Type type = getTypeConverter()->convertType(op.getType());
    if (!type)
      return failure();
    auto lvalue = cast<TypedValue<emitc::LValueType>>(
        dereference(rewriter, op.getLoc(), pointer));
    rewriter.replaceOpWithNewOp<emitc::LoadOp>(op, type, lvalue);
    return success();
  }
};

struct RankZeroStoreLowering : OpConversionPattern<memref::StoreOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(memref::StoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto pointer =
        dyn_cast<TypedValue<emitc::PointerType>>(adaptor.getMemref());
    if (op.getMemRefType().getRank() != 0 || !pointer)
      return failure();
    emitc::AssignOp::create(rewriter, op.getLoc(),
                            dereference(rewriter, op.getLoc(), pointer),
                            adaptor.getValue());
    rewriter.eraseOp(op);
    return success();
  }
};

/// Unsigned division and remainder of `index` values (the decode of packed
/// weights unpacked at run time): size_t is unsigned, so C's / and % are the
/// unsigned operations. Upstream covers the signed ones only.
template <typename OpTy, typename EmitCOpTy>
struct IndexUnsignedLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op.getType().isIndex())
      return failure();
    Type type = this->getTypeConverter()->convertType(op.getType());
    if (!type || !emitc::isSupportedIntegerType(type) &&
                     !isa<emitc::SizeTType>(type))
      return failure();
    rewriter.replaceOpWithNewOp<EmitCOpTy>(op, type, adaptor.getLhs(),
                                           adaptor.getRhs());
    return success();
  }
};

struct ConvertACALSimToEmitCPass
    : tritondsl::impl::ConvertACALSimToEmitCBase<ConvertACALSimToEmitCPass> {
  using Base::Base;

  /// Static allocations become private uninitialized globals.
  LogicalResult allocationsToGlobals(ModuleOp module, SymbolTable &symbols) {
    bool ok = true;
    SmallVector<memref::AllocOp> allocs;
    module.walk([&](memref::AllocOp alloc) { allocs.push_back(alloc); });
    unsigned counter = 0;
    for (memref::AllocOp alloc : allocs) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() || !type.getLayout().isIdentity()) {
        alloc.emitError("the ACALSim target needs static buffers; this "
                        "allocation is of ")
            << type;
        ok = false;
        continue;
      }
      OpBuilder b(module.getBody(), module.getBody()->begin());
      std::string name;
      do
        name = ("acalsim_buffer_" + Twine(counter++)).str();
      while (symbols.lookup(name));
      // Upstream's memref.global lowering reads the initial value of a
      // rank-0 global (a scalar C variable) as an elements attribute: a
      // zero, not "uninitialized", which only arrays may be.
      Attribute initial = b.getUnitAttr();
      if (type.getRank() == 0)
        initial = DenseElementsAttr::get(
            RankedTensorType::get({}, type.getElementType()),
            b.getZeroAttr(type.getElementType()));
      auto global = memref::GlobalOp::create(
          b, alloc.getLoc(), name, b.getStringAttr("private"), type, initial,
          /*constant=*/false, /*alignment=*/IntegerAttr());
      symbols.insert(global);
      OpBuilder ab(alloc);
      alloc.replaceAllUsesWith(
          memref::GetGlobalOp::create(ab, alloc.getLoc(), type, name)
              .getResult());
      alloc.erase();
    }
    module.walk([](memref::DeallocOp dealloc) { dealloc.erase(); });
    module.walk([](memref::GlobalOp global) { global.setAlignmentAttr({}); });
    return success(ok);
  }

  func::FuncOp declare(OpBuilder &b, ModuleOp module, SymbolTable &symbols,
                       StringRef cName, TypeRange results) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    auto func = func::FuncOp::create(b, module.getLoc(),
                                     ("acalsim_decl_" + cName).str(),
                                     b.getFunctionType({}, results));
    func.setPrivate();
    func->setAttr("acalsim.c_name", b.getStringAttr(cName));
    func->setAttr("acalsim.c_args", b.getArrayAttr({}));
    symbols.insert(func);
    return func;
  }

  /// @F -> @F_body, and a new @F returning the run's status.
  LogicalResult wrapEntryPoints(ModuleOp module, SymbolTable &symbols) {
    SmallVector<func::FuncOp> entries;
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isPublic() && !func.isDeclaration())
        entries.push_back(func);
    if (entries.empty())
      return success();
    OpBuilder b(module.getContext());
    func::FuncOp begin = declare(b, module, symbols, "acalsim_run_begin", {});
    func::FuncOp end =
        declare(b, module, symbols, "acalsim_run_end", b.getI32Type());
    SmallVector<NamedAttribute> inputCounts;
    for (func::FuncOp body : entries) {
      std::string name = body.getSymName().str();
      if (failed(symbols.rename(body, name + "_body")))
        return body.emitError("cannot rename @") << name;
      body.setPrivate();
      FunctionType type = body.getFunctionType();
      if (type.getNumResults() != 0)
        return body.emitError("an ACALSim entry point returns its results "
                              "through out-parameters; @")
               << name << " still returns " << type.getResults();
      b.setInsertionPointAfter(body);
      auto entry = func::FuncOp::create(
          b, body.getLoc(), name,
          b.getFunctionType(type.getInputs(), b.getI32Type()));
      unsigned inputs = 0;
      for (unsigned i = 0; i < type.getNumInputs(); ++i) {
        if (DictionaryAttr attrs = body.getArgAttrDict(i))
          entry.setArgAttrs(i, attrs);
        if (!body.getArgAttr(i, "bufferize.result"))
          ++inputs;
      }
      inputCounts.push_back(
          b.getNamedAttr(name, b.getI64IntegerAttr(inputs)));
      Block *block = entry.addEntryBlock();
      b.setInsertionPointToStart(block);
      func::CallOp::create(b, body.getLoc(), begin, ValueRange{});
      func::CallOp::create(b, body.getLoc(), body, block->getArguments());
      Value status =
          func::CallOp::create(b, body.getLoc(), end, ValueRange{})
              .getResult(0);
      func::ReturnOp::create(b, body.getLoc(), status);
      symbols.insert(entry);
    }
    module->setAttr("acalsim.entry_inputs",
                    b.getDictionaryAttr(inputCounts));
    return success();
  }

  /// A kernel reads its buffers through pointers: a reshaped view
  /// (collapse/expand_shape of a contiguous buffer: the same bytes) passes
  /// its source. Views left without users go.
  void passViewSources(ModuleOp module) {
    module.walk([&](func::CallOp call) {
      auto callee = module.lookupSymbol<func::FuncOp>(call.getCallee());
      if (!callee || !callee->hasAttr("acalsim.c_name"))
        return;
      for (OpOperand &operand : call->getOpOperands()) {
        Value value = operand.get();
        while (Operation *view = value.getDefiningOp()) {
          if (!isa<memref::CollapseShapeOp, memref::ExpandShapeOp>(view))
            break;
          value = view->getOperand(0);
        }
        operand.set(value);
      }
    });
    bool erased = true;
    while (erased) {
      erased = false;
      module.walk([&](Operation *op) {
        if (isa<memref::CollapseShapeOp, memref::ExpandShapeOp>(op) &&
            op->use_empty()) {
          op->erase();
          erased = true;
        }
      });
    }
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    SymbolTable symbols(module);
    passViewSources(module);
    if (failed(allocationsToGlobals(module, symbols)) ||
        failed(wrapEntryPoints(module, symbols)))
      return signalPassFailure();

    TypeConverter typeConverter;
    typeConverter.addConversion([](Type type) { return type; });
    populateEmitCSizeTTypeConversions(typeConverter);
    populateMemRefToEmitCTypeConversion(typeConverter);
    // A 0-D memref (a scalar global: upstream's get_global takes its
    // address) is a pointer to the scalar.
    typeConverter.addConversion([](MemRefType type) -> std::optional<Type> {
      if (type.getRank() != 0 || !type.getLayout().isIdentity())
        return std::nullopt;
      return emitc::PointerType::get(type.getElementType());
    });

    RewritePatternSet patterns(context);
    patterns.add<KernelCallLowering, KernelDeclarationErasure,
                 RankZeroLoadLowering, RankZeroStoreLowering>(typeConverter,
                                                              context);
    // The delinearized indices of reshapes folded into loads and stores
    // (lower-affine's floordivsi, ceildivsi): divisions and selects.
    arith::populateCeilFloorDivExpandOpsPatterns(patterns);
    populateArithToEmitCPatterns(typeConverter, patterns);
    populateFuncToEmitCPatterns(typeConverter, patterns);
    populateMemRefToEmitCConversionPatterns(patterns, typeConverter);
    populateSCFToEmitCConversionPatterns(patterns, typeConverter);
    populateConvertMathToEmitCPatterns(patterns, emitc::LanguageTarget::c99);
    // What upstream has no pattern for: libm calls.
    patterns.add<LibmCallLowering<math::TanhOp>>(typeConverter, context,
                                                 "tanhf");
    patterns.add<LibmCallLowering<math::ErfOp>>(typeConverter, context,
                                                "erff");
    patterns.add<LibmCallLowering<math::LogOp>>(typeConverter, context,
                                                "logf");
    patterns.add<LibmCallLowering<math::Log1pOp>>(typeConverter, context,
                                                  "log1pf");
    patterns.add<LibmCallLowering<math::Log2Op>>(typeConverter, context,
                                                 "log2f");
    patterns.add<LibmCallLowering<math::SqrtOp>>(typeConverter, context,
                                                 "sqrtf");
    patterns.add<LibmCallLowering<math::ExpOp>>(typeConverter, context,
                                                "expf");
    patterns.add<LibmCallLowering<math::Exp2Op>>(typeConverter, context,
                                                 "exp2f");
    patterns.add<LibmCallLowering<math::ExpM1Op>>(typeConverter, context,
                                                  "expm1f");
    patterns.add<LibmCallLowering<math::PowFOp>>(typeConverter, context,
                                                 "powf");
    patterns.add<LibmCallLowering<math::AbsFOp>>(typeConverter, context,
                                                 "fabsf");
    patterns.add<LibmCallLowering<math::FloorOp>>(typeConverter, context,
                                                  "floorf");
    patterns.add<LibmCallLowering<math::CeilOp>>(typeConverter, context,
                                                 "ceilf");
    patterns.add<LibmCallLowering<math::RoundOp>>(typeConverter, context,
                                                  "roundf");
    patterns.add<LibmCallLowering<math::RoundEvenOp>>(typeConverter, context,
                                                      "rintf");
    patterns.add<LibmCallLowering<math::SinOp>>(typeConverter, context,
                                                "sinf");
    patterns.add<LibmCallLowering<math::CosOp>>(typeConverter, context,
                                                "cosf");
    patterns.add<LibmCallLowering<math::AtanOp>>(typeConverter, context,
                                                 "atanf");
    patterns.add<LibmCallLowering<math::Atan2Op>>(typeConverter, context,
                                                  "atan2f");
    patterns.add<LibmCallLowering<arith::MaxNumFOp>>(typeConverter, context,
                                                     "fmaxf");
    patterns.add<LibmCallLowering<arith::MinNumFOp>>(typeConverter, context,
                                                     "fminf");
    patterns.add<RsqrtLowering,
                 NaNPropagatingMinMaxLowering<arith::MaximumFOp,
                                              arith::MaxNumFOp>,
                 NaNPropagatingMinMaxLowering<arith::MinimumFOp,
                                              arith::MinNumFOp>,
                 IndexUnsignedLowering<arith::DivUIOp, emitc::DivOp>,
                 IndexUnsignedLowering<arith::RemUIOp, emitc::RemOp>>(
        typeConverter, context);

    ConversionTarget target(*context);
    target.addLegalDialect<emitc::EmitCDialect>();
    target.addIllegalDialect<arith::ArithDialect, func::FuncDialect,
                             math::MathDialect, memref::MemRefDialect,
                             scf::SCFDialect>();
    target.addLegalOp<ModuleOp, UnrealizedConversionCastOp>();
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      return signalPassFailure();

    OpBuilder b(module.getBody(), module.getBody()->begin());
    for (StringRef header : {"stdbool.h", "stddef.h", "stdint.h", "math.h",
                             "string.h"})
      emitc::IncludeOp::create(b, module.getLoc(), header,
                               /*is_standard_include=*/true);
    emitc::IncludeOp::create(b, module.getLoc(), "acalsim.h",
                             /*is_standard_include=*/false);
  }
};
} // namespace
