/* Least-squares fit of an effective model to a measured G(t) (cminpack Levenberg-Marquardt),
 * with uncertainties from the Jacobian at the optimum. */
#include "meanfield-private.h"

#include <cminpack.h>
#include <stdio.h>
#include <math.h>
#include <string.h>
#include <time.h>

#define MN__FIT_MAX 8

struct mn_meanfield_fit {
    mn_context *ctx;
    size_t p, n;
    char names[MN__FIT_MAX][24];
    double value[MN__FIT_MAX], sigma[MN__FIT_MAX];
    int fixed[MN__FIT_MAX];
    double cov[MN__FIT_MAX * MN__FIT_MAX];
    double *resid, *curve;
    double rms, chi2, g0;
    size_t nfev;
    int status;
    char message[512];
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
    /* active (fitted) subset of the p parameters; the others are held at xfull[] */
    int act[MN__FIT_MAX];
    size_t na;
    double xfull[MN__FIT_MAX];
    /* best point seen (full vector) and budgets */
    double best_ssr, best_x[MN__FIT_MAX];
    size_t max_fev;
    double deadline;
    int limits_on, stop; /* stop: 1 evaluation budget, 2 time */
} fit_ctx;

static double now_seconds(void)
{
    struct timespec ts;
    if (timespec_get(&ts, TIME_UTC) != TIME_UTC) return 0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double to_natural(const fit_ctx *c, int j, double x) { return c->logp[j] ? exp(x) : x; }

/* evaluate the model curve at fit-space parameters x (full vector); returns 0 on success */
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

/* residuals at the full fit-space vector x; returns the sum of squares (inf if invalid) and
 * remembers the best point seen */
static double residuals(fit_ctx *c, const double *x, double *f)
{
    mn_context *ctx = c->work->ctx;
    mn_status saved = ctx->last_status;
    char msg[MN__ERRMSG_MAX];
    memcpy(msg, ctx->last_error, sizeof msg);
    int ok = eval_curve(c, x) == 0;
    /* trial points may be invalid: do not leave their messages behind */
    ctx->last_status = saved;
    memcpy(ctx->last_error, msg, sizeof msg);
    double ssr = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (!ok) {
            f[i] = c->bad;
            continue;
        }
        double r = c->Gbuf[i] - c->G[i];
        f[i] = c->relative ? r / c->G[i] : r;
        ssr += f[i] * f[i];
    }
    if (!ok || !isfinite(ssr)) return INFINITY;
    if (ssr < c->best_ssr) {
        c->best_ssr = ssr;
        memcpy(c->best_x, x, sizeof c->best_x);
    }
    return ssr;
}

static void expand(const fit_ctx *c, const double *xa, double *xf)
{
    memcpy(xf, c->xfull, sizeof c->xfull);
    for (size_t k = 0; k < c->na; k++) xf[c->act[k]] = xa[k];
}

static int lm_fcn(void *p, int m, int n, const double *x, double *fvec, int iflag)
{
    (void)m;
    (void)n;
    (void)iflag;
    fit_ctx *c = p;
    if (c->limits_on) {
        if (c->nfev >= c->max_fev) {
            c->stop = 1;
            return -1;
        }
        if (now_seconds() > c->deadline) {
            c->stop = 2;
            return -1;
        }
    }
    double xf[MN__FIT_MAX];
    expand(c, x, xf);
    residuals(c, xf, fvec);
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

/* ------------------------------------------------------------ starting values from data */

typedef struct {
    double v, Ginf, lambda, Gfirst, Glast;
    size_t len;
} segment;

/* G_inf and the rate of an exponential approach on G[a..b]: G_inf by the three-point (Aitken)
 * estimate through the first, middle and last samples (the last sample if that fails), the
 * rate from the local log-slope where (G - G_inf)/(G[a] - G_inf) crosses 1/e; 0 if the
 * segment is not an approach */
static int exp_fit3(const double *t, const double *G, size_t a, size_t b, double *Ginf,
                    double *lambda)
{
    double tm = 0.5 * (t[a] + t[b]);
    size_t m = a;
    for (size_t i = a; i <= b; i++)
        if (fabs(t[i] - tm) < fabs(t[m] - tm)) m = i;
    if (m == a || m == b) return 0;
    double d1 = G[m] - G[a], d2 = G[b] - G[m];
    double h1 = t[m] - t[a], h2 = t[b] - t[m];
    if (d1 == 0) return 0;
    double r = d2 / d1;
    *Ginf = (r >= 0 && r < 0.95 && fabs(h1 - h2) <= 0.2 * (h1 + h2)) ? G[a] + d1 / (1 - r) : G[b];
    if (!(isfinite(*Ginf) && *Ginf > 0)) return 0;
    double D0 = G[a] - *Ginf;
    if (D0 == 0) return 0;
    *lambda = NAN;
    for (size_t i = a + 1; i <= b; i++) {
        double fr = (G[i] - *Ginf) / D0, frp = (G[i - 1] - *Ginf) / D0;
        if (fr <= exp(-1.0)) {
            double dt = t[i] - t[i - 1];
            *lambda = log(frp / fmax(fr, 1e-3)) / dt;
            break;
        }
    }
    if (!isfinite(*lambda)) {
        double fr = (G[b] - *Ginf) / D0;
        *lambda = (fr > 0 && fr < 1) ? -log(fr) / (t[b] - t[a]) : 1 / (t[b] - t[a]);
    }
    return isfinite(*lambda) && *lambda > 0;
}

/* the two constant-voltage segments that carry the most information: the one at the largest
 * |V| (the pulse) and the longest one at another voltage (the read) */
static int find_segments(const double *t, const double *V, const double *G, size_t n,
                         segment *pulse, segment *read)
{
    int havep = 0, haver = 0;
    segment runs[64];
    size_t nr = 0;
    for (size_t i = 0; i + 1 < n && nr < 64;) {
        size_t j = i;
        while (j + 1 < n && V[j + 1] == V[i]) j++;
        /* samples i..j hold V[i]; G[j+1] ends the last interval */
        size_t b = j + 1 < n ? j + 1 : j;
        if (b >= i + 2) {
            segment s = { V[i], 0, 0, G[i], G[b], b - i + 1 };
            if (exp_fit3(t, G, i, b, &s.Ginf, &s.lambda)) runs[nr++] = s;
        }
        i = j + 1;
    }
    for (size_t k = 0; k < nr; k++)
        if (!havep || fabs(runs[k].v) > fabs(pulse->v) ||
            (fabs(runs[k].v) == fabs(pulse->v) && runs[k].len > pulse->len)) {
            *pulse = runs[k];
            havep = 1;
        }
    if (!havep) return 0;
    for (size_t k = 0; k < nr; k++)
        if (fabs(runs[k].v) != fabs(pulse->v) && (!haver || runs[k].len > read->len)) {
            *read = runs[k];
            haver = 1;
        }
    return haver ? 2 : 1;
}

static int is_free(const fit_ctx *c, int idx)
{
    for (size_t j = 0; j < c->p; j++)
        if (c->idx[j] == idx) return 1;
    return 0;
}

/* starting values estimated from the data, written into s (a copy of the model); 0 on success.
 * miranda: g0 = 0 and G_min = G[0]; the pulse plateau x_r = G_inf/G_min - 1 is put at
 * g = gplat (chi = x_r/gplat); the rise and decay rates lambda = k_p e^{eta_p u} + k_d e^{-eta_d u}
 * and plateaus g* = k_p e^{eta_p u}/lambda of the two segments give eta_p, eta_d, k_p, k_d
 * (000 eqs. (8)-(10) linearised about each plateau). */
static int auto_start(const fit_ctx *c, mn_meanfield_model *s, double gplat)
{
    const double *G = c->G;
    double *p = s->p;
    switch (s->kind) {
    case MN_MEANFIELD_MIRANDA: {
        segment pu = { 0 }, rd = { 0 };
        int ns = find_segments(c->t, c->V, G, c->n, &pu, &rd);
        if (is_free(c, MN__MIR_GMIN)) p[MN__MIR_GMIN] = G[0];
        if (ns == 0) return 0;
        double Gm = p[MN__MIR_GMIN];
        double xr = pu.Ginf / Gm - 1;
        if (!(xr > 0)) return 0;
        if (is_free(c, MN__MIR_CHI)) p[MN__MIR_CHI] = xr / gplat;
        double chi = p[MN__MIR_CHI];
        if (!(chi > 0)) return 0;
        double gr = fmin(xr / chi, 0.9999);
        double uni = p[MN__MIR_UNI] != 0, d0 = p[MN__MIR_DRIVE] == 0;
        double ur = (uni ? fabs(pu.v) : pu.v) / (d0 ? 1 + xr : 1);
        double ep = p[MN__MIR_ETAP], ed = p[MN__MIR_ETAD];
        if (ns == 2) {
            double xd = fmax(rd.Ginf / Gm - 1, 1e-3 * xr);
            double gd = fmin(xd / chi, 0.9);
            double xmid = 0.5 * (rd.Gfirst + rd.Glast) / Gm - 1;
            double ud = (uni ? fabs(rd.v) : rd.v) / (d0 ? 1 + fmax(xmid, 0) : 1);
            double du = ur - ud;
            if (fabs(du) > 1e-9) {
                double e1 = log(gr * pu.lambda / (gd * rd.lambda)) / du;
                double e2 = log((1 - gd) * rd.lambda / ((1 - gr) * pu.lambda)) / du;
                if (is_free(c, MN__MIR_ETAP) && isfinite(e1)) ep = e1;
                if (is_free(c, MN__MIR_ETAD) && isfinite(e2)) ed = e2;
            }
        }
        p[MN__MIR_ETAP] = ep;
        p[MN__MIR_ETAD] = ed;
        if (is_free(c, MN__MIR_KP)) p[MN__MIR_KP] = gr * pu.lambda * exp(-ep * ur);
        if (is_free(c, MN__MIR_KD)) p[MN__MIR_KD] = (1 - gr) * pu.lambda * exp(ed * ur);
        break;
    }
    case MN_MEANFIELD_HILLOCK:
        if (is_free(c, MN__HIL_GMIN))
            p[MN__HIL_GMIN] = G[0] / (1 + p[MN__HIL_CHI] * expm1(-p[MN__HIL_A]));
        break;
    case MN_MEANFIELD_LINEAR:
        if (is_free(c, MN__LIN_ROFF)) p[MN__LIN_ROFF] = 1 / G[0];
        break;
    }
    for (size_t k = 0; k < MN__MF_MAXPAR; k++)
        if (!isfinite(p[k])) return 0;
    if (s->kind == MN_MEANFIELD_MIRANDA && !(p[MN__MIR_KP] > 0 && p[MN__MIR_KD] > 0)) return 0;
    return 1;
}

/* set up c for starting model s: g0 (if held) and the fit-space start vector x */
static int prepare_start(fit_ctx *c, const mn_meanfield_model *s, double *x)
{
    if (mn_meanfield_model_state_of(s, c->G[0], &c->g0_fixed)) return 0;
    for (size_t j = 0; j < c->p; j++) {
        double v0 = c->idx[j] < 0 ? c->g0_fixed : s->p[c->idx[j]];
        if (c->logp[j] && !(v0 > 0)) return 0;
        x[j] = c->logp[j] ? log(v0) : v0;
    }
    return 1;
}

/* Jacobian of the residuals by central differences in the active parameters at the full
 * vector x (J is n x na, row major); the last evaluation is at x itself */
static void jacobian(fit_ctx *c, double *x, double *J, double *fp, double *fm, double *f0)
{
    size_t na = c->na;
    for (size_t k = 0; k < na; k++) {
        int j = c->act[k];
        double h = c->logp[j] ? 1e-5 : 1e-5 * fmax(fabs(x[j]), 1e-3);
        double xj = x[j];
        x[j] = xj + h;
        residuals(c, x, fp);
        x[j] = xj - h;
        residuals(c, x, fm);
        x[j] = xj;
        for (size_t i = 0; i < c->n; i++) J[i * na + k] = (fp[i] - fm[i]) / (2 * h);
    }
    residuals(c, x, f0);
}

/* covariance (fit space, active parameters) s2 (J^T J)^{-1}, computed on the column-scaled
 * matrix with a tiny ridge so that a singular J^T J gives huge (not undefined) variances;
 * returns 0, or -1 if a column is zero (the index in *zero) */
static int covariance(const fit_ctx *c, const double *J, double s2, double *cov, int *zero,
                      int *singular)
{
    size_t na = c->na, n = c->n;
    double A[MN__FIT_MAX * MN__FIT_MAX], D[MN__FIT_MAX];
    for (size_t a = 0; a < na; a++)
        for (size_t b = 0; b < na; b++) {
            double s = 0;
            for (size_t i = 0; i < n; i++) s += J[i * na + a] * J[i * na + b];
            A[a * na + b] = s;
        }
    for (size_t a = 0; a < na; a++) {
        D[a] = sqrt(A[a * na + a]);
        if (!(D[a] > 0) || !isfinite(D[a])) {
            *zero = (int)a;
            return -1;
        }
    }
    for (size_t a = 0; a < na; a++)
        for (size_t b = 0; b < na; b++) A[a * na + b] /= D[a] * D[b];
    double B[MN__FIT_MAX * MN__FIT_MAX];
    memcpy(B, A, sizeof B);
    *singular = invert(B, (int)na) != 0;
    if (*singular) {
        memcpy(B, A, sizeof B);
        for (size_t a = 0; a < na; a++) B[a * na + a] += 1e-13;
        if (invert(B, (int)na)) {
            *zero = 0;
            return -1;
        }
    }
    for (size_t a = 0; a < na; a++)
        for (size_t b = 0; b < na; b++) cov[a * na + b] = s2 * B[a * na + b] / (D[a] * D[b]);
    return 0;
}

static mn_status fit_one(mn_meanfield_fit **out, mn_meanfield_model *m, const double *t,
                         const double *V, const double *G, size_t n, const char *const *names,
                         size_t n_free, int relative);

/* Unless the user chose the drive (mn_meanfield_model_set(m, "drive", ...)), fit with both
 * conventions (current-limited source of 000/001, voltage source) and keep the better fit:
 * a simulated or measured G(t) says which one describes it. */
mn_status mn_meanfield_fit_run(mn_meanfield_fit **out, mn_meanfield_model *m, const double *t,
                               const double *V, const double *G, size_t n,
                               const char *const *names, size_t n_free, int relative)
{
    if (out) *out = NULL;
    if (!m) return MN_ERR_INVALID;
    int di = m->kind == MN_MEANFIELD_MIRANDA ? MN__MIR_DRIVE
             : m->kind == MN_MEANFIELD_HILLOCK ? MN__HIL_DRIVE : -1;
    if (di < 0 || m->drive_explicit || m->fit_auto_start == 0)
        return fit_one(out, m, t, V, G, n, names, n_free, relative);
    mn_meanfield_model *m2 = NULL;
    mn_meanfield_fit *f1 = NULL, *f2 = NULL;
    mn_status st = mn_meanfield_model_copy(&m2, m);
    if (st) return st;
    m2->p[di] = m->p[di] != 0 ? 0 : 1;
    double secs = m->fit_max_seconds, evals = m->fit_max_evaluations;
    m->fit_max_seconds = m2->fit_max_seconds = 0.5 * secs;
    m->fit_max_evaluations = m2->fit_max_evaluations = fmax(10, floor(0.5 * evals));
    mn_status st1 = fit_one(&f1, m, t, V, G, n, names, n_free, relative);
    if (st1 == MN_OK) {
        /* the other drive may fail where this one worked: keep the first then */
        mn_status saved = m->ctx->last_status;
        char msg[MN__ERRMSG_MAX];
        memcpy(msg, m->ctx->last_error, sizeof msg);
        if (fit_one(&f2, m2, t, V, G, n, names, n_free, relative) != MN_OK) {
            m->ctx->last_status = saved;
            memcpy(m->ctx->last_error, msg, sizeof msg);
        }
    } else if (st1 != MN_ERR_NOMEM)
        st = fit_one(&f2, m2, t, V, G, n, names, n_free, relative);
    else
        st = st1;
    m->fit_max_seconds = m2->fit_max_seconds = secs;
    m->fit_max_evaluations = m2->fit_max_evaluations = evals;
    if (f2 && (!f1 || f2->chi2 < f1->chi2)) {
        memcpy(m->p, m2->p, sizeof m->p);
        f2->nfev += f1 ? f1->nfev : 0;
        size_t used = strlen(f2->message);
        snprintf(f2->message + used, sizeof f2->message - used, "; drive = %g fitted better "
                 "than drive = %g", m2->p[di], m2->p[di] != 0 ? 0.0 : 1.0);
        *out = f2;
        f2 = NULL;
        st = MN_OK;
    } else if (f1) {
        f1->nfev += f2 ? f2->nfev : 0;
        *out = f1;
        f1 = NULL;
        st = MN_OK;
    }
    mn_meanfield_fit_free(f1);
    mn_meanfield_fit_free(f2);
    mn_meanfield_model_free(m2);
    return st;
}

static mn_status fit_one(mn_meanfield_fit **out, mn_meanfield_model *m, const double *t,
                         const double *V, const double *G, size_t n, const char *const *names,
                         size_t n_free, int relative)
{
    if (out) *out = NULL;
    if (!m) return MN_ERR_INVALID;
    mn_context *ctx = m->ctx;
    static const char *const def_mir[] = { "G_min", "chi", "k_p", "k_d", "eta_p", "eta_d" };
    static const char *const def_hil[] = { "G_min", "chi", "mu", "kappa" };
    static const char *const def_lin[] = { "R_off", "chi", "alpha", "k" };
    if (!names && n_free == 0) {
        names = m->kind == MN_MEANFIELD_MIRANDA ? def_mir : m->kind == MN_MEANFIELD_HILLOCK ? def_hil
                                                                                            : def_lin;
        n_free = m->kind == MN_MEANFIELD_MIRANDA ? 6 : 4;
    }
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
    double t_start = now_seconds();
    mn_status st = MN_OK;
    mn_meanfield_fit *f = NULL;
    mn_meanfield_model *base = NULL, *alt = NULL;
    fit_ctx c;
    memset(&c, 0, sizeof c);
    double *fvec = NULL, *fjac = NULL, *wa = NULL, *fp = NULL, *fm = NULL, *J = NULL;
    int *ipvt = NULL;
    c.t = t;
    c.V = V;
    c.G = G;
    c.n = n;
    c.p = n_free;
    c.relative = relative != 0;
    c.bad = c.relative ? 1e3 : 1e3 * Gmax;
    c.best_ssr = INFINITY;
    c.max_fev = (size_t)m->fit_max_evaluations;
    c.deadline = t_start + m->fit_max_seconds;
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
    MN__TRY(mn_meanfield_model_copy(&base, m));
    MN__TRY(mn_meanfield_model_copy(&alt, m));
    if (c.work->rtol > 1e-10) c.work->rtol = 1e-10;
    if (c.work->atol > 1e-14) c.work->atol = 1e-14;
    int M = (int)n;
    c.gbuf = mn__malloc_or_err(ctx, n, sizeof(double), "fit buffers");
    c.Gbuf = mn__malloc_or_err(ctx, n, sizeof(double), "fit buffers");
    fvec = mn__malloc_or_err(ctx, n, sizeof(double), "fit buffers");
    fjac = mn__malloc_or_err(ctx, n * n_free, sizeof(double), "fit buffers");
    wa = mn__malloc_or_err(ctx, 6 * n_free + n, sizeof(double), "fit buffers");
    ipvt = mn__malloc_or_err(ctx, n_free, sizeof(int), "fit buffers");
    fp = mn__malloc_or_err(ctx, n, sizeof(double), "fit buffers");
    fm = mn__malloc_or_err(ctx, n, sizeof(double), "fit buffers");
    J = mn__malloc_or_err(ctx, n * n_free, sizeof(double), "fit buffers");
    f = mn__calloc_or_err(ctx, 1, sizeof *f, "fit result");
    if (f) f->ctx = ctx; /* before any failure: mn_meanfield_fit_free(f) frees through it */
    if (!c.gbuf || !c.Gbuf || !fvec || !fjac || !wa || !ipvt || !fp || !fm || !J || !f)
        MN__FAIL(MN_ERR_NOMEM);
    f->resid = mn__malloc_or_err(ctx, n, sizeof(double), "fit residuals");
    f->curve = mn__malloc_or_err(ctx, n, sizeof(double), "fit curve");
    if (!f->resid || !f->curve) MN__FAIL(MN_ERR_NOMEM);

    /* starting points: the model's values and, unless disabled, estimates from the data (the
     * pulse plateau put at g = 1/2 ... 0.999 of the range); the fit is run from the best
     * three by initial sum of squares and the best result kept. The initial state (when "g0"
     * is not fitted) is the state whose conductance is G[0] for the start, then held
     * (recomputing it from each trial would tie G_min to g0). */
    enum { NCAND = 6, NRUN = 3 };
    static const double gplat[NCAND - 1] = { 0.5, 0.8, 0.95, 0.99, 0.999 };
    double cand_p[NCAND][MN__MF_MAXPAR], cand_x[NCAND][MN__FIT_MAX], cand_g0[NCAND],
        cand_ssr[NCAND];
    int ncand = 0;
    for (int q = -1; q < NCAND - 1; q++) {
        memcpy(alt->p, m->p, sizeof alt->p);
        if (q >= 0 && (m->fit_auto_start == 0 || !auto_start(&c, alt, gplat[q]))) continue;
        if (q >= 1 && m->kind != MN_MEANFIELD_MIRANDA) break;
        c.orig = alt;
        double xs[MN__FIT_MAX] = { 0 };
        if (!prepare_start(&c, alt, xs)) continue;
        double ssr1 = residuals(&c, xs, fvec);
        if (!isfinite(ssr1)) continue;
        memcpy(cand_p[ncand], alt->p, sizeof cand_p[0]);
        memcpy(cand_x[ncand], xs, sizeof cand_x[0]);
        cand_g0[ncand] = c.g0_fixed;
        cand_ssr[ncand] = ssr1;
        ncand++;
    }
    if (ncand == 0)
        MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "fit: the model cannot be integrated at the initial "
                           "guess (check the parameters and the data)"));
    int order[NCAND];
    for (int q = 0; q < ncand; q++) order[q] = q;
    for (int q = 1; q < ncand; q++) /* insertion sort by initial SSR */
        for (int r = q; r > 0 && cand_ssr[order[r]] < cand_ssr[order[r - 1]]; r--) {
            int tmp = order[r];
            order[r] = order[r - 1];
            order[r - 1] = tmp;
        }

    /* fit; while the data leave a parameter undetermined, hold it at its start and refit */
    int fixed[MN__FIT_MAX] = { 0 };
    double relsig_fixed[MN__FIT_MAX] = { 0 };
    double covx[MN__FIT_MAX * MN__FIT_MAX];
    double xbest[MN__FIT_MAX];
    int any_singular = 0;
    /* the best run so far */
    double o_ssr = INFINITY, o_x[MN__FIT_MAX] = { 0 }, o_cov[MN__FIT_MAX * MN__FIT_MAX] = { 0 },
           o_rel[MN__FIT_MAX] = { 0 }, o_p[MN__MF_MAXPAR], o_g0 = 0;
    int o_fixed[MN__FIT_MAX] = { 0 }, o_act[MN__FIT_MAX] = { 0 }, o_sing = 0;
    size_t o_na = 0;
    int stop_any = 0;
    for (int run = 0; run < ncand && run < NRUN; run++) {
        int q = order[run];
        memcpy(base->p, cand_p[q], sizeof base->p);
        c.orig = base;
        c.g0_fixed = cand_g0[q];
        double xstart[MN__FIT_MAX];
        memcpy(xstart, cand_x[q], sizeof xstart);
        memset(fixed, 0, sizeof fixed);
        memset(relsig_fixed, 0, sizeof relsig_fixed);
        any_singular = 0;
        c.stop = 0;
        for (;;) {
            c.na = 0;
            for (size_t j = 0; j < n_free; j++)
                if (!fixed[j]) c.act[c.na++] = (int)j;
            memcpy(c.xfull, xstart, sizeof c.xfull);
            c.best_ssr = INFINITY;
            double x[MN__FIT_MAX];
            for (size_t k = 0; k < c.na; k++) x[k] = xstart[c.act[k]];
            int P = (int)c.na, nfev = 0;
            double *diag = wa, *qtf = wa + n_free, *w1 = wa + 2 * n_free, *w2 = wa + 3 * n_free,
                   *w3 = wa + 4 * n_free, *w4 = wa + 5 * n_free;
            c.limits_on = 1;
            size_t left = c.max_fev > c.nfev ? c.max_fev - c.nfev : 1;
            size_t round_cap = 200 * (size_t)(P + 1);
            int capped_round = round_cap < left;
            if (capped_round) left = round_cap;
            int info = lmdif(lm_fcn, &c, M, P, x, fvec, 1e-10, 1e-10, 0.0, (int)left,
                             1e-10, diag, 1, 100.0, 0, &nfev, fjac, M, ipvt, qtf, w1, w2, w3, w4);
            c.limits_on = 0;
            if (info == 0) MN__FAIL(mn__error(ctx, MN_ERR_INTERNAL, "fit: lmdif rejected its input"));
            int round_limit = info == 5 && capped_round;
            if (info == 5 && !capped_round) c.stop = 1;
            if (!isfinite(c.best_ssr)) {
                /* nothing valid seen in this round (cannot happen for the start itself) */
                memcpy(c.best_x, xstart, sizeof c.best_x);
            }
            memcpy(xbest, c.best_x, sizeof xbest);
            double ssr_b = c.best_ssr;
            jacobian(&c, xbest, J, fp, fm, fvec);
            double s2 = ssr_b / (double)(n - c.na);
            int zero = -1, singular = 0;
            int worst = -1;
            double worst_ratio = 1;
            if (covariance(&c, J, s2, covx, &zero, &singular) < 0) {
                worst = c.act[zero];
                worst_ratio = INFINITY;
            } else {
                any_singular |= singular;
                if (singular) worst_ratio = -1; /* rank the degenerate ones by their variance */
                for (size_t k = 0; k < c.na; k++) {
                    int j = c.act[k];
                    double sd = sqrt(fmax(covx[k * c.na + k], 0));
                    double lo, hi;
                    mn__mf_range(m, &lo, &hi);
                    double thr = c.logp[j] ? 1.0 : c.idx[j] < 0 ? hi - lo : fmax(fabs(xbest[j]), 1.0);
                    double ratio = sd / thr;
                    if (ratio > worst_ratio) {
                        worst_ratio = ratio;
                        worst = j;
                    }
                }
            }
            if (worst < 0 || m->fit_auto_fix == 0 || c.na == 1 || c.stop) {
                if (round_limit && !c.stop) c.stop = 1;
                break;
            }
            fixed[worst] = 1;
            relsig_fixed[worst] = worst_ratio;
        }
        if (c.stop) stop_any = c.stop;
        if (c.best_ssr < o_ssr) {
            o_ssr = c.best_ssr;
            memcpy(o_x, xbest, sizeof o_x);
            memcpy(o_cov, covx, sizeof o_cov);
            memcpy(o_rel, relsig_fixed, sizeof o_rel);
            memcpy(o_fixed, fixed, sizeof o_fixed);
            memcpy(o_act, c.act, sizeof o_act);
            memcpy(o_p, base->p, sizeof o_p);
            o_na = c.na;
            o_sing = any_singular;
            o_g0 = c.g0_used;
            memcpy(f->curve, c.Gbuf, n * sizeof(double)); /* the last evaluation was at xbest */
        }
        if (stop_any) break;
    }
    memcpy(xbest, o_x, sizeof xbest);
    memcpy(covx, o_cov, sizeof covx);
    memcpy(relsig_fixed, o_rel, sizeof relsig_fixed);
    memcpy(fixed, o_fixed, sizeof fixed);
    memcpy(c.act, o_act, sizeof c.act);
    memcpy(base->p, o_p, sizeof o_p);
    c.na = o_na;
    any_singular = o_sing;
    c.g0_used = o_g0;
    c.stop = stop_any;
    double ssr = o_ssr;
    f->p = n_free;
    f->n = n;
    for (size_t a = 0; a < n_free; a++) {
        snprintf(f->names[a], sizeof f->names[a], "%s", names[a]);
        f->value[a] = to_natural(&c, (int)a, xbest[a]);
        f->fixed[a] = fixed[a];
    }
    memset(f->cov, 0, sizeof f->cov);
    for (size_t ka = 0; ka < c.na; ka++)
        for (size_t kb = 0; kb < c.na; kb++) {
            int a = c.act[ka], b = c.act[kb];
            double da = c.logp[a] ? f->value[a] : 1, db = c.logp[b] ? f->value[b] : 1;
            f->cov[a * n_free + b] = (any_singular && m->fit_auto_fix == 0) ? INFINITY
                                                                             : covx[ka * c.na + kb] * da * db;
        }
    for (size_t a = 0; a < n_free; a++) f->sigma[a] = sqrt(f->cov[a * n_free + a]);
    if (any_singular && m->fit_auto_fix == 0)
        mn__log(ctx, MN_LOG_WARNING, "fit: J^T J is singular: parameters not identifiable");
    for (size_t i = 0; i < n; i++) f->resid[i] = f->curve[i] - G[i];
    f->chi2 = ssr;
    f->rms = sqrt(ssr / (double)n);
    f->g0 = c.g0_used;
    f->nfev = c.nfev;
    f->status = c.stop == 2 ? MN_MEANFIELD_FIT_TIME_LIMIT
                : c.stop == 1 ? MN_MEANFIELD_FIT_EVALUATION_LIMIT : MN_MEANFIELD_FIT_CONVERGED;
    {
        char *msg = f->message;
        size_t cap = sizeof f->message, used = 0;
        double el = now_seconds() - t_start;
        if (f->status == MN_MEANFIELD_FIT_CONVERGED)
            used += (size_t)snprintf(msg + used, cap - used, "converged after %zu model "
                                     "evaluations (%.3g s)", c.nfev, el);
        else
            used += (size_t)snprintf(msg + used, cap - used, "stopped by the %s (%zu model "
                                     "evaluations, %.3g s) before meeting the tolerance; the best "
                                     "fit found is returned",
                                     f->status == MN_MEANFIELD_FIT_TIME_LIMIT ? "time limit"
                                                                               : "evaluation limit",
                                     c.nfev, el);
        int first = 1;
        for (size_t a = 0; a < n_free && used < cap; a++)
            if (fixed[a]) {
                used += (size_t)snprintf(msg + used, cap - used, "%s%s = %.6g",
                                         first ? "; not determined by the data, held at the start: "
                                               : ", ", names[a], f->value[a]);
                if (used < cap && isfinite(relsig_fixed[a]))
                    used += (size_t)snprintf(msg + used, cap - used, " (sigma %.2g x its scale)",
                                             relsig_fixed[a]);
                first = 0;
            }
        if (any_singular && m->fit_auto_fix == 0 && used < cap)
            snprintf(msg + used, cap - used, "; J^T J is singular: parameters not identifiable");
    }
    /* store the fitted values in the model */
    for (size_t a = 0; a < n_free; a++)
        if (c.idx[a] >= 0) m->p[c.idx[a]] = f->value[a];
    for (size_t k = 0; k < MN__MF_MAXPAR; k++) /* non-fitted parameters of the chosen start */
        if (!is_free(&c, (int)k)) m->p[k] = base->p[k];
    *out = f;
    f = NULL;
cleanup:
    mn_meanfield_fit_free(f);
    mn_meanfield_model_free(c.work);
    mn_meanfield_model_free(base);
    mn_meanfield_model_free(alt);
    mn__free(ctx, c.gbuf);
    mn__free(ctx, c.Gbuf);
    mn__free(ctx, fvec);
    mn__free(ctx, fjac);
    mn__free(ctx, wa);
    mn__free(ctx, ipvt);
    mn__free(ctx, fp);
    mn__free(ctx, fm);
    mn__free(ctx, J);
    return st;
}

mn_meanfield_fit_status_code mn_meanfield_fit_status(const mn_meanfield_fit *f,
                                                     const char **message)
{
    if (message) *message = f ? f->message : "";
    return f ? (mn_meanfield_fit_status_code)f->status : MN_MEANFIELD_FIT_CONVERGED;
}

int mn_meanfield_fit_param_fixed(const mn_meanfield_fit *f, size_t i)
{
    return f && i < f->p ? f->fixed[i] : 0;
}

mn_status mn_meanfield_model_set_fit_option(mn_meanfield_model *m, mn_meanfield_fit_option option,
                                            double value)
{
    if (!m) return MN_ERR_INVALID;
    switch (option) {
    case MN_MEANFIELD_FIT_MAX_EVALUATIONS:
        if (!(value >= 10 && value <= 1e9))
            return mn__error(m->ctx, MN_ERR_RANGE, "fit option max evaluations = %g must be in "
                             "[10, 1e9]", value);
        m->fit_max_evaluations = floor(value);
        return MN_OK;
    case MN_MEANFIELD_FIT_MAX_SECONDS:
        if (!(value > 0 && isfinite(value)))
            return mn__error(m->ctx, MN_ERR_RANGE, "fit option max seconds = %g must be finite "
                             "and > 0", value);
        m->fit_max_seconds = value;
        return MN_OK;
    case MN_MEANFIELD_FIT_AUTO_START:
    case MN_MEANFIELD_FIT_AUTO_FIX:
        if (value != 0 && value != 1)
            return mn__error(m->ctx, MN_ERR_RANGE, "fit option %s = %g must be 0 or 1",
                             option == MN_MEANFIELD_FIT_AUTO_START ? "auto start" : "auto fix",
                             value);
        if (option == MN_MEANFIELD_FIT_AUTO_START) m->fit_auto_start = value;
        else m->fit_auto_fix = value;
        return MN_OK;
    }
    return mn__error(m->ctx, MN_ERR_INVALID, "unknown fit option %d", (int)option);
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
    if (name) *name = NULL;
    if (value) *value = 0.0;
    if (sigma) *sigma = 0.0;
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
