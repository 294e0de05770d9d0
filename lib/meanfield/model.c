/* Effective one-junction models: 000 eqs. (7)-(10), (15), (30)-(31); time integration. */
#include "meanfield-private.h"

#include <math.h>
#include <string.h>

static const char *const mir_names[] = { "G_min", "chi", "k_p", "k_d", "eta_p", "eta_d",
                                         "unipolar", "drive" };
static const char *const hil_names[] = { "G_min", "chi", "a", "mu", "kappa", "g_max", "drive" };
static const char *const lin_names[] = { "R_off", "chi", "alpha", "k" };

static size_t npar(mn_meanfield_kind k)
{
    return k == MN_MEANFIELD_MIRANDA ? MN__MIR_N : k == MN_MEANFIELD_HILLOCK ? MN__HIL_N : MN__LIN_N;
}

static const char *const *pnames(mn_meanfield_kind k)
{
    return k == MN_MEANFIELD_MIRANDA ? mir_names : k == MN_MEANFIELD_HILLOCK ? hil_names : lin_names;
}

mn_status mn_meanfield_model_new(mn_meanfield_model **out, mn_context *ctx, mn_meanfield_kind kind)
{
    if (out) *out = NULL;
    if (!out || !ctx) return ctx ? mn__error(ctx, MN_ERR_INVALID, "out is NULL") : MN_ERR_INVALID;
    if (kind != MN_MEANFIELD_MIRANDA && kind != MN_MEANFIELD_HILLOCK && kind != MN_MEANFIELD_LINEAR)
        return mn__error(ctx, MN_ERR_INVALID, "unknown mean-field model kind %d", (int)kind);
    mn_meanfield_model *m = mn__calloc_or_err(ctx, 1, sizeof *m, "mean-field model");
    if (!m) return MN_ERR_NOMEM;
    m->ctx = ctx;
    m->kind = kind;
    m->rtol = 1e-8;
    m->atol = 1e-12;
    switch (kind) {
    case MN_MEANFIELD_MIRANDA: /* 003 Table 1; G_min, chi as quoted after 001 eq. (B23) */
        m->p[MN__MIR_GMIN] = 1e-3;
        m->p[MN__MIR_CHI] = 100;
        m->p[MN__MIR_KP] = 5e-4;
        m->p[MN__MIR_KD] = 5e-2;
        m->p[MN__MIR_ETAP] = 10;
        m->p[MN__MIR_ETAD] = 10;
        m->p[MN__MIR_UNI] = 0;
        break;
    case MN_MEANFIELD_HILLOCK:
        m->p[MN__HIL_GMIN] = 1;
        m->p[MN__HIL_CHI] = 1;
        m->p[MN__HIL_A] = 10;
        m->p[MN__HIL_MU] = 1;
        m->p[MN__HIL_KAPPA] = 1;
        m->p[MN__HIL_GMAX] = 0.5; /* z_max = D/2, 003 eq. (6) */
        break;
    case MN_MEANFIELD_LINEAR:
        m->p[MN__LIN_ROFF] = 1.6e4;
        m->p[MN__LIN_CHI] = 0.9;
        m->p[MN__LIN_ALPHA] = 1;
        m->p[MN__LIN_K] = 1;
        break;
    }
    *out = m;
    return MN_OK;
}

mn_status mn_meanfield_model_new_by_name(mn_meanfield_model **out, mn_context *ctx, const char *name)
{
    if (out) *out = NULL;
    if (!ctx) return MN_ERR_INVALID;
    if (!name) return mn__error(ctx, MN_ERR_INVALID, "model name is NULL");
    if (!strcmp(name, "miranda")) return mn_meanfield_model_new(out, ctx, MN_MEANFIELD_MIRANDA);
    if (!strcmp(name, "hillock")) return mn_meanfield_model_new(out, ctx, MN_MEANFIELD_HILLOCK);
    if (!strcmp(name, "linear")) return mn_meanfield_model_new(out, ctx, MN_MEANFIELD_LINEAR);
    return mn__error(ctx, MN_ERR_NOT_FOUND,
                     "unknown mean-field model \"%s\" (miranda, hillock, linear)", name);
}

mn_status mn_meanfield_model_copy(mn_meanfield_model **out, const mn_meanfield_model *m)
{
    if (out) *out = NULL;
    if (!out || !m) return m ? mn__error(m->ctx, MN_ERR_INVALID, "out is NULL") : MN_ERR_INVALID;
    mn_meanfield_model *c = mn__malloc_or_err(m->ctx, 1, sizeof *c, "mean-field model");
    if (!c) return MN_ERR_NOMEM;
    *c = *m;
    *out = c;
    return MN_OK;
}

void mn_meanfield_model_free(mn_meanfield_model *m)
{
    if (m) mn__free(m->ctx, m);
}

mn_meanfield_kind mn_meanfield_model_kind(const mn_meanfield_model *m) { return m->kind; }

const char *mn_meanfield_model_name(const mn_meanfield_model *m)
{
    return m->kind == MN_MEANFIELD_MIRANDA ? "miranda"
           : m->kind == MN_MEANFIELD_HILLOCK ? "hillock" : "linear";
}

size_t mn_meanfield_model_param_count(const mn_meanfield_model *m) { return m ? npar(m->kind) : 0; }

const char *mn_meanfield_model_param_name(const mn_meanfield_model *m, size_t i)
{
    if (!m || i >= npar(m->kind)) return NULL;
    return pnames(m->kind)[i];
}

static int find_param(const mn_meanfield_model *m, const char *name)
{
    if (!name) return -1;
    for (size_t i = 0; i < npar(m->kind); i++)
        if (!strcmp(pnames(m->kind)[i], name)) return (int)i;
    return -1;
}

/* Check a full parameter vector; message names the offending parameter. */
static mn_status check_params(const mn_meanfield_model *m, const double *p)
{
    mn_context *ctx = m->ctx;
    const char *const *nm = pnames(m->kind);
    for (size_t i = 0; i < npar(m->kind); i++)
        if (!isfinite(p[i]))
            return mn__error(ctx, MN_ERR_RANGE, "%s model: %s = %g must be finite",
                             mn_meanfield_model_name(m), nm[i], p[i]);
    switch (m->kind) {
    case MN_MEANFIELD_MIRANDA:
        if (p[MN__MIR_GMIN] <= 0)
            return mn__error(ctx, MN_ERR_RANGE, "miranda model: G_min = %g must be > 0", p[0]);
        if (p[MN__MIR_CHI] <= -1)
            return mn__error(ctx, MN_ERR_RANGE, "miranda model: chi = %g must be > -1 (G > 0)",
                             p[MN__MIR_CHI]);
        if (p[MN__MIR_KP] <= 0 || p[MN__MIR_KD] <= 0)
            return mn__error(ctx, MN_ERR_RANGE, "miranda model: k_p = %g and k_d = %g must be > 0",
                             p[MN__MIR_KP], p[MN__MIR_KD]);
        if (p[MN__MIR_UNI] != 0 && p[MN__MIR_UNI] != 1)
            return mn__error(ctx, MN_ERR_RANGE, "miranda model: unipolar = %g must be 0 or 1",
                             p[MN__MIR_UNI]);
        if (p[MN__MIR_DRIVE] != 0 && p[MN__MIR_DRIVE] != 1)
            return mn__error(ctx, MN_ERR_RANGE, "miranda model: drive = %g must be 0 (current-"
                             "limited source) or 1 (voltage source)", p[MN__MIR_DRIVE]);
        break;
    case MN_MEANFIELD_HILLOCK:
        if (p[MN__HIL_GMIN] <= 0)
            return mn__error(ctx, MN_ERR_RANGE, "hillock model: G_min = %g must be > 0", p[0]);
        if (p[MN__HIL_A] < 0)
            return mn__error(ctx, MN_ERR_RANGE, "hillock model: a = %g must be >= 0", p[MN__HIL_A]);
        if (p[MN__HIL_CHI] < 0 || 1 + p[MN__HIL_CHI] * (exp(-p[MN__HIL_A]) - 1) <= 0)
            return mn__error(ctx, MN_ERR_RANGE,
                             "hillock model: chi = %g must be >= 0 and < 1/(1 - exp(-a)) = %g "
                             "(G > 0)", p[MN__HIL_CHI], 1 / (1 - exp(-p[MN__HIL_A])));
        if (p[MN__HIL_KAPPA] < 0)
            return mn__error(ctx, MN_ERR_RANGE, "hillock model: kappa = %g must be >= 0",
                             p[MN__HIL_KAPPA]);
        if (!(p[MN__HIL_GMAX] > 0 && p[MN__HIL_GMAX] < 1))
            return mn__error(ctx, MN_ERR_RANGE, "hillock model: g_max = %g must be in (0, 1)",
                             p[MN__HIL_GMAX]);
        if (p[MN__HIL_DRIVE] != 0 && p[MN__HIL_DRIVE] != 1)
            return mn__error(ctx, MN_ERR_RANGE, "hillock model: drive = %g must be 0 (current-"
                             "limited source) or 1 (voltage source)", p[MN__HIL_DRIVE]);
        break;
    case MN_MEANFIELD_LINEAR:
        if (p[MN__LIN_ROFF] <= 0)
            return mn__error(ctx, MN_ERR_RANGE, "linear model: R_off = %g must be > 0", p[0]);
        if (!(p[MN__LIN_CHI] >= 0 && p[MN__LIN_CHI] < 1))
            return mn__error(ctx, MN_ERR_RANGE, "linear model: chi = %g must be in [0, 1)",
                             p[MN__LIN_CHI]);
        if (p[MN__LIN_ALPHA] < 0)
            return mn__error(ctx, MN_ERR_RANGE, "linear model: alpha = %g must be >= 0",
                             p[MN__LIN_ALPHA]);
        break;
    }
    return MN_OK;
}

mn_status mn_meanfield_model_set(mn_meanfield_model *m, const char *name, double value)
{
    if (!m) return MN_ERR_INVALID;
    int i = find_param(m, name);
    if (i < 0)
        return mn__error(m->ctx, MN_ERR_NOT_FOUND, "%s model has no parameter \"%s\"",
                         mn_meanfield_model_name(m), name ? name : "(null)");
    double p[MN__MF_MAXPAR];
    memcpy(p, m->p, sizeof p);
    p[i] = value;
    mn_status st = check_params(m, p);
    if (st != MN_OK) return st;
    m->p[i] = value;
    return MN_OK;
}

mn_status mn_meanfield_model_get(const mn_meanfield_model *m, const char *name, double *value)
{
    if (!m || !value) return MN_ERR_INVALID;
    int i = find_param(m, name);
    if (i < 0)
        return mn__error(m->ctx, MN_ERR_NOT_FOUND, "%s model has no parameter \"%s\"",
                         mn_meanfield_model_name(m), name ? name : "(null)");
    *value = m->p[i];
    return MN_OK;
}

void mn__mf_range(const mn_meanfield_model *m, double *lo, double *hi)
{
    *lo = 0;
    *hi = m->kind == MN_MEANFIELD_HILLOCK ? m->p[MN__HIL_GMAX] : 1;
}

void mn_meanfield_model_state_range(const mn_meanfield_model *m, double *lo, double *hi)
{
    double a, b;
    mn__mf_range(m, &a, &b);
    if (lo) *lo = a;
    if (hi) *hi = b;
}

static double hil_f(const mn_meanfield_model *m, double g)
{
    return expm1(-m->p[MN__HIL_A] * (1 - g)); /* f(x) = exp(-a(1-x)) - 1, 000 eq. (31) */
}

double mn__mf_rate(const mn_meanfield_model *m, double g, double v)
{
    const double *p = m->p;
    switch (m->kind) {
    case MN_MEANFIELD_MIRANDA: { /* 000 eqs. (8)-(10) */
        double u = (p[MN__MIR_UNI] != 0 ? fabs(v) : v);
        if (p[MN__MIR_DRIVE] == 0) u /= 1 + p[MN__MIR_CHI] * g; /* 000 eqs. (9)-(10) */
        return p[MN__MIR_KP] * exp(p[MN__MIR_ETAP] * u) * (1 - g) -
               p[MN__MIR_KD] * exp(-p[MN__MIR_ETAD] * u) * g;
    }
    case MN_MEANFIELD_HILLOCK: /* 000 eq. (30); drive 1: no renormalisation of v */
        return p[MN__HIL_MU] * v /
                   ((1 - g) * (p[MN__HIL_DRIVE] == 0 ? 1 + p[MN__HIL_CHI] * hil_f(m, g) : 1)) -
               p[MN__HIL_KAPPA] * g;
    case MN_MEANFIELD_LINEAR: /* 000 eq. (15): dx/dt = -V'(x) */
        return -p[MN__LIN_ALPHA] * g + p[MN__LIN_K] * v / (1 - p[MN__LIN_CHI] * g);
    }
    return NAN;
}

double mn__mf_conductance(const mn_meanfield_model *m, double g)
{
    const double *p = m->p;
    switch (m->kind) {
    case MN_MEANFIELD_MIRANDA: return p[MN__MIR_GMIN] * (1 + p[MN__MIR_CHI] * g);
    case MN_MEANFIELD_HILLOCK: return p[MN__HIL_GMIN] * (1 + p[MN__HIL_CHI] * hil_f(m, g));
    case MN_MEANFIELD_LINEAR: return 1 / (p[MN__LIN_ROFF] * (1 - p[MN__LIN_CHI] * g));
    }
    return NAN;
}

static mn_status check_state(const mn_meanfield_model *m, double g)
{
    double lo, hi;
    mn__mf_range(m, &lo, &hi);
    if (!(g >= lo && g <= hi))
        return mn__error(m->ctx, MN_ERR_RANGE, "%s model: state %g outside [%g, %g]",
                         mn_meanfield_model_name(m), g, lo, hi);
    return MN_OK;
}

mn_status mn_meanfield_model_rate(const mn_meanfield_model *m, double g, double v, double *dgdt)
{
    if (!m || !dgdt) return MN_ERR_INVALID;
    mn_status st = check_state(m, g);
    if (st) return st;
    if (!isfinite(v)) return mn__error(m->ctx, MN_ERR_RANGE, "voltage %g must be finite", v);
    *dgdt = mn__mf_rate(m, g, v);
    return MN_OK;
}

mn_status mn_meanfield_model_conductance(const mn_meanfield_model *m, double g, double *G)
{
    if (!m || !G) return MN_ERR_INVALID;
    mn_status st = check_state(m, g);
    if (st) return st;
    *G = mn__mf_conductance(m, g);
    return MN_OK;
}

mn_status mn_meanfield_model_state_of(const mn_meanfield_model *m, double G, double *g)
{
    if (!m || !g) return MN_ERR_INVALID;
    if (!(isfinite(G) && G > 0))
        return mn__error(m->ctx, MN_ERR_RANGE, "conductance %g must be finite and > 0", G);
    const double *p = m->p;
    double x = 0, lo, hi;
    mn__mf_range(m, &lo, &hi);
    switch (m->kind) {
    case MN_MEANFIELD_MIRANDA:
        x = p[MN__MIR_CHI] != 0 ? (G / p[MN__MIR_GMIN] - 1) / p[MN__MIR_CHI] : lo;
        break;
    case MN_MEANFIELD_HILLOCK: {
        double f = p[MN__HIL_CHI] != 0 ? (G / p[MN__HIL_GMIN] - 1) / p[MN__HIL_CHI] : 0;
        x = (1 + f > 0 && p[MN__HIL_A] > 0) ? 1 + log1p(f) / p[MN__HIL_A] : lo;
        break;
    }
    case MN_MEANFIELD_LINEAR:
        x = p[MN__LIN_CHI] != 0 ? (1 - 1 / (G * p[MN__LIN_ROFF])) / p[MN__LIN_CHI] : lo;
        break;
    }
    if (!(x >= lo)) x = lo;
    if (x > hi) x = hi;
    *g = x;
    return MN_OK;
}

mn_status mn_meanfield_model_set_tolerances(mn_meanfield_model *m, double rtol, double atol)
{
    if (!m) return MN_ERR_INVALID;
    if (!(rtol > 0 && rtol < 1) || !(atol > 0 && isfinite(atol)))
        return mn__error(m->ctx, MN_ERR_RANGE, "tolerances rtol = %g, atol = %g must be in (0, 1) "
                         "and > 0", rtol, atol);
    m->rtol = rtol;
    m->atol = atol;
    return MN_OK;
}

mn_status mn_meanfield_model_renormalise(mn_meanfield_model *m, double omega_n1, double omega_mean,
                                         double G_source)
{
    if (!m) return MN_ERR_INVALID;
    if (!(omega_n1 > 0 && omega_n1 < 1))
        return mn__error(m->ctx, MN_ERR_RANGE, "Omega_N1 = %g must be in (0, 1)", omega_n1);
    if (!(omega_mean > 0 && isfinite(omega_mean)))
        return mn__error(m->ctx, MN_ERR_RANGE, "<|Omega->|> = %g must be finite and > 0",
                         omega_mean);
    int voltage = m->kind == MN_MEANFIELD_LINEAR ||
                  (m->kind == MN_MEANFIELD_MIRANDA && m->p[MN__MIR_DRIVE] != 0) ||
                  (m->kind == MN_MEANFIELD_HILLOCK && m->p[MN__HIL_DRIVE] != 0);
    if (!voltage && !(G_source > 0 && isfinite(G_source)))
        return mn__error(m->ctx, MN_ERR_RANGE, "source conductance G_s = %g must be finite and > 0",
                         G_source);
    double p[MN__MF_MAXPAR];
    memcpy(p, m->p, sizeof p);
    double W = omega_n1;
    switch (m->kind) {
    case MN_MEANFIELD_MIRANDA: { /* 001 eqs. (B17), (B20); 000 eq. (26) */
        /* voltage source: uniform-state junction voltage v |Omega->_i| / W exactly */
        double f = p[MN__MIR_DRIVE] != 0 ? omega_mean / W
                                         : G_source * omega_mean / (p[MN__MIR_GMIN] * (1 - W));
        p[MN__MIR_ETAP] *= f;
        p[MN__MIR_ETAD] *= f;
        p[MN__MIR_GMIN] *= (1 - W) / W;
        break;
    }
    case MN_MEANFIELD_HILLOCK: { /* 001 eqs. (C53), (C62)-(C65) */
        p[MN__HIL_MU] *= p[MN__HIL_DRIVE] != 0 ? omega_mean / W
                                               : G_source * omega_mean / (p[MN__HIL_GMIN] * (1 - W));
        p[MN__HIL_GMIN] *= (1 - W) / W;
        break;
    }
    case MN_MEANFIELD_LINEAR:
        p[MN__LIN_K] *= omega_mean / W;
        p[MN__LIN_ROFF] *= W / (1 - W);
        break;
    }
    mn_status st = check_params(m, p);
    if (st) return st;
    memcpy(m->p, p, sizeof p);
    return MN_OK;
}

/* ------------------------------------------------------------------ integration */

typedef struct {
    const mn_meanfield_model *m;
    mn_meanfield_voltage_fn V;
    void *ud;
    double vconst; /* used when V is NULL */
    double lo, hi;
} ode_ctx;

/* rate with walls at the range ends */
static double wall_rate(const ode_ctx *c, double t, double g)
{
    double v = c->V ? c->V(t, c->ud) : c->vconst;
    if (g <= c->lo) {
        g = c->lo;
        double r = mn__mf_rate(c->m, g, v);
        return r < 0 ? 0 : r;
    }
    if (g >= c->hi) {
        g = c->hi;
        double r = mn__mf_rate(c->m, g, v);
        return r > 0 ? 0 : r;
    }
    return mn__mf_rate(c->m, g, v);
}

/* Dormand-Prince 5(4) coefficients */
static const double c2 = 1.0 / 5, c3 = 3.0 / 10, c4 = 4.0 / 5, c5 = 8.0 / 9;
static const double a21 = 1.0 / 5;
static const double a31 = 3.0 / 40, a32 = 9.0 / 40;
static const double a41 = 44.0 / 45, a42 = -56.0 / 15, a43 = 32.0 / 9;
static const double a51 = 19372.0 / 6561, a52 = -25360.0 / 2187, a53 = 64448.0 / 6561,
                    a54 = -212.0 / 729;
static const double a61 = 9017.0 / 3168, a62 = -355.0 / 33, a63 = 46732.0 / 5247, a64 = 49.0 / 176,
                    a65 = -5103.0 / 18656;
static const double b1 = 35.0 / 384, b3 = 500.0 / 1113, b4 = 125.0 / 192, b5 = -2187.0 / 6784,
                    b6 = 11.0 / 84;
static const double e1 = 71.0 / 57600, e3 = -71.0 / 16695, e4 = 71.0 / 1920,
                    e5 = -17253.0 / 339200, e6 = 22.0 / 525, e7 = -1.0 / 40;

static double clampd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

/* integrate from t0 to t1; *h is the step to try (updated) */
static mn_status dp_interval(const ode_ctx *c, double t0, double t1, double *y, double *h,
                             double rtol, double atol)
{
    double t = t0, g = *y;
    if (t1 <= t0) return MN_OK;
    double span = t1 - t0;
    if (!(*h > 0) || *h > span) *h = span;
    double k1 = wall_rate(c, t, g);
    if (!isfinite(k1)) goto bad;
    for (long it = 0; t < t1; it++) {
        if (it > 10000000) goto conv;
        double hh = *h;
        int last = 0;
        if (t + hh >= t1 || t1 - (t + hh) < 1e-12 * span) {
            hh = t1 - t;
            last = 1;
        }
        double k2 = wall_rate(c, t + c2 * hh, clampd(g + hh * a21 * k1, c->lo, c->hi));
        double k3 = wall_rate(c, t + c3 * hh, clampd(g + hh * (a31 * k1 + a32 * k2), c->lo, c->hi));
        double k4 = wall_rate(c, t + c4 * hh,
                              clampd(g + hh * (a41 * k1 + a42 * k2 + a43 * k3), c->lo, c->hi));
        double k5 = wall_rate(c, t + c5 * hh,
                              clampd(g + hh * (a51 * k1 + a52 * k2 + a53 * k3 + a54 * k4), c->lo,
                                     c->hi));
        double k6 = wall_rate(c, t + hh,
                              clampd(g + hh * (a61 * k1 + a62 * k2 + a63 * k3 + a64 * k4 + a65 * k5),
                                     c->lo, c->hi));
        double gn = g + hh * (b1 * k1 + b3 * k3 + b4 * k4 + b5 * k5 + b6 * k6);
        gn = clampd(gn, c->lo, c->hi);
        double k7 = wall_rate(c, t + hh, gn);
        double err = hh * (e1 * k1 + e3 * k3 + e4 * k4 + e5 * k5 + e6 * k6 + e7 * k7);
        double sc = atol + rtol * fmax(fabs(g), fabs(gn));
        double en = fabs(err) / sc;
        if (!isfinite(en)) en = 1e10;
        if (en <= 1) {
            t = last ? t1 : t + hh;
            g = gn;
            k1 = k7;
            if (!isfinite(k1)) goto bad;
            double fac = en > 0 ? 0.9 * pow(en, -0.2) : 5;
            if (fac > 5) fac = 5;
            if (!last || hh * fac < *h) *h = hh * fac;
        } else {
            double fac = 0.9 * pow(en, -0.2);
            if (fac < 0.1) fac = 0.1;
            *h = hh * fac;
            if (*h < 1e-14 * fmax(fabs(t), span)) goto conv;
        }
    }
    *y = g;
    return MN_OK;
bad:
    return mn__error(c->m->ctx, MN_ERR_RANGE, "%s model: non-finite rate near t = %g (voltage "
                     "not finite?)", mn_meanfield_model_name(c->m), t);
conv:
    return mn__error(c->m->ctx, MN_ERR_CONVERGENCE, "%s model: step size underflow at t = %g",
                     mn_meanfield_model_name(c->m), t);
}

static mn_status integrate_common(mn_meanfield_model *m, mn_meanfield_voltage_fn V, void *ud,
                                  const double *Vs, double g0, const double *t, size_t n,
                                  double *g, double *G)
{
    if (!m) return MN_ERR_INVALID;
    if (!t || n == 0 || (!V && !Vs))
        return mn__error(m->ctx, MN_ERR_INVALID, "integrate: missing times, voltage or n = 0");
    mn_status st = check_state(m, g0);
    if (st) return st;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(t[i]))
            return mn__error(m->ctx, MN_ERR_RANGE, "time t[%zu] = %g is not finite", i, t[i]);
        if (i && t[i] < t[i - 1])
            return mn__error(m->ctx, MN_ERR_RANGE, "times decrease at t[%zu] = %g < t[%zu] = %g", i,
                             t[i], i - 1, t[i - 1]);
        if (Vs && !isfinite(Vs[i]))
            return mn__error(m->ctx, MN_ERR_RANGE, "voltage V[%zu] = %g at t = %g is not finite", i,
                             Vs[i], t[i]);
    }
    ode_ctx c = { m, V, ud, 0, 0, 0 };
    mn__mf_range(m, &c.lo, &c.hi);
    double y = g0, h = 0;
    if (g) g[0] = y;
    if (G) G[0] = mn__mf_conductance(m, y);
    for (size_t i = 1; i < n; i++) {
        if (Vs) {
            c.vconst = Vs[i - 1];
            /* a new constant voltage: restart the step size guess on a jump */
            if (i == 1 || Vs[i - 1] != Vs[i - 2]) h = 0;
        }
        st = dp_interval(&c, t[i - 1], t[i], &y, &h, m->rtol, m->atol);
        if (st) return st;
        if (g) g[i] = y;
        if (G) G[i] = mn__mf_conductance(m, y);
    }
    return MN_OK;
}

mn_status mn_meanfield_model_integrate(mn_meanfield_model *m, mn_meanfield_voltage_fn V,
                                       void *user_data, double g0, const double *t, size_t n,
                                       double *g, double *G)
{
    if (m && !V) return mn__error(m->ctx, MN_ERR_INVALID, "integrate: voltage callback is NULL");
    return integrate_common(m, V, user_data, NULL, g0, t, n, g, G);
}

mn_status mn_meanfield_model_integrate_sampled(mn_meanfield_model *m, const double *t,
                                               const double *V, size_t n, double g0, double *g,
                                               double *G)
{
    if (m && !V) return mn__error(m->ctx, MN_ERR_INVALID, "integrate: voltage samples are NULL");
    return integrate_common(m, NULL, NULL, V, g0, t, n, g, G);
}
