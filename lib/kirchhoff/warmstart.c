/*
 * Kirchhoff solver: warm starts of PCG extrapolated in time.
 *
 * The simulation solves A(G(x(t))) phi = b(t) along a trajectory, so the potentials move
 * smoothly between its steps. The solver keeps the solutions at the last three distinct times
 * t0 (newest), t1, t2 of the integrator's solves (output solves do not enter) and starts PCG
 * at time t from the quadratic through them (the line through the newest two while only two are
 * known), evaluated at t: extrapolation to the integrator's next step, interpolation for an
 * output time between its steps, instead of the newest solution itself. The start's error is
 * then O(h^3 phi''') instead of O(h phi'): on the 000 protocol the integrator's solves need
 * about a third fewer PCG iterations (docs/performance.md). The start is only a start: PCG
 * iterates to the same tolerance, and everything depends on the sequence of solves only (no
 * timing), so runs and checkpoint restarts stay bitwise reproducible (mn__kirchhoff_forget
 * drops the history).
 *
 * A change of the sources (electrode potentials, injection: a pulse edge) ends the history.
 * When the new electrode potentials are a multiple c of the history's (and there is no EMF or
 * injection), phi is linear in them at fixed conductances and the start is c phi0.
 */
#include "kirchhoff-impl.h"

#include <math.h>
#include <string.h>

/* extrapolate at most this many of the newest interval ahead (CVODE grows a step by at most
 * 10x; beyond a few intervals the curvature dominates and the newest solution is the safer
 * start), and use the quadratic only while its weights stay moderate (unevenly spaced times
 * make it amplify the solutions' differences) */
#define MN__WARM_THETA_MAX 4.0
#define MN__WARM_WEIGHT_MAX 16.0

void mn__kirchhoff_set_time(mn_kirchhoff *k, double t)
{
    if (!k || !isfinite(t)) return;
    k->t_next = t;
    k->have_t = 1;
}

/* 1: the sources equal the history's; 0: they differ; a factor c with volts = c wv (no EMF, no
 * injection) is stored in *c when they differ that way, else *c = 0 */
static int same_sources(const mn_kirchhoff *k, const double *volts, double *c)
{
    *c = 0.0;
    int same = k->w_inj == (k->have_inj ? k->inj_amps : 0.0);
    for (size_t a = 0; a < k->n_el && same; a++)
        if (volts[a] != k->wv[a]) same = 0;
    if (same) return 1;
    if (k->emf || k->have_inj || k->n_el == 0) return 0;
    /* proportional? the ratio at the largest old potential */
    size_t am = 0;
    for (size_t a = 1; a < k->n_el; a++)
        if (fabs(k->wv[a]) > fabs(k->wv[am])) am = a;
    if (k->wv[am] == 0.0) return 0;
    double r = volts[am] / k->wv[am];
    for (size_t a = 0; a < k->n_el; a++)
        if (fabs(volts[a] - r * k->wv[a]) > 1e-14 * fabs(volts[am])) return 0;
    if (isfinite(r)) *c = r;
    return 0;
}

/* Before a PCG solve: X holds the last solution; replace it by the extrapolated start. */
void mn__kh_warm_start(mn_kirchhoff *k, const double *volts)
{
    if (!k->have_t || k->wn < 1 || k->nf == 0) return;
    double *x = k->X->x;
    const double *h0 = k->wh[0], *h1 = k->wh[1], *h2 = k->wh[2];
    size_t nf = k->nf;
    double c;
    if (!same_sources(k, volts, &c)) {
        if (c != 0.0)
            for (size_t i = 0; i < nf; i++) x[i] = c * h0[i];
        return;
    }
    double t = k->t_next, t0 = k->wt[0], t1 = k->wt[1], t2 = k->wt[2];
    if (k->wn < 2 || t == t0) return; /* X is the newest solution (at t, or the only one) */
    double theta = (t - t0) / (t0 - t1);
    if (!(fabs(theta) <= MN__WARM_THETA_MAX)) return;
    if (k->wn == 3) {
        /* Lagrange weights of the quadratic through (t0, h0), (t1, h1), (t2, h2) */
        double l0 = (t - t1) * (t - t2) / ((t0 - t1) * (t0 - t2));
        double l1 = (t - t0) * (t - t2) / ((t1 - t0) * (t1 - t2));
        double l2 = (t - t0) * (t - t1) / ((t2 - t0) * (t2 - t1));
        if (fabs(l0) <= MN__WARM_WEIGHT_MAX && fabs(l1) <= MN__WARM_WEIGHT_MAX &&
            fabs(l2) <= MN__WARM_WEIGHT_MAX) {
            for (size_t i = 0; i < nf; i++) x[i] = (l0 * h0[i] + l1 * h1[i]) + l2 * h2[i];
            return;
        }
    }
    for (size_t i = 0; i < nf; i++) x[i] = h0[i] + theta * (h0[i] - h1[i]);
}

/* After an integrator's solve at t_next: X holds its solution; enter it into the history. */
mn_status mn__kh_warm_record(mn_kirchhoff *k, const double *volts)
{
    if (!k->have_t || k->nf == 0) return MN_OK;
    size_t nf = k->nf;
    for (int j = 0; j < 3; j++)
        if (!mn__kh_scratch(k, &k->wh[j], &k->wh_cap[j], nf, "warm-start history"))
            return MN_ERR_NOMEM;
    if (k->n_el && !mn__kh_scratch(k, &k->wv, &k->wv_cap, k->n_el, "warm-start history"))
        return MN_ERR_NOMEM;
    double c;
    if (k->wn > 0 && !same_sources(k, volts, &c)) k->wn = 0;
    double t = k->t_next;
    if (k->wn > 0 && t == k->wt[0]) {
        memcpy(k->wh[0], k->X->x, nf * sizeof(double)); /* a later solve at the same time */
        return MN_OK;
    }
    /* rotate: the oldest buffer takes the solution, the others age by one */
    double *b = k->wh[2];
    size_t bc = k->wh_cap[2];
    for (int j = 2; j > 0; j--) {
        k->wh[j] = k->wh[j - 1];
        k->wh_cap[j] = k->wh_cap[j - 1];
        k->wt[j] = k->wt[j - 1];
    }
    k->wh[0] = b, k->wh_cap[0] = bc, k->wt[0] = t;
    memcpy(b, k->X->x, nf * sizeof(double));
    if (k->wn < 3) k->wn++;
    if (k->n_el) memcpy(k->wv, volts, k->n_el * sizeof(double));
    k->w_inj = k->have_inj ? k->inj_amps : 0.0;
    return MN_OK;
}
