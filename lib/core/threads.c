/*
 * Serial sections around CHOLMOD calls.
 *
 * CHOLMOD 3.x (SuiteSparse 5, Debian 12) opens an OpenMP parallel region with a fixed team of
 * four threads (num_threads(4) in its supernodal numeric factorisation) for every supernode
 * above a small size: on the 2-D stick networks memnet factorises, supernodes are small and
 * numerous, so the cost is dominated by waking and joining the team (futex calls), and the
 * four threads also compete with OpenBLAS's own threads for the cores. Measured on the 2-core
 * machine (docs/performance.md): a refactorisation at 1e5 junctions takes 43 ms with the team
 * and 31 ms without, 0.70 s against 0.46 s at 1e6. OMP_NUM_THREADS cannot stop it (the team
 * size is explicit); setting max-active-levels to 0 makes every parallel region inactive, i.e.
 * run by the calling thread alone. BLAS threading (OpenBLAS pthreads) is not affected.
 *
 * The previous value is restored afterwards, so the caller's own OpenMP code is unchanged
 * outside memnet's calls. Without OpenMP at build time these are no-ops.
 */
#include "core-private.h"

#ifdef MN_HAVE_OPENMP
#include <omp.h>
#endif

int mn__serial_begin(void)
{
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
}
