//===- PTXTarget.h - The PTX (NVIDIA GPU) target ----------------*- C++ -*-===//
//
// `--target=ptx` (docs/targets/ptx.md): ternary matmuls as GPU kernels on
// packed weights (convert-ternary-to-gpu), everything else through upstream
// linalg -> parallel loops -> gpu, the kernels lowered to NVVM and printed
// as PTX by upstream gpu-module-to-binary (format=isa); the host function
// becomes a launch manifest that runtime/cuda and triton_dsl.cuda run.
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_TARGET_PTX_PTXTARGET_H
#define TRITONDSL_TARGET_PTX_PTXTARGET_H

#include "tritondsl/Target/Target.h"

#include "mlir/Pass/PassOptions.h"

namespace mlir::gpu {
class GPUModuleOp;
} // namespace mlir::gpu

namespace tritondsl {

/// Registers the `ptx` target and the `ternary-gpu` pipeline.
void registerPTXTarget();

/// Options of the `ternary-gpu` pipeline (and of tritonc --gpu-chip).
struct TernaryGPUOptions : public PassPipelineOptions<TernaryGPUOptions> {
  PassOptions::Option<std::string> chip{
      *this, "chip",
      llvm::cl::desc("The NVIDIA architecture of the PTX (sm_80 or sm_90)"),
      llvm::cl::init("sm_80")};
  PassOptions::Option<int64_t> gemvMaxBatch{
      *this, "gemv-max-batch",
      llvm::cl::desc("The largest batch that runs the byte GEMV kernel "
                     "(K % 16 != 0; with K % 16 == 0 the tensor cores take "
                     "every batch above one)"),
      llvm::cl::init(16)};
  PassOptions::Option<bool> int8StagedX{
      *this, "int8-staged-x",
      llvm::cl::desc("convert-ternary-to-gpu int8-staged-x: the one-row "
                     "int8 GEMV stages x in shared memory"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> f32FixedPoint{
      *this, "f32-fixed-point",
      llvm::cl::desc("convert-ternary-to-gpu f32-fixed-point: the one-row "
                     "f32 GEMV in fixed point on the int8 tensor cores"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> int8MmaGemv{
      *this, "int8-mma-gemv",
      llvm::cl::desc("convert-ternary-to-gpu int8-mma-gemv: the one-row "
                     "int8 GEMV on the int8 tensor cores"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> int8MmaCodes{
      *this, "int8-mma-codes",
      llvm::cl::desc("convert-ternary-to-gpu int8-mma-codes: the int8 "
                     "tensor-core kernel of more rows with the trit codes as "
                     "unsigned B"),
      llvm::cl::init(false)};
  PassOptions::Option<std::string> activations{
      *this, "activations",
      llvm::cl::desc("convert-ternary-to-gpu activations: f32, or int8 "
                     "(W1.58A8: f32 matmuls with K % 64 == 0 quantize each "
                     "row to int8 and sum exactly on the int8 kernels)"),
      llvm::cl::init("f32")};
  PassOptions::Option<std::string> cudaPath{
      *this, "cuda-path",
      llvm::cl::desc("The CUDA toolkit whose libdevice is linked into the "
                     "kernels (default: $CUDA_PATH, $CUDA_HOME, $CUDA_ROOT, "
                     "/usr/local/cuda, the newest /usr/local/cuda-*)"),
      llvm::cl::init("")};
  PassOptions::Option<bool> emulator{
      *this, "emulator",
      llvm::cl::desc("Stop before the NVVM lowering: the kernels stay "
                     "gpu.funcs, for the CPU emulator (--emit=emulator)"),
      llvm::cl::init(false)};
};

/// The CUDA toolkit to take libdevice from (see TernaryGPUOptions::cudaPath),
/// or "" when none is found.
std::string findCUDAToolkit();

/// The chips the PTX target compiles for.
bool isSupportedGPUChip(llvm::StringRef chip);

/// The pipeline of --target=ptx after ternary-optimize: flattening,
/// convert-ternary-to-gpu, bufferization, linalg -> parallel loops -> gpu,
/// kernel outlining, the NVVM lowering of the gpu.modules and
/// gpu-module-to-binary format=isa. The host functions stay (memref ops and
/// gpu.launch_func) for the launch manifest.
void buildTernaryGPUPipeline(mlir::OpPassManager &pm,
                             const TernaryGPUOptions &options);

/// Writes the directory of a module made by buildTernaryGPUPipeline:
/// {name}.ptx, the launch manifest {name}.json and, when the program has
/// constants (bound weights), {name}.weights.bin.
/// With `emulator` (a module of ternary-gpu{emulator}), {name}.emulator.o
/// replaces the PTX: the kernels compiled for this CPU (emitGPUEmulatorObject).
mlir::LogicalResult emitPTXDirectory(mlir::ModuleOp module,
                                     llvm::SmallVectorImpl<TargetFile> &files,
                                     bool emulator = false);

/// The kernels of `kernels` (gpu.funcs, before the NVVM lowering) as a
/// relocatable object for this CPU that the emulator of runtime/cuda runs
/// (tri_emulator.h): each kernel K has the entry point
/// `__tri_emu_kernel_K(void **params)`. Errors are reported on the ops.
mlir::LogicalResult emitGPUEmulatorObject(mlir::gpu::GPUModuleOp kernels,
                                          std::string &object);

/// Registers ternary-gpu-kernels-to-host (GPUEmulator.cpp) for triton-opt.
void registerGPUEmulatorPasses();

} // namespace tritondsl

#endif // TRITONDSL_TARGET_PTX_PTXTARGET_H
