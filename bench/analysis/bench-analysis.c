/* Analysis benchmark: the 003 workload sizes (400 000 samples of a series, ~10^5 events).
 * Prints medians over repeats of: event detection, FFT autocorrelation vs a direct
 * O(n * max_lag) sum in this program (baseline), power-law fits with all distinct x_min
 * candidates vs 1000 candidates, event binning + avalanches, moving averages.
 * usage: bench-analysis [n_samples] [repeats] */
#include <memnet/memnet.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../bench-util.h"

#define CHECK(expr)                                                                             \
    do {                                                                                        \
        mn_status s_ = (expr);                                                                  \
        if (s_ != MN_OK) {                                                                      \
            fprintf(stderr, "%s: %s\n", #expr, mn_context_last_error(ctx));                   \
            return 1;                                                                           \
        }                                                                                       \
    } while (0)

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)atol(argv[1]) : 400000;
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    if (reps < 1 || reps > 50) reps = 5;
    const size_t K = 1000;
    mn_context *ctx;
    mn_rng *rng;
    if (mn_context_new(&ctx) != MN_OK) return 1;
    CHECK(mn_rng_new(&rng, ctx, 1, 0));
    double *t = malloc(n * sizeof *t), *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    double *acf = malloc((K + 1) * sizeof *acf), *ref = malloc((K + 1) * sizeof *ref);
    double tm[50], tm2[50];
    /* a spiking-like series: a jump at each step with probability 0.25, Pareto jump sizes */
    double lvl = 1;
    for (size_t i = 0; i < n; i++) {
        if (mn_rng_uniform(rng) < 0.25) lvl += (mn_rng_below(rng, 2) ? 1 : -1) *
                                              pow(1 - mn_rng_uniform(rng), -1 / 1.5);
        t[i] = (double)i;
        x[i] = lvl + 1e-3 * mn_rng_normal(rng);
    }
    printf("machine: see docs/performance.md; n_samples=%zu repeats=%d max_lag=%zu\n", n, reps, K);

    mn_event_train *ev = NULL;
    for (int r = 0; r < reps; r++) {
        mn_event_train_free(ev);
        double a = now();
        CHECK(mn_analysis_detect_events(&ev, ctx, t, x, n, 0.01, MN_EVENT_ABSOLUTE, MN_EVENT_BOTH));
        tm[r] = now() - a;
    }
    size_t ne = mn_event_train_count(ev);
    printf("detect_events: %zu events, median %.4f s (%.1f ns/sample)\n", ne, median(tm, reps),
           1e9 * median(tm, reps) / (double)n);

    for (int r = 0; r < reps; r++) {
        double a = now();
        CHECK(mn_analysis_acf(acf, ctx, x, n, K));
        tm[r] = now() - a;
        a = now();
        double m = 0, c0 = 0;
        for (size_t i = 0; i < n; i++) m += x[i];
        m /= (double)n;
        for (size_t i = 0; i < n; i++) c0 += (x[i] - m) * (x[i] - m);
        for (size_t k = 0; k <= K; k++) {
            double s = 0;
            for (size_t i = 0; i + k < n; i++) s += (x[i] - m) * (x[i + k] - m);
            ref[k] = s / c0;
        }
        tm2[r] = now() - a;
    }
    double err = 0;
    for (size_t k = 0; k <= K; k++) err = fmax(err, fabs(acf[k] - ref[k]));
    double fa = median(tm, reps), da = median(tm2, reps);
    printf("acf: fft median %.4f s, direct (baseline) median %.4f s, speed-up %.1fx, max |diff| %.2g\n",
           fa, da, da / fa, err);

    /* IEIs of the detected events */
    double *iei = malloc(ne * sizeof *iei);
    CHECK(mn_analysis_intervals(iei, ctx, mn_event_train_times(ev), ne));
    mn_powerlaw *pl;
    CHECK(mn_powerlaw_new(&pl, ctx));
    size_t cands[2] = { 0, 1000 };
    for (int c = 0; c < 2; c++) {
        CHECK(mn_powerlaw_set(pl, MN_POWERLAW_MAX_CANDIDATES, (double)cands[c]));
        for (int r = 0; r < reps; r++) {
            double a = now();
            CHECK(mn_powerlaw_fit(pl, iei, ne - 1));
            tm[r] = now() - a;
        }
        printf("powerlaw_fit (%zu IEIs, integer-valued, max_candidates=%zu): median %.4f s, "
               "alpha %.4f +- %.4f, xmin %g\n", ne - 1, cands[c], median(tm, reps),
               mn_powerlaw_alpha(pl), mn_powerlaw_alpha_err(pl), mn_powerlaw_xmin(pl));
    }
    /* the same integer-valued IEIs with the discrete power law */
    CHECK(mn_powerlaw_set(pl, MN_POWERLAW_MAX_CANDIDATES, 0));
    CHECK(mn_powerlaw_set(pl, MN_POWERLAW_DISCRETE, 1));
    for (int r = 0; r < reps; r++) {
        double a = now();
        CHECK(mn_powerlaw_fit(pl, iei, ne - 1));
        tm[r] = now() - a;
    }
    printf("powerlaw_fit discrete (%zu IEIs, every candidate): median %.4f s, alpha %.4f +- "
           "%.4f, xmin %g\n", ne - 1, median(tm, reps), mn_powerlaw_alpha(pl),
           mn_powerlaw_alpha_err(pl), mn_powerlaw_xmin(pl));
    CHECK(mn_powerlaw_set(pl, MN_POWERLAW_DISCRETE, 0));
    /* continuous-valued data: every value distinct (the worst case of the x_min scan) */
    size_t np_ = 100000;
    double *par = malloc(np_ * sizeof *par);
    for (size_t i = 0; i < np_; i++) par[i] = pow(1 - mn_rng_uniform(rng), -1 / 1.5);
    for (int c = 0; c < 2; c++) {
        CHECK(mn_powerlaw_set(pl, MN_POWERLAW_MAX_CANDIDATES, (double)(c ? 1000 : 0)));
        int rr = c ? reps : 1;
        for (int r = 0; r < rr; r++) {
            double a = now();
            CHECK(mn_powerlaw_fit(pl, par, np_));
            tm[r] = now() - a;
        }
        printf("powerlaw_fit (%zu distinct values, max_candidates=%d): median %.4f s (%d run%s), "
               "alpha %.4f\n", np_, c ? 1000 : 0, median(tm, rr), rr, rr > 1 ? "s" : "",
               mn_powerlaw_alpha(pl));
    }

    double mean_iei = (t[n - 1] - t[0]) / (double)ne;
    size_t nb = (size_t)((t[n - 1] - t[0]) / mean_iei) + 1;
    double *cnt = malloc(nb * sizeof *cnt), *sz = malloc((nb / 2 + 1) * sizeof *sz);
    size_t *du = malloc((nb / 2 + 1) * sizeof *du), na = 0;
    for (int r = 0; r < reps; r++) {
        double a = now();
        CHECK(mn_analysis_bin_events(cnt, ctx, mn_event_train_times(ev), ne, t[0], mean_iei, nb));
        CHECK(mn_analysis_avalanches(sz, du, NULL, &na, nb / 2 + 1, ctx, cnt, nb));
        tm[r] = now() - a;
    }
    printf("bin_events + avalanches (%zu bins, %zu avalanches): median %.4f s\n", nb, na, median(tm, reps));
    for (int r = 0; r < reps; r++) {
        double a = now();
        CHECK(mn_analysis_moving_average(y, ctx, x, n, 100));
        CHECK(mn_analysis_event_rate(y, ctx, t, n, mn_event_train_times(ev), ne, 100));
        tm[r] = now() - a;
    }
    printf("moving_average + event_rate (window 100): median %.4f s\n", median(tm, reps));

    mn_powerlaw_free(pl);
    mn_event_train_free(ev);
    mn_rng_free(rng);
    mn_context_free(ctx);
    free(t); free(x); free(y); free(acf); free(ref); free(iei); free(par); free(cnt); free(sz); free(du);
    return 0;
}
