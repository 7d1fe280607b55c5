//===- triton-translate.cpp - The ternary compiler's translation driver ---===//
//
// mlir-translate with the ternary dialect: the registration point of the
// Triton DSL compiler's translations (DSL import and the PyTorch, ONNX, PTX
// and ACALSim targets) next to MLIR's own (e.g. --mlir-to-llvmir).
//
//===----------------------------------------------------------------------===//
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "tritondsl/InitAll.h"

int main(int argc, char **argv) {
  tritondsl::registerAllTranslations();
  return mlir::failed(mlir::mlirTranslateMain(
      argc, argv,
      "triton-translate: translation driver of the Triton DSL ternary "
      "neural-network compiler\n"));
}
