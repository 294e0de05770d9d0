/* Caravelli-Barucca circuit (002, 004): fixed points, S_c, Lyapunov functional, Curie-Weiss
 * mean field, rule (16), susceptibility, exact equations of motion. */
#include "meanfield-private.h"

#include <math.h>
#include <string.h>

struct mn_meanfield_cb {
    mn_context *ctx;
    size_t n;
    double Ron, Roff, Rref, Rint, alpha, gamma;
    double xi, chi, rho;
};

mn_status mn_meanfield_cb_new(mn_meanfield_cb **out, mn_context *ctx, size_t n, double R_on,
                              double R_off, double R_ref, double R_int, double alpha, double gamma)
{
    if (out) *out = NULL;
    if (!ctx) return MN_ERR_INVALID;
    if (!out) return mn__error(ctx, MN_ERR_INVALID, "out is NULL");
    if (n < 1 || n > (size_t)INT32_MAX)
        return mn__error(ctx, MN_ERR_RANGE, "circuit size n = %zu must be in [1, 2^31)", n);
    if (!(isfinite(R_on) && R_on > 0))
        return mn__error(ctx, MN_ERR_RANGE, "R_on = %g must be finite and > 0", R_on);
    if (!(isfinite(R_off) && R_off > R_on))
        return mn__error(ctx, MN_ERR_RANGE, "R_off = %g must be finite and > R_on = %g", R_off, R_on);
    if (!(isfinite(R_ref) && R_ref >= 0))
        return mn__error(ctx, MN_ERR_RANGE, "R_ref = %g must be finite and >= 0", R_ref);
    if (!(isfinite(R_int) && R_int >= 0) || R_int + R_ref <= 0)
        return mn__error(ctx, MN_ERR_RANGE, "R_int = %g must be finite, >= 0, and R_int + R_ref > 0",
                         R_int);
    if (!(isfinite(alpha) && alpha != 0))
        return mn__error(ctx, MN_ERR_RANGE, "alpha = %g must be finite and non-zero", alpha);
    if (!(isfinite(gamma) && gamma > 0))
        return mn__error(ctx, MN_ERR_RANGE, "gamma = %g must be finite and > 0", gamma);
    mn_meanfield_cb *cb = mn__calloc_or_err(ctx, 1, sizeof *cb, "Caravelli-Barucca circuit");
    if (!cb) return MN_ERR_NOMEM;
    cb->ctx = ctx;
    cb->n = n;
    cb->Ron = R_on;
    cb->Roff = R_off;
    cb->Rref = R_ref;
    cb->Rint = R_int;
    cb->alpha = alpha;
    cb->gamma = gamma;
    /* 002 eq. (10) */
    cb->xi = (R_off - R_on) / R_on;
    cb->chi = (R_on + R_ref) / R_on;
    cb->rho = R_ref * R_ref / (R_on * (R_int + R_ref));
    *out = cb;
    return MN_OK;
}

void mn_meanfield_cb_free(mn_meanfield_cb *cb)
{
    if (cb) mn__free(cb->ctx, cb);
}

size_t mn_meanfield_cb_size(const mn_meanfield_cb *cb) { return cb ? cb->n : 0; }

void mn_meanfield_cb_coefficients(const mn_meanfield_cb *cb, double *xi, double *chi, double *rho)
{
    if (xi) *xi = cb ? cb->xi : NAN;
    if (chi) *chi = cb ? cb->chi : NAN;
    if (rho) *rho = cb ? cb->rho : NAN;
}

double mn_meanfield_cb_critical_voltage(const mn_meanfield_cb *cb)
{
    if (!cb) return NAN;
    /* 002 eq. (11) */
    return cb->alpha * cb->gamma *
           ((cb->Roff + cb->Rref) / cb->Ron - cb->Rref * cb->Rref / (cb->Ron * (cb->Rint + cb->Rref)));
}

/* roots of xi w^2 + c w - s = 0 (002 eq. (14)); returns 0 if none */
static int quad_roots(double xi, double c, double s, double *wp, double *wm)
{
    double disc = c * c / (4 * xi * xi) + s / xi;
    if (disc < 0) return 0;
    double r = sqrt(disc);
    /* numerically stable pair: product of roots = -s/xi */
    double q = -c / (2 * xi);
    double big = q + (q >= 0 ? r : -r);
    double other = big != 0 ? (-s / xi) / big : q;
    *wp = fmax(big, other);
    *wm = fmin(big, other);
    return 1;
}

mn_status mn_meanfield_cb_fixed_point(const mn_meanfield_cb *cb, double S, int interacting,
                                      double *w_plus, double *w_minus)
{
    if (!cb || !w_plus || !w_minus) return MN_ERR_INVALID;
    if (!isfinite(S)) return mn__error(cb->ctx, MN_ERR_RANGE, "voltage S = %g must be finite", S);
    double c = interacting ? cb->chi - cb->rho : cb->chi;
    double wp, wm;
    if (!quad_roots(cb->xi, c, S / (cb->alpha * cb->gamma), &wp, &wm)) {
        *w_plus = *w_minus = NAN;
        return mn__error(cb->ctx, MN_ERR_NOT_FOUND, "no real fixed point at S = %g", S);
    }
    *w_plus = wp;
    *w_minus = wm;
    return MN_OK;
}

static double S_of(const double *S, double S_all, size_t k) { return S ? S[k] : S_all; }

/* mean of the upper roots for a given <w> = mbar; returns NAN if some root is complex */
static double mean_upper(const mn_meanfield_cb *cb, const double *S, double mbar, double *w)
{
    double sum = 0;
    for (size_t k = 0; k < cb->n; k++) {
        double wp, wm;
        double s = S[k] / (cb->alpha * cb->gamma) + cb->rho * mbar;
        if (!quad_roots(cb->xi, cb->chi, s, &wp, &wm)) return NAN;
        if (w) w[k] = wp;
        sum += wp;
    }
    return sum / (double)cb->n;
}

mn_status mn_meanfield_cb_fixed_points(const mn_meanfield_cb *cb, const double *S, double *w)
{
    if (!cb) return MN_ERR_INVALID;
    if (!S || !w) return mn__error(cb->ctx, MN_ERR_INVALID, "fixed points: NULL array");
    for (size_t k = 0; k < cb->n; k++)
        if (!isfinite(S[k]))
            return mn__error(cb->ctx, MN_ERR_RANGE, "voltage S[%zu] = %g is not finite", k, S[k]);
    /* h(m) = mean_upper(m) - m; mean_upper has slope rho / (2 xi w + chi) < 1 where real, so
     * h is decreasing: bracket the root and bisect. */
    double smin = INFINITY;
    for (size_t k = 0; k < cb->n; k++) smin = fmin(smin, S[k] / (cb->alpha * cb->gamma));
    /* smallest m with all roots real: s_k + rho m >= -chi^2/(4 xi) */
    double mlow = cb->rho > 0 ? (-cb->chi * cb->chi / (4 * cb->xi) - smin) / cb->rho : -INFINITY;
    double a = isfinite(mlow) ? mlow : -1, fa = mean_upper(cb, S, a, NULL) - a;
    if (!isfinite(fa) && isfinite(mlow)) {
        a = mlow + 1e-12 * fmax(1, fabs(mlow));
        fa = mean_upper(cb, S, a, NULL) - a;
    }
    if (!isfinite(fa) || fa < 0) {
        if (cb->rho == 0) {
            return mn__error(cb->ctx, MN_ERR_NOT_FOUND, "no real fixed point (a voltage below "
                             "-alpha gamma chi^2/(4 xi) = %g)",
                             -cb->alpha * cb->gamma * cb->chi * cb->chi / (4 * cb->xi));
        }
        return mn__error(cb->ctx, MN_ERR_NOT_FOUND, "no real fixed point of 002 eq. (10) for these "
                         "voltages");
    }
    if (cb->rho == 0) {
        mean_upper(cb, S, 0, w);
        return MN_OK;
    }
    double b = fabs(a) + 1, fb = mean_upper(cb, S, b, NULL) - b;
    for (int i = 0; i < 200 && fb > 0; i++) {
        b = 2 * b + 1;
        fb = mean_upper(cb, S, b, NULL) - b;
    }
    if (!(fb <= 0)) return mn__error(cb->ctx, MN_ERR_NOT_FOUND, "fixed point not bracketed");
    for (int it = 0; it < 200 && b - a > 1e-15 * fmax(1, fabs(b)); it++) {
        double c = 0.5 * (a + b), fc = mean_upper(cb, S, c, NULL) - c;
        if (fc > 0) a = c;
        else b = c;
    }
    mean_upper(cb, S, 0.5 * (a + b), w);
    return MN_OK;
}

mn_status mn_meanfield_cb_residuals(const mn_meanfield_cb *cb, const double *w, const double *S,
                                    double S_all, double *r)
{
    if (!cb) return MN_ERR_INVALID;
    if (!w || !r) return mn__error(cb->ctx, MN_ERR_INVALID, "residuals: NULL array");
    double mean = 0;
    for (size_t k = 0; k < cb->n; k++) mean += w[k];
    mean /= (double)cb->n;
    for (size_t k = 0; k < cb->n; k++)
        r[k] = cb->xi * w[k] * w[k] + cb->chi * w[k] - cb->rho * mean -
               S_of(S, S_all, k) / (cb->alpha * cb->gamma);
    return MN_OK;
}

mn_status mn_meanfield_cb_lyapunov(const mn_meanfield_cb *cb, const double *w, const double *S,
                                   double S_all, double *H)
{
    if (!cb) return MN_ERR_INVALID;
    if (!w || !H) return mn__error(cb->ctx, MN_ERR_INVALID, "lyapunov: NULL array");
    double sum = 0, e = 0, sw = 0;
    for (size_t k = 0; k < cb->n; k++) {
        double x = w[k];
        sum += x;
        e += cb->xi * x * x * x / 3 + cb->chi * x * x / 2;
        sw += S_of(S, S_all, k) * x;
    }
    *H = e - cb->rho / (2.0 * (double)cb->n) * sum * sum - sw / (cb->alpha * cb->gamma);
    return MN_OK;
}

double mn_meanfield_cb_psi(const mn_meanfield_cb *cb, double S)
{
    if (!cb) return NAN;
    /* 002 eq. (17)/(62): psi = clamp(root of xi w^2 + chi w = S/(alpha gamma) + rho psi).
     * phi(psi) = argsup_w ((rho psi + s) w - E(w)) is nondecreasing with slope < 1 (chi > rho),
     * so psi - phi(psi) is increasing on [0, 1]: bisection. */
    double s = S / (cb->alpha * cb->gamma);
    double a = 0, b = 1;
    for (int it = 0; it < 200; it++) {
        double c = 0.5 * (a + b);
        double h = cb->rho * c + s, wp, wm, phi;
        if (h <= 0) phi = 0;
        else if (h >= cb->xi + cb->chi) phi = 1;
        else {
            quad_roots(cb->xi, cb->chi, h, &wp, &wm);
            phi = fmin(fmax(wp, 0), 1);
        }
        if (c - phi > 0) b = c;
        else a = c;
        if (b - a < 1e-16) break;
    }
    return 0.5 * (a + b);
}

mn_status mn_meanfield_cb_rule16(const mn_meanfield_cb *cb, double S, double lo, double hi,
                                 int interacting, double *w_star, double *w_inf)
{
    if (!cb || !w_inf) return MN_ERR_INVALID;
    if (!(isfinite(lo) && isfinite(hi) && lo < hi))
        return mn__error(cb->ctx, MN_ERR_RANGE, "initial range [%g, %g] must have lo < hi", lo, hi);
    if (!isfinite(S)) return mn__error(cb->ctx, MN_ERR_RANGE, "voltage S = %g must be finite", S);
    double c = interacting ? cb->chi - cb->rho : cb->chi, wp, wm, ws;
    if (!quad_roots(cb->xi, c, S / (cb->alpha * cb->gamma), &wp, &wm)) ws = -INFINITY;
    else ws = wp;
    if (w_star) *w_star = ws;
    double pr = (hi - ws) / (hi - lo);
    *w_inf = pr < 0 ? 0 : pr > 1 ? 1 : pr;
    return MN_OK;
}

double mn_meanfield_cb_susceptibility(const mn_meanfield_cb *cb, double t)
{
    if (!cb) return NAN;
    /* 002 eq. (12)/(45) */
    return cb->Ron / (2 * cb->gamma * sqrt(cb->alpha * (cb->Roff - cb->Ron))) * exp(-cb->alpha * t);
}

/* dw/dt and i of 002 eq. (34) by Sherman-Morrison; clamp: components at a bound pushed out are 0 */
static void rhs(const mn_meanfield_cb *cb, const double *w, const double *S, double S_all,
                double *dw, double *cur, int clamp)
{
    size_t n = cb->n;
    double c = cb->Rref * cb->Rref / ((double)n * (cb->Rint + cb->Rref));
    double sDS = 0, sD1 = 0;
    for (size_t k = 0; k < n; k++) {
        double d = cb->Rref + cb->Ron * (1 - w[k]) + cb->Roff * w[k];
        sDS += S_of(S, S_all, k) / d;
        sD1 += 1 / d;
    }
    double coef = c * sDS / (1 - c * sD1);
    for (size_t k = 0; k < n; k++) {
        double d = cb->Rref + cb->Ron * (1 - w[k]) + cb->Roff * w[k];
        double i = (S_of(S, S_all, k) + coef) / d;
        if (cur) cur[k] = i;
        if (dw) {
            double r = cb->alpha * w[k] - cb->Ron / cb->gamma * i;
            if (clamp && ((w[k] <= 0 && r < 0) || (w[k] >= 1 && r > 0))) r = 0;
            dw[k] = r;
        }
    }
}

mn_status mn_meanfield_cb_rhs(const mn_meanfield_cb *cb, const double *w, const double *S,
                              double S_all, double *dwdt, double *i)
{
    if (!cb) return MN_ERR_INVALID;
    if (!w) return mn__error(cb->ctx, MN_ERR_INVALID, "rhs: NULL state");
    rhs(cb, w, S, S_all, dwdt, i, 0);
    return MN_OK;
}

mn_status mn_meanfield_cb_integrate(const mn_meanfield_cb *cb, double *w, const double *S,
                                    double S_all, double t_end, double dt, double *H_trace)
{
    if (!cb) return MN_ERR_INVALID;
    mn_context *ctx = cb->ctx;
    if (!w) return mn__error(ctx, MN_ERR_INVALID, "integrate: NULL state");
    if (!(isfinite(t_end) && t_end > 0) || !(isfinite(dt) && dt > 0))
        return mn__error(ctx, MN_ERR_RANGE, "integrate: t_end = %g and dt = %g must be > 0", t_end,
                         dt);
    double steps_d = floor(t_end / dt + 1e-9);
    if (steps_d > 1e9) return mn__error(ctx, MN_ERR_RANGE, "integrate: %g steps is too many", steps_d);
    size_t steps = (size_t)steps_d, n = cb->n;
    for (size_t k = 0; k < n; k++)
        if (!(w[k] >= 0 && w[k] <= 1))
            return mn__error(ctx, MN_ERR_RANGE, "integrate: w[%zu] = %g outside [0, 1]", k, w[k]);
    double *buf = mn__malloc_or_err(ctx, 5 * n, sizeof(double), "CB integration");
    if (!buf) return MN_ERR_NOMEM;
    double *k1 = buf, *k2 = buf + n, *k3 = buf + 2 * n, *k4 = buf + 3 * n, *tmp = buf + 4 * n;
    if (H_trace) mn_meanfield_cb_lyapunov(cb, w, S, S_all, &H_trace[0]);
    for (size_t s = 0; s < steps; s++) {
        rhs(cb, w, S, S_all, k1, NULL, 1);
        for (size_t k = 0; k < n; k++) tmp[k] = fmin(fmax(w[k] + 0.5 * dt * k1[k], 0), 1);
        rhs(cb, tmp, S, S_all, k2, NULL, 1);
        for (size_t k = 0; k < n; k++) tmp[k] = fmin(fmax(w[k] + 0.5 * dt * k2[k], 0), 1);
        rhs(cb, tmp, S, S_all, k3, NULL, 1);
        for (size_t k = 0; k < n; k++) tmp[k] = fmin(fmax(w[k] + dt * k3[k], 0), 1);
        rhs(cb, tmp, S, S_all, k4, NULL, 1);
        for (size_t k = 0; k < n; k++) {
            double x = w[k] + dt / 6 * (k1[k] + 2 * k2[k] + 2 * k3[k] + k4[k]);
            w[k] = fmin(fmax(x, 0), 1);
        }
        if (H_trace) mn_meanfield_cb_lyapunov(cb, w, S, S_all, &H_trace[s + 1]);
    }
    mn__free(ctx, buf);
    return MN_OK;
}
