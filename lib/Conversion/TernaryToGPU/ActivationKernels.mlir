// The kernels of convert-ternary-to-gpu{activations=int8} (W1.58A8, the
// BitNet b1.58 activations), embedded at build time and moved into
// `gpu.module @ternary_kernels` of a module that quantizes: an f32
// ternary.matmul becomes
//
//   ternary_quantize_rows_i8   x [M, K] f32 -> q [M, K] i8, step [M] f32
//   the int8 kernels           q @ W -> acc [M, N] i32, exact
//   ternary_dequantize_rows    y = ((f32(acc) * step[m]) * scale) + bias
//
// (the tensor-core kernel ternary_mma_a8_m16n32 dequantizes in its own
// epilogue, and the one-row ternary_gemv_a8_sx_k<K> also quantizes: see
// PackedMma.cpp and StagedGemv.cpp)
// with the semantics of the CPU runtime's tri_uk_quantize_act_i8 and
// tri_uk_gemm_i8 (runtime/include/ternary_ukernels.h): per row m,
// a = max_k |x[m, k]|, q = round-half-even(x * (127 / a)) in [-127, 127]
// (all zero when a == 0), step = a / 127, and the same float operations in
// the same order, so that finite results are the runtime's bit for bit. A
// row holding NaN or infinity has q = 0 and step = NaN: its results are NaN
// (the runtime refuses such a row; a kernel has no error channel).

gpu.module @ternary_activation_kernels {
  // One block of 1024 threads per row m (grid (M, 1, 1)); K % 4 == 0 and
  // rows 16-byte aligned (the int8 kernels need K % 64 == 0): 128-bit
  // loads of x, 32-bit stores of q.
  gpu.func @ternary_quantize_rows_i8(%x: memref<?x?xf32>, %q: memref<?x?xi8>,
                                     %step: memref<?xf32>)
      workgroup(%partial: memref<32xf32, #gpu.address_space<workgroup>>)
      kernel attributes {known_block_size = array<i32: 1024, 1, 1>} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c32 = arith.constant 32 : index
    %c4096 = arith.constant 4096 : index
    %zero = arith.constant 0.0 : f32
    %zeros = arith.constant dense<0.0> : vector<4xf32>
    %tid = gpu.thread_id x
    %lane = arith.remui %tid, %c32 : index
    %warp = arith.divui %tid, %c32 : index
    %m = gpu.block_id x
    %K = memref.dim %x, %c1 : memref<?x?xf32>
    %k0 = arith.muli %tid, %c4 : index
    // max |x| over this thread's 4-vectors (maximumf: NaN wins).
    %local4 = scf.for %k = %k0 to %K step %c4096
        iter_args(%a = %zeros) -> (vector<4xf32>) {
      %v = vector.load %x[%m, %k] {alignment = 16 : i64}
          : memref<?x?xf32>, vector<4xf32>
      %abs = math.absf %v : vector<4xf32>
      %max = arith.maximumf %a, %abs : vector<4xf32>
      scf.yield %max : vector<4xf32>
    }
    %local = vector.reduction <maximumf>, %local4 : vector<4xf32> into f32
    %width = arith.constant 32 : i32
    %o16 = arith.constant 16 : i32
    %o8 = arith.constant 8 : i32
    %o4 = arith.constant 4 : i32
    %o2 = arith.constant 2 : i32
    %o1 = arith.constant 1 : i32
    %s16, %v16 = gpu.shuffle xor %local, %o16, %width : f32
    %r16 = arith.maximumf %local, %s16 : f32
    %s8, %v8 = gpu.shuffle xor %r16, %o8, %width : f32
    %r8 = arith.maximumf %r16, %s8 : f32
    %s4, %v4 = gpu.shuffle xor %r8, %o4, %width : f32
    %r4 = arith.maximumf %r8, %s4 : f32
    %s2, %v2 = gpu.shuffle xor %r4, %o2, %width : f32
    %r2 = arith.maximumf %r4, %s2 : f32
    %s1, %v1 = gpu.shuffle xor %r2, %o1, %width : f32
    %r1 = arith.maximumf %r2, %s1 : f32
    %isLane0 = arith.cmpi eq, %lane, %c0 : index
    scf.if %isLane0 {
      memref.store %r1, %partial[%warp]
          : memref<32xf32, #gpu.address_space<workgroup>>
    }
    gpu.barrier
    %amax = scf.for %i = %c0 to %c32 step %c1
        iter_args(%a = %zero) -> (f32) {
      %p = memref.load %partial[%i]
          : memref<32xf32, #gpu.address_space<workgroup>>
      %max = arith.maximumf %a, %p : f32
      scf.yield %max : f32
    }
    // Not finite: NaN (every comparison false) or infinity.
    %largest = arith.constant 3.40282347e+38 : f32
    %finite = arith.cmpf ole, %amax, %largest : f32
    %positive = arith.cmpf ogt, %amax, %zero : f32
    %usable = arith.andi %finite, %positive : i1
    %c127 = arith.constant 127.0 : f32
    %ratio = arith.divf %c127, %amax : f32
    %inv = arith.select %usable, %ratio, %zero : f32
    %inv4 = vector.broadcast %inv : f32 to vector<4xf32>
    %hi4 = arith.constant dense<127.0> : vector<4xf32>
    %lo4 = arith.constant dense<-127.0> : vector<4xf32>
    %zero4 = arith.constant dense<0> : vector<4xi8>
    scf.for %k = %k0 to %K step %c4096 {
      %v = vector.load %x[%m, %k] {alignment = 16 : i64}
          : memref<?x?xf32>, vector<4xf32>
      %scaled = arith.mulf %v, %inv4 : vector<4xf32>
      %rounded = math.roundeven %scaled : vector<4xf32>
      %above = arith.maximumf %rounded, %lo4 : vector<4xf32>
      %clamped = arith.minimumf %above, %hi4 : vector<4xf32>
      %ints = arith.fptosi %clamped : vector<4xf32> to vector<4xi8>
      // A non-finite row's products are not numbers: no conversion of
      // them is kept.
      %codes = arith.select %finite, %ints, %zero4 : vector<4xi8>
      vector.store %codes, %q[%m, %k] {alignment = 4 : i64}
          : memref<?x?xi8>, vector<4xi8>
    }
    %isThread0 = arith.cmpi eq, %tid, %c0 : index
    scf.if %isThread0 {
      %nan = arith.constant 0x7FC00000 : f32
      %quotient = arith.divf %amax, %c127 : f32
      %s = arith.select %finite, %quotient, %nan : f32
      memref.store %s, %step[%m] : memref<?xf32>
    }
    gpu.return
  }

  // y[m, n] = ((f32(acc[m, n]) * step[m]) * scale) + bias, scale and bias
  // of 1 element (every column) or N (per column), as the other kernels
  // take them. 256 threads, one column each; grid (ceildiv(N, 256), M).
  gpu.func @ternary_dequantize_rows(%acc: memref<?x?xi32>,
                                    %step: memref<?xf32>,
                                    %scale: memref<?xf32>,
                                    %bias: memref<?xf32>,
                                    %y: memref<?x?xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c256 = arith.constant 256 : index
    %tid = gpu.thread_id x
    %bx = gpu.block_id x
    %m = gpu.block_id y
    %first = arith.muli %bx, %c256 : index
    %n = arith.addi %first, %tid : index
    %N = memref.dim %acc, %c1 : memref<?x?xi32>
    %inside = arith.cmpi ult, %n, %N : index
    scf.if %inside {
      %a = memref.load %acc[%m, %n] : memref<?x?xi32>
      %f = arith.sitofp %a : i32 to f32
      %s = memref.load %step[%m] : memref<?xf32>
      %scales = memref.dim %scale, %c0 : memref<?xf32>
      %perScale = arith.cmpi ugt, %scales, %c1 : index
      %sn = arith.select %perScale, %n, %c0 : index
      %sc = memref.load %scale[%sn] : memref<?xf32>
      %biases = memref.dim %bias, %c0 : memref<?xf32>
      %perBias = arith.cmpi ugt, %biases, %c1 : index
      %bn = arith.select %perBias, %n, %c0 : index
      %b = memref.load %bias[%bn] : memref<?xf32>
      %stepped = arith.mulf %f, %s : f32
      %scaled = arith.mulf %stepped, %sc : f32
      %out = arith.addf %scaled, %b : f32
      memref.store %out, %y[%m, %n] : memref<?x?xf32>
    }
    gpu.return
  }
}
