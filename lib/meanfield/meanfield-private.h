/*
 * Internal helpers of the meanfield module (not installed, not part of the ABI).
 */
#ifndef MEMNET_MEANFIELD_PRIVATE_H
#define MEMNET_MEANFIELD_PRIVATE_H

#include <memnet/meanfield.h>

#include "core/core-private.h"

#define MN__MF_MAXPAR 8

struct mn_meanfield_model {
    mn_context *ctx;
    mn_meanfield_kind kind;
    double p[MN__MF_MAXPAR];
    double rtol, atol;
    size_t steps; /* integrator steps taken (statistics) */
    /* fit options (mn_meanfield_model_set_fit_option) */
    double fit_max_evaluations, fit_max_seconds, fit_auto_start, fit_auto_fix;
    int drive_explicit; /* drive set by the user (the fit then does not choose it) */
};

/* parameter indices */
enum { MN__MIR_GMIN, MN__MIR_CHI, MN__MIR_KP, MN__MIR_KD, MN__MIR_ETAP, MN__MIR_ETAD,
       MN__MIR_UNI, MN__MIR_DRIVE, MN__MIR_N };
enum { MN__HIL_GMIN, MN__HIL_CHI, MN__HIL_A, MN__HIL_MU, MN__HIL_KAPPA, MN__HIL_GMAX,
       MN__HIL_DRIVE, MN__HIL_N };
enum { MN__LIN_ROFF, MN__LIN_CHI, MN__LIN_ALPHA, MN__LIN_K, MN__LIN_N };

/* rate formula (no checks) */
double mn__mf_rate(const mn_meanfield_model *m, double g, double v);
double mn__mf_conductance(const mn_meanfield_model *m, double g);
void mn__mf_range(const mn_meanfield_model *m, double *lo, double *hi);
double mn__mf_conductance_dg(const mn_meanfield_model *m, double g);
/* d(rate)/dg and d(rate)/dv, analytic */
void mn__mf_rate_derivs(const mn_meanfield_model *m, double g, double v, double *dg, double *dv);

/* projector internals used by the effective-medium reduction */
size_t mn__mf_projector_edges(const mn_meanfield_projector *p);
mn_context *mn__mf_projector_context(const mn_meanfield_projector *p);

/* exponential integral Ei(x), x != 0 */
double mn__ei(double x);
/* e^{-x} Ei(x), x != 0, without overflow or underflow */
double mn__ei_scaled(double x);

/* adaptive Gauss-Kronrod (7-15) integral of f on [a, b] */
double mn__integrate(double (*f)(double, void *), void *ud, double a, double b, double rtol);

/* root of f in [a, b] with f(a) f(b) <= 0 (bisection + secant safeguard) */
double mn__root(double (*f)(double, void *), void *ud, double a, double b, double fa, double fb);

#endif
