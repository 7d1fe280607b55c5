// The ternary matmul kernels of convert-ternary-to-gpu, embedded in the pass
// at build time and copied into `gpu.module @ternary_kernels` of every module
// that uses them. y[m, n] = (sum_k x[m, k] * W[k, n]) * scale + bias with W
// given as offset2 bytes packed along K (row n of `w` is column n of W,
// element k in byte k/4 at bits 2*(k%4); runtime/include/ternary_packing.h):
// the weights stay packed in global memory, each byte is decoded with shifts
// and masks, and a trit adds, subtracts or skips the activation (no multiply
// by a weight). f32 accumulation. `scale` and `bias` have 1 element (a
// per-tensor scale; bias 0) or N (per column).
//
// ternary_gemv_f32: batch 1..16. 256 threads = 8 warps per block, one warp
//   per output column: lanes read consecutive packed bytes of the column
//   (coalesced), decode 4 trits each, and the warp sums with a gpu.shuffle
//   xor butterfly. grid = (ceildiv(N, 8), M).
// ternary_gemm_f32: larger batches. A 32x8 block computes a 32-column x
//   32-row tile, 4 rows (tokens) per thread so that each decoded trit serves
//   4 tokens; the activations of the tile are staged in shared memory in
//   chunks of 64 along K. grid = (ceildiv(N, 32), ceildiv(M, 32)).
//
// Padding trits (k >= K in a row's last byte) are code 0b01, zero: they
// never change a sum, so reads of x there are clamped to column K-1 instead
// of branching.
gpu.module @ternary_kernels {
  gpu.func @ternary_gemv_f32(%x: memref<?x?xf32>, %w: memref<?x?xi8>,
                             %scale: memref<?xf32>, %bias: memref<?xf32>,
                             %y: memref<?x?xf32>) kernel
      attributes {known_block_size = array<i32: 256, 1, 1>} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c8 = arith.constant 8 : index
    %c32 = arith.constant 32 : index
    %zero = arith.constant 0.0 : f32
    %tid = gpu.thread_id x
    %lane = arith.remui %tid, %c32 : index
    %warp = arith.divui %tid, %c32 : index
    %bx = gpu.block_id x
    %m = gpu.block_id y
    %col0 = arith.muli %bx, %c8 : index
    %n = arith.addi %col0, %warp : index
    %K = memref.dim %x, %c1 : memref<?x?xf32>
    %N = memref.dim %w, %c0 : memref<?x?xi8>
    %Kb = memref.dim %w, %c1 : memref<?x?xi8>
    %Klast = arith.subi %K, %c1 : index
    %inside = arith.cmpi ult, %n, %N : index
    // The whole warp takes the same branch: n is the warp's.
    scf.if %inside {
      %sum = scf.for %j = %lane to %Kb step %c32 iter_args(%acc = %zero) -> (f32) {
        %byte = memref.load %w[%n, %j] : memref<?x?xi8>
        %k0 = arith.muli %j, %c4 : index
        %acc4 = scf.for %i = %c0 to %c4 step %c1 iter_args(%a = %acc) -> (f32) {
          %k = arith.addi %k0, %i : index
          %kc = arith.minui %k, %Klast : index
          %xv = memref.load %x[%m, %kc] : memref<?x?xf32>
          %i8 = arith.index_castui %i : index to i8
          %two = arith.constant 2 : i8
          %shift = arith.muli %i8, %two : i8
          %shifted = arith.shrui %byte, %shift : i8
          %three = arith.constant 3 : i8
          %code = arith.andi %shifted, %three : i8
          %zero8 = arith.constant 0 : i8
          %isPlus = arith.cmpi eq, %code, %two : i8
          %isMinus = arith.cmpi eq, %code, %zero8 : i8
          %plus = arith.addf %a, %xv : f32
          %minus = arith.subf %a, %xv : f32
          %keepOrMinus = arith.select %isMinus, %minus, %a : f32
          %next = arith.select %isPlus, %plus, %keepOrMinus : f32
          scf.yield %next : f32
        }
        scf.yield %acc4 : f32
      }
      %width = arith.constant 32 : i32
      %o16 = arith.constant 16 : i32
      %o8 = arith.constant 8 : i32
      %o4 = arith.constant 4 : i32
      %o2 = arith.constant 2 : i32
      %o1 = arith.constant 1 : i32
      %s16, %v16 = gpu.shuffle xor %sum, %o16, %width : f32
      %r16 = arith.addf %sum, %s16 : f32
      %s8, %v8 = gpu.shuffle xor %r16, %o8, %width : f32
      %r8 = arith.addf %r16, %s8 : f32
      %s4, %v4 = gpu.shuffle xor %r8, %o4, %width : f32
      %r4 = arith.addf %r8, %s4 : f32
      %s2, %v2 = gpu.shuffle xor %r4, %o2, %width : f32
      %r2 = arith.addf %r4, %s2 : f32
      %s1, %v1 = gpu.shuffle xor %r2, %o1, %width : f32
      %total = arith.addf %r2, %s1 : f32
      %first = arith.cmpi eq, %lane, %c0 : index
      scf.if %first {
        %ns = memref.dim %scale, %c0 : memref<?xf32>
        %nb = memref.dim %bias, %c0 : memref<?xf32>
        %perScale = arith.cmpi ugt, %ns, %c1 : index
        %si = arith.select %perScale, %n, %c0 : index
        %perBias = arith.cmpi ugt, %nb, %c1 : index
        %bi = arith.select %perBias, %n, %c0 : index
        %s = memref.load %scale[%si] : memref<?xf32>
        %b = memref.load %bias[%bi] : memref<?xf32>
        %scaled = arith.mulf %total, %s : f32
        %out = arith.addf %scaled, %b : f32
        memref.store %out, %y[%m, %n] : memref<?x?xf32>
      }
    }
    gpu.return
  }

  gpu.func @ternary_gemm_f32(%x: memref<?x?xf32>, %w: memref<?x?xi8>,
                             %scale: memref<?xf32>, %bias: memref<?xf32>,
                             %y: memref<?x?xf32>)
      workgroup(%tile: memref<32x64xf32, #gpu.address_space<workgroup>>)
      kernel attributes {known_block_size = array<i32: 32, 8, 1>} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c8 = arith.constant 8 : index
    %c16 = arith.constant 16 : index
    %c32 = arith.constant 32 : index
    %c64 = arith.constant 64 : index
    %c256 = arith.constant 256 : index
    %zero = arith.constant 0.0 : f32
    %tx = gpu.thread_id x
    %ty = gpu.thread_id y
    %bx = gpu.block_id x
    %by = gpu.block_id y
    %tyw = arith.muli %ty, %c32 : index
    %flat = arith.addi %tyw, %tx : index
    %colBase = arith.muli %bx, %c32 : index
    %n = arith.addi %colBase, %tx : index
    %rowBase = arith.muli %by, %c32 : index
    %myRow = arith.muli %ty, %c4 : index
    %M = memref.dim %x, %c0 : memref<?x?xf32>
    %K = memref.dim %x, %c1 : memref<?x?xf32>
    %N = memref.dim %w, %c0 : memref<?x?xi8>
    %Kb = memref.dim %w, %c1 : memref<?x?xi8>
    %Mlast = arith.subi %M, %c1 : index
    %Klast = arith.subi %K, %c1 : index
    %Nlast = arith.subi %N, %c1 : index
    %Kblast = arith.subi %Kb, %c1 : index
    %nc = arith.minui %n, %Nlast : index
    %init = arith.constant 0.0 : f32
    %acc:4 = scf.for %k0 = %c0 to %K step %c64
        iter_args(%a0 = %init, %a1 = %init, %a2 = %init, %a3 = %init)
        -> (f32, f32, f32, f32) {
      // Stage x[rowBase .. +32, k0 .. +64]: 256 threads, 8 elements each;
      // outside x, zeros.
      scf.for %e = %c0 to %c8 step %c1 {
        %eoff = arith.muli %e, %c256 : index
        %idx = arith.addi %flat, %eoff : index
        %r = arith.divui %idx, %c64 : index
        %c = arith.remui %idx, %c64 : index
        %gm = arith.addi %rowBase, %r : index
        %gk = arith.addi %k0, %c : index
        %okm = arith.cmpi ult, %gm, %M : index
        %okk = arith.cmpi ult, %gk, %K : index
        %ok = arith.andi %okm, %okk : i1
        %gmc = arith.minui %gm, %Mlast : index
        %gkc = arith.minui %gk, %Klast : index
        %v = memref.load %x[%gmc, %gkc] : memref<?x?xf32>
        %vz = arith.select %ok, %v, %zero : f32
        memref.store %vz, %tile[%r, %c] : memref<32x64xf32, #gpu.address_space<workgroup>>
      }
      gpu.barrier
      %j0 = arith.divui %k0, %c4 : index
      %next:4 = scf.for %jb = %c0 to %c16 step %c1
          iter_args(%b0 = %a0, %b1 = %a1, %b2 = %a2, %b3 = %a3)
          -> (f32, f32, f32, f32) {
        %j = arith.addi %j0, %jb : index
        %jc = arith.minui %j, %Kblast : index
        %raw = memref.load %w[%nc, %jc] : memref<?x?xi8>
        // Past the row: all-zero trits (0b01010101).
        %inRow = arith.cmpi ult, %j, %Kb : index
        %zeros = arith.constant 85 : i8
        %byte = arith.select %inRow, %raw, %zeros : i8
        %kk0 = arith.muli %jb, %c4 : index
        %r:4 = scf.for %i = %c0 to %c4 step %c1
            iter_args(%d0 = %b0, %d1 = %b1, %d2 = %b2, %d3 = %b3)
            -> (f32, f32, f32, f32) {
          %kk = arith.addi %kk0, %i : index
          %i8 = arith.index_castui %i : index to i8
          %two = arith.constant 2 : i8
          %shift = arith.muli %i8, %two : i8
          %shifted = arith.shrui %byte, %shift : i8
          %three = arith.constant 3 : i8
          %code = arith.andi %shifted, %three : i8
          %zero8 = arith.constant 0 : i8
          %isPlus = arith.cmpi eq, %code, %two : i8
          %isMinus = arith.cmpi eq, %code, %zero8 : i8
          %row1 = arith.addi %myRow, %c1 : index
          %c2 = arith.constant 2 : index
          %c3 = arith.constant 3 : index
          %row2 = arith.addi %myRow, %c2 : index
          %row3 = arith.addi %myRow, %c3 : index
          %x0 = memref.load %tile[%myRow, %kk] : memref<32x64xf32, #gpu.address_space<workgroup>>
          %x1 = memref.load %tile[%row1, %kk] : memref<32x64xf32, #gpu.address_space<workgroup>>
          %x2 = memref.load %tile[%row2, %kk] : memref<32x64xf32, #gpu.address_space<workgroup>>
          %x3 = memref.load %tile[%row3, %kk] : memref<32x64xf32, #gpu.address_space<workgroup>>
          %p0 = arith.addf %d0, %x0 : f32
          %q0 = arith.subf %d0, %x0 : f32
          %s0 = arith.select %isMinus, %q0, %d0 : f32
          %e0 = arith.select %isPlus, %p0, %s0 : f32
          %p1 = arith.addf %d1, %x1 : f32
          %q1 = arith.subf %d1, %x1 : f32
          %s1 = arith.select %isMinus, %q1, %d1 : f32
          %e1 = arith.select %isPlus, %p1, %s1 : f32
          %p2 = arith.addf %d2, %x2 : f32
          %q2 = arith.subf %d2, %x2 : f32
          %s2 = arith.select %isMinus, %q2, %d2 : f32
          %e2 = arith.select %isPlus, %p2, %s2 : f32
          %p3 = arith.addf %d3, %x3 : f32
          %q3 = arith.subf %d3, %x3 : f32
          %s3 = arith.select %isMinus, %q3, %d3 : f32
          %e3 = arith.select %isPlus, %p3, %s3 : f32
          scf.yield %e0, %e1, %e2, %e3 : f32, f32, f32, f32
        }
        scf.yield %r#0, %r#1, %r#2, %r#3 : f32, f32, f32, f32
      }
      gpu.barrier
      scf.yield %next#0, %next#1, %next#2, %next#3 : f32, f32, f32, f32
    }
    %inN = arith.cmpi ult, %n, %N : index
    scf.if %inN {
      %ns = memref.dim %scale, %c0 : memref<?xf32>
      %nb = memref.dim %bias, %c0 : memref<?xf32>
      %perScale = arith.cmpi ugt, %ns, %c1 : index
      %si = arith.select %perScale, %n, %c0 : index
      %perBias = arith.cmpi ugt, %nb, %c1 : index
      %bi = arith.select %perBias, %n, %c0 : index
      %s = memref.load %scale[%si] : memref<?xf32>
      %b = memref.load %bias[%bi] : memref<?xf32>
      %mBase = arith.addi %rowBase, %myRow : index
      %c2x = arith.constant 2 : index
      %c3x = arith.constant 3 : index
      %m0 = arith.addi %mBase, %c0 : index
      %inM0 = arith.cmpi ult, %m0, %M : index
      scf.if %inM0 {
        %scaled0 = arith.mulf %acc#0, %s : f32
        %out0 = arith.addf %scaled0, %b : f32
        memref.store %out0, %y[%m0, %n] : memref<?x?xf32>
      }
      %m1 = arith.addi %mBase, %c1 : index
      %inM1 = arith.cmpi ult, %m1, %M : index
      scf.if %inM1 {
        %scaled1 = arith.mulf %acc#1, %s : f32
        %out1 = arith.addf %scaled1, %b : f32
        memref.store %out1, %y[%m1, %n] : memref<?x?xf32>
      }
      %m2 = arith.addi %mBase, %c2x : index
      %inM2 = arith.cmpi ult, %m2, %M : index
      scf.if %inM2 {
        %scaled2 = arith.mulf %acc#2, %s : f32
        %out2 = arith.addf %scaled2, %b : f32
        memref.store %out2, %y[%m2, %n] : memref<?x?xf32>
      }
      %m3 = arith.addi %mBase, %c3x : index
      %inM3 = arith.cmpi ult, %m3, %M : index
      scf.if %inM3 {
        %scaled3 = arith.mulf %acc#3, %s : f32
        %out3 = arith.addf %scaled3, %b : f32
        memref.store %out3, %y[%m3, %n] : memref<?x?xf32>
      }
    }
    gpu.return
  }
}
