/*
 * The context's thread pool (lib/core/pool.h has the contract; docs/performance.md, "Threads
 * in memnet's kernels", the measurements behind the defaults).
 *
 * One generation counter announces a kernel: the caller stores the kernel under the mutex,
 * bumps the counter and broadcasts; a worker that sees a new generation runs its tid and
 * decrements the count of outstanding tids, the last one signals the caller. Between kernels
 * a worker spins for MN__POOL_SPIN_NS reading the counter (the serial parts between the
 * kernels of a solve are usually shorter than that, and a futex wake-up costs tens of
 * microseconds on a busy machine), then sleeps on the condition variable: an idle pool costs
 * no CPU time.
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "core-private.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* spin before sleeping, for a worker waiting for the next kernel and for the caller waiting for
 * the workers (ns) */
#define MN__POOL_SPIN_NS 20000

typedef struct pool_worker {
    struct mn__pool *pool;
    int idx;       /* runs tid idx + 1 */
    uint64_t seen; /* generation at creation */
} pool_worker;

struct mn__pool {
    pthread_mutex_t mu;
    pthread_cond_t wake, done;
    atomic_uint_fast64_t gen;
    atomic_int remaining;
    atomic_int stop;
    mn__pool_fn fn;
    void *arg;
    int nthreads, active; /* workers with idx < active take part in the present kernel */
    int nworkers, create_failed;
    pthread_t th[MN__POOL_MAX];
    pool_worker w[MN__POOL_MAX];
};

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void *worker_main(void *p)
{
    pool_worker *w = p;
    struct mn__pool *pool = w->pool;
    uint64_t seen = w->seen;
    for (;;) {
        if (atomic_load_explicit(&pool->gen, memory_order_acquire) == seen) {
            double end = now_ns() + MN__POOL_SPIN_NS;
            for (unsigned i = 1; atomic_load_explicit(&pool->gen, memory_order_acquire) == seen &&
                                 !atomic_load_explicit(&pool->stop, memory_order_relaxed);
                 i++) {
                cpu_relax();
                if ((i & 63) == 0 && now_ns() > end) break;
            }
        }
        pthread_mutex_lock(&pool->mu);
        while (atomic_load(&pool->gen) == seen && !atomic_load(&pool->stop))
            pthread_cond_wait(&pool->wake, &pool->mu);
        if (atomic_load(&pool->stop)) {
            pthread_mutex_unlock(&pool->mu);
            break;
        }
        seen = atomic_load(&pool->gen);
        mn__pool_fn fn = pool->fn;
        void *arg = pool->arg;
        int n = pool->nthreads, take = w->idx < pool->active;
        pthread_mutex_unlock(&pool->mu);
        if (!take) continue;
        fn(arg, w->idx + 1, n);
        if (atomic_fetch_sub(&pool->remaining, 1) == 1) {
            pthread_mutex_lock(&pool->mu);
            pthread_cond_signal(&pool->done);
            pthread_mutex_unlock(&pool->mu);
        }
    }
    return NULL;
}

static pthread_once_t cores_once = PTHREAD_ONCE_INIT;
static int cores_n = 1;

static void cores_count(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) cores_n = CPU_COUNT(&set);
    if (cores_n < 1) cores_n = 1;
}

int mn__pool_cores(void)
{
    pthread_once(&cores_once, cores_count);
    return cores_n;
}

int mn__pool_threads(const mn_context *ctx, size_t work)
{
    if (!ctx) return 1;
    size_t n = ctx->threads;
    if (n > 0) return n > MN__POOL_MAX ? MN__POOL_MAX : (int)n;
    if (work < MN__POOL_MIN_WORK) return 1;
    int c = mn__pool_cores();
    return c < MN__POOL_AUTO_MAX ? c : MN__POOL_AUTO_MAX;
}

void mn__pool_block(size_t n, int tid, int nthreads, size_t *lo, size_t *hi)
{
    if (nthreads <= 1) {
        *lo = 0;
        *hi = n;
        return;
    }
    size_t a = (n * (size_t)tid / (size_t)nthreads) & ~(size_t)7;
    size_t b = tid + 1 == nthreads ? n : (n * (size_t)(tid + 1) / (size_t)nthreads) & ~(size_t)7;
    *lo = a;
    *hi = b > a ? b : a;
}

/* the pool with at least `want` workers if possible (fewer if thread creation fails) */
static struct mn__pool *pool_get(mn_context *ctx, int want)
{
    struct mn__pool *pool = ctx->pool;
    if (!pool) {
        pool = mn__calloc(ctx, 1, sizeof *pool);
        if (!pool) return NULL;
        if (pthread_mutex_init(&pool->mu, NULL) != 0) {
            mn__free(ctx, pool);
            return NULL;
        }
        if (pthread_cond_init(&pool->wake, NULL) != 0) {
            pthread_mutex_destroy(&pool->mu);
            mn__free(ctx, pool);
            return NULL;
        }
        if (pthread_cond_init(&pool->done, NULL) != 0) {
            pthread_cond_destroy(&pool->wake);
            pthread_mutex_destroy(&pool->mu);
            mn__free(ctx, pool);
            return NULL;
        }
        atomic_init(&pool->gen, 0);
        atomic_init(&pool->remaining, 0);
        atomic_init(&pool->stop, 0);
        ctx->pool = pool;
    }
    if (want > MN__POOL_MAX - 1) want = MN__POOL_MAX - 1;
    if (pool->nworkers < want && !pool->create_failed) {
        /* workers take no signals: the embedding program's handlers run in its own threads */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        while (pool->nworkers < want) {
            pool_worker *w = &pool->w[pool->nworkers];
            w->pool = pool;
            w->idx = pool->nworkers;
            w->seen = atomic_load(&pool->gen);
            if (pthread_create(&pool->th[pool->nworkers], NULL, worker_main, w) != 0) {
                pool->create_failed = 1; /* run the missing tids on the caller from now on */
                mn__log(ctx, MN_LOG_WARNING, "thread pool: cannot create worker %d, using %d",
                        pool->nworkers + 1, pool->nworkers);
                break;
            }
            pool->nworkers++;
        }
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    return pool;
}

void mn__pool_run(mn_context *ctx, int nthreads, mn__pool_fn fn, void *arg)
{
    if (nthreads <= 1 || !ctx) {
        fn(arg, 0, 1);
        return;
    }
    struct mn__pool *pool = pool_get(ctx, nthreads - 1);
    int nw = pool ? (pool->nworkers < nthreads - 1 ? pool->nworkers : nthreads - 1) : 0;
    if (nw == 0) {
        for (int t = 0; t < nthreads; t++) fn(arg, t, nthreads);
        return;
    }
    pthread_mutex_lock(&pool->mu);
    pool->fn = fn;
    pool->arg = arg;
    pool->nthreads = nthreads;
    pool->active = nw;
    atomic_store(&pool->remaining, nw);
    atomic_fetch_add(&pool->gen, 1);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mu);
    fn(arg, 0, nthreads);
    for (int t = nw + 1; t < nthreads; t++) fn(arg, t, nthreads); /* no worker for these */
    if (atomic_load_explicit(&pool->remaining, memory_order_acquire) > 0) {
        double end = now_ns() + MN__POOL_SPIN_NS;
        for (unsigned i = 1; atomic_load_explicit(&pool->remaining, memory_order_acquire) > 0;
             i++) {
            cpu_relax();
            if ((i & 63) == 0 && now_ns() > end) break;
        }
    }
    if (atomic_load_explicit(&pool->remaining, memory_order_acquire) > 0) {
        pthread_mutex_lock(&pool->mu);
        while (atomic_load(&pool->remaining) > 0) pthread_cond_wait(&pool->done, &pool->mu);
        pthread_mutex_unlock(&pool->mu);
    }
}

void mn__pool_free(mn_context *ctx)
{
    struct mn__pool *pool = ctx ? ctx->pool : NULL;
    if (!pool) return;
    pthread_mutex_lock(&pool->mu);
    atomic_store(&pool->stop, 1);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mu);
    for (int i = 0; i < pool->nworkers; i++) pthread_join(pool->th[i], NULL);
    pthread_cond_destroy(&pool->done);
    pthread_cond_destroy(&pool->wake);
    pthread_mutex_destroy(&pool->mu);
    ctx->pool = NULL;
    mn__free(ctx, pool);
}
