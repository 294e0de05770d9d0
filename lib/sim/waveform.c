/* Waveforms: scalar functions of time with their breakpoints (sim.h). */
#include "sim-private.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum wf_kind { WF_DC, WF_PULSE, WF_TRI, WF_RAMP, WF_SINE, WF_PWL, WF_SUM, WF_CALLBACK };

struct mn_waveform {
    mn_context *ctx;
    int kind;
    /* DC: a; PULSE: a=high b=low c=width; TRI: a=low b=high c=rise; RAMP: a=v0 b=v1 c=t0 d=t1;
       SINE: a=amplitude b=frequency c=phase e=offset, delay */
    double a, b, c, d, e;
    double period, delay;
    int64_t count;              /* 0: for ever */
    size_t n;                   /* PWL points, SUM terms, CALLBACK breakpoints */
    double *t, *v;              /* PWL points; CALLBACK breakpoints in t; SUM weights in v */
    mn_waveform **terms;        /* SUM */
    mn_waveform_fn fn;          /* CALLBACK */
    void *user;
};

static mn_status wf_alloc(mn_waveform **out, mn_context *ctx, int kind)
{
    if (!out) return ctx ? mn__error(ctx, MN_ERR_INVALID, "waveform: out is NULL") : MN_ERR_INVALID;
    *out = NULL;
    if (!ctx) return MN_ERR_INVALID;
    mn_waveform *w = mn__calloc_or_err(ctx, 1, sizeof *w, "waveform");
    if (!w) return MN_ERR_NOMEM;
    w->ctx = ctx;
    w->kind = kind;
    *out = w;
    return MN_OK;
}

static int finite_all(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return 0;
    return 1;
}

/* A periodic train starting at `delay` with period P and a feature of length w is resolvable
 * when its edges near the start are distinct doubles: |delay| / P <= 2^52 and
 * w > ulp(|delay|) (the breakpoint search counts periods in doubles). */
static int train_resolvable(double delay, double P, double w)
{
    if (fabs(delay) / P > 0x1p52) return 0;
    double d = fabs(delay) + P;
    return w > 4 * (nextafter(d, INFINITY) - d);
}

mn_status mn_waveform_new_dc(mn_waveform **out, mn_context *ctx, double value)
{
    if (out) *out = NULL;
    if (ctx && !isfinite(value))
        return mn__error(ctx, MN_ERR_RANGE, "dc waveform: value %g must be finite", value);
    mn_status st = wf_alloc(out, ctx, WF_DC);
    if (st == MN_OK) (*out)->a = value;
    return st;
}

mn_status mn_waveform_new_pulse(mn_waveform **out, mn_context *ctx, double high, double low,
                                double width, double period, int64_t count, double delay)
{
    if (out) *out = NULL;
    if (!ctx) return MN_ERR_INVALID;
    double chk[] = { high, low, delay };
    if (!finite_all(chk, 3))
        return mn__error(ctx, MN_ERR_RANGE, "pulse waveform: high %g, low %g, delay %g must be finite",
                         high, low, delay);
    if (!(width > 0) || !isfinite(width))
        return mn__error(ctx, MN_ERR_RANGE, "pulse waveform: width %g must be > 0", width);
    if (!(period >= width) || !isfinite(period))
        return mn__error(ctx, MN_ERR_RANGE, "pulse waveform: period %g must be >= width %g", period,
                         width);
    if (count < 0)
        return mn__error(ctx, MN_ERR_RANGE, "pulse waveform: count %lld must be >= 0",
                         (long long)count);
    if (!train_resolvable(delay, period, width))
        return mn__error(ctx, MN_ERR_RANGE, "pulse waveform: delay %g is more than 2^52 periods "
                         "(%g) or the width %g is below the time resolution there", delay, period,
                         width);
    mn_status st = wf_alloc(out, ctx, WF_PULSE);
    if (st) return st;
    mn_waveform *w = *out;
    w->a = high;
    w->b = low;
    w->c = width;
    w->period = period;
    w->count = count;
    w->delay = delay;
    return MN_OK;
}

mn_status mn_waveform_new_triangle(mn_waveform **out, mn_context *ctx, double low, double high,
                                   double period, double rise, int64_t count, double delay)
{
    if (out) *out = NULL;
    if (!ctx) return MN_ERR_INVALID;
    double chk[] = { high, low, delay };
    if (!finite_all(chk, 3))
        return mn__error(ctx, MN_ERR_RANGE,
                         "triangle waveform: low %g, high %g, delay %g must be finite", low, high,
                         delay);
    if (!(period > 0) || !isfinite(period))
        return mn__error(ctx, MN_ERR_RANGE, "triangle waveform: period %g must be > 0", period);
    if (!(rise > 0 && rise <= period))
        return mn__error(ctx, MN_ERR_RANGE, "triangle waveform: rise time %g must be in (0, %g]",
                         rise, period);
    if (count < 0)
        return mn__error(ctx, MN_ERR_RANGE, "triangle waveform: count %lld must be >= 0",
                         (long long)count);
    if (!train_resolvable(delay, period, rise) ||
        (rise < period && !train_resolvable(delay, period, period - rise)))
        return mn__error(ctx, MN_ERR_RANGE, "triangle waveform: delay %g is more than 2^52 "
                         "periods (%g) or the rise %g is below the time resolution there", delay,
                         period, rise);
    mn_status st = wf_alloc(out, ctx, WF_TRI);
    if (st) return st;
    mn_waveform *w = *out;
    w->a = low;
    w->b = high;
    w->c = rise;
    w->period = period;
    w->count = count;
    w->delay = delay;
    return MN_OK;
}

mn_status mn_waveform_new_ramp(mn_waveform **out, mn_context *ctx, double v0, double v1, double t0,
                               double t1)
{
    if (out) *out = NULL;
    if (!ctx) return MN_ERR_INVALID;
    double chk[] = { v0, v1, t0, t1 };
    if (!finite_all(chk, 4))
        return mn__error(ctx, MN_ERR_RANGE, "ramp waveform: v0 %g, v1 %g, t0 %g, t1 %g must be finite",
                         v0, v1, t0, t1);
    if (!(t1 > t0))
        return mn__error(ctx, MN_ERR_RANGE, "ramp waveform: end time %g must be > start time %g", t1,
                         t0);
    mn_status st = wf_alloc(out, ctx, WF_RAMP);
    if (st) return st;
    (*out)->a = v0;
    (*out)->b = v1;
    (*out)->c = t0;
    (*out)->d = t1;
    return MN_OK;
}

mn_status mn_waveform_new_sine(mn_waveform **out, mn_context *ctx, double amplitude,
                               double frequency, double phase, double offset, double delay)
{
    if (out) *out = NULL;
    if (!ctx) return MN_ERR_INVALID;
    double chk[] = { amplitude, phase, offset, delay };
    if (!finite_all(chk, 4))
        return mn__error(ctx, MN_ERR_RANGE,
                         "sine waveform: amplitude %g, phase %g, offset %g, delay %g must be finite",
                         amplitude, phase, offset, delay);
    if (!(frequency > 0) || !isfinite(frequency))
        return mn__error(ctx, MN_ERR_RANGE, "sine waveform: frequency %g must be > 0", frequency);
    mn_status st = wf_alloc(out, ctx, WF_SINE);
    if (st) return st;
    mn_waveform *w = *out;
    w->a = amplitude;
    w->b = frequency;
    w->c = phase;
    w->e = offset;
    w->delay = delay;
    return MN_OK;
}

mn_status mn_waveform_new_pwl(mn_waveform **out, mn_context *ctx, const double *t, const double *v,
                              size_t n)
{
    if (out) *out = NULL;
    if (!ctx) return MN_ERR_INVALID;
    if (n == 0 || !t || !v)
        return mn__error(ctx, MN_ERR_INVALID, "pwl waveform: needs at least one point (got %zu)", n);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(t[i]) || !isfinite(v[i]))
            return mn__error(ctx, MN_ERR_RANGE, "pwl waveform: point %zu (t=%g, v=%g) is not finite",
                             i, t[i], v[i]);
        if (i > 0 && t[i] < t[i - 1])
            return mn__error(ctx, MN_ERR_RANGE,
                             "pwl waveform: time %g of point %zu is before time %g of point %zu", t[i],
                             i, t[i - 1], i - 1);
        if (i > 1 && t[i] == t[i - 2])
            return mn__error(ctx, MN_ERR_RANGE,
                             "pwl waveform: more than two points at time %g (point %zu)", t[i], i);
    }
    mn_status st = wf_alloc(out, ctx, WF_PWL);
    if (st) return st;
    mn_waveform *w = *out;
    w->t = mn__malloc_or_err(ctx, n, sizeof(double), "pwl waveform");
    w->v = mn__malloc_or_err(ctx, n, sizeof(double), "pwl waveform");
    if (!w->t || !w->v) {
        mn_waveform_free(w);
        *out = NULL;
        return MN_ERR_NOMEM;
    }
    memcpy(w->t, t, n * sizeof(double));
    memcpy(w->v, v, n * sizeof(double));
    w->n = n;
    return MN_OK;
}

/* a header is a line starting with a letter or a quote */
static int line_is_header_ok(const char *p) { return isalpha((unsigned char)*p) || *p == '"'; }

/* one line of a text file into buf (any length, grown through the context): its length, -1 at
 * EOF, -2 out of memory, -3 for a NUL byte inside the line ("3\0.5" must not read as 3) */
static long wf_read_line(mn_context *ctx, FILE *f, char **buf, size_t *cap)
{
    size_t n = 0;
    int c, nul = 0;
    while ((c = fgetc(f)) != EOF) {
        if (n + 1 >= *cap) {
            size_t nc = *cap ? 2 * *cap : 256;
            char *q = mn__realloc(ctx, *buf, nc);
            if (!q) return -2;
            *buf = q;
            *cap = nc;
        }
        if (c == '\n') break;
        if (c == '\0') nul = 1;
        (*buf)[n++] = (char)c;
    }
    if (c == EOF && n == 0) return -1;
    if (!*buf) {
        *buf = mn__malloc(ctx, 1);
        if (!*buf) return -2;
    }
    (*buf)[n] = '\0';
    return nul ? -3 : (long)(n > LONG_MAX ? LONG_MAX : n);
}

static mn_status pwl_file(mn_waveform **out, mn_context *ctx, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return mn__error(ctx, MN_ERR_IO, "pwl file \"%s\": cannot open (%s)", path, strerror(errno));
    mn_status st = MN_OK;
    size_t cap = 64, n = 0, line = 0, bcap = 0;
    double *t = mn__malloc_or_err(ctx, cap, sizeof(double), "pwl file");
    double *v = mn__malloc_or_err(ctx, cap, sizeof(double), "pwl file");
    char *buf = NULL;
    long len;
    int seen_data = 0;
    if (!t || !v) MN__FAIL(MN_ERR_NOMEM);
    while ((len = wf_read_line(ctx, f, &buf, &bcap)) >= 0) {
        line++;
        char *p = buf;
        /* a UTF-8 byte order mark at the start of the file is skipped */
        if (line == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
        while (isspace((unsigned char)*p)) p++;
        if (*p == '#' || *p == '\0') continue;
        char *end;
        errno = 0;
        double a = strtod(p, &end);
        if (end == p) {
            if (!seen_data && n == 0 && line_is_header_ok(p)) {
                seen_data = 1; /* one header line */
                continue;
            }
            if ((unsigned char)*p >= 0x80)
                MN__FAIL(mn__error(ctx, MN_ERR_PARSE, "pwl file \"%s\" line %zu: non-ASCII byte "
                                   "0x%02X where t,v was expected", path, line, (unsigned char)*p));
            MN__FAIL(mn__error(ctx, MN_ERR_PARSE, "pwl file \"%s\" line %zu: \"%.40s\" is not t,v",
                               path, line, p));
        }
        p = end;
        while (isspace((unsigned char)*p) || *p == ',' || *p == ';') p++;
        double b = strtod(p, &end);
        if (end == p)
            MN__FAIL(mn__error(ctx, MN_ERR_PARSE, "pwl file \"%s\" line %zu: missing value after t=%g",
                               path, line, a));
        p = end;
        while (isspace((unsigned char)*p)) p++;
        if (*p && *p != '#')
            MN__FAIL(mn__error(ctx, MN_ERR_PARSE, "pwl file \"%s\" line %zu: extra text \"%.40s\"",
                               path, line, p));
        seen_data = 1;
        if (n == cap) {
            cap *= 2;
            double *t2 = mn__realloc_array(ctx, t, cap, sizeof(double));
            if (!t2) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "pwl file: out of memory"));
            t = t2;
            double *v2 = mn__realloc_array(ctx, v, cap, sizeof(double));
            if (!v2) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "pwl file: out of memory"));
            v = v2;
        }
        t[n] = a;
        v[n] = b;
        n++;
    }
    if (len == -2) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "pwl file: out of memory"));
    if (len == -3)
        MN__FAIL(mn__error(ctx, MN_ERR_PARSE, "pwl file \"%s\" line %zu: NUL byte in a text line",
                           path, line + 1));
    if (ferror(f)) MN__FAIL(mn__error(ctx, MN_ERR_IO, "pwl file \"%s\": read error", path));
    if (n == 0) MN__FAIL(mn__error(ctx, MN_ERR_PARSE, "pwl file \"%s\": no points", path));
    st = mn_waveform_new_pwl(out, ctx, t, v, n);
cleanup:
    fclose(f);
    mn__free(ctx, t);
    mn__free(ctx, v);
    mn__free(ctx, buf);
    return st;
}

mn_status mn_waveform_new_pwl_file(mn_waveform **out, mn_context *ctx, const char *path)
{
    if (out) *out = NULL;
    if (!ctx) return MN_ERR_INVALID;
    if (!path) return mn__error(ctx, MN_ERR_INVALID, "pwl file: path is NULL");
    mn__c_locale loc;
    if (mn__c_locale_begin(&loc))
        return mn__error(ctx, MN_ERR_NOMEM, "pwl file: cannot create the C locale");
    mn_status st = pwl_file(out, ctx, path);
    mn__c_locale_end(&loc);
    return st;
}

mn_status mn_waveform_copy(mn_waveform **out, const mn_waveform *w)
{
    if (out) *out = NULL;
    if (!out || !w) return MN_ERR_INVALID;
    mn_context *ctx = w->ctx;
    mn_waveform *c = mn__malloc_or_err(ctx, 1, sizeof *c, "waveform");
    if (!c) return MN_ERR_NOMEM;
    *c = *w;
    c->t = c->v = NULL;
    c->terms = NULL;
    if (w->kind == WF_SUM) {
        c->terms = mn__calloc_or_err(ctx, w->n, sizeof *c->terms, "sum waveform");
        c->v = mn__malloc_or_err(ctx, w->n, sizeof(double), "sum waveform");
        if (!c->terms || !c->v) goto fail;
        memcpy(c->v, w->v, w->n * sizeof(double));
        for (size_t i = 0; i < w->n; i++)
            if (mn_waveform_copy(&c->terms[i], w->terms[i])) goto fail;
    } else if (w->n) {
        c->t = mn__malloc_or_err(ctx, w->n, sizeof(double), "waveform");
        if (!c->t) goto fail;
        memcpy(c->t, w->t, w->n * sizeof(double));
        if (w->v) {
            c->v = mn__malloc_or_err(ctx, w->n, sizeof(double), "waveform");
            if (!c->v) goto fail;
            memcpy(c->v, w->v, w->n * sizeof(double));
        }
    }
    *out = c;
    return MN_OK;
fail:
    mn_waveform_free(c);
    return MN_ERR_NOMEM;
}

mn_status mn_waveform_new_sum(mn_waveform **out, mn_context *ctx, const mn_waveform *const *terms,
                              const double *weights, size_t n)
{
    if (out) *out = NULL;
    if (!ctx) return MN_ERR_INVALID;
    if (n == 0 || !terms) return mn__error(ctx, MN_ERR_INVALID, "sum waveform: needs at least one term");
    for (size_t i = 0; i < n; i++) {
        if (!terms[i]) return mn__error(ctx, MN_ERR_INVALID, "sum waveform: term %zu is NULL", i);
        if (weights && !isfinite(weights[i]))
            return mn__error(ctx, MN_ERR_RANGE, "sum waveform: weight %zu = %g must be finite", i,
                             weights[i]);
    }
    mn_status st = wf_alloc(out, ctx, WF_SUM);
    if (st) return st;
    mn_waveform *w = *out;
    w->terms = mn__calloc_or_err(ctx, n, sizeof *w->terms, "sum waveform");
    w->v = mn__malloc_or_err(ctx, n, sizeof(double), "sum waveform");
    if (!w->terms || !w->v) goto fail;
    w->n = n;
    for (size_t i = 0; i < n; i++) {
        w->v[i] = weights ? weights[i] : 1.0;
        if (mn_waveform_copy(&w->terms[i], terms[i])) goto fail;
    }
    return MN_OK;
fail:
    mn_waveform_free(w);
    *out = NULL;
    return MN_ERR_NOMEM;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

mn_status mn_waveform_new_callback(mn_waveform **out, mn_context *ctx, mn_waveform_fn fn,
                                   void *user_data, const double *breakpoints, size_t n)
{
    if (out) *out = NULL;
    if (!ctx) return MN_ERR_INVALID;
    if (!fn) return mn__error(ctx, MN_ERR_INVALID, "callback waveform: function is NULL");
    if (n && !breakpoints)
        return mn__error(ctx, MN_ERR_INVALID, "callback waveform: %zu breakpoints but array is NULL", n);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(breakpoints[i]))
            return mn__error(ctx, MN_ERR_RANGE, "callback waveform: breakpoint %zu = %g is not finite",
                             i, breakpoints[i]);
    mn_status st = wf_alloc(out, ctx, WF_CALLBACK);
    if (st) return st;
    mn_waveform *w = *out;
    w->fn = fn;
    w->user = user_data;
    if (n) {
        w->t = mn__malloc_or_err(ctx, n, sizeof(double), "callback waveform");
        if (!w->t) {
            mn_waveform_free(w);
            *out = NULL;
            return MN_ERR_NOMEM;
        }
        memcpy(w->t, breakpoints, n * sizeof(double));
        qsort(w->t, n, sizeof(double), cmp_double);
        w->n = n;
    }
    return MN_OK;
}

void mn_waveform_free(mn_waveform *w)
{
    if (!w) return;
    mn_context *ctx = w->ctx;
    if (w->terms)
        for (size_t i = 0; i < w->n; i++) mn_waveform_free(w->terms[i]);
    mn__free(ctx, w->terms);
    mn__free(ctx, w->t);
    mn__free(ctx, w->v);
    mn__free(ctx, w);
}

/* ------------------------------------------------------------------------- evaluation */

/* Period index k of t for a train starting at `delay` with period P, such that
 * delay + k P <= t < delay + (k+1) P (right) or delay + k P < t <= delay + (k+1) P (left),
 * with the edge times computed exactly as the breakpoints are. */
static double period_index(double t, double delay, double P, int left)
{
    double k = floor((t - delay) / P);
    for (int it = 0; it < 4; it++) {
        double lo = delay + k * P, hi = delay + (k + 1) * P;
        if (left ? (t <= lo) : (t < lo)) k -= 1;
        else if (left ? (t > hi) : (t >= hi)) k += 1;
        else break;
    }
    return k;
}

/* index of the last point with t[i] <= x (right) or the last with t[i] < x (left); -1 if none */
static long pwl_find(const double *t, size_t n, double x, int left)
{
    size_t lo = 0, hi = n; /* first index with t > x (right) / t >= x (left) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (left ? (t[mid] < x) : (t[mid] <= x)) lo = mid + 1;
        else hi = mid;
    }
    return (long)lo - 1;
}

double mn__waveform_eval(const mn_waveform *w, double t, int left)
{
    switch (w->kind) {
    case WF_DC:
        return w->a;
    case WF_PULSE: {
        if (left ? (t <= w->delay) : (t < w->delay)) return w->b;
        double k = period_index(t, w->delay, w->period, left);
        if (w->count > 0 && k >= (double)w->count) return w->b;
        double start = w->delay + k * w->period, end = start + w->c;
        int on = left ? (t > start && t <= end) : (t >= start && t < end);
        return on ? w->a : w->b;
    }
    case WF_TRI: {
        if (left ? (t <= w->delay) : (t < w->delay)) return w->a;
        double k = period_index(t, w->delay, w->period, left);
        if (w->count > 0 && k >= (double)w->count) return w->a;
        double start = w->delay + k * w->period, peak = start + w->c;
        double s = t - start;
        double fall = w->period - w->c;
        if (!isfinite(start) || !(s >= 0 && s <= w->period)) {
            /* a period far below the resolution of t (tri:0:0:1e-35 at t = 1e300 gave k = inf,
             * inf - inf and NaN; found by fuzz-waveform): the phase from fmod, in [0, period) */
            s = fmod(t - w->delay, w->period);
            if (!(s >= 0 && s < w->period)) s = 0;
            if (s <= w->c) return w->a + (w->b - w->a) * (s / w->c);
            return fall > 0 ? w->b - (w->b - w->a) * ((s - w->c) / fall) : w->a;
        }
        if (t <= peak) return w->a + (w->b - w->a) * (s / w->c);
        /* a sawtooth (rise = period) past its peak is at the low value of the next period
         * (t - peak) / 0 was -inf; found by fuzz-waveform */
        if (!(fall > 0)) return w->a;
        return w->b - (w->b - w->a) * ((t - peak) / fall);
    }
    case WF_RAMP:
        if (t <= w->c) return w->a;
        if (t >= w->d) return w->b;
        return w->a + (w->b - w->a) * ((t - w->c) / (w->d - w->c));
    case WF_SINE: {
        double s = t > w->delay ? t - w->delay : 0.0;
        double arg = 6.283185307179586476925286766559 * w->b * s + w->c;
        /* far times (2 pi f s beyond DBL_MAX; fuzz-waveform): reduce s modulo the period
         * first, sin(inf) would be NaN */
        if (!isfinite(arg))
            arg = 6.283185307179586476925286766559 * w->b * fmod(s, 1.0 / w->b) + w->c;
        return w->e + w->a * sin(arg);
    }
    case WF_PWL: {
        long i = pwl_find(w->t, w->n, t, left);
        if (i < 0) return w->v[0];
        if ((size_t)i >= w->n - 1) return w->v[w->n - 1];
        double t0 = w->t[i], t1 = w->t[i + 1];
        if (t1 == t0) return left ? w->v[i] : w->v[i + 1];
        return w->v[i] + (w->v[i + 1] - w->v[i]) * ((t - t0) / (t1 - t0));
    }
    case WF_SUM: {
        double s = 0;
        for (size_t i = 0; i < w->n; i++) s += w->v[i] * mn__waveform_eval(w->terms[i], t, left);
        return s;
    }
    case WF_CALLBACK:
        return w->fn(left ? nextafter(t, -INFINITY) : t, w->user);
    }
    return NAN;
}

double mn_waveform_value(const mn_waveform *w, double t) { return w ? mn__waveform_eval(w, t, 0) : NAN; }
double mn_waveform_value_left(const mn_waveform *w, double t)
{
    return w ? mn__waveform_eval(w, t, 1) : NAN;
}

static double train_next(double t, double delay, double P, int64_t count, double off1, double off2)
{
    /* edges at delay + k P + off1 and delay + k P + off2 (0 <= k < count or all k >= 0) */
    double best = INFINITY;
    double k0 = floor((t - delay) / P);
    if (k0 < 0) k0 = 0;
    /* three candidate periods, counted by an integer: k0 + 1 == k0 above 2^53, so a loop on
     * the double k would never end (the constructors keep the trains resolvable) */
    for (int j = -1; j <= 1; j++) {
        double k = k0 + j;
        if (k < 0) continue;
        if (count > 0 && k >= (double)count) break;
        double s = delay + k * P;
        double a = s + off1, b = s + off2;
        if (a > t && a < best) best = a;
        if (b > t && b < best) best = b;
    }
    if (best == INFINITY && k0 + 2 >= 0 && (count == 0 || k0 + 2 < (double)count)) {
        double s = delay + (k0 + 2) * P + off1;
        if (s > t) best = s;
    }
    return best;
}

double mn_waveform_next_breakpoint(const mn_waveform *w, double t)
{
    if (!w) return INFINITY;
    switch (w->kind) {
    case WF_DC:
        return INFINITY;
    case WF_PULSE:
    case WF_TRI: {
        double r = train_next(t, w->delay, w->period, w->count, 0.0, w->c);
        if (w->kind == WF_TRI && w->count > 0) { /* the end of the train (TRI: back to low after the last period) */
            double end = w->delay + (double)w->count * w->period;
            if (end > t && end < r) r = end;
        }
        return r;
    }
    case WF_RAMP:
        if (t < w->c) return w->c;
        if (t < w->d) return w->d;
        return INFINITY;
    case WF_SINE:
        return t < w->delay ? w->delay : INFINITY;
    case WF_PWL:
    case WF_CALLBACK: {
        long i = pwl_find(w->t, w->n, t, 0) + 1;
        return (size_t)i < w->n ? w->t[i] : INFINITY;
    }
    case WF_SUM: {
        double r = INFINITY;
        for (size_t i = 0; i < w->n; i++) {
            double b = mn_waveform_next_breakpoint(w->terms[i], t);
            if (b < r) r = b;
        }
        return r;
    }
    }
    return INFINITY;
}

/* ------------------------------------------------------------------------- parser */

/* parse up to max numbers separated by ':'; returns count or -1 with an error recorded */
static int parse_numbers(mn_context *ctx, const char *spec, const char *p, double *x, int min,
                         int max, const char *form)
{
    int k = 0;
    if (!*p) goto few;
    for (;;) {
        char *end;
        errno = 0;
        double val = strtod(p, &end);
        if (end == p || (*end && *end != ':') || errno == ERANGE || !isfinite(val)) {
            size_t len = strcspn(p, ":");
            mn__error(ctx, MN_ERR_PARSE, "waveform \"%s\": \"%.*s\" is not a number (form %s)", spec,
                      (int)len, p, form);
            return -1;
        }
        if (k == max) {
            mn__error(ctx, MN_ERR_PARSE, "waveform \"%s\": too many values (form %s)", spec, form);
            return -1;
        }
        x[k++] = val;
        if (!*end) break;
        p = end + 1;
    }
    if (k < min) goto few;
    return k;
few:
    mn__error(ctx, MN_ERR_PARSE, "waveform \"%s\": too few values (form %s)", spec, form);
    return -1;
}

static mn_status parse_one(mn_waveform **out, mn_context *ctx, const char *spec, const char *s)
{
    const char *colon = strchr(s, ':');
    if (!colon)
        return mn__error(ctx, MN_ERR_PARSE,
                         "waveform \"%s\": expected KIND:VALUES (dc, pwl, pwlfile, pulse, tri, ramp, "
                         "sine, step)", s);
    size_t kl = (size_t)(colon - s);
    const char *p = colon + 1;
    double x[6];
    int k;
#define KIND(name) (kl == strlen(name) && strncmp(s, name, kl) == 0)
    if (KIND("dc")) {
        if ((k = parse_numbers(ctx, spec, p, x, 1, 1, "dc:V")) < 0) return MN_ERR_PARSE;
        return mn_waveform_new_dc(out, ctx, x[0]);
    }
    if (KIND("pulse")) {
        const char *form = "pulse:HIGH:WIDTH:PERIOD[:COUNT[:DELAY[:LOW]]]";
        if ((k = parse_numbers(ctx, spec, p, x, 3, 6, form)) < 0) return MN_ERR_PARSE;
        double count = k > 3 ? x[3] : 0, delay = k > 4 ? x[4] : 0, low = k > 5 ? x[5] : 0;
        if (count < 0 || count != floor(count) || count > 1e15)
            return mn__error(ctx, MN_ERR_RANGE, "waveform \"%s\": count %g must be a whole number >= 0",
                             spec, count);
        return mn_waveform_new_pulse(out, ctx, x[0], low, x[1], x[2], (int64_t)count, delay);
    }
    if (KIND("tri")) {
        const char *form = "tri:LOW:HIGH:PERIOD[:COUNT[:DELAY[:RISE]]]";
        if ((k = parse_numbers(ctx, spec, p, x, 3, 6, form)) < 0) return MN_ERR_PARSE;
        double count = k > 3 ? x[3] : 0, delay = k > 4 ? x[4] : 0, rise = k > 5 ? x[5] : x[2] / 2;
        if (count < 0 || count != floor(count) || count > 1e15)
            return mn__error(ctx, MN_ERR_RANGE, "waveform \"%s\": count %g must be a whole number >= 0",
                             spec, count);
        return mn_waveform_new_triangle(out, ctx, x[0], x[1], x[2], rise, (int64_t)count, delay);
    }
    if (KIND("ramp")) {
        if ((k = parse_numbers(ctx, spec, p, x, 4, 4, "ramp:V0:V1:T0:T1")) < 0) return MN_ERR_PARSE;
        return mn_waveform_new_ramp(out, ctx, x[0], x[1], x[2], x[3]);
    }
    if (KIND("sine")) {
        const char *form = "sine:AMPLITUDE:FREQUENCY[:OFFSET[:PHASE[:DELAY]]]";
        if ((k = parse_numbers(ctx, spec, p, x, 2, 5, form)) < 0) return MN_ERR_PARSE;
        return mn_waveform_new_sine(out, ctx, x[0], x[1], k > 3 ? x[3] : 0, k > 2 ? x[2] : 0,
                                    k > 4 ? x[4] : 0);
    }
    if (KIND("step")) {
        if ((k = parse_numbers(ctx, spec, p, x, 3, 3, "step:V0:V1:T")) < 0) return MN_ERR_PARSE;
        double tt[2] = { x[2], x[2] }, vv[2] = { x[0], x[1] };
        return mn_waveform_new_pwl(out, ctx, tt, vv, 2);
    }
    if (KIND("pwlfile")) return mn_waveform_new_pwl_file(out, ctx, p);
    if (KIND("pwl")) {
        /* t0:v0,t1:v1,... */
        size_t cap = 1;
        for (const char *q = p; *q; q++)
            if (*q == ',') cap++;
        double *t = mn__malloc_or_err(ctx, cap, sizeof(double), "pwl spec");
        double *v = mn__malloc_or_err(ctx, cap, sizeof(double), "pwl spec");
        mn_status st = MN_OK;
        size_t n = 0;
        if (!t || !v) MN__FAIL(MN_ERR_NOMEM);
        const char *q = p;
        while (n < cap) {
            size_t len = strcspn(q, ",");
            char item[128];
            if (len == 0 || len >= sizeof item)
                MN__FAIL(mn__error(ctx, MN_ERR_PARSE, "waveform \"%s\": empty or too long point %zu "
                                   "(form pwl:t0:v0,t1:v1,...)", spec, n));
            memcpy(item, q, len);
            item[len] = 0;
            double xy[2];
            if (parse_numbers(ctx, spec, item, xy, 2, 2, "pwl:t0:v0,t1:v1,...") < 0)
                MN__FAIL(MN_ERR_PARSE);
            t[n] = xy[0];
            v[n] = xy[1];
            n++;
            q += len;
            if (*q == ',') q++;
        }
        st = mn_waveform_new_pwl(out, ctx, t, v, n);
    cleanup:
        mn__free(ctx, t);
        mn__free(ctx, v);
        return st;
    }
#undef KIND
    return mn__error(ctx, MN_ERR_PARSE,
                     "waveform \"%s\": unknown kind \"%.*s\" (dc, pwl, pwlfile, pulse, tri, ramp, "
                     "sine, step)", spec, (int)kl, s);
}

static mn_status wf_parse(mn_waveform **out, mn_context *ctx, const char *spec);

mn_status mn_waveform_parse(mn_waveform **out, mn_context *ctx, const char *spec)
{
    if (out) *out = NULL;
    if (!ctx) return MN_ERR_INVALID;
    if (!out || !spec) return mn__error(ctx, MN_ERR_INVALID, "waveform spec: NULL argument");
    mn__c_locale loc;
    if (mn__c_locale_begin(&loc))
        return mn__error(ctx, MN_ERR_NOMEM, "waveform spec: cannot create the C locale");
    mn_status st = wf_parse(out, ctx, spec);
    mn__c_locale_end(&loc);
    return st;
}

static mn_status wf_parse(mn_waveform **out, mn_context *ctx, const char *spec)
{
    /* split at '+' followed by a letter (so exponents like 1e+3 stay whole) */
    size_t len = strlen(spec), nterms = 1;
    if (len == 0) return mn__error(ctx, MN_ERR_PARSE, "waveform spec is empty");
    for (size_t i = 0; i + 1 < len; i++)
        if (spec[i] == '+' && isalpha((unsigned char)spec[i + 1])) nterms++;
    char *buf = mn__strdup(ctx, spec);
    mn_waveform **terms = mn__calloc_or_err(ctx, nterms, sizeof *terms, "waveform spec");
    mn_status st = MN_OK;
    if (!buf || !terms) MN__FAIL(mn__error(ctx, MN_ERR_NOMEM, "waveform spec: out of memory"));
    char *p = buf;
    for (size_t k = 0; k < nterms; k++) {
        char *q = p;
        if (k + 1 < nterms) {
            while (!(*q == '+' && isalpha((unsigned char)q[1]))) q++;
            *q = 0;
        }
        MN__TRY(parse_one(&terms[k], ctx, spec, p));
        p = q + 1;
    }
    if (nterms == 1) {
        *out = terms[0];
        terms[0] = NULL;
    } else {
        MN__TRY(mn_waveform_new_sum(out, ctx, (const mn_waveform *const *)terms, NULL, nterms));
    }
cleanup:
    if (terms)
        for (size_t k = 0; k < nterms; k++) mn_waveform_free(terms[k]);
    mn__free(ctx, terms);
    mn__free(ctx, buf);
    return st;
}
