//===- ShareRepeatedCode.cpp - One copy of the code layers repeat ---------===//
//
// triton-share-repeated-code: the tail of every function (the ops after its
// last call) is compared with the others'; equal tails become one private
// function that each of them calls with its own weights (Passes.td).
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Conversion/Passes.h"
#include "tritondsl/Support/PassCounters.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

namespace tritondsl {
#define GEN_PASS_DEF_SHAREREPEATEDCODE
#include "tritondsl/Conversion/Passes.h.inc"
} // namespace tritondsl

using namespace mlir;

namespace {

/// The ops after a function's last call, as a detached function of the
/// values they use (`candidate`) until it is known whether another function
/// has an equal tail.
struct Tail {
  func::FuncOp owner;
  SmallVector<Operation *> ops;
  SmallVector<Value> inputs;
  SmallVector<Value> results;
  func::FuncOp candidate;
};

/// A constant that is part of the code rather than data: a scalar, a splat,
/// anything but a dense tensor of several values (weights, biases).
bool isCodeConstant(Operation *op) {
  Attribute value;
  if (!op->hasTrait<OpTrait::ConstantLike>() ||
      !matchPattern(op, m_Constant(&value)))
    return false;
  auto elements = dyn_cast<ElementsAttr>(value);
  return !elements || elements.isSplat() || elements.getNumElements() <= 1;
}

/// The tail of `func`, or nothing when it has no tail worth sharing.
std::optional<Tail> buildTail(func::FuncOp func, unsigned minOps) {
  if (func.isExternal() || !func.getBody().hasOneBlock())
    return std::nullopt;
  Block &block = func.front();
  auto terminator = dyn_cast<func::ReturnOp>(block.getTerminator());
  if (!terminator)
    return std::nullopt;
  Block::iterator begin = block.begin();
  for (Operation &op : block.without_terminator())
    if (isa<CallOpInterface>(op))
      begin = std::next(op.getIterator());

  Tail tail;
  tail.owner = func;
  llvm::SmallPtrSet<Operation *, 16> inTail;
  unsigned codeOps = 0;
  for (Operation &op : llvm::make_range(begin, terminator->getIterator())) {
    // Weights stay in the function (they become arguments of the tail).
    if (op.hasTrait<OpTrait::ConstantLike>() && !isCodeConstant(&op))
      continue;
    tail.ops.push_back(&op);
    inTail.insert(&op);
    if (!op.hasTrait<OpTrait::ConstantLike>())
      ++codeOps;
  }
  if (codeOps < minOps)
    return std::nullopt;

  // What the tail uses from before the cut, in the order of first use:
  // equal tails list their inputs in the same order.
  llvm::SetVector<Value> inputs;
  llvm::SetVector<Operation *> copiedConstants;
  for (Operation *op : tail.ops) {
    op->walk([&](Operation *nested) {
      for (Value operand : nested->getOperands()) {
        if (auto arg = dyn_cast<BlockArgument>(operand)) {
          if (arg.getOwner() == &block)
            inputs.insert(arg);
          continue;
        }
        Operation *ancestor =
            block.findAncestorOpInBlock(*operand.getDefiningOp());
        if (!ancestor || inTail.contains(ancestor))
          continue;
        if (isCodeConstant(ancestor))
          copiedConstants.insert(ancestor);
        else
          inputs.insert(operand);
      }
    });
  }
  tail.inputs.assign(inputs.begin(), inputs.end());
  for (Value value : terminator.getOperands()) {
    Operation *def = value.getDefiningOp();
    if (def && inTail.contains(def) && !llvm::is_contained(tail.results, value))
      tail.results.push_back(value);
  }
  if (tail.results.empty())
    return std::nullopt;

  MLIRContext *context = func.getContext();
  auto type = FunctionType::get(context, ValueRange(tail.inputs).getTypes(),
                                ValueRange(tail.results).getTypes());
  tail.candidate =
      func::FuncOp::create(func.getLoc(), (func.getSymName() + "_tail").str(),
                           type);
  // Not exported from the object: internal to it, as a C static function.
  tail.candidate.setPrivate();
  tail.candidate->setAttr(
      "llvm.linkage",
      LLVM::LinkageAttr::get(context, LLVM::linkage::Linkage::Internal));
  Block *entry = tail.candidate.addEntryBlock();
  IRMapping mapping;
  mapping.map(tail.inputs, entry->getArguments());
  OpBuilder builder = OpBuilder::atBlockBegin(entry);
  for (Operation *constant : copiedConstants)
    builder.clone(*constant, mapping);
  for (Operation *op : tail.ops)
    builder.clone(*op, mapping);
  SmallVector<Value> results = llvm::map_to_vector(
      tail.results, [&](Value value) { return mapping.lookup(value); });
  func::ReturnOp::create(builder, terminator.getLoc(), results);
  return tail;
}

llvm::hash_code hashTail(func::FuncOp candidate) {
  llvm::hash_code hash = hash_value(candidate.getFunctionType());
  candidate.getBody().walk([&](Operation *op) {
    hash = llvm::hash_combine(
        hash, OperationEquivalence::computeHash(
                  op, OperationEquivalence::ignoreHashValue,
                  OperationEquivalence::ignoreHashValue,
                  OperationEquivalence::IgnoreLocations));
  });
  return hash;
}

bool equalTails(func::FuncOp lhs, func::FuncOp rhs) {
  return lhs.getFunctionType() == rhs.getFunctionType() &&
         OperationEquivalence::isRegionEquivalentTo(
             &lhs.getBody(), &rhs.getBody(),
             OperationEquivalence::IgnoreLocations);
}

struct ShareRepeatedCodePass
    : tritondsl::impl::ShareRepeatedCodeBase<ShareRepeatedCodePass>,
      tritondsl::CountingPass {
  using ShareRepeatedCodeBase::ShareRepeatedCodeBase;

  tritondsl::PassCounter numShared{"shared", "Shared functions created"};
  tritondsl::PassCounter numTails{"tails",
                                  "Function tails replaced by a call"};
  SmallVector<tritondsl::PassCounter *> getCounters() override {
    return {&numShared, &numTails};
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::vector<Tail> tails;
    for (auto func : module.getOps<func::FuncOp>())
      if (std::optional<Tail> tail = buildTail(func, minOps))
        tails.push_back(std::move(*tail));

    // Groups of equal tails, in the order of their first function.
    std::vector<SmallVector<Tail *>> groups;
    llvm::DenseMap<llvm::hash_code, SmallVector<size_t>> groupsByHash;
    for (Tail &tail : tails) {
      SmallVector<size_t> &sameHash = groupsByHash[hashTail(tail.candidate)];
      auto group = llvm::find_if(sameHash, [&](size_t index) {
        return equalTails(groups[index].front()->candidate, tail.candidate);
      });
      if (group != sameHash.end()) {
        groups[*group].push_back(&tail);
        continue;
      }
      sameHash.push_back(groups.size());
      groups.push_back({&tail});
    }

    SymbolTable symbolTable(module);
    for (SmallVector<Tail *> &group : groups) {
      if (group.size() < 2)
        continue;
      // The first function's candidate becomes the shared function (renamed
      // if its name is taken), right after that function.
      func::FuncOp shared = group.front()->candidate;
      symbolTable.insert(shared,
                         std::next(group.front()->owner->getIterator()));
      group.front()->candidate = nullptr;
      ++numShared;
      for (Tail *tail : group) {
        Operation *terminator = tail->owner.front().getTerminator();
        // At the end: the weights the tail takes may be defined among its
        // ops.
        OpBuilder builder(terminator);
        auto call = func::CallOp::create(builder, tail->ops.front()->getLoc(),
                                         shared, tail->inputs);
        for (auto [value, result] :
             llvm::zip_equal(tail->results, call.getResults()))
          value.replaceUsesWithIf(result, [&](OpOperand &use) {
            return use.getOwner() == terminator;
          });
        for (Operation *op : llvm::reverse(tail->ops))
          op->erase();
        ++numTails;
      }
    }
    for (Tail &tail : tails)
      if (tail.candidate)
        tail.candidate->erase();
  }
};

} // namespace
