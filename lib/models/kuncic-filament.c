/* The batched callbacks of the Kuncic group's filament state law (kuncic-filament.h), shared by
 * the atomic_switch and tunnel_switch models. */
#include "models/models-impl.h"
#include "models/kuncic-filament.h"

#include <stdio.h>

#define P(b, p, i) MN_PARAM(b, p, i)

/* the driving voltage: |V| with unipolar=1 (ds = d|V|/dV, one-sided at 0), else V */
static double kf_drive(const mn_model_batch *b, size_t i, double V, double *ds)
{
    if (P(b, KF_UNI, i) != 0.0) {
        if (ds) *ds = V < 0 ? -1.0 : 1.0;
        return fabs(V);
    }
    if (ds) *ds = 1.0;
    return V;
}

int mn__kf_validate(const mn_model_batch *b, char *msg, size_t sz)
{
    for (size_t i = 0; i < b->n; i++) {
        long e = (long)(b->edge ? b->edge[i] : (mn_index)i);
        if (P(b, KF_LMAX, i) < P(b, KF_LCRIT, i)) {
            snprintf(msg, sz, "edge %ld: lambda_max = %g must be >= lambda_crit = %g", e,
                     P(b, KF_LMAX, i), P(b, KF_LCRIT, i));
            return 1;
        }
        if (P(b, KF_VSET, i) < P(b, KF_VRESET, i)) {
            snprintf(msg, sz, "edge %ld: V_set = %g must be >= V_reset = %g", e, P(b, KF_VSET, i),
                     P(b, KF_VRESET, i));
            return 1;
        }
    }
    return 0;
}

int mn__kf_rate(const mn_model_batch *b, const double *x, const double *V, const double *I,
                double *r)
{
    (void)I;
    for (size_t i = 0; i < b->n; i++)
        r[i] = kf_rate(x[i], kf_drive(b, i, V[i], NULL), P(b, KF_VSET, i), P(b, KF_VRESET, i), P(b, KF_B, i),
                       P(b, KF_EPS, i), NULL, NULL);
    return 0;
}

int mn__kf_rate_dx(const mn_model_batch *b, const double *x, const double *V, const double *I,
                   double *J)
{
    (void)I;
    for (size_t i = 0; i < b->n; i++)
        (void)kf_rate(x[i], kf_drive(b, i, V[i], NULL), P(b, KF_VSET, i), P(b, KF_VRESET, i),
                      P(b, KF_B, i), P(b, KF_EPS, i), &J[i], NULL);
    return 0;
}

int mn__kf_rate_dV(const mn_model_batch *b, const double *x, const double *V, const double *I,
                   double *out)
{
    (void)I;
    for (size_t i = 0; i < b->n; i++) {
        double ds, u = kf_drive(b, i, V[i], &ds);
        (void)kf_rate(x[i], u, P(b, KF_VSET, i), P(b, KF_VRESET, i), P(b, KF_B, i),
                      P(b, KF_EPS, i), NULL, &out[i]);
        out[i] *= ds;
    }
    return 0;
}

int mn__kf_rate_dI(const mn_model_batch *b, const double *x, const double *V, const double *I,
                   double *out)
{
    (void)x, (void)V, (void)I;
    for (size_t i = 0; i < b->n; i++) out[i] = 0.0;
    return 0;
}

int mn__kf_exact(const mn_model_batch *b, double *x, const double *V, double dt)
{
    for (size_t i = 0; i < b->n; i++)
        x[i] = kf_exact(x[i], kf_drive(b, i, V[i], NULL), dt, P(b, KF_VSET, i), P(b, KF_VRESET, i), P(b, KF_B, i),
                        P(b, KF_EPS, i), P(b, KF_LMAX, i));
    return 0;
}

int mn__kf_bounds(const mn_model_batch *b, double *lo, double *hi)
{
    for (size_t i = 0; i < b->n; i++) {
        hi[i] = P(b, KF_LMAX, i);
        lo[i] = -hi[i];
    }
    return 0;
}

