// RUN: triton-opt %s -split-input-file -verify-diagnostics \
// RUN:   -ternary-gpu-kernels-to-host | FileCheck %s

// The emulator conversion (--emit=emulator): a gpu.func becomes a func.func
// (marked as a kernel for its entry point); ids, barriers and shuffles are
// calls of the emulator (runtime/cuda/tri_emulator.h: kinds thread 0,
// block 1, block_dim 2, grid_dim 3, lane 4; shuffle modes xor 0, down 1,
// up 2, idx 3); shared memory is a private global that starts as NaNs
// (all-ones bits for integers: garbage, as on a GPU, so that reading what
// a kernel has not written shows), private memory an alloca; no gpu op and
// no GPU address space is left.

// CHECK-NOT: gpu.
// CHECK-DAG: func.func private @__tri_emu_shuffle_valid(i32, i32, i32) -> i32
// CHECK-DAG: func.func private @__tri_emu_shuffle(i32, i64, i32, i32) -> i64
// CHECK-DAG: func.func private @__tri_emu_barrier()
// CHECK-DAG: func.func private @__tri_emu_id(i32, i32) -> i64
// CHECK: memref.global "private" @__tri_emu_shared_k_0 : memref<32x64xf32> = dense<0x7FC00000>
// CHECK-SAME: alignment = 16
// CHECK-LABEL: func.func @k(
// CHECK-SAME: memref<?xf32>)
// CHECK-SAME: ternary.emulated_kernel
// CHECK: %[[SHARED:.*]] = memref.get_global @__tri_emu_shared_k_0 : memref<32x64xf32>
// CHECK: %[[PRIVATE:.*]] = memref.alloca() : memref<4xf32>
// CHECK: %[[K0:.*]] = arith.constant 0 : i32
// CHECK: %[[D0:.*]] = arith.constant 0 : i32
// CHECK: %[[T:.*]] = call @__tri_emu_id(%[[K0]], %[[D0]]) : (i32, i32) -> i64
// CHECK: arith.index_cast %[[T]] : i64 to index
// CHECK: %[[K1:.*]] = arith.constant 1 : i32
// CHECK: %[[D1:.*]] = arith.constant 1 : i32
// CHECK: call @__tri_emu_id(%[[K1]], %[[D1]])
// CHECK: %[[K2:.*]] = arith.constant 2 : i32
// CHECK: %[[D2:.*]] = arith.constant 0 : i32
// CHECK: call @__tri_emu_id(%[[K2]], %[[D2]])
// CHECK: %[[K3:.*]] = arith.constant 3 : i32
// CHECK: %[[D3:.*]] = arith.constant 2 : i32
// CHECK: call @__tri_emu_id(%[[K3]], %[[D3]])
// CHECK: %[[K4:.*]] = arith.constant 4 : i32
// CHECK: call @__tri_emu_id(%[[K4]],
// CHECK: memref.store %{{.*}}, %[[SHARED]]
// CHECK: call @__tri_emu_barrier() : () -> ()
// CHECK: %[[X:.*]] = memref.load %[[SHARED]]
// CHECK: %[[XOR:.*]] = arith.constant 0 : i32
// CHECK: %[[BITS:.*]] = arith.bitcast %[[X]] : f32 to i32
// CHECK: %[[WIDE:.*]] = arith.extui %[[BITS]] : i32 to i64
// CHECK: %[[R:.*]] = call @__tri_emu_shuffle(%[[XOR]], %[[WIDE]], %{{.*}}, %{{.*}}) : (i32, i64, i32, i32) -> i64
// CHECK: %[[VALID:.*]] = call @__tri_emu_shuffle_valid(%[[XOR]],
// CHECK: %[[OK:.*]] = arith.cmpi ne, %[[VALID]], %{{.*}} : i32
// CHECK: %[[NARROW:.*]] = arith.trunci %[[R]] : i64 to i32
// CHECK: %[[S:.*]] = arith.bitcast %[[NARROW]] : i32 to f32
// CHECK: %[[DOWN:.*]] = arith.constant 1 : i32
// CHECK: %[[TI:.*]] = arith.extui %{{.*}} : i32 to i64
// CHECK: call @__tri_emu_shuffle(%[[DOWN]], %[[TI]], %{{.*}}) : (i32, i64, i32, i32) -> i64
// CHECK: %[[Z:.*]] = arith.select %[[OK]], %[[S]], %[[X]] : f32
// CHECK: memref.store %[[Z]], %[[PRIVATE]]
// CHECK: return
// CHECK-LABEL: func.func @helper(
// CHECK-NOT: ternary.emulated_kernel
gpu.module @kernels {
  gpu.func @k(%v: memref<?xf32>)
      workgroup(%tile: memref<32x64xf32, #gpu.address_space<workgroup>>)
      private(%regs: memref<4xf32, #gpu.address_space<private>>) kernel {
    %c0 = arith.constant 0 : index
    %tid = gpu.thread_id x
    %bid = gpu.block_id y
    %bdim = gpu.block_dim x
    %gdim = gpu.grid_dim z
    %lane = gpu.lane_id
    %a = arith.addi %tid, %bid : index
    %b = arith.addi %bdim, %gdim : index
    %c = arith.addi %a, %b : index
    %i = arith.addi %c, %lane : index
    %x = memref.load %v[%i] : memref<?xf32>
    memref.store %x, %tile[%c0, %c0] : memref<32x64xf32, #gpu.address_space<workgroup>>
    gpu.barrier
    %y = memref.load %tile[%c0, %c0] : memref<32x64xf32, #gpu.address_space<workgroup>>
    %o16 = arith.constant 16 : i32
    %w = arith.constant 32 : i32
    %s, %ok = gpu.shuffle xor %y, %o16, %w : f32
    %ti = arith.index_cast %tid : index to i32
    %n, %ok2 = gpu.shuffle down %ti, %o16, %w : i32
    %z = arith.select %ok, %s, %y : f32
    memref.store %z, %regs[%c0] : memref<4xf32, #gpu.address_space<private>>
    gpu.return
  }
  gpu.func @helper() {
    gpu.return
  }
}

// -----

module attributes {gpu.container_module} {
  func.func @host(%v: memref<?xf32>) {
    %c1 = arith.constant 1 : index
    // expected-error @below {{the GPU emulator takes the kernels alone}}
    gpu.launch_func @kernels::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%v : memref<?xf32>)
    return
  }
  gpu.module @kernels {
    gpu.func @k(%v: memref<?xf32>) kernel {
      gpu.return
    }
  }
}

// -----

gpu.module @kernels {
  gpu.func @k(%v: memref<?xvector<2xf32>>) kernel {
    %c0 = arith.constant 0 : index
    %x = memref.load %v[%c0] : memref<?xvector<2xf32>>
    %o = arith.constant 1 : i32
    %w = arith.constant 32 : i32
    // expected-error @below {{the GPU emulator shuffles scalars of up to 64 bits, not 'vector<2xf32>'}}
    %s, %ok = gpu.shuffle xor %x, %o, %w : vector<2xf32>
    memref.store %s, %v[%c0] : memref<?xvector<2xf32>>
    gpu.return
  }
}

// -----

gpu.module @kernels {
  gpu.func @k(%v: memref<?xf32>) kernel {
    %c0 = arith.constant 0 : index
    %x = memref.load %v[%c0] : memref<?xf32>
    // expected-error @below {{the GPU emulator does not run 'gpu.subgroup_reduce'}}
    %s = gpu.subgroup_reduce add %x : (f32) -> f32
    memref.store %s, %v[%c0] : memref<?xf32>
    gpu.return
  }
}

// -----

// prmt (default mode, a constant selector of byte indices: the kernels'
// byte transposes) becomes its arith expansion on the 8-byte pool hi:lo:
// result byte i is pool byte n, n the selector's nibble i (0x5140: bytes
// 0, 4, 1, 5, shifted right by 0, 32, 8, 40 bits).
// CHECK-LABEL: func.func @prmt(
// CHECK-NOT: nvvm.
// CHECK: %[[LO:.*]] = arith.extui %{{.*}} : i32 to i64
// CHECK: %[[HI:.*]] = arith.extui %{{.*}} : i32 to i64
// CHECK: %[[UP:.*]] = arith.shli %[[HI]], %{{.*}} : i64
// CHECK: %[[POOL:.*]] = arith.ori %[[LO]], %[[UP]] : i64
// CHECK: arith.shrui %[[POOL]], %c0_i64
// CHECK: arith.shrui %[[POOL]], %c32_i64
// CHECK: arith.shrui %[[POOL]], %c8_i64
// CHECK: arith.shrui %[[POOL]], %c40_i64
// CHECK: %[[R:.*]] = arith.trunci %{{.*}} : i64 to i32
// CHECK: memref.store %[[R]]
gpu.module @kernels {
  gpu.func @prmt(%y: memref<?xi32>) kernel {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %lo = memref.load %y[%c0] : memref<?xi32>
    %hi = memref.load %y[%c1] : memref<?xi32>
    %sel = arith.constant 0x5140 : i32
    %r = nvvm.prmt #nvvm.permute_mode<default> %sel, %lo, %hi : i32
    memref.store %r, %y[%c0] : memref<?xi32>
    gpu.return
  }
}

// -----

// Other prmt modes, the sign-replicate bits and a selector known at run
// time only are refused where they are.
gpu.module @kernels {
  gpu.func @prmt_f4e(%y: memref<?xi32>) kernel {
    %c0 = arith.constant 0 : index
    %lo = memref.load %y[%c0] : memref<?xi32>
    %sel = arith.constant 1 : i32
    // expected-error @below {{the GPU emulator runs nvvm.prmt of the default mode with two sources and a constant selector of byte indices only}}
    %r = nvvm.prmt #nvvm.permute_mode<f4e> %sel, %lo, %lo : i32
    memref.store %r, %y[%c0] : memref<?xi32>
    gpu.return
  }
}

// -----

gpu.module @kernels {
  gpu.func @prmt_sign(%y: memref<?xi32>) kernel {
    %c0 = arith.constant 0 : index
    %lo = memref.load %y[%c0] : memref<?xi32>
    %sel = arith.constant 0x8 : i32
    // expected-error @below {{the GPU emulator runs nvvm.prmt of the default mode with two sources and a constant selector of byte indices only}}
    %r = nvvm.prmt #nvvm.permute_mode<default> %sel, %lo, %lo : i32
    memref.store %r, %y[%c0] : memref<?xi32>
    gpu.return
  }
}

// -----

gpu.module @kernels {
  gpu.func @prmt_dynamic(%y: memref<?xi32>) kernel {
    %c0 = arith.constant 0 : index
    %lo = memref.load %y[%c0] : memref<?xi32>
    // expected-error @below {{the GPU emulator runs nvvm.prmt of the default mode with two sources and a constant selector of byte indices only}}
    %r = nvvm.prmt #nvvm.permute_mode<default> %lo, %lo, %lo : i32
    memref.store %r, %y[%c0] : memref<?xi32>
    gpu.return
  }
}

// -----

// dp4a (nvvm.dot.accumulate.4way) becomes its arith expansion: the bytes
// zero- or sign-extended as their types say, multiplied, summed onto c.
// CHECK-LABEL: func.func @dp4a(
// CHECK-NOT: nvvm.
// CHECK: %[[A:.*]] = arith.extui %{{.*}} : vector<4xi8> to vector<4xi32>
// CHECK: %[[B:.*]] = arith.extsi %{{.*}} : vector<4xi8> to vector<4xi32>
// CHECK: %[[P:.*]] = arith.muli %[[A]], %[[B]] : vector<4xi32>
// CHECK: vector.reduction <add>, %[[P]], %{{.*}} : vector<4xi32> into i32
gpu.module @kernels {
  gpu.func @dp4a(%a: memref<?xvector<4xi8>>, %y: memref<?xi32>) kernel {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %u = memref.load %a[%c0] : memref<?xvector<4xi8>>
    %s = memref.load %a[%c1] : memref<?xvector<4xi8>>
    %acc = memref.load %y[%c0] : memref<?xi32>
    %r = nvvm.dot.accumulate.4way %u <unsigned>, %s <signed>, %acc : vector<4xi8>, vector<4xi8>
    memref.store %r, %y[%c0] : memref<?xi32>
    gpu.return
  }
}

// -----

gpu.module @kernels {
  gpu.func @k(%y: memref<?xi32>) kernel {
    // expected-error @below {{the GPU emulator does not run 'nvvm.read.ptx.sreg.laneid'}}
    %l = nvvm.read.ptx.sreg.laneid : i32
    %c0 = arith.constant 0 : index
    memref.store %l, %y[%c0] : memref<?xi32>
    gpu.return
  }
}

// -----

// nvvm.mma.sync m16n8k16 s8: one call of the emulator per accumulator
// (index e, the lane's A and B registers, C[e]; the call of e = 0 exchanges
// the warp's fragments); the llvm.extractvalue users of the result take the
// calls' values.
// CHECK-DAG: func.func private @__tri_emu_mma_m16n8k16_s8(i32, i32, i32, i32, i32) -> i32
// CHECK-LABEL: func.func @mma(
// CHECK-NOT: nvvm.
// CHECK-NOT: llvm.extractvalue
// CHECK: %[[A0:.*]] = memref.load %{{.*}}[%c0]
// CHECK: %[[A1:.*]] = memref.load %{{.*}}[%c1]
// CHECK: %[[B:.*]] = memref.load %{{.*}}[%c2]
// CHECK: %[[C:.*]] = memref.load %{{.*}}[%c3]
// CHECK: %[[E0:.*]] = arith.constant 0 : i32
// CHECK: %[[D0:.*]] = call @__tri_emu_mma_m16n8k16_s8(%[[E0]], %[[A0]], %[[A1]], %[[B]], %[[C]])
// CHECK: %[[E3:.*]] = arith.constant 3 : i32
// CHECK: %[[D3:.*]] = call @__tri_emu_mma_m16n8k16_s8(%[[E3]], %[[A0]], %[[A1]], %[[B]], %[[A0]])
// CHECK: memref.store %[[D0]], %{{.*}}[%c0]
// CHECK: memref.store %[[D3]], %{{.*}}[%c1]
gpu.module @kernels {
  gpu.func @mma(%y: memref<?xi32>) kernel {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c3 = arith.constant 3 : index
    %a0 = memref.load %y[%c0] : memref<?xi32>
    %a1 = memref.load %y[%c1] : memref<?xi32>
    %b = memref.load %y[%c2] : memref<?xi32>
    %c = memref.load %y[%c3] : memref<?xi32>
    %d = nvvm.mma.sync A[%a0, %a1] B[%b] C[%c, %c, %c, %a0]
        {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>,
         multiplicandAPtxType = #nvvm.mma_type<s8>, multiplicandBPtxType = #nvvm.mma_type<s8>,
         intOverflowBehavior = #nvvm.mma_int_overflow<wrapped>,
         shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (i32, i32, i32) -> !llvm.struct<(i32, i32, i32, i32)>
    %d0 = llvm.extractvalue %d[0] : !llvm.struct<(i32, i32, i32, i32)>
    %d3 = llvm.extractvalue %d[3] : !llvm.struct<(i32, i32, i32, i32)>
    memref.store %d0, %y[%c0] : memref<?xi32>
    memref.store %d3, %y[%c1] : memref<?xi32>
    gpu.return
  }
}

// -----

// nvvm.mma.sync m16n8k16 bf16 (four A, two B registers, f32 accumulators):
// calls of __tri_emu_mma_m16n8k16_bf16; the bf16 arithmetic of the f32
// tensor-core kernel (trits and splits) stays arith, which the emulator
// object's pipeline runs in f32.
// CHECK-DAG: func.func private @__tri_emu_mma_m16n8k16_bf16(i32, i32, i32, i32, i32, i32, i32, f32) -> f32
// CHECK-LABEL: func.func @mma_bf16(
// CHECK-NOT: nvvm.
// CHECK: %[[A:.*]] = memref.load %{{.*}}[%c0] : memref<?xi32>
// CHECK: %[[B:.*]] = memref.load %{{.*}}[%c1] : memref<?xi32>
// CHECK: %[[C:.*]] = memref.load %{{.*}}[%c0] : memref<?xf32>
// CHECK: %[[E0:.*]] = arith.constant 0 : i32
// CHECK: %[[D0:.*]] = call @__tri_emu_mma_m16n8k16_bf16(%[[E0]], %[[A]], %[[A]], %[[A]], %[[B]], %[[B]], %[[A]], %[[C]])
// CHECK: call @__tri_emu_mma_m16n8k16_bf16
// CHECK: call @__tri_emu_mma_m16n8k16_bf16
// CHECK: %[[E3:.*]] = arith.constant 3 : i32
// CHECK: call @__tri_emu_mma_m16n8k16_bf16(%[[E3]], %[[A]], %[[A]], %[[A]], %[[B]], %[[B]], %[[A]], %[[C]])
// CHECK: memref.store %[[D0]], %{{.*}}[%c0] : memref<?xf32>
gpu.module @kernels {
  gpu.func @mma_bf16(%y: memref<?xi32>, %z: memref<?xf32>) kernel {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %a = memref.load %y[%c0] : memref<?xi32>
    %b = memref.load %y[%c1] : memref<?xi32>
    %c = memref.load %z[%c0] : memref<?xf32>
    %d = nvvm.mma.sync A[%a, %a, %a, %b] B[%b, %a] C[%c, %c, %c, %c]
        {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>,
         multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>,
         shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
    %d0 = llvm.extractvalue %d[0] : !llvm.struct<(f32, f32, f32, f32)>
    memref.store %d0, %z[%c0] : memref<?xf32>
    gpu.return
  }
}

// -----

// Other mma shapes and types are refused where they are.
gpu.module @kernels {
  gpu.func @mma8(%y: memref<?xi32>) kernel {
    %c0 = arith.constant 0 : index
    %a = memref.load %y[%c0] : memref<?xi32>
    // expected-error @below {{the GPU emulator runs nvvm.mma.sync m16n8k16 of s8 x s8, u8 x s8 or s8 x u8 (row x col, i32 accumulators) or bf16 (row x col, f32 accumulators) only}}
    %d = nvvm.mma.sync A[%a] B[%a] C[%a, %a]
        {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>,
         multiplicandAPtxType = #nvvm.mma_type<s8>, multiplicandBPtxType = #nvvm.mma_type<s8>,
         intOverflowBehavior = #nvvm.mma_int_overflow<wrapped>,
         shape = #nvvm.shape<m = 8, n = 8, k = 16>} : (i32, i32, i32) -> !llvm.struct<(i32, i32)>
    %d0 = llvm.extractvalue %d[0] : !llvm.struct<(i32, i32)>
    memref.store %d0, %y[%c0] : memref<?xi32>
    gpu.return
  }
}

// -----

// u8 A with u8 B (no kernel multiplies two unsigned operands) is refused.
gpu.module @kernels {
  gpu.func @mma_u8u8(%y: memref<?xi32>) kernel {
    %c0 = arith.constant 0 : index
    %a = memref.load %y[%c0] : memref<?xi32>
    // expected-error @below {{the GPU emulator runs nvvm.mma.sync m16n8k16 of s8 x s8, u8 x s8 or s8 x u8 (row x col, i32 accumulators) or bf16 (row x col, f32 accumulators) only}}
    %d = nvvm.mma.sync A[%a, %a] B[%a] C[%a, %a, %a, %a]
        {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>,
         multiplicandAPtxType = #nvvm.mma_type<u8>, multiplicandBPtxType = #nvvm.mma_type<u8>,
         intOverflowBehavior = #nvvm.mma_int_overflow<wrapped>,
         shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (i32, i32, i32) -> !llvm.struct<(i32, i32, i32, i32)>
    %d0 = llvm.extractvalue %d[0] : !llvm.struct<(i32, i32, i32, i32)>
    memref.store %d0, %y[%c0] : memref<?xi32>
    gpu.return
  }
}

// -----

// f16 operands are refused too.
gpu.module @kernels {
  gpu.func @mma_f16(%y: memref<?xvector<2xf16>>, %z: memref<?xf32>) kernel {
    %c0 = arith.constant 0 : index
    %a = memref.load %y[%c0] : memref<?xvector<2xf16>>
    %c = memref.load %z[%c0] : memref<?xf32>
    // expected-error @below {{the GPU emulator runs nvvm.mma.sync m16n8k16 of s8 x s8, u8 x s8 or s8 x u8 (row x col, i32 accumulators) or bf16 (row x col, f32 accumulators) only}}
    %d = nvvm.mma.sync A[%a, %a, %a, %a] B[%a, %a] C[%c, %c, %c, %c]
        {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>,
         shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (vector<2xf16>, vector<2xf16>, f32) -> !llvm.struct<(f32, f32, f32, f32)>
    %d0 = llvm.extractvalue %d[0] : !llvm.struct<(f32, f32, f32, f32)>
    memref.store %d0, %z[%c0] : memref<?xf32>
    gpu.return
  }
}

// -----

// nvvm.bar.warp.sync of the whole warp (the one-row f32 tensor-core
// kernel's exchange of x parts): a call of __tri_emu_syncwarp, which waits
// for the thread's 32 lanes.
// CHECK-LABEL: func.func @warp_sync(
// CHECK-NOT: nvvm.bar.warp.sync
// CHECK: call @__tri_emu_syncwarp() : () -> ()
// CHECK-NOT: nvvm.bar.warp.sync
gpu.module @kernels {
  gpu.func @warp_sync(%y: memref<?xi32>) kernel {
    %c0 = arith.constant 0 : index
    %all = arith.constant -1 : i32
    %v = memref.load %y[%c0] : memref<?xi32>
    nvvm.bar.warp.sync %all : i32
    memref.store %v, %y[%c0] : memref<?xi32>
    gpu.return
  }
}

// -----

// A mask of some lanes (or one known only at run time) is refused.
gpu.module @kernels {
  gpu.func @warp_sync_some(%y: memref<?xi32>) kernel {
    %half = arith.constant 65535 : i32
    // expected-error @below {{the GPU emulator syncs whole warps only (a constant mask of all 32 lanes)}}
    nvvm.bar.warp.sync %half : i32
    gpu.return
  }
}
