/* Analysis: maximum-likelihood power-law fits of continuous data with the lower cut-off
 * chosen by the Kolmogorov-Smirnov distance (Clauset, Shalizi, Newman, SIAM Rev. 51 (2009)
 * 661, "CSN"), as used for the IEI tails of 003 Fig. 6a-c. */
#include "analysis-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct mn_powerlaw {
    mn_context *ctx;
    /* options */
    double xmin_fixed;
    size_t min_tail;
    size_t max_candidates;
    size_t bootstrap;
    size_t gof;
    uint64_t seed;
    int discrete;
    /* results */
    int done;
    double alpha, alpha_err, xmin, ks;
    size_t n_tail;
    double alpha_boot, xmin_boot, p_value;
};

typedef struct pl_result {
    double alpha, xmin, ks;
    size_t n_tail;
} pl_result;

mn_status mn_powerlaw_new(mn_powerlaw **out, mn_context *ctx)
{
    if (!out) return mn__error(ctx, MN_ERR_INVALID, "mn_powerlaw_new: out is NULL");
    *out = NULL;
    if (!ctx) return MN_ERR_INVALID;
    mn_powerlaw *p = mn__calloc_or_err(ctx, 1, sizeof *p, "power-law fit");
    if (!p) return MN_ERR_NOMEM;
    p->ctx = ctx;
    p->min_tail = 10;
    p->seed = 1;
    p->alpha_boot = p->xmin_boot = p->p_value = -1;
    *out = p;
    return MN_OK;
}

void mn_powerlaw_free(mn_powerlaw *fit)
{
    if (fit) mn__free(fit->ctx, fit);
}

mn_status mn_powerlaw_set(mn_powerlaw *fit, mn_powerlaw_option option, double value)
{
    if (!fit) return MN_ERR_INVALID;
    mn_context *ctx = fit->ctx;
    static const char *names[] = { "XMIN",        "MIN_TAIL", "MAX_CANDIDATES", "BOOTSTRAP",
                                   "GOF_SAMPLES", "DISCRETE" };
    if ((int)option < 0 || (int)option > 5)
        return mn__error(ctx, MN_ERR_INVALID, "power-law fit: unknown option %d", (int)option);
    if (option == MN_POWERLAW_XMIN) {
        if (!isfinite(value) || value < 0)
            return mn__error(ctx, MN_ERR_RANGE,
                             "power-law option XMIN = %g must be finite and >= 0 (0 = scan)", value);
        fit->xmin_fixed = value;
        return MN_OK;
    }
    if (option == MN_POWERLAW_DISCRETE) {
        if (value != 0 && value != 1)
            return mn__error(ctx, MN_ERR_RANGE, "power-law option DISCRETE = %g must be 0 or 1",
                             value);
        fit->discrete = value == 1;
        return MN_OK;
    }
    double lowest = option == MN_POWERLAW_MIN_TAIL ? 2 : 0;
    if (!isfinite(value) || value != floor(value) || value < lowest || value > 1e15)
        return mn__error(ctx, MN_ERR_RANGE, "power-law option %s = %g must be an integer >= %g",
                         names[option], value, lowest);
    size_t v = (size_t)value;
    switch (option) {
    case MN_POWERLAW_MIN_TAIL: fit->min_tail = v; break;
    case MN_POWERLAW_MAX_CANDIDATES: fit->max_candidates = v; break;
    case MN_POWERLAW_BOOTSTRAP: fit->bootstrap = v; break;
    case MN_POWERLAW_GOF_SAMPLES: fit->gof = v; break;
    default: break;
    }
    return MN_OK;
}

void mn_powerlaw_set_seed(mn_powerlaw *fit, uint64_t seed)
{
    if (fit) fit->seed = seed;
}

double mn_powerlaw_alpha(const mn_powerlaw *fit) { return fit && fit->done ? fit->alpha : 0; }
double mn_powerlaw_alpha_err(const mn_powerlaw *fit) { return fit && fit->done ? fit->alpha_err : 0; }
double mn_powerlaw_xmin(const mn_powerlaw *fit) { return fit && fit->done ? fit->xmin : 0; }
double mn_powerlaw_ks(const mn_powerlaw *fit) { return fit && fit->done ? fit->ks : 0; }
size_t mn_powerlaw_n_tail(const mn_powerlaw *fit) { return fit && fit->done ? fit->n_tail : 0; }
double mn_powerlaw_alpha_boot_err(const mn_powerlaw *fit)
{
    return fit && fit->done ? fit->alpha_boot : -1;
}
double mn_powerlaw_xmin_boot_err(const mn_powerlaw *fit)
{
    return fit && fit->done ? fit->xmin_boot : -1;
}
double mn_powerlaw_p_value(const mn_powerlaw *fit) { return fit && fit->done ? fit->p_value : -1; }

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* KS distance between the empirical CDF of the sorted tail y[0..m-1] (ties grouped; ly[j] =
 * ln y[j]) and the fitted CDF P(x) = 1 - (x/xmin)^(1-alpha). O(m). The scan
 * stops as soon as the distance exceeds `bound` (the best distance so far): such a candidate
 * cannot win, so the result of the x_min scan is unchanged. */
static double ks_tail(const double *y, const double *ly, size_t m, double lxmin, double alpha,
                      double bound)
{
    double d = 0;
    size_t j = 0;
    double e1 = 1.0 - alpha;
    while (j < m) {
        size_t e = j + 1;
        while (e < m && y[e] == y[j]) e++;
        double F = 1.0 - exp(e1 * (ly[j] - lxmin));
        double lo = fabs((double)j / (double)m - F), hi = fabs((double)e / (double)m - F);
        if (lo > d) d = lo;
        if (hi > d) d = hi;
        if (d > bound) return d;
        j = e;
    }
    return d;
}

/* Discrete version: the CDF P(x) = 1 - zeta(alpha, x + 1)/zeta(alpha, xmin) on integers. Both
 * step functions are compared at each distinct value v (after its jump) and at v - 1 (just
 * before it, where the gap since the previous value ends): this is the supremum over all
 * integers, since between data values S is constant and P increases. */
static double ks_tail_discrete(const double *y, size_t m, double xmin, double alpha, double bound)
{
    double zmin = mn__hurwitz_zeta(alpha, xmin);
    double d = 0, prev_v = -1, z_after_prev = zmin; /* zeta(alpha, prev_v + 1) */
    size_t j = 0;
    while (j < m) {
        size_t e = j + 1;
        while (e < m && y[e] == y[j]) e++;
        double v = y[j];
        double z_at = (v == prev_v + 1 || j == 0) ? z_after_prev : mn__hurwitz_zeta(alpha, v);
        double z_after = mn__hurwitz_zeta(alpha, v + 1);
        double before = fabs((double)j / (double)m - (1.0 - z_at / zmin));
        double at = fabs((double)e / (double)m - (1.0 - z_after / zmin));
        if (before > d) d = before;
        if (at > d) d = at;
        if (d > bound) return d;
        prev_v = v;
        z_after_prev = z_after;
        j = e;
    }
    return d;
}

/* alpha and KS distance of the tail x[i..m-1] at x_min = x[i] (or v for a fixed x_min);
 * returns 0 if the tail has a single distinct value. */
static int fit_tail(double *alpha, double *ks, int discrete, const double *x, const double *lx,
                    const double *lsum, size_t i, size_t m, double v, double bound)
{
    size_t nt = m - i;
    double lv = log(v);
    double den = lsum[i] - (double)nt * lv;
    if (!(den > 0)) return 0;
    if (discrete) {
        *alpha = mn__zeta_mle(v, lsum[i] / (double)nt);
        *ks = ks_tail_discrete(x + i, nt, v, *alpha, bound);
    } else {
        *alpha = 1.0 + (double)nt / den;
        *ks = ks_tail(x + i, lx + i, nt, lv, *alpha, bound);
    }
    return 1;
}

/* Evaluate `picks` of the `ncand` x_min candidates (starts of groups of equal values with a
 * tail of >= min_tail values), evenly spread: candidate c is used when
 * c == floor(p * ncand / picks) for p = 0, 1, ... Keeps the smallest KS distance in *best
 * (ties: the smaller x_min). */
static void scan_candidates(pl_result *best, int discrete, const double *x, const double *lx,
                            const double *lsum, size_t m, size_t min_tail, size_t ncand,
                            size_t picks)
{
    size_t c = 0, next_pick = 0, picked = 0;
    for (size_t i = 0; i + min_tail <= m; i++) {
        if (i > 0 && x[i] == x[i - 1]) continue;
        if (c == next_pick) {
            picked++;
            next_pick = (size_t)(((double)picked * (double)ncand) / (double)picks);
            size_t nt = m - i;
            double a, d;
            if (fit_tail(&a, &d, discrete, x, lx, lsum, i, m, x[i], best->ks)) {
                if (d < best->ks || (d == best->ks && x[i] < best->xmin)) {
                    best->alpha = a;
                    best->xmin = x[i];
                    best->ks = d;
                    best->n_tail = nt;
                }
            }
        }
        c++;
    }
}

/* Fit sorted positive data x[0..m-1] (ascending). `lsum` (m + 1 doubles) and `lx` (m
 * doubles) are work space.
 * Returns MN_OK and *res, or an error code without a message (the caller words it):
 * MN_ERR_INVALID (no usable candidate), MN_ERR_RANGE (fixed xmin above the data). */
static mn_status fit_sorted(pl_result *res, const mn_powerlaw *opt, const double *x, size_t m,
                            double *lsum, double *lx)
{
    /* ln x, and suffix sums lsum[i] = sum_{j >= i} ln x_j, summed from the largest */
    lsum[m] = 0;
    for (size_t i = m; i-- > 0;) {
        lx[i] = log(x[i]);
        lsum[i] = lsum[i + 1] + lx[i];
    }
    pl_result best = { 0, 0, INFINITY, 0 };
    if (opt->xmin_fixed > 0) {
        size_t i = 0;
        while (i < m && x[i] < opt->xmin_fixed) i++;
        if (i == m) return MN_ERR_RANGE;
        size_t nt = m - i;
        double v = opt->xmin_fixed;
        if (nt < 2 || !fit_tail(&best.alpha, &best.ks, opt->discrete, x, lx, lsum, i, m, v,
                                INFINITY))
            return MN_ERR_INVALID;
        best.xmin = v;
        best.n_tail = nt;
        *res = best;
        return MN_OK;
    }
    if (m < opt->min_tail) return MN_ERR_INVALID;
    /* candidates: starts of groups of equal values with a tail of >= min_tail values */
    size_t ncand = 0;
    for (size_t i = 0; i + opt->min_tail <= m; i++)
        if (i == 0 || x[i] != x[i - 1]) ncand++;
    if (ncand == 0) return MN_ERR_INVALID;
    size_t picks = ncand;
    if (opt->max_candidates > 0 && ncand > opt->max_candidates) picks = opt->max_candidates;
    /* A first pass over 1024 evenly spread candidates finds a small KS distance early, so that
     * the full pass can abandon most candidates after a few points (exact: see ks_tail). */
    if (picks > 4096)
        scan_candidates(&best, opt->discrete, x, lx, lsum, m, opt->min_tail, ncand, 1024);
    scan_candidates(&best, opt->discrete, x, lx, lsum, m, opt->min_tail, ncand, picks);
    if (!isfinite(best.ks)) return MN_ERR_INVALID;
    *res = best;
    return MN_OK;
}

/* Copy the positive values of x, sort them. */
static size_t positives_sorted(double *dst, const double *x, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (x[i] > 0) dst[m++] = x[i];
    qsort(dst, m, sizeof *dst, cmp_double);
    return m;
}

mn_status mn_powerlaw_fit(mn_powerlaw *fit, const double *x, size_t n)
{
    mn_status st = MN_OK;
    if (!fit) return MN_ERR_INVALID;
    mn_context *ctx = fit->ctx;
    double *sorted = NULL, *work = NULL, *lsum = NULL, *body = NULL, *samp = NULL, *lx = NULL;
    fit->done = 0;
    fit->alpha_boot = fit->xmin_boot = fit->p_value = -1;
    if (!x && n > 0) return mn__error(ctx, MN_ERR_INVALID, "mn_powerlaw_fit: x is NULL");
    if (n == 0) return mn__error(ctx, MN_ERR_INVALID, "power-law fit: no data (n = 0)");
    MN__TRY(mn__check_finite(ctx, "x", x, n));
    for (size_t i = 0; i < n; i++) {
        if (x[i] < 0)
            return mn__error(ctx, MN_ERR_INVALID, "power-law fit: x[%zu] = %g must be >= 0", i,
                             x[i]);
        if (fit->discrete && x[i] != floor(x[i]))
            return mn__error(ctx, MN_ERR_INVALID,
                             "discrete power-law fit: x[%zu] = %.17g is not an integer", i, x[i]);
    }
    if (fit->discrete && fit->xmin_fixed > 0 && fit->xmin_fixed != floor(fit->xmin_fixed))
        return mn__error(ctx, MN_ERR_INVALID,
                         "discrete power-law fit: fixed x_min %g is not an integer",
                         fit->xmin_fixed);
    sorted = mn__malloc_or_err(ctx, n, sizeof(double), "power-law data");
    work = mn__malloc_or_err(ctx, n, sizeof(double), "power-law resample");
    samp = mn__malloc_or_err(ctx, n, sizeof(double), "power-law sample");
    lsum = mn__malloc_or_err(ctx, n + 1, sizeof(double), "power-law sums");
    lx = mn__malloc_or_err(ctx, n, sizeof(double), "power-law logarithms");
    if (!sorted || !work || !lsum || !samp || !lx) MN__FAIL(MN_ERR_NOMEM);
    size_t m = positives_sorted(sorted, x, n);
    if (fit->xmin_fixed == 0 && m < fit->min_tail)
        MN__FAIL(mn__error(ctx, MN_ERR_INVALID,
                           "power-law fit: %zu positive values, fewer than the minimum tail %zu",
                           m, fit->min_tail));
    pl_result r;
    st = fit_sorted(&r, fit, sorted, m, lsum, lx);
    if (st == MN_ERR_RANGE)
        MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "power-law fit: fixed x_min %g is above every value",
                           fit->xmin_fixed));
    if (st != MN_OK)
        MN__FAIL(fit->xmin_fixed > 0
                     ? mn__error(ctx, MN_ERR_INVALID,
                                 "power-law fit: the values >= fixed x_min %g are fewer than 2 "
                                 "or all equal", fit->xmin_fixed)
                     : mn__error(ctx, MN_ERR_INVALID,
                                 "power-law fit: no tail of >= %zu values with two distinct "
                                 "values among %zu positive values",
                                 fit->min_tail, m));
    fit->alpha = r.alpha;
    fit->xmin = r.xmin;
    fit->ks = r.ks;
    fit->n_tail = r.n_tail;
    /* CSN standard errors: (alpha - 1)/sqrt(n) for continuous data; for discrete data the
     * inverse square root of the Fisher information n d^2/dalpha^2 ln zeta(alpha, x_min) */
    fit->alpha_err = fit->discrete ? mn__zeta_mle_err(r.alpha, r.xmin, r.n_tail)
                                   : (r.alpha - 1.0) / sqrt((double)r.n_tail);

    mn__rng_state rng;
    if (fit->bootstrap > 0) {
        /* non-parametric bootstrap: resample the n values with replacement, refit */
        mn__rng_seed(&rng, fit->seed, 0x626f6f74ULL);
        double sa = 0, sa2 = 0, sx = 0, sx2 = 0;
        size_t ok = 0;
        for (size_t b = 0; b < fit->bootstrap; b++) {
            for (size_t i = 0; i < n; i++) work[i] = x[mn__rng_below(&rng, n)];
            size_t mb = positives_sorted(samp, work, n);
            pl_result rb;
            if (fit_sorted(&rb, fit, samp, mb, lsum, lx) != MN_OK) continue;
            ok++;
            sa += rb.alpha;
            sa2 += rb.alpha * rb.alpha;
            sx += rb.xmin;
            sx2 += rb.xmin * rb.xmin;
        }
        if (ok >= 2) {
            double k = (double)ok;
            fit->alpha_boot = sqrt(fmax(0.0, (sa2 - sa * sa / k) / (k - 1)));
            fit->xmin_boot = sqrt(fmax(0.0, (sx2 - sx * sx / k) / (k - 1)));
        }
    }
    if (fit->gof > 0) {
        /* CSN goodness-of-fit test: synthetic sets of n values; with probability n_tail/n a draw from the
         * fitted power law (inverse transform x = x_min (1-u)^(-1/(alpha-1))), otherwise a
         * value drawn uniformly from the data below x_min; p = fraction with KS >= observed. */
        mn__rng_seed(&rng, fit->seed, 0x676f66ULL);
        size_t nb = 0;
        for (size_t i = 0; i < n; i++)
            if (x[i] < r.xmin) nb++;
        if (nb > 0) {
            body = mn__malloc_or_err(ctx, nb, sizeof(double), "power-law body");
            if (!body) MN__FAIL(MN_ERR_NOMEM);
            nb = 0;
            for (size_t i = 0; i < n; i++)
                if (x[i] < r.xmin) body[nb++] = x[i];
        }
        double ptail = (double)r.n_tail / (double)n;
        double zmin = fit->discrete ? mn__hurwitz_zeta(r.alpha, r.xmin) : 0;
        size_t larger = 0, done = 0;
        for (size_t g = 0; g < fit->gof; g++) {
            for (size_t i = 0; i < n; i++) {
                int tail = nb == 0 || mn__rng_uniform(&rng) < ptail;
                double u = mn__rng_uniform(&rng);
                if (tail && fit->discrete)
                    work[i] = mn__zeta_sample(r.alpha, r.xmin, zmin, u);
                else if (tail)
                    work[i] = r.xmin * pow(1.0 - u, -1.0 / (r.alpha - 1.0));
                else
                    work[i] = body[mn__rng_below(&rng, nb)];
            }
            size_t mb = positives_sorted(samp, work, n);
            pl_result rg;
            if (fit_sorted(&rg, fit, samp, mb, lsum, lx) != MN_OK) continue;
            done++;
            if (rg.ks >= r.ks) larger++;
        }
        if (done > 0) fit->p_value = (double)larger / (double)done;
    }
    fit->done = 1;
cleanup:
    mn__free(ctx, sorted);
    mn__free(ctx, work);
    mn__free(ctx, samp);
    mn__free(ctx, lsum);
    mn__free(ctx, lx);
    mn__free(ctx, body);
    return st;
}
