/*
 * Threads memnet lets its dependencies use: the BLAS behind CHOLMOD's supernodal factorisation
 * (CHOLMOD's OpenMP regions: lib/core/omp_regions.c). docs/performance.md ("Threads") has the
 * measurements.
 *
 * BLAS. OpenBLAS (pthreads build) splits large dense kernels over its thread pool; its idle
 * threads then spin (sched_yield, i.e. system time) before they sleep. On the supernodes of
 * these networks a second thread brings no wall-clock gain below a large factorisation and
 * doubles the CPU time, so memnet runs its own BLAS calls with the thread count of the
 * context's setting (mn_context_set_threads): automatic (0) means one thread below
 * MN__BLAS_THREADS_MIN_FLOPS floating-point operations per factorisation and OpenBLAS's own
 * default (OPENBLAS_NUM_THREADS, else the cores) above. The count is process-wide in OpenBLAS:
 * memnet sets it around its calls and restores the previous value afterwards, so the
 * embedding program's own BLAS calls keep its setting, except those that run in another
 * thread while memnet is inside a factorisation (they see memnet's count). The functions are
 * looked up at run time, so any other BLAS still links (and is left alone).
 *
 * Idle workers. OpenBLAS (0.3.21, pthreads) starts its worker threads in its library
 * constructor, and a worker with no job spins (sched_yield) for 2^28 time-stamp-counter ticks
 * (about 0.1 s) before it sleeps on a condition variable: after start-up and after every
 * threaded call. A process that links OpenBLAS therefore burns about 0.1 s of a free core at
 * start-up even if it never makes a threaded BLAS call (docs/performance.md, "The idle BLAS
 * thread"). OpenBLAS has no call that puts a worker to sleep, and the timeout is read from the
 * environment only in the constructor; what it has is blas_thread_shutdown_ (also its own
 * pthread_atfork handler), which ends the workers. openblas_set_num_threads starts them again
 * when they are not running, whatever the count, so mn_blas_stop_workers sets the count to 1
 * first and ends the workers after; memnet's own calls then never start them again while
 * their count is 1 (begin does not call the setter when the count is already right), and a
 * call that wants more threads starts them through the setter as usual. A program that makes
 * threaded BLAS calls itself keeps OpenBLAS's behaviour unless it calls mn_blas_stop_workers.
 */
#define _GNU_SOURCE /* RTLD_DEFAULT, RTLD_NOLOAD */
#include "core-private.h"

#include <dlfcn.h>
#include <pthread.h>

/* ---------------------------------------------------------------------------- BLAS threads */

typedef void (*blas_set_fn)(int);
typedef int (*blas_get_fn)(void);
typedef int (*blas_stop_fn)(void);

static pthread_once_t blas_once = PTHREAD_ONCE_INIT;
static blas_set_fn blas_set;
static blas_get_fn blas_get;
static blas_stop_fn blas_stop; /* blas_thread_shutdown_: ends the worker threads, or NULL */
static int blas_default;       /* OpenBLAS's count before memnet touched it */

static void blas_lookup(void)
{
    void *h = RTLD_DEFAULT;
    void *set = dlsym(h, "openblas_set_num_threads");
    void *get = dlsym(h, "openblas_get_num_threads");
    /* a libmemnet loaded with RTLD_LOCAL (Python's ctypes) does not see its dependencies
       through RTLD_DEFAULT: ask the libraries that may be OpenBLAS, if they are loaded */
    static const char *const names[] = { "libopenblas.so.0", "libopenblasp.so.0",
                                         "libopenblaso.so.0", "libblas.so.3" };
    for (size_t i = 0; (!set || !get) && i < sizeof names / sizeof names[0]; i++) {
        h = dlopen(names[i], RTLD_LAZY | RTLD_NOLOAD);
        if (!h) continue;
        set = dlsym(h, "openblas_set_num_threads");
        get = dlsym(h, "openblas_get_num_threads");
        if (!set || !get) dlclose(h); /* a loaded library stays loaded: no reference kept */
    }
    if (!set || !get) return;
    /* POSIX leaves object <-> function pointer conversion to the platform; dlsym needs it */
    blas_set = (blas_set_fn)set;
    blas_get = (blas_get_fn)get;
    void *stop = dlsym(h, "blas_thread_shutdown_"); /* the pthreads build's (and OpenMP's) */
    blas_stop = stop ? (blas_stop_fn)stop : NULL;
    blas_default = blas_get();
    if (blas_default < 1) blas_default = 1;
}

int mn__blas_threads_available(void)
{
    pthread_once(&blas_once, blas_lookup);
    return blas_set != NULL;
}

int mn__blas_threads_for(const mn_context *ctx, double flops)
{
    if (!mn__blas_threads_available()) return 0;
    size_t n = ctx ? ctx->threads : 0;
    if (n == 0) return flops >= MN__BLAS_THREADS_MIN_FLOPS ? blas_default : 1;
    return n > 1024 ? 1024 : (int)n;
}

int mn__blas_threads_begin(const mn_context *ctx, double flops)
{
    int want = mn__blas_threads_for(ctx, flops);
    if (want < 1) return 0;
    int prev = blas_get();
    if (prev == want) return 0;
    blas_set(want);
    return prev;
}

void mn__blas_threads_end(int prev)
{
    if (prev > 0 && blas_set) blas_set(prev);
}

/* ---------------------------------------------------------------------------- idle workers */

static pthread_mutex_t blas_stop_mutex = PTHREAD_MUTEX_INITIALIZER;

mn_status mn_blas_stop_workers(void)
{
    /* the lookup records OpenBLAS's default before the count goes to 1: the automatic setting
       still uses it above the crossover */
    if (!mn__blas_threads_available() || !blas_stop) return MN_ERR_UNSUPPORTED;
    pthread_mutex_lock(&blas_stop_mutex);
    /* the setter starts the workers when they are not running: count first, then end them */
    if (blas_get() != 1) blas_set(1);
    blas_stop();
    pthread_mutex_unlock(&blas_stop_mutex);
    return MN_OK;
}

/* ---------------------------------------------------------------------------------- METIS */

/* METIS 5 (GKlib) draws from one process-wide Mersenne twister, reseeded (fixed seed) at the
 * start of each call: a call is deterministic only while no other runs at the same time.
 * Separate memnet contexts share nothing else, so this lock is what makes concurrent contexts
 * give bit-for-bit the results of serial runs. A program that calls METIS itself in another
 * thread, outside memnet, is not covered. */
static pthread_mutex_t metis_mutex = PTHREAD_MUTEX_INITIALIZER;

void mn__metis_lock(void) { pthread_mutex_lock(&metis_mutex); }
void mn__metis_unlock(void) { pthread_mutex_unlock(&metis_mutex); }

/* ------------------------------------------------------------------- the context's setting */

mn_status mn_context_set_threads(mn_context *ctx, size_t n)
{
    if (!ctx) return MN_ERR_INVALID;
    if (n > 1024)
        return mn__error(ctx, MN_ERR_RANGE, "threads: %zu is more than 1024 (0 = automatic)", n);
    ctx->threads = n;
    return MN_OK;
}

size_t mn_context_threads(const mn_context *ctx) { return ctx ? ctx->threads : 0; }
