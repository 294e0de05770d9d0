/* Internals of the reservoir module: LAPACK prototypes and shared helpers. */
#ifndef MEMNET_RESERVOIR_PRIVATE_H
#define MEMNET_RESERVOIR_PRIVATE_H

#include <memnet/reservoir.h>

#include "core/core-private.h"

/* LAPACK through its Fortran interface (OpenBLAS or the reference LAPACK provide it; no
 * LAPACKE header needed). Character arguments carry their hidden length (gfortran ABI). */
void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda, double *s,
             double *u, const int *ldu, double *vt, const int *ldvt, double *work,
             const int *lwork, int *iwork, int *info, size_t jobz_len);

/* Thin SVD of the column-major n x p matrix A (overwritten): U (n x r, column major, ld n),
 * s (r), Vt (r x p, column major, ld r), r = min(n, p). Returns MN_OK, MN_ERR_SOLVER (info
 * named), MN_ERR_NOMEM, MN_ERR_RANGE (dimensions beyond LAPACK's int). */
mn_status mn__reservoir_svd(mn_context *ctx, double *A, size_t n, size_t p, double *U, double *s,
                            double *Vt);

/* the readout's context (readout.c) */
mn_context *mn__readout_context(const mn_readout *r);

#endif
