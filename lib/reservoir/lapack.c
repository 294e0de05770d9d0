/* The one LAPACK call of the readout: the thin SVD (dgesdd, divide and conquer), run with the
 * context's BLAS thread setting (mn_context_set_threads; lib/core/threads.c). */
#include "reservoir-private.h"

#include <limits.h>
#include <math.h>

mn_status mn__reservoir_svd(mn_context *ctx, double *A, size_t n, size_t p, double *U, double *s,
                            double *Vt)
{
    if (n > INT_MAX / 8 || p > INT_MAX / 8 || n * p > (size_t)INT_MAX)
        return mn__error(ctx, MN_ERR_RANGE, "readout: %zu x %zu feature matrix is beyond LAPACK's "
                                            "32-bit sizes", n, p);
    int m_ = (int)n, n_ = (int)p, r = (int)(n < p ? n : p), info = 0, lwork = -1;
    int ldvt = r > 0 ? r : 1;
    double q = 0;
    int *iwork = mn__malloc_or_err(ctx, 8 * (size_t)(r > 0 ? r : 1), sizeof *iwork, "SVD workspace");
    if (!iwork) return MN_ERR_NOMEM;
    dgesdd_("S", &m_, &n_, A, &m_, s, U, &m_, Vt, &ldvt, &q, &lwork, iwork, &info, 1);
    if (info != 0) {
        mn__free(ctx, iwork);
        return mn__error(ctx, MN_ERR_SOLVER, "readout: LAPACK dgesdd workspace query failed "
                                             "(info %d)", info);
    }
    lwork = (int)q + 1;
    double *work = mn__malloc_or_err(ctx, (size_t)lwork, sizeof *work, "SVD workspace");
    if (!work) {
        mn__free(ctx, iwork);
        return MN_ERR_NOMEM;
    }
    /* the order of a thin SVD's cost, 4 n p^2 + 8 p^3 for n >= p: below the automatic
       setting's threshold (3e10) it runs on one thread */
    double k = (double)(n < p ? n : p), big = (double)(n < p ? p : n);
    int blas = mn__blas_threads_begin(ctx, 4 * big * k * k + 8 * k * k * k);
    dgesdd_("S", &m_, &n_, A, &m_, s, U, &m_, Vt, &ldvt, work, &lwork, iwork, &info, 1);
    mn__blas_threads_end(blas);
    mn__free(ctx, work);
    mn__free(ctx, iwork);
    if (info != 0)
        return mn__error(ctx, MN_ERR_SOLVER, "readout: LAPACK dgesdd failed (info %d: %s)", info,
                         info < 0 ? "bad argument" : "no convergence");
    return MN_OK;
}
