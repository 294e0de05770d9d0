/*
 * Stability of explicit Euler steps (issue 14; docs/simulation.md, "Fixed steps").
 *
 * Explicit Euler x += h f(x) is stable for a decaying mode of rate lambda < 0 only while
 * h |lambda| <= 2; above, the mode grows and alternates in sign, and the clamp to the state
 * bounds hides it: the state bounces between its bounds or sits at one of them, and the run
 * ends with a plausible but wrong answer (a stiff miranda network gave G = 0.01 where BDF
 * gives 0.99996). Every Euler step is checked two ways:
 *
 *  1. the stability limit from the rates: lambda_i = the diagonal of the junction's own
 *     Jacobian at fixed edge voltage (d f_i / d x_i + d f_i / d I  dI/dx_i, the block the
 *     preconditioner of the CVODE runs inverts); the step is above the limit when
 *     h (-lambda_i) > 2 for some state (the coupling through the network is not included:
 *     an estimate from the junctions);
 *  2. the overshoot: a state clamped at a bound by the previous step whose rate now points
 *     back inside. The exact solution cannot cross a bound where the rate points inward, so
 *     such a state was carried past it by a step too large for its dynamics (h |lambda| > 1:
 *     Euler no longer decays monotonically).
 *
 * A step flagged by either is counted (MN_SIM_STAT_UNSTABLE_STEPS); mn_sim_stable_step()
 * gives the smallest limit 2/|lambda| seen. The states of the exact-exponential update
 * (MN_SIM_EXACT, miranda) are stable at any step and are not checked. Cost per step: one
 * evaluation of the model partials (no Kirchhoff solve).
 */
#include "sim/sim-impl.h"

#include <math.h>

/* at the start of a fixed step of length h: the rates s->fbuf and the cache belong to (t, x) */
mn_status mn__sim_stability_check(mn_sim *s, double h)
{
    if (s->ns == 0) return MN_OK;
    mn_status st = mn__sim_ensure_partials(s);
    if (st) return st;
    int exact = s->integrator == MN_SIM_EXACT;
    int unstable = 0;
    double lmax = 0;
    for (size_t e = 0; e < s->m; e++) {
        size_t a = s->off[e], k = s->off[e + 1] - a;
        if (exact && s->has_exact[e]) {
            for (size_t r = 0; r < k; r++) s->stab_from[a + r] = 2; /* never equal to a side */
            continue;
        }
        double vs = s->V[e] + (s->emf ? s->emf[e] : 0.0);
        const double *J = s->Jx + s->joff[e];
        for (size_t r = 0; r < k; r++) {
            size_t i = a + r;
            double lam = J[r * k + r] + s->fI[i] * s->Gx[i] * vs;
            if (lam < 0 && -lam > lmax) lmax = -lam;
            s->stab_from[i] = s->x[i] >= s->hi[i] ? 1 : s->x[i] <= s->lo[i] ? -1 : 0;
            int side = s->stab_side[i];
            if (side && ((side > 0 && s->fbuf[i] < 0) || (side < 0 && s->fbuf[i] > 0))) unstable = 1;
        }
    }
    if (lmax > 0) {
        double lim = 2.0 / lmax;
        if (lim < s->stab_limit) s->stab_limit = lim;
        if (h > lim) unstable = 1;
    }
    if (unstable) s->st_unstable++;
    return MN_OK;
}

/* after the update, before the clamp: which states the clamp will hold at a bound */
void mn__sim_stability_mark(mn_sim *s)
{
    /* a state that started the step at the bound it is clamped to was held there (its rate
       points out): not an overshoot */
    for (size_t i = 0; i < s->ns; i++) {
        int side = s->free_state[i] ? 0 : s->x[i] > s->hi[i] ? 1 : s->x[i] < s->lo[i] ? -1 : 0;
        s->stab_side[i] = (signed char)(side == s->stab_from[i] ? 0 : side);
    }
}

void mn__sim_stability_reset(mn_sim *s)
{
    for (size_t i = 0; i < s->ns; i++) s->stab_side[i] = s->stab_from[i] = 0;
}

double mn_sim_stable_step(const mn_sim *s)
{
    if (!s) return NAN;
    return s->stab_limit;
}
