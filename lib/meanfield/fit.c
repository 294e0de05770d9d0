/* Least-squares fit of an effective model to a measured G(t) (cminpack Levenberg-Marquardt),
 * with uncertainties from the Jacobian at the optimum. */
#include "meanfield-private.h"

#include <cminpack.h>
#include <stdio.h>
#include <math.h>
#include <string.h>

#define MN__FIT_MAX 8

struct mn_meanfield_fit {
    mn_context *ctx;
    size_t p, n;
    char names[MN__FIT_MAX][24];
    double value[MN__FIT_MAX], sigma[MN__FIT_MAX];
    double cov[MN__FIT_MAX * MN__FIT_MAX];
    double *resid, *curve;
    double rms, chi2, g0;
    size_t nfev;
};

typedef struct {
    mn_meanfield_model *work; /* copy evaluated at trial parameters */
    const mn_meanfield_model *orig;
    const double *t, *V, *G;
    size_t n, p;
    int idx[MN__FIT_MAX]; /* model parameter index, or -1 for g0 */
    int logp[MN__FIT_MAX];
    int relative;
    double *gbuf, *Gbuf;
    double bad; /* residual used for invalid parameters */
    size_t nfev;
    double g0_used;
    double g0_fixed; /* initial state when "g0" is not fitted */
} fit_ctx;

static double to_natural(const fit_ctx *c, int j, double x) { return c->logp[j] ? exp(x) : x; }

/* evaluate the model curve at fit-space parameters x; returns 0 on success */
static int eval_curve(fit_ctx *c, const double *x)
{
    mn_meanfield_model *w = c->work;
    memcpy(w->p, c->orig->p, sizeof w->p);
    double g0 = NAN;
    for (size_t j = 0; j < c->p; j++) {
        double v = to_natural(c, (int)j, x[j]);
        if (c->idx[j] < 0) g0 = v;
        else if (mn_meanfield_model_set(w, mn_meanfield_model_param_name(w, (size_t)c->idx[j]), v))
            return -1;
    }
    double lo, hi;
    mn__mf_range(w, &lo, &hi);
    if (isnan(g0)) {
        g0 = c->g0_fixed;
        if (g0 < lo) g0 = lo;
        if (g0 > hi) g0 = hi;
    } else {
        if (!(g0 >= lo && g0 <= hi)) return -1;
    }
    c->g0_used = g0;
    c->nfev++;
    if (mn_meanfield_model_integrate_sampled(w, c->t, c->V, c->n, g0, c->gbuf, c->Gbuf)) return -1;
    return 0;
}

static void residuals(fit_ctx *c, const double *x, double *f)
{
    mn_context *ctx = c->work->ctx;
    mn_status saved = ctx->last_status;
    char msg[MN__ERRMSG_MAX];
    memcpy(msg, ctx->last_error, sizeof msg);
    int ok = eval_curve(c, x) == 0;
    /* trial points may be invalid: do not leave their messages behind */
    ctx->last_status = saved;
    memcpy(ctx->last_error, msg, sizeof msg);
    for (size_t i = 0; i < c->n; i++) {
        if (!ok) {
            f[i] = c->bad;
            continue;
        }
        double r = c->Gbuf[i] - c->G[i];
        f[i] = c->relative ? r / c->G[i] : r;
    }
}

static int lm_fcn(void *p, int m, int n, const double *x, double *fvec, int iflag)
{
    (void)m;
    (void)n;
    (void)iflag;
    residuals(p, x, fvec);
    return 0;
}

/* in-place inverse of a small SPD-ish matrix by Gauss-Jordan with pivoting; 0 on success */
static int invert(double *A, int n)
{
    int piv[MN__FIT_MAX];
    double B[MN__FIT_MAX * MN__FIT_MAX];
    for (int i = 0; i < n * n; i++) B[i] = 0;
    for (int i = 0; i < n; i++) B[i * n + i] = 1;
    double scale = 0;
    for (int i = 0; i < n; i++) scale = fmax(scale, fabs(A[i * n + i]));
    for (int k = 0; k < n; k++) {
        int pr = k;
        for (int i = k + 1; i < n; i++)
            if (fabs(A[i * n + k]) > fabs(A[pr * n + k])) pr = i;
        if (!(fabs(A[pr * n + k]) > 1e-14 * scale)) return -1;
        piv[k] = pr;
        if (pr != k)
            for (int j = 0; j < n; j++) {
                double t = A[k * n + j];
                A[k * n + j] = A[pr * n + j];
                A[pr * n + j] = t;
                t = B[k * n + j];
                B[k * n + j] = B[pr * n + j];
                B[pr * n + j] = t;
            }
        double d = A[k * n + k];
        for (int j = 0; j < n; j++) {
            A[k * n + j] /= d;
            B[k * n + j] /= d;
        }
        for (int i = 0; i < n; i++)
            if (i != k) {
                double f = A[i * n + k];
                if (f != 0)
                    for (int j = 0; j < n; j++) {
                        A[i * n + j] -= f * A[k * n + j];
                        B[i * n + j] -= f * B[k * n + j];
                    }
            }
    }
    (void)piv;
    memcpy(A, B, sizeof(double) * (size_t)(n * n));
    return 0;
}

static int positive_param(mn_meanfield_kind kind, int idx)
{
    switch (kind) {
    case MN_MEANFIELD_MIRANDA: return idx == MN__MIR_GMIN || idx == MN__MIR_KP || idx == MN__MIR_KD;
    case MN_MEANFIELD_HILLOCK: return idx == MN__HIL_GMIN;
    case MN_MEANFIELD_LINEAR: return idx == MN__LIN_ROFF;
    }
    return 0;
}

mn_status mn_meanfield_fit_run(mn_meanfield_fit **out, mn_meanfield_model *m, const double *t,
                               const double *V, const double *G, size_t n,
                               const char *const *names, size_t n_free, int relative)
{
    if (out) *out = NULL;
    if (!m) return MN_ERR_INVALID;
    mn_context *ctx = m->ctx;
    if (!out || !t || !V || !G || !names)
        return mn__error(ctx, MN_ERR_INVALID, "fit: NULL argument");
    if (n_free < 1 || n_free > MN__FIT_MAX)
        return mn__error(ctx, MN_ERR_INVALID, "fit: %zu free parameters (must be 1..%d)", n_free,
                         MN__FIT_MAX);
    if (n <= n_free)
        return mn__error(ctx, MN_ERR_INVALID, "fit: %zu samples for %zu parameters (need more "
                         "samples than parameters)", n, n_free);
    if (n > (size_t)INT32_MAX) return mn__error(ctx, MN_ERR_RANGE, "fit: too many samples (%zu)", n);
    double Gmax = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(t[i]) || (i && !(t[i] > t[i - 1])))
            return mn__error(ctx, MN_ERR_RANGE, "fit: sample %zu: time %g must be finite and "
                             "increasing", i, t[i]);
        if (!isfinite(V[i]))
            return mn__error(ctx, MN_ERR_RANGE, "fit: sample %zu: voltage %g is not finite", i, V[i]);
        if (!(isfinite(G[i]) && G[i] > 0))
            return mn__error(ctx, MN_ERR_RANGE, "fit: sample %zu: conductance %g must be finite and "
                             "> 0", i, G[i]);
        if (G[i] > Gmax) Gmax = G[i];
    }
    mn_status st = MN_OK;
    mn_meanfield_fit *f = NULL;
    fit_ctx c;
    memset(&c, 0, sizeof c);
    double *x = NULL, *fvec = NULL, *fjac = NULL, *wa = NULL, *fp = NULL, *fm = NULL, *J = NULL;
    int *ipvt = NULL;
    c.orig = m;
    c.t = t;
    c.V = V;
    c.G = G;
    c.n = n;
    c.p = n_free;
    c.relative = relative != 0;
    c.bad = c.relative ? 1e3 : 1e3 * Gmax;
    for (size_t j = 0; j < n_free; j++) {
        if (!names[j]) MN__FAIL(mn__error(ctx, MN_ERR_INVALID, "fit: parameter name %zu is NULL", j));
        for (size_t k = 0; k < j; k++)
            if (!strcmp(names[k], names[j]))
                MN__FAIL(mn__error(ctx, MN_ERR_INVALID, "fit: parameter \"%s\" listed twice",
                                   names[j]));
        if (!strcmp(names[j], "g0")) {
            c.idx[j] = -1;
            continue;
        }
        int found = -1;
        for (size_t k = 0; k < mn_meanfield_model_param_count(m); k++)
            if (!strcmp(mn_meanfield_model_param_name(m, k), names[j])) found = (int)k;
        if (found < 0)
            MN__FAIL(mn__error(ctx, MN_ERR_NOT_FOUND, "fit: %s model has no parameter \"%s\"",
                               mn_meanfield_model_name(m), names[j]));
        if ((m->kind == MN_MEANFIELD_MIRANDA && (found == MN__MIR_UNI || found == MN__MIR_DRIVE)) ||
            (m->kind == MN_MEANFIELD_HILLOCK && found == MN__HIL_DRIVE))
            MN__FAIL(mn__error(ctx, MN_ERR_INVALID, "fit: \"%s\" is a switch, not a fit "
                               "parameter", names[j]));
        c.idx[j] = found;
        c.logp[j] = positive_param(m->kind, found) || (m->p[found] > 0 &&
                                                        strcmp(names[j], "eta_p") &&
                                                        strcmp(names[j], "eta_d"));
    }
    MN__TRY(mn_meanfield_model_copy(&c.work, m));
    if (c.work->rtol > 1e-10) c.work->rtol = 1e-10;
    if (c.work->atol > 1e-14) c.work->atol = 1e-14;
    int M = (int)n, P = (int)n_free;
    c.gbuf = mn__malloc_or_err(ctx, n, sizeof(double), "fit buffers");
    c.Gbuf = mn__malloc_or_err(ctx, n, sizeof(double), "fit buffers");
    x = mn__malloc_or_err(ctx, n_free, sizeof(double), "fit buffers");
    fvec = mn__malloc_or_err(ctx, n, sizeof(double), "fit buffers");
    fjac = mn__malloc_or_err(ctx, n * n_free, sizeof(double), "fit buffers");
    wa = mn__malloc_or_err(ctx, 6 * n_free + n, sizeof(double), "fit buffers");
    ipvt = mn__malloc_or_err(ctx, n_free, sizeof(int), "fit buffers");
    fp = mn__malloc_or_err(ctx, n, sizeof(double), "fit buffers");
    fm = mn__malloc_or_err(ctx, n, sizeof(double), "fit buffers");
    J = mn__malloc_or_err(ctx, n * n_free, sizeof(double), "fit buffers");
    f = mn__calloc_or_err(ctx, 1, sizeof *f, "fit result");
    if (!c.gbuf || !c.Gbuf || !x || !fvec || !fjac || !wa || !ipvt || !fp || !fm || !J || !f)
        MN__FAIL(MN_ERR_NOMEM);
    f->ctx = ctx;
    f->resid = mn__malloc_or_err(ctx, n, sizeof(double), "fit residuals");
    f->curve = mn__malloc_or_err(ctx, n, sizeof(double), "fit curve");
    if (!f->resid || !f->curve) MN__FAIL(MN_ERR_NOMEM);
    /* initial state when it is not fitted: the state whose conductance is G[0] for the initial
     * guess, then held (recomputing it from each trial's parameters would tie G_min to g0) */
    if (mn_meanfield_model_state_of(m, G[0], &c.g0_fixed)) MN__FAIL(MN_ERR_RANGE);
    /* starting point */
    for (size_t j = 0; j < n_free; j++) {
        double v0;
        if (c.idx[j] < 0) {
            if (mn_meanfield_model_state_of(m, G[0], &v0)) MN__FAIL(MN_ERR_RANGE);
        } else
            v0 = m->p[c.idx[j]];
        x[j] = c.logp[j] ? log(v0) : v0;
    }
    residuals(&c, x, fvec);
    if (fvec[0] == c.bad)
        MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "fit: the model cannot be integrated at the initial "
                           "guess (check the parameters and the data)"));
    int nfev = 0;
    double *diag = wa, *qtf = wa + n_free, *w1 = wa + 2 * n_free, *w2 = wa + 3 * n_free,
           *w3 = wa + 4 * n_free, *w4 = wa + 5 * n_free;
    int info = lmdif(lm_fcn, &c, M, P, x, fvec, 1e-12, 1e-12, 0.0, 400 * (P + 1), 1e-10, diag, 1,
                     100.0, 0, &nfev, fjac, M, ipvt, qtf, w1, w2, w3, w4);
    if (info == 0) MN__FAIL(mn__error(ctx, MN_ERR_INTERNAL, "fit: lmdif rejected its input"));
    residuals(&c, x, fvec);
    if (fvec[0] == c.bad && c.bad != 0)
        MN__FAIL(mn__error(ctx, MN_ERR_CONVERGENCE, "fit: ended at invalid parameters"));
    if (info == 5)
        MN__FAIL(mn__error(ctx, MN_ERR_CONVERGENCE, "fit: no convergence after %d model "
                           "evaluations", nfev));
    double ssr = 0;
    for (size_t i = 0; i < n; i++) ssr += fvec[i] * fvec[i];
    /* Jacobian by central differences at the optimum */
    for (int j = 0; j < P; j++) {
        double h = c.logp[j] ? 1e-5 : 1e-5 * fmax(fabs(x[j]), 1e-3);
        double xj = x[j];
        x[j] = xj + h;
        residuals(&c, x, fp);
        x[j] = xj - h;
        residuals(&c, x, fm);
        x[j] = xj;
        for (int i = 0; i < M; i++) J[(size_t)i * P + j] = (fp[i] - fm[i]) / (2 * h);
    }
    residuals(&c, x, fvec); /* leaves the optimum's curve in c.Gbuf */
    double JTJ[MN__FIT_MAX * MN__FIT_MAX];
    for (int a = 0; a < P; a++)
        for (int b = 0; b < P; b++) {
            double s = 0;
            for (int i = 0; i < M; i++) s += J[(size_t)i * P + a] * J[(size_t)i * P + b];
            JTJ[a * P + b] = s;
        }
    double s2 = ssr / (double)(n - n_free);
    int sing = invert(JTJ, P);
    f->p = n_free;
    f->n = n;
    for (int a = 0; a < P; a++) {
        snprintf(f->names[a], sizeof f->names[a], "%s", names[a]);
        f->value[a] = to_natural(&c, a, x[a]);
    }
    for (int a = 0; a < P; a++)
        for (int b = 0; b < P; b++) {
            double da = c.logp[a] ? f->value[a] : 1, db = c.logp[b] ? f->value[b] : 1;
            f->cov[a * P + b] = sing ? INFINITY : s2 * JTJ[a * P + b] * da * db;
        }
    for (int a = 0; a < P; a++) f->sigma[a] = sqrt(f->cov[a * P + a]);
    if (sing) mn__log(ctx, MN_LOG_WARNING, "fit: J^T J is singular: parameters not identifiable");
    for (size_t i = 0; i < n; i++) {
        f->curve[i] = c.Gbuf[i];
        f->resid[i] = c.Gbuf[i] - G[i];
    }
    f->chi2 = ssr;
    f->rms = sqrt(ssr / (double)n);
    f->g0 = c.g0_used;
    f->nfev = c.nfev;
    /* store the fitted values in the model */
    for (int a = 0; a < P; a++)
        if (c.idx[a] >= 0) m->p[c.idx[a]] = f->value[a];
    *out = f;
    f = NULL;
cleanup:
    mn_meanfield_fit_free(f);
    mn_meanfield_model_free(c.work);
    mn__free(ctx, c.gbuf);
    mn__free(ctx, c.Gbuf);
    mn__free(ctx, x);
    mn__free(ctx, fvec);
    mn__free(ctx, fjac);
    mn__free(ctx, wa);
    mn__free(ctx, ipvt);
    mn__free(ctx, fp);
    mn__free(ctx, fm);
    mn__free(ctx, J);
    return st;
}

void mn_meanfield_fit_free(mn_meanfield_fit *f)
{
    if (!f) return;
    mn__free(f->ctx, f->resid);
    mn__free(f->ctx, f->curve);
    mn__free(f->ctx, f);
}

size_t mn_meanfield_fit_param_count(const mn_meanfield_fit *f) { return f ? f->p : 0; }

mn_status mn_meanfield_fit_param(const mn_meanfield_fit *f, size_t i, const char **name,
                                 double *value, double *sigma)
{
    if (!f) return MN_ERR_INVALID;
    if (i >= f->p) return mn__error(f->ctx, MN_ERR_RANGE, "fit parameter %zu out of range (%zu)", i,
                                    f->p);
    if (name) *name = f->names[i];
    if (value) *value = f->value[i];
    if (sigma) *sigma = f->sigma[i];
    return MN_OK;
}

const double *mn_meanfield_fit_covariance(const mn_meanfield_fit *f) { return f ? f->cov : NULL; }
const double *mn_meanfield_fit_residuals(const mn_meanfield_fit *f) { return f ? f->resid : NULL; }
const double *mn_meanfield_fit_curve(const mn_meanfield_fit *f) { return f ? f->curve : NULL; }

void mn_meanfield_fit_stats(const mn_meanfield_fit *f, double *rms, double *chi2, size_t *dof,
                            size_t *nfev, double *g0)
{
    if (!f) return;
    if (rms) *rms = f->rms;
    if (chi2) *chi2 = f->chi2;
    if (dof) *dof = f->n - f->p;
    if (nfev) *nfev = f->nfev;
    if (g0) *g0 = f->g0;
}
