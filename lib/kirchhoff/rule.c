/*
 * Kirchhoff solver: AUTO's refactorisation rule (ski rental), shared by the serial CHOLMOD
 * backend (setup = numeric refactorisation, reuse = PCG on the stale factor) and the
 * distributed PETSc backend (setup = new BoomerAMG hierarchy, reuse = CG on the last one).
 * Pure bookkeeping: no allocation, no solver types (libmemnet-mpi links this object).
 */
#include "kirchhoff-private.h"

void mn__kh_rule_init(mn__kh_rule *r)
{
    r->ok = 1;
    r->cooldown = 0;
    r->last_it = 0;
    mn__kh_rule_reset(r);
}

void mn__kh_rule_reset(mn__kh_rule *r)
{
    /* the first reuse of the new setup is predicted by the fewest iterations the previous one
     * needed (near its start), not by its last, stalest reuse: otherwise one long reuse at the
     * end of a setup's life would keep every later setup from being reused */
    if (r->base[0] >= 0) r->last_it = r->base[0];
    /* no reuse at all since the last setup: the prediction decays by one iteration per setup,
     * so that reuse is tried again once conductances drift slowly again (a try costs at most
     * one setup's worth of iterations: mn__kh_rule_maxit) */
    else if (r->last_it > 0) r->last_it--;
    r->excess = 0.0;
    r->base[0] = r->base[1] = -1;
}

void mn__kh_rule_account(mn__kh_rule *r, int kind, int iters, double iter_cost)
{
    if (r->base[kind] < 0 || iters < r->base[kind]) r->base[kind] = iters;
    r->excess += (double)(iters - r->base[kind]) * iter_cost;
}

void mn__kh_rule_outcome(mn__kh_rule *r, int iters, int converged)
{
    r->last_it = iters;
    if (converged) {
        r->ok = 1;
    } else {
        r->ok = 0;
        r->cooldown = 8;
    }
}

int mn__kh_rule_maxit(double t_setup, double iter_cost, int cap)
{
    double bound = iter_cost > 0 ? t_setup / iter_cost : (double)cap;
    return bound < 1.0 ? 1 : bound > (double)cap ? cap : (int)bound;
}

int mn__kh_rule_reuse(mn__kh_rule *r, double t_setup, double iter_cost, int have_x)
{
    if (r->cooldown > 0) {
        /* after a failed reuse: set up anew for 8 solves, then try reuse again (the predicted
         * iterations are then those of the new setup's start: mn__kh_rule_reset) */
        if (--r->cooldown == 0) r->ok = 1;
        return 0;
    }
    if (!have_x) return 0;
    if (r->excess > t_setup) return 0; /* the stale setup has cost one setup already */
    /* reuse if the last try converged in fewer iterations than a setup costs */
    return r->ok && (double)(r->last_it + 1) * iter_cost < t_setup;
}
