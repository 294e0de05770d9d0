/*
 * tunnel_switch: the Kuncic group's tunnelling junction of nanowire networks (Hochstetter et al.
 * 2021, Methods and Fig. 1): the filament state lambda of atomic_switch (kuncic-filament.h)
 * sets a tunnel gap s = s_max (lambda_crit - |lambda|) / lambda_crit (0 once |lambda| >=
 * lambda_crit); the junction is the tunnel resistance R_t(s) in series with the filament
 * resistance 1/G_on, in parallel with 1/G_off:
 *
 *   G = 1 / (R_t(s) + 1/G_on) + G_off,
 *   R_t(s) = s exp(C0 s sqrt(phi)) / (A J1 sqrt(phi))      (Simmons 1963, low-voltage range)
 *
 * with C0 = 10.19 /(nm V^1/2) and J1 = 4.71307e-5 A/(nm V^3/2) (s in nm, A in nm^2, phi in V).
 * docs/models.md gives the derivation of the constants and the defaults.
 */
#include "models/models-impl.h"
#include "models/kuncic-filament.h"

#define P(b, p, i) MN_PARAM(b, p, i)

#define TS_C0 10.19       /* 4 pi sqrt(2 m e) / h in 1/(nm V^1/2) */
#define TS_J1 4.71307e-5  /* Simmons' low-voltage prefactor, A / (nm V^3/2) */

enum { TS_GON = KF_NP, TS_GOFF, TS_SMAX, TS_PHI, TS_AREA, TS_NP };

static const mn_param_info ts_params[TS_NP] = {
    KF_PARAMS,
    { sizeof(mn_param_info), "G_on", "S",
      "filament conductance, the conductance quantum 2e^2/h (Hochstetter et al. 2021: G_0)",
      MN_PARAM_REAL, 7.748091729e-5, 1e-300, 1e300, NULL },
    { sizeof(mn_param_info), "G_off", "S",
      "residual conductance in parallel (Hochstetter et al. 2021: 1e-3 G_0)", MN_PARAM_REAL,
      7.748091729e-8, 0.0, 1e300, NULL },
    { sizeof(mn_param_info), "s_max", "nm", "tunnel gap at lambda = 0 (Hochstetter et al. 2021)",
      MN_PARAM_REAL, 5.0, 0.0, 1e6, NULL },
    { sizeof(mn_param_info), "phi", "V", "barrier height (Hochstetter et al. 2021)",
      MN_PARAM_REAL, 0.81, 1e-6, 1e3, NULL },
    { sizeof(mn_param_info), "A", "nm^2", "tunnelling area (Hochstetter et al. 2021)",
      MN_PARAM_REAL, 0.17, 1e-300, 1e300, NULL },
};

/* G and dG/dlambda of one junction */
static double ts_eval(const mn_model_batch *b, size_t i, double lam, double *dG)
{
    double lc = P(b, KF_LCRIT, i), m = fabs(lam);
    double Ron = 1.0 / P(b, TS_GON, i), Goff = P(b, TS_GOFF, i);
    if (m >= lc) {
        if (dG) *dG = 0.0;
        return 1.0 / Ron + Goff;
    }
    double smax = P(b, TS_SMAX, i), rphi = sqrt(P(b, TS_PHI, i));
    double s = smax * (lc - m) / lc, k = TS_C0 * rphi, pre = 1.0 / (P(b, TS_AREA, i) * TS_J1 * rphi);
    double a = k * s;
    if (a > 700.0) { /* R_t beyond 1e300 ohm: the tunnel path carries nothing */
        if (dG) *dG = 0.0;
        return Goff;
    }
    double e = exp(a), Rt = pre * s * e, R = Rt + Ron;
    if (dG) {
        double dRt_ds = pre * e * (1.0 + a);
        double ds_dl = -smax / lc * (lam < 0 ? -1.0 : 1.0);
        *dG = -dRt_ds * ds_dl / (R * R);
    }
    return 1.0 / R + Goff;
}

static int ts_G(const mn_model_batch *b, const double *x, double *G)
{
    for (size_t i = 0; i < b->n; i++) G[i] = ts_eval(b, i, x[i], NULL);
    return 0;
}

static int ts_dGdx(const mn_model_batch *b, const double *x, double *d)
{
    for (size_t i = 0; i < b->n; i++) (void)ts_eval(b, i, x[i], &d[i]);
    return 0;
}

static const char *const lambda_names[] = { "lambda" };

const mn_model_ops mn__tunnel_switch_ops = {
    .struct_size = sizeof(mn_model_ops),
    .name = "tunnel_switch",
    .flags = MN_MODEL_REENTRANT,
    .description = "Kuncic-group tunnelling junction: lambda as atomic_switch, gap s = s_max "
                   "(lambda_crit-|lambda|)/lambda_crit, G = 1/(R_t(s) + 1/G_on) + G_off with "
                   "Simmons' R_t (Hochstetter et al. 2021)",
    .n_states = 1,
    .state_names = lambda_names,
    .n_params = TS_NP,
    .params = ts_params,
    .conductance = ts_G,
    .rate = mn__kf_rate,
    .rate_dx = mn__kf_rate_dx,
    .rate_dV = mn__kf_rate_dV,
    .rate_dI = mn__kf_rate_dI,
    .conductance_dx = ts_dGdx,
    .exact_step = mn__kf_exact,
    .state_bounds = mn__kf_bounds,
    .validate = mn__kf_validate,
};
