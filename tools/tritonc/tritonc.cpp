//===- tritonc.cpp - One-shot driver of the Triton DSL compiler -----------===//
#include "triton/Frontend/Parser.h"
#include "triton/Frontend/Sema.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir::triton::frontend;

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  static llvm::cl::opt<std::string> inputFilename(
      llvm::cl::Positional, llvm::cl::desc("<input .tri file>"),
      llvm::cl::init("-"));
  llvm::cl::ParseCommandLineOptions(argc, argv, "tritonc\n");
  auto file = llvm::MemoryBuffer::getFileOrSTDIN(inputFilename);
  if (!file) {
    llvm::errs() << "tritonc: cannot read '" << inputFilename << "'\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  unsigned id = sourceMgr.AddNewSourceBuffer(std::move(*file), llvm::SMLoc());
  DiagnosticEngine diag(sourceMgr, id, llvm::errs());
  auto module = parseModule(diag);
  if (!module)
    return 1;
  if (!checkModule(*module, diag))
    return 1;
  dumpAST(*module, llvm::outs());
  return 0;
}
