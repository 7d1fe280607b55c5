//===- FunctionInstances.cpp - Lower one copy of near-identical functions -===//
//
// triton-fold-function-instances: functions that differ only in the symbols
// they reference (the callee below them, their weight globals) become
// declarations recorded on one template function, which alone goes through
// the lowering. triton-expand-function-instances copies the lowered template
// back into each of them (Passes.td).
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Conversion/Passes.h"
#include "tritondsl/Support/PassCounters.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseMap.h"

namespace tritondsl {
#define GEN_PASS_DEF_FOLDFUNCTIONINSTANCES
#define GEN_PASS_DEF_EXPANDFUNCTIONINSTANCES
#include "tritondsl/Conversion/Passes.h.inc"
} // namespace tritondsl

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kInstancesAttr = "ternary.instances";
constexpr llvm::StringLiteral kCInterfacePrefix = "_mlir_ciface_";

//===----------------------------------------------------------------------===//
// Comparing functions up to the symbols they reference
//===----------------------------------------------------------------------===//

/// The attributes of `op` (inherent and discardable; a function's own name
/// left out) with every symbol reference replaced by one placeholder, and
/// the references in the order the replacement met them.
DictionaryAttr normalizeAttributes(Operation *op, FlatSymbolRefAttr placeholder,
                                   SmallVectorImpl<SymbolRefAttr> &refs) {
  DictionaryAttr dict = op->getAttrDictionary();
  if (isa<SymbolOpInterface>(op)) {
    NamedAttrList list(dict);
    list.erase(SymbolTable::getSymbolAttrName());
    dict = list.getDictionary(op->getContext());
  }
  bool hasRefs = false;
  dict.walk([&](SymbolRefAttr) { hasRefs = true; });
  if (!hasRefs)
    return dict;
  // A fresh replacer: its cache would hide a second use of one symbol.
  AttrTypeReplacer replacer;
  replacer.addReplacement([&](SymbolRefAttr ref) {
    refs.push_back(ref);
    return std::make_pair(Attribute(placeholder), WalkResult::skip());
  });
  return cast<DictionaryAttr>(replacer.replace(dict));
}

/// A structural hash of `func` that equal-up-to-symbols functions share.
llvm::hash_code hashFunction(func::FuncOp func, FlatSymbolRefAttr placeholder) {
  SmallVector<SymbolRefAttr> refs;
  llvm::hash_code hash =
      hash_value(normalizeAttributes(func, placeholder, refs));
  func.getBody().walk([&](Operation *op) {
    refs.clear();
    hash = llvm::hash_combine(
        hash, op->getName(), op->getResultTypes(), op->getNumOperands(),
        op->getNumRegions(), normalizeAttributes(op, placeholder, refs));
  });
  return hash;
}

/// Whether the symbol `instance` can stand for `template_` in an instance of
/// a function: both of the same kind, so the code that uses them is the
/// same.
bool interchangeable(SymbolTable &symbols, StringAttr template_,
                     StringAttr instance) {
  if (template_ == instance)
    return true;
  Operation *lhs = symbols.lookup(template_);
  Operation *rhs = symbols.lookup(instance);
  if (!lhs || !rhs)
    return false;
  if (auto lhsFunc = dyn_cast<func::FuncOp>(lhs)) {
    auto rhsFunc = dyn_cast<func::FuncOp>(rhs);
    return rhsFunc && lhsFunc.getFunctionType() == rhsFunc.getFunctionType() &&
           lhsFunc.getVisibility() == rhsFunc.getVisibility() &&
           lhsFunc.isExternal() == rhsFunc.isExternal();
  }
  if (auto lhsGlobal = dyn_cast<memref::GlobalOp>(lhs)) {
    auto rhsGlobal = dyn_cast<memref::GlobalOp>(rhs);
    return rhsGlobal && lhsGlobal.getType() == rhsGlobal.getType() &&
           lhsGlobal.getConstant() == rhsGlobal.getConstant() &&
           lhsGlobal.getAlignment() == rhsGlobal.getAlignment() &&
           lhsGlobal.getVisibility() == rhsGlobal.getVisibility();
  }
  return false;
}

/// Compares a template function with a candidate instance, building the
/// renaming of symbols (template -> instance) that turns one into the other.
class InstanceMatcher {
public:
  InstanceMatcher(SymbolTable &symbols, FlatSymbolRefAttr placeholder)
      : symbols(symbols), placeholder(placeholder) {}

  /// The renaming, template symbol first, when `instance` is `template_`
  /// with its symbols renamed.
  std::optional<SmallVector<std::pair<StringAttr, StringAttr>>>
  match(func::FuncOp template_, func::FuncOp instance) {
    renaming.clear();
    order.clear();
    values.clear();
    blocks.clear();
    // A call of the function itself stays one.
    if (!rename(SymbolRefAttr::get(template_.getSymNameAttr()),
                SymbolRefAttr::get(instance.getSymNameAttr())))
      return std::nullopt;
    if (!equalAttributes(template_, instance) ||
        !equalRegions(template_.getBody(), instance.getBody()))
      return std::nullopt;
    SmallVector<std::pair<StringAttr, StringAttr>> result;
    for (StringAttr from : order)
      result.push_back({from, renaming.lookup(from)});
    return result;
  }

private:
  bool rename(SymbolRefAttr from, SymbolRefAttr to) {
    // Nested references (@a::@b) are compared as they are.
    if (!from.getNestedReferences().empty() ||
        !to.getNestedReferences().empty())
      return from == to;
    auto [it, inserted] =
        renaming.try_emplace(from.getRootReference(), to.getRootReference());
    if (!inserted)
      return it->second == to.getRootReference();
    order.push_back(from.getRootReference());
    // The function itself maps to the instance, whatever its kind.
    if (order.size() == 1)
      return true;
    return interchangeable(symbols, from.getRootReference(),
                           to.getRootReference());
  }

  bool equalAttributes(Operation *lhs, Operation *rhs) {
    SmallVector<SymbolRefAttr> lhsRefs, rhsRefs;
    if (normalizeAttributes(lhs, placeholder, lhsRefs) !=
            normalizeAttributes(rhs, placeholder, rhsRefs) ||
        lhsRefs.size() != rhsRefs.size())
      return false;
    for (auto [from, to] : llvm::zip_equal(lhsRefs, rhsRefs))
      if (!rename(from, to))
        return false;
    return true;
  }

  bool equalRegions(Region &lhs, Region &rhs) {
    if (lhs.getBlocks().size() != rhs.getBlocks().size())
      return false;
    for (auto [lhsBlock, rhsBlock] : llvm::zip_equal(lhs, rhs)) {
      if (lhsBlock.getNumArguments() != rhsBlock.getNumArguments())
        return false;
      for (auto [lhsArg, rhsArg] : llvm::zip_equal(lhsBlock.getArguments(),
                                                   rhsBlock.getArguments())) {
        if (lhsArg.getType() != rhsArg.getType())
          return false;
        values[lhsArg] = rhsArg;
      }
      blocks[&lhsBlock] = &rhsBlock;
    }
    for (auto [lhsBlock, rhsBlock] : llvm::zip_equal(lhs, rhs)) {
      if (lhsBlock.getOperations().size() != rhsBlock.getOperations().size())
        return false;
      for (auto [lhsOp, rhsOp] : llvm::zip_equal(lhsBlock, rhsBlock))
        if (!equalOps(lhsOp, rhsOp))
          return false;
    }
    return true;
  }

  bool equalOps(Operation &lhs, Operation &rhs) {
    if (lhs.getName() != rhs.getName() ||
        lhs.getNumOperands() != rhs.getNumOperands() ||
        lhs.getResultTypes() != rhs.getResultTypes() ||
        lhs.getNumRegions() != rhs.getNumRegions() ||
        lhs.getNumSuccessors() != rhs.getNumSuccessors())
      return false;
    for (auto [lhsOperand, rhsOperand] :
         llvm::zip_equal(lhs.getOperands(), rhs.getOperands())) {
      // Operands defined later in the function (a graph region, a block
      // further on) are compared once they are known: not supported, and
      // rare enough not to matter here.
      Value mapped = values.lookup(lhsOperand);
      if (!mapped || mapped != rhsOperand)
        return false;
    }
    for (auto [lhsSucc, rhsSucc] :
         llvm::zip_equal(lhs.getSuccessors(), rhs.getSuccessors()))
      if (blocks.lookup(lhsSucc) != rhsSucc)
        return false;
    if (!equalAttributes(&lhs, &rhs))
      return false;
    for (auto [lhsRegion, rhsRegion] :
         llvm::zip_equal(lhs.getRegions(), rhs.getRegions()))
      if (!equalRegions(lhsRegion, rhsRegion))
        return false;
    for (auto [lhsResult, rhsResult] :
         llvm::zip_equal(lhs.getResults(), rhs.getResults()))
      values[lhsResult] = rhsResult;
    return true;
  }

  SymbolTable &symbols;
  FlatSymbolRefAttr placeholder;
  llvm::DenseMap<StringAttr, StringAttr> renaming;
  SmallVector<StringAttr> order;
  llvm::DenseMap<Value, Value> values;
  llvm::DenseMap<Block *, Block *> blocks;
};

struct FoldFunctionInstancesPass
    : tritondsl::impl::FoldFunctionInstancesBase<FoldFunctionInstancesPass>,
      tritondsl::CountingPass {
  using FoldFunctionInstancesBase::FoldFunctionInstancesBase;

  tritondsl::PassCounter numTemplates{"templates",
                                      "Functions that stand for others"};
  tritondsl::PassCounter numInstances{
      "instances", "Functions replaced by a declaration"};
  SmallVector<tritondsl::PassCounter *> getCounters() override {
    return {&numTemplates, &numInstances};
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    auto placeholder = FlatSymbolRefAttr::get(context, "?");
    SymbolTable symbols(module);
    InstanceMatcher matcher(symbols, placeholder);

    // Templates by hash, in module order; each with its instances (name
    // and renaming, as the flat list [@instance, @to...] matching the
    // template's [@template, @from...]).
    struct Group {
      func::FuncOp template_;
      SmallVector<StringAttr> from;
      SmallVector<Attribute> instances;
    };
    std::vector<Group> groups;
    llvm::DenseMap<llvm::hash_code, SmallVector<size_t>> groupsByHash;
    SmallVector<func::FuncOp> folded;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal() || func->hasAttr(kInstancesAttr))
        continue;
      SmallVector<size_t> &candidates =
          groupsByHash[hashFunction(func, placeholder)];
      bool isInstance = false;
      for (size_t index : candidates) {
        Group &group = groups[index];
        auto renaming = matcher.match(group.template_, func);
        if (!renaming)
          continue;
        // One renaming per group: the template's symbols in the order the
        // first instance met them (every instance meets them in the same
        // order, the code being the same).
        SmallVector<StringAttr> from = llvm::map_to_vector(
            *renaming, [](auto pair) { return pair.first; });
        if (group.from.empty())
          group.from = from;
        else if (group.from != from)
          continue;
        SmallVector<Attribute> to = llvm::map_to_vector(
            *renaming, [](auto pair) -> Attribute {
              return FlatSymbolRefAttr::get(pair.second);
            });
        group.instances.push_back(ArrayAttr::get(context, to));
        folded.push_back(func);
        isInstance = true;
        break;
      }
      if (!isInstance) {
        candidates.push_back(groups.size());
        groups.push_back({func, {}, {}});
      }
    }

    for (Group &group : groups) {
      if (group.instances.empty())
        continue;
      SmallVector<Attribute> from = llvm::map_to_vector(
          group.from,
          [](StringAttr name) -> Attribute { return FlatSymbolRefAttr::get(name); });
      SmallVector<Attribute> record = {ArrayAttr::get(context, from)};
      llvm::append_range(record, group.instances);
      group.template_->setAttr(kInstancesAttr, ArrayAttr::get(context, record));
      ++numTemplates;
    }
    // Each instance becomes a declaration of its type: calls of it verify
    // and lower as before.
    for (func::FuncOp func : folded) {
      func.getBody().getBlocks().clear();
      auto name = func.getSymNameAttr();
      auto type = func.getFunctionType();
      func->setAttrs(ArrayRef<NamedAttribute>{});
      func.setSymNameAttr(name);
      func.setFunctionType(type);
      func.setPrivate();
      ++numInstances;
    }
  }
};

//===----------------------------------------------------------------------===//
// Expanding the instances after lowering
//===----------------------------------------------------------------------===//

/// Whether `func` is call glue: straight-line code (branches only forward)
/// that moves memref descriptors between calls, which LLVM's optimizations
/// cannot make meaningfully faster.
bool isCallGlue(LLVM::LLVMFuncOp func) {
  if (func.isExternal())
    return false;
  llvm::DenseMap<Block *, unsigned> position;
  for (Block &block : func.getBody())
    position[&block] = position.size();
  for (Block &block : func.getBody()) {
    for (Operation &op : block) {
      if (!isa<LLVM::CallOp, LLVM::ExtractValueOp, LLVM::InsertValueOp,
               LLVM::ConstantOp, LLVM::AddressOfOp, LLVM::GEPOp,
               LLVM::PtrToIntOp, LLVM::IntToPtrOp, LLVM::ICmpOp, LLVM::BrOp,
               LLVM::CondBrOp, LLVM::ReturnOp, LLVM::LoadOp, LLVM::StoreOp,
               LLVM::PoisonOp, LLVM::UndefOp, LLVM::ZeroOp>(op))
        return false;
      for (Block *successor : op.getSuccessors())
        if (position.lookup(successor) <= position.lookup(&block))
          return false;
    }
  }
  return true;
}

struct ExpandFunctionInstancesPass
    : tritondsl::impl::ExpandFunctionInstancesBase<ExpandFunctionInstancesPass>,
      tritondsl::CountingPass {
  using ExpandFunctionInstancesBase::ExpandFunctionInstancesBase;

  tritondsl::PassCounter numExpanded{"expanded",
                                     "Instances copied from their template"};
  tritondsl::PassCounter numUnoptimized{
      "unoptimized", "Templates of call glue marked optnone"};
  SmallVector<tritondsl::PassCounter *> getCounters() override {
    return {&numExpanded, &numUnoptimized};
  }

  /// A copy of `source` named `name`, with its symbol references renamed
  /// by `renaming`, right after `after`.
  Operation *copy(Operation *source, StringAttr name,
                  const llvm::DenseMap<StringAttr, StringAttr> &renaming,
                  Operation *after) {
    Operation *clone = source->clone();
    clone->removeAttr(kInstancesAttr);
    SymbolTable::setSymbolName(clone, name);
    AttrTypeReplacer replacer;
    replacer.addReplacement(
        [&](FlatSymbolRefAttr ref) -> std::optional<Attribute> {
          if (StringAttr to = renaming.lookup(ref.getAttr()))
            return FlatSymbolRefAttr::get(to);
          return std::nullopt;
        });
    replacer.recursivelyReplaceElementsIn(clone, /*replaceAttrs=*/true,
                                          /*replaceLocs=*/false,
                                          /*replaceTypes=*/false);
    after->getBlock()->getOperations().insertAfter(after->getIterator(),
                                                   clone);
    return clone;
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    SymbolTable symbols(module);
    SmallVector<Operation *> templates;
    for (Operation &op : module.getOps()) {
      if (!op.hasAttr(kInstancesAttr))
        continue;
      // func-to-llvm gives the C interface wrapper the attributes of its
      // function: it is copied with the function instead.
      StringAttr name = SymbolTable::getSymbolName(&op);
      if (name && name.getValue().starts_with(kCInterfacePrefix))
        op.removeAttr(kInstancesAttr);
      else
        templates.push_back(&op);
    }
    for (Operation *template_ : templates) {
      auto record = dyn_cast<ArrayAttr>(template_->getAttr(kInstancesAttr));
      auto isNameList = [](Attribute attr) {
        auto list = dyn_cast<ArrayAttr>(attr);
        return list && !list.empty() &&
               llvm::all_of(list, llvm::IsaPred<FlatSymbolRefAttr>);
      };
      if (!record || record.empty() || !llvm::all_of(record, isNameList)) {
        template_->emitOpError("has a malformed '")
            << kInstancesAttr << "' attribute";
        return signalPassFailure();
      }
      auto from = cast<ArrayAttr>(record[0]);
      StringAttr templateName = SymbolTable::getSymbolName(template_);
      Operation *templateInterface = symbols.lookup(
          (kCInterfacePrefix + templateName.getValue()).str());
      // Many copies of call glue: LLVM compiles them without optimization
      // (FastISel), the template too, so that every copy is the same code.
      unsigned copies = record.size() - 1;
      if (unoptimizedGlueCopies && copies >= unoptimizedGlueCopies) {
        for (Operation *op : {template_, templateInterface}) {
          auto func = dyn_cast_or_null<LLVM::LLVMFuncOp>(op);
          if (!func || !isCallGlue(func))
            continue;
          func.setNoInline(true);
          func.setOptimizeNone(true);
          ++numUnoptimized;
        }
      }
      for (Attribute attr : record.getValue().drop_front()) {
        auto to = cast<ArrayAttr>(attr);
        if (to.size() != from.size()) {
          template_->emitOpError("has a malformed '")
              << kInstancesAttr << "' attribute";
          return signalPassFailure();
        }
        llvm::DenseMap<StringAttr, StringAttr> renaming;
        for (auto [lhs, rhs] : llvm::zip_equal(from, to))
          renaming[cast<FlatSymbolRefAttr>(lhs).getAttr()] =
              cast<FlatSymbolRefAttr>(rhs).getAttr();
        StringAttr name = cast<FlatSymbolRefAttr>(to[0]).getAttr();
        Operation *declaration = symbols.lookup(name);
        if (!declaration) {
          template_->emitOpError("records an instance '")
              << name.getValue() << "' that the module does not declare";
          return signalPassFailure();
        }
        // The copy takes the declaration's place (and name).
        Operation *instance = copy(template_, name, renaming, declaration);
        symbols.erase(declaration);
        if (templateInterface) {
          StringAttr interfaceName = StringAttr::get(
              context, (kCInterfacePrefix + name.getValue()).str());
          renaming[SymbolTable::getSymbolName(templateInterface)] =
              interfaceName;
          copy(templateInterface, interfaceName, renaming, instance);
        }
        ++numExpanded;
      }
      template_->removeAttr(kInstancesAttr);
    }
  }
};

} // namespace
