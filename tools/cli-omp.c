/*
 * Inactive OpenMP parallel regions of the memnet program without libgomp's team set-up.
 *
 * memnet runs CHOLMOD with OpenMP's max-active-levels set to 0 (lib/core/threads.c,
 * mn__serial_begin): every parallel region CHOLMOD opens is then inactive, i.e. executed by the
 * calling thread alone. libgomp still builds and tears down a team of one thread for each such
 * region and ends it with a barrier whose release is an unconditional futex wake system call.
 * CHOLMOD 3's supernodal numeric factorisation opens a region per supernode and per descendant
 * update (clearing, scattering, relative maps): a one-shot solve at 6e5 junctions made 171 000
 * futex calls, and with them the factorisation took about twice the CPU time of the same
 * arithmetic without the regions (docs/performance.md, "One-shot solve").
 *
 * The program therefore defines GOMP_parallel (the entry point GCC emits for `#pragma omp
 * parallel`, and the only one libcholmod imports), which the dynamic linker binds in place of
 * libgomp's for every library of the process. When the region would be inactive anyway (no
 * enclosing region: omp_get_level() == 0, and max-active-levels 0) it calls the region's body
 * directly: outside any region omp_get_num_threads() is 1 and omp_get_thread_num() 0, so a
 * worksharing loop in the body runs all its iterations in this thread, as in a team of one
 * (libgomp also runs orphaned worksharing constructs, barriers and tasks outside a team). The
 * result is the same arithmetic in the same order, bit for bit. Every other region goes to
 * libgomp's GOMP_parallel unchanged. The library itself does not do this: an embedding
 * program's own OpenMP must stay as libgomp made it, so only the memnet program (which has no
 * OpenMP regions of its own) takes the shortcut.
 */
#define _GNU_SOURCE /* RTLD_NEXT, dlvsym */
#include "cli.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>

static unsigned long direct_regions; /* regions run directly (tests/cli/test-omp-regions.c) */

unsigned long cli_omp_direct_regions(void)
{
    return __atomic_load_n(&direct_regions, __ATOMIC_RELAXED);
}

#ifdef _OPENMP
#include <omp.h>

typedef void (*gomp_parallel_fn)(void (*)(void *), void *, unsigned, unsigned);

static gomp_parallel_fn real_parallel;
static pthread_once_t real_once = PTHREAD_ONCE_INIT;

static void find_real(void)
{
    /* libgomp's own definition: the next one after this program's in the lookup order */
    real_parallel = (gomp_parallel_fn)dlvsym(RTLD_NEXT, "GOMP_parallel", "GOMP_4.0");
    if (!real_parallel) real_parallel = (gomp_parallel_fn)dlsym(RTLD_NEXT, "GOMP_parallel");
}

/* the libgomp ABI entry point of `#pragma omp parallel` (GCC 4.9 and later) */
void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags)
{
    if (omp_get_level() == 0 && omp_get_max_active_levels() == 0) {
        __atomic_fetch_add(&direct_regions, 1, __ATOMIC_RELAXED);
        fn(data);
        return;
    }
    pthread_once(&real_once, find_real);
    if (!real_parallel) abort(); /* no libgomp: nothing could have called this */
    real_parallel(fn, data, num_threads, flags);
}
#endif
