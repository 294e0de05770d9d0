/* Scores of a readout: NMSE, accuracy, short-term memory capacity. */
#include "reservoir-private.h"

#include <math.h>
#include <string.h>

mn_status mn_readout_nmse(double *nmse, const double *y, const double *yhat, size_t n)
{
    if (!nmse || !y || !yhat || n < 2) return MN_ERR_INVALID;
    double mean = 0, var = 0, err = 0;
    for (size_t i = 0; i < n; i++) mean += y[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = y[i] - mean, e = y[i] - yhat[i];
        var += d * d;
        err += e * e;
    }
    if (!(var > 0) || !isfinite(err)) {
        *nmse = NAN;
        return MN_ERR_RANGE;
    }
    *nmse = err / var;
    return MN_OK;
}

mn_status mn_readout_accuracy(double *accuracy, const int32_t *truth, const int32_t *pred, size_t n)
{
    if (!accuracy || !truth || !pred || n == 0) return MN_ERR_INVALID;
    size_t ok = 0;
    for (size_t i = 0; i < n; i++) ok += truth[i] == pred[i];
    *accuracy = (double)ok / (double)n;
    return MN_OK;
}

/* squared Pearson correlation of a and b (0 if either is constant) */
static double r2(const double *a, const double *b, size_t n)
{
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) {
        ma += a[i];
        mb += b[i];
    }
    ma /= (double)n;
    mb /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double da = a[i] - ma, db = b[i] - mb;
        sab += da * db;
        saa += da * da;
        sbb += db * db;
    }
    if (!(saa > 0) || !(sbb > 0)) return 0;
    return sab * sab / (saa * sbb);
}

mn_status mn_readout_memory_capacity(double *mc, double *total, mn_readout *r, const double *X,
                                     size_t n, size_t p, const double *u, size_t kmax,
                                     size_t washout, size_t n_train)
{
    if (!r) return MN_ERR_INVALID;
    mn_context *ctx = mn__readout_context(r);
    if (!mc || !X || !u || p == 0)
        return mn__error(ctx, MN_ERR_INVALID, "memory capacity: NULL data or no features");
    if (washout < kmax)
        return mn__error(ctx, MN_ERR_RANGE, "memory capacity: washout %zu must be >= the largest "
                                            "delay %zu", washout, kmax);
    if (washout > n || n_train > n - washout || n - washout - n_train < 2)
        return mn__error(ctx, MN_ERR_RANGE, "memory capacity: %zu rows leave fewer than 2 test rows "
                                            "after washout %zu and %zu training rows", n, washout,
                         n_train);
    size_t m = kmax + 1, ntest = n - washout - n_train;
    mn_status st = MN_OK;
    double *Y = mn__malloc_or_err(ctx, n_train * m, sizeof *Y, "memory-capacity targets");
    double *P = mn__malloc_or_err(ctx, ntest * m, sizeof *P, "memory-capacity predictions");
    double *a = mn__malloc_or_err(ctx, ntest, sizeof *a, "memory-capacity column");
    double *b = mn__malloc_or_err(ctx, ntest, sizeof *b, "memory-capacity column");
    if (!Y || !P || !a || !b) MN__FAIL(MN_ERR_NOMEM);
    /* all delays in one fit: one decomposition per fold, a lambda per delay */
    for (size_t i = 0; i < n_train; i++)
        for (size_t k = 0; k < m; k++) Y[i * m + k] = u[washout + i - k];
    MN__TRY(mn_readout_fit(r, X + washout * p, n_train, p, Y, m));
    MN__TRY(mn_readout_predict(P, r, X + (washout + n_train) * p, ntest));
    double sum = 0;
    for (size_t k = 0; k < m; k++) {
        for (size_t i = 0; i < ntest; i++) {
            a[i] = u[washout + n_train + i - k];
            b[i] = P[i * m + k];
        }
        mc[k] = r2(a, b, ntest);
        if (k >= 1) sum += mc[k];
    }
    if (total) *total = sum;
cleanup:
    mn__free(ctx, Y);
    mn__free(ctx, P);
    mn__free(ctx, a);
    mn__free(ctx, b);
    return st;
}
