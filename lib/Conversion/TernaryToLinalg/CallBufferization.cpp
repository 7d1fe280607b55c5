//===- CallBufferization.cpp - func.call bufferization in linear time -----===//
//
// BufferizableOpInterface for func.call on the module analysis of one-shot
// bufferization (FuncAnalysisState), looking callees up through cached
// symbol tables only (CallBufferization.h).
//
//===----------------------------------------------------------------------===//
#include "tritondsl/Conversion/TernaryToLinalg/CallBufferization.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"

using namespace mlir;
using namespace mlir::bufferization;
using func_ext::FuncAnalysisState;
using func_ext::FuncOpAnalysisState;

namespace {

func::FuncOp lookupCallee(func::CallOp call, SymbolTableCollection &tables) {
  return tables.lookupNearestSymbolFrom<func::FuncOp>(call,
                                                      call.getCalleeAttr());
}

/// The module analysis, when `state` is one-shot module analysis.
const FuncAnalysisState *getFuncAnalysis(const AnalysisState &state) {
  auto *oneShot = dyn_cast<OneShotAnalysisState>(&state);
  return oneShot ? oneShot->getExtension<FuncAnalysisState>() : nullptr;
}

/// The module analysis if it has finished with the callee of `call` (set
/// in `callee`), null otherwise: then nothing is known about the callee and
/// every answer must be the conservative one.
const FuncAnalysisState *getAnalyzedCallee(func::CallOp call,
                                           const AnalysisState &state,
                                           func::FuncOp &callee) {
  const FuncAnalysisState *analysis = getFuncAnalysis(state);
  if (!analysis)
    return nullptr;
  callee = lookupCallee(call, analysis->symbolTables);
  auto it = analysis->analyzedFuncOps.find(callee);
  if (!callee || it == analysis->analyzedFuncOps.end() ||
      it->second != FuncOpAnalysisState::Analyzed)
    return nullptr;
  return analysis;
}

struct CallOpModel
    : public BufferizableOpInterface::ExternalModel<CallOpModel,
                                                    func::CallOp> {
  /// An argument the callee reads (unknown callee: assume it does).
  bool bufferizesToMemoryRead(Operation *op, OpOperand &operand,
                              const AnalysisState &state) const {
    func::FuncOp callee;
    const FuncAnalysisState *analysis =
        getAnalyzedCallee(cast<func::CallOp>(op), state, callee);
    return !analysis || analysis->readBbArgs.lookup(callee).contains(
                            operand.getOperandNumber());
  }

  /// An argument the callee writes (unknown callee: assume it does).
  bool bufferizesToMemoryWrite(Operation *op, OpOperand &operand,
                               const AnalysisState &state) const {
    func::FuncOp callee;
    const FuncAnalysisState *analysis =
        getAnalyzedCallee(cast<func::CallOp>(op), state, callee);
    return !analysis || analysis->writtenBbArgs.lookup(callee).contains(
                            operand.getOperandNumber());
  }

  /// The results the callee may return the argument's buffer as; exactly
  /// that buffer when it is the only one and the callee returns this very
  /// argument there.
  AliasingValueList getAliasingValues(Operation *op, OpOperand &operand,
                                      const AnalysisState &state) const {
    func::FuncOp callee;
    const FuncAnalysisState *analysis =
        getAnalyzedCallee(cast<func::CallOp>(op), state, callee);
    if (!analysis)
      return bufferization::detail::unknownGetAliasingValues(operand);
    int64_t argument = operand.getOperandNumber();
    SmallVector<int64_t> returned =
        analysis->aliasingReturnVals.lookup(callee).lookup(argument);
    bool equivalent = false;
    if (returned.size() == 1) {
      auto mapping = analysis->equivalentFuncArgs.find(callee);
      if (mapping != analysis->equivalentFuncArgs.end()) {
        auto it = mapping->second.find(returned.front());
        equivalent = it != mapping->second.end() && it->second == argument;
      }
    }
    AliasingValueList aliases;
    for (int64_t index : returned)
      aliases.addAlias({op->getOpResult(index),
                        equivalent ? BufferRelation::Equivalent
                                   : BufferRelation::Unknown,
                        /*isDefinite=*/equivalent});
    return aliases;
  }

  /// The callee's buffer result type: its signature once it is bufferized,
  /// else what the function boundary type converter will make of it. The
  /// callee comes from the state's symbol tables, built once.
  FailureOr<BufferLikeType>
  getBufferType(Operation *op, Value value, const BufferizationOptions &options,
                const BufferizationState &state,
                SmallVector<Value> &invocationStack) const {
    // The tables are a cache of the module's symbols: looking a symbol up
    // does not change what the state means.
    auto &tables = const_cast<BufferizationState &>(state).getSymbolTables();
    func::FuncOp callee = lookupCallee(cast<func::CallOp>(op), tables);
    if (!callee)
      return op->emitError("callee is not a func.func");
    Type type = callee.getFunctionType().getResult(
        cast<OpResult>(value).getResultNumber());
    if (auto buffer = dyn_cast<BaseMemRefType>(type))
      return cast<BufferLikeType>(buffer);
    auto tensor = cast<TensorType>(type);
    return options.functionArgTypeConverterFn(
        cast<TensorLikeType>(type), *options.defaultMemorySpaceFn(tensor),
        callee, options);
  }

  /// A call of the bufferized callee on buffers; an argument whose buffer
  /// type differs from the callee's is cast (or copied when a cast cannot
  /// be proven valid).
  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options,
                          BufferizationState &state) const {
    auto call = cast<func::CallOp>(op);
    func::FuncOp callee = lookupCallee(call, state.getSymbolTables());
    if (!callee)
      return call.emitError("callee is not a func.func");
    FunctionType calleeType = callee.getFunctionType();

    SmallVector<Type> resultTypes;
    for (Value result : call.getResults()) {
      if (!isa<TensorType>(result.getType())) {
        resultTypes.push_back(result.getType());
        continue;
      }
      FailureOr<BufferLikeType> type =
          bufferization::getBufferType(result, options, state);
      if (failed(type))
        return failure();
      resultTypes.push_back(*type);
    }

    SmallVector<Value> arguments;
    for (OpOperand &operand : call->getOpOperands()) {
      if (!isa<TensorType>(operand.get().getType())) {
        arguments.push_back(operand.get());
        continue;
      }
      FailureOr<Value> buffer =
          getBuffer(rewriter, operand.get(), options, state);
      if (failed(buffer))
        return failure();
      unsigned index = operand.getOperandNumber();
      Type expected = calleeType.getInput(index);
      if (!isa<BaseMemRefType>(expected)) {
        // A callee not bufferized yet: a cycle in the call graph.
        FailureOr<BufferLikeType> type =
            bufferization::getBufferType(callee.getArgument(index), options,
                                         state);
        if (failed(type))
          return failure();
        expected = *type;
      }
      Value argument = *buffer;
      if (argument.getType() != expected) {
        auto memref = dyn_cast<MemRefType>(expected);
        if (!memref)
          return call.emitError("cannot pass a buffer of type ")
                 << argument.getType() << " as " << expected;
        FailureOr<Value> converted =
            castOrReallocMemRefValue(rewriter, argument, memref, options);
        if (failed(converted))
          return failure();
        argument = *converted;
      }
      arguments.push_back(argument);
    }

    auto bufferized = func::CallOp::create(rewriter, call.getLoc(),
                                           callee.getSymName(), resultTypes,
                                           arguments);
    bufferized->setAttrs(call->getAttrs());
    replaceOpWithBufferizedValues(rewriter, call, bufferized.getResults());
    return success();
  }
};

} // namespace

void tritondsl::registerCallBufferization(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *context, func::FuncDialect *) {
    func::CallOp::attachInterface<CallOpModel>(*context);
  });
}
