/*
 * Kirchhoff solver: lifecycle (creation, the CHOLMOD workspace, freeing) and the shared
 * helpers of the module (clock, CHOLMOD errors, scratch buffers).
 * The method is described in kirchhoff-impl.h.
 */
#include "kirchhoff-impl.h"

#include <limits.h>
#include <math.h>
#include <time.h>

double mn__kh_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

mn_status mn__kh_chol_err(mn_kirchhoff *k, const char *what)
{
    if (k->cm.status == CHOLMOD_OUT_OF_MEMORY)
        return mn__error(k->ctx, MN_ERR_NOMEM, "CHOLMOD out of memory in %s", what);
    if (k->cm.status == CHOLMOD_TOO_LARGE)
        return mn__error(k->ctx, MN_ERR_RANGE, "CHOLMOD: problem too large for int indices in %s",
                         what);
    return mn__error(k->ctx, MN_ERR_SOLVER, "CHOLMOD failed in %s (status %d)", what,
                     k->cm.status);
}

void mn__kh_free_structure(mn_kirchhoff *k)
{
    mn_context *c = k->ctx;
    if (k->cm_started) {
        cholmod_free_sparse(&k->A, &k->cm);
        cholmod_free_factor(&k->L, &k->cm);
        cholmod_free_factor(&k->Lsym, &k->cm);
        cholmod_free_sparse(&k->C, &k->cm);
        cholmod_free_dense(&k->B, &k->cm);
        cholmod_free_dense(&k->X, &k->cm);
        cholmod_free_dense(&k->Y, &k->cm);
        cholmod_free_dense(&k->E, &k->cm);
        cholmod_free_dense(&k->Xs, &k->cm);
        cholmod_free_dense(&k->Bs, &k->cm);
    }
    mn__kh_split_free(k);
    mn__kh_refill_free(k);
    mn__free(c, k->row_node);
    mn__free(c, k->order_in_p);
    mn__free(c, k->order_in_i);
    mn__free(c, k->order_out);
    k->order_in_p = k->order_in_i = k->order_out = NULL;
    mn__free(c, k->emap);
    mn__free(c, k->dpos);
    mn__free(c, k->eda);
    mn__free(c, k->edb);
    mn__free(c, k->egr);
    k->eda = k->edb = k->egr = NULL;
    mn__free(c, k->ipos);
    mn__free(c, k->inc_off);
    mn__free(c, k->inc_edge);
    mn__free(c, k->inc_sign);
    mn__free(c, k->ground);
    mn__free(c, k->pap);
    mn__free(c, k->pai);
    mn__free(c, k->pamap);
    mn__free(c, k->gw_head);
    mn__free(c, k->gw_link);
    mn__free(c, k->gw_pos);
    mn__free(c, k->gw_x);
    mn__free(c, k->gw_s);
    k->ground = k->gw_x = k->gw_s = NULL;
    k->L_is_gth = 0;
    k->pap = k->pai = k->pamap = k->gw_head = k->gw_link = k->gw_pos = NULL;
    k->gth = k->gth_forced = 0;
    mn__free(c, k->r);
    mn__free(c, k->p);
    mn__free(c, k->q);
    k->row_node = NULL;
    k->emap = k->dpos = k->ipos = NULL;
    k->inc_off = k->inc_edge = NULL;
    k->inc_sign = NULL;
    k->r = k->p = k->q = NULL;
    k->nf = 0;
    k->fac_valid = k->fac_current = k->have_x = 0;
    k->wn = 0; /* no warm-start history of another structure */
    k->solved = 0;
    k->need_analyse = 1;
    k->floating_dirty = 1;
}

void mn_kirchhoff_free(mn_kirchhoff *k)
{
    if (!k) return;
    mn_context *c = k->ctx;
    mn__kh_free_structure(k);
    if (k->cm_started) cholmod_finish(&k->cm);
    for (size_t i = 0; i < k->n_el; i++) mn__free(c, k->el[i].nodes);
    mn__free(c, k->el);
    mn__free(c, k->inj_from);
    mn__free(c, k->inj_to);
    mn__free(c, k->emf);
    mn__free(c, k->G);
    mn__free(c, k->G_fac);
    mn__free(c, k->role);
    mn__free(c, k->floating);
    mn__free(c, k->floating_list);
    mn__free(c, k->uf);
    mn__free(c, k->chg);
    mn__free(c, k->chg_mark);
    mn__free(c, k->phi);
    mn__free(c, k->V);
    mn__free(c, k->I);
    mn__free(c, k->el_cur);
    mn__free(c, k->volts_buf);
    mn__free(c, k->dphi_buf);
    mn__free(c, k->sw_buf);
    mn__free(c, k->xa_buf);
    mn__free(c, k->wh[0]);
    mn__free(c, k->wh[1]);
    mn__free(c, k->wh[2]);
    mn__free(c, k->wv);
    mn__free(c, k);
}

/* Scratch array of at least n doubles, grown (never shrunk) and kept in the solver. */
double *mn__kh_scratch(mn_kirchhoff *k, double **buf, size_t *cap, size_t n, const char *what)
{
    if (n == 0) n = 1;
    if (*cap < n) {
        double *b = mn__realloc_array(k->ctx, *buf, n, sizeof **buf);
        if (!b) {
            mn__error(k->ctx, MN_ERR_NOMEM, "out of memory allocating %s (%zu doubles)", what, n);
            return NULL;
        }
        *buf = b;
        *cap = n;
    }
    return *buf;
}

/* The numeric factor was just computed or updated: no solves on it yet, and PCG's account of
 * the stale factor's cost (pcg_account) starts again. */
void mn__kh_new_factor(mn_kirchhoff *k)
{
    k->fac_solves = 0;
    mn__kh_rule_reset(&k->rule);
}

void mn__kirchhoff_forget(mn_kirchhoff *k)
{
    if (!k) return;
    k->fac_valid = k->fac_current = 0; /* the next solve refactorises */
    k->have_x = 0;
    k->wn = 0; /* no extrapolated warm start either */
    mn__kh_rule_init(&k->rule);
}

void mn__kirchhoff_set_sensitivity_tolerance(mn_kirchhoff *k, double rtol)
{
    if (k && rtol >= 0.0 && rtol < 1.0) k->sens_rtol = rtol;
}

void mn__kirchhoff_set_step_tolerance(mn_kirchhoff *k, double rtol)
{
    if (k && rtol >= 0.0 && rtol < 1.0) k->step_rtol = rtol;
}

void mn__kirchhoff_set_output_solves(mn_kirchhoff *k, int on)
{
    if (k) k->aside = !!on;
}

mn_status mn_kirchhoff_new(mn_kirchhoff **out, mn_graph *g)
{
    if (!out) return MN_ERR_INVALID;
    *out = NULL;
    if (!g) return MN_ERR_INVALID;
    mn_context *ctx = g->ctx;
    mn_status st = MN_OK;
    mn_kirchhoff *k = mn__calloc_or_err(ctx, 1, sizeof *k, "Kirchhoff solver");
    if (!k) return MN_ERR_NOMEM;
    k->ctx = ctx;
    k->g = g;
    k->n = g->n_nodes;
    k->m = g->n_edges;
    k->strategy = MN_KIRCHHOFF_AUTO;
    k->ordering = MN_ORDERING_DEFAULT;
    k->ordering_used = -1;
    k->cg_rtol = 1e-12;
    k->need_analyse = 1;
    k->floating_dirty = 1;
    k->last_strategy = MN_KIRCHHOFF_REFACTOR;
    k->last_resid = NAN;
    k->ops = &mn__kh_cholmod_ops;
    mn__kh_rule_init(&k->rule);
    mn__kh_new_factor(k);
    if (k->n == 0) MN__FAIL(mn__error(ctx, MN_ERR_INVALID, "graph has no nodes"));
    if (k->n > (size_t)INT_MAX - 2 || k->m > (size_t)INT_MAX - 2)
        MN__FAIL(mn__error(ctx, MN_ERR_RANGE, "graph too large (%zu nodes, %zu edges)", k->n,
                           k->m));
    size_t mm = k->m ? k->m : 1;
    MN__KH_ALLOC(k->role, k->n, "node roles");
    MN__KH_ALLOC(k->floating, k->n, "floating mask");
    MN__KH_ALLOC(k->floating_list, k->n, "floating list");
    MN__KH_ALLOC(k->uf, k->n, "union-find");
    MN__KH_ALLOC(k->chg_mark, mm, "changed-edge marks");
    MN__KH_ALLOC(k->phi, k->n, "potentials");
    MN__KH_ALLOC(k->V, mm, "edge voltages");
    MN__KH_ALLOC(k->I, mm, "edge currents");
    MN__KH_ALLOC(k->G_fac, mm, "factor conductances");
    k->cap_chg = 64;
    MN__KH_ALLOC(k->chg, k->cap_chg, "changed edges");
    if (!cholmod_start(&k->cm)) MN__FAIL(mn__error(ctx, MN_ERR_SOLVER, "cholmod_start failed"));
    k->cm_started = 1;
    k->cm.print = 0;
    k->cm.error_handler = NULL;
    for (size_t i = 0; i < k->n; i++) k->role[i] = 0;
    *out = k;
    return MN_OK;
cleanup:
    mn_kirchhoff_free(k);
    return st;
}
