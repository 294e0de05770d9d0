/*
 * The vectors of CVODE and its linear solver, made by memnet before the set-up (issue 14;
 * docs/fuzzing.md, "Out of memory inside SUNDIALS").
 *
 * SUNDIALS 6.4 (Debian's) crashes when an allocation fails during the set-up: N_VClone()
 * writes to the clone before checking it (`result->sunctx = w->sunctx` on a NULL result), so a
 * failed clone under CVodeInit, CVodeSetLinearSolver, SUNLinSol_SPGMR or SPGMR's initialisation
 * (at the first CVode step) is a NULL dereference; and SUNLinSolInitialize_SPGMR leaves the
 * rows of its Hessenberg matrix after a failed row uninitialised, which SUNLinSolFree_SPGMR
 * then frees (invalid frees). memnet avoids both paths:
 *
 *  - the integrator's vectors carry memnet's clone operation, which hands out vectors made
 *    beforehand: every vector CVODE and SPGMR will clone (cvode_vpool_count) is allocated and
 *    checked by memnet before any SUNDIALS call, so a clone never fails; when memory is short
 *    the set-up fails with MN_ERR_NOMEM before SUNDIALS is involved;
 *  - SPGMR's work arrays (the Hessenberg rows zero-initialised first, the Givens rotations,
 *    y/g, the fused-operation scratch) are allocated by memnet into its content before
 *    SUNLinSolInitialize_SPGMR runs, which then allocates nothing; a partial allocation is
 *    freed by SUNLinSolFree_SPGMR correctly, since the rows not allocated are NULL.
 *
 * The vectors are SUNDIALS serial vectors whose content is memnet's (mn__nv_content: the serial
 * content, then the pool pointer and the kernels' threads), allocated with malloc because SUNDIALS frees them with free(). Vectors not
 * handed out are freed after the first step (vpool_trim) and with the integrator.
 */
#include "sim/sim-cvode.h"

#include <stdlib.h>
#include <string.h>
#include <sunlinsol/sunlinsol_spgmr.h>

static N_Vector nv_make(SUNContext sc, N_Vector ops_from, size_t n, mn__sim_vpool *pool,
                        mn_context *ctx, int threads);

/* the clone operation of memnet's vectors */
static N_Vector nv_clone(N_Vector w)
{
    mn__nv_content *c = w->content;
    mn__sim_vpool *p = c->pool;
    if (p && p->next < p->n) {
        N_Vector v = p->v[p->next];
        p->v[p->next++] = NULL;
        return v;
    }
    /* beyond the vectors made beforehand (a SUNDIALS version that clones more): a new one;
       SUNDIALS 6.4 cannot handle a NULL here (see above) */
    if (p) p->extra++;
    return nv_make(w->sunctx, w, (size_t)c->serial.length, p, c->ctx, c->threads);
}

/* a serial vector of n values with memnet's content (mn__nv_content, sim-cvode.h); ops copied
 * from ops_from, or the serial operations with memnet's kernels and clone when ops_from is
 * NULL */
static N_Vector nv_make(SUNContext sc, N_Vector ops_from, size_t n, mn__sim_vpool *pool,
                        mn_context *ctx, int threads)
{
    N_Vector v;
    if (ops_from) {
        v = N_VNewEmpty(sc);
        if (!v) return NULL;
        if (N_VCopyOps(ops_from, v)) {
            N_VFreeEmpty(v);
            return NULL;
        }
    } else {
        v = N_VNewEmpty_Serial((sunindextype)n, sc); /* the serial operations */
        if (!v) return NULL;
        free(v->content);
        v->content = NULL;
        mn__sim_vector_kernels(v);
        v->ops->nvclone = nv_clone;
    }
    mn__nv_content *c = malloc(sizeof *c);
    if (!c) {
        N_VFreeEmpty(v);
        return NULL;
    }
    c->serial.length = (sunindextype)n;
    c->serial.own_data = SUNTRUE;
    c->serial.data = NULL;
    c->pool = pool;
    c->ctx = ctx;
    c->threads = threads;
    v->content = c;
    if (n) {
        c->serial.data = malloc(n * sizeof(sunrealtype));
        if (!c->serial.data) {
            N_VDestroy(v); /* the serial destroy: content (data NULL) and the vector */
            return NULL;
        }
    }
    return v;
}

N_Vector mn__sim_nv_new(mn_sim *s, size_t n)
{
    return nv_make((SUNContext)s->sunctx, NULL, n, &s->vpool, s->ctx, 0);
}

N_Vector mn__sim_nv_detached(SUNContext sc, size_t n, mn_context *ctx, int threads)
{
    return nv_make(sc, NULL, n, NULL, ctx, threads);
}

/* the clones CVODE 6.4 and SPGMR make from the template: CVodeInit 7 + (qmax + 1) history
 * vectors + 1 (Newton), CVodeSetLinearSolver 2, SUNLinSol_SPGMR 2, SPGMR's initialisation
 * maxl + 1 (Krylov basis); maxl < 0: no SPGMR (the block solver, sim_blockls.c, clones none) */
static size_t cvode_vpool_count(int adams, int maxl)
{
    size_t n = 7 + (size_t)(adams ? 12 : 5) + 1 + 1 + 2;
    return maxl < 0 ? n : n + 2 + (size_t)maxl + 1;
}

mn_status mn__sim_vpool_fill(mn_sim *s, int adams, int maxl)
{
    mn__sim_vpool *p = &s->vpool;
    mn__sim_vpool_free(s);
    size_t n = cvode_vpool_count(adams, maxl);
    p->v = calloc(n, sizeof *p->v);
    if (!p->v) return mn__error(s->ctx, MN_ERR_NOMEM, "CVODE work vectors: out of memory");
    p->n = n;
    p->next = 0;
    p->extra = 0;
    for (size_t i = 0; i < n; i++) {
        p->v[i] = nv_make((SUNContext)s->sunctx, (N_Vector)s->y, s->nx, p, s->ctx, 0);
        if (!p->v[i]) {
            mn__sim_vpool_free(s);
            return mn__error(s->ctx, MN_ERR_NOMEM, "CVODE work vectors: %zu vectors of %zu values "
                             "(%.3g MB) do not fit in memory", n, s->nx,
                             (double)n * (double)s->nx * 8e-6);
        }
    }
    return MN_OK;
}

void mn__sim_vpool_trim(mn_sim *s)
{
    mn__sim_vpool *p = &s->vpool;
    for (size_t i = p->next; i < p->n; i++)
        if (p->v[i]) {
            N_VDestroy(p->v[i]);
            p->v[i] = NULL;
        }
    p->next = p->n;
}

void mn__sim_vpool_free(mn_sim *s)
{
    mn__sim_vpool *p = &s->vpool;
    mn__sim_vpool_trim(s);
    free(p->v);
    p->v = NULL;
    p->n = p->next = 0;
}

mn_status mn__sim_spgmr_prepare(mn_sim *s, void *ls)
{
    SUNLinearSolverContent_SPGMR c = ((SUNLinearSolver)ls)->content;
    int maxl = c->maxl;
    if (!c->Hes) {
        c->Hes = calloc((size_t)maxl + 1, sizeof *c->Hes); /* rows NULL until allocated */
        if (!c->Hes) goto nomem;
        for (int k = 0; k <= maxl; k++)
            if (!(c->Hes[k] = malloc((size_t)maxl * sizeof(sunrealtype)))) goto nomem;
    }
    if (!c->givens && !(c->givens = malloc(2 * (size_t)maxl * sizeof(sunrealtype)))) goto nomem;
    if (!c->yg && !(c->yg = malloc(((size_t)maxl + 1) * sizeof(sunrealtype)))) goto nomem;
    if (!c->cv && !(c->cv = malloc(((size_t)maxl + 1) * sizeof(sunrealtype)))) goto nomem;
    if (!c->Xv && !(c->Xv = malloc(((size_t)maxl + 1) * sizeof(N_Vector)))) goto nomem;
    return MN_OK;
nomem: /* what was allocated is freed with the solver (SUNLinSolFree_SPGMR) */
    return mn__error(s->ctx, MN_ERR_NOMEM, "GMRES work arrays: out of memory");
}
