//===- PTXEmitterTest.cpp - refusals of the PTX directory writer ----------===//
//
// emitPTXDirectory (lib/Target/PTX/PTXEmitter.cpp) on modules that tritonc
// never builds but a caller of the library can: each is refused with an
// error located at the op, and no file is produced. The refusals the
// pipeline can reach are lit tests (test/Target/PTX).
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Target/PTX/PTXTarget.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "gtest/gtest.h"

#include <cstring>
#include <string>
#include <utility>

using namespace mlir;

namespace {
class PTXEmitterTest : public ::testing::Test {
protected:
  PTXEmitterTest() {
    context.loadDialect<arith::ArithDialect, func::FuncDialect,
                        gpu::GPUDialect, memref::MemRefDialect,
                        NVVM::NVVMDialect, scf::SCFDialect>();
  }

  /// Parses `source` and writes its directory; returns the diagnostics
  /// ("line:column: message" each) and whether the writer failed.
  bool emitFails(const char *source, std::string &diagnostics,
                 bool emulator = false) {
    files.clear();
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(source, &context, "input.mlir");
    EXPECT_TRUE(module) << "the test's module does not parse";
    if (!module)
      return false;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diagnostic) {
      if (auto at = dyn_cast<FileLineColLoc>(diagnostic.getLocation()))
        diagnostics += std::to_string(at.getLine()) + ":" +
                       std::to_string(at.getColumn()) + ": ";
      diagnostics += diagnostic.str() + "\n";
      return success();
    });
    bool failed =
        mlir::failed(tritondsl::emitPTXDirectory(*module, files, emulator));
    EXPECT_TRUE(files.empty() || !failed)
        << "a refused module must produce no file";
    return failed;
  }

  /// The manifest of the last module written.
  std::string manifest() const {
    for (const tritondsl::TargetFile &file : files)
      if (StringRef(file.name).ends_with(".json"))
        return file.contents;
    return "";
  }

  MLIRContext context;
  SmallVector<tritondsl::TargetFile> files;
};

// A reshape of a subview whose stride is known on the host only: the
// manifest's views take the strides of a reshape's type, which are dynamic
// here.
TEST_F(PTXEmitterTest, ReshapeOfDynamicallyStridedViewIsRefused) {
  const char *source = R"mlir(
func.func @f(%a: memref<?xf32>, %out: memref<?x2xf32>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  %step = arith.divui %n, %c4 : index
  %v = memref.subview %a[0] [4] [%step]
      : memref<?xf32> to memref<4xf32, strided<[?]>>
  %e = memref.expand_shape %v [[0, 1]] output_shape [2, 2]
      : memref<4xf32, strided<[?]>> into memref<2x2xf32, strided<[?, ?]>>
  memref.copy %e, %out : memref<2x2xf32, strided<[?, ?]>> to memref<?x2xf32>
  return
}
)mlir";
  std::string diagnostics;
  EXPECT_TRUE(emitFails(source, diagnostics));
  EXPECT_EQ(diagnostics,
            "10:8: --target=ptx: a reshape of a strided view with dynamic "
            "strides is not supported on the host\n");
}

// The same module with static strides is described: the refusal is the
// dynamic stride, not the reshape of a view.
TEST_F(PTXEmitterTest, ReshapeOfStaticallyStridedViewIsDescribed) {
  const char *source = R"mlir(
func.func @f(%a: memref<?xf32>, %out: memref<?x2xf32>) {
  %v = memref.subview %a[0] [4] [2]
      : memref<?xf32> to memref<4xf32, strided<[2]>>
  %e = memref.expand_shape %v [[0, 1]] output_shape [2, 2]
      : memref<4xf32, strided<[2]>> into memref<2x2xf32, strided<[4, 2]>>
  memref.copy %e, %out : memref<2x2xf32, strided<[4, 2]>> to memref<?x2xf32>
  return
}
)mlir";
  std::string diagnostics;
  EXPECT_FALSE(emitFails(source, diagnostics));
  EXPECT_EQ(diagnostics, "");
  // The copy reads the 2x2 view of argument 0 with strides 4 and 2.
  std::string json = manifest();
  std::string compact;
  for (char c : json)
    if (!isspace(static_cast<unsigned char>(c)))
      compact += c;
  EXPECT_NE(compact.find("\"strides\":[[4],[2]]"), std::string::npos)
      << json;
}

// --emit=emulator compiles the gpu.module of ternary-gpu{emulator=true}
// for this CPU; a module whose kernels are already a gpu.binary (PTX) has
// nothing it can compile.
TEST_F(PTXEmitterTest, EmulatorRefusesCompiledKernels) {
  const char *source = R"mlir(
module attributes {gpu.container_module} {
  gpu.binary @ternary_kernels [#gpu.object<#nvvm.target<chip = "sm_80">,
                                           assembly = "// PTX">]
  func.func @f(%a: memref<4xf32>) {
    return
  }
}
)mlir";
  std::string diagnostics;
  EXPECT_TRUE(emitFails(source, diagnostics, /*emulator=*/true));
  EXPECT_EQ(diagnostics,
            "3:3: --emit=emulator: the kernels were compiled to a "
            "gpu.binary; run ternary-gpu{emulator=true}\n");
  // Without the emulator the same binary is the PTX target's input.
  diagnostics.clear();
  EXPECT_FALSE(emitFails(source, diagnostics));
  EXPECT_EQ(diagnostics, "");
}

// A host op the launch manifest cannot describe: a call of a function of
// the module. Only the runner's SM count (@__tri_multiprocessor_count() ->
// index, declared by convert-ternary-to-gpu) is a call the manifest names;
// that name with another type is such a call too.
TEST_F(PTXEmitterTest, HostCallIsRefused) {
  const std::string module = R"mlir(
func.func private @CALLEE() -> TYPE
func.func @f(%a: memref<?xf32>, %out: memref<?xf32>) {
  %n = func.call @CALLEE() : () -> TYPE
  memref.copy %a, %out : memref<?xf32> to memref<?xf32>
  return
}
)mlir";
  for (auto [callee, type] : {std::pair{"other", "index"},
                              std::pair{"__tri_multiprocessor_count", "i32"}}) {
    std::string source = module;
    for (auto [from, to] :
         {std::pair{"CALLEE", callee}, std::pair{"TYPE", type}})
      for (size_t at; (at = source.find(from)) != std::string::npos;)
        source.replace(at, std::strlen(from), to);
    std::string diagnostics;
    EXPECT_TRUE(emitFails(source.c_str(), diagnostics)) << callee;
    EXPECT_EQ(diagnostics,
              "4:8: --target=ptx: 'func.call' cannot run on the host: the "
              "launch manifest describes buffers, views, copies and kernel "
              "launches only\n")
        << callee;
  }
}

// An scf.if whose branches yield values: the manifest's steps carry a
// condition, not values.
TEST_F(PTXEmitterTest, HostIfWithResultsIsRefused) {
  const char *source = R"mlir(
func.func @f(%a: memref<?xf32>, %out: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  %big = arith.cmpi ugt, %n, %c0 : index
  %m = scf.if %big -> (index) {
    scf.yield %n : index
  } else {
    scf.yield %c0 : index
  }
  memref.copy %a, %out : memref<?xf32> to memref<?xf32>
  return
}
)mlir";
  std::string diagnostics;
  EXPECT_TRUE(emitFails(source, diagnostics));
  EXPECT_EQ(diagnostics, "6:8: --target=ptx: an scf.if with results cannot "
                         "run on the host\n");
}
} // namespace
