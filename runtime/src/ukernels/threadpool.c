/*===- threadpool.c - A small pthread pool for the micro-kernels --*- C -*-===*
 *
 * Workers are created at first use and live for the whole process. A job is
 * a number of tasks claimed one at a time from an atomic counter by the
 * calling thread and the workers it wakes; the call returns when every task
 * is done. Which thread runs a task never changes its result (every task
 * writes its own outputs). Idle workers spin for at most SPIN_NS_DEFAULT
 * (20 us; the environment variable TRI_UK_SPIN_US overrides it, 0 = sleep at
 * once) so that short kernels back to back stay cheap, then sleep on a
 * condition variable: between bursts they cost nothing, and a host's own
 * pool (torch's, when our kernels are called next to it) gets the cores
 * back within microseconds. The bound is on time, not on a count of pause
 * instructions, whose length differs by a factor of ten between CPUs. One job runs at a time: a caller that
 * finds the pool busy (another thread's job, or a task calling back into the
 * kernels) runs its tasks itself. A host may replace the pool with its own
 * (tri_uk_set_parallel_runner).
 *===----------------------------------------------------------------------===*/
#define _GNU_SOURCE
#include "ukernel_internal.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

#define MAX_WORKERS 255
#define SPIN_NS_DEFAULT 20000
/* Pauses between two looks at the clock while spinning. */
#define SPINS_PER_CLOCK_READ 64

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* How long an idle worker spins before it sleeps: TRI_UK_SPIN_US (decimal
 * microseconds, at most one second) or the default. Read once. */
static uint64_t spin_ns(void) {
  static uint64_t cached = UINT64_MAX; /* atomic */
  uint64_t ns = __atomic_load_n(&cached, __ATOMIC_RELAXED);
  if (ns != UINT64_MAX)
    return ns;
  ns = SPIN_NS_DEFAULT;
  const char *env = getenv("TRI_UK_SPIN_US");
  if (env && *env) {
    char *end;
    unsigned long us = strtoul(env, &end, 10);
    if (*end == '\0' && us <= 1000000ul)
      ns = (uint64_t)us * 1000u;
  }
  __atomic_store_n(&cached, ns, __ATOMIC_RELAXED);
  return ns;
}

/* Spins while `*word == value`, for at most `limit` ns; returns the last
 * value read. */
static unsigned spin_while_equal(const unsigned *word, unsigned value,
                                 uint64_t limit) {
  unsigned now = __atomic_load_n(word, __ATOMIC_ACQUIRE);
  if (now != value || limit == 0)
    return now;
  uint64_t deadline = now_ns() + limit;
  for (;;) {
    for (int i = 0; i < SPINS_PER_CLOCK_READ; ++i) {
      CPU_RELAX();
      if ((now = __atomic_load_n(word, __ATOMIC_ACQUIRE)) != value)
        return now;
    }
    if (now_ns() >= deadline)
      return now;
  }
}

/* One job, on the caller's stack while it runs. */
typedef struct job {
  tri_uk_task_fn fn;
  void *ctx;
  size_t ntasks;
  unsigned participants; /* workers 0 .. participants-1 may help */
  size_t next;           /* atomic: next task to claim */
  size_t done;           /* atomic: tasks finished */
} job;

typedef struct pool {
  pthread_mutex_t busy;  /* held by the caller whose job runs */
  pthread_mutex_t lock;  /* guards creation and the sleep/wake hand-off */
  pthread_cond_t wake;
  unsigned workers;      /* created so far */
  job *current;          /* atomic: the job open for helpers, or NULL */
  unsigned active;       /* atomic: workers looking at `current` */
  unsigned generation;   /* atomic: bumped for each job */
  /* The generation each worker was created in: a worker that starts running
   * after the job it was created for was posted still sees that job. */
  unsigned start_generation[MAX_WORKERS];
} pool;

static pool g_pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
                      PTHREAD_COND_INITIALIZER, 0, NULL, 0, 0, {0}};

static void run_tasks(job *jb) {
  size_t t;
  while ((t = __atomic_fetch_add(&jb->next, 1, __ATOMIC_RELAXED)) <
         jb->ntasks) {
    jb->fn(jb->ctx, t);
    __atomic_fetch_add(&jb->done, 1, __ATOMIC_RELEASE);
  }
}

static void *worker_main(void *arg) {
  pool *p = &g_pool;
  unsigned index = (unsigned)(uintptr_t)arg;
  pthread_mutex_lock(&p->lock);
  unsigned seen = p->start_generation[index];
  pthread_mutex_unlock(&p->lock);
  for (;;) {
    unsigned gen = spin_while_equal(&p->generation, seen, spin_ns());
    if (gen == seen) {
      pthread_mutex_lock(&p->lock);
      while ((gen = __atomic_load_n(&p->generation, __ATOMIC_ACQUIRE)) == seen)
        pthread_cond_wait(&p->wake, &p->lock);
      pthread_mutex_unlock(&p->lock);
    }
    seen = gen;
    /* Announce first, then look: the caller closes the job and waits for
     * `active` to drain, so a job seen here stays alive until we leave. A
     * worker that wakes late finds no job (or a newer one) and costs the
     * caller nothing: the caller waits for finished tasks, not for workers. */
    __atomic_fetch_add(&p->active, 1, __ATOMIC_SEQ_CST);
    job *jb = __atomic_load_n(&p->current, __ATOMIC_SEQ_CST);
    if (jb && index < jb->participants)
      run_tasks(jb);
    __atomic_fetch_sub(&p->active, 1, __ATOMIC_SEQ_CST);
  }
  return NULL;
}

/* Makes sure `count` workers exist; returns how many do. */
static unsigned ensure_workers(pool *p, unsigned count) {
  if (count > MAX_WORKERS)
    count = MAX_WORKERS;
  pthread_mutex_lock(&p->lock);
  while (p->workers < count) {
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    p->start_generation[p->workers] =
        __atomic_load_n(&p->generation, __ATOMIC_RELAXED);
    int rc = pthread_create(&thread, &attr, worker_main,
                            (void *)(uintptr_t)p->workers);
    pthread_attr_destroy(&attr);
    if (rc != 0)
      break;
    ++p->workers;
  }
  unsigned have = p->workers;
  pthread_mutex_unlock(&p->lock);
  return have;
}

static tri_uk_parallel_runner g_runner; /* atomic; NULL: the pool */

void tri_uk_set_parallel_runner(tri_uk_parallel_runner runner) {
  __atomic_store_n(&g_runner, runner, __ATOMIC_RELEASE);
}

void tri_uk_parallel_for(size_t ntasks, unsigned threads, tri_uk_task_fn fn,
                         void *ctx) {
  pool *p = &g_pool;
  if (threads > ntasks)
    threads = (unsigned)ntasks;
  tri_uk_parallel_runner runner = __atomic_load_n(&g_runner, __ATOMIC_ACQUIRE);
  if (runner && threads > 1) {
    runner(ntasks, threads, fn, ctx);
    return;
  }
  if (threads <= 1 || pthread_mutex_trylock(&p->busy) != 0) {
    for (size_t t = 0; t < ntasks; ++t)
      fn(ctx, t);
    return;
  }
  unsigned helpers = ensure_workers(p, threads - 1);
  if (helpers > threads - 1)
    helpers = threads - 1;
  job jb = {fn, ctx, ntasks, helpers, 0, 0};
  __atomic_store_n(&p->current, &jb, __ATOMIC_SEQ_CST);
  pthread_mutex_lock(&p->lock);
  __atomic_fetch_add(&p->generation, 1, __ATOMIC_RELEASE);
  pthread_cond_broadcast(&p->wake);
  pthread_mutex_unlock(&p->lock);
  run_tasks(&jb);
  /* Wait for the tasks that helpers are still running, then close the job
   * and wait until no helper looks at it any more. */
  int spins = 0;
  while (__atomic_load_n(&jb.done, __ATOMIC_ACQUIRE) != ntasks) {
    if (++spins < 1024)
      CPU_RELAX();
    else
      sched_yield();
  }
  __atomic_store_n(&p->current, (job *)NULL, __ATOMIC_SEQ_CST);
  while (__atomic_load_n(&p->active, __ATOMIC_SEQ_CST) != 0)
    CPU_RELAX();
  pthread_mutex_unlock(&p->busy);
}

unsigned tri_uk_cpu_count(void) {
#ifdef CPU_COUNT
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0)
      return (unsigned)n;
  }
#endif
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (unsigned)n : 1u;
}
