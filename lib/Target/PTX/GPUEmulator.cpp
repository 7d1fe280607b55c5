//===- GPUEmulator.cpp - the PTX target's kernels compiled for the CPU ----===//
//
// `--target=ptx --emit=emulator`: the kernels of the program, the gpu.func
// bodies that the PTX is made from, compiled for this CPU and run by the
// emulator of runtime/cuda (tri_emulator.h), so that the kernels' logic and
// the launch manifest are checked on machines without a GPU.
//
// ternary-gpu-kernels-to-host turns every gpu.func of the gpu.modules into
// a func.func: gpu.thread_id/block_id/block_dim/grid_dim/lane_id become
// calls of __tri_emu_id(kind, dim), gpu.barrier a call of
// __tri_emu_barrier, nvvm.bar.warp.sync (all lanes) one of
// __tri_emu_syncwarp, gpu.shuffle calls of __tri_emu_shuffle (the value's
// bits as i64) and __tri_emu_shuffle_valid, nvvm.dot.accumulate.4way (dp4a)
// its arith expansion, nvvm.prmt (default mode, constant byte selectors)
// its arith expansion, nvvm.mma.sync (m16n8k16 s8 x s8, u8 x s8, s8 x u8
// or bf16) calls of __tri_emu_mma_m16n8k16_s8/_u8s8/_s8u8/_bf16, the
// hinted weight load (kWeightLoadPtx)
// an llvm.load of 4 words; a workgroup attribution (shared memory) becomes
// a private memref.global that starts as NaNs or all-ones bits (garbage, as
// on a GPU), which is the block's own because the emulator runs one block
// at a time; a private attribution a memref.alloca. After the LLVM
// lowering each kernel K gets the entry point __tri_emu_kernel_K(ptr
// params), which loads its arguments from cuLaunchKernel's parameter
// array.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Target/PTX/PTXTarget.h"

#include "tritondsl/Conversion/TernaryToGPU/Passes.h"
#include "tritondsl/Pipelines/Pipelines.h"
#include "tritondsl/Target/CPU/ObjectEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;
using namespace tritondsl;

namespace {
/// The `kind` of __tri_emu_id (runtime/cuda/tri_emulator.h).
enum EmulatorId : int32_t {
  kThreadId = 0,
  kBlockId = 1,
  kBlockDim = 2,
  kGridDim = 3,
  kLaneId = 4
};
constexpr StringLiteral kEntryPrefix = "__tri_emu_kernel_";
constexpr StringLiteral kKernelAttr = "ternary.emulated_kernel";

/// Declares the runtime function `name` in `module` (once).
func::FuncOp declare(ModuleOp module, StringRef name, TypeRange inputs,
                     TypeRange results) {
  if (auto existing = module.lookupSymbol<func::FuncOp>(name))
    return existing;
  OpBuilder b(module.getBodyRegion());
  auto func = func::FuncOp::create(
      b, module.getLoc(), name, b.getFunctionType(inputs, results));
  func.setPrivate();
  return func;
}

/// `value` as the i64 of its bits (integers zero-extended).
Value toBits(OpBuilder &b, Location loc, Value value) {
  Type type = value.getType();
  unsigned width = type.getIntOrFloatBitWidth();
  if (!isa<IntegerType>(type))
    value = arith::BitcastOp::create(b, loc, b.getIntegerType(width), value);
  if (width < 64)
    value = arith::ExtUIOp::create(b, loc, b.getI64Type(), value);
  return value;
}

/// The value of type `type` whose bits are the low bits of `bits`.
Value fromBits(OpBuilder &b, Location loc, Value bits, Type type) {
  unsigned width = type.getIntOrFloatBitWidth();
  if (width < 64)
    bits = arith::TruncIOp::create(b, loc, b.getIntegerType(width), bits);
  if (!isa<IntegerType>(type))
    bits = arith::BitcastOp::create(b, loc, type, bits);
  return bits;
}

struct GPUKernelsToHostPass
    : PassWrapper<GPUKernelsToHostPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(GPUKernelsToHostPass)
  StringRef getArgument() const override {
    return "ternary-gpu-kernels-to-host";
  }
  StringRef getDescription() const override {
    return "Turn the gpu.funcs of the gpu.modules into host functions that "
           "call the CPU emulator of runtime/cuda (tri_emulator.h)";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<arith::ArithDialect, func::FuncDialect,
                    memref::MemRefDialect, vector::VectorDialect>();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    WalkResult launches = module.walk([](gpu::LaunchFuncOp launch) {
      launch.emitError("the GPU emulator takes the kernels alone: a "
                       "gpu.launch_func is run by the launch manifest");
      return WalkResult::interrupt();
    });
    if (launches.wasInterrupted())
      return signalPassFailure();
    for (auto gpuModule :
         llvm::make_early_inc_range(module.getOps<gpu::GPUModuleOp>())) {
      for (Operation &op :
           llvm::make_early_inc_range(gpuModule.getBody()->getOperations())) {
        auto func = dyn_cast<gpu::GPUFuncOp>(op);
        if (!func) {
          op.moveBefore(module.getBody(), module.getBody()->end());
          continue;
        }
        if (failed(convert(module, func)))
          return signalPassFailure();
      }
      gpuModule.erase();
    }
  }

  /// dp4a as arith: the bytes of a and b extended (zero or sign, as their
  /// types say) to i32, multiplied, summed, plus c.
  static void expandDotAccumulate(NVVM::DotAccumulate4WayOp op) {
    OpBuilder b(op);
    Location loc = op.getLoc();
    auto wide = VectorType::get({4}, b.getI32Type());
    auto extend = [&](Value bytes, NVVM::DotAccumulateType type) -> Value {
      if (type == NVVM::DotAccumulateType::SIGNED)
        return arith::ExtSIOp::create(b, loc, wide, bytes);
      return arith::ExtUIOp::create(b, loc, wide, bytes);
    };
    Value a = extend(op.getA(), op.getAType());
    Value bExtended = extend(op.getB(), op.getBType());
    Value products = arith::MulIOp::create(b, loc, a, bExtended);
    Value sum = vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD,
                                            products, op.getC());
    op.getResult().replaceAllUsesWith(sum);
    op.erase();
  }

  /// prmt (default mode, two sources, a constant selector without the
  /// sign-replicate bits: the kernels' byte transposes) as arith: byte i of
  /// the result is byte n of the pool hi:lo, n = nibble i of the selector.
  static LogicalResult expandPermute(NVVM::PermuteOp op) {
    APInt selector;
    if (op.getMode() != NVVM::PermuteMode::DEFAULT || !op.getHi() ||
        !matchPattern(op.getSelector(), m_ConstantInt(&selector)) ||
        (selector.getZExtValue() & 0x8888))
      return op.emitError("the GPU emulator runs nvvm.prmt of the default "
                          "mode with two sources and a constant selector of "
                          "byte indices only");
    OpBuilder b(op);
    Location loc = op.getLoc();
    Type i64 = b.getI64Type();
    auto wide = [&](int64_t v) -> Value {
      return arith::ConstantIntOp::create(b, loc, v, 64);
    };
    Value lo = arith::ExtUIOp::create(b, loc, i64, op.getLo());
    Value hi = arith::ExtUIOp::create(b, loc, i64, op.getHi());
    Value pool = arith::OrIOp::create(
        b, loc, lo, arith::ShLIOp::create(b, loc, hi, wide(32)));
    Value result = wide(0);
    for (int64_t i = 0; i < 4; ++i) {
      int64_t source = (selector.getZExtValue() >> (4 * i)) & 7;
      Value byte = arith::AndIOp::create(
          b, loc, arith::ShRUIOp::create(b, loc, pool, wide(8 * source)),
          wide(0xFF));
      result = arith::OrIOp::create(
          b, loc, result, arith::ShLIOp::create(b, loc, byte, wide(8 * i)));
    }
    op.getResult().replaceAllUsesWith(
        arith::TruncIOp::create(b, loc, b.getI32Type(), result).getResult());
    op.erase();
    return success();
  }

  /// nvvm.mma.sync m16n8k16, row x col, with s8 x s8, u8 x s8 or s8 x u8
  /// and i32 accumulators or bf16 ones and f32 accumulators: result e (of
  /// the four a lane holds) is a call of __tri_emu_mma_m16n8k16_s8(e, a0,
  /// a1, b0, c_e) (_u8s8, _s8u8) or __tri_emu_mma_m16n8k16_bf16(e, a0, a1,
  /// a2, a3, b0, b1, c_e),
  /// which exchanges the warp's fragments (at e = 0) and computes it as the
  /// PTX ISA lays them out. The result's llvm.extractvalue users take the
  /// calls' values. Other shapes and types are refused at their location.
  static LogicalResult emulateMma(ModuleOp module, NVVM::MmaOp op) {
    NVVM::MMAShapeAttr shape = op.getShape();
    std::optional<NVVM::MMATypes> type = op.getMultiplicandAPtxType();
    std::optional<NVVM::MMATypes> typeB = op.getMultiplicandBPtxType();
    // Bytes: s8 on both sides, or the unsigned trit codes on one (u8 A:
    // ternary_gemv_f32_fx_k's codes times digits; u8 B:
    // ternary_mma_i8_m16n32_u8's x times codes).
    auto isByte = [](std::optional<NVVM::MMATypes> t) {
      return t == NVVM::MMATypes::s8 || t == NVVM::MMATypes::u8;
    };
    bool u8 = type == NVVM::MMATypes::u8, u8B = typeB == NVVM::MMATypes::u8;
    bool s8 = isByte(type) && isByte(typeB) && !(u8 && u8B),
         bf16 = type == NVVM::MMATypes::bf16 && typeB == type;
    size_t aRegisters = s8 ? 2 : 4, bRegisters = s8 ? 1 : 2;
    if (shape.getM() != 16 || shape.getN() != 8 || shape.getK() != 16 ||
        !(s8 || bf16) ||
        op.getLayoutA() != NVVM::MMALayout::row ||
        op.getLayoutB() != NVVM::MMALayout::col ||
        op.getOperandA().size() != aRegisters ||
        op.getOperandB().size() != bRegisters ||
        op.getOperandC().size() != 4 ||
        op.getOperandC()[0].getType() !=
            (s8 ? Type(IntegerType::get(op.getContext(), 32))
                : Type(Float32Type::get(op.getContext()))))
      return op.emitError("the GPU emulator runs nvvm.mma.sync m16n8k16 of "
                          "s8 x s8, u8 x s8 or s8 x u8 (row x col, i32 "
                          "accumulators) or bf16 (row x col, f32 "
                          "accumulators) only");
    OpBuilder b(op);
    Location loc = op.getLoc();
    Type i32 = b.getI32Type();
    Type accumulator = op.getOperandC()[0].getType();
    SmallVector<Type> inputs(1 + aRegisters + bRegisters, i32);
    inputs.push_back(accumulator);
    func::FuncOp callee = declare(module,
                                  u8    ? "__tri_emu_mma_m16n8k16_u8s8"
                                  : u8B ? "__tri_emu_mma_m16n8k16_s8u8"
                                  : s8  ? "__tri_emu_mma_m16n8k16_s8"
                                       : "__tri_emu_mma_m16n8k16_bf16",
                                  inputs, {accumulator});
    SmallVector<Value> results;
    for (int32_t e = 0; e < 4; ++e) {
      SmallVector<Value> arguments = {
          arith::ConstantIntOp::create(b, loc, e, 32)};
      llvm::append_range(arguments, op.getOperandA());
      llvm::append_range(arguments, op.getOperandB());
      arguments.push_back(op.getOperandC()[e]);
      results.push_back(
          func::CallOp::create(b, loc, callee, arguments).getResult(0));
    }
    for (Operation *user : llvm::make_early_inc_range(op->getUsers())) {
      auto extract = dyn_cast<LLVM::ExtractValueOp>(user);
      if (!extract || extract.getPosition().size() != 1)
        return user->emitError("the GPU emulator reads an mma result only "
                               "through llvm.extractvalue");
      extract.getResult().replaceAllUsesWith(
          results[extract.getPosition()[0]]);
      extract.erase();
    }
    op.erase();
    return success();
  }

  LogicalResult convert(ModuleOp module, gpu::GPUFuncOp kernel) {
    MLIRContext *context = &getContext();
    // Shared and private memory are host memory.
    AttrTypeReplacer replacer;
    replacer.addReplacement([](MemRefType type) -> std::optional<Type> {
      if (!isa_and_nonnull<gpu::AddressSpaceAttr>(type.getMemorySpace()))
        return std::nullopt;
      return MemRefType::get(type.getShape(), type.getElementType(),
                             type.getLayout());
    });
    replacer.recursivelyReplaceElementsIn(kernel, /*replaceAttrs=*/true,
                                          /*replaceLocs=*/false,
                                          /*replaceTypes=*/true);

    OpBuilder b(context);
    b.setInsertionPointToEnd(module.getBody());
    auto func = func::FuncOp::create(b, kernel.getLoc(), kernel.getName(),
                                     kernel.getFunctionType());
    if (kernel.isKernel())
      func->setAttr(kKernelAttr, b.getUnitAttr());
    unsigned inputs = kernel.getNumArguments();
    unsigned workgroup = kernel.getNumWorkgroupAttributions();
    unsigned privates = kernel.getNumPrivateAttributions();
    func.getBody().takeBody(kernel.getBody());
    kernel.erase();
    Block &entry = func.getBody().front();
    b.setInsertionPointToStart(&entry);
    for (unsigned i = 0; i < workgroup + privates; ++i) {
      BlockArgument attribution = entry.getArgument(inputs + i);
      auto type = cast<MemRefType>(attribution.getType());
      Value replacement;
      if (i < workgroup) {
        OpBuilder global(module.getBodyRegion());
        global.setInsertionPoint(func);
        std::string name =
            ("__tri_emu_shared_" + func.getName() + "_" + Twine(i)).str();
        // Shared memory starts as garbage on a GPU: NaNs and all-ones bits
        // here, so that a kernel reading what it has not written fails the
        // emulator's checks instead of reading zeros.
        Attribute garbage;
        auto tensorType =
            RankedTensorType::get(type.getShape(), type.getElementType());
        if (auto floatType = dyn_cast<FloatType>(type.getElementType()))
          garbage = DenseElementsAttr::get(
              tensorType,
              FloatAttr::get(floatType,
                             APFloat::getQNaN(floatType.getFloatSemantics())));
        else if (auto intType = dyn_cast<IntegerType>(type.getElementType()))
          garbage = DenseElementsAttr::get(
              tensorType,
              IntegerAttr::get(intType,
                               APInt::getAllOnes(intType.getWidth())));
        memref::GlobalOp::create(global, func.getLoc(), name,
                                 global.getStringAttr("private"), type,
                                 /*initial_value=*/garbage,
                                 /*constant=*/false,
                                 /*alignment=*/global.getI64IntegerAttr(16));
        replacement = memref::GetGlobalOp::create(b, func.getLoc(), type, name);
      } else {
        replacement = memref::AllocaOp::create(b, func.getLoc(), type);
      }
      attribution.replaceAllUsesWith(replacement);
    }
    entry.eraseArguments(inputs, workgroup + privates);

    Type i32 = b.getI32Type(), i64 = b.getI64Type();
    func::FuncOp idFunc = declare(module, "__tri_emu_id", {i32, i32}, {i64});
    // Before the walk below: each replaces its result's users.
    SmallVector<NVVM::MmaOp> mmas;
    func.walk([&](NVVM::MmaOp mma) { mmas.push_back(mma); });
    for (NVVM::MmaOp mma : mmas)
      if (failed(emulateMma(module, mma)))
        return failure();
    WalkResult result = func.walk([&](Operation *op) -> WalkResult {
      if (auto dp4a = dyn_cast<NVVM::DotAccumulate4WayOp>(op)) {
        expandDotAccumulate(dp4a);
        return WalkResult::advance();
      }
      if (auto prmt = dyn_cast<NVVM::PermuteOp>(op))
        return failed(expandPermute(prmt)) ? WalkResult::interrupt()
                                           : WalkResult::skip();
      if (auto sync = dyn_cast<NVVM::SyncWarpOp>(op)) {
        // The kernels sync whole warps: a mask of all 32 lanes.
        APInt mask;
        if (!matchPattern(sync.getMask(), m_ConstantInt(&mask)) ||
            !mask.isAllOnes())
          return sync.emitError("the GPU emulator syncs whole warps only "
                                "(a constant mask of all 32 lanes)");
        b.setInsertionPoint(sync);
        func::CallOp::create(b, sync.getLoc(),
                             declare(module, "__tri_emu_syncwarp", {}, {}),
                             ValueRange{});
        sync.erase();
        return WalkResult::skip();
      }
      // The hinted weight load of the staged GEMV: a load of 4 words.
      if (auto ptx = dyn_cast<NVVM::InlinePtxOp>(op);
          ptx && ptx.getPtxCode() == tritondsl::kWeightLoadPtx) {
        b.setInsertionPoint(ptx);
        Location loc = ptx.getLoc();
        Value address = LLVM::PtrToIntOp::create(
            b, loc, b.getI64Type(), ptx.getReadOnlyArgs()[0]);
        Value pointer = LLVM::IntToPtrOp::create(
            b, loc, LLVM::LLVMPointerType::get(b.getContext()), address);
        Value words = LLVM::LoadOp::create(
            b, loc, VectorType::get({4}, b.getI32Type()), pointer,
            /*alignment=*/16);
        for (unsigned q = 0; q < 4; ++q)
          ptx.getResult(q).replaceAllUsesWith(
              vector::ExtractOp::create(b, loc, words, q).getResult());
        ptx.erase();
        return WalkResult::skip();
      }
      if (isa_and_nonnull<NVVM::NVVMDialect>(op->getDialect()))
        return op->emitError("the GPU emulator does not run '")
               << op->getName() << "'";
      if (!isa_and_nonnull<gpu::GPUDialect>(op->getDialect()))
        return WalkResult::advance();
      Location loc = op->getLoc();
      b.setInsertionPoint(op);
      auto constant = [&](int32_t value) -> Value {
        return arith::ConstantIntOp::create(b, loc, value, 32);
      };
      auto id = [&](EmulatorId kind, gpu::Dimension dim) {
        Value value =
            func::CallOp::create(b, loc, idFunc,
                                 ValueRange{constant(kind),
                                            constant(static_cast<int32_t>(dim))})
                .getResult(0);
        op->getResult(0).replaceAllUsesWith(arith::IndexCastOp::create(
            b, loc, b.getIndexType(), value));
        op->erase();
      };
      if (auto o = dyn_cast<gpu::ThreadIdOp>(op))
        id(kThreadId, o.getDimension());
      else if (auto o = dyn_cast<gpu::BlockIdOp>(op))
        id(kBlockId, o.getDimension());
      else if (auto o = dyn_cast<gpu::BlockDimOp>(op))
        id(kBlockDim, o.getDimension());
      else if (auto o = dyn_cast<gpu::GridDimOp>(op))
        id(kGridDim, o.getDimension());
      else if (isa<gpu::LaneIdOp>(op))
        id(kLaneId, gpu::Dimension::x);
      else if (isa<gpu::BarrierOp>(op)) {
        func::CallOp::create(b, loc,
                             declare(module, "__tri_emu_barrier", {}, {}),
                             ValueRange{});
        op->erase();
      } else if (auto shuffle = dyn_cast<gpu::ShuffleOp>(op)) {
        Type type = shuffle.getValue().getType();
        if (!type.isIntOrFloat() || type.getIntOrFloatBitWidth() > 64)
          return shuffle.emitError("the GPU emulator shuffles scalars of up "
                                   "to 64 bits, not ")
                 << type;
        Value mode = constant(static_cast<int32_t>(shuffle.getMode()));
        Value bits = func::CallOp::create(
                         b, loc,
                         declare(module, "__tri_emu_shuffle",
                                 {i32, i64, i32, i32}, {i64}),
                         ValueRange{mode, toBits(b, loc, shuffle.getValue()),
                                    shuffle.getOffset(), shuffle.getWidth()})
                         .getResult(0);
        Value valid =
            func::CallOp::create(b, loc,
                                 declare(module, "__tri_emu_shuffle_valid",
                                         {i32, i32, i32}, {i32}),
                                 ValueRange{mode, shuffle.getOffset(),
                                            shuffle.getWidth()})
                .getResult(0);
        Value isValid = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                              valid, constant(0));
        shuffle.getShuffleResult().replaceAllUsesWith(
            fromBits(b, loc, bits, type));
        shuffle.getValid().replaceAllUsesWith(isValid);
        shuffle.erase();
      } else if (auto ret = dyn_cast<gpu::ReturnOp>(op)) {
        func::ReturnOp::create(b, loc, ret.getOperands());
        ret.erase();
      } else {
        return op->emitError("the GPU emulator does not run '")
               << op->getName() << "'";
      }
      return WalkResult::advance();
    });
    return failure(result.wasInterrupted());
  }
};

/// Adds __tri_emu_kernel_K(ptr params) for every kernel K of `module` (LLVM
/// dialect): params[i] points at the value of K's parameter i.
void addEntryPoints(ModuleOp module) {
  OpBuilder b(module.getBodyRegion());
  b.setInsertionPointToEnd(module.getBody());
  auto ptr = LLVM::LLVMPointerType::get(module.getContext());
  for (auto kernel :
       llvm::to_vector(module.getOps<LLVM::LLVMFuncOp>())) {
    if (!kernel->hasAttr(kKernelAttr))
      continue;
    Location loc = kernel.getLoc();
    // (addEntryBlock moves the builder into the new function.)
    b.setInsertionPointToEnd(module.getBody());
    auto entry = LLVM::LLVMFuncOp::create(
        b, loc, (kEntryPrefix + kernel.getName()).str(),
        LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(b.getContext()),
                                    {ptr}));
    Block *block = entry.addEntryBlock(b);
    OpBuilder body = OpBuilder::atBlockEnd(block);
    Value params = entry.getArgument(0);
    SmallVector<Value> arguments;
    for (auto [i, type] :
         llvm::enumerate(kernel.getFunctionType().getParams())) {
      Value slot = LLVM::GEPOp::create(body, loc, ptr, ptr, params,
                                       ArrayRef<LLVM::GEPArg>{
                                           static_cast<int32_t>(i)});
      Value address = LLVM::LoadOp::create(body, loc, ptr, slot);
      arguments.push_back(LLVM::LoadOp::create(body, loc, type, address));
    }
    LLVM::CallOp::create(body, loc, kernel, arguments);
    LLVM::ReturnOp::create(body, loc, ValueRange{});
  }
}
} // namespace

LogicalResult tritondsl::emitGPUEmulatorObject(gpu::GPUModuleOp kernels,
                                               std::string &object) {
  OwningOpRef<ModuleOp> module = ModuleOp::create(kernels.getLoc());
  OpBuilder b(module->getBodyRegion());
  b.clone(*kernels);
  PassManager pm(kernels.getContext());
  pm.addPass(std::make_unique<GPUKernelsToHostPass>());
  // bf16 arithmetic (the f32 tensor-core kernel's trits and splits) in f32,
  // and the bf16 conversions as integer code: no bf16 library calls.
  arith::ArithEmulateUnsupportedFloatsOptions emulate;
  emulate.sourceTypeStrs = {"bf16"};
  emulate.targetTypeStr = "f32";
  pm.addNestedPass<func::FuncOp>(
      arith::createArithEmulateUnsupportedFloats(emulate));
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addNestedPass<func::FuncOp>(arith::createArithExpandOpsPass(expand));
  buildLoopsToLLVMPipeline(pm);
  if (failed(pm.run(*module)))
    return failure();
  addEntryPoints(*module);
  llvm::raw_string_ostream os(object);
  llvm::buffer_ostream buffer(os);
  return emitObjectFile(*module, buffer, /*optLevel=*/2);
}

void tritondsl::registerGPUEmulatorPasses() {
  PassRegistration<GPUKernelsToHostPass>();
}
