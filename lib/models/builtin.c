/*
 * The built-in memristor models, written against the public ops table only (include/memnet/
 * models.h), exactly as a user's model would be. Equations and defaults: docs/models.md.
 *
 *   miranda     rate balance, 000 eqs 1-4, 003 eqs 7-10 (Type C), exact step 003 eq 9
 *   hillock     tunnel gap with a growing hillock, 003 eqs 4-6 (Type B), 000 eq 29
 *   strukov_hp  HP linear ion drift with windows (Strukov et al. 2008; Joglekar, Biolek,
 *               Prodromakis windows)
 *   strukov_cb  Caravelli-Barucca linear memristor with decay, 002 eq 1 / 004 eq 1
 *   filament    spiking atomic filament, 003 eqs 1-3 (Type A), formation/breaking as events
 *   resistor    fixed conductance
 * and, in files of their own: atomic_switch, tunnel_switch (the Kuncic group's nanowire
 * junctions) and vteam (Kvatinsky et al. 2015).
 */
#include "models/models-impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define P(b, p, i) MN_PARAM(b, p, i)

/* exp with its argument capped at 700 so rates stay finite (exp(700) ~ 1e304) even at the
 * +-100 V a network solve can put across a junction; *capped tells whether the cap was hit */
static double exp_capped(double a, int *capped)
{
    if (a > 700.0) {
        if (capped) *capped = 1;
        return exp(700.0);
    }
    if (capped) *capped = 0;
    return exp(a);
}

/* driving quantity: |v| for unipolar models, v otherwise; ds = d(drive)/dv (one-sided at 0) */
static double drive(double v, double unipolar, double *ds)
{
    if (unipolar != 0.0) {
        if (ds) *ds = v < 0.0 ? -1.0 : 1.0;
        return fabs(v);
    }
    if (ds) *ds = 1.0;
    return v;
}

/* ================================================================== miranda (Type C) */

enum { MI_KP0, MI_KD0, MI_ETAP, MI_ETAD, MI_GMIN, MI_GMAX, MI_UNI, MI_NP };

static const mn_param_info miranda_params[MI_NP] = {
    { sizeof(mn_param_info), "k_p", "1/s", "potentiation rate at V = 0 (003 Table 1)",
      MN_PARAM_REAL, 5e-4, 0.0, 1e12, NULL },
    { sizeof(mn_param_info), "k_d", "1/s", "depression rate at V = 0 (003 Table 1)",
      MN_PARAM_REAL, 5e-2, 0.0, 1e12, NULL },
    { sizeof(mn_param_info), "eta_p", "1/V", "potentiation voltage sensitivity (003 Table 1)",
      MN_PARAM_REAL, 10.0, -1e4, 1e4, NULL },
    { sizeof(mn_param_info), "eta_d", "1/V", "depression voltage sensitivity (003 Table 1)",
      MN_PARAM_REAL, 10.0, -1e4, 1e4, NULL },
    { sizeof(mn_param_info), "G_min", "S",
      "conductance at g = 0 (003 uses 0, which disconnects the graph; memnet default 1e-2 S "
      "gives chi = 99 ~ 1e2 as in 001 B)",
      MN_PARAM_REAL, 1e-2, 0.0, 1e300, NULL },
    { sizeof(mn_param_info), "G_max", "S", "conductance at g = 1 (003 Table 1)", MN_PARAM_REAL,
      1.0, 0.0, 1e300, NULL },
    { sizeof(mn_param_info), "unipolar", "", "1: driven by |V| (003, 001 B); 0: signed V",
      MN_PARAM_INT, 1.0, 0.0, 1.0, NULL },
};

static int miranda_validate(const mn_model_batch *b, char *msg, size_t sz)
{
    for (size_t i = 0; i < b->n; i++)
        if (P(b, MI_GMAX, i) < P(b, MI_GMIN, i)) {
            snprintf(msg, sz, "edge %ld: G_max = %g must be >= G_min = %g",
                     (long)(b->edge ? b->edge[i] : (mn_index)i), P(b, MI_GMAX, i),
                     P(b, MI_GMIN, i));
            return 1;
        }
    return 0;
}

/* whether every parameter is shared by the whole batch (stride 0): the loops can then keep
 * the values in registers (the compiler cannot hoist the loads itself, the output arrays
 * might alias the parameter arrays) */
static int all_shared(const mn_model_batch *b, size_t np)
{
    for (size_t p = 0; p < np; p++)
        if (b->param_stride[p]) return 0;
    return 1;
}

static int miranda_G(const mn_model_batch *b, const double *x, double *G)
{
    if (all_shared(b, MI_NP)) {
        const double gmin = P(b, MI_GMIN, 0), dg = P(b, MI_GMAX, 0) - gmin;
        for (size_t i = 0; i < b->n; i++) G[i] = gmin + dg * x[i];
        return 0;
    }
    for (size_t i = 0; i < b->n; i++) {
        double gmin = P(b, MI_GMIN, i), gmax = P(b, MI_GMAX, i);
        G[i] = gmin + (gmax - gmin) * x[i]; /* 003 eq 10, 000 eq 1 */
    }
    return 0;
}

static int miranda_dGdx(const mn_model_batch *b, const double *x, double *d)
{
    for (size_t i = 0; i < b->n; i++) d[i] = P(b, MI_GMAX, i) - P(b, MI_GMIN, i);
    return 0;
}

/* kP, kD of 003 eq 8 at drive u; cp, cd: exponent capped at 700. With equal sensitivities
 * (003 Table 1) exp(-eta u) = 1 / exp(eta u): one exp instead of two (they agree to an ulp). */
static inline void miranda_k(double kP0, double kD0, double eP, double eD, double u, double *kP,
                             double *kD, int *cp, int *cd)
{
    double aP = eP * u;
    if (eP == eD && fabs(aP) <= 700.0) {
        double e = exp(aP);
        *kP = kP0 * e;
        *kD = kD0 / e;
        *cp = *cd = 0;
    } else {
        *kP = kP0 * exp_capped(aP, cp);
        *kD = kD0 * exp_capped(-eD * u, cd);
    }
}

static void miranda_rates(const mn_model_batch *b, size_t i, double v, double *kP, double *kD,
                          double *dkP, double *dkD)
{
    double ds, u = drive(v, P(b, MI_UNI, i), &ds);
    int cp, cd;
    double eP = P(b, MI_ETAP, i), eD = P(b, MI_ETAD, i);
    miranda_k(P(b, MI_KP0, i), P(b, MI_KD0, i), eP, eD, u, kP, kD, &cp, &cd); /* 003 eq 8 */
    if (dkP) *dkP = cp ? 0.0 : eP * ds * *kP;
    if (dkD) *dkD = cd ? 0.0 : -eD * ds * *kD;
}

static int miranda_rate(const mn_model_batch *b, const double *x, const double *V,
                        const double *I, double *r)
{
    if (all_shared(b, MI_NP)) {
        const double kP0 = P(b, MI_KP0, 0), kD0 = P(b, MI_KD0, 0), eP = P(b, MI_ETAP, 0),
                     eD = P(b, MI_ETAD, 0), uni = P(b, MI_UNI, 0);
        for (size_t i = 0; i < b->n; i++) {
            double u = uni != 0.0 ? fabs(V[i]) : V[i], kP, kD;
            int cp, cd;
            miranda_k(kP0, kD0, eP, eD, u, &kP, &kD, &cp, &cd);
            r[i] = kP * (1.0 - x[i]) - kD * x[i]; /* 003 eqs 7-8 */
        }
        return 0;
    }
    for (size_t i = 0; i < b->n; i++) {
        double kP, kD;
        miranda_rates(b, i, V[i], &kP, &kD, NULL, NULL);
        r[i] = kP * (1.0 - x[i]) - kD * x[i]; /* 003 eq 7, 000 eq 2 */
    }
    return 0;
}

static int miranda_rate_dx(const mn_model_batch *b, const double *x, const double *V,
                           const double *I, double *J)
{
    for (size_t i = 0; i < b->n; i++) {
        double kP, kD;
        miranda_rates(b, i, V[i], &kP, &kD, NULL, NULL);
        J[i] = -(kP + kD);
    }
    return 0;
}

static int miranda_rate_dV(const mn_model_batch *b, const double *x, const double *V,
                           const double *I, double *out)
{
    for (size_t i = 0; i < b->n; i++) {
        double kP, kD, dkP, dkD;
        miranda_rates(b, i, V[i], &kP, &kD, &dkP, &dkD);
        out[i] = dkP * (1.0 - x[i]) - dkD * x[i];
    }
    return 0;
}

static int zero_out(const mn_model_batch *b, const double *x, const double *V, const double *I,
                    double *out)
{
    (void)x, (void)V, (void)I;
    memset(out, 0, b->n * sizeof *out);
    return 0;
}

/* 003 eq 9: g(t+dt) = g* + (g - g*) exp(-(kP + kD) dt), g* = kP / (kP + kD) */
static int miranda_exact(const mn_model_batch *b, double *x, const double *V, double dt)
{
    for (size_t i = 0; i < b->n; i++) {
        double kP, kD;
        miranda_rates(b, i, V[i], &kP, &kD, NULL, NULL);
        double k = kP + kD;
        if (!(k > 0.0)) continue; /* kP0 = kD0 = 0: frozen */
        double gs = kP / k;
        x[i] = gs + (x[i] - gs) * exp(-k * dt);
    }
    return 0;
}

static int unit_bounds(const mn_model_batch *b, double *lo, double *hi)
{
    for (size_t i = 0; i < b->n; i++) {
        lo[i] = 0.0;
        hi[i] = 1.0;
    }
    return 0;
}

static const char *const g_names[] = { "g" };

static const mn_model_ops miranda_ops = {
    .struct_size = sizeof(mn_model_ops),
    .name = "miranda",
    .flags = MN_MODEL_REENTRANT,
    .description = "rate-balance memristor, dg/dt = kP(V)(1-g) - kD(V) g, G = G_min + (G_max-G_min) g "
                   "(000 eqs 1-4; 003 eqs 7-10, Type C)",
    .n_states = 1,
    .state_names = g_names,
    .n_params = MI_NP,
    .params = miranda_params,
    .conductance = miranda_G,
    .rate = miranda_rate,
    .rate_dx = miranda_rate_dx,
    .rate_dV = miranda_rate_dV,
    .rate_dI = zero_out,
    .conductance_dx = miranda_dGdx,
    .exact_step = miranda_exact,
    .state_bounds = unit_bounds,
    .validate = miranda_validate,
};

/* ================================================================== hillock (Type B) */

enum { HI_MU, HI_KAPPA, HI_ALPHA, HI_BETA, HI_T, HI_ZMAX, HI_UNI, HI_NP };

static const mn_param_info hillock_params[HI_NP] = {
    { sizeof(mn_param_info), "mu", "pd^2/V",
      "field growth coefficient, length^2/V (003 Table 1: 3.46e-5, printed as nm^-2 V^-1, "
      "which eq 4 cannot have; read as pd^2/V with gaps in pd; 000 eq 29: 0.346 nm^2/V)",
      MN_PARAM_REAL, 3.46e-5, 0.0, 1e12, NULL },
    { sizeof(mn_param_info), "kappa", "", "relaxation coefficient, dimensionless (003 Table 1)",
      MN_PARAM_REAL, 3.8e-2, 0.0, 1e12, NULL },
    { sizeof(mn_param_info), "alpha", "S", "tunnel prefactor of G = alpha exp(-beta (D - z)) (003 Table 1)",
      MN_PARAM_REAL, 10.0, 0.0, 1e300, NULL },
    { sizeof(mn_param_info), "beta", "1/pd", "tunnel decay constant (003 Table 1, eq 1)",
      MN_PARAM_REAL, 200.0, 0.0, 1e6, NULL },
    { sizeof(mn_param_info), "T", "s", "characteristic time (003 Table 1)", MN_PARAM_REAL, 20.0,
      1e-300, 1e300, NULL },
    { sizeof(mn_param_info), "g_max", "", "z is limited to [0, g_max D] (003 eq 6: 1/2; alias zmax_frac)",
      MN_PARAM_REAL, 0.5, 0.0, 0.999, NULL },
    { sizeof(mn_param_info), "unipolar", "", "1: driven by |V| (003); 0: signed V (000 eq 29)",
      MN_PARAM_INT, 1.0, 0.0, 1.0, NULL },
};

static int gap_validate(const mn_model_batch *b, char *msg, size_t sz)
{
    for (size_t i = 0; i < b->n; i++) {
        double D = b->length ? b->length[i] : NAN;
        if (!(D > 0.0) || !isfinite(D)) {
            snprintf(msg, sz, "edge %ld: gap length %g must be finite and > 0",
                     (long)(b->edge ? b->edge[i] : (mn_index)i), D);
            return 1;
        }
    }
    return 0;
}

static int hillock_G(const mn_model_batch *b, const double *x, double *G)
{
    if (all_shared(b, HI_NP)) {
        const double alpha = P(b, HI_ALPHA, 0), beta = P(b, HI_BETA, 0);
        const double *D = b->length;
        for (size_t i = 0; i < b->n; i++) G[i] = alpha * exp(-beta * (D[i] - x[i])); /* 003 eq 5 */
        return 0;
    }
    for (size_t i = 0; i < b->n; i++)
        G[i] = P(b, HI_ALPHA, i) * exp(-P(b, HI_BETA, i) * (b->length[i] - x[i])); /* 003 eq 5 */
    return 0;
}

static int hillock_dGdx(const mn_model_batch *b, const double *x, double *d)
{
    for (size_t i = 0; i < b->n; i++)
        d[i] = P(b, HI_BETA, i) * P(b, HI_ALPHA, i) * exp(-P(b, HI_BETA, i) * (b->length[i] - x[i]));
    return 0;
}

static int hillock_rate(const mn_model_batch *b, const double *x, const double *V,
                        const double *I, double *r)
{
    if (all_shared(b, HI_NP)) {
        const double mu = P(b, HI_MU, 0), kappa = P(b, HI_KAPPA, 0), T = P(b, HI_T, 0);
        const int uni = P(b, HI_UNI, 0) != 0.0;
        const double *D = b->length;
        for (size_t i = 0; i < b->n; i++) {
            double u = uni ? fabs(V[i]) : V[i];
            r[i] = (mu * u / (D[i] - x[i]) - kappa * x[i]) / T; /* 003 eq 4 (same rounding as below) */
        }
        return 0;
    }
    for (size_t i = 0; i < b->n; i++) {
        double u = drive(V[i], P(b, HI_UNI, i), NULL);
        /* 003 eq 4 */
        r[i] = (P(b, HI_MU, i) * u / (b->length[i] - x[i]) - P(b, HI_KAPPA, i) * x[i]) / P(b, HI_T, i);
    }
    return 0;
}

static int hillock_rate_dx(const mn_model_batch *b, const double *x, const double *V,
                           const double *I, double *J)
{
    for (size_t i = 0; i < b->n; i++) {
        double u = drive(V[i], P(b, HI_UNI, i), NULL), g = b->length[i] - x[i];
        J[i] = (P(b, HI_MU, i) * u / (g * g) - P(b, HI_KAPPA, i)) / P(b, HI_T, i);
    }
    return 0;
}

static int hillock_rate_dV(const mn_model_batch *b, const double *x, const double *V,
                           const double *I, double *out)
{
    for (size_t i = 0; i < b->n; i++) {
        double ds;
        (void)drive(V[i], P(b, HI_UNI, i), &ds);
        out[i] = P(b, HI_MU, i) * ds / ((b->length[i] - x[i]) * P(b, HI_T, i));
    }
    return 0;
}

static int hillock_bounds(const mn_model_batch *b, double *lo, double *hi)
{
    for (size_t i = 0; i < b->n; i++) {
        lo[i] = 0.0;
        hi[i] = P(b, HI_ZMAX, i) * b->length[i]; /* 003 eq 6 */
    }
    return 0;
}

static const char *const z_names[] = { "z" };

static const mn_model_ops hillock_ops = {
    .struct_size = sizeof(mn_model_ops),
    .name = "hillock",
    .description = "tunnel gap with a growing hillock, dz/dt = (mu V/(D-z) - kappa z)/T, "
                   "G = alpha exp(-beta (D-z)), 0 <= z <= g_max D (003 eqs 4-6, Type B; 000 eq 29)",
    .n_states = 1,
    .state_names = z_names,
    .n_params = HI_NP,
    .params = hillock_params,
    .flags = MN_MODEL_NEEDS_LENGTH | MN_MODEL_REENTRANT,
    .conductance = hillock_G,
    .rate = hillock_rate,
    .rate_dx = hillock_rate_dx,
    .rate_dV = hillock_rate_dV,
    .rate_dI = zero_out,
    .conductance_dx = hillock_dGdx,
    .state_bounds = hillock_bounds,
    .validate = gap_validate,
};

/* ================================================================== strukov_hp */

enum { HP_RON, HP_ROFF, HP_K, HP_TAU, HP_WIN, HP_P, HP_X0, HP_UNI, HP_NP };
enum { WIN_NONE = 0, WIN_JOGLEKAR = 1, WIN_BIOLEK = 2, WIN_PRODROMAKIS = 3 };

static const char *const hp_windows[] = { "none", "joglekar", "biolek", "prodromakis", NULL };

static const mn_param_info hp_params[HP_NP] = {
    { sizeof(mn_param_info), "Ron", "Ohm", "resistance at x = 1 (Strukov et al. 2008: 100)",
      MN_PARAM_REAL, 100.0, 1e-300, 1e300, NULL },
    { sizeof(mn_param_info), "Roff", "Ohm", "resistance at x = 0 (Strukov et al. 2008: 16e3)",
      MN_PARAM_REAL, 16e3, 1e-300, 1e300, NULL },
    { sizeof(mn_param_info), "k", "1/C",
      "drift coefficient mu_v Ron / D^2 (Strukov et al. 2008: 1e-14 * 100 / (10 nm)^2 = 1e4)",
      MN_PARAM_REAL, 1e4, -1e300, 1e300, NULL },
    { sizeof(mn_param_info), "tau", "s", "decay time of x (inf: no decay)", MN_PARAM_REAL,
      INFINITY, 1e-300, INFINITY, NULL },
    { sizeof(mn_param_info), "window", "",
      "window f(x): none, joglekar 1-(2x-1)^2p, biolek 1-(x-stp(-i))^2p, prodromakis "
      "1-((x-1/2)^2+3/4)^p",
      MN_PARAM_CHOICE, WIN_JOGLEKAR, 0.0, 3.0, hp_windows },
    { sizeof(mn_param_info), "p", "", "window exponent", MN_PARAM_REAL, 1.0, 1.0, 100.0, NULL },
    { sizeof(mn_param_info), "x0", "", "initial state (memnet)", MN_PARAM_REAL, 0.1, 0.0, 1.0,
      NULL },
    { sizeof(mn_param_info), "unipolar", "", "1: driven by |I|; 0: signed I (HP)", MN_PARAM_INT,
      0.0, 0.0, 1.0, NULL },
};

static int hp_G(const mn_model_batch *b, const double *x, double *G)
{
    for (size_t i = 0; i < b->n; i++)
        G[i] = 1.0 / (P(b, HP_RON, i) * x[i] + P(b, HP_ROFF, i) * (1.0 - x[i]));
    return 0;
}

static int hp_dGdx(const mn_model_batch *b, const double *x, double *d)
{
    for (size_t i = 0; i < b->n; i++) {
        double R = P(b, HP_RON, i) * x[i] + P(b, HP_ROFF, i) * (1.0 - x[i]);
        d[i] = -(P(b, HP_RON, i) - P(b, HP_ROFF, i)) / (R * R);
    }
    return 0;
}

/* window value f and df/dx; i is the driving current (sign matters for biolek) */
static double hp_window(int w, double p, double x, double i, double *df)
{
    double u, q;
    switch (w) {
    case WIN_JOGLEKAR:
        u = 2.0 * x - 1.0;
        *df = -4.0 * p * u * pow(u * u, p - 1.0);
        return 1.0 - pow(u * u, p);
    case WIN_BIOLEK:
        u = x - (i < 0.0 ? 1.0 : 0.0); /* stp(-i): 1 for i < 0 */
        *df = -2.0 * p * u * pow(u * u, p - 1.0);
        return 1.0 - pow(u * u, p);
    case WIN_PRODROMAKIS:
        q = (x - 0.5) * (x - 0.5) + 0.75;
        *df = -p * pow(q, p - 1.0) * 2.0 * (x - 0.5);
        return 1.0 - pow(q, p);
    default:
        *df = 0.0;
        return 1.0;
    }
}

static int hp_rate(const mn_model_batch *b, const double *x, const double *V, const double *I,
                   double *r)
{
    for (size_t i = 0; i < b->n; i++) {
        double df, c = drive(I[i], P(b, HP_UNI, i), NULL);
        double f = hp_window((int)P(b, HP_WIN, i), P(b, HP_P, i), x[i], c, &df);
        r[i] = P(b, HP_K, i) * c * f - x[i] / P(b, HP_TAU, i);
    }
    return 0;
}

static int hp_rate_dx(const mn_model_batch *b, const double *x, const double *V,
                      const double *I, double *J)
{
    for (size_t i = 0; i < b->n; i++) {
        double df, c = drive(I[i], P(b, HP_UNI, i), NULL);
        (void)hp_window((int)P(b, HP_WIN, i), P(b, HP_P, i), x[i], c, &df);
        J[i] = P(b, HP_K, i) * c * df - 1.0 / P(b, HP_TAU, i);
    }
    return 0;
}

static int hp_rate_dI(const mn_model_batch *b, const double *x, const double *V,
                      const double *I, double *out)
{
    for (size_t i = 0; i < b->n; i++) {
        double df, ds, c = drive(I[i], P(b, HP_UNI, i), &ds);
        double f = hp_window((int)P(b, HP_WIN, i), P(b, HP_P, i), x[i], c, &df);
        out[i] = P(b, HP_K, i) * ds * f;
    }
    return 0;
}

static int hp_init(const mn_model_batch *b, double *x)
{
    for (size_t i = 0; i < b->n; i++) x[i] = P(b, HP_X0, i);
    return 0;
}

static const char *const x_names[] = { "x" };

static const mn_model_ops strukov_hp_ops = {
    .struct_size = sizeof(mn_model_ops),
    .name = "strukov_hp",
    .flags = MN_MODEL_REENTRANT,
    .description = "HP linear ion drift, R = Ron x + Roff (1-x), dx/dt = k i f(x) - x/tau, "
                   "windows none/joglekar/biolek/prodromakis (Strukov et al., Nature 453, 80 (2008))",
    .n_states = 1,
    .state_names = x_names,
    .n_params = HP_NP,
    .params = hp_params,
    .conductance = hp_G,
    .rate = hp_rate,
    .rate_dx = hp_rate_dx,
    .rate_dV = zero_out,
    .rate_dI = hp_rate_dI,
    .conductance_dx = hp_dGdx,
    .state_bounds = unit_bounds,
    .initial_state = hp_init,
};

/* ================================================================== strukov_cb (002 eq 1) */

enum { CB_RON, CB_ROFF, CB_ALPHA, CB_GAMMA, CB_X0, CB_UNI, CB_NP };

static const mn_param_info cb_params[CB_NP] = {
    { sizeof(mn_param_info), "Ron", "Ohm", "resistance at w = 0 (004 Fig. 3: 100)", MN_PARAM_REAL,
      100.0, 1e-300, 1e300, NULL },
    { sizeof(mn_param_info), "Roff", "Ohm", "resistance at w = 1 (004 Fig. 3: 16000)",
      MN_PARAM_REAL, 16000.0, 1e-300, 1e300, NULL },
    { sizeof(mn_param_info), "alpha", "1/s",
      "relaxation rate; > 0 relaxes to Roff at V = 0 (004 Fig. 3: 1)", MN_PARAM_REAL, 1.0,
      -1e300, 1e300, NULL },
    { sizeof(mn_param_info), "gamma", "V s", "excitation constant (004 Fig. 3: 10)",
      MN_PARAM_REAL, 10.0, 1e-300, 1e300, NULL },
    { sizeof(mn_param_info), "x0", "", "initial state w (memnet; 004 Fig. 2 starts at 1)",
      MN_PARAM_REAL, 1.0, 0.0, 1.0, NULL },
    { sizeof(mn_param_info), "unipolar", "", "1: driven by |I|; 0: signed I (002 eq 1)",
      MN_PARAM_INT, 0.0, 0.0, 1.0, NULL },
};

static int cb_G(const mn_model_batch *b, const double *x, double *G)
{
    for (size_t i = 0; i < b->n; i++)
        G[i] = 1.0 / (P(b, CB_RON, i) * (1.0 - x[i]) + P(b, CB_ROFF, i) * x[i]);
    return 0;
}

static int cb_dGdx(const mn_model_batch *b, const double *x, double *d)
{
    for (size_t i = 0; i < b->n; i++) {
        double R = P(b, CB_RON, i) * (1.0 - x[i]) + P(b, CB_ROFF, i) * x[i];
        d[i] = -(P(b, CB_ROFF, i) - P(b, CB_RON, i)) / (R * R);
    }
    return 0;
}

static int cb_rate(const mn_model_batch *b, const double *x, const double *V, const double *I,
                   double *r)
{
    for (size_t i = 0; i < b->n; i++) /* 002 eq 1 */
        r[i] = P(b, CB_ALPHA, i) * x[i] -
               P(b, CB_RON, i) / P(b, CB_GAMMA, i) * drive(I[i], P(b, CB_UNI, i), NULL);
    return 0;
}

static int cb_rate_dx(const mn_model_batch *b, const double *x, const double *V,
                      const double *I, double *J)
{
    for (size_t i = 0; i < b->n; i++) J[i] = P(b, CB_ALPHA, i);
    return 0;
}

static int cb_rate_dI(const mn_model_batch *b, const double *x, const double *V,
                      const double *I, double *out)
{
    for (size_t i = 0; i < b->n; i++) {
        double ds;
        (void)drive(I[i], P(b, CB_UNI, i), &ds);
        out[i] = -P(b, CB_RON, i) / P(b, CB_GAMMA, i) * ds;
    }
    return 0;
}

static int cb_init(const mn_model_batch *b, double *x)
{
    for (size_t i = 0; i < b->n; i++) x[i] = P(b, CB_X0, i);
    return 0;
}

static const char *const w_names[] = { "w" };

static const mn_model_ops strukov_cb_ops = {
    .struct_size = sizeof(mn_model_ops),
    .name = "strukov_cb",
    .flags = MN_MODEL_REENTRANT,
    .description = "linear memristor with decay, R = Ron (1-w) + Roff w, dw/dt = alpha w - (Ron/gamma) i, "
                   "0 <= w <= 1 (002 eq 1, 004 eq 1)",
    .n_states = 1,
    .state_names = w_names,
    .n_params = CB_NP,
    .params = cb_params,
    .conductance = cb_G,
    .rate = cb_rate,
    .rate_dx = cb_rate_dx,
    .rate_dV = zero_out,
    .rate_dI = cb_rate_dI,
    .conductance_dx = cb_dGdx,
    .state_bounds = unit_bounds,
    .initial_state = cb_init,
};

/* ================================================================== filament (Type A) */

enum { FI_ET, FI_IT, FI_GON, FI_ALPHA, FI_BETA, FI_RD, FI_RW, FI_W0, FI_UNI, FI_TUN, FI_NP };

/* which length the open-gap tunnel conductance uses (parameter `tunnel`) */
static const char *const fil_tunnel_choices[] = { "remaining", "full", NULL };
enum { FS_D = 0, FS_W = 1, FS_M = 2, FS_N = 3 };

static const mn_param_info fil_params[FI_NP] = {
    { sizeof(mn_param_info), "ET", "V/pd", "field threshold of filament growth (003 sec. 5.2)",
      MN_PARAM_REAL, 10.0, 0.0, 1e300, NULL },
    { sizeof(mn_param_info), "IT", "A", "current threshold of filament thinning (003 sec. 5.2)",
      MN_PARAM_REAL, 0.01, 0.0, 1e300, NULL },
    { sizeof(mn_param_info), "Gon", "S", "conductance of a bridged gap (003 sec. 5.2)",
      MN_PARAM_REAL, 10.0, 0.0, 1e300, NULL },
    { sizeof(mn_param_info), "alpha", "S", "tunnel prefactor, G = alpha exp(-beta L) (003 eq 1)",
      MN_PARAM_REAL, 1.0, 0.0, 1e300, NULL },
    { sizeof(mn_param_info), "beta", "1/pd", "tunnel decay constant (003 eq 1)", MN_PARAM_REAL,
      200.0, 0.0, 1e6, NULL },
    { sizeof(mn_param_info), "rd", "pd^2/(V s)",
      "growth rate, dd/dt = rd (E - ET) (003 eq 2; not given in 003: chosen with 1 step = "
      "0.01 s so a 200 x 200 pd film at 2 V fires as 003 Fig. 5a, docs/spiking.md)",
      MN_PARAM_REAL, 1e-4, 0.0, 1e300, NULL },
    { sizeof(mn_param_info), "rw", "1/(A s)",
      "thinning rate, dw/dt = -rw (|I| - IT) (003 eq 3; not given in 003: chosen with rd)",
      MN_PARAM_REAL, 100.0, 0.0, 1e300, NULL },
    { sizeof(mn_param_info), "w0", "", "width of a new filament (normalised, 003 sec. 5.2)",
      MN_PARAM_REAL, 1.0, 1e-300, 1e300, NULL },
    { sizeof(mn_param_info), "unipolar", "", "1: driven by |E| and |I| (003); 0: signed",
      MN_PARAM_INT, 1.0, 0.0, 1.0, NULL },
    { sizeof(mn_param_info), "tunnel", "",
      "open-gap conductance: full = alpha exp(-beta L), 003 eq 1 as sec. 5.2 prints it "
      "(default); remaining = alpha exp(-beta (L-d)) (a growing filament narrows the gap)",
      MN_PARAM_CHOICE, 1.0, 0.0, 1.0, fil_tunnel_choices },
};

/* tunnelling length of an open gap: L - d (tunnel = remaining) or L (tunnel = full) */
static double fil_tunnel_length(const mn_model_batch *b, size_t i, double d)
{
    return P(b, FI_TUN, i) > 0.5 ? b->length[i] : b->length[i] - d;
}

/* remaining gap used for the field: floored at 1e-9 L so E stays finite at contact */
static double fil_gap(double L, double d)
{
    double g = L - d, f = 1e-9 * L;
    return g > f ? g : f;
}

static int fil_G(const mn_model_batch *b, const double *x, double *G)
{
    for (size_t i = 0; i < b->n; i++) {
        const double *s = x + FS_N * i;
        G[i] = s[FS_M] > 0.5 ? P(b, FI_GON, i)
                             : P(b, FI_ALPHA, i) *
                                   exp(-P(b, FI_BETA, i) * fil_tunnel_length(b, i, s[FS_D]));
    }
    return 0;
}

static int fil_dGdx(const mn_model_batch *b, const double *x, double *d)
{
    for (size_t i = 0; i < b->n; i++) {
        const double *s = x + FS_N * i;
        double *o = d + FS_N * i;
        o[FS_D] = (s[FS_M] > 0.5 || P(b, FI_TUN, i) > 0.5)
                      ? 0.0
                      : P(b, FI_BETA, i) * P(b, FI_ALPHA, i) *
                            exp(-P(b, FI_BETA, i) * (b->length[i] - s[FS_D]));
        o[FS_W] = 0.0;
        o[FS_M] = 0.0;
    }
    return 0;
}

static int fil_rate(const mn_model_batch *b, const double *x, const double *V, const double *I,
                    double *r)
{
    for (size_t i = 0; i < b->n; i++) {
        const double *s = x + FS_N * i;
        double *o = r + FS_N * i;
        o[FS_D] = o[FS_W] = o[FS_M] = 0.0;
        if (s[FS_M] > 0.5) {
            double c = drive(I[i], P(b, FI_UNI, i), NULL);
            if (c >= P(b, FI_IT, i)) o[FS_W] = -P(b, FI_RW, i) * (c - P(b, FI_IT, i)); /* 003 eq 3 */
        } else {
            double E = drive(V[i], P(b, FI_UNI, i), NULL) / fil_gap(b->length[i], s[FS_D]);
            if (E >= P(b, FI_ET, i)) o[FS_D] = P(b, FI_RD, i) * (E - P(b, FI_ET, i)); /* 003 eq 2 */
        }
    }
    return 0;
}

static int fil_rate_dx(const mn_model_batch *b, const double *x, const double *V,
                       const double *I, double *J)
{
    for (size_t i = 0; i < b->n; i++) {
        const double *s = x + FS_N * i;
        double *o = J + FS_N * FS_N * i;
        for (int k = 0; k < FS_N * FS_N; k++) o[k] = 0.0;
        if (s[FS_M] <= 0.5) {
            double L = b->length[i], gap = fil_gap(L, s[FS_D]);
            double u = drive(V[i], P(b, FI_UNI, i), NULL);
            if (u / gap >= P(b, FI_ET, i) && L - s[FS_D] > 1e-9 * L)
                o[FS_D * FS_N + FS_D] = P(b, FI_RD, i) * u / (gap * gap);
        }
    }
    return 0;
}

static int fil_rate_dV(const mn_model_batch *b, const double *x, const double *V,
                       const double *I, double *out)
{
    for (size_t i = 0; i < b->n; i++) {
        const double *s = x + FS_N * i;
        double *o = out + FS_N * i;
        o[FS_D] = o[FS_W] = o[FS_M] = 0.0;
        if (s[FS_M] <= 0.5) {
            double ds, gap = fil_gap(b->length[i], s[FS_D]);
            double u = drive(V[i], P(b, FI_UNI, i), &ds);
            if (u / gap >= P(b, FI_ET, i)) o[FS_D] = P(b, FI_RD, i) * ds / gap;
        }
    }
    return 0;
}

static int fil_rate_dI(const mn_model_batch *b, const double *x, const double *V,
                       const double *I, double *out)
{
    for (size_t i = 0; i < b->n; i++) {
        const double *s = x + FS_N * i;
        double *o = out + FS_N * i;
        o[FS_D] = o[FS_W] = o[FS_M] = 0.0;
        if (s[FS_M] > 0.5) {
            double ds, c = drive(I[i], P(b, FI_UNI, i), &ds);
            if (c >= P(b, FI_IT, i)) o[FS_W] = -P(b, FI_RW, i) * ds;
        }
    }
    return 0;
}

static int fil_bounds(const mn_model_batch *b, double *lo, double *hi)
{
    for (size_t i = 0; i < b->n; i++) {
        double *l = lo + FS_N * i, *h = hi + FS_N * i;
        l[FS_D] = 0.0, h[FS_D] = b->length[i];
        l[FS_W] = 0.0, h[FS_W] = P(b, FI_W0, i);
        l[FS_M] = 0.0, h[FS_M] = 1.0;
    }
    return 0;
}

/* Remaining gap, as a fraction of L, at which the formation event fires. The growth rate
 * rd (|V|/(L - d) - ET) diverges at contact: d(t) ~ L - sqrt(2 rd |V| (t* - t)), so no
 * integrator can step across d = L (the slope is infinite there, and the last 1e-9 L closes in
 * less time than a double can resolve at t ~ 1). At L - d = FIL_CONTACT L the rate is finite and
 * the remaining closing time is about FIL_CONTACT^2 L^2 / (2 rd |V|), i.e. <= ~1e-8 of the
 * formation time from d = 0: far below any integration tolerance, yet resolvable by a double
 * time up to ~1e7 formation times. */
#define FIL_CONTACT 1e-4

/* event 0: formation (open gap, d reaches L - FIL_CONTACT L); event 1: breaking (bridged, w
 * reaches 0) */
static int fil_event_fn(const mn_model_batch *b, const double *x, const double *V,
                        const double *I, double *g)
{
    for (size_t i = 0; i < b->n; i++) {
        const double *s = x + FS_N * i;
        int bridged = s[FS_M] > 0.5;
        g[2 * i] = bridged ? -1.0 : (s[FS_D] - b->length[i]) / b->length[i] + FIL_CONTACT;
        g[2 * i + 1] = bridged ? -s[FS_W] / P(b, FI_W0, i) : -1.0;
    }
    return 0;
}

static int fil_event_apply(const mn_model_batch *b, const int *fired, double *x)
{
    for (size_t i = 0; i < b->n; i++) {
        double *s = x + FS_N * i;
        int bridged = s[FS_M] > 0.5;
        if (!bridged && fired[2 * i]) { /* the filament bridges the gap: G = Gon, w = w0 */
            s[FS_M] = 1.0;
            s[FS_W] = P(b, FI_W0, i);
            s[FS_D] = b->length[i];
        } else if (bridged && fired[2 * i + 1]) { /* it breaks: the gap reopens, d = 0 */
            s[FS_M] = 0.0;
            s[FS_W] = 0.0;
            s[FS_D] = 0.0;
        }
    }
    return 0;
}

static const char *const fil_names[] = { "d", "w", "bridged" };

static const mn_model_ops filament_ops = {
    .struct_size = sizeof(mn_model_ops),
    .name = "filament",
    .description = "spiking atomic filament: open gap G = alpha exp(-beta L), filament grows above E_T, "
                   "bridged G = Gon thins above I_T, formation and breaking are events (003 eqs 1-3, Type A)",
    .n_states = FS_N,
    .state_names = fil_names,
    .n_params = FI_NP,
    .params = fil_params,
    .flags = MN_MODEL_NEEDS_LENGTH | MN_MODEL_HAS_EVENTS | MN_MODEL_REENTRANT,
    .conductance = fil_G,
    .rate = fil_rate,
    .rate_dx = fil_rate_dx,
    .rate_dV = fil_rate_dV,
    .rate_dI = fil_rate_dI,
    .conductance_dx = fil_dGdx,
    .state_bounds = fil_bounds,
    .n_events = 2,
    .event_fn = fil_event_fn,
    .event_apply = fil_event_apply,
    .validate = gap_validate,
};

/* ================================================================== resistor */

static const mn_param_info res_params[1] = {
    { sizeof(mn_param_info), "G", "S", "conductance", MN_PARAM_REAL, 1.0, 0.0, 1e300, NULL },
};

static int res_G(const mn_model_batch *b, const double *x, double *G)
{
    (void)x;
    for (size_t i = 0; i < b->n; i++) G[i] = P(b, 0, i);
    return 0;
}

static const mn_model_ops resistor_ops = {
    .struct_size = sizeof(mn_model_ops),
    .name = "resistor",
    .flags = MN_MODEL_REENTRANT,
    .description = "fixed conductance G, no state (wires, control resistors)",
    .n_states = 0,
    .n_params = 1,
    .params = res_params,
    .conductance = res_G,
};

/* ================================================================== registry */

static const mn_model_ops *const builtins[] = { &miranda_ops, &hillock_ops, &strukov_hp_ops,
                                                &strukov_cb_ops, &filament_ops, &resistor_ops,
                                                &mn__atomic_switch_ops, &mn__tunnel_switch_ops,
                                                &mn__vteam_ops };

size_t mn_model_builtin_count(void) { return sizeof builtins / sizeof builtins[0]; }

const mn_model_ops *mn_model_builtin(size_t i)
{
    return i < mn_model_builtin_count() ? builtins[i] : NULL;
}

const mn_model_ops *mn_model_find(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < mn_model_builtin_count(); i++)
        if (!strcmp(builtins[i]->name, name)) return builtins[i];
    return NULL;
}
