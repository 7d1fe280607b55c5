/* tri_emulator.h - the CPU emulator of the --target=ptx kernels.
 *
 * `tritonc --target=ptx --emit=emulator` compiles the kernels of the
 * program (the gpu.func bodies that the PTX is made from) for this CPU:
 * gpu.thread_id, gpu.block_id, gpu.block_dim, gpu.grid_dim, gpu.lane_id,
 * gpu.barrier, gpu.shuffle and nvvm.bar.warp.sync become calls of the
 * functions below, shared memory becomes globals, and each kernel K gets an
 * entry point `__tri_emu_kernel_K(void **params)` that takes cuLaunchKernel's
 * parameter array. tri_cuda_open_emulator (tri_cuda.h) loads such an object,
 * linked as a shared library, and runs its launches here: a check of the
 * kernels' logic and of the launch manifest on machines without a GPU. It
 * says nothing of the PTX code generation or of speed.
 */
#ifndef TRI_EMULATOR_H
#define TRI_EMULATOR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The `kind` of __tri_emu_id, as the emulator conversion
 * (lib/Target/PTX/GPUEmulator.cpp) numbers them, and the `mode` of
 * __tri_emu_shuffle: MLIR's gpu::ShuffleMode. */
enum {
  TRI_EMU_THREAD_ID = 0,
  TRI_EMU_BLOCK_ID = 1,
  TRI_EMU_BLOCK_DIM = 2,
  TRI_EMU_GRID_DIM = 3,
  TRI_EMU_LANE_ID = 4
};
enum {
  TRI_EMU_SHUFFLE_XOR = 0,
  TRI_EMU_SHUFFLE_DOWN = 1,
  TRI_EMU_SHUFFLE_UP = 2,
  TRI_EMU_SHUFFLE_IDX = 3
};

/* Called by the emulated kernels. */
int64_t __tri_emu_id(int32_t kind, int32_t dim);
void __tri_emu_barrier(void);
/* nvvm.bar.warp.sync of all 32 lanes: the lanes of this thread's warp. */
void __tri_emu_syncwarp(void);
int64_t __tri_emu_shuffle(int32_t mode, int64_t bits, int32_t offset,
                          int32_t width);
int32_t __tri_emu_shuffle_valid(int32_t mode, int32_t offset, int32_t width);
/* Accumulator `index` (0..3) of this lane of mma.sync.m16n8k16.row.col
 * .s32.s8.s8.s32 given this lane's A registers a0, a1, B register b0 and
 * accumulator `c`, with the fragments of the PTX ISA ("Matrix Fragments for
 * mma.m16n8k16 with integer type"): lane l = 4g + t holds A rows g (a0)
 * and g + 8 (a1), columns 4t..4t+3 (low byte first); B rows 4t..4t+3 of
 * column g; accumulators (g, 2t), (g, 2t + 1), (g + 8, 2t), (g + 8, 2t + 1).
 * The whole warp calls it together, like shuffles, with index 0 first: that
 * call exchanges the fragments and computes the four products, which the
 * calls of index 1..3 (the same mma, next) return. */
int32_t __tri_emu_mma_m16n8k16_s8(int32_t index, int32_t a0, int32_t a1,
                                  int32_t b0, int32_t c);
/* The same for mma.sync.m16n8k16.row.col.s32.u8.s8.s32: A's bytes are
 * unsigned. */
int32_t __tri_emu_mma_m16n8k16_u8s8(int32_t index, int32_t a0, int32_t a1,
                                    int32_t b0, int32_t c);
/* The same for mma.sync.m16n8k16.row.col.s32.s8.u8.s32: B's bytes are
 * unsigned. */
int32_t __tri_emu_mma_m16n8k16_s8u8(int32_t index, int32_t a0, int32_t a1,
                                    int32_t b0, int32_t c);
/* The same for mma.sync.m16n8k16.row.col.f32.bf16.bf16.f32 ("Matrix
 * Fragments for mma.m16n8k16 with floating point type"): A registers a0
 * (row g, columns 2t, 2t + 1; the lower-numbered element in the low 16
 * bits), a1 (row g + 8, same columns), a2 (row g, columns 2t + 8, 2t + 9),
 * a3 (row g + 8, those); B registers b0 (rows 2t, 2t + 1 of column g) and
 * b1 (rows 2t + 8, 2t + 9); f32 accumulators as above. The 16 products
 * (exact in f32) are summed in f32 in K order, then added to `c`. */
float __tri_emu_mma_m16n8k16_bf16(int32_t index, int32_t a0, int32_t a1,
                                  int32_t a2, int32_t a3, int32_t b0,
                                  int32_t b1, float c);

typedef void (*tri_emu_entry)(void **params);

/* Runs `entry` on a grid of blocks; returns 0, or 1 with a message in
 * `error`. */
int tri_emu_launch(tri_emu_entry entry, const unsigned grid[3],
                   const unsigned block[3], void **params, char *error,
                   size_t error_size);

#ifdef __cplusplus
}
#endif

#endif /* TRI_EMULATOR_H */
