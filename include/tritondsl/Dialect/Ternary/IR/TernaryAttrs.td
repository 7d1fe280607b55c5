//===- TernaryAttrs.td - Ternary enums and attributes ------*- tablegen -*-===//
#ifndef TERNARY_ATTRS_TD
#define TERNARY_ATTRS_TD

include "tritondsl/Dialect/Ternary/IR/TernaryDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Ternary_EncodingOffset2 : I32EnumAttrCase<"offset2", 0>;
def Ternary_EncodingBase3 : I32EnumAttrCase<"base3", 1>;
def Ternary_Encoding : I32EnumAttr<"Encoding",
    "how trits are stored in bytes",
    [Ternary_EncodingOffset2, Ternary_EncodingBase3]> {
  let cppNamespace = "::mlir::ternary";
  let genSpecializedAttr = 0;
}

def Ternary_QuantThreshold : I32EnumAttrCase<"threshold", 0>;
def Ternary_QuantAbsmean : I32EnumAttrCase<"absmean", 1>;
def Ternary_QuantStochastic : I32EnumAttrCase<"stochastic", 2>;
def Ternary_QuantMethod : I32EnumAttr<"QuantMethod",
    "how floats are mapped to trits",
    [Ternary_QuantThreshold, Ternary_QuantAbsmean, Ternary_QuantStochastic]> {
  let cppNamespace = "::mlir::ternary";
}

// The packed axis. It is parsed as a signed integer so that `axis = -1` is
// reported as such instead of wrapping around to 4294967295.
def Ternary_LayoutAxisParameter : AttrParameter<"unsigned", ""> {
  let parser = [{ parseLayoutAxis($_parser) }];
}

def Ternary_LayoutAttr : AttrDef<Ternary_Dialect, "Layout"> {
  let mnemonic = "layout";
  let summary = "How a packed ternary tensor is laid out in bytes";
  let description = [{
    `#ternary.layout<ENCODING, axis = A>` says how a `!ternary.packed`
    tensor is stored:

    * `ENCODING` is `offset2` (4 trits per byte, code = t + 1, LSB first;
      code 0b11 invalid) or `base3` (5 trits per byte,
      byte = sum (t_i + 1) * 3^i; bytes 243..255 invalid);
    * `axis` is the packed (contiguous) axis: every 1-D fiber along it is
      one row, padded with zero trits to a whole byte; rows follow in
      row-major order of the other axes.

    The default layout, `#ternary.layout<offset2, axis = 0>`, is left out
    when a type is printed. For `y = x @ W` with `W : [K, N]` it makes each
    output column one contiguous row of K trits, which is what a GEMV reads.
  }];
  let parameters = (ins EnumParameter<Ternary_Encoding>:$encoding,
                        Ternary_LayoutAxisParameter:$axis);
  let assemblyFormat = "`<` $encoding `,` `axis` `=` $axis `>`";
  let extraClassDeclaration = [{
    /// The default layout: offset2 along axis 0.
    static LayoutAttr getDefault(::mlir::MLIRContext *context);
    bool isDefault() const;
    /// Trits stored per byte (4 for offset2, 5 for base3).
    unsigned getTritsPerByte() const;
  }];
}

#endif // TERNARY_ATTRS_TD
