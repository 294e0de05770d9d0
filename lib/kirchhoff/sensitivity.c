/* Kirchhoff solver: first-order sensitivities of the edge voltages and the electrode
 * currents to the conductances (internal API for the time stepper). */
#include "kirchhoff-impl.h"

#include <math.h>
#include <string.h>

mn_status mn__kirchhoff_sensitivity(mn_kirchhoff *k, const double *dG, double *dV)
{
    if (!k || !dG || !dV) return MN_ERR_INVALID;
    if (!k->solved)
        return mn__error(k->ctx, MN_ERR_STATE, "sensitivity: no solve since the last change");
    const mn_index *eu = k->g->u, *ev = k->g->v;
    for (size_t e = 0; e < k->m; e++)
        if (!isfinite(dG[e]))
            return mn__error(k->ctx, MN_ERR_RANGE, "sensitivity: edge %zu: dG %g not finite", e,
                             dG[e]);
    size_t nf = k->nf;
    double *b = k->B->x;
    memset(b, 0, (nf ? nf : 1) * sizeof *b);
    for (size_t e = 0; e < k->m; e++) {
        mn_index u = eu[e], v = ev[e];
        if (dG[e] == 0.0 || u == v || k->floating[u] || k->floating[v]) continue;
        double f = dG[e] * (k->V[e] + (k->emf ? k->emf[e] : 0.0));
        int ru = k->role[u], rv = k->role[v];
        if (ru >= 0) b[ru] -= f;
        if (rv >= 0) b[rv] += f;
    }
    double *dphi = mn__kh_scratch(k, &k->dphi_buf, &k->dphi_cap, nf, "sensitivity");
    if (!dphi) return MN_ERR_NOMEM;
    mn_status st = mn__kh_aux_solve(k, dphi, k->sens_rtol); /* writes all nf values */
    if (st != MN_OK) return st;
    for (size_t e = 0; e < k->m; e++) {
        mn_index u = eu[e], v = ev[e];
        if (k->floating[u] || k->floating[v]) {
            dV[e] = 0.0;
            continue;
        }
        int ru = k->role[u], rv = k->role[v];
        dV[e] = (ru >= 0 ? dphi[ru] : 0.0) - (rv >= 0 ? dphi[rv] : 0.0);
    }
    return MN_OK;
}

mn_status mn__kirchhoff_electrode_current_sensitivity(mn_kirchhoff *k, const double *dG,
                                                      const double *dV, size_t id, double *dI)
{
    if (!k || !dG || !dI) return MN_ERR_INVALID;
    if (id >= k->n_el)
        return mn__error(k->ctx, MN_ERR_RANGE, "electrode %zu does not exist (%zu electrodes)",
                         id, k->n_el);
    if (!k->solved)
        return mn__error(k->ctx, MN_ERR_STATE, "sensitivity: no solve since the last change");
    double *own = NULL;
    if (!dV) {
        own = mn__malloc_or_err(k->ctx, k->m ? k->m : 1, sizeof *own, "sensitivity");
        if (!own) return MN_ERR_NOMEM;
        mn_status st = mn__kirchhoff_sensitivity(k, dG, own);
        if (st != MN_OK) {
            mn__free(k->ctx, own);
            return st;
        }
        dV = own;
    }
    double s = 0.0;
    for (mn_index p = k->inc_off[id]; p < k->inc_off[id + 1]; p++) {
        mn_index e = k->inc_edge[p];
        if (k->floating[k->g->u[e]] || k->floating[k->g->v[e]]) continue;
        double d = dG[e] * (k->V[e] + (k->emf ? k->emf[e] : 0.0)) + k->G[e] * dV[e];
        s += (double)k->inc_sign[p] * d;
    }
    *dI = s;
    mn__free(k->ctx, own);
    return MN_OK;
}
