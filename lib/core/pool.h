/*
 * A small thread pool per context (lib/core/pool.c), for memnet's own data-parallel kernels
 * (the Kirchhoff solver's products, triangular solves and vector loops; the simulator's vector
 * operations). Internal: included through core-private.h, not installed.
 *
 * Contract of a kernel: mn__pool_run calls fn(arg, tid, nthreads) once for every tid in
 * 0 .. nthreads-1 and returns when all calls have returned. The caller runs tid 0. A call must
 * not wait for another tid (no barriers inside fn): if the pool has fewer threads than asked
 * (thread creation failed) the caller runs the missing tids itself, one after the other, so
 * results stay those of nthreads partitions. Partition the work by (tid, nthreads) only and sum
 * partial results in tid order afterwards: the results then depend on the thread count, never
 * on the timing.
 *
 * Workers sleep on a condition variable between kernels (after a spin of a few microseconds,
 * MN__POOL_SPIN_NS, that catches the next kernel of a solve without a futex round trip).
 * The pool is created by the first mn__pool_run that needs a second thread and destroyed by
 * mn_context_free. Not fork-safe: a child process inherits no workers, so a context created
 * before fork() must not run a parallel kernel in the child (a context created in the child is
 * fine).
 */
#ifndef MEMNET_CORE_POOL_H
#define MEMNET_CORE_POOL_H

#include <stddef.h>

struct mn_context;

typedef void (*mn__pool_fn)(void *arg, int tid, int nthreads);

/* most threads a kernel uses (explicit settings above are capped) */
#define MN__POOL_MAX 64
/* automatic setting (mn_context_set_threads 0): kernels touching fewer bytes than this run on
 * the calling thread alone (docs/performance.md, "Threads in memnet's kernels"). On the shared
 * 2-core machine a second thread brought no measurable wall-clock gain at 1e4-1e6 junctions
 * and cost 6-19% more CPU per PCG solve at 1e5-1e6 (2.2x at 1e4), so 256 MiB: every kernel up
 * to about 2e6 junctions is serial; the triangular solves at 1e7 (about 1.2 GB of the factor)
 * get 2 threads, a choice still to be confirmed on a quiet machine. */
#define MN__POOL_MIN_WORK ((size_t)1 << 28)
/* automatic setting above MN__POOL_MIN_WORK: at most this many threads (and the cores) */
#define MN__POOL_AUTO_MAX 2

/* threads to use for a kernel over `work` items (bytes touched) under the context's setting:
 * mn_context_set_threads n > 0 -> min(n, MN__POOL_MAX); 0 (automatic) -> 1 below
 * MN__POOL_MIN_WORK, else min(cores, MN__POOL_AUTO_MAX). NULL ctx: 1. */
int mn__pool_threads(const struct mn_context *ctx, size_t work);

/* run fn(arg, tid, nthreads) for tid = 0..nthreads-1, the caller is tid 0; returns when all are
 * done; nthreads <= 1 calls fn directly with no synchronisation */
void mn__pool_run(struct mn_context *ctx, int nthreads, mn__pool_fn fn, void *arg);

/* fixed contiguous block [*lo, *hi) of tid out of nthreads over n items, boundaries rounded to
 * multiples of 8 items (whole cache lines of doubles) */
void mn__pool_block(size_t n, int tid, int nthreads, size_t *lo, size_t *hi);

/* stop and join the workers, free the pool (mn_context_free) */
void mn__pool_free(struct mn_context *ctx);

/* usable cores of the process (its CPU affinity), at least 1 */
int mn__pool_cores(void);

#endif
