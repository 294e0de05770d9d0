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

/* Leverage scores of the ne circuit edges (ends ea[e], ec[e]: reduced rows, -1 = the ground) of
 * the unit grounded Laplacian A (nr rows) from its LDL' factor P A P' = L D L' (mn__mf_ldl's
 * layout; Perm[k] = the row at position k): exact for the edges of largest key[e] within a work
 * budget, random projections (`probes`, rounded up to a multiple of 8) for the others,
 * rescaled to Foster's sum nr. Out, at index eid[e] (edge ids): r0, err (standard error, 0
 * where exact); n_exact. (sketch.c) */
mn_status mn__mf_sketch_leverage(mn_context *ctx, size_t nr, const int *Lp, const int *Li,
                                 const double *Lx, const int *Perm, size_t ne, const int *ea,
                                 const int *ec, const int *eid, const double *key, size_t probes,
                                 uint64_t seed, double *r0, double *err, size_t *n_exact);

/* LDL' of the n x n SPD matrix C (upper triangle, CSC, any row order, duplicates summed), in
 * its given order: column j of L is Li/Lx[Lp[j] .. Lp[j+1]-1], the diagonal D_jj first, then
 * the rows below in increasing order (L unit lower). Allocated with mn__malloc. (ldl.c) */
mn_status mn__mf_ldl(mn_context *ctx, size_t n, const int *Cp, const int *Ci, const double *Cx,
                     int **Lp, int **Li, double **Lx);
/* x = (L D L')^{-1} x in the factor's order */
void mn__mf_ldl_solve(size_t n, const int *Lp, const int *Li, const double *Lx, double *x);

/* exponential integral Ei(x), x != 0 */
double mn__ei(double x);
/* e^{-x} Ei(x), x != 0, without overflow or underflow */
double mn__ei_scaled(double x);

/* adaptive Gauss-Kronrod (7-15) integral of f on [a, b] */
double mn__integrate(double (*f)(double, void *), void *ud, double a, double b, double rtol);

/* root of f in [a, b] with f(a) f(b) <= 0 (bisection + secant safeguard) */
double mn__root(double (*f)(double, void *), void *ud, double a, double b, double fa, double fb);

#endif
