/*
 * The filament state of the Kuncic group's nanowire junction models (atomic_switch.c,
 * tunnel_switch.c), shared by both: a flux-like state lambda (V s) that grows with the junction
 * voltage above V_set, polarity dependent, and decays towards 0 below V_reset
 * (Hochstetter et al. 2021, Methods; Zhu et al. 2021; docs/models.md):
 *
 *   dlambda/dt = (|V| - V_set) sgn(V)           |V| > V_set
 *              = 0                              V_reset <= |V| <= V_set
 *              = -b (V_reset - |V|) sgn(lambda) |V| < V_reset
 *
 * lambda is kept in [-lambda_max, lambda_max]. With unipolar=1, V is replaced by |V|. memnet replaces sgn(lambda) by
 * sat(lambda / eps) = clamp(lambda / eps, -1, 1) (eps = parameter lambda_eps, 1e-6 V s): the
 * decay is unchanged for |lambda| > eps and becomes an exponential approach to 0 inside it,
 * so an adaptive integrator does not chatter about lambda = 0 (the source's fixed-step Euler
 * chatters there by up to b V_reset dt). Internal to lib/models.
 */
#ifndef MEMNET_KUNCIC_FILAMENT_H
#define MEMNET_KUNCIC_FILAMENT_H

#include <math.h>

/* parameters of the filament law, in this order, first in both models' tables */
enum { KF_VSET, KF_VRESET, KF_LCRIT, KF_LMAX, KF_B, KF_EPS, KF_UNI, KF_NP };

#define KF_PARAMS                                                                               \
    { sizeof(mn_param_info), "V_set", "V",                                                      \
      "set voltage: lambda grows above it (Hochstetter et al. 2021, Methods)", MN_PARAM_REAL,   \
      1e-2, 0.0, 1e6, NULL },                                                                   \
    { sizeof(mn_param_info), "V_reset", "V",                                                    \
      "reset voltage: lambda decays below it (Hochstetter et al. 2021)", MN_PARAM_REAL, 5e-3,   \
      0.0, 1e6, NULL },                                                                         \
    { sizeof(mn_param_info), "lambda_crit", "V s",                                              \
      "critical filament state: the junction is on at |lambda| >= lambda_crit (Hochstetter "    \
      "et al. 2021)", MN_PARAM_REAL, 1e-2, 1e-300, 1e300, NULL },                               \
    { sizeof(mn_param_info), "lambda_max", "V s",                                               \
      "bound of |lambda| (Hochstetter et al. 2021)", MN_PARAM_REAL, 1.5e-2, 1e-300, 1e300,     \
      NULL },                                                                                   \
    { sizeof(mn_param_info), "b", "",                                                           \
      "decay boost below V_reset (rzhu40/ASN_simulation: 10)", MN_PARAM_REAL, 10.0, 0.0, 1e12, \
      NULL },                                                                                   \
    { sizeof(mn_param_info), "lambda_eps", "V s",                                               \
      "width of the smoothed sgn(lambda) of the decay (memnet; docs/models.md)",                \
      MN_PARAM_REAL, 1e-6, 1e-300, 1e300, NULL },                                               \
    { sizeof(mn_param_info), "unipolar", "",                                                    \
      "1: driven by |V| (lambda grows with either polarity); 0: signed V as in the source",     \
      MN_PARAM_INT, 0.0, 0.0, 1.0, NULL }

static inline double kf_sat(double lam, double eps, double *dsat)
{
    double s = lam / eps;
    if (s > 1.0) {
        if (dsat) *dsat = 0.0;
        return 1.0;
    }
    if (s < -1.0) {
        if (dsat) *dsat = 0.0;
        return -1.0;
    }
    if (dsat) *dsat = 1.0 / eps;
    return s;
}

/* dlambda/dt, and its derivatives by lambda and V (either may be NULL) */
static inline double kf_rate(double lam, double V, double Vset, double Vreset, double b,
                             double eps, double *d_lam, double *d_V)
{
    double a = fabs(V);
    if (a > Vset) {
        if (d_lam) *d_lam = 0.0;
        if (d_V) *d_V = 1.0;
        return V > 0 ? a - Vset : -(a - Vset);
    }
    if (a < Vreset) {
        double ds, s = kf_sat(lam, eps, &ds), c = b * (Vreset - a);
        if (d_lam) *d_lam = -c * ds;
        if (d_V) *d_V = b * (V < 0 ? -1.0 : 1.0) * s;
        return -c * s;
    }
    if (d_lam) *d_lam = 0.0;
    if (d_V) *d_V = 0.0;
    return 0.0;
}

/* exact state after dt at constant V (the closed form of the law above), clamped */
static inline double kf_exact(double lam, double V, double dt, double Vset, double Vreset,
                              double b, double eps, double lmax)
{
    double a = fabs(V);
    if (a > Vset) {
        lam += (V > 0 ? 1.0 : -1.0) * (a - Vset) * dt;
    } else if (a < Vreset) {
        double c = b * (Vreset - a), m = fabs(lam), sg = lam < 0 ? -1.0 : 1.0;
        if (c > 0) {
            if (m > eps) {
                double t1 = (m - eps) / c; /* linear decay down to eps */
                if (dt <= t1) return fmin(fmax(lam - sg * c * dt, -lmax), lmax);
                dt -= t1;
                m = eps;
            }
            lam = sg * m * exp(-c * dt / eps); /* inside eps: exponential approach to 0 */
        }
    }
    return fmin(fmax(lam, -lmax), lmax);
}

#endif
