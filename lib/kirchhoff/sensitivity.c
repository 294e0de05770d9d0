/* Kirchhoff solver: first-order sensitivities of the edge voltages and the electrode
 * currents to the conductances (internal API for the time stepper). */
#include "kirchhoff-impl.h"

#include <math.h>
#include <string.h>

/* The per-edge passes run on the context's pool above its crossover (mn__pool_threads, never
 * below SENS_MIN_BYTES) by fixed blocks of edges; every value is computed by the same
 * operations whatever the block (the right-hand side by rows: mn__kh_sens_rhs), so the
 * results are the same bits for every thread count. */
#define SENS_MIN_BYTES ((size_t)256 << 10)

typedef struct sens_job {
    const mn_kirchhoff *k;
    const double *dG, *dphi;
    double *dV;
    int bad[MN__POOL_MAX];
} sens_job;

/* whether dG of edges [lo, hi) is finite */
static void check_part(void *arg, int tid, int nt)
{
    sens_job *j = arg;
    size_t lo, hi;
    mn__pool_block(j->k->m, tid, nt, &lo, &hi);
    int bad = 0;
    for (size_t e = lo; e < hi; e++) bad |= !isfinite(j->dG[e]);
    j->bad[tid] = bad;
}

/* dV of edges [lo, hi) from the potentials' change */
static void dv_part(void *arg, int tid, int nt)
{
    sens_job *j = arg;
    const mn_kirchhoff *k = j->k;
    size_t lo, hi;
    mn__pool_block(k->m, tid, nt, &lo, &hi);
    const mn_index *eu = k->g->u, *ev = k->g->v;
    const int *role = k->role;
    const unsigned char *fl = k->floating;
    const double *dphi = j->dphi;
    double *dV = j->dV;
    for (size_t e = lo; e < hi; e++) {
        mn_index u = eu[e], v = ev[e];
        if (fl[u] || fl[v]) {
            dV[e] = 0.0;
            continue;
        }
        int ru = role[u], rv = role[v];
        dV[e] = (ru >= 0 ? dphi[ru] : 0.0) - (rv >= 0 ? dphi[rv] : 0.0);
    }
}

static int sens_threads(const mn_kirchhoff *k, size_t bytes)
{
    int nt = bytes < SENS_MIN_BYTES ? 1 : mn__pool_threads(k->ctx, bytes);
    return k->m >= 8 * (size_t)nt ? nt : 1;
}

mn_status mn__kirchhoff_sensitivity(mn_kirchhoff *k, const double *dG, double *dV)
{
    if (!k || !dG || !dV) return MN_ERR_INVALID;
    if (!k->solved)
        return mn__error(k->ctx, MN_ERR_STATE, "sensitivity: no solve since the last change");
    sens_job j;
    j.k = k;
    j.dG = dG;
    j.dV = dV;
    int nt = sens_threads(k, k->m * sizeof(double));
    mn__pool_run(k->ctx, nt, check_part, &j);
    int bad = 0;
    for (int t = 0; t < nt; t++) bad |= j.bad[t];
    if (bad)
        for (size_t e = 0; e < k->m; e++)
            if (!isfinite(dG[e]))
                return mn__error(k->ctx, MN_ERR_RANGE, "sensitivity: edge %zu: dG %g not finite",
                                 e, dG[e]);
    size_t nf = k->nf;
    if (nf == 0) memset(k->B->x, 0, sizeof(double));
    else mn__kh_sens_rhs(k, dG, k->B->x);
    double *dphi = mn__kh_scratch(k, &k->dphi_buf, &k->dphi_cap, nf, "sensitivity");
    if (!dphi) return MN_ERR_NOMEM;
    mn_status st = mn__kh_aux_solve(k, dphi, k->sens_rtol); /* writes all nf values */
    if (st != MN_OK) return st;
    j.dphi = dphi;
    mn__pool_run(k->ctx, sens_threads(k, k->m * (2 * sizeof(mn_index) + 26)), dv_part, &j);
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
