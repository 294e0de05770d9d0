/* Kirchhoff solver: the strategy chooser (AUTO) and bringing the factor to the chosen state. */
#include "kirchhoff-impl.h"

#include <math.h>

/* Bring the factor to the state required by `s` and solve A x = b (b in k->B, x in k->X).
 * For PCG, x must hold the warm start. */
mn_status mn__kh_solve_system(mn_kirchhoff *k, mn_kirchhoff_strategy s, int *used)
{
    mn_status st;
    size_t nf = k->nf;
    if (nf == 0) {
        *used = MN_KIRCHHOFF_REFACTOR;
        return MN_OK;
    }
    k->last_cg_it = 0;
    k->last_resid = NAN;
    if (!k->fac_valid || k->floating_changed) s = MN_KIRCHHOFF_REFACTOR;
    if (k->fac_current && s != MN_KIRCHHOFF_REFACTOR) s = MN_KIRCHHOFF_UPDATE; /* plain solve */
    if (s == MN_KIRCHHOFF_UPDATE && !k->fac_current) {
        if (k->chg_overflow || k->gth || mn__kh_ratio_est(k) > MN__GTH_RATIO) {
            s = MN_KIRCHHOFF_REFACTOR;
        } else {
            st = k->ops->update(k);
            if (st == MN_ERR_SINGULAR) {
                s = MN_KIRCHHOFF_REFACTOR; /* downdate lost definiteness */
            } else if (st != MN_OK) {
                return st;
            }
        }
    }
    if (s == MN_KIRCHHOFF_PCG) {
        int it = 0;
        double rr = 0.0;
        int maxit = 200;
        if (k->strategy == MN_KIRCHHOFF_AUTO) {
            mn__kh_cost_refresh(k);
            maxit = mn__kh_rule_maxit(k->c_fac, k->c_iter, 200);
        }
        st = k->ops->reuse(k, maxit, &it, &rr);
        k->n_cg++;
        k->n_cg_it += (uint64_t)it;
        k->last_cg_it = it;
        k->last_resid = rr;
        /* an output solve (k->aside) leaves the rule as it is: the integrator's choices do not
         * depend on when outputs are taken */
        if (!k->aside) mn__kh_pcg_account(k, 0, it);
        if (st == MN_OK) {
            *used = MN_KIRCHHOFF_PCG;
            if (!k->aside) mn__kh_rule_outcome(&k->rule, it, 1);
            return MN_OK;
        }
        if (st != MN_ERR_CONVERGENCE) return st;
        if (!k->aside) mn__kh_rule_outcome(&k->rule, it, 0);
        if (k->strategy == MN_KIRCHHOFF_PCG && k->fac_current)
            return mn__error(k->ctx, MN_ERR_CONVERGENCE,
                             "PCG: relative residual %.3g after %d iterations (tolerance %.3g)",
                             rr, it, k->cg_rtol);
        s = MN_KIRCHHOFF_REFACTOR; /* iterations exceeded the cost bound */
    }
    if (s == MN_KIRCHHOFF_REFACTOR && !k->fac_current) {
        if ((st = k->ops->setup(k)) != MN_OK) return st;
    } else if (s == MN_KIRCHHOFF_REFACTOR && k->floating_changed) {
        if ((st = k->ops->setup(k)) != MN_OK) return st;
    }
    if ((st = k->ops->solve(k)) != MN_OK) return st;
    *used = s;
    return MN_OK;
}

/* Choose a strategy for the present change. AUTO decides from the deterministic cost model
 * (costmodel.c: operation counts, never measured times), so the same inputs give the same
 * choices on any machine load. */
mn_kirchhoff_strategy mn__kh_choose(mn_kirchhoff *k)
{
    if (k->strategy != MN_KIRCHHOFF_AUTO) return k->strategy;
    if (!k->fac_valid || k->floating_changed) return MN_KIRCHHOFF_REFACTOR;
    if (k->fac_current) return MN_KIRCHHOFF_UPDATE; /* nothing changed: plain solve */
    mn__kh_cost_refresh(k);
    if (!k->chg_overflow && !k->gth) {
        double conv = k->L->is_super ? k->c_conv : 0.0;
        if ((double)k->n_chg * k->c_upd + conv < k->c_fac) return MN_KIRCHHOFF_UPDATE;
    }
    /* an output solve: PCG on the present factor, bounded by one refactorisation's worth of
     * iterations (then it refactorises), outside the rule's account */
    if (k->aside) return MN_KIRCHHOFF_PCG;
    /* the shared ski-rental rule: PCG on the stale factor while it is cheaper */
    return mn__kh_rule_reuse(&k->rule, k->c_fac, k->c_iter, k->have_x) ? MN_KIRCHHOFF_PCG
                                                                       : MN_KIRCHHOFF_REFACTOR;
}
