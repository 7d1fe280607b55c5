//===- CallBufferization.h - func.call bufferization in linear time -*- C++ -*-===//
//
// One-shot module bufferization of `func.call` with the bufferization
// state's cached symbol tables. Upstream's model of func.call builds a fresh
// symbol table of the whole module for each result type it is asked for, so
// bufferizing a module of N calls and S symbols costs N x S (a program of
// 10,000 layers: minutes). This model answers the same questions from the
// same analysis (FuncAnalysisState) with the cached tables.
//
//===----------------------------------------------------------------------===//
#ifndef TRITONDSL_CONVERSION_TERNARYTOLINALG_CALLBUFFERIZATION_H
#define TRITONDSL_CONVERSION_TERNARYTOLINALG_CALLBUFFERIZATION_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace tritondsl {

/// Attaches our BufferizableOpInterface model to func.call. Call it before
/// the upstream registrations (mlir::registerAllDialects,
/// func::registerBufferizableOpInterfaceExternalModels): the first model
/// attached to an op is the one MLIR keeps.
void registerCallBufferization(mlir::DialectRegistry &registry);

} // namespace tritondsl

#endif // TRITONDSL_CONVERSION_TERNARYTOLINALG_CALLBUFFERIZATION_H
