// convert-ternary-to-gpu: a ternary.matmul launches GPU kernels on the i8
// storage of the packed weights (no dense copy of W). A dynamic batch
// chooses at run time: with K a multiple of 16 (rows of whole 32-bit words)
// the one-row word GEMV for M <= 1 and the f32 tensor-core kernel of 32-bit
// words for every M > 1 (K % 64 == 0: the tensor-core kernels of 128-bit
// vectors, last cases); with other K the byte GEMV for M <= 16. The word
// GEMVs view the packed bytes as i32 words, load them with vector loads
// (128-bit when K % 64 == 0) together with 128-bit loads of x, decode each
// 2-bit code where it lies into the exact trit (w & 3 << 2p or-ed with the
// kernel's last argument, the f32 2^23: an i32 the launch passes as
// 0x4B000000 = 1258291200; one fma times 4^-p minus 2^(23 - 2p) + 1; the
// trits from bit 22 on after one shift by 22) that one fma accumulates
// (t * x is exact: the sum rounds as the addition or subtraction), reduce
// with 5 gpu.shuffle xor per
// accumulator, and multiply only by the scale in the epilogue. The byte
// kernel reads packed bytes, decodes with shifts and masks, and adds,
// subtracts or skips (no multiply before the epilogue's scale). A static
// batch launches one kernel; an i8 matmul keeps the linalg lowering on the
// packed bytes. An input of rank 3 is the matrix of its rows (last cases).
// RUN: triton-opt %s -split-input-file -convert-ternary-to-gpu | FileCheck %s
// RUN: triton-opt %s -split-input-file -convert-ternary-to-gpu | FileCheck %s --check-prefix=DECODE
// RUN: triton-opt %s -split-input-file -convert-ternary-to-gpu=int8-staged-x=false | FileCheck %s --check-prefix=CLASSIC
// RUN: triton-opt %s -split-input-file -convert-ternary-to-gpu=f32-fixed-point=true | FileCheck %s --check-prefix=FX
// RUN: triton-opt %s -split-input-file -convert-ternary-to-gpu=int8-mma-codes=true | FileCheck %s --check-prefix=UCODES

// CHECK: module attributes {gpu.container_module}
// CHECK-LABEL: func.func @dynamic(
// CHECK-SAME: %[[W:.*]]: tensor<10x196xi8>, %[[B:.*]]: tensor<10xf32>, %[[X:.*]]: tensor<?x784xf32>)
// CHECK: %[[M:.*]] = tensor.dim %[[X]]
// CHECK: %[[Y:.*]] = memref.alloc(%[[M]]) : memref<?x10xf32>
// CHECK: %[[WB:.*]] = bufferization.to_buffer %[[W]] read_only : tensor<10x196xi8>
// CHECK: %[[ONE:.*]] = arith.cmpi ule, %[[M]], %c1{{.*}} : index
// CHECK: scf.if %[[ONE]] {
// CHECK:   %[[GX:.*]] = arith.ceildivui %{{.*}}, %c32
// CHECK:   %[[GY:.*]] = arith.ceildivui %[[M]], %c1{{.*}} : index
// CHECK:   gpu.launch_func @ternary_kernels::@ternary_gemv_f32_r1c4w1 blocks in (%[[GX]], %[[GY]], %c1) threads in (%c256, %c1, %c1) args({{.*}}, %c1258291200_i32 : i32)
// CHECK: } else {
// CHECK:   %[[GX64:.*]] = arith.ceildivui %{{.*}}, %c64
// CHECK:   %[[GY16:.*]] = arith.ceildivui %[[M]], %c16
// CHECK:   gpu.launch_func @ternary_kernels::@ternary_mma_f32_m16n64_w1 blocks in (%[[GX64]], %[[GY16]], %c1) threads in (%c256{{.*}}, %c1, %c1) args({{.*}}, %c1124090624_i32 : i32)
// CHECK-NOT: gpu.launch_func
// CHECK: }
// CHECK: bufferization.to_tensor %[[Y]] restrict writable
// CHECK-NOT: linalg.generic

// CHECK: gpu.module @ternary_kernels
// CHECK: gpu.func @ternary_gemv_f32(
// CHECK: gpu.func @ternary_gemm_f32(
// CHECK-LABEL: gpu.func @ternary_gemv_f32_r1c4w1(
// CHECK-SAME: %[[GX1:[a-z0-9]+]]: memref<?x?xf32>, %[[GW1:[a-z0-9]+]]: memref<?x?xi8>
// CHECK-SAME: %[[MAGIC:[a-z0-9]+]]: i32)
// CHECK-SAME: known_block_size = array<i32: 256, 1, 1>
// CHECK:   %[[FLAT:.*]] = memref.collapse_shape %[[GW1]] {{\[\[}}0, 1]] : memref<?x?xi8> into memref<?xi8>
// CHECK:   %[[WORDS:.*]] = memref.view %[[FLAT]]{{.*}} : memref<?xi8> to memref<?xi32>
// CHECK-NOT: arith.mulf
// CHECK:   scf.for
// CHECK:     vector.load %[[GX1]][{{.*}}] {alignment = 16 : i64} : memref<?x?xf32>, vector<4xf32>
// CHECK:     vector.load %[[WORDS]][{{.*}}] {alignment = 4 : i64} : memref<?xi32>, vector<1xi32>
// CHECK:     %[[WORD:.*]] = vector.extract
// CHECK:     %[[HIGH:.*]] = arith.shrui %[[WORD]], %c22_i32 : i32
// CHECK:     %[[CODE:.*]] = arith.andi %[[WORD]], %c3_i32
// CHECK:     %[[BITS:.*]] = arith.ori %[[CODE]], %[[MAGIC]] : i32
// CHECK:     %[[BIASED:.*]] = arith.bitcast %[[BITS]] : i32 to f32
// CHECK:     %[[TRIT:.*]] = math.fma %[[BIASED]], %cst{{.*}}, %cst{{.*}} : f32
// CHECK:     math.fma %[[TRIT]], %{{.*}}, %{{.*}} : f32
// CHECK:     %[[CODE1:.*]] = arith.andi %[[WORD]], %c12_i32
// CHECK:     arith.ori %[[CODE1]], %[[MAGIC]] : i32
// CHECK:     %[[CODE10:.*]] = arith.andi %[[WORD]], %c3145728_i32
// CHECK:     arith.ori %[[CODE10]], %[[MAGIC]] : i32
// CHECK:     %[[CODE11:.*]] = arith.andi %[[HIGH]], %c3_i32
// CHECK:     arith.ori %[[CODE11]], %[[MAGIC]] : i32
// CHECK-NOT: arith.mulf
// CHECK-NOT: arith.shrui %[[WORD]]
// CHECK:     scf.yield
// CHECK-COUNT-20: gpu.shuffle xor
// CHECK-NOT: gpu.shuffle
// CHECK:   scf.if
// CHECK-COUNT-4: arith.mulf
// CHECK-NOT: arith.mulf
// CHECK: gpu.return
// The 16-row tensor-core kernel of 32-bit words (K = 784: 12 chunks of 64
// trits and one word, so ceildiv(196 bytes, 16) = 13 chunks): the lane's 4
// words of each of its 8 columns loaded one by one at word indices clamped
// to the row (no 128-bit vector load of weights: the rows are not 16-byte
// aligned), x read at k clamped to the row and zeroed past it per word of
// 16 trits (the word past the row is the last one again, times zero); 384
// mma per step with both groups of 8 rows.
// CHECK-LABEL: gpu.func @ternary_mma_f32_m16n64_w1(
// CHECK-SAME: %[[MX:[a-z0-9]+]]: memref<?x?xf32>, %[[MW:[a-z0-9]+]]: memref<?x?xi8>
// CHECK: %[[MWORDS:.*]] = memref.view {{.*}} to memref<?xi32>
// CHECK: arith.ceildivui %{{.*}}, %c16
// CHECK: scf.for
// CHECK-NOT: vector.load %[[MWORDS]]
// CHECK: %[[IDX:.*]] = arith.minui %{{.*}}, %{{.*}} : index
// CHECK: memref.load %[[MWORDS]][%{{.*}}] : memref<?xi32>
// CHECK-COUNT-31: memref.load %[[MWORDS]]
// CHECK-NOT: memref.load %[[MWORDS]]
// CHECK: %[[XLOAD:.*]] = vector.load %[[MX]][%{{.*}}, %{{.*}}] {alignment = 16 : i64} : memref<?x?xf32>, vector<4xf32>
// CHECK: arith.select %{{.*}}, %[[XLOAD]], %{{.*}} : vector<4xf32>
// CHECK-COUNT-384: nvvm.mma.sync
// CHECK-NOT: nvvm.mma.sync
// CHECK: scf.yield
func.func @dynamic(%w: !ternary.packed<784x10>, %b: tensor<10xf32>,
                   %x: tensor<?x784xf32>) -> tensor<?x10xf32> {
  %y = ternary.matmul %x, %w bias %b : tensor<?x784xf32>, !ternary.packed<784x10>, tensor<10xf32> -> tensor<?x10xf32>
  return %y : tensor<?x10xf32>
}

// -----

// K = 100 (not a multiple of 16): the byte GEMV for M <= 16.
// CHECK-LABEL: func.func @bytes(
// CHECK: %[[SMALL:.*]] = arith.cmpi ule, %{{.*}}, %c16
// CHECK: scf.if %[[SMALL]] {
// CHECK:   gpu.launch_func @ternary_kernels::@ternary_gemv_f32 blocks in ({{.*}}, %{{.*}}, %c1) threads in (%c256, %c1, %c1)
// CHECK: } else {
// CHECK:   gpu.launch_func @ternary_kernels::@ternary_gemm_f32
// CHECK: }
// CHECK: gpu.module @ternary_kernels
// CHECK: gpu.func @ternary_gemv_f32(%{{.*}}: memref<?x?xf32>, %[[GW:.*]]: memref<?x?xi8>
// CHECK-NOT: arith.mulf
// CHECK:   scf.for
// CHECK:     memref.load %[[GW]][{{.*}}] : memref<?x?xi8>
// CHECK:     arith.shrui
// CHECK:     arith.andi
// CHECK-NOT: arith.mulf
// CHECK:     arith.addf
// CHECK:     arith.subf
// CHECK:     arith.select
// CHECK-COUNT-5: gpu.shuffle xor
// CHECK:   arith.mulf
// CHECK-NOT: arith.mulf
// CHECK: gpu.return
// CHECK: gpu.func @ternary_gemm_f32({{.*}}) workgroup(%{{.*}} : memref<32x64xf32, #gpu.address_space<workgroup>>)
// CHECK:   gpu.barrier
// CHECK:   memref.load %{{.*}} : memref<?x?xi8>
// CHECK-COUNT-4: arith.mulf
// CHECK-NOT: arith.mulf
// CHECK: gpu.return
// CHECK-NOT: gpu.func @ternary_gemv_f32_r
func.func @bytes(%w: !ternary.packed<100x33>, %x: tensor<?x100xf32>) -> tensor<?x33xf32> {
  %y = ternary.matmul %x, %w : tensor<?x100xf32>, !ternary.packed<100x33> -> tensor<?x33xf32>
  return %y : tensor<?x33xf32>
}

// -----

// Batch 1 with K % 64 == 0: the one-row tensor-core kernel alone, one row
// and 64 columns per block (grid (ceildiv(N, 64), M)), B's columns the
// parts lo, mid, hi of the row's x. Per step a lane loads a 128-bit word
// vector of each of its 8 columns and 8 x values of its chunk (two 128-bit
// loads), splits them and stores their 4 pairs of each part (3 128-bit
// stores to its warp's shared buffer, one of two by step parity), syncs
// the warp and reads back part min(g, 2) of all 32 pairs of its chunk (8
// 128-bit loads, no select: B's columns 3..7 only make D's unused columns
// 3..7): 64 mma per step, one per 16x16 tile of trits.
// The warps' sums meet in 16 KB of shared memory; lane t = 0 adds lo + mid
// and hi from lane t = 1 (a shuffle xor 1) and multiplies by the scale
// only there.
// CHECK-LABEL: func.func @batch1(
// CHECK-NOT: scf.if
// CHECK: %[[GX:.*]] = arith.ceildivui %{{.*}}, %c64 : index
// CHECK: gpu.launch_func @ternary_kernels::@ternary_mma_f32_m1n64 blocks in (%[[GX]], %{{.*}}, %c1) threads in (%c256, %c1, %c1) args({{.*}}, %c1124090624_i32 : i32)
// CHECK-NOT: gpu.launch_func
// CHECK-LABEL: gpu.func @ternary_mma_f32_m1n64(
// CHECK-SAME: %[[RX:[a-z0-9]+]]: memref<?x?xf32>, %{{[a-z0-9]+}}: memref<?x?xi8>
// CHECK-SAME: %{{[a-z0-9]+}}: i32)
// CHECK-SAME: workgroup(%[[RPART:.*]] : memref<4096xf32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %[[XCH:.*]] : memref<6144xi32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// CHECK-NOT: arith.mulf
// CHECK-NOT: gpu.barrier
// CHECK:   scf.for {{.*}} -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32) {
// CHECK-COUNT-8: vector.load %{{.*}} {alignment = 16 : i64} : memref<?xi32>, vector<4xi32>
// CHECK-COUNT-2: vector.load %[[RX]][{{.*}}] {alignment = 16 : i64} : memref<?x?xf32>, vector<4xf32>
// CHECK:     vector.shuffle %{{.*}} [1, 3] : vector<4xbf16>, vector<4xbf16>
// CHECK-COUNT-3: vector.store %{{.*}}, %[[XCH]][%{{.*}}] {alignment = 16 : i64} : memref<6144xi32, #gpu.address_space<workgroup>>, vector<4xi32>
// CHECK:     nvvm.bar.warp.sync %c-1_i32 : i32
// CHECK-COUNT-8: vector.load %[[XCH]][%{{.*}}] {alignment = 16 : i64} : memref<6144xi32, #gpu.address_space<workgroup>>, vector<4xi32>
// CHECK-NOT: vector.store
// CHECK-NOT: vector.shuffle
// CHECK-NOT: arith.select {{.*}} : vector<4xi32>
// CHECK-COUNT-64: nvvm.mma.sync
// CHECK-NOT: nvvm.mma.sync
// CHECK:     scf.yield
// CHECK-COUNT-16: memref.store %{{.*}}, %[[RPART]]
// CHECK:   gpu.barrier
// CHECK-COUNT-8: gpu.shuffle xor %{{.*}}, %c1_i32{{.*}}, %c32_i32
// CHECK-NOT: gpu.shuffle
// CHECK-COUNT-8: arith.mulf
// CHECK-NOT: arith.mulf
// CHECK: gpu.return
// CHECK-NOT: gpu.func @ternary_gemv_f32_r
// f32-fixed-point: one row runs ternary_gemv_f32_fx_k256 instead, on a
// persistent grid of min(ceildiv(N, 16), 3 SMs) blocks, without decode
// bits.
// The block converts x to fixed point with integer operations only (the
// f32 bits' significand shifted as an i64; no f64 conversion) and stores its 5 digits per 16 k's as 128-bit vectors
// behind two barriers (the largest |x|, then the digit sums); each step
// of a warp makes one 128-bit shared load and 4 mma u8 x s8 per word of
// its two columns, no float arithmetic; the tile's last step sums the
// digits' f64 terms over the 4 lanes of a column (2 x 2 i32 shuffles)
// and rounds once to f32. The loop is unrolled by 3 (the loads of the two
// units after this one in flight).
// FX-LABEL: func.func @batch1(
// FX: %[[FGX:.*]] = arith.ceildivui %{{.*}}, %c16 : index
// FX: %[[FSMS:.*]] = {{(func.)?}}call @__tri_multiprocessor_count() : () -> index
// FX: %[[FMOST:.*]] = arith.muli %[[FSMS]], %c3 : index
// FX: %[[FGRID:.*]] = arith.minui %[[FGX]], %[[FMOST]] : index
// FX: gpu.launch_func @ternary_kernels::@ternary_gemv_f32_fx_k256 blocks in (%[[FGRID]], %{{.*}}, %c1) threads in (%c256, %c1, %c1) args({{.*}} : memref<?x?xf32>)
// FX-NOT: ternary_mma_f32_m1n64
// FX-LABEL: gpu.func @ternary_gemv_f32_fx_k256(
// FX-SAME: %{{[a-z0-9]+}}: memref<?x?xf32>)
// FX-SAME: workgroup(%[[DIGITS:.*]] : memref<1280xi8, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %{{.*}} : memref<48xi32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// FX: nvvm.inline_ptx "ld.global.nc.L1::no_allocate.L2::256B.v4.u32
// FX: gpu.barrier
// FX: arith.bitcast %{{.*}} : f32 to i32
// FX: arith.shli %{{.*}} : i64
// FX: arith.shrui %{{.*}} : i64
// FX-NOT: arith.fptosi
// FX-NOT: arith.extf
// FX-COUNT-5: vector.store %{{.*}}, %[[DIGITS]][%{{.*}}] {alignment = 16 : i64} : memref<1280xi8, #gpu.address_space<workgroup>>, vector<16xi8>
// FX: gpu.barrier
// FX: scf.for
// FX: vector.load %[[DIGITS]][%{{.*}}] {alignment = 16 : i64} : memref<1280xi8, #gpu.address_space<workgroup>>, vector<16xi8>
// FX-NOT: arith.mulf
// FX-NOT: bf16
// FX-COUNT-4: nvvm.mma.sync A[%{{.*}}, %{{.*}}] B[%{{.*}}] C[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] {intOverflowBehavior = #nvvm.mma_int_overflow<wrapped>, layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<u8>, multiplicandBPtxType = #nvvm.mma_type<s8>, shape = #nvvm.shape<m = 16, n = 8, k = 16>}
// FX: scf.if
// FX: arith.sitofp %{{.*}} : i32 to f64
// FX-COUNT-4: gpu.shuffle xor
// FX: arith.truncf %{{.*}} : f64 to f32
// FX: gpu.return
func.func @batch1(%w: !ternary.packed<256x40>, %x: tensor<1x256xf32>) -> tensor<1x40xf32> {
  %y = ternary.matmul %x, %w : tensor<1x256xf32>, !ternary.packed<256x40> -> tensor<1x40xf32>
  return %y : tensor<1x40xf32>
}

// -----

// A static batch of 64 launches the tiled kernel only; a scale is passed
// as a 1-element buffer, no bias as a 1-element zero.
// CHECK-LABEL: func.func @batch64(
// CHECK-NOT: scf.if
// CHECK-DAG: arith.constant dense<0.000000e+00> : tensor<1xf32>
// CHECK-DAG: tensor.expand_shape %{{.*}} [] output_shape [1] : tensor<f32> into tensor<1xf32>
// CHECK: gpu.launch_func @ternary_kernels::@ternary_gemm_f32
// CHECK-NOT: gpu.launch_func
// CHECK: return
func.func @batch64(%w: !ternary.packed<100x33>, %s: tensor<f32>,
                   %x: tensor<64x100xf32>) -> tensor<64x33xf32> {
  %y = ternary.matmul %x, %w scale %s : tensor<64x100xf32>, !ternary.packed<100x33>, tensor<f32> -> tensor<64x33xf32>
  return %y : tensor<64x33xf32>
}

// -----

// int8 activations with K not a multiple of 64: the linalg lowering on the
// packed bytes, and no gpu.module.
// CHECK-LABEL: func.func @int8_linalg(
// CHECK-NOT: gpu.launch_func
// CHECK: linalg.generic
// CHECK-NOT: gpu.module
func.func @int8_linalg(%w: !ternary.packed<48x8>, %x: tensor<1x48xi8>) -> tensor<1x8xi32> {
  %y = ternary.matmul %x, %w : tensor<1x48xi8>, !ternary.packed<48x8> -> tensor<1x8xi32>
  return %y : tensor<1x8xi32>
}

// -----

// int8 activations with K % 64 == 0, exact i32: one row runs the dp4a
// GEMV, more the tensor-core kernel (16 rows x 32 columns per block).
// The GEMV of one row (K <= 8192) is ternary_gemv_i8_sx_k<K>: a persistent
// grid of at most 3 blocks per SM (the host calls the declared
// @__tri_multiprocessor_count, which the runner answers), whose 256
// threads first stage x in shared
// memory (K rounded up to 2048 bytes), transposed with vector.shuffle so
// that each 4 bytes match the codes (w >> 2s) & 0x03030303 of a packed
// word, and sum it (dp4a with ones; the warps' sums meet after one
// barrier); each warp then walks its columns, the next column's 128-bit
// word vectors loaded (nvvm.inline_ptx, the L2::256B hint) before the
// dp4a of this one's (unsigned codes, signed x). Exact: sum((c - 1) x) is
// that of c x minus that of x. No float op, no multiply. Every shared
// buffer of the ternary kernels is 16-byte aligned (llvm.align): their
// shared loads and stores are 128-bit.
// CHECK-LABEL: func.func @int8(
// CHECK: %[[ONE:.*]] = arith.cmpi ule, %{{.*}}, %c1
// CHECK: scf.if %[[ONE]] {
// CHECK:   %[[PER8:.*]] = arith.ceildivui %{{.*}}, %c32 : index
// CHECK:   %[[SMS:.*]] = {{(func.)?}}call @__tri_multiprocessor_count() : () -> index
// CHECK:   %[[MOST:.*]] = arith.muli %[[SMS]], %c3 : index
// CHECK:   %[[SX:.*]] = arith.minui %[[PER8]], %[[MOST]] : index
// CHECK:   gpu.launch_func @ternary_kernels::@ternary_gemv_i8_sx_k64 blocks in (%[[SX]], %{{.*}}, %c1) threads in (%c256, %c1, %c1) args(%{{.*}} : memref<?x?xi8>, %{{.*}} : memref<?x?xi8>, %{{.*}} : memref<?xf32>, %{{.*}} : memref<?xi32>, %{{.*}} : memref<?x?xi32>)
// CHECK: } else {
// CHECK:   %[[GX:.*]] = arith.ceildivui %{{.*}}, %c32 : index
// CHECK:   %[[GY:.*]] = arith.ceildivui %{{.*}}, %c16 : index
// CHECK:   gpu.launch_func @ternary_kernels::@ternary_mma_i8_m16n32 blocks in (%[[GX]], %[[GY]], %c1) threads in (%c256, %c1, %c1)
// CHECK-NOT: ternary_gemm_f32 blocks
// CHECK-LABEL: gpu.func @ternary_gemv_i8_sx_k64(
// CHECK-SAME: %[[SXX:[a-z0-9]+]]: memref<?x?xi8>, %{{[a-z0-9]+}}: memref<?x?xi8>
// CHECK-SAME: workgroup(%[[XT:.*]] : memref<2048xi8, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %[[PARTS:.*]] : memref<8xi32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// CHECK-NOT: arith.mulf
// CHECK:   nvvm.inline_ptx "ld.global.nc.L1::no_allocate.L2::256B.v4.u32 {$0, $1, $2, $3}, [$4];" ro(%{{.*}} : !llvm.ptr<1>) -> i32, i32, i32, i32
// CHECK:   scf.for %{{.*}} = %{{.*}} to %c128 step %c256
// CHECK:     %[[XC:.*]] = vector.load %[[SXX]][{{.*}}] {alignment = 16 : i64} : memref<?x?xi8>, vector<16xi8>
// CHECK:     %[[XTR:.*]] = vector.shuffle %{{.*}}, %{{.*}} [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15]
// CHECK:     vector.store %[[XTR]], %[[XT]]
// CHECK-COUNT-4: nvvm.dot.accumulate.4way
// CHECK-COUNT-5: gpu.shuffle xor
// CHECK:   memref.store %{{.*}}, %[[PARTS]]
// CHECK:   gpu.barrier
// CHECK-COUNT-8: memref.load %[[PARTS]]
// CHECK:   scf.for {{.*}} -> (vector<4xi32>) {
// CHECK:     nvvm.inline_ptx "ld.global.nc.L1::no_allocate.L2::256B.v4.u32
// CHECK-NOT: nvvm.inline_ptx
// CHECK:     vector.load %[[XT]]
// CHECK:     %[[CODES:.*]] = arith.andi %{{.*}}, %c50529027_i32 : i32
// CHECK:     %[[V:.*]] = vector.broadcast %[[CODES]] : i32 to vector<1xi32>
// CHECK:     %[[B:.*]] = vector.bitcast %[[V]] : vector<1xi32> to vector<4xi8>
// CHECK:     nvvm.dot.accumulate.4way %[[B]] <unsigned>, %{{.*}} <signed>
// CHECK-COUNT-15: nvvm.dot.accumulate.4way
// CHECK-NOT: nvvm.dot.accumulate.4way
// CHECK-COUNT-5: gpu.shuffle xor {{.*}} : i32
// CHECK:     arith.subi
// CHECK:     memref.store
// CHECK:     scf.yield
// CHECK-NOT: arith.mulf
// CHECK: gpu.return
// int8-staged-x=false: ternary_gemv_i8_r1c4w4, a grid of a block per 32
// columns whose warps each load and transpose x on every step themselves.
// CLASSIC-LABEL: func.func @int8(
// CLASSIC:   gpu.launch_func @ternary_kernels::@ternary_gemv_i8_r1c4w4 blocks in (%{{.*}}, %{{.*}}, %c1) threads in (%c256, %c1, %c1) args(%{{.*}} : memref<?x?xi8>, %{{.*}} : memref<?x?xi8>, %{{.*}} : memref<?xf32>, %{{.*}} : memref<?xi32>, %{{.*}} : memref<?x?xi32>)
// CLASSIC-LABEL: gpu.func @ternary_gemv_i8_r1c4w4(
// CLASSIC-SAME: %[[GX:[a-z0-9]+]]: memref<?x?xi8>, %{{[a-z0-9]+}}: memref<?x?xi8>
// CLASSIC-NOT: arith.mulf
// CLASSIC-NOT: arith.muli %{{.*}} : i32
// The K loop unrolled by 2 (two steps' loads in one iteration), then the
// remainder loop of the step it had.
// CLASSIC:   %[[STEP2:.*]] = arith.muli %c128, %c2{{.*}} : index
// CLASSIC:   scf.for %{{.*}} = %{{.*}} to %[[END2:.*]] step %[[STEP2]] {{.*}} -> (i32, i32, i32, i32, i32) {
// CLASSIC:     %[[CHUNK:.*]] = vector.load %[[GX]][{{.*}}] {alignment = 16 : i64} : memref<?x?xi8>, vector<16xi8>
// CLASSIC:     %[[T:.*]] = vector.shuffle %[[CHUNK]], %[[CHUNK]] [0, 4, 8, 12] : vector<16xi8>, vector<16xi8>
// CLASSIC:     nvvm.dot.accumulate.4way %{{.*}} <unsigned>, %[[T]] <signed>
// CLASSIC:     vector.load %{{.*}} {alignment = 16 : i64} : memref<?xi32>, vector<4xi32>
// CLASSIC:     %[[CODES:.*]] = arith.andi %{{.*}}, %c50529027_i32 : i32
// CLASSIC:     %[[V:.*]] = vector.broadcast %[[CODES]] : i32 to vector<1xi32>
// CLASSIC:     %[[B:.*]] = vector.bitcast %[[V]] : vector<1xi32> to vector<4xi8>
// CLASSIC:     nvvm.dot.accumulate.4way %[[B]] <unsigned>, %[[T]] <signed>
// CLASSIC-COUNT-7: vector.load %{{.*}} {alignment = 16 : i64} : memref<?xi32>, vector<4xi32>
// CLASSIC-NOT: vector.load %{{.*}} : memref<?xi32>, vector<4xi32>
// CLASSIC-NOT: arith.mulf
// CLASSIC:     scf.yield
// CLASSIC:   scf.for %{{.*}} = %[[END2]] to %{{.*}} step %c128{{.*}} -> (i32, i32, i32, i32, i32) {
// CLASSIC-COUNT-4: vector.load %{{.*}} {alignment = 16 : i64} : memref<?xi32>, vector<4xi32>
// CLASSIC-NOT: vector.load %{{.*}} : memref<?xi32>, vector<4xi32>
// CLASSIC:     scf.yield
// CLASSIC:   arith.subi
// CLASSIC-COUNT-20: gpu.shuffle xor {{.*}} : i32
// CLASSIC-NOT: arith.mulf
// CLASSIC: gpu.return
// Tensor cores: 8 warps split K, each with four 16x8 i32 accumulator tiles
// (16 loop values); per step a lane loads 64 x bytes of rows g and g + 8
// and one 128-bit word vector per column, turns each code byte c into the
// s8 trit ((c | 0x80) - 1) ^ 0x80 (0x80808080 = -2139062144, 0x01010101 =
// 16843009), and runs nvvm.mma.sync m16n8k16 s8 x s8 -> i32 (64 per step);
// the warps' sums meet in 16 KB of shared memory after a barrier. No
// multiply by a weight, no float op.
// CHECK-LABEL: gpu.func @ternary_mma_i8_m16n32(
// CHECK-SAME: %[[MX:[a-z0-9]+]]: memref<?x?xi8>, %{{[a-z0-9]+}}: memref<?x?xi8>
// CHECK-SAME: workgroup(%[[PARTIAL:.*]] : memref<4096xi32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// CHECK-NOT: arith.mulf
// CHECK:   scf.for {{.*}} -> (i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32) {
// CHECK:     %[[XB:.*]] = vector.load %[[MX]][{{.*}}] {alignment = 16 : i64} : memref<?x?xi8>, vector<16xi8>
// CHECK:     vector.shuffle %[[XB]], %[[XB]] [0, 4, 8, 12] : vector<16xi8>, vector<16xi8>
// CHECK:     vector.load %{{.*}} {alignment = 16 : i64} : memref<?xi32>, vector<4xi32>
// CHECK:     %[[C:.*]] = arith.andi %{{.*}}, %c50529027_i32 : i32
// CHECK:     %[[O:.*]] = arith.ori %[[C]], %c-2139062144_i32 : i32
// CHECK:     %[[S:.*]] = arith.subi %[[O]], %c16843009_i32 : i32
// CHECK:     %[[TRITS:.*]] = arith.xori %[[S]], %c-2139062144_i32 : i32
// CHECK:     nvvm.mma.sync A[%{{.*}}, %{{.*}}]  B[%[[TRITS]]]  C[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}]  {{{.*}}layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<s8>, multiplicandBPtxType = #nvvm.mma_type<s8>, shape = #nvvm.shape<m = 16, n = 8, k = 16>}
// Unrolled by 2: 128 mma per iteration, then the remainder loop's 64.
// CHECK-COUNT-127: nvvm.mma.sync
// CHECK-NOT: nvvm.mma.sync
// CHECK:     scf.yield
// CHECK:   scf.for
// CHECK-COUNT-64: nvvm.mma.sync
// CHECK-NOT: nvvm.mma.sync
// CHECK:     scf.yield
// CHECK-COUNT-16: memref.store %{{.*}}, %[[PARTIAL]]
// CHECK:   gpu.barrier
// CHECK-NOT: arith.mulf
// CHECK: gpu.return
// int8-mma-codes: more rows run ternary_mma_i8_m16n32_u8 (one row stays
// on ternary_gemv_i8_sx_k): the same frame (16 accumulators) plus x's sums
// of rows g and g + 8 (dp4a of 0x01010101 and x); the hinted weight loads,
// x transposed by 8 prmt per 16 bytes, the codes masked where they lie
// (0x03030303 = 50529027) straight into mma s8 x u8; after the loop the
// group's sums (shuffles xor 1, 2) come off each accumulator.
// UCODES-LABEL: func.func @int8(
// UCODES: gpu.launch_func @ternary_kernels::@ternary_gemv_i8_sx_k64
// UCODES: gpu.launch_func @ternary_kernels::@ternary_mma_i8_m16n32_u8 blocks in
// UCODES-LABEL: gpu.func @ternary_mma_i8_m16n32_u8(
// UCODES-SAME: nvvm.minctasm = 3
// UCODES-NOT: arith.mulf
// UCODES: scf.for {{.*}} -> (i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32) {
// UCODES: nvvm.inline_ptx "ld.global.nc.L1::no_allocate.L2::256B.v4.u32
// UCODES: nvvm.dot.accumulate.4way %{{.*}} <unsigned>, %{{.*}} <signed>
// UCODES-COUNT-2: nvvm.prmt <default> %c20800_i32
// UCODES-NOT: arith.ori
// UCODES: %[[CODES:.*]] = arith.andi %{{.*}}, %c50529027_i32 : i32
// UCODES-NEXT: nvvm.mma.sync A[%{{.*}}, %{{.*}}]  B[%[[CODES]]]  C[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}]  {{{.*}}multiplicandAPtxType = #nvvm.mma_type<s8>, multiplicandBPtxType = #nvvm.mma_type<u8>
// UCODES-NOT: arith.xori
// UCODES: scf.yield
// UCODES-COUNT-4: gpu.shuffle xor
// UCODES-COUNT-16: arith.subi %{{.*}}#{{[0-9]+}}, %{{.*}} : i32
// UCODES: gpu.barrier
// UCODES: gpu.return
func.func @int8(%w: !ternary.packed<64x8>, %x: tensor<?x64xi8>) -> tensor<?x8xi32> {
  %y = ternary.matmul %x, %w : tensor<?x64xi8>, !ternary.packed<64x8> -> tensor<?x8xi32>
  return %y : tensor<?x8xi32>
}

// -----

// f32 activations with K % 64 == 0 and more than one row (any batch, not
// only up to gemv-max-batch: no tiled kernel; one row: the one-row kernel
// above): the f32 tensor-core kernel, 16 rows x 64 columns per block. 8 warps split K; each holds 32 f32 accumulators (four 16-column
// tiles x two groups of 8 rows). Per step a lane loads one 128-bit word
// vector per column (zero trits, 0x55555555 = 1431655765, past the row) and
// 128-bit x loads; each x pair is split into three bf16 pairs by
// truncation (the upper halves of the f32 pair, a vector.shuffle; the rest
// after masking them off and a subf: hi, mid, lo, each difference exact)
// and each word gives bf16
// trit pairs masked where they lie, w' & 0x00030003 << 2p (196611, 786444,
// 3145776; w' = w, w >> 6, w >> 12) or-ed with the kernel's last argument
// (the bf16 pair 128: the launch passes 0x43004300 = 1124090624), then
// minus 129 (p = 0) or times 4^-p minus 2^(7 - 2p) + 1 (a contracting
// mulf and addf of bf16 pairs: the only multiplies before the epilogue,
// of trit codes by a power of two); nvvm.mma.sync m16n8k16 bf16 x bf16 ->
// f32 (3 per tile: lo, mid, hi), 384 per step for 16 rows, 192 when the
// tile has 8 rows or fewer (a warp-uniform branch). The warps' sums meet
// in 32 KB of shared memory; the epilogue multiplies by the scale.
// CHECK-LABEL: func.func @f32_mma(
// CHECK: scf.if %{{.*}} {
// CHECK:   gpu.launch_func @ternary_kernels::@ternary_mma_f32_m1n64
// CHECK: } else {
// CHECK-NOT: scf.if
// CHECK:   %[[GX:.*]] = arith.ceildivui %{{.*}}, %c64 : index
// CHECK:   %[[GY:.*]] = arith.ceildivui %{{.*}}, %c16{{.*}} : index
// CHECK:   gpu.launch_func @ternary_kernels::@ternary_mma_f32_m16n64 blocks in (%[[GX]], %[[GY]], %c1) threads in (%c256, %c1, %c1) args(%{{.*}} : memref<?x?xf32>, %{{.*}} : memref<?x?xi8>, %{{.*}} : memref<?xf32>, %{{.*}} : memref<?xf32>, %{{.*}} : memref<?x?xf32>, %c1124090624_i32 : i32)
// CHECK: }
// CHECK-NOT: gpu.launch_func
// CHECK: return
// CHECK-LABEL: gpu.func @ternary_mma_f32_m16n64(
// CHECK-SAME: %[[MX:[a-z0-9]+]]: memref<?x?xf32>, %{{[a-z0-9]+}}: memref<?x?xi8>
// CHECK-SAME: %[[MBITS:[a-z0-9]+]]: i32)
// CHECK-SAME: workgroup(%[[PARTIAL:.*]] : memref<8192xf32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64})
// CHECK-NOT: arith.mulf
// CHECK:   %[[ROWS:.*]]:32 = scf.if %{{.*}} -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32) {
// CHECK:     scf.for
// CHECK:       %[[W:.*]] = vector.load %{{.*}} {alignment = 16 : i64} : memref<?xi32>, vector<4xi32>
// CHECK:       arith.select %{{.*}}, %[[W]], %cst{{.*}} : vector<4xi32>
// CHECK:       vector.load %[[MX]][{{.*}}] {alignment = 16 : i64} : memref<?x?xf32>, vector<4xf32>
// CHECK:       %[[PAIR:.*]] = vector.from_elements %{{.*}}, %{{.*}} : vector<2xf32>
// CHECK:       %[[HALVES:.*]] = vector.bitcast %[[PAIR]] : vector<2xf32> to vector<4xbf16>
// CHECK:       vector.shuffle %[[HALVES]], %[[HALVES]] [1, 3] : vector<4xbf16>, vector<4xbf16>
// CHECK:       %[[BITS:.*]] = vector.bitcast %[[PAIR]] : vector<2xf32> to vector<2xi32>
// CHECK:       %[[HIBITS:.*]] = arith.andi %[[BITS]], %cst{{.*}} : vector<2xi32>
// CHECK:       %[[HI:.*]] = vector.bitcast %[[HIBITS]] : vector<2xi32> to vector<2xf32>
// CHECK:       %[[R1:.*]] = arith.subf %[[PAIR]], %[[HI]] : vector<2xf32>
// CHECK:       %[[MIDHALVES:.*]] = vector.bitcast %[[R1]] : vector<2xf32> to vector<4xbf16>
// CHECK:       vector.shuffle %[[MIDHALVES]], %[[MIDHALVES]] [1, 3] : vector<4xbf16>, vector<4xbf16>
// CHECK:       %[[C:.*]] = arith.andi %[[WORD:.*]], %c196611_i32 : i32
// CHECK:       %[[O:.*]] = arith.ori %[[C]], %[[MBITS]] : i32
// CHECK:       %[[V:.*]] = vector.from_elements %[[O]] : vector<1xi32>
// CHECK:       %[[BIASED:.*]] = vector.bitcast %[[V]] : vector<1xi32> to vector<2xbf16>
// CHECK-NOT:   arith.mulf
// CHECK:       arith.addf %[[BIASED]], %cst{{.*}} fastmath<contract> : vector<2xbf16>
// CHECK:       %[[C1:.*]] = arith.andi %[[WORD]], %c786444_i32 : i32
// CHECK:       %[[O1:.*]] = arith.ori %[[C1]], %[[MBITS]] : i32
// CHECK:       %[[V1:.*]] = vector.from_elements %[[O1]] : vector<1xi32>
// CHECK:       %[[BIASED1:.*]] = vector.bitcast %[[V1]] : vector<1xi32> to vector<2xbf16>
// CHECK:       %[[SCALED1:.*]] = arith.mulf %[[BIASED1]], %cst{{.*}} fastmath<contract> : vector<2xbf16>
// CHECK:       arith.addf %[[SCALED1]], %cst{{.*}} fastmath<contract> : vector<2xbf16>
// CHECK:       nvvm.mma.sync A[{{.*}}]  B[{{.*}}]  C[{{.*}}]  {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// CHECK-COUNT-383: nvvm.mma.sync
// CHECK-NOT: nvvm.mma.sync
// CHECK:       scf.yield
// CHECK:   } else {
// CHECK:     scf.for
// CHECK-COUNT-192: nvvm.mma.sync
// CHECK-NOT: nvvm.mma.sync
// CHECK:       scf.yield
// CHECK-NOT: arith.mulf
// CHECK-COUNT-32: memref.store %[[ROWS]]#{{[0-9]+}}, %[[PARTIAL]]
// CHECK:   gpu.barrier
// CHECK-COUNT-32: arith.mulf
// CHECK-NOT: arith.mulf
// CHECK: gpu.return
// Trits 2 (p = 2), then 3 (w >> 6, p = 0) and 6 (w >> 12) of a word, each
// word shifted twice.
// DECODE-LABEL: gpu.func @ternary_mma_f32_m16n64(
// DECODE:       %[[C:.*]] = arith.andi %[[WORD:.*]], %c196611_i32 : i32
// DECODE:       arith.andi %[[WORD]], %c3145776_i32 : i32
// DECODE:       %[[W6:.*]] = arith.shrui %[[WORD]], %c6_i32 : i32
// DECODE:       arith.andi %[[W6]], %c196611_i32 : i32
// DECODE:       %[[W12:.*]] = arith.shrui %[[WORD]], %c12_i32 : i32
// DECODE:       arith.andi %[[W12]], %c196611_i32 : i32
// DECODE-NOT:   arith.shrui %[[WORD]],
// DECODE:       scf.yield
func.func @f32_mma(%w: !ternary.packed<128x40>, %x: tensor<?x128xf32>) -> tensor<?x40xf32> {
  %y = ternary.matmul %x, %w : tensor<?x128xf32>, !ternary.packed<128x40> -> tensor<?x40xf32>
  return %y : tensor<?x40xf32>
}

// -----

// A static batch of 64 with K % 64 == 0: the f32 tensor-core kernel alone
// (4 blocks of 16 rows), not the tiled kernel.
// CHECK-LABEL: func.func @f32_mma_batch64(
// CHECK-NOT: scf.if
// CHECK: gpu.launch_func @ternary_kernels::@ternary_mma_f32_m16n64
// CHECK-NOT: gpu.launch_func
// CHECK: return
func.func @f32_mma_batch64(%w: !ternary.packed<64x33>, %x: tensor<64x64xf32>) -> tensor<64x33xf32> {
  %y = ternary.matmul %x, %w : tensor<64x64xf32>, !ternary.packed<64x33> -> tensor<64x33xf32>
  return %y : tensor<64x33xf32>
}

// -----

// Inputs of rank 3 run the same kernels on their rows as a matrix: the
// input's leading dims collapsed, the whole result allocated and passed
// collapsed (views on the device, no copy). The kernel is chosen by the
// number of rows: 2 x 8 = 16 is the 16-row tensor-core kernel alone, 1 x 1
// the one-row kernel alone, a dynamic ? x ? chooses at run time on the
// product.
// CHECK-LABEL: func.func @rank3(
// CHECK-SAME: %[[W:[^:]+]]: tensor<33x16xi8>, %[[X:[^:]+]]: tensor<2x8x64xf32>
// CHECK-NOT: linalg.generic
// CHECK: %[[XR:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<2x8x64xf32> into tensor<16x64xf32>
// CHECK: %[[Y:.*]] = memref.alloc() : memref<2x8x33xf32>
// CHECK: bufferization.to_buffer %[[XR]] read_only : tensor<16x64xf32>
// CHECK: %[[YR:.*]] = memref.collapse_shape %[[Y]] {{\[\[}}0, 1], [2]] : memref<2x8x33xf32> into memref<16x33xf32>
// CHECK: %[[YC:.*]] = memref.cast %[[YR]] : memref<16x33xf32> to memref<?x?xf32>
// CHECK-NOT: scf.if
// CHECK: gpu.launch_func @ternary_kernels::@ternary_mma_f32_m16n64 {{.*}} %[[YC]] : memref<?x?xf32>
// CHECK-NOT: gpu.launch_func
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[Y]] restrict writable : memref<2x8x33xf32> to tensor<2x8x33xf32>
// CHECK: return %[[T]]
func.func @rank3(%w: !ternary.packed<64x33>, %x: tensor<2x8x64xf32>) -> tensor<2x8x33xf32> {
  %y = ternary.matmul %x, %w : tensor<2x8x64xf32>, !ternary.packed<64x33> -> tensor<2x8x33xf32>
  return %y : tensor<2x8x33xf32>
}

// CHECK-LABEL: func.func @rank3_one_row(
// CHECK-NOT: scf.if
// CHECK: gpu.launch_func @ternary_kernels::@ternary_mma_f32_m1n64
// CHECK-NOT: gpu.launch_func
// CHECK: return
func.func @rank3_one_row(%w: !ternary.packed<64x33>, %x: tensor<1x1x64xf32>) -> tensor<1x1x33xf32> {
  %y = ternary.matmul %x, %w : tensor<1x1x64xf32>, !ternary.packed<64x33> -> tensor<1x1x33xf32>
  return %y : tensor<1x1x33xf32>
}

// CHECK-LABEL: func.func @rank3_dynamic(
// CHECK-SAME: %[[W:[^:]+]]: tensor<33x16xi8>, %[[X:[^:]+]]: tensor<?x?x64xf32>
// CHECK: %[[XR:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<?x?x64xf32> into tensor<?x64xf32>
// CHECK: %[[M:.*]] = tensor.dim %[[XR]], %c0
// CHECK: %[[D0:.*]] = tensor.dim %[[X]], %c0
// CHECK: %[[D1:.*]] = tensor.dim %[[X]], %c1
// CHECK: %[[Y:.*]] = memref.alloc(%[[D0]], %[[D1]]) : memref<?x?x33xf32>
// CHECK: memref.collapse_shape %[[Y]] {{\[\[}}0, 1], [2]] : memref<?x?x33xf32> into memref<?x33xf32>
// CHECK: %[[ONE:.*]] = arith.cmpi ule, %[[M]], %c1{{.*}} : index
// CHECK: scf.if %[[ONE]] {
// CHECK: gpu.launch_func @ternary_kernels::@ternary_mma_f32_m1n64
// CHECK: } else {
// CHECK: gpu.launch_func @ternary_kernels::@ternary_mma_f32_m16n64
// CHECK: bufferization.to_tensor %[[Y]] restrict writable : memref<?x?x33xf32> to tensor<?x?x33xf32>
func.func @rank3_dynamic(%w: !ternary.packed<64x33>, %x: tensor<?x?x64xf32>) -> tensor<?x?x33xf32> {
  %y = ternary.matmul %x, %w : tensor<?x?x64xf32>, !ternary.packed<64x33> -> tensor<?x?x33xf32>
  return %y : tensor<?x?x33xf32>
}
