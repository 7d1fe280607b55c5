//===- TernaryOps.td - Ternary operations ------------------*- tablegen -*-===//
//
// Each op documents its semantics here; this file is the op reference
// (docs/dialect.md is generated from it).
//
//===----------------------------------------------------------------------===//
#ifndef TERNARY_OPS_TD
#define TERNARY_OPS_TD

include "tritondsl/Dialect/Ternary/IR/TernaryTypes.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/CallInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

def Ternary_PackedTensor : Type<CPred<"::llvm::isa<::mlir::ternary::PackedTensorType>($_self)">,
    "packed ternary tensor", "::mlir::ternary::PackedTensorType">;
def Ternary_TritTensor : RankedTensorOf<[I8]>;
def Ternary_FloatTensor : RankedTensorOf<[AnyFloat]>;
def Ternary_ScaleTensor : RankedTensorOf<[F32]>;

//===----------------------------------------------------------------------===//
// Conversions between float, trits and packed storage
//===----------------------------------------------------------------------===//

def Ternary_QuantizeOp : Ternary_Op<"quantize", [Pure]> {
  let summary = "Quantize floats to trits and a scale";
  let description = [{
    Maps a float tensor to a tensor of trits (`i8` holding -1, 0 or +1) and a
    scale, so that `trits * scale` approximates the input. Methods (exact
    definitions in runtime/include/ternary_packing.h):

    * `threshold(T)`: t = +1 if x > T, -1 if x < -T, else 0; the scale is
      the mean |x| of the elements kept non-zero (1 if none). Needs `T >= 0`.
    * `absmean` (BitNet b1.58): gamma = max(mean |x|, 1e-5),
      t = clamp(round_half_even(x / gamma), -1, 1); the scale is gamma.
    * `stochastic`: scale = max |x| (1 if all zero); t = sign(x) with
      probability |x| / scale, drawn from a counter-based generator keyed by
      `seed` (default 0) and the element's row-major index: deterministic
      and unbiased.

    Without `axis` there is one scale for the whole tensor (`tensor<f32>`);
    with `axis = a` there is one per index of dim `a`
    (`tensor<D_a x f32>`), each computed over the other elements.

    ```mlir
    %t, %s = ternary.quantize absmean %w axis 1
        : tensor<784x10xf32> -> tensor<784x10xi8>, tensor<10xf32>
    %t2, %s2 = ternary.quantize threshold(0.05) %w
        : tensor<784x10xf32> -> tensor<784x10xi8>, tensor<f32>
    ```

    Folds to constants when the input is a constant.
  }];
  let arguments = (ins Ternary_FloatTensor:$input,
                       Ternary_QuantMethod:$method,
                       OptionalAttr<F32Attr>:$threshold,
                       OptionalAttr<I64Attr>:$seed,
                       OptionalAttr<I64Attr>:$axis);
  let results = (outs Ternary_TritTensor:$trits, Ternary_ScaleTensor:$scale);
  let assemblyFormat = [{
    $method (`(` $threshold^ `)`)? $input (`axis` $axis^)? (`seed` $seed^)?
    attr-dict `:` type($input) `->` type($trits) `,` type($scale)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Ternary_DequantizeOp : Ternary_Op<"dequantize", [Pure]> {
  let summary = "Trits times scale, as floats";
  let description = [{
    `result[i] = trits[i] * scale` with a rank-0 scale, or
    `result[i] = trits[i] * scale[i_axis]` with a per-channel scale along
    `axis`. The result is a float tensor of the trits' shape.

    ```mlir
    %w = ternary.dequantize %t, %s axis 1
        : tensor<784x10xi8>, tensor<10xf32> -> tensor<784x10xf32>
    ```

    Folds to a constant when both operands are constants.
  }];
  let arguments = (ins Ternary_TritTensor:$trits, Ternary_ScaleTensor:$scale,
                       OptionalAttr<I64Attr>:$axis);
  let results = (outs Ternary_FloatTensor:$result);
  let assemblyFormat = [{
    $trits `,` $scale (`axis` $axis^)? attr-dict `:` type($trits) `,`
    type($scale) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Ternary_PackOp : Ternary_Op<"pack", [Pure]> {
  let summary = "Pack a tensor of trits";
  let description = [{
    Stores a tensor of trits (`i8` values -1, 0, +1) in the packed form
    given by the result type's layout. The shapes must be equal. Values other
    than -1, 0, +1 are undefined behaviour at run time; a constant operand
    holding one is not folded.

    ```mlir
    %p = ternary.pack %t : tensor<784x10xi8> -> !ternary.packed<784x10>
    ```

    Folds to `ternary.constant` when the operand is a constant (the bytes are
    computed by the runtime packing library); `pack(unpack(%p))` becomes
    `%p`, or a `ternary.relayout` of it when the layouts differ.
  }];
  let arguments = (ins Ternary_TritTensor:$trits);
  let results = (outs Ternary_PackedTensor:$packed);
  let assemblyFormat = "$trits attr-dict `:` type($trits) `->` qualified(type($packed))";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Ternary_UnpackOp : Ternary_Op<"unpack", [Pure]> {
  let summary = "Unpack a packed ternary tensor into trits";
  let description = [{
    The inverse of `ternary.pack`: a tensor of `i8` trits of the same shape.

    ```mlir
    %t = ternary.unpack %p : !ternary.packed<784x10> -> tensor<784x10xi8>
    ```

    Folds: `unpack(pack(%t))` is `%t`; `unpack(relayout(%p))` reads `%p`
    directly (the values do not depend on the layout); the unpack of a
    constant is a dense `i8` constant.
  }];
  let arguments = (ins Ternary_PackedTensor:$packed);
  let results = (outs Ternary_TritTensor:$trits);
  let assemblyFormat = "$packed attr-dict `:` qualified(type($packed)) `->` type($trits)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Ternary_RelayoutOp : Ternary_Op<"relayout", [Pure]> {
  let summary = "Change the layout of a packed tensor";
  let description = [{
    The same trits stored in another layout (encoding and/or packed axis).
    The shapes must be equal.

    ```mlir
    %q = ternary.relayout %p : !ternary.packed<64x64>
        -> !ternary.packed<64x64, #ternary.layout<base3, axis = 1>>
    ```

    Folds: a relayout to the same type is its input; a chain of relayouts is
    one relayout (or none when it comes back to the start); the relayout of a
    constant is a constant repacked at compile time.
  }];
  let arguments = (ins Ternary_PackedTensor:$input);
  let results = (outs Ternary_PackedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` qualified(type($input)) `->` qualified(type($result))";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Ternary_ConstantOp : Ternary_Op<"constant", [ConstantLike, Pure]> {
  let summary = "Packed ternary weights known at compile time";
  let description = [{
    A packed tensor whose bytes are given by `value`: a 1-D tensor of `ui8`
    holding exactly the type's storage bytes, as a `dense<...>` literal or,
    for large weights, a `dense_resource<...>` blob. The bytes are checked:
    every code must be valid and row padding must be zero.

    ```mlir
    // [1, -1, 0, 1, 0, -1] in offset2: 0x92, 0x51.
    %w = ternary.constant dense<[146, 81]> : tensor<2xui8> -> !ternary.packed<6>
    %big = ternary.constant dense_resource<weights> : tensor<1960xui8>
        -> !ternary.packed<784x10, #ternary.layout<offset2, axis = 0>>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Ternary_PackedTensor:$result);
  let assemblyFormat = "$value attr-dict `->` qualified(type($result))";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Compute
//===----------------------------------------------------------------------===//

def Ternary_MatmulOp : Ternary_Op<"matmul", [Pure, AttrSizedOperandSegments]> {
  let summary = "Activations times packed ternary weights";
  let description = [{
    `result[..., n] = (sum_k input[..., k] * W[k, n]) * s + b[n]` where
    `W : [K, N]` is the packed weight, `s` is 1 without `scale`, the scalar
    with a rank-0 `scale`, or `scale[n]` with a per-channel
    `scale : tensor<N x f32>`, and `b` is 0 without `bias` or the 1-D
    `bias : tensor<N x E>` (E the result element type). Since every weight is
    -1, 0 or +1 the sum needs only additions and subtractions. The result
    is defined for finite inputs; a row of the input holding an infinity or
    a NaN has unspecified results (a lowering may leave the zero weights
    out, or compute `0 * inf = NaN`).

    The input is `f32` or `i8` with shape `[..., K]`; the result has shape
    `[..., N]`. Element types: `f32` input gives `f32`; `i8` input gives an
    exact `i32` accumulation, or `f32` when a scale is applied (the `i32` sum
    converted to `f32`, then scaled).

    The bias is the fused form of a following bias addition: the
    `ternary-quant-fusion` pass creates it for targets that have such a form.
    The weight may be in any layout; the value does not depend on it.

    ```mlir
    %y = ternary.matmul %x, %w scale %s
        : tensor<?x784xf32>, !ternary.packed<784x10>, tensor<10xf32>
        -> tensor<?x10xf32>
    %acc = ternary.matmul %q, %w
        : tensor<1x784xi8>, !ternary.packed<784x10> -> tensor<1x10xi32>
    %z = ternary.matmul %x, %w scale %s bias %b
        : tensor<?x784xf32>, !ternary.packed<784x10>, tensor<f32>,
          tensor<10xf32> -> tensor<?x10xf32>
    ```

    The operand types follow the colon in operand order (input, weight, then
    scale and bias when present). A scale that is the constant 1.0 is dropped
    for `f32` inputs; constant operands fold to a constant result.
  }];
  let arguments = (ins RankedTensorOf<[F32, I8]>:$input,
                       Ternary_PackedTensor:$weight,
                       Optional<Ternary_ScaleTensor>:$scale,
                       Optional<RankedTensorOf<[F32, I32]>>:$bias);
  let results = (outs RankedTensorOf<[F32, I32]>:$result);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// Network structure: layers, params, composition
//===----------------------------------------------------------------------===//

def Ternary_LayerOp : Ternary_Op<"layer", [
    Symbol, SymbolTable, IsolatedFromAbove, NoTerminator, SingleBlock,
    NoRegionArguments,
    DeclareOpInterfaceMethods<RegionKindInterface>,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "A network layer: its parameters and functions";
  let description = [{
    A named layer of a network (one `layer` block of the DSL). Its body is a
    symbol table that holds only `ternary.param` declarations and
    `func.func` functions (e.g. `forward`). Functions read params with
    `ternary.get_param` and call functions of other layers with
    `ternary.call`.

    ```mlir
    ternary.layer @LinearClassifier {
      ternary.param @weights : !ternary.packed<784x10>
      ternary.param @bias : tensor<10xf32>
      func.func @forward(%x: tensor<?x784xf32>) -> tensor<?x10xf32> {
        ...
      }
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::Block &getBodyBlock() { return getBody().front(); }
  }];
  let skipDefaultBuilders = 1;
  let builders = [OpBuilder<(ins "::llvm::StringRef":$name)>];
}

def Ternary_ParamOp : Ternary_Op<"param", [Symbol, HasParent<"LayerOp">]> {
  let summary = "A parameter (weights) of a layer";
  let description = [{
    Declares a parameter of the enclosing layer. Its type is a
    `!ternary.packed` tensor (ternary weights) or a ranked tensor (float or
    integer params such as a bias). An optional initial value gives the
    weights: for a packed param, its storage bytes as a 1-D `ui8` tensor
    (checked like `ternary.constant`); for a tensor param, elements of the
    param's type.

    ```mlir
    ternary.param @weights : !ternary.packed<6> = dense<[146, 81]> : tensor<2xui8>
    ternary.param @bias : tensor<10xf32>
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttr:$type,
                       OptionalAttr<ElementsAttr>:$initial_value);
  let assemblyFormat = [{
    $sym_name `:` $type (`=` $initial_value^)? attr-dict
  }];
  let hasVerifier = 1;
}

def Ternary_GetParamOp : Ternary_Op<"get_param", [Pure,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Read a parameter of the enclosing layer";
  let description = [{
    The value of the parameter `@name` of the layer that encloses this op.
    The result type must be the param's type.

    ```mlir
    %w = ternary.get_param @weights : !ternary.packed<784x10>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$name);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$name attr-dict `:` type($result)";
}

def Ternary_CallOp : Ternary_Op<"call", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    DeclareOpInterfaceMethods<CallOpInterface>]> {
  let summary = "Call a function of a layer (layer composition)";
  let description = [{
    Calls `@Layer::@fn`, a `func.func` of another layer, resolved in the
    symbol table that holds the caller's layer; a flat `@fn` names a
    function of the caller's own layer. Operand and result types must match
    the callee's signature. A private function can only be called from its
    own layer, by a flat reference. This is how the DSL's `let h = Block(x)`
    is represented: each layer has one set of params, shared by all its
    calls.

    ```mlir
    %h = ternary.call @Block::@forward(%x) : (tensor<?x64xf32>) -> tensor<?x64xf32>
    ```
  }];
  let arguments = (ins SymbolRefAttr:$callee, Variadic<AnyType>:$operands,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs);
  let results = (outs Variadic<AnyType>:$results);
  let assemblyFormat = [{
    $callee `(` $operands `)` attr-dict `:` functional-type($operands, results)
  }];
  let extraClassDeclaration = [{
    /// The callee, or null when it cannot be resolved.
    ::mlir::func::FuncOp resolveCallee();
    /// The same through cached symbol tables (linear for many calls).
    ::mlir::func::FuncOp resolveCallee(::mlir::SymbolTableCollection &tables);
    /// Checks that the callee exists, is visible and matches the call.
    ::llvm::LogicalResult verifyCallee(::mlir::SymbolTableCollection &symbolTable);
  }];
}

#endif // TERNARY_OPS_TD
