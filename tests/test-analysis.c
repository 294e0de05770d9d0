/* Analysis: event detection, intervals, histograms, power-law fits, ACF, avalanches, moving
 * averages. Every check uses an independent reference: planted events, closed forms of the
 * generating processes (Pareto, Poisson, white noise, AR(1)), direct sums written here, or
 * hand-counted trains. */
#include "mn-test.h"
#include "analysis/analysis-private.h"

#include <stdlib.h>
#include <string.h>

static mn_context *ctx;

/* Seeds: fixed, shifted by $MN_TEST_SEED_OFFSET to check that tolerances are not tuned to one
 * sample (for k in $(seq 1 20); do MN_TEST_SEED_OFFSET=$k build/tests/test-analysis; done). */
static uint64_t seed(uint64_t s)
{
    const char *e = getenv("MN_TEST_SEED_OFFSET");
    return s + (e ? strtoull(e, NULL, 10) * 1000003ULL : 0);
}

static void setup(void) { ck_assert_int_eq(mn_context_new(&ctx), MN_OK); }
static void teardown(void) { mn_context_free(ctx); }

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Pareto(alpha, xmin) by inverse transform of memnet's RNG: x = xmin (1-u)^(-1/(alpha-1)) */
static void pareto(double *x, size_t n, double alpha, double xmin, mn_rng *rng)
{
    for (size_t i = 0; i < n; i++)
        x[i] = xmin * pow(1.0 - mn_rng_uniform(rng), -1.0 / (alpha - 1.0));
}

/* ------------------------------------------------------------------ events */

START_TEST(test_detect_staircase)
{
    /* a staircase with 25 planted steps of height +-[1, 3] at known samples, plus N(0, 0.02)
     * noise; an absolute threshold of 0.5 must find exactly the planted steps */
    enum { N = 5000, S = 25 };
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, seed(42), 0));
    static double t[N], x[N];
    size_t at[S];
    double h[S];
    for (int s = 0; s < S; s++) {
        at[s] = 100 + (size_t)s * 190 + mn_rng_below(rng, 50);
        double mag = 1.0 + 2.0 * mn_rng_uniform(rng);
        h[s] = (mn_rng_below(rng, 2) ? 1 : -1) * mag;
    }
    double level = 10.0;
    int s = 0;
    for (size_t i = 0; i < N; i++) {
        if (s < S && i == at[s]) level += h[s++];
        t[i] = 0.001 * (double)i;
        x[i] = level + 0.02 * mn_rng_normal(rng);
    }
    mn_event_train *ev = NULL;
    MN_ASSERT_OK(ctx, mn_analysis_detect_events(&ev, ctx, t, x, N, 0.5, MN_EVENT_ABSOLUTE,
                                                MN_EVENT_BOTH));
    ck_assert_uint_eq(mn_event_train_count(ev), S);
    const double *et = mn_event_train_times(ev), *es = mn_event_train_sizes(ev);
    const size_t *ei = mn_event_train_samples(ev);
    for (int k = 0; k < S; k++) {
        ck_assert_uint_eq(ei[k], at[k]);
        MN_ASSERT_REL(et[k], t[at[k]], 1e-15);
        MN_ASSERT_ABS(es[k], h[k], 0.2); /* difference of two noisy samples: sd 0.028 */
    }
    mn_event_train_free(ev);

    /* only rises / only falls */
    int ups = 0;
    for (int k = 0; k < S; k++) ups += h[k] > 0;
    MN_ASSERT_OK(ctx, mn_analysis_detect_events(&ev, ctx, t, x, N, 0.5, MN_EVENT_ABSOLUTE,
                                                MN_EVENT_UP));
    ck_assert_uint_eq(mn_event_train_count(ev), (size_t)ups);
    for (size_t k = 0; k < mn_event_train_count(ev); k++) ck_assert(mn_event_train_sizes(ev)[k] > 0);
    mn_event_train_free(ev);
    MN_ASSERT_OK(ctx, mn_analysis_detect_events(&ev, ctx, t, x, N, 0.5, MN_EVENT_ABSOLUTE,
                                                MN_EVENT_DOWN));
    ck_assert_uint_eq(mn_event_train_count(ev), (size_t)(S - ups));
    mn_event_train_free(ev);

    /* relative threshold on a rising staircase: level 10 .. < 90, steps >= 1, so every step
     * is a relative change > 1/90 > 0.01, while the multiplicative noise (sd 1e-4, difference
     * sd 1.4e-4) stays far below 0.01 */
    level = 10.0;
    s = 0;
    for (size_t i = 0; i < N; i++) {
        if (s < S && i == at[s]) level += fabs(h[s++]);
        x[i] = level * (1.0 + 1e-4 * mn_rng_normal(rng));
    }
    MN_ASSERT_OK(ctx, mn_analysis_detect_events(&ev, ctx, NULL, x, N, 0.01, MN_EVENT_RELATIVE,
                                                MN_EVENT_BOTH));
    ck_assert_uint_eq(mn_event_train_count(ev), S);
    for (int k = 0; k < S; k++) MN_ASSERT_REL(mn_event_train_times(ev)[k], (double)at[k], 0);
    mn_event_train_free(ev);
    mn_rng_free(rng);
}
END_TEST

START_TEST(test_event_train_from_log)
{
    double times[] = { 0.5, 1.0, 1.0, 2.5 };
    double sizes[] = { 1, -2, 3, 4 };
    mn_event_train *ev = NULL;
    MN_ASSERT_OK(ctx, mn_event_train_new(&ev, ctx, times, NULL, 4));
    ck_assert_uint_eq(mn_event_train_count(ev), 4);
    for (int i = 0; i < 4; i++) MN_ASSERT_REL(mn_event_train_sizes(ev)[i], 1.0, 0);
    ck_assert_ptr_null(mn_event_train_samples(ev));
    mn_event_train_free(ev);
    MN_ASSERT_OK(ctx, mn_event_train_new(&ev, ctx, times, sizes, 4));
    MN_ASSERT_REL(mn_event_train_sizes(ev)[1], -2.0, 0);
    MN_ASSERT_REL(mn_event_train_times(ev)[3], 2.5, 0);
    mn_event_train_free(ev);
    MN_ASSERT_OK(ctx, mn_event_train_new(&ev, ctx, NULL, NULL, 0));
    ck_assert_uint_eq(mn_event_train_count(ev), 0);
    ck_assert_ptr_null(mn_event_train_times(ev));
    mn_event_train_free(ev);
    mn_event_train_free(NULL);

    double iei[3];
    MN_ASSERT_OK(ctx, mn_analysis_intervals(iei, ctx, times, 4));
    MN_ASSERT_REL(iei[0], 0.5, 1e-15);
    MN_ASSERT_ABS(iei[1], 0.0, 0);
    MN_ASSERT_REL(iei[2], 1.5, 1e-15);
}
END_TEST

START_TEST(test_poisson_iei_exponential)
{
    /* A Poisson process on [0, T] conditioned on N events = N sorted uniform times. Its
     * intervals are exponential with rate N/T: check mean, variance and the KS distance
     * against 1 - exp(-rate x) (99% critical value 1.63/sqrt(n)). */
    enum { N = 20000 };
    const double T = 4000.0, rate = N / T;
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, seed(7), 1));
    double *tt = malloc(N * sizeof *tt), *iei = malloc(N * sizeof *iei);
    for (int i = 0; i < N; i++) tt[i] = T * mn_rng_uniform(rng);
    qsort(tt, N, sizeof *tt, cmp_d);
    MN_ASSERT_OK(ctx, mn_analysis_intervals(iei, ctx, tt, N));
    size_t m = N - 1;
    double mean = 0, var = 0;
    for (size_t i = 0; i < m; i++) mean += iei[i];
    mean /= (double)m;
    for (size_t i = 0; i < m; i++) var += (iei[i] - mean) * (iei[i] - mean);
    var /= (double)(m - 1);
    /* sd of the mean of exponentials = (1/rate)/sqrt(m); of the variance ~ sqrt(8/m)/rate^2 */
    MN_ASSERT_ABS(mean, 1.0 / rate, 4.0 / rate / sqrt((double)m));
    MN_ASSERT_ABS(var, 1.0 / (rate * rate), 4.0 * sqrt(8.0 / (double)m) / (rate * rate));
    qsort(iei, m, sizeof *iei, cmp_d);
    double d = 0;
    for (size_t i = 0; i < m; i++) {
        double F = 1.0 - exp(-rate * iei[i]);
        d = fmax(d, fmax(fabs((double)(i + 1) / (double)m - F), fabs((double)i / (double)m - F)));
    }
    ck_assert_msg(d < 1.63 / sqrt((double)m), "KS distance %g vs exponential", d);

    /* the log-binned density follows the exponential density: bin average of rate e^{-rate x}
     * is (F(b) - F(a))/(b - a); check bins holding >= 400 values to 4 sigma (Poisson) */
    enum { NB = 30 };
    double edges[NB + 1], dens[NB];
    size_t cnt[NB], out;
    MN_ASSERT_OK(ctx, mn_analysis_histogram(edges, dens, cnt, &out, ctx, iei, m, NB, MN_BINS_LOG,
                                            1e-3, 10.0 / rate));
    for (int k = 0; k < NB; k++) {
        if (cnt[k] < 400) continue;
        double a = edges[k], b = edges[k + 1];
        /* P(bin | inside [1e-3, 10/rate]) */
        double p = (exp(-rate * a) - exp(-rate * b)) / (exp(-rate * 1e-3) - exp(-10.0));
        double expect = p / (b - a);
        ck_assert_msg(fabs(dens[k] - expect) <= 4.0 * expect / sqrt((double)cnt[k]),
                      "bin %d [%g, %g): density %g, expected %g", k, a, b, dens[k], expect);
    }
    free(tt);
    free(iei);
    mn_rng_free(rng);
}
END_TEST

/* ------------------------------------------------------------------ histograms */

START_TEST(test_histogram_normalisation)
{
    enum { N = 3000, NB = 17 };
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, seed(3), 0));
    double x[N];
    for (int i = 0; i < N; i++) x[i] = exp(3.0 * mn_rng_normal(rng)); /* log-normal, wide */
    x[5] = 0.0;                                                     /* never in log bins */
    for (int scale = 0; scale < 2; scale++) {
        double edges[NB + 1], dens[NB];
        size_t cnt[NB], out;
        MN_ASSERT_OK(ctx, mn_analysis_histogram(edges, dens, cnt, &out, ctx, x, N, NB,
                                                (mn_bin_scale)scale, 0, 0));
        double integral = 0;
        size_t total = 0;
        for (int k = 0; k < NB; k++) {
            integral += dens[k] * (edges[k + 1] - edges[k]);
            total += cnt[k];
            /* direct count against the edges */
            size_t c = 0;
            for (int i = 0; i < N; i++)
                if (x[i] >= edges[k] && (x[i] < edges[k + 1] || (k == NB - 1 && x[i] <= edges[NB])))
                    c++;
            ck_assert_uint_eq(cnt[k], c);
        }
        MN_ASSERT_REL(integral, 1.0, 1e-12);
        ck_assert_uint_eq(total + out, N);
        ck_assert_uint_eq(out, scale == MN_BINS_LOG ? 1u : 0u);
        if (scale == MN_BINS_LOG) /* equal ratios */
            MN_ASSERT_REL(edges[1] / edges[0], edges[NB] / edges[NB - 1], 1e-12);
        else
            MN_ASSERT_REL(edges[1] - edges[0], edges[NB] - edges[NB - 1], 1e-9);
    }
    /* fixed range: values outside are reported, the rest integrates to 1 */
    double edges[5], dens[4];
    size_t out;
    double y[] = { -1, 0, 0.5, 1.0, 1.5, 2.0, 2.5 };
    MN_ASSERT_OK(ctx, mn_analysis_histogram(edges, dens, NULL, &out, ctx, y, 7, 4, MN_BINS_LINEAR,
                                            0.0, 2.0));
    ck_assert_uint_eq(out, 2);
    /* 5 values inside, width 0.5: each bin has one value except the last (1.5 and 2.0) */
    MN_ASSERT_REL(dens[0], 1.0 / (5 * 0.5), 1e-15);
    MN_ASSERT_REL(dens[3], 2.0 / (5 * 0.5), 1e-15);
    mn_rng_free(rng);
}
END_TEST

/* ------------------------------------------------------------------ power law */

START_TEST(test_powerlaw_pure_pareto)
{
    enum { N = 4000 };
    const double alphas[] = { 1.7, 2.5, 3.2 };
    double *x = malloc(N * sizeof *x);
    for (int a = 0; a < 3; a++) {
        mn_rng *rng;
        MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, seed(100 + (uint64_t)a), 2));
        pareto(x, N, alphas[a], 2.0, rng);
        mn_powerlaw *pl;
        MN_ASSERT_OK(ctx, mn_powerlaw_new(&pl, ctx));
        /* fixed x_min: the closed-form MLE written out here */
        MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_XMIN, 2.0));
        MN_ASSERT_OK(ctx, mn_powerlaw_fit(pl, x, N));
        double sl = 0;
        for (int i = 0; i < N; i++) sl += log(x[i] / 2.0);
        MN_ASSERT_REL(mn_powerlaw_alpha(pl), 1.0 + N / sl, 1e-12);
        MN_ASSERT_REL(mn_powerlaw_alpha_err(pl), (N / sl) / sqrt((double)N), 1e-12);
        ck_assert_uint_eq(mn_powerlaw_n_tail(pl), N);
        ck_assert_msg(fabs(mn_powerlaw_alpha(pl) - alphas[a]) < 3 * mn_powerlaw_alpha_err(pl),
                      "fixed x_min: alpha %g fit %g +- %g", alphas[a], mn_powerlaw_alpha(pl),
                      mn_powerlaw_alpha_err(pl));
        /* scanned x_min */
        MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_XMIN, 0));
        MN_ASSERT_OK(ctx, mn_powerlaw_fit(pl, x, N));
        /* sigma = (alpha-1)/sqrt(n_tail) is the error at a known x_min; choosing x_min from the
         * same data widens the spread a little, so 4 sigma here (3 sigma at fixed x_min is
         * checked through the closed form above) */
        double ah = mn_powerlaw_alpha(pl), se = mn_powerlaw_alpha_err(pl);
        ck_assert_msg(fabs(ah - alphas[a]) < 4 * se, "alpha %g: fit %g +- %g", alphas[a], ah, se);
        MN_ASSERT_REL(se, (ah - 1) / sqrt((double)mn_powerlaw_n_tail(pl)), 1e-12);
        /* every x_min >= 2 is correct for a pure Pareto sample and the KS scan may wander
         * above it; x_min recovery is checked on data with a body in the next test */
        ck_assert_msg(mn_powerlaw_xmin(pl) >= 2.0, "xmin %g", mn_powerlaw_xmin(pl));
        /* the KS distance of the chosen fit is below the 1% critical value of its tail */
        ck_assert(mn_powerlaw_ks(pl) < 1.63 / sqrt((double)mn_powerlaw_n_tail(pl)));
        mn_powerlaw_free(pl);
        mn_rng_free(rng);
    }
    free(x);
}
END_TEST

/* brute-force CSN scan written independently: every distinct value as x_min, tails >= 10 */
static void brute_csn(const double *x, size_t n, double *alpha, double *xmin, double *ks)
{
    double *s = malloc(n * sizeof *s);
    memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_d);
    double best = INFINITY;
    for (size_t i = 0; i + 10 <= n; i++) {
        if (i > 0 && s[i] == s[i - 1]) continue;
        size_t m = n - i;
        double sl = 0;
        for (size_t j = i; j < n; j++) sl += log(s[j] / s[i]);
        double a = 1 + (double)m / sl;
        double d = 0;
        for (size_t j = i; j < n; j++) {
            /* empirical CDF: fraction of tail values <= s[j] and < s[j] */
            size_t le = 0, lt = 0;
            for (size_t k = i; k < n; k++) {
                le += s[k] <= s[j];
                lt += s[k] < s[j];
            }
            double F = 1 - pow(s[j] / s[i], 1 - a);
            d = fmax(d, fmax(fabs((double)le / m - F), fabs((double)lt / m - F)));
        }
        if (d < best) {
            best = d;
            *alpha = a;
            *xmin = s[i];
        }
    }
    *ks = best;
    free(s);
}

START_TEST(test_powerlaw_body_and_tail)
{
    /* 3000 values uniform on [0.05, 1) below a Pareto(2.2) tail of 3000 values from x_min = 1:
     * the KS scan finds x_min near 1 and alpha within 3 sigma; the result equals the brute
     * force scan on a 400-value subset (ties included by rounding) */
    enum { NB = 3000, NT = 3000, N = NB + NT };
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, seed(11), 3));
    double *x = malloc(N * sizeof *x);
    for (int i = 0; i < NB; i++) x[i] = 0.05 + 0.95 * mn_rng_uniform(rng);
    pareto(x + NB, NT, 2.2, 1.0, rng);
    mn_powerlaw *pl;
    MN_ASSERT_OK(ctx, mn_powerlaw_new(&pl, ctx));
    MN_ASSERT_OK(ctx, mn_powerlaw_fit(pl, x, N));
    double ah = mn_powerlaw_alpha(pl), se = mn_powerlaw_alpha_err(pl);
    ck_assert_msg(fabs(ah - 2.2) < 3 * se, "alpha fit %g +- %g", ah, se);
    /* over 60 seeds 57 chose x_min in [0.9, 1.6] and all in [0.9, 2.9]: "roughly" = within
     * [0.7, 3.5] */
    ck_assert_msg(mn_powerlaw_xmin(pl) > 0.7 && mn_powerlaw_xmin(pl) < 3.5, "xmin %g",
                  mn_powerlaw_xmin(pl));

    enum { M = 400 };
    double y[M];
    for (int i = 0; i < M; i++) y[i] = round(x[i * (N / M)] * 50.0) / 50.0 + 0.02; /* ties */
    double ba, bx, bk;
    brute_csn(y, M, &ba, &bx, &bk);
    MN_ASSERT_OK(ctx, mn_powerlaw_fit(pl, y, M));
    MN_ASSERT_REL(mn_powerlaw_xmin(pl), bx, 0);
    MN_ASSERT_REL(mn_powerlaw_alpha(pl), ba, 1e-12);
    MN_ASSERT_REL(mn_powerlaw_ks(pl), bk, 1e-12);
    mn_powerlaw_free(pl);
    free(x);
    mn_rng_free(rng);
}
END_TEST

/* Plain scan over distinct values (no ties, no pruning): every x_min with >= 10 values. */
static void plain_csn(const double *sorted, size_t n, double *alpha, double *xmin, double *ks)
{
    double best = INFINITY;
    for (size_t i = 0; i + 10 <= n; i++) {
        size_t m = n - i;
        double sl = 0;
        for (size_t j = i; j < n; j++) sl += log(sorted[j] / sorted[i]);
        double a = 1 + (double)m / sl, d = 0;
        for (size_t j = i; j < n; j++) {
            double F = 1 - pow(sorted[j] / sorted[i], 1 - a);
            d = fmax(d, fmax(fabs((double)(j - i + 1) / m - F), fabs((double)(j - i) / m - F)));
        }
        if (d < best) {
            best = d;
            *alpha = a;
            *xmin = sorted[i];
        }
    }
    *ks = best;
}

START_TEST(test_powerlaw_pruned_scan_exact)
{
    /* 6000 distinct values (> 4096 candidates: the coarse pre-pass and the pruned full scan
     * both run) must give exactly the plain exhaustive scan's x_min */
    enum { NB = 2000, NT = 4000, N = NB + NT };
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, seed(21), 8));
    double *x = malloc(N * sizeof *x);
    for (int i = 0; i < NB; i++) x[i] = 0.5 + 1.5 * mn_rng_uniform(rng);
    pareto(x + NB, NT, 2.7, 2.0, rng);
    mn_powerlaw *pl;
    MN_ASSERT_OK(ctx, mn_powerlaw_new(&pl, ctx));
    MN_ASSERT_OK(ctx, mn_powerlaw_fit(pl, x, N));
    qsort(x, N, sizeof *x, cmp_d);
    double ba, bx, bk;
    plain_csn(x, N, &ba, &bx, &bk);
    MN_ASSERT_REL(mn_powerlaw_xmin(pl), bx, 0);
    MN_ASSERT_REL(mn_powerlaw_alpha(pl), ba, 1e-10);
    MN_ASSERT_REL(mn_powerlaw_ks(pl), bk, 1e-10);
    mn_powerlaw_free(pl);
    free(x);
    mn_rng_free(rng);
}
END_TEST

START_TEST(test_powerlaw_bootstrap_pvalue)
{
    enum { N = 1000 };
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, seed(5), 4));
    double *x = malloc(N * sizeof *x);
    pareto(x, N, 2.5, 1.0, rng);
    mn_powerlaw *pl;
    MN_ASSERT_OK(ctx, mn_powerlaw_new(&pl, ctx));
    ck_assert(mn_powerlaw_p_value(pl) == -1);
    MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_MAX_CANDIDATES, 60));
    MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_BOOTSTRAP, 60));
    MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_GOF_SAMPLES, 60));
    MN_ASSERT_OK(ctx, mn_powerlaw_fit(pl, x, N));
    /* the bootstrap spread is of the order of the analytic error (x_min scan adds some) */
    double se = mn_powerlaw_alpha_err(pl), sb = mn_powerlaw_alpha_boot_err(pl);
    ck_assert_msg(sb > 0.5 * se && sb < 4 * se, "bootstrap sd %g vs analytic %g", sb, se);
    /* the bootstrap spread of x_min against an independent bootstrap in the test (own
     * resampling, the plain exhaustive CSN scan): the same within a factor 3 */
    double sx = mn_powerlaw_xmin_boot_err(pl);
    {
        enum { NB = 40 };
        double *y = malloc(N * sizeof *y), s1 = 0, s2 = 0;
        mn_rng *r2;
        MN_ASSERT_OK(ctx, mn_rng_new(&r2, ctx, seed(55), 0));
        for (int b = 0; b < NB; b++) {
            for (int i = 0; i < N; i++) y[i] = x[mn_rng_below(r2, N)];
            qsort(y, N, sizeof *y, cmp_d);
            double ba, bx, bk;
            plain_csn(y, N, &ba, &bx, &bk);
            s1 += bx, s2 += bx * bx;
        }
        double sref = sqrt((s2 - s1 * s1 / NB) / (NB - 1));
        printf("bootstrap sd of x_min: library %g, test-side %g\n", sx, sref);
        ck_assert_msg(sx > sref / 3 && sx < 3 * sref, "x_min bootstrap sd %g vs test-side %g", sx, sref);
        free(y);
        mn_rng_free(r2);
    }
    /* a true power law is not rejected: p is uniform on [0, 1] under the null, so p > 0.05 at
     * the fixed seed; a seed sweep (MN_TEST_SEED_OFFSET) uses the 1 % level instead */
    double plev = getenv("MN_TEST_SEED_OFFSET") ? 0.01 : 0.05;
    ck_assert_msg(mn_powerlaw_p_value(pl) > plev, "p = %g", mn_powerlaw_p_value(pl));
    /* fixed x_min = 1 (the true one): x_min has no spread, and the bootstrap sd of alpha is
     * the analytic (alpha - 1)/sqrt(n) = 1.5/sqrt(1000) within 20 % (200 resamples: the sd
     * of a sd estimate is 5 %, so 4 sigma) */
    MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_XMIN, 1.0));
    MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_BOOTSTRAP, 200));
    MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_GOF_SAMPLES, 0));
    MN_ASSERT_OK(ctx, mn_powerlaw_fit(pl, x, N));
    ck_assert(mn_powerlaw_xmin_boot_err(pl) == 0);
    sb = mn_powerlaw_alpha_boot_err(pl);
    printf("bootstrap sd of alpha at fixed x_min: %g, analytic %g\n", sb, 1.5 / sqrt(N));
    MN_ASSERT_REL(sb, 1.5 / sqrt(N), 0.2);
    MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_XMIN, 0));
    MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_BOOTSTRAP, 0));
    /* exponential data of the same size (tail of >= 600 values) is rejected: p < 0.01 with
     * 100 synthetic sets means none of them fits worse */
    for (int i = 0; i < N; i++) x[i] = 1.0 - log(1.0 - mn_rng_uniform(rng));
    MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_MIN_TAIL, 600));
    MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_GOF_SAMPLES, 100));
    MN_ASSERT_OK(ctx, mn_powerlaw_fit(pl, x, N));
    ck_assert_msg(mn_powerlaw_p_value(pl) < 0.01, "p = %g for exponential data",
                  mn_powerlaw_p_value(pl));
    mn_powerlaw_free(pl);
    free(x);
    mn_rng_free(rng);
}
END_TEST


/* ------------------------------------------------------------------ discrete power law */

/* Zipf(a) variates, P(X = k) = k^-a / zeta(a), by Devroye's rejection algorithm (Non-Uniform
 * Random Variate Generation, 1986, sec. X.6): independent of memnet's zeta code. */
static double zipf(double a, mn_rng *rng)
{
    double b = pow(2.0, a - 1.0);
    for (;;) {
        double u = 1.0 - mn_rng_uniform(rng), v = mn_rng_uniform(rng);
        double x = floor(pow(u, -1.0 / (a - 1.0)));
        double t = pow(1.0 + 1.0 / x, a - 1.0);
        if (v * x * (t - 1.0) / (b - 1.0) <= t / b) return x;
    }
}

START_TEST(test_hurwitz_zeta_scipy)
{
    /* reference values: scipy.special.zeta(s, q) (Debian python3-scipy 1.10) */
    static const double ref[][3] = {
        { 1.5, 1, 2.612375348685488 },        { 2.5, 1, 1.3414872572509176 },
        { 2.5, 3, 0.1647105619542803 },       { 3.2, 17, 0.0009520188647517423 },
        { 1.05, 1, 20.58084430203699 },       { 10, 2, 0.0009945751278180857 },
        { 2.0, 1e5, 1.0000050000166665e-05 }, { 1.7, 7.5, 0.36550744203606855 },
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++)
        MN_ASSERT_REL(mn__hurwitz_zeta(ref[i][0], ref[i][1]), ref[i][2], 1e-14);
    MN_ASSERT_REL(mn__hurwitz_zeta(20, 5), 1.0772765096092466e-14, 1e-11);
    /* inverse-transform sampler: P(X <= x) >= u > P(X <= x - 1) */
    double a = 2.3, xm = 4, zm = mn__hurwitz_zeta(a, xm);
    const double us[] = { 0.0, 0.1, 0.5, 0.9, 0.999, 0.999999 };
    for (int i = 0; i < 6; i++) {
        double x = mn__zeta_sample(a, xm, zm, us[i]);
        ck_assert(x >= xm && x == floor(x));
        ck_assert(1 - mn__hurwitz_zeta(a, x + 1) / zm >= us[i]);
        if (x > xm) ck_assert(1 - mn__hurwitz_zeta(a, x) / zm < us[i]);
    }
}
END_TEST

START_TEST(test_powerlaw_discrete)
{
    enum { N = 5000 };
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, seed(31), 9));
    double *x = malloc(N * sizeof *x);
    for (int i = 0; i < N; i++) x[i] = zipf(2.5, rng);
    mn_powerlaw *pl;
    MN_ASSERT_OK(ctx, mn_powerlaw_new(&pl, ctx));
    MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_DISCRETE, 1));
    MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_XMIN, 1));
    MN_ASSERT_OK(ctx, mn_powerlaw_fit(pl, x, N));
    double ah = mn_powerlaw_alpha(pl), se = mn_powerlaw_alpha_err(pl);
    ck_assert_msg(fabs(ah - 2.5) < 3 * se, "discrete alpha %g +- %g", ah, se);
    /* independent references by direct sums (k <= 2e6, plus the integral of the rest):
     * the score -zeta'/zeta - mean ln x vanishes at alpha_hat, and the standard error is
     * 1/sqrt(N (zeta''/zeta - (zeta'/zeta)^2)) */
    double z = 0, z1 = 0, z2 = 0, K = 2e6;
    for (double k = K; k >= 1; k--) {
        double p = pow(k, -ah), l = log(k);
        z += p;
        z1 -= l * p;
        z2 += l * l * p;
    }
    double tail = pow(K + 0.5, 1 - ah) / (ah - 1), lt = log(K + 0.5);
    z += tail;
    z1 -= tail * (lt + 1 / (ah - 1));
    z2 += tail * (lt * lt + 2 * lt / (ah - 1) + 2 / ((ah - 1) * (ah - 1)));
    double ml = 0;
    for (int i = 0; i < N; i++) ml += log(x[i]);
    ml /= N;
    MN_ASSERT_ABS(-z1 / z - ml, 0.0, 1e-7);
    MN_ASSERT_REL(se, 1 / sqrt(N * (z2 / z - (z1 / z) * (z1 / z))), 1e-4);
    /* the continuous fit of the same integers is biased at x_min = 1 (why DISCRETE exists) */
    MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_DISCRETE, 0));
    MN_ASSERT_OK(ctx, mn_powerlaw_fit(pl, x, N));
    ck_assert(fabs(mn_powerlaw_alpha(pl) - 2.5) > 10 * se);

    /* a body of uniform integers 1..4 below a Zipf tail conditioned on x >= 5 (rejection):
     * the scan finds x_min near 5 and alpha within 4 sigma */
    for (int i = 0; i < N; i++) {
        if (i < N / 2) {
            x[i] = 1 + (double)mn_rng_below(rng, 4);
        } else {
            double v;
            do v = zipf(2.5, rng);
            while (v < 5);
            x[i] = v;
        }
    }
    MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_DISCRETE, 1));
    MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_XMIN, 0));
    MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_GOF_SAMPLES, 40));
    MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_MAX_CANDIDATES, 40));
    MN_ASSERT_OK(ctx, mn_powerlaw_fit(pl, x, N));
    ah = mn_powerlaw_alpha(pl);
    se = mn_powerlaw_alpha_err(pl);
    ck_assert_msg(fabs(ah - 2.5) < 4 * se, "discrete scan alpha %g +- %g (x_min %g)", ah, se,
                  mn_powerlaw_xmin(pl));
    ck_assert_msg(mn_powerlaw_xmin(pl) >= 5 && mn_powerlaw_xmin(pl) <= 15, "x_min %g",
                  mn_powerlaw_xmin(pl));
    /* the Zipf tail is not rejected (p uniform under the null: p > 0.05 at the fixed seed,
     * the 1 % level in a seed sweep) */
    double plev = getenv("MN_TEST_SEED_OFFSET") ? 0.01 : 0.05;
    printf("discrete Zipf tail: p = %g\n", mn_powerlaw_p_value(pl));
    ck_assert_msg(mn_powerlaw_p_value(pl) > plev, "discrete p = %g", mn_powerlaw_p_value(pl));
    /* geometric integers (an exponential tail) of the same size are rejected: none of the
     * 40 synthetic power-law sets fits worse, p = 0 < 1/40 */
    for (int i = 0; i < N; i++) x[i] = 1 + floor(-log(1.0 - mn_rng_uniform(rng)) / 0.3);
    MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_MIN_TAIL, N / 2));
    MN_ASSERT_OK(ctx, mn_powerlaw_fit(pl, x, N));
    printf("discrete geometric data: p = %g (x_min %g)\n", mn_powerlaw_p_value(pl), mn_powerlaw_xmin(pl));
    ck_assert_msg(mn_powerlaw_p_value(pl) < 0.025, "p = %g for geometric data", mn_powerlaw_p_value(pl));
    MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_MIN_TAIL, 10));

    /* bad input: non-integers */
    x[7] = 2.5;
    MN_ASSERT_ERR(ctx, mn_powerlaw_fit(pl, x, N), MN_ERR_INVALID, "x[7] = 2.5 is not an integer");
    MN_ASSERT_ERR(ctx, mn_powerlaw_set(pl, MN_POWERLAW_DISCRETE, 2), MN_ERR_RANGE,
                  "DISCRETE = 2");
    mn_powerlaw_free(pl);
    free(x);
    mn_rng_free(rng);
}
END_TEST

/* ------------------------------------------------------------------ ACF */

static void direct_acf(double *r, const double *x, size_t n, size_t K)
{
    double m = 0, c0 = 0;
    for (size_t i = 0; i < n; i++) m += x[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++) c0 += (x[i] - m) * (x[i] - m);
    for (size_t k = 0; k <= K; k++) {
        double s = 0;
        for (size_t i = 0; i + k < n; i++) s += (x[i] - m) * (x[i + k] - m);
        r[k] = s / c0;
    }
}

START_TEST(test_acf_white_noise_and_direct)
{
    enum { N = 5000, K = 200 };
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, seed(9), 5));
    double *x = malloc(N * sizeof *x), r[K + 1], ref[K + 1];
    for (int i = 0; i < N; i++) x[i] = 3.0 + mn_rng_normal(rng);
    MN_ASSERT_OK(ctx, mn_analysis_acf(r, ctx, x, N, K)); /* FFT path: N (K+1) > 65536 */
    MN_ASSERT_REL(r[0], 1.0, 0);
    /* lags 1..50 (50 tests at 4 sd: a false alarm in 0.3% of seeds) */
    for (int k = 1; k <= 50; k++)
        ck_assert_msg(fabs(r[k]) < 4.0 / sqrt((double)N), "white noise acf[%d] = %g", k, r[k]);
    direct_acf(ref, x, N, K);
    for (int k = 0; k <= K; k++) MN_ASSERT_ABS(r[k], ref[k], 1e-12);
    /* direct path, small series, largest lag */
    MN_ASSERT_OK(ctx, mn_analysis_acf(r, ctx, x, 50, 49));
    direct_acf(ref, x, 50, 49);
    for (int k = 0; k < 50; k++) MN_ASSERT_ABS(r[k], ref[k], 1e-13);
    /* FFT path with max_lag = n - 1 (no wrap-around) */
    double *big = malloc(600 * sizeof *big);
    double *r2 = malloc(600 * sizeof *r2), *ref2 = malloc(600 * sizeof *ref2);
    MN_ASSERT_OK(ctx, mn_analysis_acf(r2, ctx, x, 600, 599));
    direct_acf(ref2, x, 600, 599);
    for (int k = 0; k < 600; k++) MN_ASSERT_ABS(r2[k], ref2[k], 1e-12);
    free(big);
    free(r2);
    free(ref2);
    free(x);
    mn_rng_free(rng);
}
END_TEST

START_TEST(test_acf_ar1)
{
    /* AR(1) x_t = phi x_{t-1} + e_t has acf(k) = phi^k; Bartlett's sd of the estimate is
     * below sqrt((1 + phi^2)/((1 - phi^2) n)) = 0.0068 for n = 1e5: tolerance 5 sd */
    enum { N = 100000, K = 30 };
    const double phi = 0.8;
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, seed(13), 6));
    double *x = malloc(N * sizeof *x), r[K + 1];
    x[0] = mn_rng_normal(rng) / sqrt(1 - phi * phi);
    for (int i = 1; i < N; i++) x[i] = phi * x[i - 1] + mn_rng_normal(rng);
    MN_ASSERT_OK(ctx, mn_analysis_acf(r, ctx, x, N, K));
    double tol = 5.0 * sqrt((1 + phi * phi) / ((1 - phi * phi) * N));
    for (int k = 0; k <= K; k++) MN_ASSERT_ABS(r[k], pow(phi, k), tol);
    free(x);
    mn_rng_free(rng);
}
END_TEST

START_TEST(test_event_binning_and_acf)
{
    /* hand-counted bins of width 0.5 from t0 = 1 */
    double times[] = { 0.2, 1.0, 1.2, 1.49, 1.5, 2.9, 3.0, 3.0, 3.4, 3.6 };
    double c[5];
    MN_ASSERT_OK(ctx, mn_analysis_bin_events(c, ctx, times, 10, 1.0, 0.5, 5));
    /* [1,1.5): 1.0 1.2 1.49; [1.5,2): 1.5; [2,2.5): -; [2.5,3): 2.9; [3,3.5): 3.0 3.0 3.4;
     * 0.2 and 3.6 are outside */
    double expect[5] = { 3, 1, 0, 1, 3 };
    for (int k = 0; k < 5; k++) MN_ASSERT_REL(c[k], expect[k], 0);
    /* event ACF = ACF of these counts, computed directly */
    double r[4], ref[4];
    MN_ASSERT_OK(ctx, mn_analysis_event_acf(r, ctx, times, 10, 1.0, 0.5, 5, 3));
    direct_acf(ref, expect, 5, 3);
    for (int k = 0; k < 4; k++) MN_ASSERT_ABS(r[k], ref[k], 1e-14);
    /* a periodic train (one event every 4 bins) has acf = 1 at lag 4 up to the edge factor */
    enum { NB = 400 };
    double per[NB / 4];
    for (int i = 0; i < NB / 4; i++) per[i] = 4.0 * i + 0.5;
    double rp[9];
    MN_ASSERT_OK(ctx, mn_analysis_event_acf(rp, ctx, per, NB / 4, 0.0, 1.0, NB, 8));
    /* counts 1,0,0,0 repeated: mean 1/4, c0 = NB * 3/16; lag 4: (NB - 4) * 3/16 / c0 */
    MN_ASSERT_REL(rp[4], (NB - 4.0) / NB, 1e-12);
    MN_ASSERT_REL(rp[8], (NB - 8.0) / NB, 1e-12);
    /* lag 1: each 4-block contributes (3/4)(-1/4)*2 + (1/16)*2 = -1/4 -> sum over the
     * (NB - 1) pairs */
    double s1 = 0;
    for (int i = 0; i + 1 < NB; i++) s1 += ((i % 4 == 0) - 0.25) * (((i + 1) % 4 == 0) - 0.25);
    MN_ASSERT_REL(rp[1], s1 / (NB * 3.0 / 16.0), 1e-12);
}
END_TEST

START_TEST(test_event_binning_on_step_grid)
{
    /* Events of a fixed-step run lie on the grid t = t_start + j dt (issue 15 item 1). With
     * bins of width dt starting on the grid, bin j must hold exactly the events of step j:
     * the binned ACF equals the ACF of the per-step counts, which are drawn first and never
     * binned. Three ways the grid times reach the binning: as the simulator computes them
     * (t_start + j dt), accumulated (t += dt), and parsed from two-decimal text. */
    enum { NS = 20000, K = 1000 };
    const double dt = 0.01;
    const size_t j0 = 20000; /* t0 = 200 s: the analysed window starts after a skip */
    double *cnt = malloc(NS * sizeof *cnt), *tms = malloc(4 * NS * sizeof *tms);
    double *bins = malloc(NS * sizeof *bins), *r = malloc((K + 1) * sizeof *r),
           *ref = malloc((K + 1) * sizeof *ref);
    ck_assert(cnt && tms && bins && r && ref);
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, seed(15), 0));
    /* bursty counts: a two-state chain (quiet / burst) so the ACF is not trivially 0 */
    int burst = 0;
    for (size_t j = 0; j < NS; j++) {
        if (mn_rng_uniform(rng) < (burst ? 0.05 : 0.01)) burst = !burst;
        double p = burst ? 0.5 : 0.03;
        cnt[j] = 0;
        for (int q = 0; q < 3; q++) cnt[j] += mn_rng_uniform(rng) < p;
    }
    mn_rng_free(rng);
    direct_acf(ref, cnt, NS, K);
    for (int mode = 0; mode < 3; mode++) {
        size_t n = 0;
        double acc = (double)j0 * dt;
        for (size_t j = 0; j < NS; j++) {
            double t;
            if (mode == 0) {
                t = 0.0 + (double)(j0 + j) * dt;
            } else if (mode == 1) {
                t = acc;
                acc += dt;
            } else {
                char buf[64];
                snprintf(buf, sizeof buf, "%.2f", (double)(j0 + j) / 100.0);
                t = strtod(buf, NULL);
            }
            for (int q = 0; q < (int)cnt[j]; q++) tms[n++] = t;
        }
        double t0 = (double)j0 * dt;
        MN_ASSERT_OK(ctx, mn_analysis_bin_events(bins, ctx, tms, n, t0, dt, NS));
        for (size_t j = 0; j < NS; j++)
            ck_assert_msg(bins[j] == cnt[j], "mode %d: bin %zu holds %g, step %zu had %g", mode,
                          j, bins[j], j, cnt[j]);
        MN_ASSERT_OK(ctx, mn_analysis_event_acf(r, ctx, tms, n, t0, dt, NS, K));
        for (size_t k = 0; k <= K; k++) MN_ASSERT_ABS(r[k], ref[k], 1e-12);
        /* avalanches (same binning): identical to those of the per-step counts */
        double *s1 = malloc(NS * sizeof *s1), *s2 = malloc(NS * sizeof *s2);
        size_t *d1 = malloc(NS * sizeof *d1), *d2 = malloc(NS * sizeof *d2), na1, na2;
        ck_assert(s1 && s2 && d1 && d2);
        MN_ASSERT_OK(ctx, mn_analysis_avalanches(s1, d1, NULL, &na1, NS / 2, ctx, bins, NS));
        MN_ASSERT_OK(ctx, mn_analysis_avalanches(s2, d2, NULL, &na2, NS / 2, ctx, cnt, NS));
        ck_assert_uint_eq(na1, na2);
        for (size_t a = 0; a < na1; a++) {
            MN_ASSERT_REL(s1[a], s2[a], 0);
            ck_assert_uint_eq(d1[a], d2[a]);
        }
        free(s1), free(s2), free(d1), free(d2);
    }
    /* times genuinely inside a bin are still floored: 0.3 w after an edge, 0.3 w before one */
    double off[] = { 1.3, 2.7 }, c3[3];
    MN_ASSERT_OK(ctx, mn_analysis_bin_events(c3, ctx, off, 2, 0.0, 1.0, 3));
    ck_assert(c3[0] == 0 && c3[1] == 1 && c3[2] == 1);
    free(cnt), free(tms), free(bins), free(r), free(ref);
}
END_TEST

/* ------------------------------------------------------------------ avalanches */

START_TEST(test_avalanches_hand_built)
{
    /* bins: 1 | 0 | 2 1 | 0 0 | 3 | 0 | 1 1 1 | 0 | 2
     * the first and last runs touch the ends and are incomplete */
    double counts[] = { 1, 0, 2, 1, 0, 0, 3, 0, 1, 1, 1, 0, 2 };
    double sizes[6];
    size_t dur[6], start[6], n;
    MN_ASSERT_OK(ctx, mn_analysis_avalanches(sizes, dur, start, &n, 6, ctx, counts, 13));
    ck_assert_uint_eq(n, 3);
    double es[] = { 3, 3, 3 };
    size_t ed[] = { 2, 1, 3 }, est[] = { 2, 6, 8 };
    for (int i = 0; i < 3; i++) {
        MN_ASSERT_REL(sizes[i], es[i], 0);
        ck_assert_uint_eq(dur[i], ed[i]);
        ck_assert_uint_eq(start[i], est[i]);
    }
    /* conservation: events in complete avalanches = total - events in the edge runs */
    double tot = 0;
    for (int k = 0; k < 13; k++) tot += counts[k];
    MN_ASSERT_REL(sizes[0] + sizes[1] + sizes[2], tot - 1 - 2, 0);
    /* too small an output: the number needed is reported */
    MN_ASSERT_ERR(ctx, mn_analysis_avalanches(sizes, dur, NULL, &n, 2, ctx, counts, 13),
                  MN_ERR_RANGE, "capacity is 2");
    ck_assert_uint_eq(n, 3);
    /* from event times: events at 0.5, 2.1, 2.2, 2.9 with bins of 1 from 0 over 5 bins:
     * counts 1 0 3 0 0 -> one avalanche (bins 2), size 3, duration 1 */
    double tms[] = { 0.5, 2.1, 2.2, 2.9 }, c5[5];
    MN_ASSERT_OK(ctx, mn_analysis_bin_events(c5, ctx, tms, 4, 0.0, 1.0, 5));
    MN_ASSERT_OK(ctx, mn_analysis_avalanches(sizes, dur, NULL, &n, 6, ctx, c5, 5));
    ck_assert_uint_eq(n, 1);
    MN_ASSERT_REL(sizes[0], 3, 0);
    ck_assert_uint_eq(dur[0], 1);
}
END_TEST

/* ------------------------------------------------------------------ moving averages */

START_TEST(test_moving_average_direct)
{
    enum { N = 1000 };
    mn_rng *rng;
    MN_ASSERT_OK(ctx, mn_rng_new(&rng, ctx, seed(17), 7));
    double x[N], y[N], z[N];
    for (int i = 0; i < N; i++) x[i] = 1e6 + mn_rng_normal(rng);
    const size_t windows[] = { 1, 7, 100, 2000 };
    for (int w = 0; w < 4; w++) {
        size_t W = windows[w];
        MN_ASSERT_OK(ctx, mn_analysis_moving_average(y, ctx, x, N, W));
        for (size_t i = 0; i < N; i++) {
            size_t j0 = i + 1 >= W ? i + 1 - W : 0;
            double s = 0;
            for (size_t j = j0; j <= i; j++) s += x[j];
            MN_ASSERT_REL(y[i], s / (double)(i - j0 + 1), 1e-13);
        }
    }
    /* in place */
    memcpy(z, x, sizeof z);
    MN_ASSERT_OK(ctx, mn_analysis_moving_average(z, ctx, z, N, 7));
    MN_ASSERT_OK(ctx, mn_analysis_moving_average(y, ctx, x, N, 7));
    for (int i = 0; i < N; i++) MN_ASSERT_REL(z[i], y[i], 0);

    /* event rate against a direct count */
    double t[N], ev[300];
    for (int i = 0; i < N; i++) t[i] = 0.1 * i;
    for (int i = 0; i < 300; i++) ev[i] = 100.0 * mn_rng_uniform(rng);
    qsort(ev, 300, sizeof *ev, cmp_d);
    ev[10] = ev[11]; /* a shared time */
    MN_ASSERT_OK(ctx, mn_analysis_event_rate(y, ctx, t, N, ev, 300, 2.5));
    for (int i = 0; i < N; i++) {
        int c = 0;
        for (int k = 0; k < 300; k++) c += ev[k] > t[i] - 2.5 && ev[k] <= t[i];
        MN_ASSERT_REL(y[i], c / 2.5, 1e-15);
    }
    mn_rng_free(rng);
}
END_TEST

/* ------------------------------------------------------------------ bad input */

START_TEST(test_bad_input)
{
    double t[] = { 0, 1, 2, 2, 4 };
    double x[] = { 1, 2, 3, NAN, 5 };
    double good[] = { 1, 2, 3, 4, 5 };
    mn_event_train *ev = (mn_event_train *)1;
    MN_ASSERT_ERR(ctx, mn_analysis_detect_events(&ev, ctx, NULL, x, 5, 1, MN_EVENT_ABSOLUTE,
                                                 MN_EVENT_BOTH), MN_ERR_INVALID, "x[3] = nan");
    ck_assert_ptr_null(ev);
    MN_ASSERT_ERR(ctx, mn_analysis_detect_events(&ev, ctx, NULL, good, 0, 1, MN_EVENT_ABSOLUTE,
                                                 MN_EVENT_BOTH), MN_ERR_INVALID, "n = 0");
    MN_ASSERT_ERR(ctx, mn_analysis_detect_events(&ev, ctx, t, good, 5, 1, MN_EVENT_ABSOLUTE,
                                                 MN_EVENT_BOTH), MN_ERR_INVALID,
                  "t[3] = 2 is not greater than t[2] = 2");
    MN_ASSERT_ERR(ctx, mn_analysis_detect_events(&ev, ctx, NULL, good, 5, -1, MN_EVENT_ABSOLUTE,
                                                 MN_EVENT_BOTH), MN_ERR_RANGE, "threshold -1");
    MN_ASSERT_ERR(ctx, mn_analysis_detect_events(&ev, ctx, NULL, good, 5, 0, MN_EVENT_RELATIVE,
                                                 MN_EVENT_BOTH), MN_ERR_RANGE, "threshold 0");
    MN_ASSERT_ERR(ctx, mn_analysis_detect_events(&ev, ctx, NULL, good, 5, NAN, MN_EVENT_RELATIVE,
                                                 MN_EVENT_BOTH), MN_ERR_RANGE, "threshold nan");
    MN_ASSERT_ERR(ctx, mn_analysis_detect_events(&ev, ctx, NULL, good, 5, 1, (mn_event_threshold)7,
                                                 MN_EVENT_BOTH), MN_ERR_INVALID, "mode 7");
    double dec[] = { 0, 2, 1 };
    MN_ASSERT_ERR(ctx, mn_event_train_new(&ev, ctx, dec, NULL, 3), MN_ERR_INVALID,
                  "times[2] = 1 is less than times[1] = 2");
    ck_assert_ptr_null(ev);
    double iei[4];
    MN_ASSERT_ERR(ctx, mn_analysis_intervals(iei, ctx, good, 1), MN_ERR_INVALID, "n = 1");
    MN_ASSERT_ERR(ctx, mn_analysis_intervals(iei, ctx, x, 5), MN_ERR_INVALID, "times[3] = nan");

    double e[3], d[2];
    MN_ASSERT_ERR(ctx, mn_analysis_histogram(e, d, NULL, NULL, ctx, x, 5, 2, MN_BINS_LINEAR, 0, 0),
                  MN_ERR_INVALID, "x[3] = nan");
    MN_ASSERT_ERR(ctx, mn_analysis_histogram(e, d, NULL, NULL, ctx, good, 5, 2, MN_BINS_LOG, -1, 3),
                  MN_ERR_RANGE, "lower edge -1");
    MN_ASSERT_ERR(ctx, mn_analysis_histogram(e, d, NULL, NULL, ctx, good, 5, 2, MN_BINS_LINEAR, 3, 1),
                  MN_ERR_RANGE, "upper edge 1");
    MN_ASSERT_ERR(ctx, mn_analysis_histogram(e, d, NULL, NULL, ctx, good, 0, 2, MN_BINS_LINEAR, 0, 1),
                  MN_ERR_INVALID, "n = 0");
    double same[] = { 2, 2, 2 };
    MN_ASSERT_ERR(ctx, mn_analysis_histogram(e, d, NULL, NULL, ctx, same, 3, 2, MN_BINS_LINEAR, 0, 0),
                  MN_ERR_RANGE, "every value equals 2");

    mn_powerlaw *pl;
    MN_ASSERT_OK(ctx, mn_powerlaw_new(&pl, ctx));
    MN_ASSERT_ERR(ctx, mn_powerlaw_fit(pl, x, 5), MN_ERR_INVALID, "x[3] = nan");
    double neg[] = { 1, -2, 3 };
    MN_ASSERT_ERR(ctx, mn_powerlaw_fit(pl, neg, 3), MN_ERR_INVALID, "x[1] = -2");
    MN_ASSERT_ERR(ctx, mn_powerlaw_fit(pl, good, 5), MN_ERR_INVALID, "minimum tail 10");
    MN_ASSERT_ERR(ctx, mn_powerlaw_fit(pl, good, 0), MN_ERR_INVALID, "n = 0");
    MN_ASSERT_ERR(ctx, mn_powerlaw_set(pl, MN_POWERLAW_MIN_TAIL, 1), MN_ERR_RANGE, "MIN_TAIL = 1");
    MN_ASSERT_ERR(ctx, mn_powerlaw_set(pl, MN_POWERLAW_BOOTSTRAP, 2.5), MN_ERR_RANGE,
                  "BOOTSTRAP = 2.5");
    MN_ASSERT_ERR(ctx, mn_powerlaw_set(pl, MN_POWERLAW_XMIN, -3), MN_ERR_RANGE, "XMIN = -3");
    MN_ASSERT_OK(ctx, mn_powerlaw_set(pl, MN_POWERLAW_XMIN, 9));
    MN_ASSERT_ERR(ctx, mn_powerlaw_fit(pl, good, 5), MN_ERR_RANGE, "x_min 9 is above");
    ck_assert(mn_powerlaw_alpha(pl) == 0); /* results cleared on failure */
    mn_powerlaw_free(pl);
    mn_powerlaw_free(NULL);

    double r[5];
    MN_ASSERT_ERR(ctx, mn_analysis_acf(r, ctx, same, 3, 1), MN_ERR_RANGE, "constant");
    MN_ASSERT_ERR(ctx, mn_analysis_acf(r, ctx, good, 5, 5), MN_ERR_RANGE, "max_lag 5");
    MN_ASSERT_ERR(ctx, mn_analysis_acf(r, ctx, x, 5, 2), MN_ERR_INVALID, "x[3] = nan");
    MN_ASSERT_ERR(ctx, mn_analysis_acf(r, ctx, good, 1, 0), MN_ERR_INVALID, "n = 1");
    MN_ASSERT_ERR(ctx, mn_analysis_bin_events(r, ctx, good, 5, 0, 0, 3), MN_ERR_RANGE,
                  "bin width 0");
    MN_ASSERT_ERR(ctx, mn_analysis_bin_events(r, ctx, dec, 3, 0, 1, 3), MN_ERR_INVALID,
                  "times[2] = 1");
    MN_ASSERT_ERR(ctx, mn_analysis_event_acf(r, ctx, good, 5, 100, 1, 4, 2), MN_ERR_RANGE,
                  "every one of the 4 bins");
    double s[2];
    size_t du[2], na;
    double badc[] = { 0, 1, -1, 0 };
    MN_ASSERT_ERR(ctx, mn_analysis_avalanches(s, du, NULL, &na, 2, ctx, badc, 4), MN_ERR_INVALID,
                  "counts[2] = -1");
    MN_ASSERT_ERR(ctx, mn_analysis_moving_average(r, ctx, good, 5, 0), MN_ERR_RANGE, "window 0");
    MN_ASSERT_ERR(ctx, mn_analysis_moving_average(r, ctx, x, 5, 2), MN_ERR_INVALID, "x[3] = nan");
    MN_ASSERT_ERR(ctx, mn_analysis_event_rate(r, ctx, t, 5, good, 5, 1), MN_ERR_INVALID,
                  "t[3] = 2 is not greater");
    MN_ASSERT_ERR(ctx, mn_analysis_event_rate(r, ctx, good, 5, good, 5, -2), MN_ERR_RANGE,
                  "window -2");
}
END_TEST

static Suite *analysis_suite(void)
{
    Suite *s = suite_create("analysis");
    TCase *tc = tcase_create("analysis");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_detect_staircase);
    tcase_add_test(tc, test_event_train_from_log);
    tcase_add_test(tc, test_poisson_iei_exponential);
    tcase_add_test(tc, test_histogram_normalisation);
    tcase_add_test(tc, test_powerlaw_pure_pareto);
    tcase_add_test(tc, test_powerlaw_body_and_tail);
    tcase_add_test(tc, test_powerlaw_pruned_scan_exact);
    tcase_add_test(tc, test_powerlaw_bootstrap_pvalue);
    tcase_add_test(tc, test_hurwitz_zeta_scipy);
    tcase_add_test(tc, test_powerlaw_discrete);
    tcase_add_test(tc, test_acf_white_noise_and_direct);
    tcase_add_test(tc, test_acf_ar1);
    tcase_add_test(tc, test_event_binning_and_acf);
    tcase_add_test(tc, test_event_binning_on_step_grid);
    tcase_add_test(tc, test_avalanches_hand_built);
    tcase_add_test(tc, test_moving_average_direct);
    tcase_add_test(tc, test_bad_input);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return mn_test_run(analysis_suite()); }
