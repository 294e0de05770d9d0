/* Analysis: radix-2 FFT, autocorrelation of series and of binned event trains, avalanches
 * (003 sec. 2.4-2.5, Fig. 6d-f). */
#include "analysis-private.h"

#include <math.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Iterative radix-2 decimation-in-time FFT. Twiddles w_k = exp(sign 2 pi i k / n) are taken
 * from a table filled with cos/sin of each angle (no recurrence), so the error stays
 * O(eps log n). */
mn_status mn__fft(mn_context *ctx, double *re, double *im, size_t n, int sign)
{
    if (n <= 1) return MN_OK;
    size_t half = n / 2;
    double *wr = mn__malloc_or_err(ctx, 2 * half, sizeof(double), "FFT twiddle table");
    if (!wr) return MN_ERR_NOMEM;
    double *wi = wr + half;
    for (size_t k = 0; k < half; k++) {
        double a = 2.0 * M_PI * (double)k / (double)n;
        wr[k] = cos(a);
        wi[k] = sign * sin(a);
    }
    /* bit reversal permutation */
    for (size_t i = 1, j = 0; i < n; i++) {
        size_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) {
            double t = re[i];
            re[i] = re[j];
            re[j] = t;
            t = im[i];
            im[i] = im[j];
            im[j] = t;
        }
    }
    for (size_t len = 2; len <= n; len <<= 1) {
        size_t h = len / 2, step = n / len;
        for (size_t s = 0; s < n; s += len) {
            for (size_t k = 0; k < h; k++) {
                double cr = wr[k * step], ci = wi[k * step];
                size_t a = s + k, b = a + h;
                double xr = re[b] * cr - im[b] * ci;
                double xi = re[b] * ci + im[b] * cr;
                re[b] = re[a] - xr;
                im[b] = im[a] - xi;
                re[a] += xr;
                im[a] += xi;
            }
        }
    }
    mn__free(ctx, wr);
    return MN_OK;
}

/* direct sum below this many multiply-adds */
#define ACF_DIRECT_LIMIT 65536.0

mn_status mn_analysis_acf(double *acf, mn_context *ctx, const double *x, size_t n, size_t max_lag)
{
    mn_status st = MN_OK;
    double *re = NULL;
    if (!acf || !x) return mn__error(ctx, MN_ERR_INVALID, "mn_analysis_acf: NULL array");
    if (n < 2)
        return mn__error(ctx, MN_ERR_INVALID, "autocorrelation needs at least 2 samples (n = %zu)",
                         n);
    if (max_lag >= n)
        return mn__error(ctx, MN_ERR_RANGE, "autocorrelation: max_lag %zu must be < n = %zu",
                         max_lag, n);
    MN__TRY(mn__check_finite(ctx, "x", x, n));
    double mean = 0;
    for (size_t i = 0; i < n; i++) mean += x[i];
    mean /= (double)n;
    double c0 = 0;
    for (size_t i = 0; i < n; i++) c0 += (x[i] - mean) * (x[i] - mean);
    /* a constant series (to round-off) has no defined ACF */
    if (!(c0 > 0) || c0 <= (double)n * 1e-28 * (mean * mean))
        return mn__error(ctx, MN_ERR_RANGE,
                         "autocorrelation: the series is constant (every value %g), variance 0",
                         x[0]);
    if ((double)n * (double)(max_lag + 1) <= ACF_DIRECT_LIMIT) {
        for (size_t k = 0; k <= max_lag; k++) {
            double s = 0;
            for (size_t i = 0; i + k < n; i++) s += (x[i] - mean) * (x[i + k] - mean);
            acf[k] = s / c0;
        }
        acf[0] = 1.0;
        return MN_OK;
    }
    size_t N = 1;
    while (N < n + max_lag) {
        if (N > ((size_t)-1) / 4)
            return mn__error(ctx, MN_ERR_RANGE, "autocorrelation: n = %zu is too large", n);
        N <<= 1;
    }
    re = mn__calloc_or_err(ctx, 2 * N, sizeof(double), "ACF work array");
    if (!re) MN__FAIL(MN_ERR_NOMEM);
    double *im = re + N;
    for (size_t i = 0; i < n; i++) re[i] = x[i] - mean;
    MN__TRY(mn__fft(ctx, re, im, N, -1));
    for (size_t k = 0; k < N; k++) {
        re[k] = re[k] * re[k] + im[k] * im[k];
        im[k] = 0;
    }
    MN__TRY(mn__fft(ctx, re, im, N, +1));
    /* re[k] / N is the lag-k sum; divide by the lag-0 sum re[0] / N */
    for (size_t k = 0; k <= max_lag; k++) acf[k] = re[k] / re[0];
    acf[0] = 1.0;
cleanup:
    mn__free(ctx, re);
    return st;
}

/* a time within this fraction of a bin width from a bin edge is on the edge */
#define MN__BIN_SNAP 1e-6

mn_status mn_analysis_bin_events(double *counts, mn_context *ctx, const double *times, size_t n,
                                 double t0, double bin_width, size_t nbins)
{
    mn_status st = MN_OK;
    if (!counts) return mn__error(ctx, MN_ERR_INVALID, "mn_analysis_bin_events: counts is NULL");
    if (n > 0 && !times)
        return mn__error(ctx, MN_ERR_INVALID, "mn_analysis_bin_events: times is NULL with n = %zu",
                         n);
    if (nbins == 0) return mn__error(ctx, MN_ERR_INVALID, "event binning: nbins = 0 must be >= 1");
    if (!isfinite(t0)) return mn__error(ctx, MN_ERR_INVALID, "event binning: t0 = %g is not finite", t0);
    if (!(bin_width > 0) || !isfinite(bin_width))
        return mn__error(ctx, MN_ERR_RANGE, "event binning: bin width %g must be finite and > 0",
                         bin_width);
    MN__TRY(mn__check_finite(ctx, "times", times, n));
    MN__TRY(mn__check_increasing(ctx, "times", times, n, 0));
    for (size_t k = 0; k < nbins; k++) counts[k] = 0;
    for (size_t i = 0; i < n; i++) {
        double u = (times[i] - t0) / bin_width;
        /* Times on a grid of step w (fixed-step runs: t = t_start + k dt, printed and read
         * back in decimal) land within a few ulps of a bin edge, on either side of it; taking
         * floor(u) would then put a rounding-dependent share of them into the previous bin
         * (issue 15 item 1). A time within BIN_SNAP bins of an edge belongs to the bin that
         * starts at that edge. */
        double r = nearbyint(u);
        double k_d = fabs(u - r) <= MN__BIN_SNAP ? r : floor(u);
        if (!(k_d >= 0) || !(k_d < (double)nbins)) continue;
        counts[(size_t)k_d] += 1.0;
    }
cleanup:
    return st;
}

mn_status mn_analysis_event_acf(double *acf, mn_context *ctx, const double *times, size_t n,
                                double t0, double bin_width, size_t nbins, size_t max_lag)
{
    mn_status st = MN_OK;
    double *counts = NULL;
    if (!acf) return mn__error(ctx, MN_ERR_INVALID, "mn_analysis_event_acf: acf is NULL");
    if (nbins < 2)
        return mn__error(ctx, MN_ERR_INVALID, "event ACF: nbins = %zu must be >= 2", nbins);
    if (max_lag >= nbins)
        return mn__error(ctx, MN_ERR_RANGE, "event ACF: max_lag %zu must be < nbins = %zu",
                         max_lag, nbins);
    counts = mn__malloc_or_err(ctx, nbins, sizeof *counts, "event bins");
    if (!counts) return MN_ERR_NOMEM;
    MN__TRY(mn_analysis_bin_events(counts, ctx, times, n, t0, bin_width, nbins));
    st = mn_analysis_acf(acf, ctx, counts, nbins, max_lag);
    if (st == MN_ERR_RANGE)
        st = mn__error(ctx, MN_ERR_RANGE,
                       "event ACF: every one of the %zu bins of width %g holds %g events", nbins,
                       bin_width, counts[0]);
cleanup:
    mn__free(ctx, counts);
    return st;
}

mn_status mn_analysis_avalanches(double *sizes, size_t *durations, size_t *starts, size_t *count,
                                 size_t capacity, mn_context *ctx, const double *counts,
                                 size_t nbins)
{
    if (!count || !counts || (capacity > 0 && (!sizes || !durations)))
        return mn__error(ctx, MN_ERR_INVALID, "mn_analysis_avalanches: NULL array");
    *count = 0;
    if (nbins == 0) return mn__error(ctx, MN_ERR_INVALID, "avalanches: no bins (nbins = 0)");
    for (size_t k = 0; k < nbins; k++)
        if (!isfinite(counts[k]) || counts[k] < 0)
            return mn__error(ctx, MN_ERR_INVALID, "avalanches: counts[%zu] = %g must be finite and >= 0",
                             k, counts[k]);
    size_t found = 0;
    size_t k = 0;
    while (k < nbins) {
        if (counts[k] == 0) {
            k++;
            continue;
        }
        size_t s = k;
        double sz = 0;
        while (k < nbins && counts[k] > 0) sz += counts[k++];
        /* complete only if bounded by empty bins on both sides */
        if (s == 0 || k == nbins) continue;
        if (found < capacity) {
            sizes[found] = sz;
            durations[found] = k - s;
            if (starts) starts[found] = s;
        }
        found++;
    }
    *count = found;
    if (found > capacity)
        return mn__error(ctx, MN_ERR_RANGE, "avalanches: %zu found but capacity is %zu", found,
                         capacity);
    return MN_OK;
}
