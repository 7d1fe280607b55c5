//===- Passes.td - Conversions out of the ternary dialect --*- tablegen -*-===//
#ifndef TRITON_CONVERSION_PASSES_TD
#define TRITON_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertTernaryToLinalg
    : Pass<"convert-ternary-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower ternary ops to linalg/arith/tensor on packed bytes";
  let description = [{
    Lowers every ternary op to upstream dialects on tensors, with the
    bit-level decode explicit in the IR. A `!ternary.packed` value becomes
    its bytes, `tensor<rows x row_bytes x i8>` (one row per 1-D fiber along
    the packed axis, rows in row-major order of the other axes; see
    docs/packing.md); function signatures, calls, returns and scf ops are
    converted with it.

    * `ternary.constant`: an `arith.constant` of the bytes (dense or
      dense_resource, the bytes stay packed).
    * `ternary.matmul`: a `linalg.generic` with a reduction over K that reads
      byte `k / tpb` of row `n` (packed along K) or byte `n / tpb` of row `k`
      (packed along N), extracts the code of position `k % tpb` (offset2:
      `(byte >> 2 (k mod 4)) & 3`; base3: `(byte / 3^(k mod 5)) mod 3`) and
      accumulates with `select`/add/sub only (code 2: `acc + x`, code 0:
      `acc - x`, code 1: `acc`). `f32` inputs accumulate in `f32`, `i8`
      inputs in `i32`. A second elementwise `linalg.generic` applies
      `sitofp`, the scale and the bias when there are any.
    * `ternary.unpack` / `ternary.pack` / `ternary.relayout`: elementwise
      `linalg.generic`s that decode / encode with the same arithmetic.
      Invalid codes are not checked at run time. No tensor of trits is
      built where none is needed: a relayout, and a pack of static
      `tensor.collapse_shape` / `tensor.expand_shape` / `linalg.transpose`
      of an unpack, decode each trit from the source bytes in the generic
      that builds the result bytes; an unpack read only by `tensor.extract`
      decodes each read's byte in place.
    * `ternary.dequantize`: `sitofp(t) * scale`.
    * `ternary.quantize`: reductions computing the scale(s) and an
      elementwise generic computing the trits, in `f64` and in the order of
      the runtime quantizer (runtime/src/ternary_packing.c), so that the
      run-time result equals the compile-time fold bit for bit; `stochastic`
      implements the same counter-based generator (splitmix64).

    With `use-microkernels`, a `ternary.matmul` whose weights are offset2
    along K and whose input is 2-D (`f32`, or `i8` without a scale and with
    K <= TRI_UK_MAX_K_I8) becomes a call of the runtime adapter
    `tri_mlir_gemm_f32_offset2` / `tri_mlir_gemm_i8_offset2`
    (runtime/include/ternary_kernels.h) on buffers, which runs the CPU
    micro-kernels of runtime/include/ternary_ukernels.h (SIMD, threaded;
    `i8` exact, `f32` summed in the kernels' fixed order rather than in k
    order); the others keep the linalg lowering.

    Layers must be flattened first (`ternary-flatten-layers`): a remaining
    `ternary.layer`, `get_param` or `call` is reported at its location, as
    is a packed value whose dynamic sizes cannot be recovered from its bytes.

    Statistics (`-mlir-pass-statistics`):
    * `lowered-ops`: Ternary ops lowered to linalg/arith/tensor.
    * `microkernel-calls`: Matmuls lowered to a runtime micro-kernel call.
  }];
  let options = [
    Option<"useMicrokernels", "use-microkernels", "bool", /*default=*/"false",
           "Lower eligible ternary.matmul ops to calls of the runtime "
           "micro-kernels">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::tensor::TensorDialect"];
}

def DecomposeLinalgAggregates
    : Pass<"triton-decompose-linalg-aggregates", "::mlir::ModuleOp"> {
  let summary = "Decompose aggregated linalg ops (linalg.softmax) into "
                "linalg.generic and named ops";
  let description = [{
    The front end emits `linalg.softmax` for the DSL's `softmax`; it has no
    lowering to loops. Every op implementing `AggregatedOpInterface` is
    replaced by its decomposition (max, sub + exp, sum, div for softmax) on
    tensors, before bufferization. An op that cannot be decomposed is
    reported at its location.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::tensor::TensorDialect"];
}

def MemRefCopyToLinalg
    : Pass<"triton-memref-copy-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Turn memref.copy between non-contiguous memrefs into "
                "linalg.copy";
  let description = [{
    `finalize-memref-to-llvm` lowers a `memref.copy` to the `llvm.memcpy`
    intrinsic only when both memrefs are contiguous (identity layout, or a
    static shape with contiguous row-major strides); any other copy becomes
    a call of `memrefCopy` from MLIR's C runner utilities, which a library
    linked with `-lm` alone does not have. Bufferizing `tensor.pad` (the
    DSL's `conv2d` with padding) produces such a copy into a strided
    subview. This pass, run after bufferization and before
    `convert-linalg-to-loops`, replaces exactly those copies by
    `linalg.copy`, which lowers to loops; contiguous copies are left for
    `llvm.memcpy`.

    With `reshaped-views` (the ACALSim target), a copy from or into a
    `memref.collapse_shape` or `memref.expand_shape` view (e.g. the DSL's
    `flatten` as a function's result) becomes a `linalg.copy` too: the
    EmitC lowering has no reshaped views, and as loops
    `fold-memref-alias-ops` folds the view into their loads and stores.
  }];
  let options = [
    Option<"reshapedViews", "reshaped-views", "bool", /*default=*/"false",
           "Also turn copies from or into reshaped views into linalg.copy">,
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect"];
}

def TernaryConvToMatmul
    : Pass<"ternary-conv-to-matmul", "::mlir::func::FuncOp"> {
  let summary = "Turn convolutions by dequantized trits into im2col and "
                "ternary.matmul on packed weights";
  let description = [{
    A `linalg.conv_2d_nchw_fchw` whose filter is `ternary.dequantize` of
    trits `[F, C, KH, KW]` (per-tensor scale, or one per output channel F)
    on f32 activations becomes:

    * a `scf.for` over the images of the batch (one image's im2col buffer
      stays in cache and is reused; one for a whole batch of 512 would be
      tens of MB of fresh pages on every call), in which
    * im2col: a `linalg.generic` gathering `[OH, OW, C, KH, KW]` from the
      (already padded) image, honouring strides and dilations, collapsed
      to `[OH*OW, C*KH*KW]`;
    * `ternary.matmul` of it by the trits as a `[C*KH*KW, F]` weight packed
      along K (offset2, the micro-kernels' layout), with the dequantize's
      scale. Trits that unpack a `ternary.constant` (bound weights) are
      repacked now; others are collapsed, transposed and packed at run
      time (packed bytes to packed bytes, see the lowering of
      `ternary.pack`), O(weights) against the O(weights x pixels) of the
      convolution;
    * a `linalg.generic` moving `[OH, OW, F]` back to `[F, OH, OW]` in the
      result's slice of the image, adding the convolution's init when it is
      not zeros.

    With `whole-batch` there is no loop: one im2col of the whole batch
    `[N*OH*OW, C*KH*KW]`, one matmul, one move back to `[N, F, OH, OW]` (the
    PTX target: its host code is a list of launches, and the matmul kernels
    read the weight packed, so no dense copy of the filter reaches the
    device).

    The CPU pipeline runs it after `ternary-flatten-layers` when matmuls
    call the runtime micro-kernels (`use-microkernels`), so that the
    convolution runs on them instead of scalar loops over decoded weights;
    the PTX pipeline runs it with `whole-batch`.
    With `packed-grouped`, a grouped `linalg.conv_2d_ngchw_gfchw` whose
    filter is a `ternary.dequantize` of trits `[G*F, C, KH, KW]` (viewed as
    `[G, F, C, KH, KW]`) becomes one `linalg.generic` over
    `(n, g, f, oh, ow | c, kh, kw)` that adds `x * (trit * scale)` as the
    convolution of the dequantized filter does. A bound filter's trits are
    read from its bytes, packed now as conv-to-matmul packs a
    `[C*KH*KW, G*F]` weight; others by `tensor.extract` of the trits,
    which convert-ternary-to-linalg decodes from the param's bytes (the
    PTX pipeline: the filter reaches the device packed, not as floats).

    Other convolutions (i8, dynamic spatial sizes, grouped ones without
    `packed-grouped`) are left as they are.

    Statistics: `converted-convs`, `packed-grouped-convs`.
  }];
  let options = [
    Option<"wholeBatch", "whole-batch", "bool", /*default=*/"false",
           "One im2col and matmul for the whole batch instead of a loop over "
           "its images">,
    Option<"packedGrouped", "packed-grouped", "bool", /*default=*/"false",
           "Grouped convolutions read their filter's trits in one "
           "linalg.generic (packed bytes for a bound filter)">,
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::ternary::TernaryDialect"];
}

def ContractionLoopOrder
    : Pass<"triton-contraction-loop-order", "::mlir::func::FuncOp"> {
  let summary = "Generalize float matmuls with the reduction loop outside "
                "the result's contiguous dimension";
  let description = [{
    `convert-linalg-to-loops` lowers `linalg.matmul` (and `batch_matmul`)
    in the named op's loop order `(..., m, n, k)`: the innermost loop is a
    float reduction, which LLVM does not vectorize without reassociating
    the sum. This pass generalizes each float matmul on tensors whose loops
    are `(..., m, n, k)` with `n` the result's last dimension, and
    interchanges the last two loops to `(..., m, k, n)`: the innermost
    loop then updates a row of the result from a row of the right operand
    and one element of the left, which LLVM vectorizes (with the host's
    vector width) into vector multiplies and adds. Every result element is
    still summed over `k` in the same order, so the value is unchanged to
    the bit.

    The CPU pipeline runs it at -O2 (`fuse-elementwise`), before
    bufferization.

    Statistics: `reordered-matmuls`.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def VectorizeElementwise
    : Pass<"triton-vectorize-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Tile elementwise linalg ops to one vector along the "
                "innermost loop and vectorize them";
  let description = [{
    Every `linalg.generic` on tensors whose loops are all parallel and
    whose result map is the identity (bias adds, activations, scales,
    residual adds, the elementwise parts of normalizations; broadcast
    inputs are fine) is tiled with `scf::tileUsingSCF` to `[1, ..., 1, W]`
    (`W` = `vector-width` elements along the innermost, contiguous loop)
    and vectorized with upstream `linalg::vectorize` into
    `vector.transfer_read`/`transfer_write` and vector arithmetic, masked
    where the innermost size is dynamic or not a multiple of `W` (AVX-512
    masked loads and stores, `llvm.intr.masked.*`). Leading unit dims are
    cast away so each tile is one 1-D vector. Ops the vectorizer cannot
    take stay scalar tiles and lower to loops as before.

    The CPU pipeline runs it at -O2 after elementwise fusion, before
    bufferization; `convert-vector-to-scf`, `lower-vector-mask` and
    `convert-vector-to-llvm` lower what it creates.

    Statistics: `vectorized-ops`.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "Elements per vector along the innermost loop (16 f32 = one "
           "AVX-512 register; LLVM splits wider vectors on AVX2)">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
}

def TensorConstantsToGlobals
    : Pass<"triton-tensor-constants-to-globals", "::mlir::ModuleOp"> {
  let summary = "Turn tensor constants into memref.global constants before "
                "bufferization, in linear time";
  let description = [{
    One-shot bufferization turns each `arith.constant` of a ranked tensor
    into a `memref.global`, looking for an equal global among all those of
    the module first (`bufferization::getGlobalFor`): quadratic in the
    number of constants, which a program of 10,000 layers with bound
    weights (20,000 constants) turns into minutes. This pass does the same
    ahead of it with a hash map: every `arith.constant` of a statically
    shaped tensor becomes `memref.get_global` of a private constant
    `memref.global` (one per distinct value and type, 64-byte aligned as
    bufferization's would be) and `bufferization.to_tensor ... restrict`,
    which bufferizes to the global itself (written tensors are copied by
    the analysis, as before).

    Statistics: `globals` (globals created), `constants` (constants replaced).
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::memref::MemRefDialect"];
}

def TernaryEntryManifest
    : Pass<"ternary-entry-manifest", "::mlir::ModuleOp"> {
  let summary = "Describe the C entry points of a flattened module in a "
                "JSON string the object exports";
  let description = [{
    Runs after `ternary-flatten-layers`, on tensors. Every public function
    that the flattening made from a layer function (it carries
    `ternary.origin = @Layer::@fn`, which this pass removes) is described
    in a JSON document stored in the exported constant
    `__tritondsl_manifest` (`llvm.mlir.global`, NUL-terminated), so that a
    loader (`triton_dsl.cpu.load`) can call the object's
    `_mlir_ciface_Layer_fn` entry points without the program:

    ```json
    {"version": 1, "functions": [{"layer": "MLP", "function": "forward",
      "symbol": "_mlir_ciface_MLP_forward",
      "arguments": [{"param": "MLP.w1", "dtype": "packed",
                     "shape": [784, 128], "encoding": "offset2", "axis": 0,
                     "storage": [128, 196]},
                    {"dtype": "f32", "shape": [null, 784]} ],
      "results": [{"dtype": "f32", "shape": [null, 10]} ]} ]}
    ```

    `shape` is the logical shape (`null` for a dynamic dim); a packed param
    is passed as its `i8` bytes of shape `storage` (docs/targets/cpu.md).
    A scalar argument (`s: f32`), passed by value, is
    `{"dtype": "f32", "shape": [], "scalar": true}`; a rank-0 tensor has no
    `scalar` key. A type the loader cannot pass is described as
    `{"dtype": "unsupported", "type": "<the MLIR type>"}`. Functions are
    listed in module order and keys in a fixed order: the output is
    deterministic.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def ShareRepeatedCode
    : Pass<"triton-share-repeated-code", "::mlir::ModuleOp"> {
  let summary = "Compile the code that layers repeat once: outline equal "
                "function tails into one shared function";
  let description = [{
    Runs after `ternary-flatten-layers`, on tensors. A program of many
    layers of the same kind (the blocks of a transformer, a stack of dense
    layers) repeats the same code once per layer, differing only in the
    layer's weights and in which layer it calls first; the lowering and
    LLVM then compile every copy. This pass cuts each single-block function
    at its last `func.call` (a function without calls: its whole body) and
    takes the ops after it, up to the `func.return`, as the function's
    *tail*. Weight constants (`ternary.constant` and non-splat dense
    `arith.constant` tensors) that the tail uses become arguments of the
    tail, as do the function's arguments, call results and other values
    computed before the cut; scalar and splat constants are copied in, as
    part of the code. Tails that are equivalent (the same ops, attributes,
    types and dataflow: `OperationEquivalence`, locations ignored) in two
    or more functions become one private function, `<first function>_tail`
    (`llvm.linkage` internal: not exported from an object), and each of
    those functions calls it with its own weights. A tail of
    fewer than `min-ops` ops (not counting constants) and a tail that no
    other function repeats are left in place.

    The results are the same: the tail computes what the inlined ops did,
    on the same values. With weights bound (`tritonc --weights`), a
    deep stack of N equal layers compiles one tail and N short functions.

    Statistics: `shared` (shared functions created), `tails` (function
    tails replaced by a call).
  }];
  let options = [
    Option<"minOps", "min-ops", "unsigned", /*default=*/"2",
           "Smallest tail worth sharing, in ops other than constants">,
  ];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def FoldFunctionInstances
    : Pass<"triton-fold-function-instances", "::mlir::ModuleOp"> {
  let summary = "Lower one copy of functions that differ only in the symbols "
                "they reference";
  let description = [{
    Runs after One-Shot Bufferize, on memrefs, as the first half of a pair
    with `triton-expand-function-instances`. After
    `triton-share-repeated-code` and `tensor-constants-to-globals`, the
    functions of a deep stack of equal layers are the same short code (call
    the layer below, call the shared tail) that differs only in which
    function it calls and which weight globals it reads. Lowering each of
    them through the rest of the pipeline costs the same again per layer.

    This pass groups the functions with a body that are *instances* of one
    another: the same ops, operands, types, regions and attributes, once
    every symbol reference is set aside, and a consistent renaming of those
    symbols, in which a renamed symbol and its replacement are of the same
    kind (two `func.func` with the same type and visibility, both with or
    both without a body; two `memref.global` with the same type, constness
    and alignment) and a reference to the function itself stays one. The
    first function of a group is the *template*; every other member becomes
    a private declaration of its own type (so calls to it still verify and
    lower), and the template records it, with its renaming, in the
    `ternary.instances` attribute. The renaming must be sound after
    bufferization: the code of a call depends only on the callee's type and
    visibility there (ownership-based deallocation treats calls of public
    and external functions alike).

    Statistics: `templates` (functions that stand for others), `instances`
    (functions replaced by a declaration).
  }];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect"];
}

def ExpandFunctionInstances
    : Pass<"triton-expand-function-instances", "::mlir::ModuleOp"> {
  let summary = "Turn the instances that triton-fold-function-instances "
                "recorded back into functions, by copying the lowered "
                "template";
  let description = [{
    Runs at the end of `ternary-to-llvm`, on the LLVM dialect. For every
    `llvm.func` with a `ternary.instances` attribute (the template), each
    recorded instance's declaration is replaced by a copy of the template
    with the instance's name and the template's symbol references renamed
    as recorded, and the template's C interface wrapper
    (`_mlir_ciface_<template>`) is copied in the same way. The result is
    the module that lowering every function separately gives, at the cost
    of lowering one.

    A template with at least `unoptimized-glue-copies` instances (0: never)
    whose code is *call glue* (straight-line: calls, memref descriptors
    packed and unpacked, constants, addresses, loads, stores, compares and
    forward branches; no loops, no arithmetic), and its C interface
    wrapper, are marked `noinline` and `optnone` before they are copied:
    LLVM then compiles those functions without optimization (FastISel),
    which makes a deep stack of layers several times faster to compile. The
    work of each layer is in the functions it calls (the shared tail, the
    micro-kernels), which keep the full optimization.

    Statistics: `expanded` (instances copied from their template),
    `unoptimized` (functions marked `optnone`).
  }];
  let options = [
    Option<"unoptimizedGlueCopies", "unoptimized-glue-copies", "unsigned",
           /*default=*/"16",
           "Mark call glue optnone when its template has at least this "
           "many instances (0: never)">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // TRITON_CONVERSION_PASSES_TD
