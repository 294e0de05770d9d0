/*
 * libmemnet-mpi: the PETSc backend behind the seam of lib/kirchhoff/kirchhoff-private.h.
 * setup = a new preconditioner (BoomerAMG hierarchy, or a factorisation if the options ask for
 * one) for the present matrix; solve = CG from zero on it; reuse = CG on the present matrix
 * preconditioned by the last hierarchy, warm-started from the last solution. The right-hand
 * side is k->b, the solution k->x. The setup's time is a statistic only (the maximum over the
 * ranks); AUTO decides by iteration counts (solve.c), never by times.
 */
#include "mpi-private.h"

static double max_over_ranks(MPI_Comm comm, double t)
{
    double all = t;
    MPI_Allreduce(&t, &all, 1, MPI_DOUBLE, MPI_MAX, comm);
    return all;
}

static mn_status petsc_analyse(void *self) { return mn__mpi_build_structure(self); }

static mn_status petsc_setup(void *self)
{
    mn_mpi_kirchhoff *k = self;
    mn_status st = MN_OK;
    mn_context *ctx = k->ctx;
    PC pc;
    double t0 = mn__mpi_now();
    MN__PETSC(KSPGetPC(k->ksp, &pc));
    MN__PETSC(PCSetReusePreconditioner(pc, PETSC_FALSE));
    MN__PETSC(KSPSetOperators(k->ksp, k->A, k->A));
    MN__PETSC(KSPSetUp(k->ksp));
    double t = max_over_ranks(k->comm, mn__mpi_now() - t0);
    k->last_setup_s = t;
    k->n_setups++;
    k->have_setup = 1;
    k->floating_changed = 0;
    mn__kh_rule_reset(&k->rule);
cleanup:
    return st;
}

/* KSPSolve with the present tolerances; iterations, residual, convergence */
static mn_status run(mn_mpi_kirchhoff *k, int warm, int maxit, int *iters, double *relres)
{
    mn_status st = MN_OK;
    mn_context *ctx = k->ctx;
    PetscReal bn = 0.0, rn = 0.0;
    PetscInt its = 0;
    KSPConvergedReason reason;
    *iters = 0;
    *relres = 0.0;
    MN__PETSC(VecNorm(k->b, NORM_2, &bn));
    if (bn == 0.0) { /* the solution is 0: no iteration (PETSc would chase an absolute 0) */
        MN__PETSC(VecSet(k->x, 0.0));
        return MN_OK;
    }
    if (!warm) MN__PETSC(VecSet(k->x, 0.0));
    MN__PETSC(KSPSetInitialGuessNonzero(k->ksp, warm ? PETSC_TRUE : PETSC_FALSE));
    MN__PETSC(KSPSetTolerances(k->ksp, k->rtol, 0.0, PETSC_DEFAULT, maxit));
    MN__PETSC(KSPSolve(k->ksp, k->b, k->x));
    MN__PETSC(KSPGetIterationNumber(k->ksp, &its));
    MN__PETSC(KSPGetConvergedReason(k->ksp, &reason));
    /* the true residual (also for preonly / preconditioned norms) */
    {
        Vec r;
        MN__PETSC(VecDuplicate(k->b, &r));
        PetscErrorCode ierr = MatMult(k->A, k->x, r);
        if (!ierr) ierr = VecAYPX(r, -1.0, k->b);
        if (!ierr) ierr = VecNorm(r, NORM_2, &rn);
        VecDestroy(&r);
        if (ierr) MN__FAIL(mn__mpi_petsc_error(ctx, ierr, "residual"));
    }
    *iters = (int)its;
    *relres = (double)(rn / bn);
    if (reason < 0) st = MN_ERR_CONVERGENCE;
cleanup:
    return st;
}

static mn_status petsc_solve(void *self)
{
    mn_mpi_kirchhoff *k = self;
    int it;
    double rr;
    mn_status st = run(k, 0, 1000, &it, &rr);
    k->last_its = it;
    k->last_res = rr;
    k->n_its += (uint64_t)it;
    if (st == MN_ERR_CONVERGENCE)
        return mn__error(k->ctx, MN_ERR_CONVERGENCE,
                         "PETSc KSP: relative residual %.3g after %d iterations (tolerance %.3g)",
                         rr, it, k->rtol);
    return st;
}

static mn_status petsc_reuse(void *self, int maxit, int *iters, double *relres)
{
    mn_mpi_kirchhoff *k = self;
    mn_status st = MN_OK;
    mn_context *ctx = k->ctx;
    PC pc;
    MN__PETSC(KSPGetPC(k->ksp, &pc));
    MN__PETSC(PCSetReusePreconditioner(pc, PETSC_TRUE));
    MN__PETSC(KSPSetOperators(k->ksp, k->A, k->A));
    st = run(k, k->have_x, maxit, iters, relres);
    k->last_its = *iters;
    k->last_res = *relres;
    k->n_its += (uint64_t)*iters;
cleanup:
    return st;
}

const mn__kh_ops mn__mpi_petsc_ops = {
    "petsc", petsc_analyse, petsc_setup, NULL, petsc_solve, petsc_reuse,
};
