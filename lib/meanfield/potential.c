/* Effective potential V(<g>) (000 eq. (11), 001 eqs. (B24)-(B32)), equilibria (000 eq. (12)),
 * order of the transition (000 eqs. (16)-(19)), voltage sweeps. */
#include "meanfield-private.h"

#include <float.h>
#include <math.h>

#define MN__GRID 4096

typedef struct {
    const mn_meanfield_model *m;
    double v;
} rate_arg;

static double rate_at(double g, void *ud)
{
    const rate_arg *a = ud;
    return mn__mf_rate(a->m, g, a->v);
}

/* Antiderivatives in y = 1 + chi x of e^{c/y} (001 eq. (B24)) and y e^{c/y} (cf. (B25)), in
 * scaled form: F0(y) = y e^{c/y} - c Ei(c/y) = e^{x} y h0(x), F1(y) = (y^2 + c y) e^{c/y}/2 -
 * c^2 Ei(c/y)/2 = e^{x} y^2 h1(x)/2 with x = c/y, h0(x) = 1 - x e^{-x} Ei(x) and
 * h1(x) = 1 + x - x^2 e^{-x} Ei(x). For x > 40 the asymptotic series
 * e^{-x} Ei(x) = sum_{k>=0} k!/x^{k+1} (truncated at its smallest term, error < e^{-x}) gives
 * h0 = -S, h1 = 1 - x S with S = sum_{k>=1} k!/x^k, free of the cancellation and of the
 * overflow of e^{x} (which the caller carries as an exponent). */
static double asym_S(double x)
{
    double sum = 0, term = 1;
    for (int k = 1; k < 200; k++) {
        double next = term * k / x;
        if (k > 1 && next > term) break;
        term = next;
        sum += term;
        if (term < 1e-18 * sum) break;
    }
    return sum;
}

static void hfun(double x, double *h0, double *h1)
{
    if (x == 0) {
        *h0 = 1;
        *h1 = 1;
        return;
    }
    if (x > 40) {
        double S = asym_S(x);
        *h0 = -S;
        *h1 = 1 - x * S; /* = -(2/x + 6/x^2 + ...): a cancellation of relative size ~x*eps */
        return;
    }
    double eei = mn__ei_scaled(x);
    *h0 = 1 - x * eei;
    *h1 = 1 + x - x * x * eei;
}

/* e^{-E} int_0^g e^{c/(1+chi x)} dx and e^{-E} int_0^g x e^{c/(1+chi x)} dx with the scale
 * E = max(c, c/(1 + chi g)) (the larger exponent of the two ends), exact */
static void exp_integrals_scaled(double chi, double c, double g, double E, double *I0,
                                 double *I1)
{
    double y1 = 1, y2 = 1 + chi * g;
    double x1 = c / y1, x2 = c / y2;
    double h01, h11, h02, h12;
    hfun(x1, &h01, &h11);
    hfun(x2, &h02, &h12);
    double s1 = exp(x1 - E), s2 = exp(x2 - E);
    double a0 = s2 * y2 * h02 - s1 * y1 * h01;
    double a1 = 0.5 * (s2 * y2 * y2 * h12 - s1 * y1 * y1 * h11);
    *I0 = a0 / chi;
    *I1 = (a1 - a0) / (chi * chi);
}

static double potential_exact(const mn_meanfield_model *m, double v, double g, int *ok)
{
    const double *p = m->p;
    *ok = 1;
    if (m->kind == MN_MEANFIELD_LINEAR) {
        double a = p[MN__LIN_ALPHA], k = p[MN__LIN_K], chi = p[MN__LIN_CHI];
        if (chi == 0) return 0.5 * a * g * g - k * v * g;
        return 0.5 * a * g * g + (k * v / chi) * log1p(-chi * g); /* 000 eq. (15) */
    }
    if (m->kind == MN_MEANFIELD_MIRANDA) {
        double chi = p[MN__MIR_DRIVE] == 0 ? p[MN__MIR_CHI] : 0; /* renormalisation of v */
        double vv = p[MN__MIR_UNI] != 0 ? fabs(v) : v;
        double cp = p[MN__MIR_ETAP] * vv, cd = -p[MN__MIR_ETAD] * vv;
        if (chi == 0) { /* constant rates: a quadratic potential, in log form against overflow */
            double A = log(p[MN__MIR_KP]) + cp, B = log(p[MN__MIR_KD]) + cd;
            double E = fmax(A, B);
            double sc = exp(A - E) * g - 0.5 * (exp(A - E) + exp(B - E)) * g * g;
            return -copysign(exp(E + log(fabs(sc))), sc);
        }
        if (fabs(chi) < 1e-3) {
            *ok = 0;
            return NAN;
        }
        /* V = -(k_p (I0p - I1p) - k_d I1d); each part scaled by the larger of its two end
         * exponents and recombined in log form, so that the result is finite whenever it is
         * representable */
        double yg = 1 + chi * g;
        double Ep = fmax(cp, cp / yg), Ed = fmax(cd, cd / yg);
        double I0p, I1p, I0d, I1d;
        exp_integrals_scaled(chi, cp, g, Ep, &I0p, &I1p);
        exp_integrals_scaled(chi, cd, g, Ed, &I0d, &I1d);
        double A = I0p - I1p, B = I1d; /* V = -(k_p e^{Ep} A - k_d e^{Ed} B) */
        double la = A != 0 ? log(p[MN__MIR_KP]) + Ep + log(fabs(A)) : -INFINITY;
        double lb = B != 0 ? log(p[MN__MIR_KD]) + Ed + log(fabs(B)) : -INFINITY;
        double L = fmax(la, lb);
        if (L == -INFINITY) return 0;
        double sc = (A > 0 ? 1 : -1) * exp(la - L) - (B > 0 ? 1 : -1) * exp(lb - L);
        if (sc == 0) return 0;
        double V = -copysign(exp(L + log(fabs(sc))), sc);
        if (!isfinite(V)) *ok = -1; /* beyond the double range */
        if (!isfinite(V) && isfinite(L)) V = -copysign(HUGE_VAL, sc);
        return V;
    }
    *ok = 0;
    return NAN;
}

static mn_status check_args(const mn_meanfield_model *m, double v, const double *g, size_t n,
                            double *V)
{
    if (!m) return MN_ERR_INVALID;
    if ((n && (!g || !V)))
        return mn__error(m->ctx, MN_ERR_INVALID, "potential: NULL state or output array");
    if (!isfinite(v)) return mn__error(m->ctx, MN_ERR_RANGE, "voltage %g must be finite", v);
    double lo, hi;
    mn__mf_range(m, &lo, &hi);
    for (size_t i = 0; i < n; i++)
        if (!(g[i] >= lo && g[i] <= hi))
            return mn__error(m->ctx, MN_ERR_RANGE, "potential: state g[%zu] = %g outside [%g, %g]",
                             i, g[i], lo, hi);
    return MN_OK;
}

static double quad_potential(const mn_meanfield_model *m, double v, double g)
{
    double lo, hi;
    mn__mf_range(m, &lo, &hi);
    rate_arg a = { m, v };
    return -mn__integrate(rate_at, &a, lo, g, 1e-13);
}

mn_status mn_meanfield_potential_quadrature(const mn_meanfield_model *m, double v, const double *g,
                                            size_t n, double *V)
{
    mn_status st = check_args(m, v, g, n, V);
    if (st) return st;
    for (size_t i = 0; i < n; i++) V[i] = quad_potential(m, v, g[i]);
    return MN_OK;
}

mn_status mn_meanfield_potential(const mn_meanfield_model *m, double v, const double *g, size_t n,
                                 double *V)
{
    mn_status st = check_args(m, v, g, n, V);
    if (st) return st;
    for (size_t i = 0; i < n; i++) {
        int ok;
        double x = potential_exact(m, v, g[i], &ok);
        if (ok < 0)
            return mn__error(m->ctx, MN_ERR_RANGE, "potential at v = %g, g = %g: |V| exceeds the "
                             "double range (%g)", v, g[i], DBL_MAX);
        V[i] = ok ? x : quad_potential(m, v, g[i]);
        if (!isfinite(V[i]))
            return mn__error(m->ctx, MN_ERR_RANGE, "potential at v = %g, g = %g is not finite "
                             "(the rate overflows: reduce v or the parameters)", v, g[i]);
    }
    return MN_OK;
}

/* ------------------------------------------------------------------ equilibria */

static int stability_at(const mn_meanfield_model *m, double v, double g)
{
    double lo, hi;
    mn__mf_range(m, &lo, &hi);
    double h = 1e-6 * (hi - lo);
    double a = g - h < lo ? lo : g - h, b = g + h > hi ? hi : g + h;
    double d = (mn__mf_rate(m, b, v) - mn__mf_rate(m, a, v)) / (b - a);
    double scale = (fabs(mn__mf_rate(m, a, v)) + fabs(mn__mf_rate(m, b, v))) / (b - a);
    if (fabs(d) <= 1e-9 * scale || d == 0) return MN_MEANFIELD_MARGINAL;
    return d < 0 ? MN_MEANFIELD_STABLE : MN_MEANFIELD_UNSTABLE;
}

/* all equilibria into a caller buffer of size cap; returns count (may exceed cap) */
static size_t equilibria(const mn_meanfield_model *m, double v, double *geq, int *stab, size_t cap)
{
    double lo, hi;
    mn__mf_range(m, &lo, &hi);
    rate_arg a = { m, v };
    size_t cnt = 0;
#define PUSH(x, s)                                                                             \
    do {                                                                                       \
        if (cnt < cap) {                                                                       \
            geq[cnt] = (x);                                                                    \
            if (stab) stab[cnt] = (s);                                                         \
        }                                                                                      \
        cnt++;                                                                                 \
    } while (0)
    double r0 = mn__mf_rate(m, lo, v);
    if (r0 < 0) PUSH(lo, MN_MEANFIELD_STABLE);
    else if (r0 == 0) PUSH(lo, stability_at(m, v, lo));
    double xp = lo, rp = r0;
    for (int i = 1; i <= MN__GRID; i++) {
        double x = lo + (hi - lo) * i / MN__GRID;
        double r = mn__mf_rate(m, x, v);
        if (i == MN__GRID) {
            if (rp != 0 && r != 0 && (rp < 0) != (r < 0)) {
                double z = mn__root(rate_at, &a, xp, x, rp, r);
                PUSH(z, rp > 0 ? MN_MEANFIELD_STABLE : MN_MEANFIELD_UNSTABLE);
            }
            if (r > 0) PUSH(hi, MN_MEANFIELD_STABLE);
            else if (r == 0) PUSH(hi, stability_at(m, v, hi));
            break;
        }
        if (r == 0) {
            PUSH(x, stability_at(m, v, x));
        } else if (rp != 0 && (rp < 0) != (r < 0)) {
            double z = mn__root(rate_at, &a, xp, x, rp, r);
            PUSH(z, rp > 0 ? MN_MEANFIELD_STABLE : MN_MEANFIELD_UNSTABLE);
        }
        xp = x;
        rp = r;
    }
#undef PUSH
    return cnt;
}

mn_status mn_meanfield_equilibria(const mn_meanfield_model *m, double v, double *g_eq,
                                  int *stability, size_t cap, size_t *count)
{
    if (!m || !count || (cap && !g_eq)) return m ? mn__error(m->ctx, MN_ERR_INVALID,
                                                             "equilibria: NULL output") : MN_ERR_INVALID;
    if (!isfinite(v)) return mn__error(m->ctx, MN_ERR_RANGE, "voltage %g must be finite", v);
    *count = equilibria(m, v, g_eq, stability, cap);
    return MN_OK;
}

/* ------------------------------------------------------------------ transition */

/* equilibrium voltage v*(g) for an interior state (rate(g, v*) = 0); NaN if none */
static double vstar(const mn_meanfield_model *m, double g)
{
    const double *p = m->p;
    switch (m->kind) {
    case MN_MEANFIELD_MIRANDA: {
        double e = p[MN__MIR_ETAP] + p[MN__MIR_ETAD];
        if (e == 0) return NAN;
        double u = log(p[MN__MIR_KD] * g / (p[MN__MIR_KP] * (1 - g))) / e;
        return p[MN__MIR_DRIVE] == 0 ? u * (1 + p[MN__MIR_CHI] * g) : u;
    }
    case MN_MEANFIELD_HILLOCK: {
        if (p[MN__HIL_MU] == 0) return NAN;
        double f = p[MN__HIL_DRIVE] == 0 ? expm1(-p[MN__HIL_A] * (1 - g)) : 0;
        return p[MN__HIL_KAPPA] * g * (1 - g) * (1 + p[MN__HIL_CHI] * f) / p[MN__HIL_MU];
    }
    case MN_MEANFIELD_LINEAR:
        if (p[MN__LIN_K] == 0) return NAN;
        return p[MN__LIN_ALPHA] * g * (1 - p[MN__LIN_CHI] * g) / p[MN__LIN_K];
    }
    return NAN;
}

/* refine a local extremum of v* in [a, b] by golden-section search; sgn = +1 for a maximum */
static double refine_extremum(const mn_meanfield_model *m, double a, double b, int sgn, double *gx)
{
    const double r = 0.6180339887498949;
    double x1 = b - r * (b - a), x2 = a + r * (b - a);
    double f1 = sgn * vstar(m, x1), f2 = sgn * vstar(m, x2);
    for (int i = 0; i < 200 && b - a > 1e-15; i++) {
        if (f1 < f2) {
            a = x1;
            x1 = x2;
            f1 = f2;
            x2 = a + r * (b - a);
            f2 = sgn * vstar(m, x2);
        } else {
            b = x2;
            x2 = x1;
            f2 = f1;
            x1 = b - r * (b - a);
            f1 = sgn * vstar(m, x1);
        }
    }
    *gx = 0.5 * (a + b);
    return vstar(m, *gx);
}

typedef struct vstar_arg {
    const mn_meanfield_model *m;
    double v;
} vstar_arg;

static double vstar_minus(double g, void *ud)
{
    const vstar_arg *a = ud;
    return vstar(a->m, g) - a->v;
}

/* V(low) - V(high) for the two outermost stable states at v, found branch by branch: between
 * consecutive folds gf[0..nf-1] (increasing) v*(g) is monotone, so it has at most one root of
 * v*(g) = v there, stable where v* increases (the rate grows with v). Unlike the grid scan of
 * equilibria() this also resolves two roots closer than one grid cell, as at v just inside a
 * fold (issue 15 item 2: linear, chi = 0.6). Returns 0 if there are fewer than two stable
 * states or v* is not defined. */
static int depth_difference_branches(const mn_meanfield_model *m, double v, const double *gf,
                                     int nf, double *dV)
{
    double lo, hi;
    mn__mf_range(m, &lo, &hi);
    vstar_arg va = { m, v };
    double glo = NAN, ghi = NAN;
    if (mn__mf_rate(m, lo, v) < 0) glo = ghi = lo;
    for (int j = 0; j <= nf; j++) {
        double a = j == 0 ? lo : gf[j - 1], b = j == nf ? hi : gf[j];
        double fa = vstar_minus(a, &va), fb = vstar_minus(b, &va);
        if (isnan(fa) || isnan(fb)) return 0;
        if (fa == fb || (fa > 0) == (fb > 0)) continue;
        if (!(fb > fa)) continue; /* decreasing branch: unstable */
        double z = (isfinite(fa) && isfinite(fb)) ? mn__root(vstar_minus, &va, a, b, fa, fb)
                                                 : NAN;
        if (!isfinite(z)) { /* an infinite end (miranda at g = 0, 1): bisect by hand */
            double x0 = a, x1 = b;
            for (int it = 0; it < 200 && x1 - x0 > 1e-15; it++) {
                double c = 0.5 * (x0 + x1), fc = vstar_minus(c, &va);
                if (isnan(fc)) return 0;
                if (fc < 0) x0 = c;
                else x1 = c;
            }
            z = 0.5 * (x0 + x1);
        }
        if (isnan(glo)) glo = z;
        ghi = z;
    }
    if (mn__mf_rate(m, hi, v) > 0) {
        if (isnan(glo)) glo = hi;
        ghi = hi;
    }
    if (isnan(glo) || !(ghi > glo)) return 0;
    rate_arg a = { m, v };
    *dV = mn__integrate(rate_at, &a, glo, ghi, 1e-12);
    return 1;
}

mn_status mn_meanfield_transition(const mn_meanfield_model *m, double v_lo, double v_hi, int *order,
                                  double *v_th, double *v_fold1, double *v_fold2)
{
    if (!m || !order || !v_th) return m ? mn__error(m->ctx, MN_ERR_INVALID,
                                                    "transition: NULL output") : MN_ERR_INVALID;
    if (!(isfinite(v_lo) && isfinite(v_hi) && v_lo < v_hi))
        return mn__error(m->ctx, MN_ERR_RANGE, "voltage range [%g, %g] must be finite with "
                         "v_lo < v_hi", v_lo, v_hi);
    double lo, hi;
    mn__mf_range(m, &lo, &hi);
    const int N = MN__GRID;
    double prev = NAN, prevd = 0;
    double vmin = INFINITY, vmax = -INFINITY;
    int nfold = 0;
    double gfold[64];
    double gprev2 = lo;
    for (int i = 1; i < N; i++) {
        double g = lo + (hi - lo) * i / N;
        double vs = vstar(m, g);
        if (!isfinite(vs)) {
            prev = NAN;
            continue;
        }
        if (isfinite(prev)) {
            double d = vs - prev;
            if (prevd != 0 && d != 0 && (d > 0) != (prevd > 0)) {
                /* extremum between the previous two cells */
                double gx, ve = refine_extremum(m, gprev2, g, prevd > 0 ? 1 : -1, &gx);
                if (ve < vmin) vmin = ve;
                if (ve > vmax) vmax = ve;
                if (nfold < 64) gfold[nfold] = gx;
                nfold++;
            }
            if (d != 0) prevd = d;
        }
        gprev2 = lo + (hi - lo) * (i - 1) / N;
        prev = vs;
    }
    if (nfold == 0) {
        *order = MN_MEANFIELD_CONTINUOUS;
        if (v_fold1) *v_fold1 = NAN;
        if (v_fold2) *v_fold2 = NAN;
        double vt = vstar(m, 0.5 * (lo + hi));
        *v_th = (isfinite(vt) && vt >= v_lo && vt <= v_hi) ? vt : NAN;
        return MN_OK;
    }
    *order = MN_MEANFIELD_FIRST_ORDER;
    if (nfold == 1) {
        /* a single fold: the bistable window runs from the fold to the nearer of the two end
         * values of v* (beyond it only one branch has a root) */
        double e0 = vstar(m, lo), e1 = vstar(m, hi);
        if (!isfinite(e0)) e0 = vstar(m, lo + (hi - lo) / N);
        if (!isfinite(e1)) e1 = vstar(m, hi - (hi - lo) / N);
        if (prevd < 0) /* v* ends decreasing: the fold was a maximum */
            vmin = fmax(e0, e1);
        else
            vmax = fmin(e0, e1);
    }
    if (v_fold1) *v_fold1 = vmin;
    if (v_fold2) *v_fold2 = vmax;
    /* Maxwell voltage inside the bistable window */
    double a = vmax > vmin ? vmin + 1e-9 * (vmax - vmin) : vmin, b = vmax - 1e-9 * (vmax - vmin);
    double da, db;
    int nf = nfold < 64 ? nfold : 64;
    *v_th = NAN;
    if (depth_difference_branches(m, a, gfold, nf, &da) &&
        depth_difference_branches(m, b, gfold, nf, &db) && (da < 0) != (db < 0)) {
        for (int it = 0; it < 100 && b - a > 1e-14 * fmax(1, fabs(a)); it++) {
            double c = 0.5 * (a + b), dc;
            if (!depth_difference_branches(m, c, gfold, nf, &dc)) break;
            if ((dc < 0) == (da < 0)) {
                a = c;
                da = dc;
            } else
                b = c;
        }
        double vt = 0.5 * (a + b);
        if (vt >= v_lo && vt <= v_hi) *v_th = vt;
    }
    return MN_OK;
}

mn_status mn_meanfield_sweep(const mn_meanfield_model *m, const double *v, size_t n,
                             double g_start, double *g_eq, double *G_eq)
{
    if (!m) return MN_ERR_INVALID;
    if (n && (!v || !g_eq)) return mn__error(m->ctx, MN_ERR_INVALID, "sweep: NULL array");
    double lo, hi;
    mn__mf_range(m, &lo, &hi);
    if (!(g_start >= lo && g_start <= hi))
        return mn__error(m->ctx, MN_ERR_RANGE, "sweep: start state %g outside [%g, %g]", g_start,
                         lo, hi);
    double g = g_start;
    double geq[256];
    int st[256];
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            return mn__error(m->ctx, MN_ERR_RANGE, "sweep: voltage v[%zu] = %g is not finite", i,
                             v[i]);
        size_t c = equilibria(m, v[i], geq, st, 256);
        if (c > 256) c = 256;
        double r = mn__mf_rate(m, g, v[i]);
        if (g <= lo && r < 0) r = 0;
        if (g >= hi && r > 0) r = 0;
        double next = g;
        if (r > 0) {
            next = hi;
            for (size_t k = 0; k < c; k++)
                if (st[k] == MN_MEANFIELD_STABLE && geq[k] >= g) {
                    next = geq[k];
                    break;
                }
        } else if (r < 0) {
            next = lo;
            for (size_t k = c; k-- > 0;)
                if (st[k] == MN_MEANFIELD_STABLE && geq[k] <= g) {
                    next = geq[k];
                    break;
                }
        }
        g = next;
        g_eq[i] = g;
        if (G_eq) G_eq[i] = mn__mf_conductance(m, g);
    }
    return MN_OK;
}
