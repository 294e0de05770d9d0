/* Analysis: input checks, event detection and event trains, inter-event intervals,
 * histograms, moving averages of a series and of the event rate (003 sec. 2.5-2.6). */
#include "analysis-private.h"

#include <math.h>
#include <string.h>

mn_status mn__check_finite(mn_context *ctx, const char *name, const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return mn__error(ctx, MN_ERR_INVALID, "%s[%zu] = %g is not finite", name, i, x[i]);
    return MN_OK;
}

mn_status mn__check_increasing(mn_context *ctx, const char *name, const double *t, size_t n,
                               int strict)
{
    for (size_t i = 1; i < n; i++) {
        if (strict ? !(t[i] > t[i - 1]) : !(t[i] >= t[i - 1]))
            return mn__error(ctx, MN_ERR_INVALID, "%s[%zu] = %.17g is %s %s[%zu] = %.17g", name,
                             i, t[i], strict ? "not greater than" : "less than", name, i - 1,
                             t[i - 1]);
    }
    return MN_OK;
}

/* ---------------------------------------------------------------- event trains */

struct mn_event_train {
    mn_context *ctx;
    size_t n;
    double *times;
    double *sizes;
    size_t *samples; /* NULL for a train made from a log */
};

void mn_event_train_free(mn_event_train *train)
{
    if (!train) return;
    mn_context *ctx = train->ctx;
    mn__free(ctx, train->times);
    mn__free(ctx, train->sizes);
    mn__free(ctx, train->samples);
    mn__free(ctx, train);
}

size_t mn_event_train_count(const mn_event_train *train) { return train ? train->n : 0; }

const double *mn_event_train_times(const mn_event_train *train)
{
    return train && train->n ? train->times : NULL;
}

const double *mn_event_train_sizes(const mn_event_train *train)
{
    return train && train->n ? train->sizes : NULL;
}

const size_t *mn_event_train_samples(const mn_event_train *train)
{
    return train && train->n ? train->samples : NULL;
}

static mn_status train_alloc(mn_event_train **out, mn_context *ctx, size_t n, int with_samples)
{
    mn_status st = MN_OK;
    size_t cap = n ? n : 1;
    mn_event_train *tr = mn__calloc_or_err(ctx, 1, sizeof *tr, "event train");
    if (!tr) return MN_ERR_NOMEM;
    tr->ctx = ctx;
    tr->times = mn__malloc_or_err(ctx, cap, sizeof(double), "event times");
    tr->sizes = mn__malloc_or_err(ctx, cap, sizeof(double), "event sizes");
    if (!tr->times || !tr->sizes) MN__FAIL(MN_ERR_NOMEM);
    if (with_samples) {
        tr->samples = mn__malloc_or_err(ctx, cap, sizeof(size_t), "event sample indices");
        if (!tr->samples) MN__FAIL(MN_ERR_NOMEM);
    }
    *out = tr;
    return MN_OK;
cleanup:
    mn_event_train_free(tr);
    return st;
}

mn_status mn_event_train_new(mn_event_train **out, mn_context *ctx, const double *times,
                             const double *sizes, size_t n)
{
    mn_status st = MN_OK;
    mn_event_train *tr = NULL;
    if (!out) return mn__error(ctx, MN_ERR_INVALID, "mn_event_train_new: out is NULL");
    *out = NULL;
    if (!ctx) return MN_ERR_INVALID;
    if (n > 0 && !times)
        return mn__error(ctx, MN_ERR_INVALID, "mn_event_train_new: times is NULL with n = %zu", n);
    if (n > 0) {
        MN__TRY(mn__check_finite(ctx, "times", times, n));
        if (sizes) MN__TRY(mn__check_finite(ctx, "sizes", sizes, n));
        MN__TRY(mn__check_increasing(ctx, "times", times, n, 0));
    }
    MN__TRY(train_alloc(&tr, ctx, n, 0));
    if (n > 0) memcpy(tr->times, times, n * sizeof(double));
    for (size_t i = 0; i < n; i++) tr->sizes[i] = sizes ? sizes[i] : 1.0;
    tr->n = n;
    *out = tr;
cleanup:
    return st;
}

mn_status mn_analysis_detect_events(mn_event_train **out, mn_context *ctx, const double *t,
                                    const double *x, size_t n, double threshold,
                                    mn_event_threshold mode, mn_event_direction direction)
{
    mn_status st = MN_OK;
    mn_event_train *tr = NULL;
    if (!out) return mn__error(ctx, MN_ERR_INVALID, "mn_analysis_detect_events: out is NULL");
    *out = NULL;
    if (!x) return mn__error(ctx, MN_ERR_INVALID, "mn_analysis_detect_events: series x is NULL");
    if (n == 0) return mn__error(ctx, MN_ERR_INVALID, "event detection: the series is empty (n = 0)");
    if (!(threshold > 0) || !isfinite(threshold))
        return mn__error(ctx, MN_ERR_RANGE, "event detection: threshold %g must be finite and > 0",
                         threshold);
    if (mode != MN_EVENT_ABSOLUTE && mode != MN_EVENT_RELATIVE)
        return mn__error(ctx, MN_ERR_INVALID, "event detection: unknown threshold mode %d",
                         (int)mode);
    if (direction != MN_EVENT_BOTH && direction != MN_EVENT_UP && direction != MN_EVENT_DOWN)
        return mn__error(ctx, MN_ERR_INVALID, "event detection: unknown direction %d",
                         (int)direction);
    MN__TRY(mn__check_finite(ctx, "x", x, n));
    if (t) {
        MN__TRY(mn__check_finite(ctx, "t", t, n));
        MN__TRY(mn__check_increasing(ctx, "t", t, n, 1));
    }
    /* count first, then fill: one allocation of the exact size */
    size_t m = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t k = 0;
        for (size_t i = 1; i < n; i++) {
            double dx = x[i] - x[i - 1];
            if (direction == MN_EVENT_UP && !(dx > 0)) continue;
            if (direction == MN_EVENT_DOWN && !(dx < 0)) continue;
            double lim = mode == MN_EVENT_ABSOLUTE ? threshold : threshold * fabs(x[i - 1]);
            if (dx == 0 || !(fabs(dx) >= lim)) continue;
            if (pass == 1) {
                tr->times[k] = t ? t[i] : (double)i;
                tr->sizes[k] = dx;
                tr->samples[k] = i;
            }
            k++;
        }
        if (pass == 0) {
            m = k;
            MN__TRY(train_alloc(&tr, ctx, m, 1));
        }
    }
    tr->n = m;
    *out = tr;
    return MN_OK;
cleanup:
    mn_event_train_free(tr);
    return st;
}

/* ---------------------------------------------------------------- intervals, histograms */

mn_status mn_analysis_intervals(double *out, mn_context *ctx, const double *times, size_t n)
{
    mn_status st = MN_OK;
    if (!out || !times) return mn__error(ctx, MN_ERR_INVALID, "mn_analysis_intervals: NULL array");
    if (n < 2)
        return mn__error(ctx, MN_ERR_INVALID,
                         "inter-event intervals need at least 2 events (n = %zu)", n);
    MN__TRY(mn__check_finite(ctx, "times", times, n));
    MN__TRY(mn__check_increasing(ctx, "times", times, n, 0));
    for (size_t i = 0; i + 1 < n; i++) out[i] = times[i + 1] - times[i];
cleanup:
    return st;
}

mn_status mn_analysis_histogram(double *edges, double *density, size_t *counts,
                                size_t *n_outside, mn_context *ctx, const double *x, size_t n,
                                size_t nbins, mn_bin_scale scale, double lo, double hi)
{
    mn_status st = MN_OK;
    size_t *cnt = counts;
    int own = 0;
    if (!edges || !density || !x)
        return mn__error(ctx, MN_ERR_INVALID, "mn_analysis_histogram: NULL array");
    if (n == 0) return mn__error(ctx, MN_ERR_INVALID, "histogram: no values (n = 0)");
    if (nbins == 0) return mn__error(ctx, MN_ERR_INVALID, "histogram: nbins = 0 must be >= 1");
    if (scale != MN_BINS_LINEAR && scale != MN_BINS_LOG)
        return mn__error(ctx, MN_ERR_INVALID, "histogram: unknown bin scale %d", (int)scale);
    MN__TRY(mn__check_finite(ctx, "x", x, n));
    if (!isfinite(lo) || !isfinite(hi))
        return mn__error(ctx, MN_ERR_RANGE, "histogram: range [%g, %g] is not finite", lo, hi);
    if (lo == 0 && hi == 0) {
        int found = 0;
        for (size_t i = 0; i < n; i++) {
            if (scale == MN_BINS_LOG && !(x[i] > 0)) continue;
            if (!found || x[i] < lo) lo = x[i];
            if (!found || x[i] > hi) hi = x[i];
            found = 1;
        }
        if (!found)
            return mn__error(ctx, MN_ERR_INVALID,
                             "histogram: logarithmic bins need a value > 0 (none of %zu is)", n);
        if (!(hi > lo))
            return mn__error(ctx, MN_ERR_RANGE,
                             "histogram: every value equals %g, the automatic range is empty", lo);
    }
    if (!(hi > lo))
        return mn__error(ctx, MN_ERR_RANGE, "histogram: upper edge %g must be > lower edge %g", hi,
                         lo);
    if (scale == MN_BINS_LOG && !(lo > 0))
        return mn__error(ctx, MN_ERR_RANGE, "histogram: logarithmic bins need lower edge %g > 0",
                         lo);
    if (!cnt) {
        cnt = mn__malloc_or_err(ctx, nbins, sizeof *cnt, "histogram counts");
        if (!cnt) return MN_ERR_NOMEM;
        own = 1;
    }
    for (size_t k = 0; k <= nbins; k++) {
        double f = (double)k / (double)nbins;
        edges[k] = scale == MN_BINS_LINEAR ? lo + (hi - lo) * f : lo * pow(hi / lo, f);
    }
    edges[0] = lo;
    edges[nbins] = hi;
    for (size_t k = 0; k < nbins; k++) cnt[k] = 0;
    size_t inside = 0;
    double a = scale == MN_BINS_LINEAR ? lo : log(lo);
    double span = scale == MN_BINS_LINEAR ? hi - lo : log(hi) - log(lo);
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        if (!(v >= lo) || !(v <= hi)) continue;
        double u = ((scale == MN_BINS_LINEAR ? v : log(v)) - a) / span * (double)nbins;
        size_t k = u <= 0 ? 0 : (size_t)u;
        if (k >= nbins) k = nbins - 1;
        /* the computed index may be off by one at an edge: settle it on the stored edges */
        while (k > 0 && v < edges[k]) k--;
        while (k + 1 < nbins && v >= edges[k + 1]) k++;
        cnt[k]++;
        inside++;
    }
    for (size_t k = 0; k < nbins; k++)
        density[k] = inside ? (double)cnt[k] / ((double)inside * (edges[k + 1] - edges[k])) : 0.0;
    if (n_outside) *n_outside = n - inside;
    if (own) mn__free(ctx, cnt);
cleanup:
    return st;
}

/* ---------------------------------------------------------------- moving averages */

mn_status mn_analysis_moving_average(double *out, mn_context *ctx, const double *x, size_t n,
                                     size_t window)
{
    mn_status st = MN_OK;
    double *ring = NULL;
    if (!out || !x) return mn__error(ctx, MN_ERR_INVALID, "mn_analysis_moving_average: NULL array");
    if (n == 0) return mn__error(ctx, MN_ERR_INVALID, "moving average: the series is empty (n = 0)");
    if (window == 0) return mn__error(ctx, MN_ERR_RANGE, "moving average: window 0 must be >= 1");
    MN__TRY(mn__check_finite(ctx, "x", x, n));
    size_t w = window < n ? window : n;
    /* keep the last w inputs (out may alias x) */
    ring = mn__malloc_or_err(ctx, w, sizeof *ring, "moving-average window");
    if (!ring) MN__FAIL(MN_ERR_NOMEM);
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        size_t slot = i % w;
        if (i >= w) sum -= ring[slot];
        ring[slot] = v;
        sum += v;
        if (slot == w - 1) { /* recompute exactly once per window: no drift */
            sum = 0;
            for (size_t j = 0; j < w; j++) sum += ring[j];
        }
        size_t cnt = i + 1 < w ? i + 1 : w;
        out[i] = sum / (double)cnt;
    }
cleanup:
    mn__free(ctx, ring);
    return st;
}

mn_status mn_analysis_event_rate(double *rate, mn_context *ctx, const double *t, size_t n,
                                 const double *times, size_t m, double window)
{
    mn_status st = MN_OK;
    if (!rate || !t) return mn__error(ctx, MN_ERR_INVALID, "mn_analysis_event_rate: NULL array");
    if (m > 0 && !times)
        return mn__error(ctx, MN_ERR_INVALID, "mn_analysis_event_rate: times is NULL with m = %zu",
                         m);
    if (n == 0) return mn__error(ctx, MN_ERR_INVALID, "event rate: no sample times (n = 0)");
    if (!(window > 0) || !isfinite(window))
        return mn__error(ctx, MN_ERR_RANGE, "event rate: window %g must be finite and > 0", window);
    MN__TRY(mn__check_finite(ctx, "t", t, n));
    MN__TRY(mn__check_increasing(ctx, "t", t, n, 1));
    if (m > 0) {
        MN__TRY(mn__check_finite(ctx, "times", times, m));
        MN__TRY(mn__check_increasing(ctx, "times", times, m, 0));
    }
    size_t lo = 0, hi = 0; /* events in (t_i - window, t_i] are times[lo .. hi-1] */
    for (size_t i = 0; i < n; i++) {
        while (hi < m && times[hi] <= t[i]) hi++;
        while (lo < hi && times[lo] <= t[i] - window) lo++;
        rate[i] = (double)(hi - lo) / window;
    }
cleanup:
    return st;
}
