/*
 * vteam: the voltage threshold adaptive memristor model of Kvatinsky, Ramadan, Friedman and
 * Kolodny, IEEE TCAS-II 62, 786 (2015), with its current-controlled parent TEAM (Kvatinsky et
 * al., IEEE TCAS-I 60, 211 (2013)) as `control=current`. State w in [w_on, w_off] (m):
 *
 *   dw/dt = k_off (u/u_off - 1)^alpha_off f_off(w)   0 < u_off < u
 *         = 0                                        u_on <= u <= u_off
 *         = k_on  (u/u_on  - 1)^alpha_on  f_on(w)    u < u_on < 0
 *
 * u = V (VTEAM: thresholds v_on < 0 < v_off) or I (TEAM: i_on < 0 < i_off); k_off > 0, k_on < 0.
 * Windows: none (f = 1) or kvatinsky, f_off = exp(-exp((w - a_off)/w_c)),
 * f_on = exp(-exp(-(w - a_on)/w_c)) (TEAM's). Current-voltage relation: linear,
 * R = R_on + (R_off - R_on)(w - w_on)/(w_off - w_on), or exponential,
 * R = R_on exp(ln(R_off/R_on)(w - w_on)/(w_off - w_on)). docs/models.md has the defaults.
 */
#include "models/models-impl.h"

#include <math.h>
#include <stdio.h>

#define P(b, p, i) MN_PARAM(b, p, i)

enum { VT_RON, VT_ROFF, VT_WON, VT_WOFF, VT_KON, VT_KOFF, VT_AON, VT_AOFF, VT_VON, VT_VOFF,
       VT_ION, VT_IOFF, VT_CTRL, VT_WIN, VT_WAON, VT_WAOFF, VT_WC, VT_IV, VT_X0, VT_UNI, VT_NP };

static const char *const vt_control[] = { "voltage", "current", NULL };
static const char *const vt_window[] = { "none", "kvatinsky", NULL };
static const char *const vt_iv[] = { "linear", "exponential", NULL };

static const mn_param_info vt_params[VT_NP] = {
    { sizeof(mn_param_info), "R_on", "Ohm", "resistance at w = w_on (VTEAM reference values: 50)",
      MN_PARAM_REAL, 50.0, 1e-300, 1e300, NULL },
    { sizeof(mn_param_info), "R_off", "Ohm", "resistance at w = w_off (VTEAM reference values: 1e3)",
      MN_PARAM_REAL, 1e3, 1e-300, 1e300, NULL },
    { sizeof(mn_param_info), "w_on", "m", "lower bound of the state (VTEAM reference values: 0)",
      MN_PARAM_REAL, 0.0, -1e300, 1e300, NULL },
    { sizeof(mn_param_info), "w_off", "m", "upper bound of the state (VTEAM reference values: 3 nm)",
      MN_PARAM_REAL, 3e-9, -1e300, 1e300, NULL },
    { sizeof(mn_param_info), "k_on", "m/s", "on-switching rate, < 0 (VTEAM reference values: -10)",
      MN_PARAM_REAL, -10.0, -1e300, 0.0, NULL },
    { sizeof(mn_param_info), "k_off", "m/s", "off-switching rate, > 0 (VTEAM reference values: 5e-4)",
      MN_PARAM_REAL, 5e-4, 0.0, 1e300, NULL },
    { sizeof(mn_param_info), "alpha_on", "", "on exponent (VTEAM reference values: 3)",
      MN_PARAM_REAL, 3.0, 1.0, 100.0, NULL },
    { sizeof(mn_param_info), "alpha_off", "", "off exponent (VTEAM reference values: 1)",
      MN_PARAM_REAL, 1.0, 1.0, 100.0, NULL },
    { sizeof(mn_param_info), "v_on", "V", "on threshold, < 0 (VTEAM reference values: -0.2)",
      MN_PARAM_REAL, -0.2, -1e300, -1e-300, NULL },
    { sizeof(mn_param_info), "v_off", "V", "off threshold, > 0 (VTEAM reference values: 0.02)",
      MN_PARAM_REAL, 0.02, 1e-300, 1e300, NULL },
    { sizeof(mn_param_info), "i_on", "A", "on threshold of control=current, < 0 (memnet default)",
      MN_PARAM_REAL, -1e-4, -1e300, -1e-300, NULL },
    { sizeof(mn_param_info), "i_off", "A", "off threshold of control=current, > 0 (memnet default)",
      MN_PARAM_REAL, 1e-4, 1e-300, 1e300, NULL },
    { sizeof(mn_param_info), "control", "",
      "voltage (VTEAM, Kvatinsky et al. 2015) or current (TEAM, Kvatinsky et al. 2013)",
      MN_PARAM_CHOICE, 0.0, 0.0, 1.0, vt_control },
    { sizeof(mn_param_info), "window", "",
      "none (f = 1) or kvatinsky (TEAM: f_off = exp(-exp((w-a_off)/w_c)), f_on = "
      "exp(-exp(-(w-a_on)/w_c)))", MN_PARAM_CHOICE, 0.0, 0.0, 1.0, vt_window },
    { sizeof(mn_param_info), "a_on", "m", "on window position (memnet default: w_on)",
      MN_PARAM_REAL, 0.0, -1e300, 1e300, NULL },
    { sizeof(mn_param_info), "a_off", "m", "off window position (memnet default: w_off)",
      MN_PARAM_REAL, 3e-9, -1e300, 1e300, NULL },
    { sizeof(mn_param_info), "w_c", "m", "window width (memnet default: 0.1 nm)", MN_PARAM_REAL,
      1e-10, 1e-300, 1e300, NULL },
    { sizeof(mn_param_info), "iv", "",
      "current-voltage relation: linear or exponential in w (Kvatinsky et al. 2015)",
      MN_PARAM_CHOICE, 0.0, 0.0, 1.0, vt_iv },
    { sizeof(mn_param_info), "x0", "", "initial state as a fraction of [w_on, w_off] (memnet)",
      MN_PARAM_REAL, 0.0, 0.0, 1.0, NULL },
    { sizeof(mn_param_info), "unipolar", "", "1: driven by |v| (|i|); 0: signed, as VTEAM",
      MN_PARAM_INT, 0.0, 0.0, 1.0, NULL },
};

static int vt_validate(const mn_model_batch *b, char *msg, size_t sz)
{
    for (size_t i = 0; i < b->n; i++) {
        long e = (long)(b->edge ? b->edge[i] : (mn_index)i);
        if (!(P(b, VT_WOFF, i) > P(b, VT_WON, i))) {
            snprintf(msg, sz, "edge %ld: w_off = %g must be > w_on = %g", e, P(b, VT_WOFF, i),
                     P(b, VT_WON, i));
            return 1;
        }
    }
    return 0;
}

/* R(w) and dR/dw */
static double vt_R(const mn_model_batch *b, size_t i, double w, double *dR)
{
    double Ron = P(b, VT_RON, i), Roff = P(b, VT_ROFF, i), won = P(b, VT_WON, i);
    double D = P(b, VT_WOFF, i) - won, z = (w - won) / D;
    if (P(b, VT_IV, i) > 0.5) {
        double l = log(Roff / Ron), R = Ron * exp(l * z);
        if (dR) *dR = R * l / D;
        return R;
    }
    if (dR) *dR = (Roff - Ron) / D;
    return Ron + (Roff - Ron) * z;
}

static int vt_G(const mn_model_batch *b, const double *x, double *G)
{
    for (size_t i = 0; i < b->n; i++) G[i] = 1.0 / vt_R(b, i, x[i], NULL);
    return 0;
}

static int vt_dGdx(const mn_model_batch *b, const double *x, double *d)
{
    for (size_t i = 0; i < b->n; i++) {
        double dR, R = vt_R(b, i, x[i], &dR);
        d[i] = -dR / (R * R);
    }
    return 0;
}

/* window value and derivative; side 0 = off, 1 = on */
static double vt_window_f(const mn_model_batch *b, size_t i, int on, double w, double *df)
{
    if (P(b, VT_WIN, i) < 0.5) {
        if (df) *df = 0.0;
        return 1.0;
    }
    double wc = P(b, VT_WC, i);
    double z = on ? -(w - P(b, VT_WAON, i)) / wc : (w - P(b, VT_WAOFF, i)) / wc;
    if (z > 700.0) z = 700.0;
    double ez = exp(z), f = exp(-ez);
    if (df) *df = -f * ez * (on ? -1.0 : 1.0) / wc;
    return f;
}

/* dw/dt and its derivatives by w and by the control variable u */
static double vt_rate0(const mn_model_batch *b, size_t i, double w, double u, double *dw, double *du);

/* with unipolar=1 the drive is |u| (derivative one-sided at 0) */
static double vt_rate1(const mn_model_batch *b, size_t i, double w, double u, double *dw, double *du)
{
    if (P(b, VT_UNI, i) == 0.0) return vt_rate0(b, i, w, u, dw, du);
    double r = vt_rate0(b, i, w, fabs(u), dw, du);
    if (du && u < 0) *du = -*du;
    return r;
}

static double vt_rate0(const mn_model_batch *b, size_t i, double w, double u, double *dw, double *du)
{
    int cur = P(b, VT_CTRL, i) > 0.5;
    double uoff = P(b, cur ? VT_IOFF : VT_VOFF, i), uon = P(b, cur ? VT_ION : VT_VON, i);
    if (dw) *dw = 0.0;
    if (du) *du = 0.0;
    if (u > uoff) {
        double a = P(b, VT_AOFF, i), base = u / uoff - 1.0, k = P(b, VT_KOFF, i);
        double df, f = vt_window_f(b, i, 0, w, &df), pw = pow(base, a);
        if (dw) *dw = k * pw * df;
        if (du) *du = k * a * (a == 1.0 ? 1.0 : pow(base, a - 1.0)) / uoff * f;
        return k * pw * f; /* Kvatinsky et al. 2015 eq. (1) */
    }
    if (u < uon) {
        double a = P(b, VT_AON, i), base = u / uon - 1.0, k = P(b, VT_KON, i);
        double df, f = vt_window_f(b, i, 1, w, &df), pw = pow(base, a);
        if (dw) *dw = k * pw * df;
        if (du) *du = k * a * (a == 1.0 ? 1.0 : pow(base, a - 1.0)) / uon * f;
        return k * pw * f;
    }
    return 0.0;
}

static int vt_rate(const mn_model_batch *b, const double *x, const double *V, const double *I,
                   double *r)
{
    for (size_t i = 0; i < b->n; i++)
        r[i] = vt_rate1(b, i, x[i], P(b, VT_CTRL, i) > 0.5 ? I[i] : V[i], NULL, NULL);
    return 0;
}

static int vt_rate_dx(const mn_model_batch *b, const double *x, const double *V, const double *I,
                      double *J)
{
    for (size_t i = 0; i < b->n; i++)
        (void)vt_rate1(b, i, x[i], P(b, VT_CTRL, i) > 0.5 ? I[i] : V[i], &J[i], NULL);
    return 0;
}

static int vt_rate_dV(const mn_model_batch *b, const double *x, const double *V, const double *I,
                      double *out)
{
    (void)I;
    for (size_t i = 0; i < b->n; i++) {
        out[i] = 0.0;
        if (P(b, VT_CTRL, i) < 0.5) (void)vt_rate1(b, i, x[i], V[i], NULL, &out[i]);
    }
    return 0;
}

static int vt_rate_dI(const mn_model_batch *b, const double *x, const double *V, const double *I,
                      double *out)
{
    (void)V;
    for (size_t i = 0; i < b->n; i++) {
        out[i] = 0.0;
        if (P(b, VT_CTRL, i) > 0.5) (void)vt_rate1(b, i, x[i], I[i], NULL, &out[i]);
    }
    return 0;
}

static int vt_bounds(const mn_model_batch *b, double *lo, double *hi)
{
    for (size_t i = 0; i < b->n; i++) {
        lo[i] = P(b, VT_WON, i);
        hi[i] = P(b, VT_WOFF, i);
    }
    return 0;
}

static int vt_init(const mn_model_batch *b, double *x)
{
    for (size_t i = 0; i < b->n; i++)
        x[i] = P(b, VT_WON, i) + P(b, VT_X0, i) * (P(b, VT_WOFF, i) - P(b, VT_WON, i));
    return 0;
}

static const char *const w_names[] = { "w" };

const mn_model_ops mn__vteam_ops = {
    .struct_size = sizeof(mn_model_ops),
    .name = "vteam",
    .flags = MN_MODEL_REENTRANT,
    .description = "VTEAM threshold memristor, dw/dt = k_off (v/v_off-1)^alpha_off f_off(w) "
                   "above v_off, k_on (v/v_on-1)^alpha_on f_on(w) below v_on (Kvatinsky et al. "
                   "2015); control=current gives TEAM (2013)",
    .n_states = 1,
    .state_names = w_names,
    .n_params = VT_NP,
    .params = vt_params,
    .conductance = vt_G,
    .rate = vt_rate,
    .rate_dx = vt_rate_dx,
    .rate_dV = vt_rate_dV,
    .rate_dI = vt_rate_dI,
    .conductance_dx = vt_dGdx,
    .state_bounds = vt_bounds,
    .initial_state = vt_init,
    .validate = vt_validate,
};
