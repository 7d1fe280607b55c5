//===- TernaryOps.h - Ternary dialect operations ----------------*- C++ -*-===//
#ifndef TRITON_DIALECT_TERNARY_IR_TERNARYOPS_H
#define TRITON_DIALECT_TERNARY_IR_TERNARYOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "triton/Dialect/Ternary/IR/TernaryDialect.h"

#define GET_OP_CLASSES
#include "triton/Dialect/Ternary/IR/TernaryOps.h.inc"

#endif // TRITON_DIALECT_TERNARY_IR_TERNARYOPS_H
