//===- ObjectEmitter.cpp - LLVM dialect to a native object file -----------===//
//
// Not upstream's mlir::LLVM::ModuleToObject (in libMLIR.so; it translates,
// runs makeOptimizingTransformer and has a moduleToObject hook): it makes its
// target machine in the non-virtual getOrCreateTargetMachine() without a
// relocation model, i.e. the static model on x86-64 Linux, keeps it private,
// and llvm::TargetMachine has no setter for the model. Static code takes the
// address of a constant with R_X86_64_32/32S relocations, which `cc -shared`
// refuses (with LLVM 22.1.8 the mlp, int8 and classifier models of
// test/e2e/cpu do not link). A subclass would need a second, PIC machine for
// code generation while the optimizer used the static one; here one PIC
// machine (host CPU and features, or the given triple) does both.
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Target/CPU/ObjectEmitter.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/StandardInstrumentations.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;

/// LLVM's default -O`optLevel` module pipeline, as `opt -O<n>` runs it, with
/// the standard instrumentations, so that functions marked `optnone` (the
/// call glue of triton-expand-function-instances) are left alone, which
/// upstream's makeOptimizingTransformer (no instrumentation) does not do.
static void optimizeModule(llvm::Module &module, llvm::TargetMachine &machine,
                           unsigned optLevel) {
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager cgsccs;
  llvm::ModuleAnalysisManager modules;
  llvm::PassInstrumentationCallbacks callbacks;
  llvm::StandardInstrumentations instrumentations(module.getContext(),
                                                  /*DebugLogging=*/false);
  instrumentations.registerCallbacks(callbacks, &modules);
  llvm::PipelineTuningOptions tuning;
  tuning.LoopUnrolling = true;
  tuning.LoopInterleaving = true;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  llvm::PassBuilder builder(&machine, tuning, std::nullopt, &callbacks);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(cgsccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, cgsccs, modules);
  llvm::OptimizationLevel level = optLevel == 0   ? llvm::OptimizationLevel::O0
                                  : optLevel == 1 ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
  llvm::ModulePassManager pipeline =
      optLevel == 0 ? builder.buildO0DefaultPipeline(level)
                    : builder.buildPerModuleDefaultPipeline(level);
  pipeline.run(module, modules);
}

LogicalResult tritondsl::emitObjectFile(ModuleOp module,
                                           llvm::raw_pwrite_stream &os,
                                           unsigned optLevel,
                                           llvm::StringRef triple) {
  if (optLevel > 3)
    return module.emitError("LLVM optimization level must be 0..3, got ")
           << optLevel;
  // Once per process: the target registry is not safe to fill from several
  // threads at a time (the Python module compiles on any thread).
  static const bool initialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)initialized;
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  module.getContext()->appendDialectRegistry(registry);

  // `ternary.param` argument attributes document which arguments carry a
  // layer's params (docs/targets/cpu.md); they mean nothing to LLVM, whose
  // translation would warn about them.
  module.walk([](LLVM::LLVMFuncOp func) {
    for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
      func.removeArgAttr(i, "ternary.param");
  });

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext);
  if (!llvmModule)
    return module.emitError("cannot translate the module to LLVM IR (is it "
                            "in the LLVM dialect only? run -ternary-cpu)");

  bool host = triple.empty();
  llvm::Triple targetTriple(host ? llvm::sys::getDefaultTargetTriple()
                                 : triple.str());
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(targetTriple, error);
  if (!target)
    return module.emitError("no LLVM target for '")
           << targetTriple.str() << "': " << error;
  std::string cpu = host ? llvm::sys::getHostCPUName().str() : "";
  std::string features;
  if (host) {
    llvm::SubtargetFeatures subtarget;
    for (const auto &[feature, enabled] : llvm::sys::getHostCPUFeatures())
      subtarget.AddFeature(feature, enabled);
    features = subtarget.getString();
  }
  llvm::CodeGenOptLevel codegenLevel =
      optLevel == 0   ? llvm::CodeGenOptLevel::None
      : optLevel == 1 ? llvm::CodeGenOptLevel::Less
      : optLevel == 2 ? llvm::CodeGenOptLevel::Default
                      : llvm::CodeGenOptLevel::Aggressive;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      targetTriple, cpu, features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      std::nullopt, codegenLevel));
  if (!machine)
    return module.emitError("cannot create a target machine for '")
           << targetTriple.str() << "'";
  llvmModule->setTargetTriple(targetTriple);
  llvmModule->setDataLayout(machine->createDataLayout());

  optimizeModule(*llvmModule, *machine, optLevel);

  llvm::legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, os, nullptr,
                                   llvm::CodeGenFileType::ObjectFile))
    return module.emitError("the target cannot emit object files");
  codegen.run(*llvmModule);
  return success();
}
