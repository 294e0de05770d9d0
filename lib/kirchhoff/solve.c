/* Kirchhoff solver: right-hand side, preparation (analysis, floating nodes) and the solve. */
#include "kirchhoff-impl.h"

#include <limits.h>
#include <string.h>

void mn__kh_build_rhs(mn_kirchhoff *k, double *b, int with_sources, const double *el_volts)
{
    const mn_index *eu = k->g->u, *ev = k->g->v;
    const double *G = k->G;
    memset(b, 0, k->nf * sizeof *b);
    /* Dirichlet columns: only the edges of the electrode incidence lists contribute (the
     * ground of a pure-injection problem is at 0 V) */
    for (size_t a = 0; a < k->n_el; a++) {
        double va = el_volts[a];
        if (va == 0.0) continue;
        for (mn_index p = k->inc_off[a]; p < k->inc_off[a + 1]; p++) {
            size_t e = (size_t)k->inc_edge[p];
            int r = k->role[k->inc_sign[p] > 0 ? ev[e] : eu[e]];
            if (r >= 0) b[r] += G[e] * va;
        }
    }
    if (with_sources && k->emf)
        for (size_t e = 0; e < k->m; e++) {
            int ru = k->role[eu[e]], rv = k->role[ev[e]];
            if (ru == rv) continue;
            double s = G[e] * k->emf[e];
            if (ru >= 0) b[ru] -= s;
            if (rv >= 0) b[rv] += s;
        }
    if (with_sources && k->have_inj) {
        double jf = k->inj_amps / (double)k->n_from, jt = k->inj_amps / (double)k->n_to;
        for (size_t i = 0; i < k->n_from; i++) {
            int r = k->role[k->inj_from[i]];
            if (r >= 0) b[r] += jf;
        }
        for (size_t i = 0; i < k->n_to; i++) {
            int r = k->role[k->inj_to[i]];
            if (r >= 0) b[r] -= jt;
        }
    }
    for (size_t f = 0; f < k->n_floating; f++) b[k->role[k->floating_list[f]]] = 0.0;
}

mn_status mn__kh_prepare(mn_kirchhoff *k)
{
    mn_status st;
    if (!k->G)
        return mn__error(k->ctx, MN_ERR_STATE,
                         "no conductances: call mn_kirchhoff_set_conductances first");
    if (k->g->n_edges != k->m || k->g->n_nodes != k->n)
        return mn__error(k->ctx, MN_ERR_STATE,
                         "graph changed (%zu nodes, %zu edges) since the solver was created "
                         "(%zu, %zu)",
                         k->g->n_nodes, k->g->n_edges, k->n, k->m);
    if (k->n_el == 0 && !k->have_inj)
        return mn__error(k->ctx, MN_ERR_SINGULAR,
                         "no electrode and no current injection: the potential is undefined");
    if (k->need_analyse) {
        double t0 = mn__kh_now();
        if ((st = k->ops->analyse(k)) != MN_OK) return st;
        k->t_analyse = mn__kh_now() - t0;
    }
    if (k->floating_dirty) {
        if (mn__kh_detect_floating(k)) {
            k->floating_changed = 1;
            k->values_dirty = 1;
        }
        k->floating_dirty = 0;
    }
    if (k->have_inj) {
        for (size_t i = 0; i < k->n_from; i++)
            if (k->floating[k->inj_from[i]] && k->inj_amps != 0.0)
                return mn__error(k->ctx, MN_ERR_SINGULAR,
                                 "injection node %ld is in a component with no path of "
                                 "positive conductance to the sink or an electrode",
                                 (long)k->inj_from[i]);
        for (size_t i = 0; i < k->n_to; i++)
            if (k->floating[k->inj_to[i]] && k->inj_amps != 0.0)
                return mn__error(k->ctx, MN_ERR_SINGULAR,
                                 "injection node %ld is in a component with no path of "
                                 "positive conductance to an electrode",
                                 (long)k->inj_to[i]);
    }
    if (k->values_dirty || k->g_changed) {
        /* the matrix itself is refilled lazily (ensure_A): the update path never needs it */
        if (k->fac_valid && !k->floating_changed && k->n_chg == 0 && !k->chg_overflow)
            k->fac_current = 1;
        else
            k->fac_current = 0;
        k->g_changed = 0;
    }
    return MN_OK;
}

mn_status mn_kirchhoff_solve(mn_kirchhoff *k)
{
    if (!k) return MN_ERR_INVALID;
    double t0 = mn__kh_now();
    mn_status st = mn__kh_prepare(k);
    if (st != MN_OK) return st;
    double *volts = NULL;
    if (k->n_el) {
        volts = mn__kh_scratch(k, &k->volts_buf, &k->volts_cap, k->n_el, "electrode potentials");
        if (!volts) return MN_ERR_NOMEM;
        for (size_t a = 0; a < k->n_el; a++) volts[a] = k->el[a].volts;
    }
    mn_kirchhoff_strategy s = mn__kh_choose(k);
    mn__kh_build_rhs(k, k->B->x, 1, volts);
    int used = MN_KIRCHHOFF_REFACTOR;
    k->solved = 0;
    /* an output solve under AUTO keeps the warm start of the integrator's solves */
    double *keep = NULL;
    if (k->aside && k->strategy == MN_KIRCHHOFF_AUTO && k->have_x && k->nf > 0) {
        keep = mn__kh_scratch(k, &k->xa_buf, &k->xa_cap, k->nf, "warm start");
        if (!keep) return MN_ERR_NOMEM;
        memcpy(keep, k->X->x, k->nf * sizeof *keep);
    }
    /* PCG starts from the solutions of earlier times extrapolated to this one (warmstart.c) */
    if (s == MN_KIRCHHOFF_PCG && k->have_x) mn__kh_warm_start(k, volts);
    /* the simulation's solves (the integrator's and its outputs') iterate to the step tolerance
     * when that is looser */
    double tol = k->cg_rtol;
    if (k->step_rtol > tol) k->cg_rtol = k->step_rtol;
    st = mn__kh_solve_system(k, s, &used);
    k->cg_rtol = tol;
    if (st != MN_OK) return st;
    k->have_x = 1;
    if (!k->aside && (st = mn__kh_warm_record(k, volts)) != MN_OK) return st;
    mn__kh_postprocess(k, k->X->x, volts, k->phi, k->V, k->I, k->el_cur, 1);
    if (keep) memcpy(k->X->x, keep, k->nf * sizeof *keep);
    k->last_strategy = used;
    k->solved = 1;
    k->last_secs = mn__kh_now() - t0;
    return MN_OK;
}

/* Solve with the present factor/strategy for an rhs already in k->B; result in x (nf). A
 * stale factor is the preconditioner of PCG to the relative residual max(rtol, cg_rtol). */
mn_status mn__kh_aux_solve(mn_kirchhoff *k, double *x, double rtol)
{
    mn_status st;
    size_t nf = k->nf;
    if (nf == 0) return MN_OK;
    if (k->fac_current) {
        if ((st = mn__kh_fsolve(k, k->B, &k->Xs)) != MN_OK) return st;
        memcpy(x, k->Xs->x, nf * sizeof *x);
        return MN_OK;
    }
    int it;
    double rr;
    memset(x, 0, nf * sizeof *x);
    double tol = k->cg_rtol;
    if (rtol > tol) k->cg_rtol = rtol;
    st = mn__kh_pcg(k, k->B->x, x, 1, 1000, &it, &rr);
    k->cg_rtol = tol;
    k->n_cg++;
    k->n_cg_it += (uint64_t)it;
    mn__kh_pcg_account(k, 1, it);
    if (st == MN_ERR_CONVERGENCE)
        return mn__error(k->ctx, MN_ERR_CONVERGENCE,
                         "PCG: relative residual %.3g after %d iterations", rr, it);
    return st;
}
