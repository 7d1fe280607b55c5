//===- Passes.td - Ternary dialect passes ------------------*- tablegen -*-===//
//
// The ternary-specific optimizations. Each pass is usable alone from
// triton-opt (`-ternary-...`); `ternary-optimize` (lib/Pipelines) chains them
// with upstream canonicalization, CSE and symbol DCE per optimization level.
// The descriptions here are the pass reference (docs/passes.md points here).
//
//===----------------------------------------------------------------------===//
#ifndef TERNARY_TRANSFORMS_PASSES_TD
#define TERNARY_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def TernaryFoldConstants : Pass<"ternary-fold-constants", "::mlir::ModuleOp"> {
  let summary = "Quantize, pack and lay out constant weights at compile time";
  let description = [{
    Applies the folders and canonicalization patterns of every ternary op
    (quantize, dequantize, pack, unpack, relayout, matmul, constant) and the
    folders of the ops around them, so that constant float weights become
    packed bytes (`ternary.constant`) at compile time, with the bytes computed
    by the runtime packing library.

    It also folds the quantization of *initialized params*: a float param
    with an initial value that every function reads only through
    `ternary.quantize` ops of one kind (same method, threshold, seed and
    axis) is replaced by a packed param of the same name holding the trits
    and a new param `@<name>_scale` holding the scale(s); the quantize ops
    read those params instead. A param read any other way is left alone
    (its float values are needed).

    ```mlir
    ternary.param @w : tensor<4x2xf32> = dense<...>
    %f = ternary.get_param @w : tensor<4x2xf32>
    %t, %s = ternary.quantize absmean %f : ...
    %p = ternary.pack %t : tensor<4x2xi8> -> !ternary.packed<4x2>
    // becomes
    ternary.param @w : !ternary.packed<4x2> = dense<[...]> : tensor<2xui8>
    ternary.param @w_scale : tensor<f32> = dense<...> : tensor<f32>
    %p = ternary.get_param @w : !ternary.packed<4x2>
    %s = ternary.get_param @w_scale : tensor<f32>
    ```

    Statistics (`-mlir-pass-statistics`):
    * `folded-ops`: Ternary ops folded to constants or erased as dead.
    * `quantized-params`: Float params quantized and packed at compile time.
  }];
  let dependentDialects = ["::mlir::ternary::TernaryDialect",
                           "::mlir::arith::ArithDialect"];
}

def TernaryRemoveUnusedParams
    : Pass<"ternary-remove-unused-params", "::mlir::ModuleOp"> {
  let summary = "Remove layer params that no function reads";
  let description = [{
    A `ternary.param` is only readable by `ternary.get_param` in the
    functions of its own layer. This pass first erases `get_param` ops whose
    result is unused, then removes every param that no `get_param` reads,
    with a remark on the param (`remarks=false` silences them). Upstream
    `-symbol-dce` does not do this: params are symbols that are never
    referenced from outside their layer, so it cannot tell them apart from
    public entry points.

    Statistics (`-mlir-pass-statistics`):
    * `removed-params`: Params removed because no function reads them.
    * `removed-reads`: Unused ternary.get_param ops erased.
  }];
  let options = [
    Option<"emitRemarks", "remarks", "bool", /*default=*/"true",
           "Emit a remark for each removed param">,
  ];
}

def TernaryQuantFusion : Pass<"ternary-quant-fusion", "::mlir::ModuleOp"> {
  let summary = "Fuse quantization, scaling and bias into ternary.matmul";
  let description = [{
    Rewrites the float computations a front end emits around ternary weights
    into `ternary.matmul` on packed weights:

    * `dequantize(quantize(dequantize(t, s)))` becomes `dequantize(t, s)`
      where that is exact: `stochastic` always (the probabilities are all 1),
      `threshold(T)` when every `|s|` is a constant above `T`, and only when
      the scales group the same elements; never for `absmean` (its scale is
      the mean over zeros too, so the values change).
    * `linalg.matmul(x, dequantize(t, s))` into a zero-filled output becomes
      `ternary.matmul(x, pack(t)) scale s` when `s` is per-tensor or per
      output column (axis 1). A scale along K (axis 0) cannot move out of the
      sum: left alone. (Reassociates `x (t s)` into `(x t) s`.)
    * An elementwise `linalg.generic` or `arith.mulf` that multiplies the
      only use of a `ternary.matmul` result by a per-tensor or per-column
      scale becomes the matmul's scale; for an `i8` matmul the `sitofp` in
      between is absorbed too (the op converts its exact `i32` sum). When the
      matmul already has a scale the two are combined only if they are
      constants and one of each pair is a power of two, so that the product
      is exact; otherwise the multiplication is left alone.
    * With `fuse-bias` (the target has a fused form), an elementwise add of a
      per-column bias to the only use of a `ternary.matmul` result becomes the
      matmul's `bias` operand.

    Folding is not applied by this pass (run `ternary-fold-constants` or
    `-canonicalize` after it).

    Statistics (`-mlir-pass-statistics`):
    * `removed-round-trips`: Exact quantize/dequantize round trips removed.
    * `fused-dequantize-matmuls`: linalg.matmul on dequantized weights
      rewritten to ternary.matmul.
    * `folded-scales`: Scale multiplications folded into ternary.matmul.
    * `fused-biases`: Bias additions fused into ternary.matmul.
  }];
  let options = [
    Option<"fuseBias", "fuse-bias", "bool", /*default=*/"true",
           "Fuse bias additions into ternary.matmul (the target has a fused "
           "matmul + bias form)">,
  ];
  let dependentDialects = ["::mlir::ternary::TernaryDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

def TernaryLayout : Pass<"ternary-layout", "::mlir::ModuleOp"> {
  let summary = "Choose the packed weight layout a target's kernels read";
  let description = [{
    Makes every `ternary.matmul` read its weights packed in `encoding`
    along K (`#ternary.layout<ENCODING, axis = 0>`). The encoding is the one
    the target's kernels read: `ternary-optimize{target=NAME}` takes it from
    the target registry (docs/targets/README.md), e.g. offset2 for the CPU
    and PyTorch targets.

    Constant weights (`ternary.constant`, `ternary.pack` results, params
    with an initial value) are repacked at compile time; relayouts whose
    input already has the target layout are bypassed and chains of
    relayouts that cancel disappear. A weight known only at run time (a
    function argument, a param without an initial value) keeps its declared
    type, which is part of the calling convention; a `ternary.relayout` to
    the target layout is inserted before the matmul instead (counted in
    `runtime-relayouts`).

    Statistics (`-mlir-pass-statistics`):
    * `repacked-constants`: Constant weights repacked at compile time.
    * `repacked-params`: Initialized params repacked at compile time.
    * `runtime-relayouts`: Relayouts inserted for weights known only at run
      time.
    * `removed-relayouts`: ternary.relayout ops removed.
  }];
  let options = [
    Option<"encoding", "encoding", "::mlir::ternary::Encoding",
           /*default=*/"::mlir::ternary::Encoding::offset2",
           "The encoding of the packed weights the target's kernels read",
           [{::llvm::cl::values(
             clEnumValN(::mlir::ternary::Encoding::offset2, "offset2",
                        "2 bits a trit (code t + 1)"),
             clEnumValN(::mlir::ternary::Encoding::base3, "base3",
                        "5 trits a byte (base-3 digits)"))}]>,
  ];
  let dependentDialects = ["::mlir::ternary::TernaryDialect"];
}

def TernaryFlattenLayers
    : Pass<"ternary-flatten-layers", "::mlir::ModuleOp"> {
  let summary = "Turn layers into plain functions (before lowering)";
  let description = [{
    Removes the network structure so that upstream lowerings can run:

    * `func.func @f` of `ternary.layer @L` becomes the module-level
      `func.func @L_f` (the C entry point name; an error is reported if the
      name is taken). Public functions keep their visibility and get
      `llvm.emit_c_interface`, so the LLVM lowering also emits
      `_mlir_ciface_L_f`, and `ternary.origin = @L::@f`, which
      `ternary-entry-manifest` reads (and removes).
    * `ternary.call @L::@f(...)` (and a flat `@f` inside a layer) becomes
      `func.call @L_f(...)`.
    * A param with an initial value becomes a constant where it is read:
      `ternary.constant` for packed params (the bytes stay packed),
      `arith.constant` for tensor params. Bufferization turns these into
      `memref.global` constants.
    * A param without an initial value is supplied by the caller: every
      function that reads it, directly or through calls, gets one extra
      *leading* argument per such param, in module order (layers in order,
      params in declaration order), carrying the attribute
      `ternary.param = @L::@p`. Calls pass the caller's argument on.

    Statistics (`-mlir-pass-statistics`):
    * `flattened-functions`: Layer functions moved to the module.
    * `constant-params`: Reads of initialized params turned into constants.
    * `argument-params`: Leading arguments added for params without a value.
  }];
  let dependentDialects = ["::mlir::ternary::TernaryDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect"];
}

#endif // TERNARY_TRANSFORMS_PASSES_TD
