/*
 * CHOLMOD's clock reads around its BLAS calls, left out in the memnet program.
 *
 * CHOLMOD 3's supernodal numeric factorisation reads the wall clock (SuiteSparse_time, from
 * libsuitesparseconfig) before and after every dsyrk, dgemm, dpotrf and dtrsm call of every
 * supernode, only to add the differences to its statistics (Common->CHOLMOD_CPU_*_TIME), which
 * memnet never reads. On a one-shot solve at 6e5 junctions (20 000 supernodes) these reads were
 * about 2% of the process's samples (perf: the vDSO's clock_gettime and its wrapper).
 *
 * The program therefore defines SuiteSparse_time itself, returning 0: the dynamic linker binds
 * libcholmod's calls to this definition (the executable is searched first), and CHOLMOD's
 * timing statistics stay at zero. Nothing else changes:
 * no result of CHOLMOD depends on these times. The library does not do this (a program that
 * embeds memnet may want CHOLMOD's statistics); only the memnet program, which does not, takes
 * the shortcut.
 */
#include "cli.h"

double SuiteSparse_time(void);
double SuiteSparse_time(void)
{
    return 0.0;
}
