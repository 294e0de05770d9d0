/*
 * atomic_switch: the Kuncic group's binary atomic-switch junction of nanowire networks
 * (Zhu et al. 2021; Hochstetter et al. 2021; the rzhu40/ASN_simulation code): filament state
 * lambda (kuncic-filament.h) and a conductance that is G_on when |lambda| >= lambda_crit and
 * G_off otherwise. Equations, defaults and the choices memnet made: docs/models.md.
 */
#include "models/models-impl.h"
#include "models/kuncic-filament.h"

#define P(b, p, i) MN_PARAM(b, p, i)

enum { AS_GON = KF_NP, AS_GOFF, AS_NP };

static const mn_param_info as_params[AS_NP] = {
    KF_PARAMS,
    { sizeof(mn_param_info), "G_on", "S",
      "conductance at |lambda| >= lambda_crit: the conductance quantum 2e^2/h (Hochstetter "
      "et al. 2021: R_on = 12.9 kOhm)", MN_PARAM_REAL, 7.748091729e-5, 0.0, 1e300, NULL },
    { sizeof(mn_param_info), "G_off", "S",
      "conductance below lambda_crit (Hochstetter et al. 2021: R_off = 1e3 R_on)",
      MN_PARAM_REAL, 7.748091729e-8, 0.0, 1e300, NULL },
};

static int as_G(const mn_model_batch *b, const double *x, double *G)
{
    for (size_t i = 0; i < b->n; i++)
        G[i] = fabs(x[i]) >= P(b, KF_LCRIT, i) ? P(b, AS_GON, i) : P(b, AS_GOFF, i);
    return 0;
}

static int as_dGdx(const mn_model_batch *b, const double *x, double *d)
{
    (void)x;
    for (size_t i = 0; i < b->n; i++) d[i] = 0.0; /* a step: zero except at |lambda| = crit */
    return 0;
}

static const char *const lambda_names[] = { "lambda" };

const mn_model_ops mn__atomic_switch_ops = {
    .struct_size = sizeof(mn_model_ops),
    .name = "atomic_switch",
    .flags = MN_MODEL_REENTRANT,
    .description = "Kuncic-group atomic switch: dlambda/dt = (|V|-V_set) sgn V above V_set, "
                   "-b (V_reset-|V|) sgn lambda below V_reset; G = G_on if |lambda| >= "
                   "lambda_crit else G_off (Zhu et al. 2021; Hochstetter et al. 2021)",
    .n_states = 1,
    .state_names = lambda_names,
    .n_params = AS_NP,
    .params = as_params,
    .conductance = as_G,
    .rate = mn__kf_rate,
    .rate_dx = mn__kf_rate_dx,
    .rate_dV = mn__kf_rate_dV,
    .rate_dI = mn__kf_rate_dI,
    .conductance_dx = as_dGdx,
    .exact_step = mn__kf_exact,
    .state_bounds = mn__kf_bounds,
    .validate = mn__kf_validate,
};
