//===- PTXTarget.cpp - The PTX (NVIDIA GPU) target ------------------------===//
//
// `--target=ptx`: ternary-optimize with offset2 weights along K and the bias
// fused into the matmul (the kernels add it), then the ternary-gpu pipeline
// below and the directory emitter (PTXEmitter.cpp).
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Target/PTX/PTXTarget.h"

#include "tritondsl/Conversion/Passes.h"
#include "tritondsl/Conversion/TernaryToGPU/Passes.h"
#include "tritondsl/Dialect/Ternary/Transforms/Passes.h"
#include "tritondsl/Target/Target.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstdlib>

using namespace mlir;
using namespace tritondsl;

namespace {
llvm::cl::opt<std::string> gpuChip(
    "gpu-chip",
    llvm::cl::desc("The NVIDIA architecture of --target=ptx: sm_80 "
                   "(default) or sm_90"),
    llvm::cl::init("sm_80"), llvm::cl::cat(getTargetOptionCategory()));
enum class GPUActivations { F32, Int8 };
llvm::cl::opt<GPUActivations> gpuActivations(
    "gpu-activations",
    llvm::cl::desc("The activations of f32 ternary matmuls in --target=ptx"),
    llvm::cl::values(
        clEnumValN(GPUActivations::F32, "f32",
                   "f32, every product exact, summed in f32 (default)"),
        clEnumValN(GPUActivations::Int8, "int8",
                   "W1.58A8: each row quantized to int8 by its largest "
                   "magnitude, exact int32 sums on the int8 kernels (K % 64 "
                   "== 0); fast, not exact")),
    llvm::cl::init(GPUActivations::F32),
    llvm::cl::cat(getTargetOptionCategory()));
// A kernel choice to measure against (bench/gpu_bench.py --variants):
// under --help-hidden.
llvm::cl::opt<bool> gpuInt8StagedX(
    "gpu-int8-staged-x",
    llvm::cl::desc("--target=ptx: the one-row int8 GEMV stages x in shared "
                   "memory, ternary_gemv_i8_sx_k<K> (default); =false: "
                   "ternary_gemv_i8_r1c4w4, to measure against"),
    llvm::cl::init(true), llvm::cl::Hidden,
    llvm::cl::cat(getTargetOptionCategory()));
llvm::cl::opt<bool> gpuF32FixedPoint(
    "gpu-f32-fixed-point",
    llvm::cl::desc("--target=ptx: the one-row f32 GEMV in fixed point on the "
                   "int8 tensor cores, ternary_gemv_f32_fx_k<K> (K % 64 == 0, "
                   "K <= 8192); default: ternary_mma_f32_m1n64"),
    llvm::cl::init(false), llvm::cl::Hidden,
    llvm::cl::cat(getTargetOptionCategory()));
llvm::cl::opt<bool> gpuInt8MmaGemv(
    "gpu-int8-mma-gemv",
    llvm::cl::desc("--target=ptx: the one-row int8 GEMV on the int8 tensor "
                   "cores, ternary_gemv_i8_mma_k<K> (K % 64 == 0, K <= "
                   "8192); default: ternary_gemv_i8_sx_k<K>"),
    llvm::cl::init(false), llvm::cl::Hidden,
    llvm::cl::cat(getTargetOptionCategory()));
llvm::cl::opt<bool> gpuInt8MmaCodes(
    "gpu-int8-mma-codes",
    llvm::cl::desc("--target=ptx: the int8 tensor-core kernel of more rows "
                   "with the trit codes as the unsigned B operand, "
                   "ternary_mma_i8_m16n32_u8; default: "
                   "ternary_mma_i8_m16n32"),
    llvm::cl::init(false), llvm::cl::Hidden,
    llvm::cl::cat(getTargetOptionCategory()));

class PTXTarget : public TargetBackend {
public:
  llvm::StringRef getName() const override { return "ptx"; }
  llvm::StringRef getDescription() const override {
    return "PTX kernels for NVIDIA GPUs (gpu/nvvm dialects) and a launch "
           "manifest for runtime/cuda";
  }
  // The kernels of TernaryKernels.mlir decode offset2 rows along K.
  ternary::Encoding getWeightEncoding() const override {
    return ternary::Encoding::offset2;
  }
  // The kernels add the bias after scaling the sum.
  bool fusesBias() const override { return true; }
  ArrayRef<TargetOutputKind> getOutputKinds() const override {
    static const TargetOutputKind kinds[] = {
        {"dir",
         "a directory: {name}.ptx, the launch manifest {name}.json and the "
         "bound weights {name}.weights.bin (--gpu-chip, default sm_80)",
         /*binary=*/false},
        {"emulator",
         "a directory like `dir` with {name}.emulator.o in place of the PTX: "
         "the kernels compiled for this CPU, for the emulator of "
         "runtime/cuda (a check without a GPU; not for speed)",
         /*binary=*/false},
        {"dir-int8",
         "the directory with --gpu-activations=int8 (W1.58A8: f32 ternary "
         "matmuls quantize their rows to int8)",
         /*binary=*/false},
        {"emulator-int8", "the emulator directory with --gpu-activations=int8",
         /*binary=*/false},
        {"gpu-mlir", "the module after the ternary-gpu pipeline",
         /*binary=*/false}};
    return kinds;
  }
  void buildPipeline(OpPassManager &pm,
                     const TargetOptions &options) const override {
    TernaryGPUOptions gpuOptions;
    gpuOptions.chip = gpuChip;
    gpuOptions.int8StagedX = gpuInt8StagedX;
    gpuOptions.f32FixedPoint = gpuF32FixedPoint;
    gpuOptions.int8MmaGemv = gpuInt8MmaGemv;
    gpuOptions.int8MmaCodes = gpuInt8MmaCodes;
    bool int8 = gpuActivations == GPUActivations::Int8 ||
                StringRef(options.emit).ends_with("-int8");
    gpuOptions.activations = int8 ? "int8" : "f32";
    gpuOptions.emulator = StringRef(options.emit).starts_with("emulator");
    buildTernaryGPUPipeline(pm, gpuOptions);
  }
  LogicalResult emit(ModuleOp module, const TargetOptions &options,
                     SmallVectorImpl<TargetFile> &files) const override {
    if (options.emit == "gpu-mlir") {
      llvm::raw_string_ostream os(files.emplace_back().contents);
      module->print(os);
      return success();
    }
    return emitPTXDirectory(
        module, files,
        /*emulator=*/StringRef(options.emit).starts_with("emulator"));
  }
};

/// Fails the pipeline on an unsupported chip: the pass that does so reports
/// it on the module, before any other pass runs.
struct CheckGPUChipPass
    : PassWrapper<CheckGPUChipPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(CheckGPUChipPass)
  explicit CheckGPUChipPass(std::string chip) : chip(std::move(chip)) {}
  StringRef getArgument() const override { return "ternary-check-gpu-chip"; }
  void runOnOperation() override {
    if (isSupportedGPUChip(chip))
      return;
    getOperation().emitError("unsupported GPU chip '")
        << chip << "' (the PTX target compiles for sm_80 and sm_90)";
    signalPassFailure();
  }
  std::string chip;
};
/// Host code that no parallel loop covers (a reduction to a scalar: loops
/// of loads and stores) runs in a one-thread gpu.launch, so that the host
/// function is launches only. Correct, and as slow as one GPU thread.
struct WrapHostLoopsPass
    : PassWrapper<WrapHostLoopsPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(WrapHostLoopsPass)
  StringRef getArgument() const override { return "ternary-wrap-host-loops"; }
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    for (Operation &op : llvm::make_early_inc_range(func.getOps())) {
      if (!isa<scf::ForOp, scf::ParallelOp, scf::IfOp, memref::StoreOp>(op) ||
          !op.use_empty())
        continue;
      bool launches = false;
      op.walk([&](gpu::LaunchOp) { launches = true; });
      op.walk([&](gpu::LaunchFuncOp) { launches = true; });
      if (launches)
        continue;
      OpBuilder b(&op);
      Value one = arith::ConstantIndexOp::create(b, op.getLoc(), 1);
      auto launch = gpu::LaunchOp::create(b, op.getLoc(), one, one, one, one,
                                          one, one);
      Block &body = launch.getBody().front();
      b.setInsertionPointToStart(&body);
      auto terminator = gpu::TerminatorOp::create(b, op.getLoc());
      op.moveBefore(terminator);
    }
    // Scalars computed on the host for kernels (a load of a scale an earlier
    // kernel stored, arithmetic on it) are computed in each kernel instead:
    // launches run in order, so each sees the stored value. Bottom-up, so
    // that a chain moves whole.
    SmallVector<Operation *> hostOps;
    for (Operation &op : func.getOps())
      hostOps.push_back(&op);
    for (Operation *op : llvm::reverse(hostOps)) {
      if (!isa<memref::LoadOp>(op) && !isPure(op))
        continue;
      // Buffers stay on the host: a constant's global is a buffer of the
      // weights file, passed to the kernel; moved into the kernel it would
      // be copied into the PTX as an initialized .global.
      if (llvm::any_of(op->getResultTypes(), llvm::IsaPred<MemRefType>))
        continue;
      if (op->use_empty() || op->getNumRegions() ||
          !llvm::all_of(op->getUsers(), [](Operation *user) {
            return user->getParentOfType<gpu::LaunchOp>();
          }))
        continue;
      for (OpOperand &use : llvm::make_early_inc_range(op->getUses())) {
        auto launch = use.getOwner()->getParentOfType<gpu::LaunchOp>();
        OpBuilder b(&launch.getBody().front(),
                    launch.getBody().front().begin());
        Operation *clone = b.clone(*op);
        use.set(clone->getResult(
            cast<OpResult>(use.get()).getResultNumber()));
      }
      op->erase();
    }
  }
};

/// `tensor.reshape %x(%shape)` (the front end's reshape: a static result
/// type, or a `tensor.from_elements` shape) becomes a collapse of %x to one
/// dim and an expand to the result, whose dynamic sizes are the
/// from_elements operands. Both
/// bufferize to views of the same buffer that the launch manifest
/// describes; a memref.reshape would read its sizes from a buffer that only
/// the device holds.
struct ReshapeToCollapseExpand : OpRewritePattern<tensor::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto shape = op.getShape().getDefiningOp<tensor::FromElementsOp>();
    auto sourceType = dyn_cast<RankedTensorType>(op.getSource().getType());
    auto type = dyn_cast<RankedTensorType>(op.getResult().getType());
    // The sizes of the result's dynamic dims come from the shape operand.
    if (!sourceType || !type || sourceType.getRank() == 0 ||
        type.getRank() == 0 || (!shape && !type.hasStaticShape()))
      return failure();
    Location loc = op.getLoc();
    auto allDims = [](int64_t rank) {
      return SmallVector<ReassociationIndices>{
          llvm::to_vector(llvm::seq<int64_t>(0, rank))};
    };
    Value flat = op.getSource();
    if (sourceType.getRank() > 1)
      flat = tensor::CollapseShapeOp::create(rewriter, loc, flat,
                                             allDims(sourceType.getRank()));
    // A dynamic result dim needs a dynamic source dim to expand.
    if (!type.hasStaticShape())
      flat = tensor::CastOp::create(
          rewriter, loc,
          RankedTensorType::get({ShapedType::kDynamic},
                                type.getElementType()),
          flat);
    if (type.getRank() == 1) {
      rewriter.replaceOpWithNewOp<tensor::CastOp>(op, type, flat);
      return success();
    }
    SmallVector<OpFoldResult> sizes;
    for (auto [dim, size] : llvm::enumerate(type.getShape()))
      sizes.push_back(ShapedType::isDynamic(size)
                          ? OpFoldResult(shape.getElements()[dim])
                          : OpFoldResult(rewriter.getIndexAttr(size)));
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, type, flat, allDims(type.getRank()), sizes);
    return success();
  }
};
struct ReshapeToViewsPass
    : PassWrapper<ReshapeToViewsPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ReshapeToViewsPass)
  StringRef getArgument() const override { return "ternary-reshape-to-views"; }
  StringRef getDescription() const override {
    return "tensor.reshape to collapse_shape + expand_shape (views the PTX "
           "launch manifest describes)";
  }
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ReshapeToCollapseExpand>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

/// Moves the kernels of every gpu.module into the first one, so that the
/// program is one PTX module (one file, one cuModuleLoadData). Outlined
/// kernel names are unique in the module; a clash is an error.
struct MergeGPUModulesPass
    : PassWrapper<MergeGPUModulesPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(MergeGPUModulesPass)
  StringRef getArgument() const override { return "ternary-merge-gpu-modules"; }
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> gpuModules(module.getOps<gpu::GPUModuleOp>());
    if (gpuModules.size() < 2)
      return;
    // Into @ternary_kernels when there is one (a stable name), else the
    // first.
    gpu::GPUModuleOp merged = gpuModules.front();
    for (gpu::GPUModuleOp gpuModule : gpuModules)
      if (gpuModule.getSymName() == "ternary_kernels")
        merged = gpuModule;
    SymbolTable symbols(merged);
    // (module, kernel) -> the kernel's name in the merged module. Outlining
    // names a module after its kernel and uniques the module's name only
    // (@f_kernel_0 holds @f_kernel): a moved kernel takes a free name.
    llvm::DenseMap<std::pair<StringAttr, StringAttr>, StringAttr> renamed;
    for (gpu::GPUModuleOp other : gpuModules) {
      if (other == merged)
        continue;
      for (Operation &op :
           llvm::make_early_inc_range(other.getBody()->getOperations())) {
        auto symbol = dyn_cast<SymbolOpInterface>(&op);
        op.moveBefore(merged.getBody(), merged.getBody()->end());
        if (!symbol)
          continue;
        StringAttr old = symbol.getNameAttr();
        StringAttr name = symbols.insert(&op); // renames on a clash
        if (name != old && !symbols.lookup(other.getSymName())) {
          if (failed(symbols.rename(&op, other.getSymNameAttr())))
            return signalPassFailure();
          name = other.getSymNameAttr();
        }
        renamed[{other.getSymNameAttr(), old}] = name;
      }
    }
    StringAttr mergedName = merged.getSymNameAttr();
    module.walk([&](gpu::LaunchFuncOp launch) {
      auto it = renamed.find(
          {launch.getKernelModuleName(), launch.getKernelName()});
      if (it == renamed.end())
        return;
      launch.setKernelAttr(SymbolRefAttr::get(
          mergedName, {FlatSymbolRefAttr::get(it->second)}));
    });
    for (gpu::GPUModuleOp other : gpuModules)
      if (other != merged)
        other.erase();
  }
};
} // namespace

std::string tritondsl::findCUDAToolkit() {
  auto hasLibDevice = [](StringRef root) {
    llvm::SmallString<256> path(root);
    llvm::sys::path::append(path, "nvvm", "libdevice", "libdevice.10.bc");
    return llvm::sys::fs::exists(path);
  };
  for (const char *variable : {"CUDA_PATH", "CUDA_HOME", "CUDA_ROOT"})
    if (const char *value = std::getenv(variable); value && hasLibDevice(value))
      return value;
  if (hasLibDevice("/usr/local/cuda"))
    return "/usr/local/cuda";
  // The newest /usr/local/cuda-X.Y.
  std::string best;
  std::error_code error;
  for (llvm::sys::fs::directory_iterator it("/usr/local", error), end;
       it != end && !error; it.increment(error)) {
    StringRef name = llvm::sys::path::filename(it->path());
    if (name.starts_with("cuda-") && hasLibDevice(it->path()) &&
        (best.empty() || llvm::sys::path::filename(best).compare_numeric(name) < 0))
      best = it->path();
  }
  return best;
}

bool tritondsl::isSupportedGPUChip(StringRef chip) {
  return chip == "sm_80" || chip == "sm_90";
}

void tritondsl::buildTernaryGPUPipeline(OpPassManager &pm,
                                        const TernaryGPUOptions &options) {
  pm.addPass(std::make_unique<CheckGPUChipPass>(options.chip));
  pm.addPass(ternary::createTernaryFlattenLayers());
  // Ternary convolutions become one im2col + ternary.matmul on the filter
  // packed as a [C*KH*KW, F] weight, which the matmul kernels read packed:
  // no dense copy of the filter reaches the device. Grouped convolutions
  // (depthwise ones) decode their filter's trits from its packed bytes.
  // Before the inliner, whose canonicalization would fold the filter into
  // dense floats.
  TernaryConvToMatmulOptions convolutions;
  convolutions.wholeBatch = true;
  convolutions.packedGrouped = true;
  pm.addNestedPass<func::FuncOp>(createTernaryConvToMatmul(convolutions));
  // Sub-layer calls disappear: the host function is one straight list of
  // launches for the manifest.
  pm.addPass(createInlinerPass());
  ConvertTernaryToGPUOptions lowering;
  lowering.gemvMaxBatch = options.gemvMaxBatch;
  lowering.int8StagedX = options.int8StagedX;
  lowering.f32FixedPoint = options.f32FixedPoint;
  lowering.int8Mma = options.int8MmaGemv;
  lowering.int8MmaCodes = options.int8MmaCodes;
  lowering.activations = options.activations;
  pm.addPass(createConvertTernaryToGPU(lowering));
  pm.addPass(std::make_unique<ReshapeToViewsPass>());
  pm.addPass(createDecomposeLinalgAggregates());
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());

  pm.addPass(createTensorConstantsToGlobals());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Results become out-parameters that the runner allocates; temporaries
  // are freed by the runner after the call (no deallocation pipeline).
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.addResultAttribute = true;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  pm.addPass(createMemRefCopyToLinalg());

  // Everything that is not a ternary kernel: upstream linalg -> parallel
  // loops -> gpu. Tiling gives a parallel loop an inner loop of 256
  // iterations (threads) along its second dim ([M, N] elementwise ops: 256
  // columns per block); the outer loop maps to blocks. A 1-D loop gets one
  // thread per block: correct, not fast.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  pm.addNestedPass<func::FuncOp>(
      createParallelLoopTilingPass({1, 256}, /*noMinMaxBounds=*/true));
  pm.addNestedPass<func::FuncOp>(createGpuMapParallelLoopsPass());
  pm.addNestedPass<func::FuncOp>(createConvertParallelLoopToGpuPass());
  pm.addNestedPass<func::FuncOp>(std::make_unique<WrapHostLoopsPass>());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(std::make_unique<MergeGPUModulesPass>());
  pm.addPass(createCSEPass());
  if (options.emulator)
    return;

  // The device half of upstream gpu-lower-to-nvvm-pipeline, on the
  // gpu.modules only: the host functions stay for the launch manifest.
  GpuNVVMAttachTargetOptions attach;
  attach.chip = options.chip;
  attach.features = "+ptx80";
  attach.optLevel = 3;
  pm.addPass(createGpuNVVMAttachTarget(attach));
  OpPassManager &device = pm.nest<gpu::GPUModuleOp>();
  device.addPass(createSCFToControlFlowPass());
  device.addPass(memref::createExpandStridedMetadataPass());
  device.addPass(createLowerAffinePass());
  device.addPass(createConvertGpuOpsToNVVMOps());
  device.addPass(createConvertNVVMToLLVMPass());
  device.addPass(createCanonicalizerPass());
  device.addPass(createCSEPass());
  device.addPass(createReconcileUnrealizedCastsPass());
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = "isa";
  // libdevice (nvvm/libdevice/libdevice.10.bc of the CUDA toolkit) defines
  // the math functions convert-gpu-to-nvvm calls (__nv_expf, ...); it is
  // linked into the kernels, so the PTX needs nothing at load time.
  binary.toolkitPath = options.cudaPath.empty() ? findCUDAToolkit()
                                                : std::string(options.cudaPath);
  pm.addPass(createGpuModuleToBinaryPass(binary));
}

void tritondsl::registerPTXTarget() {
  // Once: MLIR refuses a pipeline registered twice.
  static const bool registered = [] {
    registerTarget(std::make_unique<PTXTarget>());
    PassPipelineRegistration<TernaryGPUOptions>(
        "ternary-gpu",
        "Lower a ternary module (after ternary-optimize) to GPU kernels in "
        "PTX (gpu.binary, format isa) and host functions of memref ops and "
        "gpu.launch_func: the --target=ptx pipeline",
        buildTernaryGPUPipeline);
    registerGPUEmulatorPasses();
    PassRegistration<ReshapeToViewsPass>();
    return true;
  }();
  (void)registered;
}
