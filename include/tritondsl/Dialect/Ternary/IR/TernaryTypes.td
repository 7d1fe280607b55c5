//===- TernaryTypes.td - Ternary types ---------------------*- tablegen -*-===//
#ifndef TERNARY_TYPES_TD
#define TERNARY_TYPES_TD

include "tritondsl/Dialect/Ternary/IR/TernaryAttrs.td"

def Ternary_PackedTensorType : TypeDef<Ternary_Dialect, "PackedTensor"> {
  let mnemonic = "packed";
  let summary = "A ternary tensor stored packed";
  let description = [{
    `!ternary.packed<D0xD1x...[, #ternary.layout<...>]>` is a tensor of trits
    (-1, 0, +1) of the given shape, stored packed as the layout says. Dims are
    static (`784`) or dynamic (`?`); the rank is at least 1 and the layout's
    packed axis must be one of the dims. When the layout is the default
    (`offset2`, axis 0) it is not printed.

    A packed tensor of static shape occupies `rows * row_bytes` bytes, where
    `row_bytes = ceil(D[axis] / trits_per_byte)` and `rows` is the product of
    the other dims.

    ```mlir
    !ternary.packed<784x10>                                   // 10 rows of 196 bytes
    !ternary.packed<?x64, #ternary.layout<base3, axis = 1>>   // rows of 13 bytes
    ```
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$shape,
                        "::mlir::ternary::LayoutAttr":$layout);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let skipDefaultBuilders = 1;
  let builders = [
    TypeBuilder<(ins "::llvm::ArrayRef<int64_t>":$shape,
                     CArg<"::mlir::ternary::LayoutAttr", "{}">:$layout), [{
      if (!layout)
        layout = ::mlir::ternary::LayoutAttr::getDefault($_ctxt);
      return $_get($_ctxt, shape, layout);
    }]>
  ];
  let extraClassDeclaration = [{
    int64_t getRank() const { return getShape().size(); }
    bool hasStaticShape() const;
    bool isDynamicDim(unsigned index) const;
    Encoding getEncoding() const { return getLayout().getEncoding(); }
    unsigned getPackedAxis() const { return getLayout().getAxis(); }
    /// Number of trits; std::nullopt when a dim is dynamic.
    std::optional<int64_t> getNumElements() const;
    /// Bytes of one packed row; std::nullopt when the packed dim is dynamic.
    std::optional<int64_t> getRowBytes() const;
    /// Number of packed rows; std::nullopt when another dim is dynamic.
    std::optional<int64_t> getNumRows() const;
    /// Total bytes of storage; std::nullopt for a dynamic shape.
    std::optional<int64_t> getStorageBytes() const;
    /// The unpacked form: a tensor of i8 trits of the same shape.
    ::mlir::RankedTensorType getTritTensorType() const;
    /// The storage form: a 1-D tensor of ui8 bytes (dynamic if unknown).
    ::mlir::RankedTensorType getStorageTensorType() const;
    /// The same shape with another layout.
    PackedTensorType withLayout(::mlir::ternary::LayoutAttr layout) const;
  }];
}

#endif // TERNARY_TYPES_TD
