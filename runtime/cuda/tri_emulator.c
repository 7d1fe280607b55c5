/* tri_emulator.c - runs the kernels of --target=ptx --emit=emulator on the
 * CPU (tri_emulator.h).
 *
 * Each GPU thread of a block is a POSIX thread; the blocks of the grid run
 * one after another, so that a block's shared memory (a global of the
 * emulator object) is the block's alone. gpu.barrier is a barrier of the
 * block's threads; gpu.shuffle exchanges values through one slot per thread
 * between two barriers of the warp (32 consecutive threads in x, y, z
 * order, as on the GPU). Kernels whose threads do not all reach a barrier
 * (undefined behaviour on a GPU) hang here.
 */
#include "tri_emulator.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kWarpSize = 32, kMaxThreads = 1024 };

struct launch {
  /* The threads wait until all of them exist (go), or leave (abort). */
  pthread_mutex_t start_mutex;
  pthread_cond_t start_cond;
  int start; /* 0 waiting, 1 go, 2 abort */
  tri_emu_entry entry;
  void **params;
  unsigned grid[3], block[3];
  unsigned threads;
  pthread_barrier_t block_barrier;
  pthread_barrier_t warp_barriers[kMaxThreads / kWarpSize];
  int64_t slots[kMaxThreads];
  /* The A and B registers of each thread, for mma (s8: a0, a1, b0; bf16:
   * a0..a3, b0, b1). */
  int32_t mma_slots[kMaxThreads][6];
};

struct thread {
  struct launch *launch;
  unsigned linear;
  unsigned id[3];
  unsigned block[3];
  /* The four products of this lane's last mma (without the accumulators). */
  int32_t mma_i32[4];
  float mma_f32[4];
};

/* The thread the calls of a running kernel come from. */
static _Thread_local struct thread *self;
/* One launch at a time: the kernels' shared memory is global. */
static pthread_mutex_t launch_mutex = PTHREAD_MUTEX_INITIALIZER;

int64_t __tri_emu_id(int32_t kind, int32_t dim) {
  if (!self || dim < 0 || dim > 2)
    return 0;
  switch (kind) {
  case TRI_EMU_THREAD_ID:
    return self->id[dim];
  case TRI_EMU_BLOCK_ID:
    return self->block[dim];
  case TRI_EMU_BLOCK_DIM:
    return self->launch->block[dim];
  case TRI_EMU_GRID_DIM:
    return self->launch->grid[dim];
  case TRI_EMU_LANE_ID:
    return self->linear % kWarpSize;
  default:
    return 0;
  }
}

void __tri_emu_barrier(void) {
  pthread_barrier_wait(&self->launch->block_barrier);
}

void __tri_emu_syncwarp(void) {
  pthread_barrier_wait(&self->launch->warp_barriers[self->linear / kWarpSize]);
}

/* The lane that `mode` reads for this thread, or -1 outside its segment of
 * `width` lanes (the calling lane keeps its value then). */
static int source_lane(int32_t mode, int32_t offset, int32_t width) {
  struct launch *launch = self->launch;
  int lane = (int)(self->linear % kWarpSize);
  int warp_base = (int)(self->linear - (unsigned)lane);
  int warp_size = (int)launch->threads - warp_base;
  if (warp_size > kWarpSize)
    warp_size = kWarpSize;
  if (width <= 0 || width > kWarpSize)
    return -1;
  int segment = lane - lane % width;
  int source;
  switch (mode) {
  case TRI_EMU_SHUFFLE_XOR:
    source = lane ^ offset;
    break;
  case TRI_EMU_SHUFFLE_DOWN:
    source = lane + offset;
    break;
  case TRI_EMU_SHUFFLE_UP:
    source = lane - offset;
    break;
  case TRI_EMU_SHUFFLE_IDX:
    source = segment + offset;
    break;
  default:
    return -1;
  }
  if (source < segment || source >= segment + width || source >= warp_size)
    return -1;
  return source;
}

int64_t __tri_emu_shuffle(int32_t mode, int64_t bits, int32_t offset,
                          int32_t width) {
  struct launch *launch = self->launch;
  unsigned warp = self->linear / kWarpSize;
  launch->slots[self->linear] = bits;
  pthread_barrier_wait(&launch->warp_barriers[warp]);
  int source = source_lane(mode, offset, width);
  int64_t result =
      source < 0 ? bits : launch->slots[warp * kWarpSize + (unsigned)source];
  /* Nobody overwrites a slot before the whole warp has read. */
  pthread_barrier_wait(&launch->warp_barriers[warp]);
  return result;
}

/* Byte `k % 4` of `reg`, as a signed 8-bit value. */
static int32_t s8_at(int32_t reg, int k) {
  return (int32_t)(int8_t)(uint8_t)((uint32_t)reg >> (8 * (k % 4)));
}

/* Element `k % 2` of the bf16 pair `reg` (low half first), as a float. */
static float bf16_at(int32_t reg, int k) {
  uint32_t bits = ((uint32_t)reg >> (16 * (k % 2))) & 0xFFFFu;
  bits <<= 16;
  float value;
  memcpy(&value, &bits, sizeof value);
  return value;
}

/* Publishes this lane's `count` fragment registers and waits for the
 * warp's; returns the warp's first lane. */
static unsigned mma_exchange(const int32_t *regs, int count) {
  struct launch *launch = self->launch;
  unsigned warp = self->linear / kWarpSize;
  memcpy(launch->mma_slots[self->linear], regs, (size_t)count * sizeof *regs);
  pthread_barrier_wait(&launch->warp_barriers[warp]);
  return warp * kWarpSize;
}

/* Row and column of accumulator `e` of this lane (the same for s8 and
 * bf16): rows g (e < 2) or g + 8, column 2t + (e & 1). */
static void mma_position(int e, int *row, int *column) {
  int lane = (int)(self->linear % kWarpSize);
  *row = lane / 4 + (e >= 2 ? 8 : 0);
  *column = 2 * (lane % 4) + (e & 1);
}

/* Nobody overwrites a slot before the whole warp has read. */
static void mma_done(void) {
  pthread_barrier_wait(
      &self->launch->warp_barriers[self->linear / kWarpSize]);
}

/* Byte k % 4 of `word` as an unsigned (`is_unsigned`) or signed value. */
static int32_t byte_at(int is_unsigned, int32_t word, int k) {
  return is_unsigned ? (int32_t)(((uint32_t)word >> (8 * (k % 4))) & 0xFFu)
                     : s8_at(word, k);
}

/* The integer mma of A and B bytes as unsigned (`a_unsigned`,
 * `b_unsigned`) or signed values; see __tri_emu_mma_m16n8k16_s8. */
static int32_t mma_m16n8k16_int(int a_unsigned, int b_unsigned,
                                int32_t index, int32_t a0, int32_t a1,
                                int32_t b0, int32_t c) {
  if (index == 0) {
    const int32_t regs[3] = {a0, a1, b0};
    unsigned base = mma_exchange(regs, 3);
    int32_t(*slots)[6] = self->launch->mma_slots;
    for (int e = 0; e < 4; ++e) {
      int row, column;
      mma_position(e, &row, &column);
      /* 32-bit wrapping sums (the .s32 accumulators without .satfinite). */
      uint32_t sum = 0;
      for (int k = 0; k < 16; ++k) {
        /* A[row][k]: lane 4 * (row % 8) + k / 4, register a0 or a1. */
        int32_t a = slots[base + 4 * (row % 8) + k / 4][row < 8 ? 0 : 1];
        /* B[k][column]: lane 4 * column + k / 4. */
        int32_t b = slots[base + 4 * column + k / 4][2];
        sum += (uint32_t)(byte_at(a_unsigned, a, k) *
                          byte_at(b_unsigned, b, k));
      }
      self->mma_i32[e] = (int32_t)sum;
    }
    mma_done();
  }
  return (int32_t)((uint32_t)c + (uint32_t)self->mma_i32[index & 3]);
}

int32_t __tri_emu_mma_m16n8k16_s8(int32_t index, int32_t a0, int32_t a1,
                                  int32_t b0, int32_t c) {
  return mma_m16n8k16_int(0, 0, index, a0, a1, b0, c);
}

int32_t __tri_emu_mma_m16n8k16_u8s8(int32_t index, int32_t a0, int32_t a1,
                                    int32_t b0, int32_t c) {
  return mma_m16n8k16_int(1, 0, index, a0, a1, b0, c);
}

int32_t __tri_emu_mma_m16n8k16_s8u8(int32_t index, int32_t a0, int32_t a1,
                                    int32_t b0, int32_t c) {
  return mma_m16n8k16_int(0, 1, index, a0, a1, b0, c);
}

float __tri_emu_mma_m16n8k16_bf16(int32_t index, int32_t a0, int32_t a1,
                                  int32_t a2, int32_t a3, int32_t b0,
                                  int32_t b1, float c) {
  if (index == 0) {
    const int32_t regs[6] = {a0, a1, a2, a3, b0, b1};
    unsigned base = mma_exchange(regs, 6);
    int32_t(*slots)[6] = self->launch->mma_slots;
    for (int e = 0; e < 4; ++e) {
      int row, column;
      mma_position(e, &row, &column);
      float sum = 0.0f;
      for (int k = 0; k < 16; ++k) {
        /* A[row][k]: lane 4 * (row % 8) + (k % 8) / 2, register a0 (row
         * < 8, k < 8), a1 (row >= 8), a2 / a3 (k >= 8). */
        int32_t a = slots[base + 4 * (row % 8) + (k % 8) / 2]
                         [(row < 8 ? 0 : 1) + (k < 8 ? 0 : 2)];
        /* B[k][column]: lane 4 * column + (k % 8) / 2, b0 or b1. */
        int32_t b = slots[base + 4 * column + (k % 8) / 2][k < 8 ? 4 : 5];
        sum += bf16_at(a, k) * bf16_at(b, k);
      }
      self->mma_f32[e] = sum;
    }
    mma_done();
  }
  return c + self->mma_f32[index & 3];
}

int32_t __tri_emu_shuffle_valid(int32_t mode, int32_t offset, int32_t width) {
  return source_lane(mode, offset, width) >= 0;
}

static void *run_thread(void *argument) {
  struct thread *thread = argument;
  struct launch *launch = thread->launch;
  pthread_mutex_lock(&launch->start_mutex);
  while (launch->start == 0)
    pthread_cond_wait(&launch->start_cond, &launch->start_mutex);
  int go = launch->start == 1;
  pthread_mutex_unlock(&launch->start_mutex);
  if (!go)
    return NULL;
  self = thread;
  for (unsigned z = 0; z < launch->grid[2]; ++z)
    for (unsigned y = 0; y < launch->grid[1]; ++y)
      for (unsigned x = 0; x < launch->grid[0]; ++x) {
        thread->block[0] = x;
        thread->block[1] = y;
        thread->block[2] = z;
        launch->entry(launch->params);
        /* The next block reuses the shared memory. */
        pthread_barrier_wait(&launch->block_barrier);
      }
  self = NULL;
  return NULL;
}

int tri_emu_launch(tri_emu_entry entry, const unsigned grid[3],
                   const unsigned block[3], void **params, char *error,
                   size_t error_size) {
  unsigned long long threads =
      (unsigned long long)block[0] * block[1] * block[2];
  if (threads == 0 || threads > kMaxThreads) {
    snprintf(error, error_size,
             "the emulator runs blocks of 1 to %d threads, not %llu",
             kMaxThreads, threads);
    return 1;
  }
  struct launch *launch = calloc(1, sizeof *launch);
  struct thread *states = calloc(threads, sizeof *states);
  pthread_t *handles = calloc(threads, sizeof *handles);
  if (!launch || !states || !handles) {
    free(launch);
    free(states);
    free(handles);
    snprintf(error, error_size, "the emulator is out of memory");
    return 1;
  }
  launch->entry = entry;
  launch->params = params;
  memcpy(launch->grid, grid, sizeof launch->grid);
  memcpy(launch->block, block, sizeof launch->block);
  launch->threads = (unsigned)threads;
  unsigned warps = (launch->threads + kWarpSize - 1) / kWarpSize;
  pthread_mutex_init(&launch->start_mutex, NULL);
  pthread_cond_init(&launch->start_cond, NULL);
  pthread_barrier_init(&launch->block_barrier, NULL, launch->threads);
  for (unsigned w = 0; w < warps; ++w) {
    unsigned size = launch->threads - w * kWarpSize;
    pthread_barrier_init(&launch->warp_barriers[w], NULL,
                         size < kWarpSize ? size : kWarpSize);
  }

  pthread_mutex_lock(&launch_mutex);
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, 256 * 1024);
  unsigned started = 0;
  for (unsigned i = 0; i < launch->threads; ++i) {
    struct thread *thread = &states[i];
    thread->launch = launch;
    thread->linear = i;
    thread->id[0] = i % block[0];
    thread->id[1] = i / block[0] % block[1];
    thread->id[2] = i / (block[0] * block[1]);
  }
  for (; started < launch->threads; ++started)
    if (pthread_create(&handles[started], &attributes, run_thread,
                       &states[started]))
      break;
  /* Every thread runs the kernel, or none does (the started ones leave). */
  int status = started < launch->threads;
  if (status)
    snprintf(error, error_size,
             "the emulator could not start %u threads (started %u)",
             launch->threads, started);
  pthread_mutex_lock(&launch->start_mutex);
  launch->start = status ? 2 : 1;
  pthread_cond_broadcast(&launch->start_cond);
  pthread_mutex_unlock(&launch->start_mutex);
  for (unsigned i = 0; i < started; ++i)
    pthread_join(handles[i], NULL);
  pthread_attr_destroy(&attributes);
  pthread_mutex_unlock(&launch_mutex);

  pthread_mutex_destroy(&launch->start_mutex);
  pthread_cond_destroy(&launch->start_cond);

  pthread_barrier_destroy(&launch->block_barrier);
  for (unsigned w = 0; w < warps; ++w)
    pthread_barrier_destroy(&launch->warp_barriers[w]);
  free(launch);
  free(states);
  free(handles);
  return status;
}
