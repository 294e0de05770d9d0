/* Heterogeneous effective-medium reduction of a network of identical junctions: classes of
 * junctions with the same voltage per applied volt in the initial (uniform) network, each
 * embedded alone in a uniform medium whose conductance is fixed self-consistently
 * (single-bond effective-medium theory with the network's own projector quantities;
 * docs/meanfield.md, "Effective-medium reduction"). Predicts G(t) without fitted parameters. */
#include "meanfield-private.h"

#include <math.h>
#include <string.h>

struct mn_meanfield_ema {
    mn_context *ctx;
    mn_meanfield_model *jm; /* one microscopic junction, drive 1 (it sees its own voltage) */
    size_t m;               /* edges of the graph */
    double *a, *R;          /* per edge: voltage per applied volt (0 outside), Thevenin R in [0, 1] */
    double geu;             /* G_eff of the unit network, (1 - Omega_N1)/Omega_N1 */
    double amax;            /* largest |a_i| */
    int absolute;           /* classes over |a| (rate depends on |v| only) */
    /* classes: K with a voltage, then (if n_zero > 0) one class without (index K) */
    size_t K, n_zero, cap;
    double *ca, *cR, *cw, *cn;
    double *work; /* 8 x (K + 1) */
    int classes_opt;
    double rtol, atol;
    double gm; /* last medium conductance (warm start) */
    uint64_t steps, rejected, solves;
};

void mn_meanfield_ema_free(mn_meanfield_ema *e)
{
    if (!e) return;
    mn_meanfield_model_free(e->jm);
    mn__free(e->ctx, e->a);
    mn__free(e->ctx, e->R);
    mn__free(e->ctx, e->ca);
    mn__free(e->ctx, e->cR);
    mn__free(e->ctx, e->cw);
    mn__free(e->ctx, e->cn);
    mn__free(e->ctx, e->work);
    mn__free(e->ctx, e);
}

/* |a| below this fraction of the largest carries no current in the initial network (outside
 * the circuit, or balanced by symmetry up to round-off) */
#define MN__EMA_ZERO 1e-12

static int is_zero(const mn_meanfield_ema *e, double a) { return !(fabs(a) > MN__EMA_ZERO * e->amax); }

/* group the junctions into classes (equal-width bins of a, or one class per junction) */
static mn_status build_classes(mn_meanfield_ema *e)
{
    mn_context *ctx = e->ctx;
    size_t nz = 0, nc = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < e->m; i++) {
        if (is_zero(e, e->a[i])) {
            nz++;
            continue;
        }
        nc++;
        double x = e->absolute ? fabs(e->a[i]) : e->a[i];
        if (x < lo) lo = x; /* (comparisons: the library fmin/fmax are calls) */
        if (x > hi) hi = x;
    }
    size_t B = e->classes_opt > 0 ? (size_t)e->classes_opt : nc;
    size_t cap = B + 1;
    if (cap > e->cap) {
        double *p[4] = { NULL, NULL, NULL, NULL }, *w = NULL;
        for (int k = 0; k < 4; k++)
            if (!(p[k] = mn__calloc_or_err(ctx, cap, sizeof(double), "effective medium: classes")))
                goto nomem;
        if (!(w = mn__calloc_or_err(ctx, 8 * cap, sizeof(double), "effective medium: classes")))
            goto nomem;
        mn__free(ctx, e->ca);
        mn__free(ctx, e->cR);
        mn__free(ctx, e->cw);
        mn__free(ctx, e->cn);
        mn__free(ctx, e->work);
        e->ca = p[0], e->cR = p[1], e->cw = p[2], e->cn = p[3], e->work = w;
        e->cap = cap;
        goto filled;
    nomem:
        for (int k = 0; k < 4; k++) mn__free(ctx, p[k]);
        return MN_ERR_NOMEM;
    }
filled:
    memset(e->ca, 0, cap * sizeof(double));
    memset(e->cR, 0, cap * sizeof(double));
    memset(e->cw, 0, cap * sizeof(double));
    memset(e->cn, 0, cap * sizeof(double));
    /* a spread at round-off level is no spread (identical junctions stay one class) */
    double width = hi - lo > 1e-9 * fmax(fabs(hi), fabs(lo)) ? (hi - lo) / (double)B : 0;
    size_t j = 0;
    for (size_t i = 0; i < e->m; i++) {
        if (is_zero(e, e->a[i])) continue;
        double x = e->absolute ? fabs(e->a[i]) : e->a[i], w = e->a[i] * e->a[i];
        size_t b;
        if (e->classes_opt == 0) b = j++;
        else {
            double q = width > 0 ? (x - lo) / width : 0; /* truncation = floor for q >= 0 */
            b = q < 0 ? 0 : q >= (double)B ? B - 1 : (size_t)q;
        }
        e->ca[b] += w * x;
        e->cR[b] += w * e->R[i];
        e->cw[b] += w;
        e->cn[b] += 1;
    }
    /* drop empty bins, form the weighted means */
    size_t K = 0;
    for (size_t b = 0; b < B; b++) {
        if (e->cn[b] == 0) continue;
        e->ca[K] = e->ca[b] / e->cw[b];
        e->cR[K] = e->cR[b] / e->cw[b];
        e->cw[K] = e->cw[b];
        e->cn[K] = e->cn[b];
        K++;
    }
    e->K = K;
    e->n_zero = nz;
    if (nz) { /* the class without voltage */
        e->ca[K] = 0;
        e->cR[K] = 0;
        e->cw[K] = 0;
        e->cn[K] = (double)nz;
    }
    return MN_OK;
}

mn_status mn_meanfield_ema_new(mn_meanfield_ema **out, const mn_meanfield_projector *p,
                               const mn_meanfield_model *junction)
{
    if (out) *out = NULL;
    if (!out || !p || !junction) {
        mn_context *c = p ? mn__mf_projector_context(p) : junction ? junction->ctx : NULL;
        return c ? mn__error(c, MN_ERR_INVALID, "effective medium: NULL argument") : MN_ERR_INVALID;
    }
    mn_context *ctx = mn__mf_projector_context(p);
    mn_status st = MN_OK;
    mn_meanfield_ema *e = mn__calloc_or_err(ctx, 1, sizeof *e, "effective medium");
    if (!e) return MN_ERR_NOMEM;
    e->ctx = ctx;
    e->classes_opt = 64;
    e->rtol = 1e-4;
    e->atol = 1e-7;
    e->m = mn__mf_projector_edges(p);
    MN__TRY(mn_meanfield_model_copy(&e->jm, junction));
    if (e->jm->kind == MN_MEANFIELD_MIRANDA) e->jm->p[MN__MIR_DRIVE] = 1;
    if (e->jm->kind == MN_MEANFIELD_HILLOCK) e->jm->p[MN__HIL_DRIVE] = 1;
    e->absolute = e->jm->kind == MN_MEANFIELD_MIRANDA && e->jm->p[MN__MIR_UNI] != 0;
    double W = mn_meanfield_projector_omega_n1(p);
    const double *ov = mn_meanfield_projector_omega_vec(p), *dg = mn_meanfield_projector_diag(p);
    if (!(W > 0 && W < 1) || !ov || !dg || e->m == 0)
        MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "effective medium: the projector has no circuit "
                           "(Omega_N1 = %g)", W));
    e->geu = (1 - W) / W;
    if (!(e->a = mn__malloc_or_err(ctx, e->m, sizeof(double), "effective medium")) ||
        !(e->R = mn__malloc_or_err(ctx, e->m, sizeof(double), "effective medium")))
        MN__FAIL(MN_ERR_NOMEM);
    for (size_t i = 0; i < e->m; i++) {
        /* voltage per applied volt of the uniform network (exact), and the resistance between
         * the ends of edge i with the electrodes shorted: R_i - (x_u - x_v)^2/R in terms of the
         * projector of the network augmented by the source edge (docs/meanfield.md) */
        e->a[i] = ov[i] / W;
        double r = dg[i] - ov[i] * ov[i] / W;
        e->R[i] = r < 0 ? 0 : r > 1 ? 1 : r;
        if (fabs(e->a[i]) > e->amax) e->amax = fabs(e->a[i]);
    }
    if (!(e->amax > 0))
        MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "effective medium: no junction carries current"));
    MN__TRY(build_classes(e));
    *out = e;
    e = NULL;
cleanup:
    mn_meanfield_ema_free(e);
    return st;
}

mn_status mn_meanfield_ema_set(mn_meanfield_ema *e, mn_meanfield_ema_option option, double value)
{
    if (!e) return MN_ERR_INVALID;
    switch (option) {
    case MN_MEANFIELD_EMA_CLASSES:
        if (!(value >= 0 && value <= 1e8 && value == floor(value)))
            return mn__error(e->ctx, MN_ERR_RANGE, "effective medium: classes = %g must be an "
                             "integer in [0, 1e8] (0: one per junction)", value);
        e->classes_opt = (int)value;
        return build_classes(e);
    case MN_MEANFIELD_EMA_RTOL:
        if (!(value > 0 && value < 1))
            return mn__error(e->ctx, MN_ERR_RANGE, "effective medium: rtol = %g must be in (0, 1)",
                             value);
        e->rtol = value;
        return MN_OK;
    case MN_MEANFIELD_EMA_ATOL:
        if (!(value > 0 && isfinite(value)))
            return mn__error(e->ctx, MN_ERR_RANGE, "effective medium: atol = %g must be > 0", value);
        e->atol = value;
        return MN_OK;
    }
    return mn__error(e->ctx, MN_ERR_INVALID, "effective medium: unknown option %d", (int)option);
}

size_t mn_meanfield_ema_class_count(const mn_meanfield_ema *e) { return e ? e->K : 0; }

mn_status mn_meanfield_ema_class(const mn_meanfield_ema *e, size_t k, double *a, double *R,
                                 double *weight, size_t *count)
{
    if (!e) return MN_ERR_INVALID;
    if (k >= e->K)
        return mn__error(e->ctx, MN_ERR_RANGE, "effective medium: class %zu of %zu", k, e->K);
    if (a) *a = e->ca[k];
    if (R) *R = e->cR[k];
    if (weight) *weight = e->cw[k];
    if (count) *count = (size_t)e->cn[k];
    return MN_OK;
}

uint64_t mn_meanfield_ema_stat_get(const mn_meanfield_ema *e, mn_meanfield_ema_stat which)
{
    if (!e) return 0;
    switch (which) {
    case MN_MEANFIELD_EMA_STAT_STEPS: return e->steps;
    case MN_MEANFIELD_EMA_STAT_REJECTED: return e->rejected;
    case MN_MEANFIELD_EMA_STAT_MEDIUM_SOLVES: return e->solves;
    }
    return 0;
}

/* The medium: the root G_m of f(G_m) = sum_k w_k (G_k - G_m)/((1 - R_k) G_m + R_k G_k) (w_k > 0
 * only). f decreases strictly (f' = -sum w_k G_k/den_k^2), f(min G) >= 0 >= f(max G): Newton in
 * log G_m safeguarded by bisection of the bracket. `guess` <= 0: none. */
static double medium(const double *w, const double *R, const double *G, size_t n, double guess)
{
    double lo = INFINITY, hi = 0;
    for (size_t k = 0; k < n; k++)
        if (w[k] > 0) {
            if (G[k] < lo) lo = G[k];
            if (G[k] > hi) hi = G[k];
        }
    if (!(hi > lo * (1 + 1e-15))) return hi;
    double x = guess > lo && guess < hi ? guess : sqrt(lo * hi);
    for (int it = 0; it < 200; it++) {
        double f = 0, df = 0;
        for (size_t k = 0; k < n; k++) {
            if (!(w[k] > 0)) continue;
            double inv = 1 / ((1 - R[k]) * x + R[k] * G[k]), wi = w[k] * inv; /* one division */
            f += wi * (G[k] - x);
            df += wi * G[k] * inv;
        }
        if (f > 0) lo = x;
        else if (f < 0) hi = x;
        else return x;
        /* Newton step in log x: d f/d log x = -x df */
        double xn = x * exp(fmin(fmax(f / (x * df), -50), 50));
        if (!(xn > lo && xn < hi)) xn = sqrt(lo * hi);
        if (fabs(xn - x) <= 1e-14 * x || hi <= lo * (1 + 1e-14)) return xn;
        x = xn;
    }
    return x;
}

mn_status mn_meanfield_ema_conductance(mn_meanfield_ema *e, const double *G, double *G_eff,
                                       double *G_m)
{
    if (!e) return MN_ERR_INVALID;
    if (!G || !G_eff) return mn__error(e->ctx, MN_ERR_INVALID, "effective medium: NULL argument");
    double *w = mn__malloc_or_err(e->ctx, e->m, sizeof(double), "effective medium");
    if (!w) return MN_ERR_NOMEM;
    for (size_t i = 0; i < e->m; i++) {
        w[i] = is_zero(e, e->a[i]) ? 0 : e->a[i] * e->a[i];
        if (w[i] > 0 && !(isfinite(G[i]) && G[i] > 0)) {
            mn__free(e->ctx, w);
            return mn__error(e->ctx, MN_ERR_RANGE, "effective medium: edge %zu: conductance %g "
                             "must be finite and > 0", i, G[i]);
        }
    }
    double gm = medium(w, e->R, G, e->m, 0);
    mn__free(e->ctx, w);
    *G_eff = gm * e->geu;
    if (G_m) *G_m = gm;
    return MN_OK;
}

/* rates r and diagonal Jacobian J of the class system at state g under applied voltage V;
 * returns the medium conductance */
static double rates(mn_meanfield_ema *e, double *g, double V, double lo, double hi,
                    double *r, double *J, double *Gk)
{
    size_t n = e->K + (e->n_zero ? 1 : 0);
    for (size_t k = 0; k < n; k++) Gk[k] = mn__mf_conductance(e->jm, g[k]);
    double gm = medium(e->cw, e->cR, Gk, e->K, e->gm);
    e->gm = gm;
    e->solves++;
    /* S = sum_j w_j G_j/den_j^2 = -df/dG_m, for the response of G_m to one class */
    double S = 0;
    for (size_t k = 0; k < e->K; k++) {
        double den = (1 - e->cR[k]) * gm + e->cR[k] * Gk[k];
        S += e->cw[k] * Gk[k] / (den * den);
    }
    for (size_t k = 0; k < n; k++) {
        double den = (1 - e->cR[k]) * gm + e->cR[k] * Gk[k];
        double v = V * e->ca[k] * gm / den; /* the junction in the medium */
        double rk, rg, rv;
        if (e->jm->kind == MN_MEANFIELD_MIRANDA) { /* 000 eqs. 2-4 at the junction's voltage */
            const double *q = e->jm->p;
            double u = q[MN__MIR_UNI] != 0 ? fabs(v) : v, sg = q[MN__MIR_UNI] != 0 && v < 0 ? -1 : 1;
            double ep = q[MN__MIR_KP] * exp(q[MN__MIR_ETAP] * u),
                   ed = q[MN__MIR_KD] * exp(-q[MN__MIR_ETAD] * u);
            rk = ep * (1 - g[k]) - ed * g[k];
            rg = -(ep + ed);
            rv = sg * (q[MN__MIR_ETAP] * ep * (1 - g[k]) + q[MN__MIR_ETAD] * ed * g[k]);
        } else {
            rk = mn__mf_rate(e->jm, g[k], v);
            mn__mf_rate_derivs(e->jm, g[k], v, &rg, &rv);
        }
        /* dv_k/dg_k with G_m responding (d G_m/d g_k = w_k G_m G'_k/(den_k^2 S)): zero for one
         * class, so a uniform network is integrated exactly */
        double dG = mn__mf_conductance_dg(e->jm, g[k]);
        double dgm = S > 0 ? e->cw[k] * gm * dG / (den * den * S) : 0;
        double dv = V * e->ca[k] * e->cR[k] * (dgm * Gk[k] - gm * dG) / (den * den);
        double jk = rg + rv * dv;
        /* walls: a state within atol of a range end that the flow pushes into is put on it
         * (otherwise a rate that does not vanish at the wall, e.g. the linear model's k i,
         * keeps overshooting and the steps shrink to about atol/|rate|) */
        if (rk < 0 && g[k] - lo <= e->atol) g[k] = lo, rk = 0, jk = 0;
        else if (rk > 0 && hi - g[k] <= e->atol) g[k] = hi, rk = 0, jk = 0;
        r[k] = rk;
        J[k] = isfinite(jk) ? jk : 0;
    }
    return gm;
}

/* phi1(z) = (e^z - 1)/z, phi2(z) = (e^z - 1 - z)/z^2 */
static void phis(double z, double *p1, double *p2)
{
    if (fabs(z) < 1e-3) {
        *p1 = 1 + z / 2 * (1 + z / 3 * (1 + z / 4));
        *p2 = 0.5 + z / 6 * (1 + z / 4 * (1 + z / 5));
        return;
    }
    double em1 = expm1(z);
    *p1 = em1 / z;
    *p2 = (em1 - z) / (z * z);
}

static double clampd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

/* integrate the classes from t0 to t1 under constant V; *h: step to try (updated) */
static mn_status interval(mn_meanfield_ema *e, double t0, double t1, double V, double *g,
                          double *h, double lo, double hi)
{
    size_t n = e->K + (e->n_zero ? 1 : 0), cap = e->cap;
    double *r = e->work, *J = r + cap, *g1 = J + cap, *r1 = g1 + cap, *J1 = r1 + cap,
           *Gk = J1 + cap, *g2 = Gk + cap, *p2 = g2 + cap;
    double t = t0;
    rates(e, g, V, lo, hi, r, J, Gk);
    while (t < t1) {
        double hh = fmin(*h, t1 - t);
        int last = hh >= t1 - t;
        if (t1 - t - hh < 1e-12 * (t1 - t0)) hh = t1 - t, last = 1;
        for (size_t k = 0; k < n; k++) {
            double p1;
            phis(hh * J[k], &p1, &p2[k]);
            g1[k] = clampd(g[k] + hh * p1 * r[k], lo, hi); /* exponential Euler */
        }
        rates(e, g1, V, lo, hi, r1, J1, Gk);
        double err = 0;
        for (size_t k = 0; k < n; k++) {
            /* second order (ETD2, Cox-Matthews): nonlinear part N(g) = r(g) - J g */
            g2[k] = clampd(g1[k] + hh * p2[k] * (r1[k] - r[k] - J[k] * (g1[k] - g[k])), lo, hi);
            double sc = e->atol + e->rtol * fmax(fabs(g2[k]), fabs(g[k]));
            err = fmax(err, fabs(g2[k] - g1[k]) / sc);
        }
        if (!isfinite(err))
            return mn__error(e->ctx, MN_ERR_CONVERGENCE, "effective medium: non-finite state at "
                             "t = %g (V = %g)", t, V);
        double fac = err > 0 ? 0.9 / sqrt(err) : 4;
        fac = fac < 0.2 ? 0.2 : fac > 4 ? 4 : fac;
        if (err <= 1) {
            memcpy(g, g2, n * sizeof(double));
            t = last ? t1 : t + hh;
            e->steps++;
            if (!last || fac < 1) *h = hh * fac;
            if (t < t1) rates(e, g, V, lo, hi, r, J, Gk);
        } else {
            e->rejected++;
            *h = hh * fac;
            if (!(*h > 1e-14 * fmax(fabs(t), 1)))
                return mn__error(e->ctx, MN_ERR_CONVERGENCE, "effective medium: step size "
                                 "underflow at t = %g (V = %g)", t, V);
        }
    }
    return MN_OK;
}

static double g_mean_of(const mn_meanfield_ema *e, const double *g)
{
    double s = 0, c = 0;
    size_t n = e->K + (e->n_zero ? 1 : 0);
    for (size_t k = 0; k < n; k++) {
        s += e->cn[k] * g[k];
        c += e->cn[k];
    }
    return c > 0 ? s / c : NAN;
}

mn_status mn_meanfield_ema_integrate_sampled(mn_meanfield_ema *e, const double *t, const double *V,
                                             size_t n, double g0, double *G, double *g_mean)
{
    if (!e) return MN_ERR_INVALID;
    if (!t || !V || n == 0)
        return mn__error(e->ctx, MN_ERR_INVALID, "effective medium: no samples");
    double lo, hi;
    mn__mf_range(e->jm, &lo, &hi);
    if (!(g0 >= lo && g0 <= hi))
        return mn__error(e->ctx, MN_ERR_RANGE, "effective medium: initial state %g outside "
                         "[%g, %g]", g0, lo, hi);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(t[i]) || (i && t[i] < t[i - 1]))
            return mn__error(e->ctx, MN_ERR_RANGE, "effective medium: sample %zu: time %g (times "
                             "must be finite and non-decreasing)", i, t[i]);
        if (!isfinite(V[i]))
            return mn__error(e->ctx, MN_ERR_RANGE, "effective medium: sample %zu (t = %g): voltage "
                             "%g is not finite", i, t[i], V[i]);
    }
    size_t nc = e->K + (e->n_zero ? 1 : 0);
    double *g = mn__malloc_or_err(e->ctx, nc, sizeof(double), "effective medium");
    if (!g) return MN_ERR_NOMEM;
    for (size_t k = 0; k < nc; k++) g[k] = g0;
    double h = t[n - 1] > t[0] ? (t[n - 1] - t[0]) / 100 : 1;
    mn_status st = MN_OK;
    e->gm = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && t[i] > t[i - 1]) MN__TRY(interval(e, t[i - 1], t[i], V[i - 1], g, &h, lo, hi));
        if (G) {
            double *Gk = e->work + 5 * e->cap;
            for (size_t k = 0; k < e->K; k++) Gk[k] = mn__mf_conductance(e->jm, g[k]);
            e->gm = medium(e->cw, e->cR, Gk, e->K, e->gm);
            G[i] = e->gm * e->geu;
        }
        if (g_mean) g_mean[i] = g_mean_of(e, g);
    }
cleanup:
    mn__free(e->ctx, g);
    return st;
}
