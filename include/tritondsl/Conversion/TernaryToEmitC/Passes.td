//===- Passes.td - Ternary to EmitC (the ACALSim target) ---*- tablegen -*-===//
//
// The passes of --target=acalsim (docs/targets/acalsim.md): static shapes,
// ternary matmuls as calls of the ACALSim device library, and the whole
// program in EmitC through the upstream convert-*-to-emitc patterns.
//
//===----------------------------------------------------------------------===//
#ifndef TRITON_CONVERSION_TERNARYTOEMITC_PASSES_TD
#define TRITON_CONVERSION_TERNARYTOEMITC_PASSES_TD

include "mlir/Pass/PassBase.td"

def TernarySpecializeShapes
    : Pass<"ternary-specialize-shapes", "::mlir::ModuleOp"> {
  let summary = "Give the dynamic dims of public function arguments a "
                "fixed size";
  let description = [{
    EmitC arrays are static: C code for a bare-metal target is compiled for
    one shape. Every dynamic dim (`N` of `Tensor[N, 784]`) of a tensor
    argument of a public function becomes `size`; the body sees the old
    type through a `tensor.cast`, and a canonicalization afterwards
    propagates the static shapes. Results are cast to the static shape their
    producers then have. A `tensor.reshape` between static shapes becomes
    `tensor.collapse_shape` to 1-D and `tensor.expand_shape` (views that
    fold into loads and stores after bufferization; EmitC has no views).
    Runs after `ternary-flatten-layers`.
  }];
  let options = [
    Option<"size", "size", "int64_t", /*default=*/"1",
           "The size of every dynamic dim of an argument">,
  ];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def ConvertTernaryToACALSim
    : Pass<"convert-ternary-to-acalsim", "::mlir::ModuleOp"> {
  let summary = "Lower ternary ops for the ACALSim target: matmuls as calls "
                "of the ACALSim device library, the rest as "
                "convert-ternary-to-linalg does";
  let description = [{
    `convert-ternary-to-linalg` with one more pattern, tried first: a
    `ternary.matmul` with a 2-D static input, weights packed offset2 along
    K and an `f32` or `i8` input becomes a call of a kernel of
    runtime/acalsim/acalsim.h on buffers (`bufferization.to_buffer` of its
    operands, a `memref.alloc` result): `acalsim_ternary_matmul_f32`
    (activations quantized to int8 per row, integer accumulation),
    `acalsim_ternary_matmul_i8_i32` or `acalsim_ternary_matmul_i8_f32`.
    With `offload=device` every non-zero trit is one ADD or SUB of the
    ACALSim compute device; with `offload=host` the same integer sums run
    on the core. The callee is a private declaration that carries the C
    name (`acalsim.c_name`) and the C argument list (`acalsim.c_args`:
    operand numbers and literal text such as sizes and `0` for an absent
    bias), which convert-acalsim-to-emitc turns into `emitc.call_opaque`.
    A matmul the kernels do not take keeps the linalg lowering (it runs on
    the core, in float) and gets a warning at its location.

    Statistics: `kernel-calls` (matmuls lowered to a kernel call).
  }];
  let options = [
    Option<"offload", "offload", "std::string", /*default=*/"\"device\"",
           "Where the integer accumulation runs: device or host">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::tensor::TensorDialect"];
}

def ConvertACALSimToEmitC
    : Pass<"convert-acalsim-to-emitc", "::mlir::ModuleOp"> {
  let summary = "Lower a bufferized module (memref, scf, arith, math, func) "
                "to EmitC for the ACALSim target";
  let description = [{
    The last pass of --target=acalsim, after bufferization and
    `convert-linalg-to-loops`:

    * every static `memref.alloc` becomes a private uninitialized
      `memref.global` (bare metal: no heap; the program is not re-entrant);
      `memref.dealloc` is dropped; the `alignment` of globals is dropped
      (EmitC globals have none).
    * every public function `@F` is renamed `@F_body` (private) and called
      by a new public `@F` that returns the run's status (`i32`):
      `acalsim_run_begin()`, the body, `acalsim_run_end()`.
      The module's `acalsim.entry_inputs` says, per entry point, how many
      of its arguments are inputs (the rest are the results, as
      out-parameters).
    * one dialect conversion with the upstream patterns of arith, func,
      memref, scf and math to EmitC (`populate*ToEmitC*`), plus: calls of
      the ACALSim declarations become `emitc.call_opaque` of their C name
      with arrays passed as pointers to their first element; math ops
      without an upstream pattern call their libm function (`tanhf`,
      `erff`, `logf`, `sqrtf`, ...); `arith.maximumf`/`minimumf` call
      `fmaxf`/`fminf`.
    * `emitc.include`s of `acalsim.h`, `math.h` and `string.h`.

    An op left over is reported at its location, and the pass fails.
  }];
  let dependentDialects = ["::mlir::emitc::EmitCDialect"];
}

#endif // TRITON_CONVERSION_TERNARYTOEMITC_PASSES_TD
