//===- TernaryOps.h - Ternary dialect operations ----------------*- C++ -*-===//
#ifndef TRITONDSL_DIALECT_TERNARY_IR_TERNARYOPS_H
#define TRITONDSL_DIALECT_TERNARY_IR_TERNARYOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "tritondsl/Dialect/Ternary/IR/TernaryDialect.h"

#define GET_OP_CLASSES
#include "tritondsl/Dialect/Ternary/IR/TernaryOps.h.inc"

#endif // TRITONDSL_DIALECT_TERNARY_IR_TERNARYOPS_H
