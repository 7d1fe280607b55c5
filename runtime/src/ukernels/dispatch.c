/*===- dispatch.c - Entry points of the micro-kernels -------------*- C -*-===*
 *
 * Checks arguments, picks the ISA, re-orders the activations (see
 * ukernel_internal.h), converts base3 rows to offset2 in small per-task
 * buffers, and splits the output columns into tasks for the thread pool.
 * Everything here is shared by all ISAs, so it cannot make them disagree.
 *===----------------------------------------------------------------------===*/
#include "ukernel_internal.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Loops over activations, compiled once per ISA and picked at load time
 * (GCC/Clang function multi-versioning): the same operations per element,
 * so every version computes the same bits. */
#if defined(TRI_UK_HAVE_X86_KERNELS) && defined(__ELF__)
#define TRI_UK_CLONES                                                          \
  __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define TRI_UK_CLONES
#endif

/*===------------------------------------------------------------------===*
 * ISA and thread selection
 *===------------------------------------------------------------------===*/

static int g_isa = -1;           /* atomic; -1 until first use */
static unsigned g_threads = 0;   /* atomic; 0: default */

int tri_uk_isa_supported(tri_uk_isa isa) {
  switch (isa) {
  case TRI_UK_ISA_PORTABLE:
    return 1;
#ifdef TRI_UK_HAVE_X86_KERNELS
  case TRI_UK_ISA_AVX2:
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  case TRI_UK_ISA_AVX512:
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") &&
           __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512vnni") ? 1 : 0;
#endif
  default:
    return 0;
  }
}

#ifdef TRI_UK_HAVE_X86_KERNELS
int tri_uk_cpu_has_vbmi(void) {
  /* TRI_UK_NO_VBMI=1 keeps the plain AVX-512 kernels (to test them). */
  const char *env = getenv("TRI_UK_NO_VBMI");
  if (env && env[0] == '1')
    return 0;
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512vbmi") != 0;
}
#endif

const char *tri_uk_isa_name(tri_uk_isa isa) {
  switch (isa) {
  case TRI_UK_ISA_PORTABLE:
    return "portable";
  case TRI_UK_ISA_AVX2:
    return "avx2";
  case TRI_UK_ISA_AVX512:
    return "avx512";
  }
  return "unknown";
}

static tri_uk_isa best_isa(void) {
  if (tri_uk_isa_supported(TRI_UK_ISA_AVX512))
    return TRI_UK_ISA_AVX512;
  if (tri_uk_isa_supported(TRI_UK_ISA_AVX2))
    return TRI_UK_ISA_AVX2;
  return TRI_UK_ISA_PORTABLE;
}

tri_uk_isa tri_uk_selected_isa(void) {
  int isa = __atomic_load_n(&g_isa, __ATOMIC_ACQUIRE);
  if (isa >= 0)
    return (tri_uk_isa)isa;
  tri_uk_isa pick = best_isa();
  const char *env = getenv("TRI_UK_ISA");
  if (env) {
    for (int i = TRI_UK_ISA_PORTABLE; i <= TRI_UK_ISA_AVX512; ++i)
      if (strcmp(env, tri_uk_isa_name((tri_uk_isa)i)) == 0 &&
          tri_uk_isa_supported((tri_uk_isa)i))
        pick = (tri_uk_isa)i;
  }
  int expected = -1;
  __atomic_compare_exchange_n(&g_isa, &expected, (int)pick, 0,
                              __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
  return (tri_uk_isa)__atomic_load_n(&g_isa, __ATOMIC_ACQUIRE);
}

tri_status tri_uk_set_isa(tri_uk_isa isa) {
  if (!tri_uk_isa_supported(isa))
    return TRI_ERR_INVALID_ARGUMENT;
  __atomic_store_n(&g_isa, (int)isa, __ATOMIC_RELEASE);
  return TRI_OK;
}

void tri_uk_set_num_threads(unsigned threads) {
  __atomic_store_n(&g_threads, threads, __ATOMIC_RELEASE);
}

unsigned tri_uk_get_num_threads(void) {
  const char *env = getenv("TRI_UK_NUM_THREADS");
  if (env) {
    long v = strtol(env, NULL, 10);
    if (v > 0)
      return (unsigned)v;
  }
  unsigned t = __atomic_load_n(&g_threads, __ATOMIC_ACQUIRE);
  return t ? t : tri_uk_cpu_count();
}

/*===------------------------------------------------------------------===*
 * Helpers
 *===------------------------------------------------------------------===*/

static void *alloc_aligned(size_t bytes) {
  void *ptr = NULL;
  if (bytes == 0)
    bytes = 64;
  if (posix_memalign(&ptr, 64, (bytes + 63) & ~(size_t)63) != 0)
    return NULL;
  return ptr;
}

/* Per-thread scratch buffers that live as long as their thread, so that
 * calls in a row pay for neither allocation nor page faults. One slot per
 * nesting level: what a call quantizes, what it prepares (re-ordered
 * activations), what one of its tasks needs. Buffers above
 * SCRATCH_CACHE_MAX bytes are allocated and freed per use. */
enum { SCRATCH_QUANT, SCRATCH_CALL, SCRATCH_TASK, SCRATCH_SLOTS };
#define SCRATCH_CACHE_MAX ((size_t)16 << 20)

typedef struct scratch {
  void *ptr[SCRATCH_SLOTS];
  size_t size[SCRATCH_SLOTS];
} scratch;

static pthread_key_t g_scratch_key;
static pthread_once_t g_scratch_once = PTHREAD_ONCE_INIT;
static int g_scratch_ok;

static void free_scratch(void *ptr) {
  scratch *s = (scratch *)ptr;
  for (int i = 0; i < SCRATCH_SLOTS; ++i)
    free(s->ptr[i]);
  free(s);
}

static void make_scratch_key(void) {
  g_scratch_ok = pthread_key_create(&g_scratch_key, free_scratch) == 0;
}

static scratch *thread_scratch(int create) {
  pthread_once(&g_scratch_once, make_scratch_key);
  if (!g_scratch_ok)
    return NULL;
  scratch *s = (scratch *)pthread_getspecific(g_scratch_key);
  if (!s && create) {
    s = (scratch *)calloc(1, sizeof *s);
    if (s && pthread_setspecific(g_scratch_key, s) != 0) {
      free(s);
      s = NULL;
    }
  }
  return s;
}

/* A 64-byte aligned buffer of at least `bytes` for `slot` of this thread
 * (NULL when out of memory); give it back with scratch_put. */
static void *scratch_get(int slot, size_t bytes) {
  if (bytes == 0)
    bytes = 64; /* never NULL for an empty request */
  scratch *s = bytes <= SCRATCH_CACHE_MAX ? thread_scratch(1) : NULL;
  if (!s)
    return alloc_aligned(bytes);
  if (s->size[slot] < bytes) {
    free(s->ptr[slot]);
    s->ptr[slot] = alloc_aligned(bytes);
    s->size[slot] = s->ptr[slot] ? bytes : 0;
  }
  return s->ptr[slot];
}

static void scratch_put(int slot, void *ptr) {
  scratch *s = thread_scratch(0);
  if (!s || s->ptr[slot] != ptr)
    free(ptr);
}

static int mul_overflows(size_t a, size_t b, size_t *out) {
  if (a != 0 && b > SIZE_MAX / a)
    return 1;
  *out = a * b;
  return 0;
}

/* Common argument checks. */
static tri_status check_args(const void *x, size_t m, size_t k,
                             const uint8_t *w, tri_encoding encoding,
                             size_t n, const float *scale,
                             tri_uk_scale_mode scale_mode, const void *y) {
  size_t tmp;
  if (encoding != TRI_ENCODING_OFFSET2 && encoding != TRI_ENCODING_BASE3)
    return TRI_ERR_INVALID_ARGUMENT;
  if (scale_mode != TRI_UK_SCALE_NONE && scale_mode != TRI_UK_SCALE_TENSOR &&
      scale_mode != TRI_UK_SCALE_CHANNEL)
    return TRI_ERR_INVALID_ARGUMENT;
  if (scale_mode != TRI_UK_SCALE_NONE && !scale)
    return TRI_ERR_INVALID_ARGUMENT;
  if (mul_overflows(m, k, &tmp) || mul_overflows(m, n, &tmp) ||
      mul_overflows(n, tri_row_bytes(encoding, k), &tmp) ||
      k > SIZE_MAX / 8)
    return TRI_ERR_INVALID_ARGUMENT;
  if (m != 0 && n != 0) {
    if (!y || (k != 0 && (!x || !w)))
      return TRI_ERR_INVALID_ARGUMENT;
  }
  return TRI_OK;
}

/* Base3 -> offset2: each base3 byte's 5 digits as five 2-bit codes (10 bits);
 * the digit d is the offset2 code already (d = t + 1). */
static uint16_t g_base3_codes[256];
static pthread_once_t g_base3_once = PTHREAD_ONCE_INIT;

static void fill_base3_codes(void) {
  for (unsigned b = 0; b < 256; ++b) {
    unsigned v = b < 243 ? b : 121; /* invalid bytes: zeros */
    uint16_t codes = 0;
    for (unsigned i = 0; i < 5; ++i) {
      codes |= (uint16_t)((v % 3) << (2 * i));
      v /= 3;
    }
    g_base3_codes[b] = codes;
  }
}

static void init_base3_codes(void) { pthread_once(&g_base3_once, fill_base3_codes); }

/* The ISA's vector converter on one base3 row: the whole blocks of 32 or 64
 * bytes (160 or 320 trits) among the bytes that hold 5 trits of the row go
 * straight to `out`; the rest of the row (at most 64 bytes) is converted
 * from a copy padded with 121 (five zero trits) into a buffer, and the
 * row's bytes are copied from there. Trits past k in the last byte are set
 * to zero (code 01) whatever the input's padding trits hold, as in the
 * scalar loops. */
static void base3_row_simd(const uint8_t *in, size_t k, uint8_t *out,
                           tri_uk_base3_fn simd) {
  size_t in_bytes = tri_row_bytes(TRI_ENCODING_BASE3, k);
  size_t out_bytes = tri_row_bytes(TRI_ENCODING_OFFSET2, k);
  size_t i = simd(in, k / 5, out); /* bytes of 5 trits: within out_bytes */
  size_t o = i / 4 * 5;
  if (i < in_bytes) {
    uint8_t pad[64], conv[80];
    memset(pad, 121, sizeof pad);
    memcpy(pad, in + i, in_bytes - i);
    simd(pad, sizeof pad, conv);
    memcpy(out + o, conv, out_bytes - o);
  }
  if (k % 4) {
    uint8_t keep = (uint8_t)((1u << (2 * (k % 4))) - 1);
    out[out_bytes - 1] = (uint8_t)((out[out_bytes - 1] & keep) | (0x55 & ~keep));
  }
}

/* Converts one base3 row of k trits into tri_row_bytes(OFFSET2, k) bytes,
 * with the ISA's vector converter when there is one. */
static void base3_row_to_offset2(const uint8_t *in, size_t k, uint8_t *out,
                                 tri_uk_base3_fn simd) {
  size_t out_bytes = tri_row_bytes(TRI_ENCODING_OFFSET2, k);
  size_t o = 0, i = 0;
  if (simd) {
    base3_row_simd(in, k, out, simd);
    return;
  }
  /* Four base3 bytes (20 trits) make five offset2 bytes. */
  while ((i + 4) * 5 <= k) {
    uint64_t bits = (uint64_t)g_base3_codes[in[i]] |
                    (uint64_t)g_base3_codes[in[i + 1]] << 10 |
                    (uint64_t)g_base3_codes[in[i + 2]] << 20 |
                    (uint64_t)g_base3_codes[in[i + 3]] << 30;
    for (int b = 0; b < 5; ++b)
      out[o + b] = (uint8_t)(bits >> (8 * b));
    i += 4;
    o += 5;
  }
  /* The rest trit by trit (here 4 * o == 5 * i); trits past k are zeros. */
  for (; o < out_bytes; ++o) {
    uint8_t byte = 0;
    for (unsigned s = 0; s < 4; ++s) {
      size_t rel = o * 4 + s - i * 5; /* trit index within in[i..] */
      unsigned code = 1;
      if (o * 4 + s < k)
        code = (g_base3_codes[in[i + rel / 5]] >> (2 * (rel % 5))) & 3u;
      byte |= (uint8_t)(code << (2 * s));
    }
    out[o] = byte;
  }
}

/*===------------------------------------------------------------------===*
 * Tasks
 *===------------------------------------------------------------------===*/

typedef struct job {
  int is_i8;
  tri_uk_out f32_out; /* where f32 results go */
  tri_uk_i8_problem i8;
  tri_uk_i8_kernel i8_kernel;
  /* The token-tiled GEMM: tasks are (column range, tile) pairs. */
  int tiled;
  tri_uk_lut_problem lut;
  tri_uk_lut_kernel lut_f32_kernel, lut_i8_kernel;
  tri_uk_tiles_f32_fn tiles_f32; /* fill the tiles */
  tri_uk_tiles_i8_fn tiles_i8;
  size_t lut_vbytes;   /* the kernel's vector size (0: no scratch needed) */
  size_t lut_lanes_f32, lut_lanes_i8; /* tokens per tile */
  size_t tiles;
  const uint8_t *w;
  tri_encoding encoding;
  size_t k, n;
  size_t in_row_bytes;  /* bytes per row of `w` in its own encoding */
  tri_uk_base3_fn base3; /* the ISA's base3 -> offset2 converter, or NULL */
  /* int8 one token at a time on base3 rows read directly (no staging), when
   * the ISA has such a kernel: `direct_base3` says the job uses it. */
  tri_uk_i8_kernel i8_base3_kernel;
  int direct_base3;
  /* f32 for a few tokens: the column-LUT kernel (`colut` says the job uses
   * it), or NULL where the ISA has none. */
  tri_uk_colut_kernel colut_kernel;
  tri_uk_colut_tables_fn colut_tables;
  tri_uk_colut_problem colut_p;
  int colut;
  int b3_block64; /* the base3 kernel is the VBMI one (64-byte blocks) */
  size_t cols_per_task;
  int failed;           /* atomic: a task could not allocate */
} job;

/* Columns of one base3 staging round (kept small to stay in L1/L2). */
#define STAGE_COLS 16

static void run_columns(job *jb, const uint8_t *rows, size_t ncols,
                        size_t col0) {
  if (jb->direct_base3)
    jb->i8_base3_kernel(&jb->i8, rows, ncols, col0);
  else if (jb->colut)
    jb->colut_kernel(&jb->colut_p, rows, ncols, col0);
  else
    jb->i8_kernel(&jb->i8, rows, ncols, col0);
}

/* Converts base3 rows c0 .. c0 + cols - 1 into offset2 rows at `out`. */
static void stage_base3(const job *jb, size_t c0, size_t cols, uint8_t *out) {
  size_t rb2 = tri_row_bytes(TRI_ENCODING_OFFSET2, jb->k);
  for (size_t q = 0; q < cols; ++q)
    base3_row_to_offset2(jb->w + (c0 + q) * jb->in_row_bytes, jb->k,
                         out + q * rb2, jb->base3);
}

/* One (column range, tile) task of the token-tiled GEMM. */
static void tiled_task(job *jb, size_t task) {
  size_t tile = task % jb->tiles;
  size_t c0 = task / jb->tiles * jb->cols_per_task;
  size_t cols = jb->n - c0 < jb->cols_per_task ? jb->n - c0 : jb->cols_per_task;
  size_t rb2 = jb->lut.row_bytes;
  size_t table = jb->lut_vbytes ? tri_uk_lut_scratch_bytes(jb->lut_vbytes, cols) : 0;
  size_t staged = jb->encoding == TRI_ENCODING_BASE3 ? cols * rb2 : 0;
  uint8_t *scratch = NULL;
  if (table + staged) {
    scratch = (uint8_t *)scratch_get(SCRATCH_TASK, table + staged);
    if (!scratch) {
      __atomic_store_n(&jb->failed, 1, __ATOMIC_RELAXED);
      return;
    }
  }
  const uint8_t *rows = jb->w + c0 * jb->in_row_bytes;
  if (staged) {
    stage_base3(jb, c0, cols, scratch + table);
    rows = scratch + table;
  }
  tri_uk_lut_kernel kernel = jb->is_i8 ? jb->lut_i8_kernel : jb->lut_f32_kernel;
  kernel(&jb->lut, rows, cols, c0, tile, scratch);
  if (scratch)
    scratch_put(SCRATCH_TASK, scratch);
}

static void task_main(void *ctx, size_t task) {
  job *jb = (job *)ctx;
  if (jb->tiled) {
    tiled_task(jb, task);
    return;
  }
  size_t c0 = task * jb->cols_per_task;
  size_t c1 = c0 + jb->cols_per_task;
  if (c1 > jb->n)
    c1 = jb->n;
  if (jb->encoding == TRI_ENCODING_OFFSET2 || jb->direct_base3) {
    run_columns(jb, jb->w + c0 * jb->in_row_bytes, c1 - c0, c0);
    return;
  }
  size_t rb2 = tri_row_bytes(TRI_ENCODING_OFFSET2, jb->k);
  uint8_t *stage = (uint8_t *)scratch_get(SCRATCH_TASK, STAGE_COLS * rb2);
  if (!stage) {
    __atomic_store_n(&jb->failed, 1, __ATOMIC_RELAXED);
    return;
  }
  for (size_t c = c0; c < c1; c += STAGE_COLS) {
    size_t cols = c1 - c < STAGE_COLS ? c1 - c : STAGE_COLS;
    stage_base3(jb, c, cols, stage);
    run_columns(jb, stage, cols, c);
  }
  scratch_put(SCRATCH_TASK, stage);
}

/* Threads for `work` weight uses: work below ~4M (tens of microseconds)
 * stays on the calling thread: waking a worker costs more than it saves, and
 * far more on a machine that is busy. */
static unsigned threads_for(double work) {
  unsigned threads = tri_uk_get_num_threads();
  return work < (double)(1u << 22) ? 1u : threads;
}

/* Column ranges of the token-tiled GEMM: at most TILED_MAX_COLS columns
 * (their weight lines and running sums stay in L2 while a K-block of tables
 * sweeps them), split further while there are fewer than 2 tasks per
 * thread and the ranges keep at least TILED_MIN_COLS columns (the tables of
 * a K-block are built once per range and tile: splitting costs work). */
#define TILED_MAX_COLS 1024
#define TILED_MIN_COLS 128

static size_t tiled_cols_per_task(size_t n, size_t tiles, unsigned threads) {
  size_t per = n < TILED_MAX_COLS ? n : TILED_MAX_COLS;
  while (threads > 1 && tiles * ((n + per - 1) / per) < 2u * threads &&
         per / 2 >= TILED_MIN_COLS)
    per /= 2;
  return per;
}

/* Splits the columns into tasks and runs them. */
static tri_status run_job(job *jb, size_t m) {
  size_t n = jb->n;
  unsigned threads = threads_for((double)m * (double)jb->k * (double)n);
  size_t ntasks;
  if (jb->tiled) {
    jb->cols_per_task = tiled_cols_per_task(n, jb->tiles, threads);
    ntasks = jb->tiles * ((n + jb->cols_per_task - 1) / jb->cols_per_task);
  } else {
    /* ~64 KiB of packed weights per task, a multiple of 4 columns, and at
     * least 4 tasks per thread for balance on a busy machine. */
    size_t row = jb->in_row_bytes ? jb->in_row_bytes : 1;
    size_t per = (64u * 1024u) / row;
    size_t balance = n / (4u * threads);
    if (threads > 1 && balance < per)
      per = balance;
    /* The column-LUT kernels take 64 columns at a time. */
    size_t unit = jb->colut ? 64 : 4;
    per = (per + unit - 1) / unit * unit;
    if (per < unit)
      per = unit;
    jb->cols_per_task = per;
    ntasks = (n + per - 1) / per;
  }
  if (jb->encoding == TRI_ENCODING_BASE3)
    init_base3_codes();
  tri_uk_parallel_for(ntasks, threads, task_main, jb);
  return __atomic_load_n(&jb->failed, __ATOMIC_RELAXED) ? TRI_ERR_INVALID_ARGUMENT
                                                       : TRI_OK;
}

/* xt[tile][kk][lane] = x[tile * lanes + lane][kk], zero past k and past the
 * last token (the portable path, any lanes). */
static void tiles_f32_portable(const float *x, size_t m, size_t k,
                               size_t lanes, size_t k4, float *xt) {
  size_t tiles = (m + lanes - 1) / lanes;
  for (size_t i = 0; i < tiles * lanes; ++i)
    for (size_t kk = 0; kk < k4; ++kk)
      xt[(i / lanes) * k4 * lanes + kk * lanes + i % lanes] =
          i < m && kk < k ? x[i * k + kk] : 0.0f;
}

static void pick_kernels(job *jb) {
  switch (tri_uk_selected_isa()) {
#ifdef TRI_UK_HAVE_X86_KERNELS
  case TRI_UK_ISA_AVX512:
    jb->colut_kernel = tri_uk_colut_f32_avx512;
    jb->colut_tables = tri_uk_colut_tables_avx512;
    jb->i8_kernel = tri_uk_i8_avx512;
    jb->lut_f32_kernel = tri_uk_lut_f32_avx512;
    jb->lut_i8_kernel = tri_uk_lut_i8_avx512;
    jb->tiles_f32 = tri_uk_tiles_f32_avx512;
    jb->tiles_i8 = tri_uk_tiles_i8_avx512;
    jb->lut_vbytes = 64;
    jb->lut_lanes_f32 = 16;
    jb->lut_lanes_i8 = 32;
    jb->base3 = tri_uk_base3_to_offset2_avx512;
    jb->b3_block64 = tri_uk_cpu_has_vbmi();
    jb->i8_base3_kernel = jb->b3_block64 ? tri_uk_i8_base3_avx512vbmi
                                         : tri_uk_i8_base3_avx512;
    return;
  case TRI_UK_ISA_AVX2:
    jb->colut_kernel = tri_uk_colut_f32_avx2;
    jb->colut_tables = tri_uk_colut_tables_portable;
    jb->i8_kernel = tri_uk_i8_avx2;
    jb->lut_f32_kernel = tri_uk_lut_f32_avx2;
    jb->lut_i8_kernel = tri_uk_lut_i8_avx2;
    jb->tiles_f32 = tri_uk_tiles_f32_avx2;
    jb->tiles_i8 = tri_uk_tiles_i8_avx2;
    jb->lut_vbytes = 32;
    jb->lut_lanes_f32 = 8;
    jb->lut_lanes_i8 = 16;
    jb->base3 = tri_uk_base3_to_offset2_avx2;
    jb->i8_base3_kernel = tri_uk_i8_base3_avx2;
    return;
#endif
  default:
    jb->i8_kernel = tri_uk_i8_portable;
    /* No int8 LUT kernel: the portable direct kernel is exact anyway. */
    jb->lut_f32_kernel = tri_uk_lut_f32_portable;
    jb->lut_i8_kernel = NULL;
    jb->tiles_f32 = tiles_f32_portable;
    jb->lut_vbytes = 0;
    jb->lut_lanes_f32 = 1;
    jb->lut_lanes_i8 = 0;
    jb->base3 = NULL;
    jb->i8_base3_kernel = NULL;
    return;
  }
}

/* The tiles of the token-tiled GEMM for m tokens of k values: tiles * k4 *
 * lanes elements of `elem` bytes (from the SCRATCH_CALL slot). */
static void *alloc_tiles(job *jb, size_t m, size_t k, size_t lanes,
                         size_t elem) {
  size_t rb2 = tri_row_bytes(TRI_ENCODING_OFFSET2, k);
  size_t blocks = (rb2 + TRI_UK_LUT_KBLOCK - 1) / TRI_UK_LUT_KBLOCK;
  jb->tiled = 1;
  jb->tiles = (m + lanes - 1) / lanes;
  jb->lut.m = m;
  jb->lut.lanes = lanes;
  jb->lut.k4 = blocks * TRI_UK_LUT_KBLOCK * 4;
  jb->lut.row_bytes = rb2;
  size_t total;
  if (mul_overflows(jb->tiles * lanes, jb->lut.k4, &total) ||
      total > SIZE_MAX / 8)
    return NULL;
  return scratch_get(SCRATCH_CALL, total * elem);
}

/*===------------------------------------------------------------------===*
 * f32
 *===------------------------------------------------------------------===*/

/* Few tokens fill the 256-bit tiles better than the 512-bit ones: the AVX2
 * kernels run on every AVX-512 CPU and compute the same sums. */
static void narrow_tiles(job *jb, size_t m) {
#ifdef TRI_UK_HAVE_X86_KERNELS
  size_t lanes = jb->is_i8 ? jb->lut_lanes_i8 : jb->lut_lanes_f32;
  if (jb->lut_vbytes == 64 && m <= lanes / 2) {
    jb->lut_f32_kernel = tri_uk_lut_f32_avx2;
    jb->lut_i8_kernel = tri_uk_lut_i8_avx2;
    jb->lut_vbytes = 32;
    jb->lut_lanes_f32 /= 2;
    jb->lut_lanes_i8 /= 2;
  }
#else
  (void)jb;
  (void)m;
#endif
}

/* The token-tiled GEMM (the f32 GEMM order, or int8 batches): activations
 * (f32 x, or int8 q widened to int16) transposed into tiles. */
static tri_status gemm_tiled(job *jb, const void *x, size_t m, size_t k) {
  narrow_tiles(jb, m);
  size_t lanes = jb->is_i8 ? jb->lut_lanes_i8 : jb->lut_lanes_f32;
  size_t elem = jb->is_i8 ? sizeof(int16_t) : sizeof(float);
  void *xt = alloc_tiles(jb, m, k, lanes, elem);
  if (!xt)
    return TRI_ERR_INVALID_ARGUMENT;
  if (jb->is_i8)
    jb->tiles_i8((const int8_t *)x, m, k, lanes, jb->lut.k4, (int16_t *)xt);
  else
    jb->tiles_f32((const float *)x, m, k, lanes, jb->lut.k4, (float *)xt);
  jb->lut.xt = xt;
  jb->lut.out = jb->is_i8 ? jb->i8.out : jb->f32_out;
  tri_status st = run_job(jb, m);
  scratch_put(SCRATCH_CALL, xt);
  return st;
}

/* The tables of the column-LUT kernels (ukernel_internal.h): entry
 * c0 | c1 << 2 of pair p is v(c0, x[2p]) + v(c1, x[2p + 1]), one f32 add
 * (every ISA's builder computes the same bits). */
TRI_UK_CLONES
void tri_uk_colut_tables_portable(const float *x, size_t m, size_t k,
                                  size_t pairs, float *tab) {
  for (size_t i = 0; i < m; ++i)
    for (size_t p = 0; p < pairs; ++p) {
      float a = 2 * p < k ? x[i * k + 2 * p] : 0.0f;
      float b = 2 * p + 1 < k ? x[i * k + 2 * p + 1] : 0.0f;
      float va[4] = {-a, 0.0f, a, 0.0f}, vb[4] = {-b, 0.0f, b, 0.0f};
      float *t = tab + (i * pairs + p) * 16;
      for (int e = 0; e < 16; ++e)
        t[e] = va[e & 3] + vb[e >> 2];
    }
}

/* The GEMM order for a few tokens with the column-LUT kernels: the tables
 * of every pair of activations, then columns in tasks. */
static tri_status gemm_f32_colut(job *jb, const float *x, size_t m,
                                 size_t k) {
  size_t rb2 = tri_row_bytes(TRI_ENCODING_OFFSET2, k);
  size_t pairs = (rb2 + 3) / 4 * 8, total;
  if (mul_overflows(m, pairs, &total) || total > SIZE_MAX / 64)
    return TRI_ERR_INVALID_ARGUMENT;
  float *tab = (float *)scratch_get(SCRATCH_CALL, total * 16 * sizeof(float));
  if (!tab)
    return TRI_ERR_INVALID_ARGUMENT;
  jb->colut_tables(x, m, k, pairs, tab);
  jb->colut = 1;
  jb->colut_p.tab = tab;
  jb->colut_p.m = m;
  jb->colut_p.pairs = pairs;
  jb->colut_p.row_bytes = rb2;
  /* Offset2 rows are the matrix itself; base3 ones a small staging copy. */
  jb->colut_p.ncols_all = jb->encoding == TRI_ENCODING_OFFSET2 ? jb->n : 0;
  jb->colut_p.out = jb->f32_out;
  tri_status st = run_job(jb, m);
  scratch_put(SCRATCH_CALL, tab);
  return st;
}

tri_status tri_uk_gemm_f32(const float *x, size_t m, size_t k,
                           const uint8_t *w, tri_encoding encoding, size_t n,
                           const float *scale, tri_uk_scale_mode scale_mode,
                           const float *bias, float *y) {
  tri_status st = check_args(x, m, k, w, encoding, n, scale, scale_mode, y);
  if (st != TRI_OK || m == 0 || n == 0)
    return st;
  job jb;
  memset(&jb, 0, sizeof jb);
  jb.is_i8 = 0;
  jb.f32_out.y = y;
  jb.f32_out.ldy = n;
  jb.f32_out.scale = scale;
  jb.f32_out.scale_mode = scale_mode;
  jb.f32_out.bias = bias;
  jb.w = w;
  jb.encoding = encoding;
  jb.k = k;
  jb.n = n;
  jb.in_row_bytes = tri_row_bytes(encoding, k);
  pick_kernels(&jb);
  /* One canonical order (TRI_UK_GEMM_ORDER_MIN_M is 1): the column-LUT
   * kernels for a few tokens, the token tiles for more (the portable ISA
   * always, with tiles of one token). */
  if (jb.colut_kernel && m <= TRI_UK_COLUT_MAX_M)
    return gemm_f32_colut(&jb, x, m, k);
  return gemm_tiled(&jb, x, m, k);
}

tri_status tri_uk_gemv_f32(const float *x, size_t k, const uint8_t *w,
                           tri_encoding encoding, size_t n, const float *scale,
                           tri_uk_scale_mode scale_mode, const float *bias,
                           float *y) {
  return tri_uk_gemm_f32(x, 1, k, w, encoding, n, scale, scale_mode, bias, y);
}

/*===------------------------------------------------------------------===*
 * int8
 *===------------------------------------------------------------------===*/


TRI_UK_CLONES
tri_status tri_uk_quantize_act_i8(const float *x, size_t m, size_t k,
                                  int8_t *q, float *xscale) {
  size_t tmp;
  if (mul_overflows(m, k, &tmp))
    return TRI_ERR_INVALID_ARGUMENT;
  if (m != 0 && (!xscale || (k != 0 && (!x || !q))))
    return TRI_ERR_INVALID_ARGUMENT;
  for (size_t i = 0; i < m; ++i) {
    const float *row = x + i * k;
    /* max |x| on the bit patterns: for finite floats without the sign bit the
     * unsigned order is the float order, and NaN / inf compare above every
     * finite value (exponent all ones). An integer max vectorizes. */
    uint32_t amax_bits = 0;
    for (size_t j = 0; j < k; ++j) {
      uint32_t bits;
      memcpy(&bits, &row[j], sizeof bits);
      bits &= 0x7fffffffu;
      amax_bits = bits > amax_bits ? bits : amax_bits;
    }
    if (amax_bits >= 0x7f800000u)
      return TRI_ERR_NON_FINITE;
    float amax;
    memcpy(&amax, &amax_bits, sizeof amax);
    float inv = amax > 0.0f ? 127.0f / amax : 0.0f;
    xscale[i] = amax / 127.0f;
    int8_t *out = q + i * k;
    for (size_t j = 0; j < k; ++j) {
      /* Round half to even: adding and subtracting 1.5 * 2^23 rounds a
       * float of magnitude < 2^22 to an integer in round-to-nearest-even.
       * |x * inv| <= 127 up to rounding, so the clamp only trims 127.00001. */
      float v = row[j] * inv;
      float r = (v + 12582912.0f) - 12582912.0f;
      r = r > 127.0f ? 127.0f : r;
      r = r < -127.0f ? -127.0f : r;
      out[j] = (int8_t)(int32_t)r;
    }
  }
  return TRI_OK;
}

/* Does q hold -128 (which vpsignb cannot negate)? */
static int has_int8_min(const int8_t *q, size_t count) {
  int8_t lowest = 0;
  for (size_t e = 0; e < count; ++e)
    lowest = q[e] < lowest ? q[e] : lowest;
  return lowest == INT8_MIN;
}

/* One token of k activations into blocks of `lanes` * per bytes, plane j of
 * a block (trit j of each of `lanes` packed bytes of `per` trits)
 * contiguous: dst[lanes per c + lanes j + b] = src[lanes per c + per b + j],
 * zeros past k. */
static inline void reorder_i8(const int8_t *src, size_t k, size_t blocks,
                              size_t per, size_t lanes, int8_t *dst) {
  size_t bt = lanes * per, full = k / bt;
  for (size_t c = 0; c < full; ++c)
    for (size_t b = 0; b < lanes; ++b)
      for (size_t j = 0; j < per; ++j)
        dst[bt * c + lanes * j + b] = src[bt * c + per * b + j];
  for (size_t c = full; c < blocks; ++c)
    for (size_t b = 0; b < lanes; ++b)
      for (size_t j = 0; j < per; ++j) {
        size_t kk = bt * c + per * b + j;
        dst[bt * c + lanes * j + b] = kk < k ? src[kk] : 0;
      }
}

/* int8 tokens one at a time (vpsignb kernels), re-ordered so that the
 * planes of 32 packed bytes line up with 32 contiguous bytes: offset2 rows
 * (blocks of 128 trits; base3 rows staged as offset2), or base3 rows read
 * directly by the ISA's base3 kernel (blocks of 160 trits). */
static tri_status gemm_i8_rows(job *jb, const int8_t *q, size_t m, size_t k) {
  jb->direct_base3 = jb->encoding == TRI_ENCODING_BASE3 && jb->i8_base3_kernel;
  size_t per = jb->direct_base3 ? 5 : 4;
  /* Bytes per block: 32, or 64 for the VBMI base3 kernel. */
  size_t lanes = jb->direct_base3 && jb->b3_block64 ? 64 : 32;
  size_t rb = tri_row_bytes(jb->direct_base3 ? TRI_ENCODING_BASE3
                                             : TRI_ENCODING_OFFSET2, k);
  size_t blocks = (rb + lanes - 1) / lanes;
  size_t stride = blocks * lanes * per, total;
  if (mul_overflows(m, stride, &total) || total > SIZE_MAX - 64 - 4 * m)
    return TRI_ERR_INVALID_ARGUMENT;
  /* The re-ordered tokens, then (VBMI base3) each token's sum. */
  size_t qbytes = (total + 63) & ~(size_t)63;
  int8_t *qp = (int8_t *)scratch_get(SCRATCH_CALL, qbytes + 4 * m);
  if (!qp)
    return TRI_ERR_INVALID_ARGUMENT;
  int32_t *qsum = (int32_t *)(qp + qbytes);
  for (size_t i = 0; i < m; ++i) {
    if (per == 5)
      reorder_i8(q + i * k, k, blocks, 5, lanes, qp + i * stride);
    else
      reorder_i8(q + i * k, k, blocks, 4, 32, qp + i * stride);
    if (jb->direct_base3 && jb->b3_block64) {
      int32_t sum = 0;
      for (size_t kk = 0; kk < k; ++kk)
        sum += q[i * k + kk];
      qsum[i] = sum;
    }
  }
  jb->i8.qp = qp;
  jb->i8.qsum = qsum;
  jb->i8.m = m;
  jb->i8.xstride = stride;
  jb->i8.blocks = blocks;
  jb->i8.row_bytes = rb;
  tri_status st = run_job(jb, m);
  scratch_put(SCRATCH_CALL, qp);
  return st;
}

static tri_status gemm_i8_common(const int8_t *q, const float *xscale,
                                 size_t m, size_t k, const uint8_t *w,
                                 tri_encoding encoding, size_t n,
                                 const float *scale,
                                 tri_uk_scale_mode scale_mode,
                                 const float *bias, float *y, int32_t *acc) {
  tri_status st = check_args(q, m, k, w, encoding, n, scale, scale_mode,
                             y ? (const void *)y : (const void *)acc);
  if (st != TRI_OK)
    return st;
  if (k > TRI_UK_MAX_K_I8 || (y && m != 0 && !xscale))
    return TRI_ERR_INVALID_ARGUMENT;
  if (m == 0 || n == 0)
    return TRI_OK;
  job jb;
  memset(&jb, 0, sizeof jb);
  jb.is_i8 = 1;
  jb.i8.out.y = y;
  jb.i8.out.acc = acc;
  jb.i8.out.ldy = n;
  jb.i8.out.xscale = xscale;
  jb.i8.out.scale = scale;
  jb.i8.out.scale_mode = y ? scale_mode : TRI_UK_SCALE_NONE;
  jb.i8.out.bias = y ? bias : NULL;
  jb.w = w;
  jb.encoding = encoding;
  jb.k = k;
  jb.n = n;
  jb.in_row_bytes = tri_row_bytes(encoding, k);
  pick_kernels(&jb);
  /* Integer sums are exact: the choice of kernel never changes a result. */
  if (jb.lut_i8_kernel &&
      (m >= TRI_UK_I8_TILED_MIN_M || has_int8_min(q, m * k)))
    return gemm_tiled(&jb, q, m, k);
  return gemm_i8_rows(&jb, q, m, k);
}

tri_status tri_uk_gemm_i8_i32(const int8_t *q, size_t m, size_t k,
                              const uint8_t *w, tri_encoding encoding,
                              size_t n, int32_t *acc) {
  return gemm_i8_common(q, NULL, m, k, w, encoding, n, NULL,
                        TRI_UK_SCALE_NONE, NULL, NULL, acc);
}

tri_status tri_uk_gemm_i8(const int8_t *q, const float *xscale, size_t m,
                          size_t k, const uint8_t *w, tri_encoding encoding,
                          size_t n, const float *scale,
                          tri_uk_scale_mode scale_mode, const float *bias,
                          float *y) {
  if (!y && m != 0 && n != 0)
    return TRI_ERR_INVALID_ARGUMENT;
  return gemm_i8_common(q, xscale, m, k, w, encoding, n, scale, scale_mode,
                        bias, y, NULL);
}

tri_status tri_uk_gemm_f32_q8(const float *x, size_t m, size_t k,
                              const uint8_t *w, tri_encoding encoding,
                              size_t n, const float *scale,
                              tri_uk_scale_mode scale_mode, const float *bias,
                              float *y) {
  tri_status st = check_args(x, m, k, w, encoding, n, scale, scale_mode, y);
  if (st != TRI_OK || m == 0 || n == 0)
    return st;
  if (k > TRI_UK_MAX_K_I8)
    return TRI_ERR_INVALID_ARGUMENT;
  /* q (m * k bytes) then the token scales, 64-byte aligned. */
  size_t qbytes = (m * k + 63) & ~(size_t)63;
  int8_t *q = (int8_t *)scratch_get(SCRATCH_QUANT, qbytes + m * sizeof(float));
  if (!q)
    return TRI_ERR_INVALID_ARGUMENT;
  float *xs = (float *)(q + qbytes);
  st = tri_uk_quantize_act_i8(x, m, k, q, xs);
  if (st == TRI_OK)
    st = tri_uk_gemm_i8(q, xs, m, k, w, encoding, n, scale, scale_mode, bias,
                        y);
  scratch_put(SCRATCH_QUANT, q);
  return st;
}
