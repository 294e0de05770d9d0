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

/* The hillock presets (docs/meanfield.md). 000: Fig. 3's kappa = a = 1 with chi = mu = 1 and
 * the state free up to just short of the divergence of eq. (30) at g = 1 (the fold of v*(g) =
 * g (1 - g) e^{-(1 - g)} at g = (sqrt 5 - 1)/2, v = 0.1611, lies inside). 003: the hillock
 * height limited to half the gap, 003 eq. (6) (g_max = 1/2), and a = beta D = 10 (003 Table 1's
 * beta = 200 /pd on a 0.05 pd gap); g_max = 1/2 cuts v*(g) before its maximum, so the
 * transition is continuous. */
static void hillock_preset(double *p, mn_meanfield_preset preset)
{
    p[MN__HIL_GMIN] = 1;
    p[MN__HIL_CHI] = 1;
    p[MN__HIL_MU] = 1;
    p[MN__HIL_KAPPA] = 1;
    if (preset == MN_MEANFIELD_PRESET_003) {
        p[MN__HIL_A] = 10;
        p[MN__HIL_GMAX] = 0.5;
    } else {
        p[MN__HIL_A] = 1;
        p[MN__HIL_GMAX] = 0.99;
    }
}

mn_status mn_meanfield_model_set_preset(mn_meanfield_model *m, mn_meanfield_preset preset)
{
    if (!m) return MN_ERR_INVALID;
    if (preset != MN_MEANFIELD_PRESET_000 && preset != MN_MEANFIELD_PRESET_003)
        return mn__error(m->ctx, MN_ERR_INVALID, "mean-field preset %d is not %d (000) or %d (003)",
                         (int)preset, (int)MN_MEANFIELD_PRESET_000, (int)MN_MEANFIELD_PRESET_003);
    if (m->kind != MN_MEANFIELD_HILLOCK)
        return mn__error(m->ctx, MN_ERR_UNSUPPORTED, "mean-field presets apply to the hillock "
                         "model, not %s (its defaults are the same in 000 and 003)",
                         mn_meanfield_model_name(m));
    hillock_preset(m->p, preset);
    return MN_OK;
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
    m->fit_max_evaluations = 3000;
    m->fit_max_seconds = 60;
    m->fit_auto_start = 1;
    m->fit_auto_fix = 1;
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
    case MN_MEANFIELD_HILLOCK: /* 000 Fig. 3 (the paper of eqs. (30)-(31)) */
        hillock_preset(m->p, MN_MEANFIELD_PRESET_000);
        m->p[MN__HIL_DRIVE] = 0;
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

mn_meanfield_kind mn_meanfield_model_kind(const mn_meanfield_model *m)
{
    return m ? m->kind : (mn_meanfield_kind)-1;
}

const char *mn_meanfield_model_name(const mn_meanfield_model *m)
{
    if (!m) return NULL;
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
    const char *alias = mn__param_alias(name); /* "Gmin" for "G_min", "kP0" for "k_p", ... */
    if (alias)
        for (size_t i = 0; i < npar(m->kind); i++)
            if (!strcmp(pnames(m->kind)[i], alias)) return (int)i;
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
    if (!strcmp(name, "drive")) m->drive_explicit = 1;
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
    double a = NAN, b = NAN;
    if (m) mn__mf_range(m, &a, &b);
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

/* dG/dg of mn__mf_conductance() */
double mn__mf_conductance_dg(const mn_meanfield_model *m, double g)
{
    const double *p = m->p;
    switch (m->kind) {
    case MN_MEANFIELD_MIRANDA: return p[MN__MIR_GMIN] * p[MN__MIR_CHI];
    case MN_MEANFIELD_HILLOCK:
        return p[MN__HIL_GMIN] * p[MN__HIL_CHI] * p[MN__HIL_A] * exp(-p[MN__HIL_A] * (1 - g));
    case MN_MEANFIELD_LINEAR: {
        double d = 1 - p[MN__LIN_CHI] * g;
        return p[MN__LIN_CHI] / (p[MN__LIN_ROFF] * d * d);
    }
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

/* d(rate)/dg and d(rate)/dv, analytic (used by the exponential integrators) */
void mn__mf_rate_derivs(const mn_meanfield_model *m, double g, double v, double *dg, double *dv)
{
    const double *p = m->p;
    switch (m->kind) {
    case MN_MEANFIELD_MIRANDA: {
        double sgn = 1, vv = v;
        if (p[MN__MIR_UNI] != 0) {
            vv = fabs(v);
            sgn = v < 0 ? -1 : 1;
        }
        double y = p[MN__MIR_DRIVE] == 0 ? 1 + p[MN__MIR_CHI] * g : 1;
        double u = vv / y;
        double dudg = p[MN__MIR_DRIVE] == 0 ? -p[MN__MIR_CHI] * u / y : 0, dudv = sgn / y;
        double ep = p[MN__MIR_KP] * exp(p[MN__MIR_ETAP] * u),
               ed = p[MN__MIR_KD] * exp(-p[MN__MIR_ETAD] * u);
        *dg = ep * (p[MN__MIR_ETAP] * dudg * (1 - g) - 1) - ed * (1 - p[MN__MIR_ETAD] * dudg * g);
        *dv = (ep * p[MN__MIR_ETAP] * (1 - g) + ed * p[MN__MIR_ETAD] * g) * dudv;
        return;
    }
    case MN_MEANFIELD_HILLOCK: {
        int d0 = p[MN__HIL_DRIVE] == 0;
        double e = exp(-p[MN__HIL_A] * (1 - g));
        double q = d0 ? 1 + p[MN__HIL_CHI] * (e - 1) : 1;
        double dq = d0 ? p[MN__HIL_CHI] * p[MN__HIL_A] * e : 0;
        double den = (1 - g) * q;
        *dg = p[MN__HIL_MU] * v * (q - (1 - g) * dq) / (den * den) - p[MN__HIL_KAPPA];
        *dv = p[MN__HIL_MU] / den;
        return;
    }
    case MN_MEANFIELD_LINEAR: {
        double d = 1 - p[MN__LIN_CHI] * g;
        *dg = -p[MN__LIN_ALPHA] + p[MN__LIN_K] * v * p[MN__LIN_CHI] / (d * d);
        *dv = p[MN__LIN_K] / d;
        return;
    }
    }
    *dg = *dv = NAN;
}

static double voltage_at(const ode_ctx *c, double t) { return c->V ? c->V(t, c->ud) : c->vconst; }

/* rate with walls at the range ends; optionally its derivatives (zero when held by a wall) */
static double wall_rate2(const ode_ctx *c, double v, double g, double *dg, double *dv)
{
    int wall = 0;
    if (g <= c->lo) g = c->lo, wall = -1;
    else if (g >= c->hi) g = c->hi, wall = 1;
    double r = mn__mf_rate(c->m, g, v);
    if ((wall < 0 && r < 0) || (wall > 0 && r > 0)) {
        if (dg) *dg = 0, *dv = 0;
        return 0;
    }
    if (dg) mn__mf_rate_derivs(c->m, g, v, dg, dv);
    return r;
}

static double clampd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

/* phi_1, phi_2, phi_3 of z (phi_k(z) = sum_j z^j/(j+k)!), accurate for all real z */
static void phis(double z, double *p1, double *p2, double *p3)
{
    if (fabs(z) < 0.1) {
        double t1 = 0, t2 = 0, t3 = 0, f = 1; /* f = z^j */
        double fact[20];
        fact[0] = 1;
        for (int k = 1; k < 20; k++) fact[k] = fact[k - 1] * k;
        for (int j = 0; j < 14; j++) {
            t1 += f / fact[j + 1];
            t2 += f / fact[j + 2];
            t3 += f / fact[j + 3];
            f *= z;
        }
        *p1 = t1, *p2 = t2, *p3 = t3;
        return;
    }
    double em1 = expm1(z);
    *p1 = em1 / z;
    *p2 = (*p1 - 1) / z;
    *p3 = (*p2 - 0.5) / z;
}

/* Integrate from t0 to t1 by the exponential Rosenbrock method exprb32 (Hochbruck, Ostermann
 * and Schweitzer, SIAM J. Numer. Anal. 47 (2009) 786): order 3 with the embedded
 * exponential Rosenbrock-Euler step (order 2) as error estimate. The scalar state is
 * augmented by time (z = (g, t)), so a time-dependent voltage is handled through dF/dt. The
 * method is exact for a rate linear in g (miranda with drive = 1 or chi = 0 under constant
 * voltage) and stable however stiff the rate: a fast relaxation costs a few steps, not
 * thousands. *h is the step to try (updated). */
static mn_status exprb_interval(const ode_ctx *c, double t0, double t1, double *y, double *h,
                                double rtol, double atol, size_t *steps)
{
    double t = t0, g = *y;
    if (t1 <= t0) return MN_OK;
    double span = t1 - t0;
    if (!(*h > 0) || *h > span) *h = span;
    for (long it = 0; t < t1; it++) {
        if (it > 10000000) goto conv;
        double hh = *h;
        int last = 0;
        if (t + hh >= t1 || t1 - (t + hh) < 1e-12 * span) {
            hh = t1 - t;
            last = 1;
        }
        double v0 = voltage_at(c, t), v1 = c->V ? voltage_at(c, t + hh) : v0;
        /* within the tolerance of a wall that the flow pushes into: snap onto it (otherwise
         * the steps approach the wall geometrically and the step size underflows) */
        double tolw = atol + rtol * fmax(fabs(c->lo), fabs(c->hi));
        if (g < c->hi && c->hi - g <= tolw && mn__mf_rate(c->m, c->hi, v0) > 0) g = c->hi;
        if (g > c->lo && g - c->lo <= tolw && mn__mf_rate(c->m, c->lo, v0) < 0) g = c->lo;
        double J, dv;
        double f = wall_rate2(c, v0, g, &J, &dv);
        if (!isfinite(f) || !isfinite(J) || !isfinite(v1)) goto bad;
        double ft = c->V ? dv * (v1 - v0) / hh : 0;
        if (!isfinite(ft)) ft = 0;
        double p1, p2, p3;
        phis(hh * J, &p1, &p2, &p3);
        double U = g + hh * p1 * f + hh * hh * p2 * ft;
        double Uc = clampd(U, c->lo, c->hi);
        double fU = wall_rate2(c, v1, Uc, NULL, NULL);
        double D = fU - f - J * (Uc - g) - ft * hh;
        double corr = 2 * hh * p3 * D;
        double gn = clampd(Uc + corr, c->lo, c->hi);
        double sc = atol + rtol * fmax(fabs(g), fabs(gn));
        double en = fabs(gn - Uc) / sc;
        if (steps) (*steps)++;
        if (!isfinite(en)) en = 1e10;
        if (en <= 1) {
            t = last ? t1 : t + hh;
            g = gn;
            double fac = en > 0 ? 0.9 * pow(en, -1.0 / 3) : 5;
            if (fac > 5) fac = 5;
            if (!last || hh * fac < *h) *h = hh * fac;
        } else {
            double fac = 0.9 * pow(en, -1.0 / 3);
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
        st = exprb_interval(&c, t[i - 1], t[i], &y, &h, m->rtol, m->atol, &m->steps);
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
