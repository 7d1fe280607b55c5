//===- TernaryDialect.td - The ternary dialect -------------*- tablegen -*-===//
//
// The `ternary` dialect: ternary-weight tensors stored packed, and the few
// operations that are specific to them. Everything else (arithmetic,
// activations, reshapes) uses upstream dialects.
//
//===----------------------------------------------------------------------===//
#ifndef TERNARY_DIALECT_TD
#define TERNARY_DIALECT_TD

include "mlir/IR/OpBase.td"

def Ternary_Dialect : Dialect {
  let name = "ternary";
  let cppNamespace = "::mlir::ternary";
  let summary = "Ternary-weight ({-1, 0, +1}) neural-network tensors and ops";
  let description = [{
    The `ternary` dialect models neural networks whose weights are trits
    (-1, 0 or +1) stored packed at 2 bits (`offset2`) or 1.6 bits (`base3`)
    per weight. It provides:

    * the `!ternary.packed` type: a ternary tensor stored packed, with a
      `#ternary.layout` attribute naming the encoding and the packed axis;
    * conversions between float, trit (`i8`) and packed forms: `quantize`,
      `dequantize`, `pack`, `unpack`, `relayout`, `constant`;
    * the core compute op `ternary.matmul` (activations x packed trits,
      optionally scaled), which needs no multiplications;
    * the structure of a network: `ternary.layer` (a symbol table of
      `ternary.param`s and `func.func`s), `ternary.get_param` and
      `ternary.call` for composing layers.

    The packing format is bit-exact and shared by all targets; it is defined
    in `runtime/include/ternary_packing.h` (see docs/packing.md). Constant
    folding of `pack`, `unpack`, `relayout`, `quantize` and `dequantize` uses
    that runtime code, so compile-time packed bytes equal run-time ones.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
}

class Ternary_Op<string mnemonic, list<Trait> traits = []>
    : Op<Ternary_Dialect, mnemonic, traits>;

#endif // TERNARY_DIALECT_TD
