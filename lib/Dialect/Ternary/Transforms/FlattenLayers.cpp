//===- FlattenLayers.cpp - Layers to plain functions ----------------------===//
//
// ternary-flatten-layers: the network structure (ternary.layer, param,
// get_param, call) becomes module-level functions, constants and leading
// arguments, so that upstream lowerings can run (see Passes.td for the
// calling convention).
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Dialect/Ternary/Transforms/Passes.h"
#include "tritondsl/Support/PassCounters.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::ternary {
#define GEN_PASS_DEF_TERNARYFLATTENLAYERS
#include "tritondsl/Dialect/Ternary/Transforms/Passes.h.inc"
} // namespace mlir::ternary

using namespace mlir;
using namespace mlir::ternary;

namespace {

struct TernaryFlattenLayersPass
    : ternary::impl::TernaryFlattenLayersBase<TernaryFlattenLayersPass>,
      tritondsl::CountingPass {
  tritondsl::PassCounter numFlattenedFunctions{
      "flattened-functions", "Layer functions moved to the module"};
  tritondsl::PassCounter numConstantParams{
      "constant-params", "Reads of initialized params turned into constants"};
  tritondsl::PassCounter numArgumentParams{
      "argument-params", "Leading arguments added for params without a value"};
  SmallVector<tritondsl::PassCounter *> getCounters() override {
    return {&numFlattenedFunctions, &numConstantParams, &numArgumentParams};
  }
  void runOnOperation() override;
};

/// The attribute naming the param that a leading argument carries.
constexpr llvm::StringLiteral kParamArgAttr = "ternary.param";
/// The attribute naming the layer function a public function was made from.
constexpr llvm::StringLiteral kOriginAttr = "ternary.origin";

void TernaryFlattenLayersPass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *context = &getContext();
  SmallVector<LayerOp> layers(module.getOps<LayerOp>());

  // Every function that may read params or call layers, and its new name.
  SmallVector<func::FuncOp> functions;
  DenseMap<Operation *, std::string> newNames;
  DenseMap<Operation *, LayerOp> layerOf;
  // Every symbol of the module: a flattened name must not clash with one.
  llvm::StringSet<> takenNames;
  for (Operation &op : module.getBody()->getOperations())
    if (auto symbol = dyn_cast<SymbolOpInterface>(op))
      takenNames.insert(symbol.getName());
  for (func::FuncOp func : module.getOps<func::FuncOp>())
    functions.push_back(func);
  for (LayerOp layer : layers)
    for (func::FuncOp func : layer.getBodyBlock().getOps<func::FuncOp>()) {
      std::string name = (layer.getSymName() + "_" + func.getSymName()).str();
      if (!takenNames.insert(name).second) {
        func.emitError("flattened name '@")
            << name << "' of '@" << layer.getSymName() << "::@"
            << func.getSymName() << "' is already taken";
        return signalPassFailure();
      }
      functions.push_back(func);
      newNames[func] = name;
      layerOf[func] = layer;
    }

  // Params in module order; those without a value become arguments.
  SmallVector<ParamOp> runtimeParams;
  DenseMap<Operation *, unsigned> runtimeIndex;
  for (LayerOp layer : layers)
    for (ParamOp param : layer.getBodyBlock().getOps<ParamOp>())
      if (!param.getInitialValue()) {
        runtimeIndex[param] = runtimeParams.size();
        runtimeParams.push_back(param);
      }

  // Resolve every read and call while the layers still exist.
  DenseMap<Operation *, ParamOp> paramOfRead;
  DenseMap<Operation *, func::FuncOp> calleeOf;
  // The callees of each function, for the fixed point below.
  DenseMap<Operation *, SmallVector<func::FuncOp>> calleesIn;
  DenseMap<Operation *, llvm::BitVector> needs;
  bool failedResolve = false;
  SymbolTableCollection symbolTables;
  for (func::FuncOp func : functions) {
    llvm::BitVector &need = needs[func];
    need.resize(runtimeParams.size());
    func.walk([&](Operation *op) {
      if (auto read = dyn_cast<GetParamOp>(op)) {
        auto layer = read->getParentOfType<LayerOp>();
        auto param = layer ? layer.lookupSymbol<ParamOp>(read.getNameAttr())
                           : ParamOp();
        if (!param) {
          read.emitError("cannot resolve param '") << read.getName() << "'";
          failedResolve = true;
          return;
        }
        paramOfRead[read] = param;
        if (!param.getInitialValue())
          need.set(runtimeIndex[param]);
      } else if (auto call = dyn_cast<CallOp>(op)) {
        func::FuncOp callee = call.resolveCallee(symbolTables);
        if (!callee) {
          call.emitError("cannot resolve callee ") << call.getCallee();
          failedResolve = true;
          return;
        }
        calleeOf[call] = callee;
        calleesIn[func].push_back(callee);
      }
    });
  }
  if (failedResolve)
    return signalPassFailure();

  // What a function needs includes what its callees need (to a fixed point,
  // so that recursive calls are fine). Callees are visited before callers
  // in source order (a layer calls layers defined above it), so one sweep
  // usually settles it; each sweep is linear in the number of calls.
  if (!runtimeParams.empty()) {
    for (bool changed = true; changed;) {
      changed = false;
      for (func::FuncOp func : functions) {
        // Every function has its entry already: these lookups insert
        // nothing, so the references stay valid.
        auto callees = calleesIn.find(func);
        if (callees == calleesIn.end())
          continue;
        llvm::BitVector &need = needs.find(func)->second;
        for (func::FuncOp callee : callees->second) {
          auto calleeNeed = needs.find(callee);
          if (calleeNeed == needs.end() || calleeNeed->second.subsetOf(need))
            continue;
          need |= calleeNeed->second;
          changed = true;
        }
      }
    }
  }

  // Leading arguments, then reads and calls.
  for (func::FuncOp func : functions) {
    const llvm::BitVector &need = needs[func];
    SmallVector<unsigned> indices;
    SmallVector<Type> types;
    SmallVector<DictionaryAttr> attrs;
    SmallVector<Location> locs;
    DenseMap<Operation *, unsigned> argumentOf;
    for (unsigned index : need.set_bits()) {
      ParamOp param = runtimeParams[index];
      auto layer = cast<LayerOp>(param->getParentOp());
      argumentOf[param] = indices.size();
      indices.push_back(0);
      types.push_back(param.getType());
      attrs.push_back(DictionaryAttr::get(
          context, {NamedAttribute(
                       StringAttr::get(context, kParamArgAttr),
                       SymbolRefAttr::get(layer.getSymNameAttr(),
                                          {FlatSymbolRefAttr::get(
                                              param.getSymNameAttr())}))}));
      locs.push_back(param.getLoc());
    }
    if (!indices.empty()) {
      if (func.isExternal()) {
        func.emitError("external function cannot receive params");
        return signalPassFailure();
      }
      if (failed(func.insertArguments(indices, types, attrs, locs))) {
        func.emitError("cannot add the param arguments");
        return signalPassFailure();
      }
      numArgumentParams += indices.size();
    }

    SmallVector<Operation *> structural;
    func.walk([&](Operation *op) {
      if (isa<GetParamOp, CallOp>(op))
        structural.push_back(op);
    });
    for (Operation *op : structural) {
      OpBuilder builder(op);
      if (auto read = dyn_cast<GetParamOp>(op)) {
        ParamOp param = paramOfRead[read];
        Value value;
        if (std::optional<ElementsAttr> init = param.getInitialValue()) {
          if (auto packed = dyn_cast<PackedTensorType>(param.getType()))
            value = ConstantOp::create(builder, read.getLoc(), packed, *init);
          else
            value = arith::ConstantOp::create(builder, read.getLoc(),
                                              cast<TypedAttr>(*init));
          ++numConstantParams;
        } else {
          value = func.getArgument(argumentOf[param]);
        }
        read.getResult().replaceAllUsesWith(value);
        read.erase();
        continue;
      }
      auto call = cast<CallOp>(op);
      func::FuncOp callee = calleeOf[call];
      SmallVector<Value> operands;
      for (unsigned index : needs[callee].set_bits())
        operands.push_back(
            func.getArgument(argumentOf[runtimeParams[index]]));
      llvm::append_range(operands, call.getOperands());
      auto nameIt = newNames.find(callee);
      StringRef name =
          nameIt == newNames.end() ? callee.getSymName() : nameIt->second;
      auto newCall = func::CallOp::create(builder, call.getLoc(), name,
                                          call.getResultTypes(), operands);
      call.replaceAllUsesWith(newCall.getResults());
      call.erase();
    }
  }

  // Move the layer functions out, then drop the layers.
  for (func::FuncOp func : functions) {
    auto layerIt = layerOf.find(func);
    if (layerIt == layerOf.end())
      continue;
    func->moveBefore(layerIt->second);
    StringAttr originalName = func.getSymNameAttr();
    func.setSymName(newNames[func]);
    if (func.isPublic()) {
      func->setAttr("llvm.emit_c_interface", UnitAttr::get(context));
      // Where it came from, for ternary-entry-manifest.
      func->setAttr(kOriginAttr,
                    SymbolRefAttr::get(layerIt->second.getSymNameAttr(),
                                       {FlatSymbolRefAttr::get(originalName)}));
    }
    ++numFlattenedFunctions;
  }
  for (LayerOp layer : layers)
    layer.erase();
}

} // namespace
