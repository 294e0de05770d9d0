/* Kirchhoff solver: results (potentials, edge voltages and currents, electrode currents,
 * statistics) and the internal accessors. */
#include "kirchhoff-impl.h"

#include <limits.h>
#include <string.h>

/* The two passes below run on the context's pool above its crossover (mn__pool_threads, never
 * below PP_MIN_BYTES), each thread on a fixed block of nodes, then of edges: every value is
 * computed by the same operations whatever the block, so the results are the same bits for
 * every thread count. */
#define PP_MIN_BYTES ((size_t)256 << 10)

typedef struct pp_job {
    const mn_kirchhoff *k;
    const double *x, *el_volts;
    double *phi, *V, *I;
    int with_emf;
} pp_job;

/* phi of nodes [lo, hi) from x and the electrode potentials */
static void pp_nodes(void *arg, int tid, int nt)
{
    const pp_job *j = arg;
    const mn_kirchhoff *k = j->k;
    size_t lo, hi;
    mn__pool_block(k->n, tid, nt, &lo, &hi);
    const int *role = k->role;
    const unsigned char *fl = k->floating;
    for (size_t i = lo; i < hi; i++) {
        int r = role[i];
        j->phi[i] = r >= 0 ? (fl[i] ? 0.0 : j->x[r])
                           : (r == INT_MIN ? 0.0 : j->el_volts[-1 - r]);
    }
}

/* V and I of edges [lo, hi) */
static void pp_edges(void *arg, int tid, int nt)
{
    const pp_job *j = arg;
    const mn_kirchhoff *k = j->k;
    size_t lo, hi;
    mn__pool_block(k->m, tid, nt, &lo, &hi);
    const double *emf = j->with_emf && k->emf ? k->emf + lo : NULL;
    mn__kh_edge_results(hi - lo, k->g->u + lo, k->g->v + lo, j->phi, k->G + lo, emf,
                        k->n_floating ? k->floating : NULL, j->V + lo, j->I + lo);
}

/* potentials from x into phi, then V, I, electrode currents */
void mn__kh_postprocess(mn_kirchhoff *k, const double *x, const double *el_volts, double *phi,
                        double *V, double *I, double *elc, int with_emf)
{
    pp_job j = {k, x, el_volts, phi, V, I, with_emf};
    /* bytes touched: per node its role, flag and potential; per edge its ends, G, V, I and
     * two potentials */
    size_t nb = k->n * 13, eb = k->m * (2 * sizeof(mn_index) + 40);
    int ntn = nb < PP_MIN_BYTES ? 1 : mn__pool_threads(k->ctx, nb);
    int nte = eb < PP_MIN_BYTES ? 1 : mn__pool_threads(k->ctx, eb);
    mn__pool_run(k->ctx, k->n >= 8 * (size_t)ntn ? ntn : 1, pp_nodes, &j);
    mn__pool_run(k->ctx, k->m >= 8 * (size_t)nte ? nte : 1, pp_edges, &j);
    mn__kh_incidence inc = mn__kh_inc(k);
    mn__kh_electrode_currents(&inc, I, elc);
}

const double *mn_kirchhoff_potentials(const mn_kirchhoff *k) { return k ? k->phi : NULL; }
const double *mn_kirchhoff_edge_voltages(const mn_kirchhoff *k) { return k ? k->V : NULL; }
const double *mn_kirchhoff_edge_currents(const mn_kirchhoff *k) { return k ? k->I : NULL; }

mn_status mn_kirchhoff_electrode_current(const mn_kirchhoff *k, size_t id, double *amps)
{
    if (!k || !amps) return MN_ERR_INVALID;
    if (id >= k->n_el)
        return mn__error(k->ctx, MN_ERR_RANGE, "electrode %zu does not exist (%zu electrodes)",
                         id, k->n_el);
    if (!k->solved)
        return mn__error(k->ctx, MN_ERR_STATE, "no solve since the last change");
    *amps = k->el_cur[id];
    return MN_OK;
}

size_t mn_kirchhoff_floating_count(const mn_kirchhoff *k) { return k ? k->n_floating : 0; }
const mn_index *mn_kirchhoff_floating_nodes(const mn_kirchhoff *k)
{
    return k && !k->need_analyse ? k->floating_list : NULL;
}

uint64_t mn_kirchhoff_stat_get(const mn_kirchhoff *k, mn_kirchhoff_stat which)
{
    if (!k) return 0;
    switch (which) {
    case MN_KIRCHHOFF_STAT_ANALYSES: return k->n_analyse;
    case MN_KIRCHHOFF_STAT_REFACTORS: return k->n_refactor;
    case MN_KIRCHHOFF_STAT_UPDATES: return k->n_update;
    case MN_KIRCHHOFF_STAT_CG_SOLVES: return k->n_cg;
    case MN_KIRCHHOFF_STAT_CG_ITERATIONS: return k->n_cg_it;
    }
    return 0;
}

void mn__kirchhoff_info_get(const mn_kirchhoff *k, mn__kirchhoff_info *info)
{
    memset(info, 0, sizeof *info);
    info->n_nodes = k->n;
    info->n_edges = k->m;
    info->n_free = k->nf >= k->n_floating ? k->nf - k->n_floating : 0;
    info->n_floating = k->n_floating;
    info->factor_nnz = k->L && k->fac_valid ? (size_t)k->cm.lnz : 0;
    info->ordering_used = k->ordering_used;
    info->last_strategy = k->last_strategy;
    info->last_cg_iterations = k->last_cg_it;
    info->last_residual = k->last_resid;
    info->last_solve_seconds = k->last_secs;
    info->t_refactor = k->t_fac;
    info->t_analyse = k->t_analyse;
    info->factor_flops = k->flops;
    info->total_factor_seconds = k->t_fac_total;
    info->total_solve_seconds = k->t_solve_total;
    info->t_solve = k->t_solve;
    info->t_update_rank1 = k->t_upd;
    info->exact_elimination = k->gth;
    info->supernodal = k->L && k->L->is_super && k->fac_valid;
    info->cost_refactor = k->c_fac;
    info->cost_iteration = k->c_iter;
    info->cost_update_column = k->c_upd;
}

const double *mn__kirchhoff_conductances(const mn_kirchhoff *k) { return k->G; }
const double *mn__kirchhoff_emf(const mn_kirchhoff *k) { return k->emf; }
const unsigned char *mn__kirchhoff_floating_mask(const mn_kirchhoff *k)
{
    return k->need_analyse ? NULL : k->floating;
}
const mn_index *mn__kirchhoff_electrode_nodes(const mn_kirchhoff *k, size_t id, size_t *n)
{
    if (id >= k->n_el) {
        if (n) *n = 0;
        return NULL;
    }
    if (n) *n = k->el[id].n;
    return k->el[id].nodes;
}
