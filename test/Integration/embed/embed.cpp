// Embeds the ternary dialect in another program: registers it, parses IR with
// a packed constant, verifies it, folds an unpack and prints the trits.
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "tritondsl/Dialect/Ternary/IR/TernaryOps.h"
#include "llvm/Support/raw_ostream.h"

int main() {
  mlir::DialectRegistry registry;
  mlir::ternary::registerTernaryDialect(registry);
  mlir::MLIRContext context(registry);
  const char *source = R"mlir(
    func.func @seed() -> tensor<6xi8> {
      %p = ternary.constant dense<[146, 81]> : tensor<2xui8> -> !ternary.packed<6>
      %t = ternary.unpack %p : !ternary.packed<6> -> tensor<6xi8>
      return %t : tensor<6xi8>
    })mlir";
  auto module = mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  if (!module || mlir::failed(mlir::verify(*module)))
    return 1;
  auto type = mlir::ternary::PackedTensorType::get(&context, {784, 10});
  llvm::outs() << "storage bytes of " << type << ": "
               << *type.getStorageBytes() << "\n";
  mlir::ternary::UnpackOp unpack;
  module->walk([&](mlir::ternary::UnpackOp op) { unpack = op; });
  llvm::SmallVector<mlir::OpFoldResult> folded;
  if (!unpack || mlir::failed(unpack->fold(folded)) || folded.empty())
    return 2;
  llvm::outs() << "unpacked seed: "
               << llvm::cast<mlir::Attribute>(folded.front()) << "\n";
  return 0;
}
