//===- Passes.td - Ternary to GPU (the PTX target) ---------*- tablegen -*-===//
//
// The ternary-specific pass of --target=ptx (docs/targets/ptx.md); the rest
// of the ternary-gpu pipeline is upstream MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef TRITON_CONVERSION_TERNARYTOGPU_PASSES_TD
#define TRITON_CONVERSION_TERNARYTOGPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertTernaryToGPU : Pass<"convert-ternary-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Lower ternary.matmul to GPU kernels on packed weights, "
                "the other ternary ops to linalg";
  let description = [{
    Runs after `ternary-flatten-layers`, on tensors. A `ternary.matmul` with
    offset2 weights packed along K (the PTX target's layout) and an `f32`
    input with an `f32` result, or an `i8` input with an exact `i32` result
    and K a multiple of 64, becomes a `gpu.launch_func` of a kernel of
    `gpu.module @ternary_kernels` on the buffers of its operands
    (`bufferization.to_buffer`, a `memref.alloc` for the result, and
    `bufferization.to_tensor` of it). An input of any rank is the matrix of
    its rows (the leading dims collapsed, the result allocated whole and
    passed collapsed), and the batch M is the number of rows:

    * `ternary_gemv_f32_r1c4w1` for one row when K is a multiple of 16 but
      not of 64 (lib/Conversion/TernaryToGPU/PackedGemv.cpp): 4 output columns per warp, the lanes
      split K and read a 32-bit word of packed weights per column and step
      and the matching x values once for the 4 columns (128-bit loads); each
      2-bit code, masked where it lies (bits 2p, 2p + 1) and or-ed with the
      kernel's last argument (the f32 2^23, an i32 that ptxas keeps in a
      register: one LOP3), is 2^23 + c * 4^p, which one `math.fma` turns
      into the exact trit; a second accumulates t * x (exact: the sum
      rounds as the addition or subtraction); a `gpu.shuffle xor` butterfly
      per accumulator.
    * `ternary_mma_f32_m1n64` (PackedMma.cpp) for one row when K % 64 == 0:
      tensor cores, one row x 64 columns per block, the warps splitting K.
      Trits decoded to bf16 pairs (masked where they lie, or-ed with the
      bf16 pair 128, one fma), x split exactly into three bf16 values (hi,
      mid, lo) that are B's columns (the lanes of a warp split 8 x values
      each and exchange them through shared memory, `nvvm.bar.warp.sync`),
      one `nvvm.mma.sync` m16n8k16 bf16 -> f32 per tile; lo + mid + hi in
      the epilogue.
    * `ternary_mma_f32_m16n64` (PackedMma.cpp) for every M > 1 when
      K % 64 == 0 (`gemv-max-batch` does not apply): tensor cores, 16 rows
      x 64 columns per block, the warps splitting K, the same trits, each x
      split into three bf16 values in the lane, three `nvvm.mma.sync`
      m16n8k16 bf16 -> f32 per tile: every product t * x exact, summed in
      f32. `ternary_mma_f32_m16n64_w1`, the same for K % 16 == 0 (not 64):
      the packed words loaded one by one (rows not 16-byte aligned), the
      last chunk of 64 trits partial, x zeroed past the row.
    * `ternary_gemv_i8_r1c4w4` for the int8 matmuls of one row: x bytes
      transposed with `vector.shuffle` to match the masked codes
      `(w >> 2s) & 0x03030303` of a packed word, `nvvm.dot.accumulate.4way`
      (dp4a) of codes and x, minus the dp4a sum of x: exact i32;
      `ternary_mma_i8_m16n32` for more rows: s8 trits
      (`((c | 0x80) - 1) ^ 0x80` per byte) and x on `nvvm.mma.sync`
      m16n8k16 s8 -> i32. Both int8 kernels have their K loop unrolled by
      2 (upstream `loopUnrollByFactor`): two steps' loads in flight.
    * `ternary_gemv_f32` when K is not a multiple of 16 and M is at most
      `gemv-max-batch`: one warp per output column reads the column's
      packed bytes (consecutive lanes, consecutive bytes), decodes 4 trits
      per byte with shifts and masks, adds/subtracts/skips the activation
      and sums the lanes with a `gpu.shuffle xor` butterfly; grid
      `(ceildiv(N, 8), M)`, 256 threads.
    * `ternary_gemm_f32` otherwise (K % 16 != 0): a 32x8 block computes a
      32x32 tile of the result, 4 tokens per thread, the activations staged in
      workgroup (shared) memory in chunks of 64 along K; grid
      `(ceildiv(N, 32), ceildiv(M, 32))`.

    A dynamic M chooses among them at run time (nested `scf.if`). The weights
    stay packed: the kernels read the `i8` storage of the `!ternary.packed`
    value, and no dense copy of W is made. The byte and tiled kernels are
    written in MLIR (lib/Conversion/TernaryToGPU/TernaryKernels.mlir) and
    copied into the module once, the word GEMVs and the tensor-core kernels
    are built op by op (PackedGemv.cpp, PackedMma.cpp) when used; the
    module gets `gpu.container_module`.

    With `activations=int8` (W1.58A8, the BitNet b1.58 activations; it
    changes results) an `f32` matmul with K a multiple of 64 quantizes its
    input: per row a = max |x|, q = round-half-even(x * (127 / a)) in
    [-127, 127], step = a / 127, exact `i32` sums on the int8 kernels, and
    y = ((f32(sum) * step) * scale) + bias, the operations and order of the
    CPU runtime's `tri_uk_gemm_i8`, so finite results are bit for bit those
    of `tri_uk_quantize_act_i8` + `tri_uk_gemm_i8`. One row (K <= 8192)
    runs `ternary_gemv_a8_sx_k<K>`, the staged GEMV that quantizes the f32
    row as it stages it and dequantizes in its epilogue; more rows run
    `ternary_quantize_rows_i8` (one block per row;
    lib/Conversion/TernaryToGPU/ActivationKernels.mlir) and
    `ternary_mma_a8_m16n32`, the s8 tensor-core kernel on q whose epilogue
    dequantizes; one row with K > 8192 `ternary_quantize_rows_i8`,
    `ternary_gemv_i8_r1c4w4` and `ternary_dequantize_rows`. A row holding
    NaN or infinity gives NaN results. An `f32` matmul with another K
    keeps `f32` activations, with a warning at its location.

    Every other ternary op, and a matmul the kernels do not cover (`i8`
    input with K not a multiple of 64 or a scale, another layout), is
    lowered as
    `convert-ternary-to-linalg` does (still on the packed bytes); the
    upstream linalg -> parallel loops -> gpu passes of `ternary-gpu` run it.
    Function signatures are converted as in `convert-ternary-to-linalg`.
  }];
  let options = [
    Option<"gemvMaxBatch", "gemv-max-batch", "int64_t", /*default=*/"16",
           "The largest batch M that runs the byte GEMV kernel (K % 16 != "
           "0); larger batches run the tiled kernel (with K % 16 == 0 the "
           "tensor-core kernels take every batch above one)">,
    Option<"int8StagedX", "int8-staged-x", "bool", /*default=*/"true",
           "One row, int8, K % 64 == 0, K <= 8192: "
           "ternary_gemv_i8_sx_k<K> (x staged in shared memory, a "
           "persistent grid, the next column's weights loaded ahead); "
           "false: ternary_gemv_i8_r1c4w4">,
    Option<"f32FixedPoint", "f32-fixed-point", "bool", /*default=*/"false",
           "One row, f32, K % 64 == 0, K <= 8192: "
           "ternary_gemv_f32_fx_k<K> (x in 40-bit fixed point, its digits "
           "summed exactly on the int8 tensor cores) in place of "
           "ternary_mma_f32_m1n64; off until measured on a GPU">,
    Option<"int8Mma", "int8-mma-gemv", "bool", /*default=*/"false",
           "One row, int8, K % 64 == 0, K <= 8192: "
           "ternary_gemv_i8_mma_k<K> (the structure of "
           "ternary_gemv_f32_fx_k with x itself as the one digit, on the "
           "int8 tensor cores) in place of ternary_gemv_i8_sx_k; off until "
           "measured on a GPU">,
    Option<"activations", "activations", "std::string",
           /*default=*/"\"f32\"",
           "The activations of f32 ternary matmuls: f32 (summed as they "
           "are) or int8 (W1.58A8: each row quantized to int8 by its "
           "largest magnitude, exact int32 sums on the int8 kernels, "
           "dequantized; K % 64 == 0)">,
    Option<"int8MmaCodes", "int8-mma-codes", "bool", /*default=*/"false",
           "More than one row, int8: ternary_mma_i8_m16n32_u8 (the trit "
           "codes as the mma's unsigned B operand, x's row sums taken off, "
           "x transposed by prmt, hinted weight loads) in place of "
           "ternary_mma_i8_m16n32; off until measured on a GPU">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::NVVM::NVVMDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
}

#endif // TRITON_CONVERSION_TERNARYTOGPU_PASSES_TD
