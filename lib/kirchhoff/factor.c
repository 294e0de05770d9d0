/* Kirchhoff solver: numeric refactorisation and solves with the factor. */
#include "kirchhoff-impl.h"

#include <string.h>

/* Make L a factor of supernodal/simplicial symbolic form ready for cholmod_factorize. */
mn_status mn__kh_refactor(mn_kirchhoff *k)
{
    mn__kh_ensure_A(k);
    k->gth = k->gth_forced || k->g_ratio > MN__GTH_RATIO;
    if (k->gth) {
        double t0 = mn__kh_now();
        mn_status st = mn__kh_gth_factor(k);
        if (st != MN_OK) return st;
        double t = mn__kh_now() - t0;
        k->t_fac = k->t_fac > 0 ? 0.5 * (k->t_fac + t) : t;
        k->t_fac_total += t;
        memcpy(k->G_fac, k->G, k->m * sizeof *k->G);
        mn__kh_clear_changed(k);
        k->fac_valid = k->fac_current = 1;
        k->floating_changed = 0;
        k->n_refactor++;
        mn__kh_new_factor(k);
        return MN_OK;
    }
    if (!k->L->is_super && k->Lsym->is_super) {
        double t0 = mn__kh_now();
        cholmod_free_factor(&k->L, &k->cm);
        k->L = cholmod_copy_factor(k->Lsym, &k->cm);
        if (!k->L) return mn__kh_chol_err(k, "copy factor");
        (void)t0;
    }
    double t0 = mn__kh_now();
    k->L_is_gth = 0;
    int omp = mn__serial_begin(); /* CHOLMOD's OpenMP team costs more than it gains */
    int blas = mn__blas_threads_begin(k->ctx, k->flops); /* lib/core/threads.c */
    int fok = cholmod_factorize(k->A, k->L, &k->cm);
    mn__blas_threads_end(blas);
    mn__serial_end(omp);
    if (!fok) return mn__kh_chol_err(k, "factorize");
    double t = mn__kh_now() - t0;
    if (k->cm.status == CHOLMOD_NOT_POSDEF || k->L->minor < k->L->n) {
        /* a pivot lost to cancellation (conductance ratio beyond double precision inside a
         * component): switch this topology to the cancellation-free elimination */
        k->fac_valid = k->fac_current = 0;
        k->gth_forced = 1;
        k->cm.status = CHOLMOD_OK;
        return mn__kh_refactor(k);
    }
    k->t_fac = k->t_fac > 0 ? 0.5 * (k->t_fac + t) : t;
    k->t_fac_total += t;
    memcpy(k->G_fac, k->G, k->m * sizeof *k->G);
    mn__kh_clear_changed(k);
    k->fac_valid = k->fac_current = 1;
    k->floating_changed = 0;
    k->n_refactor++;
    mn__kh_new_factor(k);
    return MN_OK;
}

/* x = A_fac^{-1} b using the factor (B, X cholmod dense of nf). A supernodal factor is solved
 * in place by supersolve.c (no conversion to simplicial: the factor stays ready for the next
 * refactorisation, whose values then need no new allocation); a simplicial one (after a rank-k
 * update, or the cancellation-free elimination) by CHOLMOD. */
mn_status mn__kh_fsolve(mn_kirchhoff *k, cholmod_dense *b, cholmod_dense **x)
{
    k->fac_solves++;
    double t0 = mn__kh_now();
    if (k->L->is_super) {
        size_t nf = k->L->n;
        if (!*x || (*x)->nrow != nf || (*x)->ncol != 1) {
            cholmod_free_dense(x, &k->cm);
            *x = cholmod_allocate_dense(nf, 1, nf, CHOLMOD_REAL, &k->cm);
            if (!*x) return mn__kh_chol_err(k, "allocate");
        }
        double *w = mn__kh_scratch(k, &k->sw_buf, &k->sw_cap, k->L->maxesize, "solve workspace");
        if (!w) return MN_ERR_NOMEM;
        double *xv = (*x)->x;
        if (xv != b->x) memcpy(xv, b->x, nf * sizeof *xv);
        const mn__kh_split *sp = mn__kh_split_get(k); /* NULL: serial */
        if (sp && sp->nsuper == (int)k->L->nsuper)
            mn__kh_super_solve_par(k->ctx, sp, k->L, xv, w);
        else
            mn__kh_super_solve(k->L, xv, w);
    } else {
        if (!cholmod_solve2(CHOLMOD_A, k->L, b, NULL, x, NULL, &k->Y, &k->E, &k->cm))
            return mn__kh_chol_err(k, "solve");
    }
    double t = mn__kh_now() - t0;
    k->t_solve = k->t_solve > 0 ? 0.8 * k->t_solve + 0.2 * t : t;
    k->t_solve_total += t;
    return MN_OK;
}
