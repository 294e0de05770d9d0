/*
 * The default linear solver of CVODE's Newton iteration: the Newton system (I - gamma J) d = r
 * solved with the per-junction blocks of the preconditioner (sim_ls.c) alone, the coupling of
 * the junctions through the network left out. A modified Newton iteration: no Krylov basis, no
 * Jacobian-vector products, so no sensitivity solves. docs/simulation.md, "The Newton
 * iteration".
 */
#include "sim/sim-cvode.h"

#include <stdlib.h>

typedef struct pn_content {
    void *pdata;
    SUNPSetupFn pset;
    SUNPSolveFn psol;
    int last;
} pn_content;

static SUNLinearSolver_Type pn_type(SUNLinearSolver S)
{
    (void)S;
    return SUNLINEARSOLVER_ITERATIVE;
}
static SUNLinearSolver_ID pn_id(SUNLinearSolver S)
{
    (void)S;
    return SUNLINEARSOLVER_CUSTOM;
}
static int pn_setatimes(SUNLinearSolver S, void *data, SUNATimesFn f)
{
    (void)S, (void)data, (void)f;
    return SUNLS_SUCCESS;
}
static int pn_setprec(SUNLinearSolver S, void *data, SUNPSetupFn pset, SUNPSolveFn psol)
{
    pn_content *c = S->content;
    c->pdata = data;
    c->pset = pset;
    c->psol = psol;
    return SUNLS_SUCCESS;
}
static int pn_setscaling(SUNLinearSolver S, N_Vector s1, N_Vector s2)
{
    (void)S, (void)s1, (void)s2;
    return SUNLS_SUCCESS;
}
static int pn_init(SUNLinearSolver S)
{
    ((pn_content *)S->content)->last = 0;
    return SUNLS_SUCCESS;
}
static int pn_setup(SUNLinearSolver S, SUNMatrix A)
{
    (void)A;
    pn_content *c = S->content;
    int r = c->pset ? c->pset(c->pdata) : 0;
    c->last = r == 0 ? SUNLS_SUCCESS : r < 0 ? SUNLS_PSET_FAIL_UNREC : SUNLS_PSET_FAIL_REC;
    return c->last;
}
static int pn_solve(SUNLinearSolver S, SUNMatrix A, N_Vector x, N_Vector b, sunrealtype tol)
{
    (void)A;
    pn_content *c = S->content;
    int r = c->psol(c->pdata, b, x, tol, SUN_PREC_LEFT);
    c->last = r == 0 ? SUNLS_SUCCESS : r < 0 ? SUNLS_PSOLVE_FAIL_UNREC : SUNLS_PSOLVE_FAIL_REC;
    return c->last;
}
/* one application of the blocks per solve (CVODE's linear iteration count) */
static int pn_numiters(SUNLinearSolver S)
{
    (void)S;
    return 1;
}
static sunrealtype pn_resnorm(SUNLinearSolver S)
{
    (void)S;
    return 0;
}
static sunindextype pn_lastflag(SUNLinearSolver S) { return ((pn_content *)S->content)->last; }
static int pn_free(SUNLinearSolver S)
{
    if (!S) return SUNLS_SUCCESS;
    free(S->content);
    S->content = NULL;
    SUNLinSolFreeEmpty(S);
    return SUNLS_SUCCESS;
}

void *mn__sim_blockls_new(void *sunctx)
{
    SUNLinearSolver S = SUNLinSolNewEmpty((SUNContext)sunctx);
    if (!S) return NULL;
    pn_content *c = calloc(1, sizeof *c);
    if (!c) {
        SUNLinSolFreeEmpty(S);
        return NULL;
    }
    S->content = c;
    S->ops->gettype = pn_type;
    S->ops->getid = pn_id;
    S->ops->setatimes = pn_setatimes;
    S->ops->setpreconditioner = pn_setprec;
    S->ops->setscalingvectors = pn_setscaling;
    S->ops->initialize = pn_init;
    S->ops->setup = pn_setup;
    S->ops->solve = pn_solve;
    S->ops->numiters = pn_numiters;
    S->ops->resnorm = pn_resnorm;
    S->ops->lastflag = pn_lastflag;
    S->ops->free = pn_free;
    return S;
}
