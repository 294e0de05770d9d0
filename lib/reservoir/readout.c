/* Readout: ridge regression on standardised features, lambda chosen by k-fold
 * cross-validation over contiguous blocks, one-vs-rest classification. Every fit goes through
 * one thin SVD per training set (LAPACK dgesdd): with Z = U S V^T the ridge solution for any
 * lambda is w = V diag(s / (s^2 + n lambda)) U^T y, so the whole grid and every output cost
 * one decomposition. */
#include "reservoir-private.h"

#include <float.h>
#include <math.h>
#include <string.h>

struct mn_readout {
    mn_context *ctx;
    size_t folds;
    int standardize;
    double *grid;
    size_t ngrid;
    /* last fit */
    int trained, classifier;
    size_t p, m, rank;
    double *W, *b;        /* p x m, m */
    double *lambda;       /* m */
    double *cv_mse;       /* m */
    double *train_mse;    /* m */
    double cv_acc;
    double *curve;        /* m x ngrid (NULL with one lambda) */
};

mn_context *mn__readout_context(const mn_readout *r) { return r->ctx; }

/* ------------------------------------------------------------------ life cycle, options */

mn_status mn_readout_new(mn_readout **out, mn_context *ctx)
{
    if (!out || !ctx) return ctx ? mn__error(ctx, MN_ERR_INVALID, "mn_readout_new: out is NULL")
                                 : MN_ERR_INVALID;
    *out = NULL;
    mn_readout *r = mn__calloc_or_err(ctx, 1, sizeof *r, "readout");
    if (!r) return MN_ERR_NOMEM;
    r->ctx = ctx;
    r->folds = 5;
    r->standardize = 1;
    r->ngrid = 23;
    r->grid = mn__malloc_or_err(ctx, r->ngrid, sizeof *r->grid, "readout lambda grid");
    if (!r->grid) {
        mn__free(ctx, r);
        return MN_ERR_NOMEM;
    }
    for (size_t i = 0; i < r->ngrid; i++) r->grid[i] = pow(10.0, -10.0 + 0.5 * (double)i);
    *out = r;
    return MN_OK;
}

static void clear_fit(mn_readout *r)
{
    mn_context *ctx = r->ctx;
    mn__free(ctx, r->W);
    mn__free(ctx, r->b);
    mn__free(ctx, r->lambda);
    mn__free(ctx, r->cv_mse);
    mn__free(ctx, r->train_mse);
    mn__free(ctx, r->curve);
    r->W = r->b = r->lambda = r->cv_mse = r->train_mse = r->curve = NULL;
    r->trained = r->classifier = 0;
    r->p = r->m = r->rank = 0;
    r->cv_acc = NAN;
}

void mn_readout_free(mn_readout *r)
{
    if (!r) return;
    clear_fit(r);
    mn__free(r->ctx, r->grid);
    mn__free(r->ctx, r);
}

mn_status mn_readout_set_int(mn_readout *r, mn_readout_option opt, int64_t value)
{
    if (!r) return MN_ERR_INVALID;
    switch (opt) {
    case MN_READOUT_FOLDS:
        if (value < 2 || value > 1000000)
            return mn__error(r->ctx, MN_ERR_RANGE, "readout: folds = %lld must be >= 2",
                             (long long)value);
        r->folds = (size_t)value;
        return MN_OK;
    case MN_READOUT_STANDARDIZE:
        if (value != 0 && value != 1)
            return mn__error(r->ctx, MN_ERR_RANGE, "readout: standardize = %lld must be 0 or 1",
                             (long long)value);
        r->standardize = (int)value;
        return MN_OK;
    }
    return mn__error(r->ctx, MN_ERR_INVALID, "readout: unknown option %d", (int)opt);
}

mn_status mn_readout_set_lambdas(mn_readout *r, const double *lambda, size_t n)
{
    if (!r) return MN_ERR_INVALID;
    if (!lambda || n == 0)
        return mn__error(r->ctx, MN_ERR_INVALID, "readout: the lambda grid needs at least one value");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(lambda[i]) || lambda[i] < 0)
            return mn__error(r->ctx, MN_ERR_RANGE, "readout: lambda %zu = %g must be finite and >= 0",
                             i, lambda[i]);
    double *g = mn__malloc_or_err(r->ctx, n, sizeof *g, "readout lambda grid");
    if (!g) return MN_ERR_NOMEM;
    memcpy(g, lambda, n * sizeof *g);
    mn__free(r->ctx, r->grid);
    r->grid = g;
    r->ngrid = n;
    return MN_OK;
}

const double *mn_readout_lambdas(const mn_readout *r, size_t *n)
{
    if (n) *n = r ? r->ngrid : 0;
    return r ? r->grid : NULL;
}

size_t mn_readout_feature_count(const mn_readout *r) { return r && r->trained ? r->p : 0; }
size_t mn_readout_output_count(const mn_readout *r) { return r && r->trained ? r->m : 0; }

mn_status mn_readout_weights(const mn_readout *r, const double **W, const double **b)
{
    if (W) *W = NULL;
    if (b) *b = NULL;
    if (!r) return MN_ERR_INVALID;
    if (!r->trained) return mn__error(r->ctx, MN_ERR_STATE, "readout: not trained");
    if (W) *W = r->W;
    if (b) *b = r->b;
    return MN_OK;
}

double mn_readout_stat_get(const mn_readout *r, mn_readout_stat which, size_t output)
{
    if (!r || !r->trained || output >= r->m) return NAN;
    switch (which) {
    case MN_READOUT_STAT_LAMBDA: return r->lambda[output];
    case MN_READOUT_STAT_CV_MSE: return r->cv_mse[output];
    case MN_READOUT_STAT_CV_ACCURACY: return r->classifier ? r->cv_acc : NAN;
    case MN_READOUT_STAT_TRAIN_MSE: return r->train_mse[output];
    case MN_READOUT_STAT_RANK: return (double)r->rank;
    }
    return NAN;
}

const double *mn_readout_cv_curve(const mn_readout *r, size_t output)
{
    if (!r || !r->trained || !r->curve || output >= r->m) return NULL;
    return r->curve + output * r->ngrid;
}

/* ------------------------------------------------------------------ one training set */

/* A decomposed training set: rows [0, n) except [vlo, vhi). */
typedef struct svd_fit {
    size_t nt, p, r, m;
    double *mean, *scale; /* p: z = (x - mean) * scale */
    double *ymean;        /* m */
    double *s;            /* r */
    double *Vt;           /* r x p, column major (ld r) */
    double *UTy;          /* r x m, row major */
    double tol;           /* singular values <= tol are treated as 0 */
} svd_fit;

static void svd_fit_free(mn_context *ctx, svd_fit *f)
{
    mn__free(ctx, f->mean);
    mn__free(ctx, f->scale);
    mn__free(ctx, f->ymean);
    mn__free(ctx, f->s);
    mn__free(ctx, f->Vt);
    mn__free(ctx, f->UTy);
    memset(f, 0, sizeof *f);
}

static mn_status svd_fit_make(mn_readout *rd, svd_fit *f, const double *X, size_t n, size_t p,
                              const double *Y, size_t m, size_t vlo, size_t vhi)
{
    mn_context *ctx = rd->ctx;
    mn_status st = MN_OK;
    double *A = NULL, *U = NULL;
    memset(f, 0, sizeof *f);
    size_t nt = n - (vhi - vlo), r = nt < p ? nt : p;
    f->nt = nt;
    f->p = p;
    f->r = r;
    f->m = m;
    f->mean = mn__calloc_or_err(ctx, p, sizeof(double), "readout means");
    f->scale = mn__calloc_or_err(ctx, p, sizeof(double), "readout scales");
    f->ymean = mn__calloc_or_err(ctx, m, sizeof(double), "readout target means");
    f->s = mn__calloc_or_err(ctx, r ? r : 1, sizeof(double), "singular values");
    f->Vt = mn__calloc_or_err(ctx, (r ? r : 1) * p, sizeof(double), "SVD factor V");
    f->UTy = mn__calloc_or_err(ctx, (r ? r : 1) * m, sizeof(double), "SVD projection");
    A = mn__malloc_or_err(ctx, nt * p, sizeof(double), "standardised features");
    U = mn__malloc_or_err(ctx, nt * (r ? r : 1), sizeof(double), "SVD factor U");
    if (!f->mean || !f->scale || !f->ymean || !f->s || !f->Vt || !f->UTy || !A || !U)
        MN__FAIL(MN_ERR_NOMEM);
    /* means and scales over the training rows (two passes: mean, then centred sum of squares) */
    for (size_t i = 0; i < n; i++) {
        if (i >= vlo && i < vhi) continue;
        for (size_t j = 0; j < p; j++) f->mean[j] += X[i * p + j];
        for (size_t o = 0; o < m; o++) f->ymean[o] += Y[i * m + o];
    }
    for (size_t j = 0; j < p; j++) f->mean[j] /= (double)nt;
    for (size_t o = 0; o < m; o++) f->ymean[o] /= (double)nt;
    for (size_t i = 0; i < n; i++) {
        if (i >= vlo && i < vhi) continue;
        for (size_t j = 0; j < p; j++) {
            double d = X[i * p + j] - f->mean[j];
            f->scale[j] += d * d;
        }
    }
    for (size_t j = 0; j < p; j++) {
        double sd = sqrt(f->scale[j] / (double)nt);
        /* a constant feature (to round-off) carries nothing: dropped (weight 0) */
        int constant = !(sd > 1e-13 * fabs(f->mean[j])) || sd == 0;
        f->scale[j] = constant ? 0.0 : (rd->standardize ? 1.0 / sd : 1.0);
    }
    /* standardised training matrix, column major */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i >= vlo && i < vhi) continue;
        for (size_t j = 0; j < p; j++) A[j * nt + k] = (X[i * p + j] - f->mean[j]) * f->scale[j];
        k++;
    }
    MN__TRY(mn__reservoir_svd(ctx, A, nt, p, U, f->s, f->Vt));
    f->tol = (r ? f->s[0] : 0) * (double)(nt > p ? nt : p) * DBL_EPSILON;
    /* U^T (y - ymean) */
    k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i >= vlo && i < vhi) continue;
        for (size_t c = 0; c < r; c++) {
            double u = U[c * nt + k];
            for (size_t o = 0; o < m; o++) f->UTy[c * m + o] += u * (Y[i * m + o] - f->ymean[o]);
        }
        k++;
    }
cleanup:
    mn__free(ctx, A);
    mn__free(ctx, U);
    if (st) svd_fit_free(ctx, f);
    return st;
}

/* filter factors d_c = s_c / (s_c^2 + nt lambda) (0 for s_c <= tol) */
static void filter(const svd_fit *f, double lambda, double *d)
{
    for (size_t c = 0; c < f->r; c++) {
        double s = f->s[c];
        d[c] = s > f->tol ? s / (s * s + (double)f->nt * lambda) : 0.0;
    }
}

/* Z V for the rows [lo, hi) of X: (hi - lo) x r row major */
static void project_rows(const svd_fit *f, const double *X, size_t lo, size_t hi, double *ZV,
                         double *z)
{
    size_t p = f->p, r = f->r;
    for (size_t i = lo; i < hi; i++) {
        for (size_t j = 0; j < p; j++) z[j] = (X[i * p + j] - f->mean[j]) * f->scale[j];
        double *out = ZV + (i - lo) * r;
        for (size_t c = 0; c < r; c++) {
            const double *v = f->Vt + c; /* Vt[c + j r] */
            double acc = 0;
            for (size_t j = 0; j < p; j++) acc += v[j * r] * z[j];
            out[c] = acc;
        }
    }
}

static size_t argmax_row(const double *y, size_t m)
{
    size_t best = 0;
    for (size_t o = 1; o < m; o++)
        if (y[o] > y[best]) best = o;
    return best;
}

/* ------------------------------------------------------------------ fit */

static mn_status check_data(mn_readout *r, const double *X, size_t n, size_t p, const double *Y,
                            size_t m)
{
    mn_context *ctx = r->ctx;
    if (!X || !Y) return mn__error(ctx, MN_ERR_INVALID, "readout: NULL data");
    if (p == 0 || m == 0) return mn__error(ctx, MN_ERR_INVALID, "readout: %zu features, %zu outputs", p, m);
    size_t need = r->ngrid > 1 ? 2 * r->folds : 2;
    if (n < need)
        return mn__error(ctx, MN_ERR_RANGE, "readout: %zu training rows, need at least %zu (%s)", n,
                         need, r->ngrid > 1 ? "two per fold" : "two");
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++)
            if (!isfinite(X[i * p + j]))
                return mn__error(ctx, MN_ERR_RANGE, "readout: feature %zu of row %zu is %g", j, i,
                                 X[i * p + j]);
    for (size_t i = 0; i < n * m; i++)
        if (!isfinite(Y[i]))
            return mn__error(ctx, MN_ERR_RANGE, "readout: target %zu of row %zu is %g", i % m, i / m,
                             Y[i]);
    return MN_OK;
}

static mn_status fit_common(mn_readout *r, const double *X, size_t n, size_t p, const double *Y,
                            size_t m, int classifier)
{
    mn_context *ctx = r->ctx;
    mn_status st = MN_OK;
    size_t G = r->ngrid;
    double *sse = NULL, *correct = NULL, *ZV = NULL, *z = NULL, *d = NULL, *pred = NULL;
    svd_fit f;
    memset(&f, 0, sizeof f);
    clear_fit(r);
    r->W = mn__calloc_or_err(ctx, p * m, sizeof(double), "readout weights");
    r->b = mn__calloc_or_err(ctx, m, sizeof(double), "readout intercepts");
    r->lambda = mn__calloc_or_err(ctx, m, sizeof(double), "readout lambdas");
    r->cv_mse = mn__calloc_or_err(ctx, m, sizeof(double), "readout CV errors");
    r->train_mse = mn__calloc_or_err(ctx, m, sizeof(double), "readout training errors");
    sse = mn__calloc_or_err(ctx, m * G, sizeof(double), "CV errors");
    correct = mn__calloc_or_err(ctx, G, sizeof(double), "CV accuracy");
    z = mn__malloc_or_err(ctx, p, sizeof(double), "feature row");
    d = mn__malloc_or_err(ctx, (n < p ? n : p) + 1, sizeof(double), "filter factors");
    pred = mn__malloc_or_err(ctx, m, sizeof(double), "prediction row");
    if (!r->W || !r->b || !r->lambda || !r->cv_mse || !r->train_mse || !sse || !correct || !z ||
        !d || !pred)
        MN__FAIL(MN_ERR_NOMEM);
    if (G > 1) {
        r->curve = mn__calloc_or_err(ctx, m * G, sizeof(double), "CV curves");
        if (!r->curve) MN__FAIL(MN_ERR_NOMEM);
        for (size_t fold = 0; fold < r->folds; fold++) {
            size_t lo = fold * n / r->folds, hi = (fold + 1) * n / r->folds;
            MN__TRY(svd_fit_make(r, &f, X, n, p, Y, m, lo, hi));
            ZV = mn__malloc_or_err(ctx, (hi - lo) * (f.r ? f.r : 1), sizeof(double), "CV projection");
            if (!ZV) MN__FAIL(MN_ERR_NOMEM);
            project_rows(&f, X, lo, hi, ZV, z);
            for (size_t g = 0; g < G; g++) {
                filter(&f, r->grid[g], d);
                for (size_t i = lo; i < hi; i++) {
                    const double *zv = ZV + (i - lo) * f.r;
                    for (size_t o = 0; o < m; o++) {
                        double acc = f.ymean[o];
                        for (size_t c = 0; c < f.r; c++) acc += zv[c] * d[c] * f.UTy[c * m + o];
                        pred[o] = acc;
                        double e = Y[i * m + o] - acc;
                        sse[o * G + g] += e * e;
                    }
                    if (classifier && Y[i * m + argmax_row(pred, m)] == 1.0) correct[g] += 1;
                }
            }
            mn__free(ctx, ZV);
            ZV = NULL;
            svd_fit_free(ctx, &f);
        }
        for (size_t i = 0; i < m * G; i++) r->curve[i] = sse[i] / (double)n;
        if (classifier) {
            /* one lambda for every class: best accuracy, then smallest total squared error */
            size_t best = 0;
            double best_err = INFINITY;
            for (size_t g = 0; g < G; g++) {
                double err = 0;
                for (size_t o = 0; o < m; o++) err += r->curve[o * G + g];
                if (correct[g] > correct[best] || (correct[g] == correct[best] && err < best_err)) {
                    best = g;
                    best_err = err;
                }
            }
            for (size_t o = 0; o < m; o++) {
                r->lambda[o] = r->grid[best];
                r->cv_mse[o] = r->curve[o * G + best];
            }
            r->cv_acc = correct[best] / (double)n;
        } else {
            for (size_t o = 0; o < m; o++) {
                size_t best = 0;
                for (size_t g = 1; g < G; g++)
                    if (r->curve[o * G + g] < r->curve[o * G + best]) best = g;
                r->lambda[o] = r->grid[best];
                r->cv_mse[o] = r->curve[o * G + best];
            }
        }
    } else {
        for (size_t o = 0; o < m; o++) {
            r->lambda[o] = r->grid[0];
            r->cv_mse[o] = NAN;
        }
    }
    /* final fit on every row */
    MN__TRY(svd_fit_make(r, &f, X, n, p, Y, m, 0, 0));
    r->rank = 0;
    for (size_t c = 0; c < f.r; c++)
        if (f.s[c] > f.tol) r->rank++;
    for (size_t o = 0; o < m; o++) {
        filter(&f, r->lambda[o], d);
        for (size_t j = 0; j < p; j++) {
            double acc = 0;
            for (size_t c = 0; c < f.r; c++) acc += f.Vt[c + j * f.r] * d[c] * f.UTy[c * m + o];
            r->W[j * m + o] = acc * f.scale[j];
        }
        double b = f.ymean[o];
        for (size_t j = 0; j < p; j++) b -= f.mean[j] * r->W[j * m + o];
        r->b[o] = b;
    }
    r->p = p;
    r->m = m;
    r->classifier = classifier;
    r->trained = 1;
    for (size_t i = 0; i < n; i++) {
        mn_readout_predict(pred, r, X + i * p, 1);
        for (size_t o = 0; o < m; o++) {
            double e = Y[i * m + o] - pred[o];
            r->train_mse[o] += e * e / (double)n;
        }
    }
cleanup:
    svd_fit_free(ctx, &f);
    mn__free(ctx, ZV);
    mn__free(ctx, sse);
    mn__free(ctx, correct);
    mn__free(ctx, z);
    mn__free(ctx, d);
    mn__free(ctx, pred);
    if (st) clear_fit(r);
    return st;
}

mn_status mn_readout_fit(mn_readout *r, const double *X, size_t n, size_t p, const double *Y,
                         size_t m)
{
    if (!r) return MN_ERR_INVALID;
    mn_status st = check_data(r, X, n, p, Y, m);
    if (st) return st;
    return fit_common(r, X, n, p, Y, m, 0);
}

mn_status mn_readout_fit_classes(mn_readout *r, const double *X, size_t n, size_t p,
                                 const int32_t *labels, size_t n_classes)
{
    if (!r) return MN_ERR_INVALID;
    if (!labels) return mn__error(r->ctx, MN_ERR_INVALID, "readout: NULL labels");
    if (n_classes < 2 || n_classes > 1000000)
        return mn__error(r->ctx, MN_ERR_RANGE, "readout: %zu classes, need at least 2", n_classes);
    for (size_t i = 0; i < n; i++)
        if (labels[i] < 0 || (size_t)labels[i] >= n_classes)
            return mn__error(r->ctx, MN_ERR_RANGE, "readout: label %ld of row %zu outside [0, %zu)",
                             (long)labels[i], i, n_classes);
    if (n && n > SIZE_MAX / n_classes) return mn__error(r->ctx, MN_ERR_NOMEM, "readout: too many rows");
    double *Y = mn__calloc_or_err(r->ctx, n ? n * n_classes : 1, sizeof *Y, "one-hot targets");
    if (!Y) return MN_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) Y[i * n_classes + (size_t)labels[i]] = 1.0;
    mn_status st = check_data(r, X, n, p, Y, n_classes);
    if (!st) st = fit_common(r, X, n, p, Y, n_classes, 1);
    mn__free(r->ctx, Y);
    return st;
}

/* ------------------------------------------------------------------ prediction */

mn_status mn_readout_predict(double *Y, const mn_readout *r, const double *X, size_t n)
{
    if (!r) return MN_ERR_INVALID;
    if (!Y || (!X && n)) return mn__error(r->ctx, MN_ERR_INVALID, "readout: NULL array");
    if (!r->trained) return mn__error(r->ctx, MN_ERR_STATE, "readout: predict before a fit");
    size_t p = r->p, m = r->m;
    for (size_t i = 0; i < n; i++) {
        double *y = Y + i * m;
        for (size_t o = 0; o < m; o++) y[o] = r->b[o];
        for (size_t j = 0; j < p; j++) {
            double x = X[i * p + j];
            const double *w = r->W + j * m;
            for (size_t o = 0; o < m; o++) y[o] += x * w[o];
        }
    }
    return MN_OK;
}

mn_status mn_readout_classify(int32_t *labels, const mn_readout *r, const double *X, size_t n)
{
    if (!r) return MN_ERR_INVALID;
    if (!labels || (!X && n)) return mn__error(r->ctx, MN_ERR_INVALID, "readout: NULL array");
    if (!r->trained || !r->classifier)
        return mn__error(r->ctx, MN_ERR_STATE, "readout: classify needs mn_readout_fit_classes() first");
    double *y = mn__malloc_or_err(r->ctx, r->m, sizeof *y, "class scores");
    if (!y) return MN_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        mn_readout_predict(y, r, X + i * r->p, 1);
        labels[i] = (int32_t)argmax_row(y, r->m);
    }
    mn__free(r->ctx, y);
    return MN_OK;
}
