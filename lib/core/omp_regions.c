/*
 * CHOLMOD's OpenMP parallel regions, run by memnet on the calling thread without libgomp's team.
 *
 * Inactive regions. CHOLMOD 3.x (SuiteSparse 5, Debian 12) opens an OpenMP parallel region with a
 * fixed team of four threads (num_threads(4)) for every supernode above a small size, and, in its
 * supernodal numeric factorisation, for each descendant update (clearing, scattering, relative
 * maps). On the 2-D stick networks memnet factorises, supernodes are small and numerous, so the
 * cost is dominated by waking and joining the team, and the four threads also compete with the
 * BLAS's threads for the cores (docs/performance.md, "Threads"). OMP_NUM_THREADS cannot stop it
 * (the team size is explicit). memnet's serial sections (mn__serial_begin .. mn__serial_end,
 * around every CHOLMOD call that opens such regions) set OpenMP's max-active-levels to 0, which
 * makes every region inactive, i.e. executed by the calling thread alone; the previous value is
 * restored afterwards. libgomp keeps that setting process-wide: a region that another thread of
 * the program opens while memnet is inside such a call also runs on one thread.
 *
 * The team of one. libgomp still builds and tears down a team for each inactive region and ends
 * it with a barrier whose release is an unconditional futex wake system call. At 1e5 junctions a
 * refactorisation opens about 58 000 regions: half of its CPU time went to them (26.5 -> 13.5 ms
 * a refactorisation and solve without them, 332 -> 239 ms at 1e6; docs/performance.md).
 *
 * So the library defines GOMP_parallel, the libgomp entry point GCC emits for `#pragma omp
 * parallel` and the only one libcholmod imports, with libgomp's symbol version (GOMP_4.0, in
 * lib/memnet.sym). libmemnet comes before libgomp in the dynamic linker's lookup order of a
 * program that links it (libgomp is a dependency of libcholmod, itself a dependency of
 * libmemnet), and in the local scope of a libmemnet loaded by dlopen (Python), so CHOLMOD's
 * regions come here. A region opened inside one of memnet's serial sections on this thread, and
 * outside any enclosing region (omp_get_level() == 0), is CHOLMOD's (memnet has no regions of its
 * own) and would be run by this thread alone anyway: its body is called directly. (The test is
 * not on max-active-levels, which another thread's section may have restored meanwhile.)
 * Outside any region omp_get_num_threads() is 1 and omp_get_thread_num() 0, so a worksharing
 * loop in the body runs all its iterations in this thread as in a team of one (libgomp runs
 * orphaned worksharing constructs, barriers and reductions outside a team); the same arithmetic
 * in the same order, bit for bit. Every other region (the embedding program's own, or one
 * opened by CHOLMOD inside a region of the program) goes to libgomp's GOMP_parallel unchanged,
 * found once with dlvsym(RTLD_NEXT).
 *
 * A program that defines GOMP_parallel itself keeps its own: its definition comes first, and
 * CHOLMOD's regions then run as that program's libgomp runs them; so does a program that links a
 * static libmemnet into a shared object of its own with its symbols hidden (--exclude-libs):
 * the regions are then libgomp's (slower, the same results). A fully static link with libgomp.a
 * is not supported (libgomp.a defines GOMP_parallel in the object that defines omp_get_level).
 * The symbol is defined in every build, so that every libmemnet.so.1 exports the same set; in a
 * build without OpenMP it only passes each region on, and the serial sections are no-ops.
 */
#define _GNU_SOURCE /* RTLD_NEXT, dlvsym */
#include "core-private.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>

#ifdef MN_HAVE_OPENMP
#include <omp.h>
#endif

/* memnet's serial sections open on this thread */
static _Thread_local int serial_depth;
/* regions run directly, process-wide (tests/core/test-omp-regions.c) */
static unsigned long direct_regions;

int mn__serial_begin(void)
{
    serial_depth++;
#ifdef MN_HAVE_OPENMP
    int prev = omp_get_max_active_levels();
    if (prev != 0) omp_set_max_active_levels(0);
    return prev;
#else
    return 0;
#endif
}

void mn__serial_end(int prev)
{
#ifdef MN_HAVE_OPENMP
    if (prev != 0) omp_set_max_active_levels(prev);
#else
    (void)prev;
#endif
    serial_depth--;
}

unsigned long mn__omp_direct_regions(void)
{
    return __atomic_load_n(&direct_regions, __ATOMIC_RELAXED);
}

typedef void (*gomp_parallel_fn)(void (*)(void *), void *, unsigned, unsigned);

static gomp_parallel_fn next_parallel;
static pthread_once_t next_once = PTHREAD_ONCE_INIT;

static void find_next(void)
{
    /* libgomp's definition: the next one after libmemnet's in the lookup order */
    void *p = dlvsym(RTLD_NEXT, "GOMP_parallel", "GOMP_4.0");
    if (!p) p = dlsym(RTLD_NEXT, "GOMP_parallel");
    /* POSIX leaves object <-> function pointer conversion to the platform; dlsym needs it */
    next_parallel = (gomp_parallel_fn)p;
}

/* the libgomp ABI entry point of `#pragma omp parallel` (GCC 4.9 and later); exported from the
 * shared library with version GOMP_4.0 (lib/memnet.sym), and visible from the internal static
 * library so that the test programs, which link it, take the same path */
__attribute__((visibility("default"))) void GOMP_parallel(void (*fn)(void *), void *data,
                                                          unsigned num_threads, unsigned flags);
__attribute__((visibility("default"))) void GOMP_parallel(void (*fn)(void *), void *data,
                                                          unsigned num_threads, unsigned flags)
{
#ifdef MN_HAVE_OPENMP
    if (serial_depth > 0 && omp_get_level() == 0) {
        __atomic_fetch_add(&direct_regions, 1, __ATOMIC_RELAXED);
        fn(data);
        return;
    }
#endif
    pthread_once(&next_once, find_next);
    if (!next_parallel) abort(); /* no libgomp in the process: nothing could have called this */
    next_parallel(fn, data, num_threads, flags);
}
