/*
 * libmemnet-mpi: sensitivity of the potentials to the conductances on the present matrix, the
 * Kirchhoff part of the distributed stepper's analytic Jacobian-vector product (sim-jv.c), as
 * mn__kirchhoff_sensitivity is the serial stepper's. Differentiating KCL on a free node i,
 * sum_e B_ie G_e (V_e + S_e) = 0 with V = B^T phi, gives A dphi = -B dG (V + S): one CG solve
 * with the matrix and hierarchy the last right-hand side left behind (the right-hand side's
 * potentials and V are current, so only the vector changes). The vector is assembled through
 * PETSc's COO interface with a pattern fixed per solver (both ends of every local edge), so
 * every row sums its entries in the same order on every call and any rank count, as the
 * matrix (assemble.c): runs stay bitwise reproducible.
 */
#include "sensitivity.h"

#include <math.h>

void mn__mpi_sens_free(mn_context *ctx, mn__mpi_sens *w)
{
    if (!w) return;
    mn__free(ctx, w->bv);
    w->bv = NULL;
    if (w->b) VecDestroy(&w->b);
    if (w->x) VecDestroy(&w->x);
    if (w->xloc) VecDestroy(&w->xloc);
}

mn_status mn__mpi_kirchhoff_sensitivity(mn_mpi_kirchhoff *k, mn__mpi_sens *w, const double *dG,
                                        double rtol, double *dV)
{
    mn_status st = MN_OK;
    mn_context *ctx = k->ctx;
    mn_mpi_graph *g = k->g;
    const mn_index *lu = g->lu, *lv = g->lv;
    const PetscInt *rows = g->local_rows;
    const int *role = k->role;
    const unsigned char *fl = k->floating;
    const double *emf = k->emf;
    const PetscScalar *xl = NULL;
    PetscReal bn = 0.0;
    PetscInt its = 0;
    KSPConvergedReason reason = KSP_CONVERGED_ITERATING;
    PC pc;
    w->its = 0;
    if (!k->solved || !k->have_setup)
        st = mn__error(ctx, MN_ERR_STATE, "sensitivity: the solver holds no solution");
    if ((st = mn__mpi_agree(ctx, k->comm, st)) != MN_OK) return st;
    if (!w->b) {
        /* the pattern: both ends' rows of every local edge (2 m entries, fixed order) */
        size_t n = 2 * g->m;
        PetscInt *ci = mn__malloc_or_err(ctx, n ? n : 1, sizeof *ci, "sensitivity");
        w->bv = mn__malloc_or_err(ctx, n ? n : 1, sizeof *w->bv, "sensitivity");
        /* agree before the collective calls */
        if ((st = mn__mpi_agree(ctx, k->comm, ci && w->bv ? MN_OK : MN_ERR_NOMEM)) != MN_OK) {
            mn__free(ctx, ci);
            return st;
        }
        for (size_t e = 0; e < g->m; e++) ci[2 * e] = rows[lu[e]], ci[2 * e + 1] = rows[lv[e]];
        PetscErrorCode ierr = VecDuplicate(k->b, &w->b);
        if (!ierr) ierr = VecSetPreallocationCOO(w->b, (PetscCount)n, ci);
        mn__free(ctx, ci);
        if (ierr) st = mn__mpi_petsc_error(ctx, ierr, "sensitivity: COO pattern");
        if (st != MN_OK) goto cleanup;
    }
    if (!w->x) MN__PETSC(VecDuplicate(k->x, &w->x));
    if (!w->xloc) MN__PETSC(VecDuplicate(k->xloc, &w->xloc));
    /* -B dG (V + S) on the free rows, 0 on the others */
    for (size_t e = 0; e < g->m; e++) {
        mn_index u = lu[e], v = lv[e];
        PetscScalar c = 0.0;
        if (u != v && !fl[u] && !fl[v] && dG[e] != 0.0)
            c = dG[e] * (k->Ve[e] + (emf ? emf[e] : 0.0));
        w->bv[2 * e] = role[u] == 0 ? -c : 0.0;
        w->bv[2 * e + 1] = role[v] == 0 ? c : 0.0;
    }
    MN__PETSC(VecSetValuesCOO(w->b, w->bv, INSERT_VALUES));
    MN__PETSC(VecNorm(w->b, NORM_2, &bn));
    MN__PETSC(VecSet(w->x, 0.0));
    if (bn > 0.0) {
        /* the present hierarchy: the operator is the matrix it was built for or a drifted
         * one (REUSE); the next right-hand side's setup resets the flag (backend.c) */
        MN__PETSC(KSPGetPC(k->ksp, &pc));
        MN__PETSC(PCSetReusePreconditioner(pc, PETSC_TRUE));
        MN__PETSC(KSPSetInitialGuessNonzero(k->ksp, PETSC_FALSE));
        MN__PETSC(KSPSetTolerances(k->ksp, rtol, 0.0, PETSC_DEFAULT, 1000));
        MN__PETSC(KSPSolve(k->ksp, w->b, w->x));
        MN__PETSC(KSPGetIterationNumber(k->ksp, &its));
        MN__PETSC(KSPGetConvergedReason(k->ksp, &reason));
        w->its = (int)its;
        w->n_its += (uint64_t)its;
        k->n_its += (uint64_t)its; /* the solver's count of Krylov iterations includes them */
        if (reason < 0)
            MN__FAIL(mn__error(ctx, MN_ERR_CONVERGENCE, "sensitivity: PETSc KSP did not reach "
                               "the relative residual %.3g in %d iterations", rtol, (int)its));
    }
    MN__PETSC(VecScatterBegin(k->toloc, w->x, w->xloc, INSERT_VALUES, SCATTER_FORWARD));
    MN__PETSC(VecScatterEnd(k->toloc, w->x, w->xloc, INSERT_VALUES, SCATTER_FORWARD));
    MN__PETSC(VecGetArrayRead(w->xloc, &xl));
    /* electrode and floating rows are identity rows with a zero right-hand side: dphi = 0 */
    for (size_t e = 0; e < g->m; e++) {
        mn_index u = lu[e], v = lv[e];
        if (fl[u] || fl[v]) {
            dV[e] = 0.0;
            continue;
        }
        double du = role[u] < 0 ? 0.0 : xl[u], dv = role[v] < 0 ? 0.0 : xl[v];
        dV[e] = du - dv;
    }
    MN__PETSC(VecRestoreArrayRead(w->xloc, &xl));
cleanup:
    return mn__mpi_agree(ctx, k->comm, st);
}
