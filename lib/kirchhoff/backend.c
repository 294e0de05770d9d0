/*
 * Kirchhoff solver: the serial CHOLMOD backend behind the seam of kirchhoff-private.h.
 * setup = numeric refactorisation (or the cancellation-free elimination), update = rank-k
 * update/downdate, solve = triangular solves, reuse = PCG preconditioned by the stale factor.
 * The right-hand side is k->B, the solution k->X.
 */
#include "kirchhoff-impl.h"

#include <string.h>

static mn_status cholmod_analyse_op(void *self) { return mn__kh_analyse(self); }
static mn_status cholmod_setup_op(void *self) { return mn__kh_refactor(self); }
static mn_status cholmod_update_op(void *self) { return mn__kh_update_factor(self); }

static mn_status cholmod_solve_op(void *self)
{
    mn_kirchhoff *k = self;
    return mn__kh_fsolve(k, k->B, &k->X);
}

static mn_status cholmod_reuse_op(void *self, int maxit, int *iters, double *relres)
{
    mn_kirchhoff *k = self;
    if (!k->have_x) memset(k->X->x, 0, k->nf * sizeof(double));
    return mn__kh_pcg(k, k->B->x, k->X->x, !k->have_x, maxit, iters, relres);
}

const mn__kh_ops mn__kh_cholmod_ops = {
    "cholmod", cholmod_analyse_op, cholmod_setup_op, cholmod_update_op, cholmod_solve_op,
    cholmod_reuse_op,
};
