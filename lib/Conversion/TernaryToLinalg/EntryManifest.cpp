//===- EntryManifest.cpp - The entry points of an object, as JSON ---------===//
//
// ternary-entry-manifest: after ternary-flatten-layers, describes every
// public layer function (its C entry point, the params it takes as leading
// arguments, its inputs, scalar ones marked, and results) in the exported
// string constant `__tritondsl_manifest`, which triton_dsl.cpu.load reads
// (Passes.td).
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Conversion/Passes.h"
#include "tritondsl/Dialect/Ternary/IR/TernaryDialect.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "llvm/Support/JSON.h"

namespace tritondsl {
#define GEN_PASS_DEF_TERNARYENTRYMANIFEST
#include "tritondsl/Conversion/Passes.h.inc"
} // namespace tritondsl

using namespace mlir;
using namespace tritondsl;

namespace {

constexpr llvm::StringLiteral kOriginAttr = "ternary.origin";
constexpr llvm::StringLiteral kParamArgAttr = "ternary.param";
constexpr llvm::StringLiteral kManifestSymbol = "__tritondsl_manifest";

/// "f32", "i8", "ui8", ... for the element types the loader can pass.
std::optional<std::string> dtypeName(Type type) {
  if (type.isF16())
    return std::string("f16");
  if (type.isBF16())
    return std::string("bf16");
  if (type.isF32())
    return std::string("f32");
  if (type.isF64())
    return std::string("f64");
  if (auto integer = dyn_cast<IntegerType>(type)) {
    if (integer.isSignless() || integer.isSigned())
      return ("i" + llvm::Twine(integer.getWidth())).str();
    return ("ui" + llvm::Twine(integer.getWidth())).str();
  }
  return std::nullopt;
}

void writeShape(llvm::json::OStream &json, ArrayRef<int64_t> shape) {
  json.attributeArray("shape", [&] {
    for (int64_t size : shape) {
      if (ShapedType::isDynamic(size))
        json.value(nullptr);
      else
        json.value(size);
    }
  });
}

void writeType(llvm::json::OStream &json, Type type) {
  if (auto packed = dyn_cast<ternary::PackedTensorType>(type)) {
    json.attribute("dtype", "packed");
    writeShape(json, packed.getShape());
    json.attribute("encoding",
                   ternary::stringifyEncoding(packed.getEncoding()));
    json.attribute("axis", static_cast<int64_t>(packed.getPackedAxis()));
    json.attributeArray("storage", [&] {
      for (int64_t size : getPackedStorageType(packed).getShape())
        ShapedType::isDynamic(size) ? json.value(nullptr) : json.value(size);
    });
    return;
  }
  // A scalar argument (`s: f32`) is passed by value: "scalar": true.
  if (type.isIntOrFloat()) {
    if (std::optional<std::string> dtype = dtypeName(type)) {
      json.attribute("dtype", *dtype);
      writeShape(json, {});
      json.attribute("scalar", true);
      return;
    }
  }
  auto tensor = dyn_cast<RankedTensorType>(type);
  std::optional<std::string> dtype =
      tensor ? dtypeName(tensor.getElementType()) : std::nullopt;
  if (!dtype) {
    json.attribute("dtype", "unsupported");
    std::string text;
    llvm::raw_string_ostream os(text);
    type.print(os);
    json.attribute("type", text);
    return;
  }
  json.attribute("dtype", *dtype);
  writeShape(json, tensor.getShape());
}

struct TernaryEntryManifestPass
    : tritondsl::impl::TernaryEntryManifestBase<TernaryEntryManifestPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (module.lookupSymbol(kManifestSymbol)) {
      module.emitError("the symbol '")
          << kManifestSymbol << "' is taken (is the manifest there already?)";
      return signalPassFailure();
    }
    std::string text;
    llvm::raw_string_ostream os(text);
    llvm::json::OStream json(os);
    json.object([&] {
      json.attribute("version", 1);
      json.attributeArray("functions", [&] {
        for (func::FuncOp func : module.getOps<func::FuncOp>()) {
          auto origin = func->getAttrOfType<SymbolRefAttr>(kOriginAttr);
          if (!origin)
            continue;
          func->removeAttr(kOriginAttr);
          if (!func.isPublic() || origin.getNestedReferences().size() != 1)
            continue;
          json.object([&] {
            json.attribute("layer", origin.getRootReference().getValue());
            json.attribute("function", origin.getLeafReference().getValue());
            json.attribute("symbol",
                           ("_mlir_ciface_" + func.getSymName()).str());
            json.attributeArray("arguments", [&] {
              for (auto [index, type] :
                   llvm::enumerate(func.getArgumentTypes()))
                json.object([&] {
                  if (auto param = func.getArgAttrOfType<SymbolRefAttr>(
                          index, kParamArgAttr))
                    json.attribute(
                        "param", (param.getRootReference().getValue() + "." +
                                  param.getLeafReference().getValue())
                                     .str());
                  writeType(json, type);
                });
            });
            json.attributeArray("results", [&] {
              for (Type type : func.getResultTypes())
                json.object([&] { writeType(json, type); });
            });
          });
        }
      });
    });
    text.push_back('\0');

    OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
    auto type = LLVM::LLVMArrayType::get(builder.getI8Type(), text.size());
    LLVM::GlobalOp::create(builder, module.getLoc(), type, /*isConstant=*/true,
                           LLVM::Linkage::External, kManifestSymbol,
                           builder.getStringAttr(text));
  }
};

} // namespace
