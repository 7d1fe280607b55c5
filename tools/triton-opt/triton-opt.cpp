//===- triton-opt.cpp - The ternary compiler's optimizer driver -----------===//
//
// mlir-opt with the ternary dialect and its passes: runs any pass or pipeline
// on .mlir input, e.g. `triton-opt -canonicalize model.mlir`.
//
//===----------------------------------------------------------------------===//
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "triton/InitAll.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::triton::registerAllDialects(registry);
  mlir::triton::registerAllPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv,
      "triton-opt: optimizer driver of the Triton DSL ternary neural-network "
      "compiler (ternary dialect + all upstream MLIR dialects and passes)\n",
      registry));
}
